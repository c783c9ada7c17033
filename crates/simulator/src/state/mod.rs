//! The store's data, its indexes, and every operation on it.
//!
//! `SimState` lives behind one lock. The HTTP handlers and the test accessors both go
//! through the methods here, so a test that edits the state sees exactly what the API
//! would do. Rows sit in slot vectors indexed by `id - 1` (ids only grow); ordered
//! indexes over ids and timestamps make paging cheap at a million rows.
//!
//! The sub-resources have one home each: attribute values and form field values live
//! on their customer or address (what `include=` shows), and the listings of
//! `/customers/attribute-values` and `/customers/form-field-values` walk small indexes
//! of who has any (`links` keeps those in step with every write).

mod access;
pub(crate) mod attribute_values;
pub(crate) mod attributes;
mod consent;
mod corrupt;
mod events;
pub(crate) mod filter;
pub(crate) mod form_fields;
pub(crate) mod index;
mod input;
mod links;
pub(crate) mod metafields;
pub(crate) mod metafields_write;
pub(crate) mod modes;
mod query;
pub(crate) mod settings;
mod write_addresses;
mod write_customers;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use bigcommerce_models::resources::CustomerSettings;
use serde_json::{Map, Value};

pub use input::{AddressInput, AttributeInput, AuthenticationInput, CustomerInput, WriteError};

use crate::counters::PathKind;
use crate::data::generate::{self, generate};
use crate::data::records::{AttrDefRec, ConsentRec, FieldType, MetafieldRec};
use crate::data::{AddressRec, CustomerRec, FieldRec, Secs, Text};
use attribute_values::ValueKey;
use index::{SortedIndex, TimeIndex};

/// The simulated store. Tests get `&mut SimState` inside `Simulator::on_request` hooks
/// and through `Simulator::with_state`.
#[derive(Debug, Default)]
pub struct SimState {
    customers: Vec<Option<CustomerRec>>,
    addresses: Vec<Option<AddressRec>>,
    customer_ids: SortedIndex<i64>,
    address_ids: SortedIndex<i64>,
    by_modified: TimeIndex,
    by_created: TimeIndex,
    next_attribute_value_id: i64,
    /// Per-customer JSON fields that replace the real ones when served.
    corruptions: HashMap<i64, Map<String, Value>>,
    address_edits_touch_customer: bool,
    attribute_defs: BTreeMap<i64, AttrDefRec>,
    next_attribute_id: i64,
    /// Attribute value id → its customer and what the filters look at; the values
    /// themselves live on the customer.
    attribute_value_index: BTreeMap<i64, ValueKey>,
    /// Customers and addresses with form field values, and how many each has.
    field_customers: BTreeMap<i64, u32>,
    field_addresses: BTreeMap<i64, u32>,
    /// What the sign-up form says each field is (`field_type` filter).
    field_types: HashMap<Text, FieldType>,
    /// Consent by customer slot (`id - 1`), kept for deleted slots too so it stays aligned.
    consents: Vec<ConsentRec>,
    /// Seed and generated customer count, from which stored instruments are derived.
    seed: u64,
    generated_customers: i64,
    /// A customer's instruments once a test edited them (replacing the derived ones).
    instruments: HashMap<i64, Vec<Value>>,
    metafields: BTreeMap<i64, MetafieldRec>,
    /// (customer id, metafield id), for a customer's metafields without a full walk.
    metafield_owner: BTreeSet<(i64, i64)>,
    next_metafield_id: i64,
    settings: CustomerSettings,
    /// Channels the store knows: channel 1 and every channel a customer ever named.
    channels: BTreeSet<i64>,
    /// Channel settings that were written; the others are the generated defaults.
    channel_settings: BTreeMap<i64, CustomerSettings>,
    /// Fields of one sub-resource record replaced when served (`corrupt_record`).
    record_corruptions: HashMap<(PathKind, i64), Map<String, Value>>,
    /// Whether writes note webhook events (only while some hook listens).
    record_events: bool,
    events: Vec<crate::webhooks::Event>,
    /// Lag and churn switched on by tests (see `modes`).
    modes: modes::Modes,
}

/// Now, truncated to the second like every timestamp the API keeps.
pub(crate) fn now() -> Secs {
    chrono::Utc::now().timestamp()
}

impl SimState {
    /// Generates `customers` rows from `seed` (see the crate docs for the shape).
    pub fn generate(customers: usize, seed: u64, address_edits_touch_customer: bool) -> Self {
        Self::generate_with(customers, seed, address_edits_touch_customer, usize::MAX)
    }

    /// [`SimState::generate`], keeping at most `max_addresses` addresses per customer.
    pub fn generate_with(
        customers: usize,
        seed: u64,
        address_edits_touch_customer: bool,
        max_addresses: usize,
    ) -> Self {
        let mut g = generate(customers, seed);
        let dropped = crate::data::generate::cap_addresses(&mut g, max_addresses);
        let modified = g.customers.iter().map(|c| (c.date_modified, c.id)).collect();
        let created = g.customers.iter().map(|c| (c.date_created, c.id)).collect();
        let values = g
            .customers
            .iter()
            .flat_map(|c| c.attributes.iter().map(|a| (a.id, ValueKey::of(c.id, a))));
        let counted = |f: &[FieldRec]| u32::try_from(f.len()).unwrap_or(u32::MAX);
        let mut channels = BTreeSet::from([1]);
        for c in &g.customers {
            channels.insert(c.origin_channel_id);
            channels.extend(c.channel_ids.iter().flatten().copied());
        }
        SimState {
            attribute_value_index: values.collect(),
            field_customers: g
                .customers
                .iter()
                .filter(|c| !c.form_fields.is_empty())
                .map(|c| (c.id, counted(&c.form_fields)))
                .collect(),
            field_addresses: g
                .addresses
                .iter()
                .filter(|a| !a.form_fields.is_empty() && !dropped.contains(&a.id))
                .map(|a| (a.id, counted(&a.form_fields)))
                .collect(),
            next_attribute_id: g.attribute_defs.iter().map(|a| a.id).max().unwrap_or(0) + 1,
            attribute_defs: g.attribute_defs.into_iter().map(|a| (a.id, a)).collect(),
            field_types: g.field_types.into_iter().collect(),
            consents: g.consents,
            seed,
            generated_customers: customers as i64,
            instruments: HashMap::new(),
            metafield_owner: g.metafields.iter().map(|m| (m.customer_id, m.id)).collect(),
            next_metafield_id: g.metafields.len() as i64 + 1,
            metafields: g.metafields.into_iter().map(|m| (m.id, m)).collect(),
            settings: generate::settings(),
            channels,
            channel_settings: BTreeMap::new(),
            record_corruptions: HashMap::new(),
            customer_ids: SortedIndex::build(g.customers.iter().map(|c| c.id).collect()),
            address_ids: SortedIndex::build(
                g.addresses
                    .iter()
                    .map(|a| a.id)
                    .filter(|id| !dropped.contains(id))
                    .collect(),
            ),
            by_modified: TimeIndex::build(modified),
            by_created: TimeIndex::build(created),
            customers: g.customers.into_iter().map(Some).collect(),
            addresses: g
                .addresses
                .into_iter()
                .map(|a| (!dropped.contains(&a.id)).then_some(a))
                .collect(),
            next_attribute_value_id: g.next_attribute_value_id,
            corruptions: HashMap::new(),
            address_edits_touch_customer,
            record_events: false,
            events: Vec::new(),
            modes: modes::Modes::default(),
        }
    }

    pub(crate) fn customer_rec(&self, id: i64) -> Option<&CustomerRec> {
        self.customers.get(slot(id)?)?.as_ref()
    }

    fn customer_mut(&mut self, id: i64) -> Option<&mut CustomerRec> {
        self.customers.get_mut(slot(id)?)?.as_mut()
    }

    pub(crate) fn address_rec(&self, id: i64) -> Option<&AddressRec> {
        self.addresses.get(slot(id)?)?.as_ref()
    }

    fn address_mut(&mut self, id: i64) -> Option<&mut AddressRec> {
        self.addresses.get_mut(slot(id)?)?.as_mut()
    }

    fn next_customer_id(&self) -> i64 {
        self.customers.len() as i64 + 1
    }

    fn next_address_id(&self) -> i64 {
        self.addresses.len() as i64 + 1
    }

    fn take_attribute_value_id(&mut self) -> i64 {
        let id = self.next_attribute_value_id.max(1);
        self.next_attribute_value_id = id + 1;
        id
    }

    /// Adds a customer whose id is [`Self::next_customer_id`]. It has not answered the
    /// consent question yet and has no stored instruments.
    fn insert_customer(&mut self, rec: CustomerRec) {
        debug_assert_eq!(rec.id, self.next_customer_id());
        let id = rec.id;
        self.customer_ids.insert(id);
        self.by_modified.insert(rec.date_modified, id);
        self.by_created.insert(rec.date_created, id);
        self.consents.push(ConsentRec {
            allow: 0,
            deny: 0,
            updated_at: rec.date_created,
        });
        self.customers.push(Some(rec));
        self.customer_changed(id);
    }

    /// Removes a customer with everything that hangs off it: addresses, attribute and
    /// form field values, instruments and metafields (its consent is unreachable).
    fn remove_customer(&mut self, id: i64) -> bool {
        let Some(rec) = self.customer_rec(id).cloned() else {
            return false;
        };
        for a in &rec.address_ids {
            self.remove_address(*a);
        }
        self.customer_ids.remove(&id);
        self.by_modified.remove(rec.date_modified, id);
        self.by_created.remove(rec.date_created, id);
        self.corruptions.remove(&id);
        self.customers[(id - 1) as usize] = None;
        for a in rec.attributes.iter() {
            self.attribute_value_index.remove(&a.id);
        }
        self.field_customers.remove(&id);
        self.instruments.remove(&id);
        let owned: Vec<i64> = self.metafields_of(id).collect();
        for m in owned {
            self.remove_metafield(m);
        }
        for kind in [
            PathKind::Consent,
            PathKind::StoredInstruments,
            PathKind::FormFieldValues,
        ] {
            self.record_corruptions.remove(&(kind, id));
        }
        true
    }

    /// Moves a customer to a new `date_modified`, keeping the index in step.
    fn set_modified(&mut self, id: i64, t: Secs) {
        let Some(c) = self.customer_mut(id) else { return };
        let old = std::mem::replace(&mut c.date_modified, t);
        self.by_modified.remove(old, id);
        self.by_modified.insert(t, id);
    }

    fn set_created(&mut self, id: i64, t: Secs) {
        let Some(c) = self.customer_mut(id) else { return };
        let old = std::mem::replace(&mut c.date_created, t);
        self.by_created.remove(old, id);
        self.by_created.insert(t, id);
    }

    /// Adds an address whose id is [`Self::next_address_id`] to an existing customer.
    fn insert_address(&mut self, rec: AddressRec) {
        debug_assert_eq!(rec.id, self.next_address_id());
        let (id, owner) = (rec.id, rec.customer_id);
        self.addresses.push(Some(rec));
        self.address_ids.insert(id);
        if let Some(c) = self.customer_mut(owner) {
            c.address_ids.push(id);
        }
        self.address_fields_changed(id);
    }

    fn remove_address(&mut self, id: i64) -> Option<AddressRec> {
        let rec = self.addresses.get_mut(slot(id)?)?.take()?;
        self.address_ids.remove(&id);
        self.field_addresses.remove(&id);
        if let Some(c) = self.customer_mut(rec.customer_id) {
            c.address_ids.retain(|a| *a != id);
        }
        Some(rec)
    }

    /// Address writes bump the owner only when configured to (the real API may not).
    fn address_touched(&mut self, customer_id: i64, t: Secs) {
        if self.address_edits_touch_customer {
            self.set_modified(customer_id, t);
        }
    }

    /// Whether another customer already uses `email` (case-insensitive).
    fn email_taken(&self, email: &str, except: Option<i64>) -> bool {
        self.customers
            .iter()
            .flatten()
            .any(|c| Some(c.id) != except && c.email.eq_ignore_ascii_case(email))
    }
}

/// Where record `id` sits in its table: ids start at 1 and index the slots directly;
/// `None` for an id below 1.
fn slot(id: i64) -> Option<usize> {
    usize::try_from(id.checked_sub(1)?).ok()
}
