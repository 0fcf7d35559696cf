//! [`ServiceLocks`]: one lock per VPC endpoint service, shared by a client and its clones, so
//! that the changes of one service made through one client run one at a time (an edit's read
//! and write are not interleaved with another change of the same service).
//!
//! A service has an entry only while someone holds its lock: the entry is the queue of those
//! waiting for it, first come first served. Taking a free lock and letting it go are one map
//! insertion and one removal, with nothing allocated; the holder that lets go hands the lock
//! to the first waiter still waiting, or removes the entry, so services no longer changed cost
//! no memory. A wait given up leaves nothing behind, and passes on a lock it was handed.

use std::{
    collections::{HashMap, VecDeque, hash_map},
    sync::{Arc, Mutex, MutexGuard},
};

use tokio::sync::oneshot;
use uuid::Uuid;

/// The services whose lock is held, each with the queue of those waiting for it.
type Held = HashMap<Uuid, VecDeque<oneshot::Sender<()>>>;

/// The locks of the services being changed, by service ID.
#[derive(Clone, Debug, Default)]
pub(crate) struct ServiceLocks(Arc<Mutex<Held>>);

/// The right to change one service, until dropped.
#[derive(Debug)]
pub(crate) struct ServiceGuard<'l> {
    locks: &'l ServiceLocks,
    service: Uuid,
}

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
    /// Waits until no one else holds the lock of `service`, and takes it. Cancelling the wait
    /// leaves nothing behind.
    pub(crate) async fn lock(&self, service: Uuid) -> ServiceGuard<'_> {
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
        ServiceGuard {
            locks: self,
            service,
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

impl Drop for ServiceGuard<'_> {
    fn drop(&mut self) {
        self.locks.release(self.service);
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
