//! [`Progress`]: how a resync's full walk reports how far it got. The binary draws a
//! bar on a terminal and logs plain lines otherwise; the poller only counts.

use std::fmt::Debug;

pub trait Progress: Send + Sync + Debug {
    /// The walk knows how many customers the listing holds.
    fn started(&self, total: u64);
    /// `rows` more customers were read.
    fn advanced(&self, rows: u64);
    /// The walk ended (successfully or not).
    fn finished(&self);
}
