//! [`ServiceLocks`]: one lock per VPC endpoint service, shared by a client and its clones, so
//! that the changes of one service made through one client run one at a time (an edit's read
//! and write are not interleaved with another change of the same service).
//!
//! A lock exists only while someone holds it or waits for it: the last one to let go (a guard
//! dropped, or a wait given up) removes it, so services no longer changed cost no memory.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard, Weak},
};

use tokio::sync::OwnedMutexGuard;
use uuid::Uuid;

/// The locks of the services being changed, by service ID.
#[derive(Clone, Debug, Default)]
pub(crate) struct ServiceLocks(Arc<Mutex<HashMap<Uuid, Weak<tokio::sync::Mutex<()>>>>>);

/// The right to change one service, until dropped.
#[derive(Debug)]
pub(crate) struct ServiceGuard {
    // Fields drop in order: the lock is released before the entry is let go.
    _held: OwnedMutexGuard<()>,
    _entry: Entry,
}

/// A share of one service's lock, held while it is waited for and while it is held.
#[derive(Debug)]
struct Entry {
    locks: ServiceLocks,
    service: Uuid,
    lock: Option<Arc<tokio::sync::Mutex<()>>>,
}

impl ServiceLocks {
    /// Waits until no one else holds the lock of `service`, and takes it. Cancelling the wait
    /// leaves nothing behind.
    pub(crate) async fn lock(&self, service: Uuid) -> ServiceGuard {
        let lock = self.shared(service);
        let entry = Entry {
            locks: self.clone(),
            service,
            lock: Some(Arc::clone(&lock)),
        };
        // The wait holds a share of its own, made after `entry`: cancelled, the wait drops it
        // before `entry` cleans up.
        let held = lock.lock_owned().await;
        ServiceGuard {
            _held: held,
            _entry: entry,
        }
    }

    /// The lock of `service`, made if no one holds or waits for it.
    fn shared(&self, service: Uuid) -> Arc<tokio::sync::Mutex<()>> {
        let mut map = self.map();
        if let Some(lock) = map.get(&service).and_then(Weak::upgrade) {
            return lock;
        }
        let lock = Arc::new(tokio::sync::Mutex::new(()));
        map.insert(service, Arc::downgrade(&lock));
        lock
    }

    fn map(&self) -> MutexGuard<'_, HashMap<Uuid, Weak<tokio::sync::Mutex<()>>>> {
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
}

impl Drop for Entry {
    /// Lets go of the share, and removes the lock when it was the last one. Shares are taken
    /// under the map's lock too, so no one can take one in between.
    fn drop(&mut self) {
        let mut map = self.locks.map();
        drop(self.lock.take());
        if map
            .get(&self.service)
            .is_some_and(|lock| lock.strong_count() == 0)
        {
            map.remove(&self.service);
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

    #[tokio::test]
    async fn one_holder_per_service_at_a_time() {
        let locks = ServiceLocks::default();
        let held = locks.lock(id(1)).await;
        // Another service is not held up.
        let other = locks.lock(id(2)).await;
        // The same service is, through a clone too.
        let clone = locks.clone();
        let waiting = tokio::spawn(async move { clone.lock(id(1)).await });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiting.is_finished());
        drop(held);
        let again = waiting.await.unwrap();
        assert_eq!(locks.len(), 2);
        drop((again, other));
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
    }
}
