//! [`ServiceLocks`]: one lock per VPC endpoint service, shared by a client and its clones, so
//! that no change of a service made through one client runs inside an edit of it (an edit's
//! read and write are not interleaved with another change of the same service).
//!
//! Two kinds of change take it. A read-modify-write (an edit, a modify that waits for the
//! service after it) takes the service's lock [`exclusively`](ServiceLocks::lock): one at a
//! time per service, first come first served. A plain change, a write of what the caller set
//! whatever the service is now, only has to stay out of those: while no exclusive lock is
//! asked for, it [`goes at once`](ServiceLocks::lock_plain), counted in and out with two
//! atomic operations, and plain changes do not wait for each other (the service applies them
//! in the order they arrive, as it would from two processes). An exclusive locker announces
//! itself first and then waits for the plain changes already under way to end; the plain
//! changes that start after it take the service's lock like an edit, until no exclusive
//! locker is left.
//!
//! A service has an entry only while someone holds its lock: the entry is the queue of those
//! waiting for it, first come first served. Taking a free lock and letting it go are one map
//! insertion and one removal, with nothing allocated; the holder that lets go hands the lock
//! to the first waiter still waiting, or removes the entry, so services no longer changed cost
//! no memory. A wait given up leaves nothing behind, and passes on a lock it was handed.

use std::{
    collections::{HashMap, VecDeque, hash_map},
    pin::pin,
    sync::{
        Arc, Mutex, MutexGuard,
        atomic::{AtomicUsize, Ordering::SeqCst},
    },
};

use tokio::sync::{Notify, oneshot};
use uuid::Uuid;

/// The services whose lock is held, each with the queue of those waiting for it.
type Held = HashMap<Uuid, VecDeque<oneshot::Sender<()>>>;

/// The locks of the services being changed, by service ID.
#[derive(Clone, Debug, Default)]
pub(crate) struct ServiceLocks(Arc<Shared>);

/// What a client and its clones share of the locks.
#[derive(Debug, Default)]
struct Shared {
    /// The services whose lock is held.
    held: Mutex<Held>,
    /// How many exclusive lockers have announced themselves and not let go.
    exclusive: AtomicUsize,
    /// How many plain changes are under way without a lock.
    plain: AtomicUsize,
    /// Woken when the last plain change under way ends while an exclusive locker waits.
    drained: Notify,
}

/// The right to change one service, until dropped.
#[derive(Debug)]
pub(crate) struct ServiceGuard<'l> {
    locks: &'l ServiceLocks,
    service: Uuid,
    kind: Kind<'l>,
}

/// How a [`ServiceGuard`] holds its right.
#[derive(Debug)]
enum Kind<'l> {
    /// A plain change counted in while no exclusive locker was announced: no lock held.
    Counted,
    /// The service's lock, taken by a plain change while an exclusive locker was announced.
    Held,
    /// The service's lock, taken exclusively by the announced locker.
    Exclusive {
        /// Held until the guard is dropped, after the lock is let go.
        _announced: Announced<'l>,
    },
}

/// An exclusive locker announced, until dropped (a wait given up takes its announcement back).
#[derive(Debug)]
struct Announced<'l>(&'l Shared);

/// A wait for a service's lock, until it is handed over.
struct Waiting<'l> {
    locks: &'l ServiceLocks,
    service: Uuid,
    /// Where the lock is handed over.
    handed: oneshot::Receiver<()>,
    /// Whether it was.
    done: bool,
}

impl ServiceLocks {
    /// Waits until no one else holds the lock of `service` and no plain change runs without
    /// one, and takes it: for a change that reads the service and writes what it read.
    /// Cancelling the wait leaves nothing behind.
    pub(crate) async fn lock(&self, service: Uuid) -> ServiceGuard<'_> {
        let announced = Announced::new(&self.0);
        self.0.drained_of_plain_changes().await;
        self.held(service).await;
        ServiceGuard {
            locks: self,
            service,
            kind: Kind::Exclusive {
                _announced: announced,
            },
        }
    }

    /// The right to make a plain change of `service`: at once while no exclusive lock is
    /// asked for, else once the service's lock is free (see the module's text).
    pub(crate) async fn lock_plain(&self, service: Uuid) -> ServiceGuard<'_> {
        let shared = &*self.0;
        shared.plain.fetch_add(1, SeqCst);
        if shared.exclusive.load(SeqCst) == 0 {
            return ServiceGuard {
                locks: self,
                service,
                kind: Kind::Counted,
            };
        }
        shared.plain_change_ended();
        self.held(service).await;
        ServiceGuard {
            locks: self,
            service,
            kind: Kind::Held,
        }
    }

    /// Waits until no one else holds the lock of `service`, and takes it.
    async fn held(&self, service: Uuid) {
        let handed = match self.map().entry(service) {
            hash_map::Entry::Vacant(free) => {
                free.insert(VecDeque::new());
                None
            }
            hash_map::Entry::Occupied(mut held) => {
                let (hand, handed) = oneshot::channel();
                held.get_mut().push_back(hand);
                Some(handed)
            }
        };
        if let Some(handed) = handed {
            let mut waiting = Waiting {
                locks: self,
                service,
                handed,
                done: false,
            };
            // A sender is dropped unused only by a holder that found this wait given up,
            // which it is not: either way, the lock is this wait's now.
            let _ = (&mut waiting.handed).await;
            waiting.done = true;
        }
    }

    /// Hands the lock of `service` to the first waiter still waiting, or frees it.
    fn release(&self, service: Uuid) {
        let mut map = self.map();
        let hash_map::Entry::Occupied(mut held) = map.entry(service) else {
            return;
        };
        while let Some(next) = held.get_mut().pop_front() {
            if next.send(()).is_ok() {
                return;
            }
        }
        held.remove();
    }

    fn map(&self) -> MutexGuard<'_, Held> {
        // Every change of the map is complete when the lock is released: a panic elsewhere
        // cannot leave it half changed.
        self.0
            .held
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// How many services have a lock now (held or waited for).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.map().len()
    }

    /// How many waits are queued for `service`.
    #[cfg(test)]
    fn waiting(&self, service: Uuid) -> usize {
        self.map().get(&service).map_or(0, VecDeque::len)
    }
}

impl Shared {
    /// Counts a plain change out, and wakes the exclusive lockers waiting when it was the
    /// last one under way.
    fn plain_change_ended(&self) {
        if self.plain.fetch_sub(1, SeqCst) == 1 && self.exclusive.load(SeqCst) > 0 {
            self.drained.notify_waiters();
        }
    }

    /// Waits until no plain change runs without a lock. The caller has announced itself, so
    /// every plain change that starts from now on takes the service's lock.
    async fn drained_of_plain_changes(&self) {
        loop {
            let mut drained = pin!(self.drained.notified());
            // Registered before the count is read: the last plain change's wake-up is not
            // missed.
            drained.as_mut().enable();
            if self.plain.load(SeqCst) == 0 {
                return;
            }
            drained.await;
        }
    }
}

impl<'l> Announced<'l> {
    fn new(shared: &'l Shared) -> Self {
        shared.exclusive.fetch_add(1, SeqCst);
        Self(shared)
    }
}

impl Drop for Announced<'_> {
    fn drop(&mut self) {
        self.0.exclusive.fetch_sub(1, SeqCst);
    }
}

impl Drop for ServiceGuard<'_> {
    fn drop(&mut self) {
        // An exclusive locker's announcement is taken back after (when its field is dropped).
        match self.kind {
            Kind::Counted => self.locks.0.plain_change_ended(),
            Kind::Held | Kind::Exclusive { .. } => self.locks.release(self.service),
        }
    }
}

impl Drop for Waiting<'_> {
    /// A wait given up: no lock can be handed to it any more; one handed to it already is
    /// passed on, and its place in the queue is let go.
    fn drop(&mut self) {
        if self.done {
            return;
        }
        self.handed.close();
        if self.handed.try_recv().is_ok() {
            self.locks.release(self.service);
        } else if let Some(queue) = self.locks.map().get_mut(&self.service) {
            queue.retain(|hand| !hand.is_closed());
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use futures_util::FutureExt;

    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    /// Lets the other tasks run until `count` waits are queued for `service`.
    async fn queued_up(locks: &ServiceLocks, service: Uuid, count: usize) {
        while locks.waiting(service) < count {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test]
    async fn plain_changes_go_at_once_and_do_not_wait_for_each_other() {
        let locks = ServiceLocks::default();
        let first = locks.lock_plain(id(1)).await;
        let second = pin!(locks.lock_plain(id(1)))
            .now_or_never()
            .expect("at once");
        assert!(matches!(first.kind, Kind::Counted));
        assert!(matches!(second.kind, Kind::Counted));
        // Nothing is held in the map for them.
        assert_eq!(locks.len(), 0);
        assert_eq!(locks.0.plain.load(SeqCst), 2);
        drop((first, second));
        assert_eq!(locks.0.plain.load(SeqCst), 0);
    }

    #[tokio::test]
    async fn an_exclusive_lock_waits_for_the_plain_changes_under_way() {
        let locks = ServiceLocks::default();
        let plain = locks.lock_plain(id(1)).await;
        // Another service's plain change too: the exclusive locker cannot tell which ones
        // touch its service without a lookup on every plain change.
        let other = locks.lock_plain(id(2)).await;
        let mut exclusive = pin!(locks.lock(id(1)));
        assert!(exclusive.as_mut().now_or_never().is_none());
        // A plain change that starts now takes the service's lock (free yet: the edit is
        // still waiting for the plain changes under way).
        let later = locks.lock_plain(id(1)).await;
        assert!(matches!(later.kind, Kind::Held));
        drop(plain);
        assert!(
            exclusive.as_mut().now_or_never().is_none(),
            "one is still under way"
        );
        drop(other);
        assert!(
            exclusive.as_mut().now_or_never().is_none(),
            "the later one holds the lock"
        );
        // And one that starts while the edit waits for the lock queues behind it.
        let mut last = pin!(locks.lock_plain(id(1)));
        assert!(last.as_mut().now_or_never().is_none());
        drop(later);
        let held = exclusive.await;
        assert!(matches!(held.kind, Kind::Exclusive { .. }));
        assert!(
            last.as_mut().now_or_never().is_none(),
            "the edit holds the lock"
        );
        drop(held);
        let last = last.await;
        assert!(matches!(last.kind, Kind::Held));
        drop(last);
        assert_eq!(locks.len(), 0);
        // With no exclusive locker left, plain changes go at once again.
        let again = locks.lock_plain(id(1)).await;
        assert!(matches!(again.kind, Kind::Counted));
    }

    #[tokio::test]
    async fn an_exclusive_wait_given_up_takes_its_announcement_back() {
        let locks = ServiceLocks::default();
        let plain = locks.lock_plain(id(5)).await;
        {
            let mut exclusive = pin!(locks.lock(id(5)));
            assert!(exclusive.as_mut().now_or_never().is_none());
            assert_eq!(locks.0.exclusive.load(SeqCst), 1);
        }
        assert_eq!(locks.0.exclusive.load(SeqCst), 0);
        let second = locks.lock_plain(id(5)).await;
        assert!(matches!(second.kind, Kind::Counted));
        drop((plain, second));
        // A held exclusive lock takes its announcement back when let go.
        drop(locks.lock(id(5)).await);
        assert_eq!(locks.0.exclusive.load(SeqCst), 0);
        assert_eq!(locks.len(), 0);
    }

    #[tokio::test]
    async fn one_holder_per_service_at_a_time() {
        let locks = ServiceLocks::default();
        let held = locks.lock(id(1)).await;
        // Another service is not held up.
        let other = locks.lock(id(2)).await;
        // The same service is, through a clone too.
        let clone = locks.clone();
        let (taken, let_go) = (
            Arc::new(tokio::sync::Notify::new()),
            Arc::new(tokio::sync::Notify::new()),
        );
        let waiting = tokio::spawn({
            let (taken, let_go) = (Arc::clone(&taken), Arc::clone(&let_go));
            async move {
                let _again = clone.lock(id(1)).await;
                taken.notify_one();
                let_go.notified().await;
            }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiting.is_finished());
        assert_eq!(locks.waiting(id(1)), 1);
        drop(held);
        taken.notified().await;
        assert_eq!(locks.len(), 2);
        let_go.notify_one();
        waiting.await.unwrap();
        drop(other);
        assert_eq!(locks.len(), 0);
    }

    #[tokio::test]
    async fn services_no_longer_changed_leave_nothing_behind() {
        let locks = ServiceLocks::default();
        for n in 0..1000 {
            let _held = locks.lock(id(n)).await;
            assert_eq!(locks.len(), 1);
        }
        assert_eq!(locks.len(), 0);
    }

    #[tokio::test]
    async fn a_wait_given_up_leaves_nothing_behind() {
        let locks = ServiceLocks::default();
        let held = locks.lock(id(7)).await;
        let given_up = tokio::time::timeout(Duration::from_millis(10), locks.lock(id(7))).await;
        assert!(given_up.is_err());
        assert_eq!(locks.len(), 1);
        drop(held);
        assert_eq!(locks.len(), 0);

        // The holder lets go first, the waiter gives up after.
        let held = locks.lock(id(8)).await;
        let waiter = locks.lock(id(8));
        drop(held);
        drop(waiter);
        assert_eq!(locks.len(), 0);

        // A waiter gives up while the holder still holds: its place in the queue goes.
        let held = locks.lock(id(9)).await;
        let given_up = tokio::time::timeout(Duration::from_millis(10), locks.lock(id(9))).await;
        assert!(given_up.is_err());
        assert_eq!(locks.waiting(id(9)), 0);
        drop(held);
        assert_eq!(locks.len(), 0);
    }

    #[tokio::test]
    async fn a_lock_handed_to_a_wait_given_up_is_passed_on() {
        let locks = ServiceLocks::default();
        let held = locks.lock(id(3)).await;
        let mut first = Box::pin(locks.lock(id(3)));
        let second = locks.clone();
        let second = tokio::spawn(async move {
            let _held = second.lock(id(3)).await;
        });
        // The first waiter queues, then the second.
        let queued = tokio::time::timeout(Duration::from_millis(10), first.as_mut()).await;
        assert!(queued.is_err());
        queued_up(&locks, id(3), 2).await;
        // The holder hands the lock to the first waiter, which gives up before it looks.
        drop(held);
        drop(first);
        // The second waiter gets it.
        tokio::time::timeout(Duration::from_secs(5), second)
            .await
            .expect("the lock was passed on")
            .unwrap();
        assert_eq!(locks.len(), 0);
    }

    #[tokio::test]
    async fn waiters_get_the_lock_in_their_order() {
        let locks = ServiceLocks::default();
        let held = locks.lock(id(4)).await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for n in 0..5 {
            let (mine, order) = (locks.clone(), Arc::clone(&order));
            tasks.push(tokio::spawn(async move {
                let _held = mine.lock(id(4)).await;
                order.lock().unwrap().push(n);
            }));
            // Each queues before the next starts.
            queued_up(&locks, id(4), usize::try_from(n).unwrap() + 1).await;
        }
        drop(held);
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), [0, 1, 2, 3, 4]);
        assert_eq!(locks.len(), 0);
    }
}
