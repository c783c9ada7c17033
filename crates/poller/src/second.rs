//! Reading one crowded second: more than a page of customers share one
//! `date_modified` second (a bulk import), so the keyset cannot step through them and
//! the second is read by page number, inside `date_modified:min = max = second`.
//!
//! Rows of that second are edited while it is read: an edit moves a row out of the
//! second (to a later one, which the keyset walk reads after it anyway), and every
//! row behind it moves one place toward the front. Read front to back, that shift
//! pushes unread rows onto pages already read; rescanning until nothing moves never
//! ends on a busy store. So the pages are read from the last to the first.
//!
//! Why nothing is missed. Let n be the second's total when the scan starts and P the
//! page size; the scan reads pages k = ceil(n / P), k - 1, ..., 1. Assume (as for any
//! sorted listing) that the rows still in the second keep their relative order from
//! one request to the next, and that no row enters a second that is past at the API
//! (checked: a total that grows restarts the scan). Then a row's position p (1-based)
//! can only fall over time, as rows ahead of it leave. Take a row r that stays in the
//! second for the whole scan. Before page k is read, p <= n <= kP. Suppose that
//! before page j is read, p <= jP. If page j (positions (j-1)P+1 ..= jP) does not hold
//! r when it is read, then p <= (j-1)P at that moment, and p can only fall after it:
//! so p <= (j-1)P before page j - 1 is read. At j = 1 the page holds positions
//! 1 ..= P, and p >= 1, so r is on it. Every row that stays is read; every row that
//! leaves carries a later `date_modified` and is read by the walk after the second.
//!
//! The scan costs one count request plus k pages and always ends: rows leaving only
//! shorten it. Rows entering a past second (a write stamped in the past becoming
//! visible late) restart it at most `max_second_rescans` times; after that the second
//! is left for the next pass, like a second that is still current at the API.

use chrono::{DateTime, Utc};

use bigcommerce::CustomerQuery;

use crate::customers::Pass;
use crate::error::PollError;
use crate::fetch::fetched;

impl Pass<'_> {
    /// Reads every customer modified in `second`; `false` when the second was left
    /// for the next pass (rows kept entering it), so the walk stops there.
    pub(crate) async fn scan_second(&mut self, second: DateTime<Utc>) -> Result<bool, PollError> {
        let attempts = self.opts.max_second_rescans.max(1);
        let page_size = i64::from(self.opts.page_size.max(1));
        'scan: for _ in 0..attempts {
            let count = self.count_second(second).await?;
            let mut bound = count;
            let pages = u32::try_from((count + page_size - 1) / page_size).unwrap_or(u32::MAX);
            let mut served_at = None;
            for page_no in (1..=pages).rev() {
                // Asking a page again is safe: the argument below holds for any
                // number of reads of page j before page j - 1.
                let (page, complete) = self.fetch_complete(Some(second), Some(second), page_no).await?;
                if page.dates.iter().any(|d| *d != second) {
                    return Err(PollError::Contract(format!(
                        "GET /customers?date_modified:min={second}&date_modified:max={second} returned rows \
                         modified at other times"
                    )));
                }
                let grew = page.pagination.total > bound;
                bound = bound.min(page.pagination.total);
                served_at = page.served_at.or(served_at);
                // What was read is stored either way; only the watermark waits.
                self.commit(page.data, page.rejected, None).await?;
                if !complete {
                    tracing::warn!(%second, "a page of a crowded second kept lacking rows its total counts; leaving the second for the next pass");
                    return Ok(false);
                }
                if grew {
                    tracing::info!(%second, "customers entered a past second while it was read; reading it again");
                    continue 'scan;
                }
            }
            let covered = second.min(self.clock_cap(served_at));
            self.commit(Vec::new(), Vec::new(), Some(covered)).await?;
            return Ok(true);
        }
        tracing::warn!(%second, attempts,
            "customers kept entering a past second while it was read; leaving it for the next pass");
        Ok(false)
    }

    /// How many customers the API holds in `second` (one row's request).
    async fn count_second(&self, second: DateTime<Utc>) -> Result<i64, PollError> {
        let q = CustomerQuery {
            date_modified_min: Some(second),
            date_modified_max: Some(second),
            sort: Some("date_modified:asc"),
            page: 1,
            limit: 1,
            ..Default::default()
        };
        let page = fetched(self.client.list_customers_lenient(&q).await?)?;
        Ok(page.pagination.total)
    }
}
