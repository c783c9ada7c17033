//! The store side of a pass: a task that commits pages in order, one transaction each.

use bcsync_store::{CustomerPage, Quarantined, RecordPage, Resource, Scope, Store};
use bigcommerce::models::{Address, Customer, Raw};
use chrono::{DateTime, Utc};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::CUSTOMERS_RESOURCE;
use crate::error::PollError;
use crate::stats::PassStats;

/// One page ready to commit: customers, their complete address sets, and the
/// watermark that becomes true once these rows are stored.
#[derive(Debug, Default)]
pub struct PageWrite {
    pub customers: Vec<Raw<Customer>>,
    pub addresses: Vec<Raw<Address>>,
    pub complete_address_sets_for: Vec<i64>,
    /// Form field values carried by the page (None: the resource is excluded).
    pub form_fields: Option<Vec<serde_json::Value>>,
    /// Customers whose own form field values are all in `form_fields`.
    pub form_field_owners: Vec<i64>,
    pub watermark: Option<DateTime<Utc>>,
    /// Customers of the page that do not fit the model, to set aside.
    pub quarantined: Vec<Quarantined>,
}

pub struct Writer {
    tx: mpsc::Sender<PageWrite>,
    /// `None` once `send` has collected its error.
    task: Option<JoinHandle<Result<PassStats, PollError>>>,
}

impl Writer {
    pub fn spawn(store: Store, store_hash: String, depth: usize) -> Writer {
        let (tx, mut rx) = mpsc::channel::<PageWrite>(depth.max(1));
        let task = tokio::spawn(async move {
            let mut stats = PassStats::default();
            // Known once: customers stored by this pass leave quarantine; with none in
            // it (the usual case) no page pays for the check.
            let mut in_quarantine: std::collections::HashSet<i64> = store
                .quarantined_ids(&store_hash, CUSTOMERS_RESOURCE)
                .await?
                .into_iter()
                .collect();
            while let Some(w) = rx.recv().await {
                // Before the page and its checkpoint, so a crash in between cannot let
                // the watermark pass a record that is in neither place.
                store
                    .quarantine(&store_hash, CUSTOMERS_RESOURCE, &w.quarantined)
                    .await?;
                // Before the customers and their checkpoint: if the process dies in
                // between, the page is simply read again.
                if let Some(records) = &w.form_fields {
                    store
                        .write_records(&RecordPage {
                            store_hash: &store_hash,
                            resource: Resource::FormFieldValues,
                            records,
                            scope: Scope::Customers(&w.form_field_owners),
                            checkpoint: None,
                        })
                        .await?;
                }
                let page = CustomerPage {
                    store_hash: &store_hash,
                    customers: &w.customers,
                    addresses: &w.addresses,
                    complete_address_sets_for: &w.complete_address_sets_for,
                    checkpoint: w.watermark.map(|ts| (CUSTOMERS_RESOURCE, ts)),
                };
                let page_stats = store.write_customer_page(&page).await?;
                stats.add_page(&page_stats);
                let fixed: Vec<i64> = w
                    .customers
                    .iter()
                    .map(|c| c.value.id)
                    .filter(|id| in_quarantine.remove(id))
                    .collect();
                store
                    .clear_quarantine(&store_hash, CUSTOMERS_RESOURCE, &fixed)
                    .await?;
            }
            Ok(stats)
        });
        Writer { tx, task: Some(task) }
    }

    /// Queues a page; waits while the writer is `depth` pages behind.
    pub async fn send(&mut self, page: PageWrite) -> Result<(), PollError> {
        if self.tx.send(page).await.is_err() {
            // The writer ended early: its own error explains why.
            return Err(self.take_error().await);
        }
        Ok(())
    }

    /// Waits for every queued page to commit.
    pub async fn finish(self) -> Result<PassStats, PollError> {
        drop(self.tx);
        match self.task {
            Some(task) => task.await.map_err(|_| PollError::WriterGone)?,
            // `send` already collected the writer's error and returned it.
            None => Err(PollError::WriterGone),
        }
    }

    async fn take_error(&mut self) -> PollError {
        match self.task.take() {
            Some(task) => match task.await {
                Ok(Err(e)) => e,
                _ => PollError::WriterGone,
            },
            None => PollError::WriterGone,
        }
    }
}
