//! Poller settings.

use std::time::Duration;

use std::sync::Arc;

use bigcommerce::models::Exclusions;

use crate::progress::Progress;

#[derive(Debug, Clone)]
pub struct PollOptions {
    /// How far before the stored watermark an incremental pass starts. The filter is
    /// inclusive and rows can commit late within a second, so a few seconds of
    /// re-reading buys certainty for the price of rarely more than one request.
    pub overlap: Duration,
    /// Each incremental pass re-reads the rows modified this long before the stored
    /// watermark (at least `overlap`), for rows that become visible in the API's
    /// listings some time after the `date_modified` they carry. Costs nothing extra
    /// unless more than a page of rows were modified in that window.
    pub lookback: Duration,
    /// The watermark never passes the API's own time (its `Date` header) less this,
    /// and a crowded second this close to it is left for the next pass.
    pub clock_margin: Duration,
    /// Rows per request: the API's maximum, to spend the fewest requests.
    pub page_size: u32,
    /// Customer ids per `/customers/addresses?customer_id:in=` request.
    pub address_batch: usize,
    /// How often one crowded second may be read again when rows enter it while it is
    /// read (a write stamped in the past becoming visible) before the pass leaves it
    /// for the next pass.
    pub max_second_rescans: u32,
    /// Pages fetched ahead of the store writer (memory = page × depth).
    pub channel_depth: usize,
    /// Pages of a full walk in flight at once. The rate limiter paces them, so this
    /// only has to cover the latency of one request at the paced rate; memory stays
    /// at (concurrency + depth) pages.
    pub concurrency: usize,
    /// Pages of a full walk written at once, each on its own database connection
    /// (pages that move a watermark are always written alone, in order). They take
    /// their places from `channel_depth`: memory stays at (concurrency + depth) pages.
    /// 4 by default, at most one less than the pool's connections: a page is a dozen
    /// round trips, and with two writers PostgreSQL's backends spent about half the
    /// walk waiting for bcsync's next statement (see docs/benchmarks.md).
    pub writers: usize,
    /// Resources and fields the operator keeps out of the mirror.
    pub exclusions: Exclusions,
    /// Told how far a full walk got (`bcsync resync`'s bar); `None`: nobody watches.
    pub progress: Option<Arc<dyn Progress>>,
}

impl Default for PollOptions {
    fn default() -> Self {
        PollOptions {
            overlap: Duration::from_secs(5),
            lookback: Duration::from_secs(60),
            clock_margin: Duration::from_secs(5),
            page_size: 250,
            address_batch: 25,
            max_second_rescans: 8,
            channel_depth: 2,
            concurrency: 4,
            writers: 4,
            exclusions: Exclusions::default(),
            progress: None,
        }
    }
}
