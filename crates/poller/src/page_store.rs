//! Storing pages of customers: their address sets completed (deletes in them proved),
//! children detached, form field values gathered, the operator's exclusions applied,
//! then queued to the page writer. The walks store through it (`Pass`), and so does
//! the reconciler, through [`store_customers`], which moves no watermark.

use bcsync_mirror::{Mirror, Quarantined, Resource, Tallies};
use bigcommerce::BigCommerceClient;
use bigcommerce::models::{Address, Customer, Raw};
use chrono::{DateTime, Utc};

use crate::addresses::{AddressSets, complete_address_sets, detach_children, prove_set_deletes};
use crate::error::PollError;
use crate::exclude::{exclude, form_field_records};
use crate::options::PollOptions;
use crate::writer::{PageWrite, Writer};

/// The writer of one store's customer pages, and what completing a page needs.
pub(crate) struct PageStore<'a> {
    client: &'a BigCommerceClient,
    opts: &'a PollOptions,
    mirror: Mirror,
    writer: Writer,
}

/// A page ready for the writer: exclusions applied, address sets complete.
pub(crate) struct Prepared {
    pub customers: Vec<Raw<Customer>>,
    pub addresses: Vec<Raw<Address>>,
    complete_for: Vec<i64>,
    form_fields: Option<Vec<serde_json::Value>>,
    quarantined: Vec<Quarantined>,
}

impl Prepared {
    /// Records of the page that did not fit the model, quarantined with it.
    pub(crate) fn quarantined(&self) -> usize {
        self.quarantined.len()
    }
}

impl<'a> PageStore<'a> {
    /// Starts the writer task of `client`'s store.
    pub(crate) fn spawn(client: &'a BigCommerceClient, mirror: &Mirror, opts: &'a PollOptions) -> Self {
        let writer = Writer::spawn_parallel(
            mirror.clone(),
            client.store_hash().to_owned(),
            opts.channel_depth,
            opts.writers,
        );
        PageStore {
            client,
            opts,
            mirror: mirror.clone(),
            writer,
        }
    }

    /// Completes the page's address sets and applies the exclusions.
    pub(crate) async fn prepare(
        &self,
        customers: Vec<Raw<Customer>>,
        quarantined: Vec<Quarantined>,
    ) -> Result<Prepared, PollError> {
        prepare_page(self.client, &self.mirror, self.opts, customers, quarantined).await
    }

    /// The mirror pages are read from (to prove address deletes) and written to.
    pub(crate) fn mirror(&self) -> &Mirror {
        &self.mirror
    }

    /// Queues a prepared page with the watermark it earns (if any).
    pub(crate) async fn send(
        &mut self,
        page: Prepared,
        watermark: Option<DateTime<Utc>>,
    ) -> Result<(), PollError> {
        self.writer
            .send(PageWrite {
                form_field_owners: page.customers.iter().map(|c| c.value.id).collect(),
                customers: page.customers,
                addresses: page.addresses,
                complete_address_sets_for: page.complete_for,
                form_fields: page.form_fields,
                watermark,
                quarantined: page.quarantined,
            })
            .await
    }

    /// Waits for every queued page to commit; what they wrote.
    pub(crate) async fn finish(self) -> Result<Tallies, PollError> {
        self.writer.finish().await
    }
}

/// [`PageStore::prepare`] without the writer, so that a task of its own can prepare a
/// page while earlier ones are written (the full walk's fetch tasks do). It reads the
/// mirror only to prove address deletes, which a page prepared early can only find
/// fewer of: an address an earlier page writes meanwhile is not a candidate.
pub(crate) async fn prepare_page(
    client: &BigCommerceClient,
    mirror: &Mirror,
    opts: &PollOptions,
    mut customers: Vec<Raw<Customer>>,
    quarantined: Vec<Quarantined>,
) -> Result<Prepared, PollError> {
    for q in &quarantined {
        tracing::warn!(customer = q.entity_id, error = %q.error, "customer quarantined: it does not fit the model");
    }
    let ex = &opts.exclusions;
    let included = detach_children(&mut customers);
    let sets = if ex.skips(Resource::Addresses) {
        AddressSets::default()
    } else {
        let mut sets = complete_address_sets(client, &mut customers, included, opts).await?;
        prove_set_deletes(client, mirror, &mut sets).await?;
        sets
    };
    let form_fields =
        (!ex.skips(Resource::FormFieldValues)).then(|| form_field_records(&customers, &sets.addresses));
    Ok(Prepared {
        customers: exclude(ex, Resource::Customers, customers)?,
        addresses: exclude(ex, Resource::Addresses, sets.addresses)?,
        complete_for: sets.complete_for,
        form_fields,
        quarantined,
    })
}

/// Stores customers read outside a pass (the reconciler's probes and slices): their
/// address sets are completed and their form field values judged, as on a pass's
/// pages, but no watermark moves.
pub async fn store_customers(
    client: &BigCommerceClient,
    mirror: &Mirror,
    customers: Vec<Raw<Customer>>,
    opts: &PollOptions,
) -> Result<Tallies, PollError> {
    store_customers_with(client, mirror, customers, Vec::new(), opts).await
}

/// [`store_customers`], with records of the wrong shape to quarantine.
pub async fn store_customers_with(
    client: &BigCommerceClient,
    mirror: &Mirror,
    customers: Vec<Raw<Customer>>,
    quarantined: Vec<Quarantined>,
    opts: &PollOptions,
) -> Result<Tallies, PollError> {
    let mut pages = PageStore::spawn(client, mirror, opts);
    let sent = match pages.prepare(customers, quarantined).await {
        Ok(page) => pages.send(page, None).await,
        Err(e) => Err(e),
    };
    let written = pages.finish().await;
    sent?;
    written
}
