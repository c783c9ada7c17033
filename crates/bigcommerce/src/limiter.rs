//! One rate limiter per store, shared by every request to it.
//!
//! BigCommerce announces its quota in four headers on every response. The limiter
//! remembers the latest announcement and, once this client has spent its share of the
//! window, waits for the window to reset instead of drawing a 429.

use std::sync::Mutex;
use std::time::Duration;

use reqwest::header::HeaderMap;
use tokio::time::Instant;

pub const HEADER_WINDOW_MS: &str = "x-rate-limit-time-window-ms";
pub const HEADER_RESET_MS: &str = "x-rate-limit-time-reset-ms";
pub const HEADER_QUOTA: &str = "x-rate-limit-requests-quota";
pub const HEADER_LEFT: &str = "x-rate-limit-requests-left";

/// The quota as last announced by the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Announcement {
    pub quota: u32,
    pub left: u32,
    pub reset: Duration,
}

impl Announcement {
    /// Reads the four headers; `None` when any is missing or garbled.
    pub fn from_headers(headers: &HeaderMap) -> Option<Announcement> {
        let num = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
        num(HEADER_WINDOW_MS)?;
        Some(Announcement {
            quota: u32::try_from(num(HEADER_QUOTA)?).ok()?,
            left: u32::try_from(num(HEADER_LEFT)?).ok()?,
            reset: Duration::from_millis(num(HEADER_RESET_MS)?),
        })
    }
}

#[derive(Debug, Default)]
struct Window {
    quota: u32,
    left: u32,
    resets_at: Option<Instant>,
}

#[derive(Debug)]
pub struct RateLimiter {
    /// Fraction of the quota this client may spend; the rest stays free for other apps.
    share: f64,
    window: Mutex<Window>,
}

impl RateLimiter {
    pub fn new(share: f64) -> Self {
        RateLimiter {
            share: share.clamp(0.01, 1.0),
            window: Mutex::new(Window::default()),
        }
    }

    /// Waits until this client may send one more request, then counts it as sent.
    pub async fn acquire(&self) {
        loop {
            let wait = {
                let mut w = self.window.lock().unwrap_or_else(|e| e.into_inner());
                let now = Instant::now();
                if w.resets_at.is_some_and(|at| at <= now) {
                    // The window has rolled over: the next response tells the new figures.
                    w.resets_at = None;
                }
                match w.resets_at {
                    Some(at) if w.left <= self.reserve(w.quota) => Some(at - now),
                    _ => {
                        w.left = w.left.saturating_sub(1);
                        None
                    }
                }
            };
            match wait {
                Some(d) => {
                    tracing::debug!(
                        wait_ms = d.as_millis() as u64,
                        "quota share spent; waiting for the window"
                    );
                    tokio::time::sleep(d).await;
                }
                None => return,
            }
        }
    }

    /// Records what a response announced.
    pub fn observe(&self, a: Announcement) {
        let mut w = self.window.lock().unwrap_or_else(|e| e.into_inner());
        w.quota = a.quota;
        w.left = a.left;
        w.resets_at = Some(Instant::now() + a.reset);
    }

    /// Requests left in a window that belong to the merchant's other apps.
    fn reserve(&self, quota: u32) -> u32 {
        quota - (f64::from(quota) * self.share).floor() as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn waits_for_the_reset_once_the_share_is_spent() {
        let limiter = RateLimiter::new(0.5);
        limiter.observe(Announcement {
            quota: 10,
            left: 6,
            reset: Duration::from_secs(3),
        });
        let start = Instant::now();
        limiter.acquire().await; // left 6 > reserve 5: goes at once
        assert_eq!(start.elapsed(), Duration::ZERO);
        limiter.acquire().await; // left 5 == reserve: waits for the reset
        assert_eq!(start.elapsed(), Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn an_unknown_quota_never_waits() {
        let limiter = RateLimiter::new(1.0);
        let start = Instant::now();
        for _ in 0..100 {
            limiter.acquire().await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[test]
    fn headers_are_read_case_insensitively_and_missing_ones_give_none() {
        let mut h = HeaderMap::new();
        h.insert("X-Rate-Limit-Time-Window-Ms", "30000".parse().unwrap());
        h.insert("X-Rate-Limit-Time-Reset-Ms", "1500".parse().unwrap());
        h.insert("X-Rate-Limit-Requests-Quota", "150".parse().unwrap());
        assert_eq!(Announcement::from_headers(&h), None);
        h.insert("x-rate-limit-requests-left", "149".parse().unwrap());
        assert_eq!(
            Announcement::from_headers(&h),
            Some(Announcement {
                quota: 150,
                left: 149,
                reset: Duration::from_millis(1500)
            })
        );
    }
}
