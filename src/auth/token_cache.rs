//! The token of a password login, cached per client: reused until a margin before it expires,
//! fetched by one caller at a time (single flight: the others wait for that fetch and share
//! its token or its failure), and replaced at most once per rejection.
//!
//! Times are tokio's [`Instant`]s, so that a paused clock drives the cache in tests. A token's
//! lifetime is what IAM says it is (`expires_at - issued_at`), counted from when the login was
//! sent: the client's clock and IAM's need not agree.

use std::{
    sync::{Arc, Mutex, MutexGuard},
    time::Duration,
};

use reqwest::header::HeaderValue;
use tokio::time::Instant;

/// How long before a token expires the client logs in again for a new one, by default.
pub const DEFAULT_TOKEN_REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// A token and what IAM said about it.
#[derive(Debug)]
pub(crate) struct Token {
    /// The token (the `X-Subject-Token` of the login's answer), as the `X-Auth-Token` value
    /// of every request made with it: made once, marked sensitive (never shown).
    pub(crate) header: HeaderValue,
    /// When it expires, on this client's clock.
    pub(crate) expires: Instant,
    /// The project it is scoped to, if any.
    pub(crate) project_id: Option<String>,
}

/// The cached token, and the fetch in flight.
#[derive(Debug)]
pub(crate) struct TokenCache<E> {
    margin: Duration,
    state: Mutex<State<E>>,
    /// Held by the one caller that fetches; the others wait here.
    flight: tokio::sync::Mutex<()>,
}

#[derive(Debug)]
struct State<E> {
    token: Option<Arc<Token>>,
    /// How many fetches have ended, for a waiter to tell that one ended while it waited.
    fetches: u64,
    /// The failure of the last fetch, when it failed.
    failure: Option<E>,
}

impl<E: Clone> TokenCache<E> {
    /// An empty cache that refreshes a token `margin` before it expires.
    pub(crate) fn new(margin: Duration) -> Self {
        Self {
            margin,
            state: Mutex::new(State {
                token: None,
                fetches: 0,
                failure: None,
            }),
            flight: tokio::sync::Mutex::new(()),
        }
    }

    fn state(&self) -> MutexGuard<'_, State<E>> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The token cached now, fresh or not (for the headers of a request).
    pub(crate) fn current(&self) -> Option<Arc<Token>> {
        self.state().token.clone()
    }

    /// The cached token, if it is fresh: more than the margin before it expires.
    pub(crate) fn fresh(&self) -> Option<Arc<Token>> {
        let token = self.current()?;
        self.is_fresh(&token).then_some(token)
    }

    fn is_fresh(&self, token: &Token) -> bool {
        Instant::now()
            .checked_add(self.margin)
            .is_some_and(|deadline| deadline < token.expires)
    }

    /// How many fetches have ended so far.
    pub(crate) fn fetches(&self) -> u64 {
        self.state().fetches
    }

    /// The failure of the last fetch, if it failed and ended after `fetches` had ended.
    pub(crate) fn failure_since(&self, fetches: u64) -> Option<E> {
        let state = self.state();
        (state.fetches > fetches)
            .then(|| state.failure.clone())
            .flatten()
    }

    /// A fresh token: the cached one, or one that `fetch` gets. Concurrent callers share one
    /// fetch and its outcome.
    pub(crate) async fn get<F>(&self, fetch: impl FnOnce() -> F) -> Result<Arc<Token>, E>
    where
        F: Future<Output = Result<Token, E>>,
    {
        let seen = {
            let state = self.state();
            if let Some(token) = state.token.as_ref().filter(|t| self.is_fresh(t)) {
                return Ok(token.clone());
            }
            state.fetches
        };
        self.fetch_once(seen, None, fetch).await
    }

    /// A token other than `rejected`, which the service refused: the one another caller has
    /// fetched since, or one that `fetch` gets. Concurrent callers share one fetch.
    pub(crate) async fn renew<F>(
        &self,
        rejected: &Arc<Token>,
        fetch: impl FnOnce() -> F,
    ) -> Result<Arc<Token>, E>
    where
        F: Future<Output = Result<Token, E>>,
    {
        let seen = self.fetches();
        self.fetch_once(seen, Some(rejected), fetch).await
    }

    /// Fetches, unless a fetch that ended while this caller waited for its turn answers it.
    async fn fetch_once<F>(
        &self,
        seen: u64,
        rejected: Option<&Arc<Token>>,
        fetch: impl FnOnce() -> F,
    ) -> Result<Arc<Token>, E>
    where
        F: Future<Output = Result<Token, E>>,
    {
        let _turn = self.flight.lock().await;
        {
            let state = self.state();
            if state.fetches != seen
                && let Some(failure) = &state.failure
            {
                return Err(failure.clone());
            }
            if let Some(token) = &state.token {
                let usable = match rejected {
                    None => self.is_fresh(token),
                    Some(rejected) => {
                        !Arc::ptr_eq(token, rejected) && Instant::now() < token.expires
                    }
                };
                if usable {
                    return Ok(token.clone());
                }
            }
        }
        let fetched = fetch().await;
        let mut state = self.state();
        state.fetches += 1;
        match fetched {
            Ok(token) => {
                let token = Arc::new(token);
                state.token = Some(token.clone());
                state.failure = None;
                Ok(token)
            }
            Err(failure) => {
                state.failure = Some(failure.clone());
                Err(failure)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    /// A fetch that counts itself and issues a token valid for `lifetime`.
    fn issuing(
        count: &AtomicU32,
        lifetime: Duration,
    ) -> impl Future<Output = Result<Token, String>> {
        let n = count.fetch_add(1, Ordering::SeqCst) + 1;
        async move {
            tokio::task::yield_now().await;
            Ok(Token {
                header: crate::auth::sensitive(&format!("token-{n}")).expect("a header value"),
                expires: Instant::now() + lifetime,
                project_id: None,
            })
        }
    }

    fn failing(count: &AtomicU32) -> impl Future<Output = Result<Token, String>> {
        count.fetch_add(1, Ordering::SeqCst);
        async {
            tokio::task::yield_now().await;
            Err("refused".to_owned())
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_token_is_reused_until_the_margin_before_it_expires() {
        let cache = TokenCache::<String>::new(Duration::from_secs(300));
        let count = AtomicU32::new(0);
        let first = cache.get(|| issuing(&count, HOUR)).await.unwrap();
        tokio::time::advance(HOUR - Duration::from_secs(301)).await;
        let again = cache.get(|| issuing(&count, HOUR)).await.unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        assert_eq!(count.load(Ordering::SeqCst), 1);
        tokio::time::advance(Duration::from_secs(2)).await;
        let renewed = cache.get(|| issuing(&count, HOUR)).await.unwrap();
        assert!(!Arc::ptr_eq(&first, &renewed));
        assert_eq!(count.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_share_one_fetch_and_its_failure() {
        let cache = Arc::new(TokenCache::<String>::new(Duration::from_secs(300)));
        let count = Arc::new(AtomicU32::new(0));
        let calls = (0..100).map(|_| {
            let (cache, count) = (cache.clone(), count.clone());
            tokio::spawn(async move { cache.get(|| issuing(&count, HOUR)).await.is_ok() })
        });
        for call in calls.collect::<Vec<_>>() {
            assert!(call.await.unwrap());
        }
        assert_eq!(count.load(Ordering::SeqCst), 1);

        let cache = Arc::new(TokenCache::<String>::new(Duration::from_secs(300)));
        let count = Arc::new(AtomicU32::new(0));
        let calls = (0..100).map(|_| {
            let (cache, count) = (cache.clone(), count.clone());
            tokio::spawn(async move { cache.get(|| failing(&count)).await })
        });
        for call in calls.collect::<Vec<_>>() {
            assert_eq!(call.await.unwrap().unwrap_err(), "refused");
        }
        assert_eq!(count.load(Ordering::SeqCst), 1);
        assert_eq!(cache.failure_since(0).as_deref(), Some("refused"));
        assert_eq!(cache.failure_since(1), None);
    }

    #[tokio::test(start_paused = true)]
    async fn a_rejected_token_is_renewed_once_for_all_who_saw_it_rejected() {
        let cache = Arc::new(TokenCache::<String>::new(Duration::from_secs(300)));
        let count = Arc::new(AtomicU32::new(0));
        let rejected = cache.get(|| issuing(&count, HOUR)).await.unwrap();
        let calls = (0..20).map(|_| {
            let (cache, count, rejected) = (cache.clone(), count.clone(), rejected.clone());
            tokio::spawn(async move { cache.renew(&rejected, || issuing(&count, HOUR)).await })
        });
        for call in calls.collect::<Vec<_>>() {
            let renewed = call.await.unwrap().unwrap();
            assert!(!Arc::ptr_eq(&renewed, &rejected));
        }
        assert_eq!(count.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_token_issued_inside_the_margin_is_used_once_then_fetched_again() {
        let cache = TokenCache::<String>::new(Duration::from_secs(300));
        let count = AtomicU32::new(0);
        let lifetime = Duration::from_secs(240);
        cache.get(|| issuing(&count, lifetime)).await.unwrap();
        cache.get(|| issuing(&count, lifetime)).await.unwrap();
        assert_eq!(count.load(Ordering::SeqCst), 2);
    }
}
