//! Rows to the shared API models, done on snapshots outside the state lock.

use bigcommerce_models::{Address, AttributeValue, Authentication, Customer, FormFieldValue, StoreCredit};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use super::hash::mix;
use super::pools::country_name;
use super::{AddressRec, AttrRec, CustomerRec, FieldRec, Secs};

/// How many addresses / attribute values `include=` embeds per customer.
pub(crate) const INCLUDE_CAP: usize = 10;

/// The `include=` sub-resources of `GET /customers`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Include {
    pub addresses: bool,
    pub storecredit: bool,
    pub attributes: bool,
    pub formfields: bool,
    pub shopper_profile_id: bool,
    pub segment_ids: bool,
}

impl Include {
    /// Everything, uncapped addresses aside: what write responses and `customers()` show.
    pub(crate) const ALL: Include = Include {
        addresses: true,
        storecredit: true,
        attributes: true,
        formfields: true,
        shopper_profile_id: true,
        segment_ids: true,
    };
}

/// A customer copied out of the state, with what its response needs.
#[derive(Debug, Clone)]
pub(crate) struct CustomerView {
    pub rec: CustomerRec,
    /// The embedded addresses (already capped if the listing caps them).
    pub addresses: Vec<AddressRec>,
    /// Fields to overwrite in the JSON (test-injected corruption).
    pub patch: Option<Map<String, Value>>,
    /// Whether attributes are capped at [`INCLUDE_CAP`].
    pub cap_attributes: bool,
}

/// One element of a `data` array: normally the typed model, or raw JSON once patched.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum Row {
    Plain(Box<Customer>),
    Patched(Value),
}

pub(crate) fn ts(secs: Secs) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

fn opt(s: &str) -> Option<String> {
    Some(s.to_owned())
}

impl CustomerView {
    pub(crate) fn into_row(self, inc: &Include) -> Row {
        let patch = self.patch.clone();
        let customer = self.to_model(inc);
        match patch {
            None => Row::Plain(Box::new(customer)),
            Some(patch) => {
                let mut value = serde_json::to_value(&customer).unwrap_or(Value::Null);
                if let Value::Object(obj) = &mut value {
                    obj.extend(patch);
                }
                Row::Patched(value)
            }
        }
    }

    pub(crate) fn to_model(&self, inc: &Include) -> Customer {
        let c = &self.rec;
        let attrs = |cap: usize| {
            c.attributes
                .iter()
                .take(cap)
                .map(|a| attribute(c.id, a))
                .collect()
        };
        let cap = if self.cap_attributes {
            INCLUDE_CAP
        } else {
            usize::MAX
        };
        Customer {
            id: c.id,
            email: opt(&c.email),
            first_name: opt(&c.first_name),
            last_name: opt(&c.last_name),
            company: opt(&c.company),
            phone: opt(&c.phone),
            registration_ip_address: opt(&c.registration_ip_address),
            notes: opt(&c.notes),
            tax_exempt_category: opt(&c.tax_exempt_category),
            customer_group_id: Some(c.customer_group_id),
            date_modified: ts(c.date_modified),
            date_created: ts(c.date_created),
            address_count: inc.addresses.then_some(c.address_ids.len() as i32),
            attribute_count: inc.attributes.then_some(c.attributes.len() as i32),
            authentication: Some(Authentication {
                force_password_reset: Some(c.force_password_reset),
            }),
            addresses: inc.addresses.then(|| {
                self.addresses
                    .iter()
                    .map(|a| address(a, inc.formfields))
                    .collect()
            }),
            attributes: inc.attributes.then(|| attrs(cap)),
            form_fields: inc.formfields.then(|| fields(&c.form_fields, Some(c.id), None)),
            store_credit_amounts: inc.storecredit.then(|| {
                c.store_credit
                    .iter()
                    .map(|a| StoreCredit { amount: Some(*a) })
                    .collect()
            }),
            accepts_product_review_abandoned_cart_emails: Some(c.accepts_marketing),
            origin_channel_id: Some(c.origin_channel_id),
            channel_ids: c.channel_ids.as_ref().map(|ids| ids.to_vec()),
            shopper_profile_id: inc.shopper_profile_id.then(|| uuid_like(0x5109, c.id as u64)),
            segment_ids: inc.segment_ids.then(|| segments(c.customer_group_id)),
        }
    }
}

pub(crate) fn address(a: &AddressRec, formfields: bool) -> Address {
    Address {
        id: a.id,
        customer_id: a.customer_id,
        first_name: opt(&a.first_name),
        last_name: opt(&a.last_name),
        company: opt(&a.company),
        address1: opt(&a.address1),
        address2: opt(&a.address2),
        city: opt(&a.city),
        state_or_province: opt(&a.state_or_province),
        postal_code: opt(&a.postal_code),
        country_code: opt(&a.country_code),
        country: opt(country_name(&a.country_code)),
        phone: opt(&a.phone),
        address_type: opt(a.address_type.as_str()),
        form_fields: formfields.then(|| fields(&a.form_fields, None, Some(a.id))),
    }
}

pub(crate) fn attribute(customer_id: i64, a: &AttrRec) -> AttributeValue {
    AttributeValue {
        id: Some(a.id),
        attribute_id: a.attribute_id,
        attribute_value: Some(a.value.to_string()),
        customer_id: Some(customer_id),
        date_created: Some(ts(a.date_created)),
        date_modified: Some(ts(a.date_modified)),
    }
}

fn fields(fs: &[FieldRec], customer_id: Option<i64>, address_id: Option<i64>) -> Vec<FormFieldValue> {
    fs.iter()
        .map(|f| FormFieldValue {
            name: f.name.to_string(),
            value: f.value.to_json(),
            customer_id,
            address_id,
        })
        .collect()
}

/// Customer segments (beta): one per non-default customer group.
fn segments(group: i64) -> Vec<String> {
    if group == 0 {
        Vec::new()
    } else {
        vec![uuid_like(0x5e6, group as u64)]
    }
}

/// A stable UUID-shaped id derived from `(salt, n)` (splitmix64), so it needs no storage.
fn uuid_like(salt: u64, n: u64) -> String {
    let (a, b) = (mix(salt ^ n.rotate_left(17)), mix(n ^ salt.rotate_left(29)));
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | ((b >> 48) & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}
