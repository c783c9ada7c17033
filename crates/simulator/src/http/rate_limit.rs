//! BigCommerce's per-store quota: fixed windows, the first starting at the first
//! request, and four headers on every answer.

use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderValue};

/// What the headers claim when no quota is configured.
pub(crate) const UNLIMITED_QUOTA: u32 = 1_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RateHeaders {
    pub window_ms: u64,
    pub reset_ms: u64,
    pub quota: u32,
    pub left: u32,
}

impl RateHeaders {
    pub(crate) fn apply(&self, headers: &mut HeaderMap) {
        let pairs = [
            ("x-rate-limit-time-window-ms", self.window_ms),
            ("x-rate-limit-time-reset-ms", self.reset_ms),
            ("x-rate-limit-requests-quota", u64::from(self.quota)),
            ("x-rate-limit-requests-left", u64::from(self.left)),
        ];
        for (name, value) in pairs {
            headers.insert(name, HeaderValue::from(value));
        }
    }
}

#[derive(Debug)]
pub(crate) struct RateLimiter {
    quota: Option<u32>,
    window: Duration,
    start: Option<Instant>,
    used: u32,
}

impl RateLimiter {
    pub(crate) fn new(quota: Option<u32>, window_ms: u64) -> Self {
        RateLimiter {
            quota,
            window: Duration::from_millis(window_ms.max(1)),
            start: None,
            used: 0,
        }
    }

    /// Changing the quota starts afresh, so a test's next request opens a new window.
    pub(crate) fn set_quota(&mut self, quota: Option<u32>) {
        self.quota = quota;
        self.start = None;
        self.used = 0;
    }

    pub(crate) fn set_window_ms(&mut self, window_ms: u64) {
        self.window = Duration::from_millis(window_ms.max(1));
        self.start = None;
        self.used = 0;
    }

    fn current(&self, now: Instant) -> Option<Instant> {
        self.start.filter(|s| now < *s + self.window)
    }

    /// Spends one request; `false` when the window's quota is used up.
    pub(crate) fn take(&mut self, now: Instant) -> (bool, RateHeaders) {
        if self.current(now).is_none() {
            self.start = Some(now);
            self.used = 0;
        }
        let allowed = self.quota.is_none_or(|q| self.used < q);
        if allowed {
            self.used = self.used.saturating_add(1);
        }
        (allowed, self.headers(now))
    }

    /// The headers without spending anything (for 401 and 404 answers).
    pub(crate) fn peek(&self, now: Instant) -> RateHeaders {
        self.headers(now)
    }

    fn headers(&self, now: Instant) -> RateHeaders {
        let quota = self.quota.unwrap_or(UNLIMITED_QUOTA);
        let window_ms = self.window.as_millis() as u64;
        match self.current(now) {
            Some(start) => RateHeaders {
                window_ms,
                reset_ms: (start + self.window).saturating_duration_since(now).as_millis() as u64,
                quota,
                left: quota.saturating_sub(self.used),
            },
            None => RateHeaders {
                window_ms,
                reset_ms: window_ms,
                quota,
                left: quota,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_runs_out_and_comes_back_with_the_next_window() {
        let mut rl = RateLimiter::new(Some(2), 100);
        let t0 = Instant::now();
        assert_eq!(rl.take(t0).1.left, 1);
        assert!(rl.take(t0).0);
        let (ok, h) = rl.take(t0 + Duration::from_millis(40));
        assert!(!ok);
        assert_eq!((h.left, h.reset_ms, h.quota), (0, 60, 2));
        assert!(rl.take(t0 + Duration::from_millis(100)).0);
    }

    #[test]
    fn unlimited_still_reports_headers() {
        let mut rl = RateLimiter::new(None, 30_000);
        let (ok, h) = rl.take(Instant::now());
        assert!(ok);
        assert_eq!(
            (h.quota, h.left, h.window_ms),
            (UNLIMITED_QUOTA, UNLIMITED_QUOTA - 1, 30_000)
        );
    }
}
