//! One rate limiter per store, shared by every request to it (and by every concurrent
//! page fetch).
//!
//! BigCommerce announces its quota in four headers on every response. The limiter
//! remembers the latest announcement and *paces*: what this client may still spend in
//! the window (what is left, less the share kept for the merchant's other apps) is
//! spread evenly over the time until the window resets, so a steady pass never draws
//! a 429 and never bursts the whole quota at the start of a window either. Requests in
//! flight are counted, so concurrent fetches cannot overspend a stale announcement.

use std::sync::Mutex;
use std::time::Duration;

use reqwest::header::HeaderMap;
use tokio::time::Instant;

pub const HEADER_WINDOW_MS: &str = "x-rate-limit-time-window-ms";
pub const HEADER_RESET_MS: &str = "x-rate-limit-time-reset-ms";
pub const HEADER_QUOTA: &str = "x-rate-limit-requests-quota";
pub const HEADER_LEFT: &str = "x-rate-limit-requests-left";

/// The shortest window the limiter believes in: an announced window (or reset) of 0
/// would otherwise make every wait end at once and `acquire` spin.
const MIN_WINDOW: Duration = Duration::from_millis(100);

/// The API announced a quota this client may spend nothing of.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NoQuota {
    pub quota: u32,
    pub share: f64,
}

impl NoQuota {
    /// The client's error, naming the request that could not go.
    pub fn at(self, endpoint: &str) -> crate::ClientError {
        crate::ClientError::NoQuota {
            endpoint: endpoint.to_owned(),
            quota: self.quota,
            share: self.share,
        }
    }
}

/// The quota as last announced by the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Announcement {
    pub window: Duration,
    pub quota: u32,
    pub left: u32,
    pub reset: Duration,
}

impl Announcement {
    /// Reads the four headers; `None` when any is missing or garbled.
    pub fn from_headers(headers: &HeaderMap) -> Option<Announcement> {
        let num = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
        Some(Announcement {
            window: Duration::from_millis(num(HEADER_WINDOW_MS)?),
            quota: u32::try_from(num(HEADER_QUOTA)?).ok()?,
            left: u32::try_from(num(HEADER_LEFT)?).ok()?,
            reset: Duration::from_millis(num(HEADER_RESET_MS)?),
        })
    }
}

#[derive(Debug, Default)]
struct State {
    /// The window's quota and length, once announced.
    quota: u32,
    window: Duration,
    /// Requests left in the current window by the latest announcement, less the
    /// requests this client sent since (the server has not counted them yet).
    left: u32,
    /// When the current window ends; `None` until the first announcement.
    resets_at: Option<Instant>,
    /// The earliest moment the next request may go: pacing spaces requests out.
    next_slot: Option<Instant>,
    /// Requests sent and not yet answered.
    in_flight: u32,
}

#[derive(Debug)]
pub struct RateLimiter {
    /// Fraction of the quota this client may spend; the rest stays free for other apps.
    share: f64,
    state: Mutex<State>,
}

/// A request's place in the pacing. Dropping it (answered or failed) takes the
/// request out of the in-flight count.
#[derive(Debug)]
pub struct Permit<'a> {
    limiter: &'a RateLimiter,
}

impl Permit<'_> {
    /// Records what this request's response announced.
    pub fn observe(&self, a: Announcement) {
        self.limiter.observe(a);
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut s = self.limiter.lock();
        s.in_flight = s.in_flight.saturating_sub(1);
    }
}

/// How a call to [`RateLimiter::acquire`] went, for logs and metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Waited {
    /// Time spent waiting for a paced slot or for the window to reset.
    pub total: Duration,
    /// Whether the share of the window was spent and the request waited for a reset.
    pub for_reset: bool,
}

impl RateLimiter {
    pub fn new(share: f64) -> Self {
        RateLimiter {
            share: share.clamp(0.01, 1.0),
            state: Mutex::new(State::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits for this request's slot, then counts it as sent. Fails at once when the
    /// announced quota leaves this client nothing to spend in any window.
    pub async fn acquire(&self) -> Result<(Permit<'_>, Waited), NoQuota> {
        let start = Instant::now();
        let mut for_reset = false;
        loop {
            {
                let s = self.lock();
                if s.resets_at.is_some() && s.quota.saturating_sub(self.reserve(s.quota)) == 0 {
                    return Err(NoQuota {
                        quota: s.quota,
                        share: self.share,
                    });
                }
            }
            let wait = self.next_wait(&mut for_reset);
            match wait {
                Ok(slot) => {
                    tokio::time::sleep_until(slot).await;
                    let waited = Waited {
                        total: start.elapsed(),
                        for_reset,
                    };
                    return Ok((Permit { limiter: self }, waited));
                }
                Err(reset) => {
                    tracing::debug!(
                        wait_ms = reset.saturating_duration_since(Instant::now()).as_millis() as u64,
                        "quota share of this window spent; waiting for the reset"
                    );
                    // Never a wait of 0, whatever the announcement said.
                    tokio::time::sleep_until(reset.max(Instant::now() + Duration::from_millis(1))).await;
                }
            }
        }
    }

    /// `Ok(slot)`: the request is counted and may go at `slot`. `Err(reset)`: nothing
    /// is left to spend in this window; try again at `reset`.
    fn next_wait(&self, for_reset: &mut bool) -> Result<Instant, Instant> {
        let mut s = self.lock();
        let now = Instant::now();
        if let Some(at) = s.resets_at
            && at <= now
        {
            // A new window: assume it is whole until a response says otherwise.
            s.left = s.quota;
            s.resets_at = Some(now + s.window);
            s.next_slot = None;
        }
        let Some(resets_at) = s.resets_at else {
            // Nothing announced yet: the first response will tell.
            s.in_flight += 1;
            return Ok(now);
        };
        let spendable = s.left.saturating_sub(self.reserve(s.quota));
        let slot = s.next_slot.map_or(now, |n| n.max(now));
        if spendable == 0 || slot >= resets_at {
            *for_reset = true;
            return Err(resets_at);
        }
        // Spread what may still be spent evenly over what remains of the window.
        let interval = (resets_at - slot) / spendable;
        s.next_slot = Some(slot + interval);
        s.left -= 1;
        s.in_flight += 1;
        Ok(slot)
    }

    fn observe(&self, a: Announcement) {
        let mut s = self.lock();
        let now = Instant::now();
        let resets_at = now + a.reset.max(Duration::from_millis(1));
        // Others of our requests are still on their way; the server counts them soon.
        let unanswered = s.in_flight.saturating_sub(1);
        let announced_left = a.left.saturating_sub(unanswered);
        let same_window = s
            .resets_at
            .is_some_and(|at| at.max(resets_at) - at.min(resets_at) < a.window / 4);
        s.quota = a.quota;
        s.window = a.window.max(MIN_WINDOW);
        if same_window {
            // Both figures only fall within a window: the lower one is the truer.
            s.left = s.left.min(announced_left);
        } else {
            s.left = announced_left;
            s.next_slot = None;
        }
        s.resets_at = Some(resets_at);
    }

    /// Requests of a window that belong to the merchant's other apps.
    /// Requests per second this client may spend, by the latest announcement (its
    /// share of the quota over the window); `None` before one.
    pub fn rate(&self) -> Option<f64> {
        let s = self.lock();
        s.resets_at?;
        let spendable = s.quota.saturating_sub(self.reserve(s.quota));
        (!s.window.is_zero()).then(|| f64::from(spendable) / s.window.as_secs_f64())
    }

    fn reserve(&self, quota: u32) -> u32 {
        quota - (f64::from(quota) * self.share).floor() as u32
    }
}

#[cfg(test)]
mod tests;
