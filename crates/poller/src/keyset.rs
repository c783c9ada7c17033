//! The keyset walk by `date_modified` (see the crate docs): page 1 of
//! `date_modified:min = <last seen>` again and again, a crowded second read on its own
//! (`second`), the watermark bounded by the API's clock.

use chrono::{DateTime, TimeDelta, Utc};

use crate::customers::Pass;
use crate::error::PollError;

impl Pass<'_> {
    pub(crate) async fn walk(&mut self, start: Option<DateTime<Utc>>) -> Result<(), PollError> {
        let mut cursor = start;
        let mut first_page = true;
        loop {
            let (page, complete) = self.fetch_complete(cursor, None, 1).await?;
            let cap = self.clock_cap(page.served_at);
            if std::mem::take(&mut first_page)
                && let Some(floor) = self.floor
                && floor > cap
            {
                // A watermark stored before it was bounded by the API's clock: take it
                // back to the bound and read from there.
                tracing::warn!(watermark = %floor, api_time_less_margin = %cap,
                    "the stored customers watermark is ahead of the API's clock; reading again from before it \
                     (changes it hid before then need `bcsync resync`)");
                self.floor = None;
                cursor = Some(cap - self.lookback());
                continue;
            }
            let (Some(&first), Some(&last)) = (page.dates.first(), page.dates.last()) else {
                return Ok(());
            };
            check_order(&page.dates, cursor)?;
            if !complete {
                tracing::warn!(
                    "a customers listing kept answering fewer rows than its own total; the rest is left for the next pass"
                );
                return self.commit(page.data, page.rejected, None).await;
            }
            if page.pagination.total_pages <= 1 {
                return self.commit(page.data, page.rejected, Some(last.min(cap))).await;
            }
            if first == last {
                if last > cap {
                    // A crowded second the API may still be adding to: store what was
                    // read, claim nothing, and leave the rest to the next pass.
                    tracing::info!(second = %last, "a crowded second is still current at the API; leaving it for the next pass");
                    return self.commit(page.data, page.rejected, None).await;
                }
                // A whole page shares one second: read that second on its own (see
                // `second`), then go on from the next second.
                if !self.scan_second(last).await? {
                    return Ok(());
                }
                cursor = Some(last + TimeDelta::seconds(1));
                continue;
            }
            // Rows before `last` are all on this page; rows at `last` may go on, so
            // the next request starts at `last` again (inclusive) and re-reads them.
            self.commit(page.data, page.rejected, Some(last.min(cap))).await?;
            cursor = Some(last);
        }
    }

    /// How far back from the stored watermark an incremental pass starts.
    pub(crate) fn lookback(&self) -> TimeDelta {
        TimeDelta::from_std(self.opts.lookback.max(self.opts.overlap)).unwrap_or_default()
    }

    /// The latest time a watermark may claim: the API's time when it answered (its
    /// `Date`; this machine's clock if it sent none) less the safety margin. Rows
    /// stamped later are stored but do not move the watermark, so one row stamped
    /// ahead of the API's clock cannot hide the edits made before that time comes.
    pub(crate) fn clock_cap(&self, served_at: Option<DateTime<Utc>>) -> DateTime<Utc> {
        let now = served_at.unwrap_or_else(Utc::now);
        now - TimeDelta::from_std(self.opts.clock_margin).unwrap_or_default()
    }
}

/// The keyset walk only terminates if the API honours `date_modified:min` and the
/// ascending sort; a server that ignores either would have it re-read the same page
/// forever (a known failure of another connector), so both are checked.
fn check_order(dates: &[DateTime<Utc>], cursor: Option<DateTime<Utc>>) -> Result<(), PollError> {
    if let Some(min) = cursor
        && dates.iter().any(|d| *d < min)
    {
        return Err(PollError::Contract(format!(
            "GET /customers?date_modified:min={min} returned rows modified before {min}"
        )));
    }
    if dates.windows(2).any(|w| w[0] > w[1]) {
        return Err(PollError::Contract(
            "GET /customers?sort=date_modified:asc returned rows out of date_modified order".to_owned(),
        ));
    }
    Ok(())
}
