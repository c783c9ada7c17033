//! Pages as the walk reads them: [`Fetched`] (every row's id and `date_modified`, set-
//! aside rows included) and the requests that make them, asked again while an answer
//! holds fewer rows than its own total.

use bcsync_mirror::Quarantined;
use bigcommerce::CustomerQuery;
use bigcommerce::models::{Customer, LenientPage, Raw};
use bigcommerce::query::CUSTOMER_INCLUDES;
use chrono::{DateTime, Utc};

use crate::customers::{Pass, SORT};
use crate::error::PollError;

impl Pass<'_> {
    /// [`Self::fetch`], asked again (twice at most) while the answer holds fewer rows
    /// than its own `total` says this page has (a listing that lags); `false` if it
    /// never did. Rows a lagging answer lacks would otherwise fall behind the watermark.
    pub(crate) async fn fetch_complete(
        &self,
        min: Option<DateTime<Utc>>,
        max: Option<DateTime<Utc>>,
        page: u32,
    ) -> Result<(Fetched, bool), PollError> {
        let size = i64::from(self.opts.page_size.max(1));
        let full = |f: &Fetched| {
            let expected = (f.pagination.total - i64::from(page.saturating_sub(1)) * size).clamp(0, size);
            f.ids.len() as i64 >= expected
        };
        let mut answer = self.fetch(min, max, page).await?;
        for _ in 0..2 {
            if full(&answer) {
                return Ok((answer, true));
            }
            tracing::info!(
                page,
                "a customers listing answered fewer rows than its total; asking again"
            );
            answer = self.fetch(min, max, page).await?;
        }
        let complete = full(&answer);
        Ok((answer, complete))
    }

    pub(crate) async fn fetch(
        &self,
        min: Option<DateTime<Utc>>,
        max: Option<DateTime<Utc>>,
        page: u32,
    ) -> Result<Fetched, PollError> {
        let q = CustomerQuery {
            date_modified_min: min,
            date_modified_max: max,
            sort: Some(SORT),
            include: Some(CUSTOMER_INCLUDES),
            page,
            limit: self.opts.page_size,
            ..Default::default()
        };
        fetched(self.client.list_customers_lenient(&q).await?)
    }
}

/// One page as the walk needs it: the customers that fit the model, those set aside,
/// and for every row in page order its id and `date_modified` (set-aside rows still
/// count for the keyset and the scans, or the walk would stall on them).
pub(crate) struct Fetched {
    pub data: Vec<Raw<Customer>>,
    pub rejected: Vec<Quarantined>,
    pub ids: Vec<i64>,
    pub dates: Vec<DateTime<Utc>>,
    pub pagination: bigcommerce::models::Pagination,
    /// The API's time of the answer (its `Date` header).
    pub served_at: Option<DateTime<Utc>>,
}

/// Splits a leniently decoded page. A record too broken to place (no id, or no
/// readable `date_modified`) fails the page as before: quarantining it would let the
/// watermark pass a row nobody could find again.
pub(crate) fn fetched(page: LenientPage<Customer>) -> Result<Fetched, PollError> {
    let mut rows: Vec<(usize, i64, DateTime<Utc>)> =
        Vec::with_capacity(page.data.len() + page.rejected.len());
    let mut accepted_positions = (0..).filter(|p| !page.rejected.iter().any(|r| r.position == *p));
    for c in &page.data {
        let position = accepted_positions.next().unwrap_or(usize::MAX);
        rows.push((position, c.value.id, c.value.date_modified));
    }
    let mut rejected = Vec::with_capacity(page.rejected.len());
    for r in page.rejected {
        let id = r.raw.id();
        let modified = r
            .raw
            .field::<String>("date_modified")
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc));
        let (Some(id), Some(modified)) = (id, modified) else {
            return Err(PollError::Client(bigcommerce::ClientError::Decode {
                endpoint: "GET /customers".to_owned(),
                source: r.error,
            }));
        };
        rows.push((r.position, id, modified));
        rejected.push(Quarantined {
            entity_id: id,
            raw: r.raw.to_value(),
            error: format!("GET /customers: {}", r.error),
        });
    }
    rows.sort_by_key(|(position, _, _)| *position);
    Ok(Fetched {
        data: page.data,
        rejected,
        ids: rows.iter().map(|(_, id, _)| *id).collect(),
        dates: rows.iter().map(|(_, _, d)| *d).collect(),
        pagination: page.pagination,
        served_at: page.served_at,
    })
}
