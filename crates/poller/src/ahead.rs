//! The pages of a [`StableScan`] asked for a few at a time: while one page is written
//! the next ones are on their way, and the loop's bound is the writes, not one round
//! trip per page on top of them. Pages are handed on in page order and observed as
//! if read one by one; a scan that starts over drops what it asked for ahead.

use std::future::Future;

use bigcommerce::ClientError;
use bigcommerce::models::{Collection, Raw};
use futures::StreamExt;
use futures::stream::FuturesOrdered;
use tokio::sync::mpsc;

use crate::error::PollError;
use crate::resources::{StableScan, Step};

/// Pages asked for at once (the store's limiter still paces every one).
pub(crate) const AHEAD: usize = 4;

/// A page, and whether it is the scan's last; or why the scan stopped.
pub(crate) type ScannedPage<T> = Result<(Collection<Raw<T>>, bool), PollError>;

/// Reads `scan`'s pages with `fetch` (page number to answer), at most [`AHEAD`] on
/// their way, never past the last page the listing announced, and sends each with
/// whether it is the last to `pages`, in order. Ends after the last page, after an
/// error (sent too), or when the receiver is gone.
pub(crate) async fn scan_ahead<T, Fut>(
    mut scan: StableScan,
    fetch: impl Fn(u32) -> Fut,
    key: impl Fn(&T) -> i64,
    pages: mpsc::Sender<ScannedPage<T>>,
) where
    Fut: Future<Output = Result<Collection<Raw<T>>, ClientError>>,
{
    let mut queue = FuturesOrdered::new();
    // The next page to ask for; the pages asked for run from `scan.page()` to it.
    let mut next = scan.page();
    // Page 1 alone until an answer announces how many there are.
    let mut total_pages = 1;
    loop {
        while queue.len() < AHEAD && (queue.is_empty() || i64::from(next) <= total_pages) {
            queue.push_back(fetch(next));
            next += 1;
        }
        let Some(answer) = queue.next().await else {
            return;
        };
        let page = match answer {
            Ok(page) => page,
            Err(e) => {
                let _ = pages.send(Err(e.into())).await;
                return;
            }
        };
        total_pages = page.pagination.total_pages;
        let expected = scan.page() + 1;
        let step = match scan.observe(&page, &key) {
            Ok(step) => step,
            Err(e) => {
                let _ = pages.send(Err(e)).await;
                return;
            }
        };
        let last = step == Step::Done;
        if !last && scan.page() != expected {
            // The scan starts over: what was asked for ahead belongs to the old one.
            queue = FuturesOrdered::new();
            next = scan.page();
        }
        if pages.send(Ok((page, last))).await.is_err() || last {
            return;
        }
    }
}
