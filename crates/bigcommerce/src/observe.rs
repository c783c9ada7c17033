//! [`RequestObserver`]: what the client tells its owner about the requests it makes.
//!
//! The binary implements it to fill its Prometheus metrics; this crate stays free of
//! any metrics library. Every method has an empty default.

use std::fmt::Debug;
use std::time::Duration;

pub trait RequestObserver: Send + Sync + Debug {
    /// A response arrived for `path` (the path without the query, e.g. `/customers`)
    /// with `status`; 0 when no response came (timeout, reset connection).
    fn response(&self, _path: &str, _status: u16) {}

    /// A request waited `waited` for the rate limiter; `for_reset` when the share of
    /// the window was spent and it waited for the window to reset.
    fn waited(&self, _waited: Duration, _for_reset: bool) {}

    /// A response announced the store's quota: `quota` requests per window for every
    /// app together, `left` of them unspent in the current window.
    fn quota(&self, _quota: u32, _left: u32) {}

    /// A request to `path` failed after its last allowed retry.
    fn gave_up(&self, _path: &str) {}
}
