//! Seeded generation: the same `(customers, seed)` always yields the same rows, ids and
//! timestamps, because times count from a fixed epoch and never from the clock.

use std::fmt::Write as _;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

mod extras;
mod parts;

pub(crate) use extras::{channel_settings, settings};

use super::pools::{self, FIRST_NAMES, LAST_NAMES};
use super::records::{AttrDefRec, ConsentRec, FieldType, MetafieldRec};
use super::{AddressRec, CustomerRec, Secs, Text, text};
use parts::{Pools, address, attributes, form_fields, pick};

/// 2024-01-01T00:00:00Z: generated history ends here.
pub(crate) const EPOCH: Secs = 1_704_067_200;
/// Customers were created over the nine months before [`EPOCH`].
const SPAN: Secs = 274 * 86_400;
/// The bulk-import second that many customers share as `date_modified`.
pub(crate) const BURST_AT: Secs = EPOCH - 7 * 86_400 + 10 * 3_600 + 17;

pub(crate) struct Generated {
    pub customers: Vec<CustomerRec>,
    pub addresses: Vec<AddressRec>,
    pub next_attribute_value_id: i64,
    pub attribute_defs: Vec<AttrDefRec>,
    pub field_types: Vec<(Text, FieldType)>,
    /// One per customer, in customer order.
    pub consents: Vec<ConsentRec>,
    pub metafields: Vec<MetafieldRec>,
}

/// How many customers share the [`BURST_AT`] second: more than a 250-row page once
/// the store has 600 customers.
pub(crate) fn burst_size(n: usize) -> usize {
    if n >= 600 { (n / 20).max(300) } else { n / 2 }
}

/// Generates `n` customers (ids 1..=n) and their addresses (ids from 1, in customer order).
pub(crate) fn generate(n: usize, seed: u64) -> Generated {
    let mut rng = StdRng::seed_from_u64(seed);
    let pools = Pools::new();
    let mut g = Generated {
        customers: Vec::with_capacity(n),
        addresses: Vec::new(),
        next_attribute_value_id: 1,
        attribute_defs: extras::attribute_defs(),
        field_types: extras::field_types(&pools.field_names),
        consents: Vec::new(),
        metafields: Vec::new(),
    };
    let slot = (SPAN / n.max(1) as Secs).max(1);
    let mut buf = String::new();
    for i in 0..n {
        // Ids follow creation order, so date_created never decreases with id.
        let created = EPOCH - SPAN + (i as Secs * SPAN) / n as Secs + rng.random_range(0..slot);
        let created = created.min(EPOCH - 1);
        let modified = if rng.random_bool(0.4) {
            rng.random_range(created..EPOCH)
        } else {
            created
        };
        let c = customer(
            &mut rng,
            &pools,
            &mut buf,
            i as i64 + 1,
            created,
            modified,
            &mut g,
        );
        g.customers.push(c);
    }
    apply_burst(&mut g.customers);
    g.consents = extras::consents(seed, &g.customers);
    g.metafields = extras::metafields(seed, &g.customers);
    g
}

/// Drops addresses beyond the first `cap` of each customer (a store whose customers
/// all fit the 10 addresses `include=addresses` carries). The random draws are the
/// same whatever the cap, so the rest of the data does not change. Returns the ids
/// dropped: their slots stay (rows sit at `id - 1`) but hold nothing.
pub(crate) fn cap_addresses(g: &mut Generated, cap: usize) -> std::collections::HashSet<i64> {
    let mut dropped = std::collections::HashSet::new();
    for c in &mut g.customers {
        if c.address_ids.len() > cap {
            dropped.extend(c.address_ids.drain(cap..));
        }
    }
    dropped
}

/// A bulk import: `burst_size(n)` customers, spread over the id range, get one second.
fn apply_burst(customers: &mut [CustomerRec]) {
    let eligible = customers.partition_point(|c| c.date_created <= BURST_AT);
    let b = burst_size(customers.len()).min(eligible);
    for j in 0..b {
        customers[j * eligible / b].date_modified = BURST_AT;
    }
}

fn owned(buf: &mut String, f: impl FnOnce(&mut String)) -> Text {
    buf.clear();
    f(buf);
    text(buf)
}

fn customer(
    rng: &mut StdRng,
    p: &Pools,
    buf: &mut String,
    id: i64,
    created: Secs,
    modified: Secs,
    g: &mut Generated,
) -> CustomerRec {
    let (fi, li) = (
        rng.random_range(0..FIRST_NAMES.len()),
        rng.random_range(0..LAST_NAMES.len()),
    );
    let domain = *pick(rng, pools::DOMAINS);
    let email = owned(buf, |b| {
        let _ = write!(b, "{}.{}{}@{}", FIRST_NAMES[fi].1, LAST_NAMES[li].1, id, domain);
    });
    let phone = if rng.random_bool(0.7) {
        let (a, b) = (rng.random_range(200..1000), rng.random_range(0..10_000));
        owned(buf, |s| {
            let _ = write!(s, "+1-555-{a:03}-{b:04}");
        })
    } else {
        p.empty.clone()
    };
    let ip = if rng.random_bool(0.6) {
        let o: [u8; 4] = rng.random();
        owned(buf, |s| {
            let _ = write!(s, "{}.{}.{}.{}", o[0], o[1], o[2], o[3]);
        })
    } else {
        p.empty.clone()
    };
    let origin = if rng.random_bool(0.9) { 1 } else { 2 };
    let channel_ids = match rng.random_range(0..10) {
        0..6 => None,
        6..9 => Some(vec![origin].into_boxed_slice()),
        _ => Some(vec![1, 2].into_boxed_slice()),
    };
    let credit = if rng.random_bool(0.15) {
        (rng.random_range(100..50_000) as f64) / 100.0
    } else {
        0.0
    };
    let mut c = CustomerRec {
        id,
        email,
        first_name: p.first[fi].clone(),
        last_name: p.last[li].clone(),
        company: if rng.random_bool(0.3) {
            pick(rng, &p.companies).clone()
        } else {
            p.empty.clone()
        },
        phone,
        notes: if rng.random_bool(0.1) {
            pick(rng, &p.notes).clone()
        } else {
            p.empty.clone()
        },
        tax_exempt_category: if rng.random_bool(0.03) {
            p.exempt.clone()
        } else {
            p.empty.clone()
        },
        registration_ip_address: ip,
        customer_group_id: if rng.random_bool(0.65) {
            0
        } else {
            rng.random_range(1..=4)
        },
        date_created: created,
        date_modified: modified,
        origin_channel_id: origin,
        channel_ids,
        store_credit: vec![credit].into_boxed_slice(),
        form_fields: form_fields(rng, p),
        attributes: Box::default(),
        address_ids: Vec::new(),
        accepts_marketing: rng.random_bool(0.5),
        force_password_reset: rng.random_bool(0.02),
    };
    c.attributes = attributes(rng, p, &c, g);
    let count = match rng.random_range(0..1000) {
        0..10 => rng.random_range(11..=25),
        10..260 => 0,
        260..710 => 1,
        710..910 => 2,
        _ => 3,
    };
    for _ in 0..count {
        let a = address(rng, p, buf, &c, g.addresses.len() as i64 + 1);
        c.address_ids.push(a.id);
        g.addresses.push(a);
    }
    c
}
