//! A resync's full walk ([`Mode::Full`](crate::Mode::Full)): pages of
//! `sort=date_created:asc` by number, several in flight, then the customers created
//! during the walk, then what changed meanwhile by a keyset walk.

use std::collections::HashSet;
use std::sync::Arc;

use bigcommerce::CustomerQuery;
use bigcommerce::query::CUSTOMER_INCLUDES;
use chrono::{DateTime, Utc};
use futures::StreamExt;

use crate::customers::Pass;
use crate::error::PollError;
use crate::fetch::fetched;
use crate::options::PollOptions;
use crate::page_store::prepare_page;

/// The full walk's order: creation never changes, so edits during the walk move no
/// row, and customers created meanwhile land after the last page.
const SORT_CREATED: &str = "date_created:asc";

impl Pass<'_> {
    /// [`Mode::Full`]: every page of `sort=date_created:asc`, `opts.concurrency` in
    /// flight, then what changed meanwhile.
    pub(crate) async fn walk_full(&mut self) -> Result<(), PollError> {
        let latest = self.latest_modified().await?;
        let first = fetched(
            self.client
                .list_customers_lenient(&created_page(1, self.opts))
                .await?,
        )?;
        let total_pages = u32::try_from(first.pagination.total_pages).unwrap_or(u32::MAX);
        self.expect_customers(first.pagination.total);
        let progress = self.opts.progress.clone();
        if let Some(p) = &progress {
            p.started(u64::try_from(first.pagination.total).unwrap_or(0));
            p.advanced(first.data.len() as u64);
        }
        let mut last_len = first.ids.len();
        self.commit(first.data, first.rejected, None).await?;
        let client = self.client.clone();
        let opts = Arc::new(self.opts.clone());
        let mirror = self.mirror().clone();
        // Spawned, so pages keep downloading and getting ready (address sets completed,
        // children detached) while this task queues the previous one to the writers;
        // `buffered` keeps at most `concurrency` of them ahead.
        let mut pages = futures::stream::iter(2..=total_pages)
            .map(|n| {
                let (client, opts, mirror) = (client.clone(), opts.clone(), mirror.clone());
                tokio::spawn(async move {
                    let page = fetched(client.list_customers_lenient(&created_page(n, &opts)).await?)?;
                    let len = page.ids.len();
                    let ready = prepare_page(&client, &mirror, &opts, page.data, page.rejected).await?;
                    Ok::<_, PollError>((len, ready))
                })
            })
            .buffered(self.opts.concurrency.max(1));
        while let Some(joined) = pages.next().await {
            let (len, page) = joined.map_err(|e| PollError::Task(e.to_string()))??;
            last_len = len;
            if let Some(p) = &progress {
                p.advanced(last_len as u64);
            }
            self.commit_prepared(page, None).await?;
        }
        // Customers created during the walk come after its last page.
        let mut n = total_pages.max(1);
        let mut previous: HashSet<i64> = HashSet::new();
        while last_len >= self.opts.page_size as usize {
            n += 1;
            let page = fetched(
                self.client
                    .list_customers_lenient(&created_page(n, self.opts))
                    .await?,
            )?;
            let ids: HashSet<i64> = page.ids.iter().copied().collect();
            if !ids.is_empty() && ids == previous {
                // A server that ignores `page` would keep this loop going forever.
                return Err(PollError::Contract(format!(
                    "GET /customers?sort={SORT_CREATED}&page={n} returned the rows of page {} again: \
                     the server ignores `page`",
                    n - 1
                )));
            }
            previous = ids;
            last_len = page.ids.len();
            self.commit(page.data, page.rejected, None).await?;
        }
        let Some(latest) = latest else {
            return Ok(());
        };
        // Everything modified up to `latest` was on the pages; what changed during the
        // walk is read like an incremental pass's changes.
        self.walk(Some(latest - self.lookback())).await?;
        self.commit(Vec::new(), Vec::new(), Some(latest)).await
    }

    /// The newest `date_modified` of the store before a full walk starts, bounded by
    /// the API's clock (see [`Pass::clock_cap`]).
    async fn latest_modified(&self) -> Result<Option<DateTime<Utc>>, PollError> {
        let q = CustomerQuery {
            sort: Some("date_modified:desc"),
            page: 1,
            limit: 1,
            ..Default::default()
        };
        let page = self.client.list_customers(&q).await?;
        let cap = self.clock_cap(page.served_at);
        Ok(page.data.first().map(|c| c.value.date_modified.min(cap)))
    }
}

fn created_page(page: u32, opts: &PollOptions) -> CustomerQuery {
    CustomerQuery {
        sort: Some(SORT_CREATED),
        include: Some(CUSTOMER_INCLUDES),
        page,
        limit: opts.page_size,
        ..Default::default()
    }
}
