//! The parts of a generated customer: pooled strings, form fields, attribute values
//! and addresses.

use std::fmt::Write as _;

use rand::Rng;
use rand::rngs::StdRng;

use super::super::pools;
use super::super::{AddressRec, AddressType, AttrRec, CustomerRec, FieldRec, FieldValue, Text, text};
use super::{Generated, owned};

/// Interned pool strings, so a million rows share a few hundred allocations.
pub(super) struct Pools {
    pub(super) first: Vec<Text>,
    pub(super) last: Vec<Text>,
    pub(super) companies: Vec<Text>,
    pub(super) notes: Vec<Text>,
    pub(super) places: Vec<[Text; 4]>,
    pub(super) heard: Vec<Text>,
    pub(super) interests: Vec<Text>,
    pub(super) delivery: Vec<Text>,
    pub(super) words: Vec<Text>,
    /// "How did you hear about us?", "Shoe size", "Interests", "Delivery instructions"
    pub(super) field_names: [Text; 4],
    pub(super) exempt: Text,
    pub(super) a_date: Text,
    pub(super) empty: Text,
}

impl Pools {
    pub(super) fn new() -> Self {
        let all = |xs: &[&str]| xs.iter().map(|s| text(s)).collect::<Vec<_>>();
        Pools {
            first: pools::FIRST_NAMES.iter().map(|(d, _)| text(d)).collect(),
            last: pools::LAST_NAMES.iter().map(|(d, _)| text(d)).collect(),
            companies: all(pools::COMPANIES),
            notes: all(pools::NOTES),
            places: pools::PLACES
                .iter()
                .map(|(c, s, p, cc)| [text(c), text(s), text(p), text(cc)])
                .collect(),
            heard: all(pools::HEARD_FROM),
            interests: all(pools::INTERESTS),
            delivery: all(pools::DELIVERY_NOTES),
            words: all(pools::ATTRIBUTE_WORDS),
            field_names: [
                "How did you hear about us?",
                "Shoe size",
                "Interests",
                "Delivery instructions",
            ]
            .map(text),
            exempt: text("E"),
            a_date: text("2023-05-01"),
            empty: text(""),
        }
    }
}

pub(super) fn pick<'a, T>(rng: &mut StdRng, xs: &'a [T]) -> &'a T {
    &xs[rng.random_range(0..xs.len())]
}

pub(super) fn form_fields(rng: &mut StdRng, p: &Pools) -> Box<[FieldRec]> {
    if !rng.random_bool(0.2) {
        return Box::default();
    }
    let mut fields = vec![FieldRec {
        name: p.field_names[0].clone(),
        value: FieldValue::Text(pick(rng, &p.heard).clone()),
    }];
    match rng.random_range(0..3) {
        0 => fields.push(FieldRec {
            name: p.field_names[1].clone(),
            value: FieldValue::Number(f64::from(rng.random_range(70..100_u8)) / 2.0),
        }),
        1 => {
            let a = pick(rng, &p.interests).clone();
            let b = pick(rng, &p.interests).clone();
            let list = if a == b { vec![a] } else { vec![a, b] };
            fields.push(FieldRec {
                name: p.field_names[2].clone(),
                value: FieldValue::List(list.into()),
            });
        }
        _ => {}
    }
    fields.into_boxed_slice()
}

pub(super) fn attributes(rng: &mut StdRng, p: &Pools, c: &CustomerRec, g: &mut Generated) -> Box<[AttrRec]> {
    let count = match rng.random_range(0..1000) {
        0..5 => rng.random_range(11..=pools::ATTRIBUTES.len()),
        5..150 => rng.random_range(1..=3),
        _ => 0,
    };
    let first = rng.random_range(0..pools::ATTRIBUTES.len());
    (0..count)
        .map(|k| {
            let (attribute_id, _, kind) = pools::ATTRIBUTES[(first + k) % pools::ATTRIBUTES.len()];
            let value = match kind {
                "number" => text(&rng.random_range(1..500).to_string()),
                "date" => p.a_date.clone(),
                _ => pick(rng, &p.words).clone(),
            };
            let id = g.next_attribute_value_id;
            g.next_attribute_value_id += 1;
            AttrRec {
                id,
                attribute_id,
                value,
                date_created: c.date_created,
                date_modified: c.date_created,
            }
        })
        .collect()
}

pub(super) fn address(rng: &mut StdRng, p: &Pools, buf: &mut String, c: &CustomerRec, id: i64) -> AddressRec {
    let [city, state, postal, cc] = pick(rng, &p.places).clone();
    let (first_name, last_name) = if rng.random_bool(0.9) {
        (c.first_name.clone(), c.last_name.clone())
    } else {
        (pick(rng, &p.first).clone(), pick(rng, &p.last).clone())
    };
    let (num, street) = (rng.random_range(1..10_000), *pick(rng, pools::STREETS));
    let address1 = owned(buf, |s| {
        let _ = write!(s, "{num} {street}");
    });
    let address2 = if rng.random_bool(0.2) {
        let apt = rng.random_range(1..500);
        owned(buf, |s| {
            let _ = write!(s, "Apt {apt}");
        })
    } else {
        p.empty.clone()
    };
    let form_fields = if rng.random_bool(0.05) {
        let value = FieldValue::Text(pick(rng, &p.delivery).clone());
        vec![FieldRec {
            name: p.field_names[3].clone(),
            value,
        }]
        .into_boxed_slice()
    } else {
        Box::default()
    };
    AddressRec {
        id,
        customer_id: c.id,
        first_name,
        last_name,
        company: c.company.clone(),
        address1,
        address2,
        city,
        state_or_province: state,
        postal_code: postal,
        country_code: cc,
        phone: c.phone.clone(),
        address_type: if rng.random_bool(0.85) {
            AddressType::Residential
        } else {
            AddressType::Commercial
        },
        form_fields,
    }
}
