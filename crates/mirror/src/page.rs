//! One page of customers and addresses, committed all or nothing.

use bigcommerce_models::{Address, Customer, Raw, RawJson, decode_record};
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;

use crate::error::failed;
use crate::{Mirror, MirrorError, RecordPage, Tallies, Tally, addresses, customers, fill, sync_state};

/// What one `write_customer_page` call stores.
#[derive(Debug, Clone, Copy)]
pub struct CustomerPage<'a> {
    pub store_hash: &'a str,
    pub customers: &'a [Raw<Customer>],
    pub addresses: &'a [Raw<Address>],
    /// Customers whose `addresses` above are their complete set: any other live address of theirs is soft-deleted.
    pub complete_address_sets_for: &'a [i64],
    /// (resource, new watermark) committed in the same transaction.
    pub checkpoint: Option<(&'a str, DateTime<Utc>)>,
}

impl Mirror {
    /// `records` with the table's hashed columns replaced (in `raw`, and in the typed
    /// value decoded again from it); `None` when nothing of the table is hashed.
    fn hashed<T: DeserializeOwned>(
        &self,
        store_hash: &str,
        table: &'static str,
        records: &[Raw<T>],
    ) -> Result<Option<Vec<Raw<T>>>, MirrorError> {
        let Some(h) = self.hashing_for(store_hash, table) else {
            return Ok(None);
        };
        records
            .iter()
            .map(|r| {
                let mut edited = r.raw.to_value();
                h.apply(table, &mut edited);
                let raw = RawJson::from_value(&edited);
                let value = decode_record(&raw).map_err(|e| MirrorError::Hashing {
                    table,
                    message: e.to_string(),
                })?;
                Ok(Raw { value, raw })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// ONE transaction: bulk-upsert customers, upsert addresses, soft-delete the missing addresses of
    /// customers whose complete address set is given, and advance the watermark if Some. Either all or nothing.
    /// A table whose span of the page's ids holds no row yet takes them by `COPY`
    /// instead of the upsert ([`crate::fill`]).
    ///
    /// A fixed number of round trips whatever the page size. Duplicate ids within the
    /// page keep their last occurrence.
    pub async fn write_customer_page(&self, page: &CustomerPage<'_>) -> Result<Tallies, MirrorError> {
        self.write_customer_page_with(page, None)
            .await
            .map(|(tallies, _)| tallies)
    }

    /// [`Mirror::write_customer_page`], with a page of records (the customers' form
    /// field values, of the page's customers and addresses only) written first in the
    /// same transaction: one commit and three round trips fewer than two transactions,
    /// and the page is whole or absent. Returns what the records did too.
    pub async fn write_customer_page_with(
        &self,
        page: &CustomerPage<'_>,
        records: Option<&RecordPage<'_>>,
    ) -> Result<(Tallies, Tally), MirrorError> {
        let mut tx = self
            .begin_write("beginning the transaction of a customer page")
            .await?;
        let hashed_customers = self.hashed(page.store_hash, "customers", page.customers)?;
        let hashed_addresses = self.hashed(page.store_hash, "customer_addresses", page.addresses)?;
        let customers = hashed_customers.as_deref().unwrap_or(page.customers);
        let addresses = hashed_addresses.as_deref().unwrap_or(page.addresses);
        let customer_ids: Vec<i64> = customers.iter().map(|c| c.value.id).collect();
        let address_ids: Vec<i64> = addresses.iter().map(|a| a.value.id).collect();
        let free = fill::free_spans(&mut tx, page.store_hash, &customer_ids, &address_ids).await?;
        let records = match records {
            // Owners new to the mirror have no value to delete either.
            Some(r) if free.form_fields => {
                let new = RecordPage {
                    scope: crate::Scope::Nothing,
                    ..*r
                };
                self.write_records_in(&mut tx, &new, true).await?
            }
            Some(r) => self.write_records_in(&mut tx, r, false).await?,
            None => Tally::default(),
        };
        let (mut customers_copied, mut addresses_copied) = (Vec::new(), Vec::new());
        let (customers_inserted, customers_updated) = if free.customers {
            customers_copied = fill::copy_new(
                &mut tx,
                &customers::COPY,
                customers,
                |c| c.id,
                |rows| customers::copy_rows(page.store_hash, rows),
            )
            .await?;
            (customers_copied.len() as u64, 0)
        } else {
            customers::upsert(&mut tx, page.store_hash, customers).await?
        };
        let (addresses_inserted, addresses_updated) = if free.addresses {
            addresses_copied = fill::copy_new(
                &mut tx,
                &addresses::COPY,
                addresses,
                |a| a.id,
                |rows| addresses::copy_rows(page.store_hash, rows),
            )
            .await?;
            (addresses_copied.len() as u64, 0)
        } else {
            addresses::upsert(&mut tx, page.store_hash, addresses).await?
        };
        fill::log_copied(&mut tx, page.store_hash, &customers_copied, &addresses_copied).await?;
        let addresses_deleted = addresses::delete_missing(
            &mut tx,
            page.store_hash,
            page.complete_address_sets_for,
            &address_ids,
        )
        .await?;
        if let Some((resource, watermark)) = page.checkpoint {
            sync_state::set_watermark(&mut tx, page.store_hash, resource, watermark).await?;
        }
        // An error above drops `tx`, which rolls back: neither rows nor watermark stay.
        tx.commit().await.map_err(failed(
            "committing a customer page (customers, addresses, sync_state)",
        ))?;
        let tallies = Tallies {
            customers: Tally {
                inserted: customers_inserted,
                updated: customers_updated,
                ..Tally::default()
            },
            addresses: Tally {
                inserted: addresses_inserted,
                updated: addresses_updated,
                deleted: addresses_deleted,
                ..Tally::default()
            },
        };
        Ok((tallies, records))
    }
}
