//! The resources around the customers: attribute definitions, form field types,
//! consent, metafields and settings. Each draws from its own stream keyed by
//! `(seed, customer id)`, so adding them left the customers and addresses of every
//! `(customers, seed)` exactly as they were.

use bigcommerce_models::resources::{CustomerGroupSettings, CustomerSettings, PrivacySettings};

use super::super::hash::Stream;
use super::super::pools;
use super::super::records::{AttrDefRec, AttrKind, ConsentRec, FieldType, MetafieldRec};
use super::super::{CustomerRec, Secs, Text, text};
use super::{EPOCH, SPAN};

const CONSENT_SALT: u64 = 0xc025_e475_0000_0001;
const METAFIELD_SALT: u64 = 0x3e7a_f1e1_d500_0001;

/// The store's attribute definitions, created (and some renamed) before any customer.
pub(crate) fn attribute_defs() -> Vec<AttrDefRec> {
    pools::ATTRIBUTES
        .iter()
        .map(|&(id, name, kind)| {
            let created = EPOCH - SPAN - 30 * 86_400 + id * 3_600;
            AttrDefRec {
                id,
                name: text(name),
                kind: AttrKind::parse(kind).unwrap_or(AttrKind::String),
                date_created: created,
                date_modified: if id % 3 == 0 {
                    created + id * 5 * 86_400
                } else {
                    created
                },
            }
        })
        .collect()
}

/// The type of each generated form field, by name (see `parts::Pools::field_names`).
pub(crate) fn field_types(names: &[Text; 4]) -> Vec<(Text, FieldType)> {
    let kinds = [
        FieldType::Picklist,
        FieldType::Numbers,
        FieldType::Checkboxes,
        FieldType::Multiline,
    ];
    names.iter().cloned().zip(kinds).collect()
}

/// A moment in `[from, EPOCH)`, or `from` itself when it is not before the epoch.
fn after(s: &mut Stream, from: Secs) -> Secs {
    if from < EPOCH {
        from + s.below((EPOCH - from) as u64) as Secs
    } else {
        from
    }
}

/// Every customer's consent: 15% never answered, the rest allow `essential` and some
/// of the others and deny the rest.
pub(crate) fn consents(seed: u64, customers: &[CustomerRec]) -> Vec<ConsentRec> {
    customers
        .iter()
        .map(|c| {
            let mut s = Stream::new(seed ^ CONSENT_SALT, c.id as u64);
            if s.below(100) < 15 {
                return ConsentRec {
                    allow: 0,
                    deny: 0,
                    updated_at: c.date_created,
                };
            }
            let allow = 1 | ((s.below(8) as u8) << 1);
            ConsentRec {
                allow,
                deny: !allow & 0b1111,
                updated_at: after(&mut s, c.date_created),
            }
        })
        .collect()
}

/// Metafields for ~3% of customers, 1-2 each, ids in customer order from 1.
pub(crate) fn metafields(seed: u64, customers: &[CustomerRec]) -> Vec<MetafieldRec> {
    let kinds = pools::METAFIELDS;
    let clients: Vec<Text> = pools::APP_CLIENT_IDS.iter().map(|c| text(c)).collect();
    let mut out = Vec::new();
    for c in customers {
        let mut s = Stream::new(seed ^ METAFIELD_SALT, c.id as u64);
        if s.below(1000) >= 30 {
            continue;
        }
        let first = s.below(kinds.len() as u64) as usize;
        let second = (first + 1 + s.below(kinds.len() as u64 - 1) as usize) % kinds.len();
        let picks = if s.below(2) == 0 {
            vec![first]
        } else {
            vec![first, second]
        };
        for k in picks {
            let (namespace, key, values) = kinds[k];
            let value = *s.pick::<&str>(values);
            let permission = *s.pick::<&str>(&pools::METAFIELD_PERMISSIONS);
            let created = after(&mut s, c.date_created);
            let modified = if s.below(3) == 0 {
                after(&mut s, created)
            } else {
                created
            };
            out.push(MetafieldRec {
                id: out.len() as i64 + 1,
                customer_id: c.id,
                namespace: text(namespace),
                key: text(key),
                value: text(value),
                permission_set: text(permission),
                description: text(""),
                owner_client_id: s.pick(&clients).clone(),
                date_created: created,
                date_modified: modified,
            });
        }
    }
    out
}

pub(crate) const POLICY_URL: &str = "https://store.example.com/privacy-policy";

/// The store-wide customer settings a generated store starts with.
pub(crate) fn settings() -> CustomerSettings {
    CustomerSettings {
        privacy_settings: Some(PrivacySettings {
            ask_shopper_for_tracking_consent: Some(true),
            policy_url: Some(POLICY_URL.to_owned()),
        }),
        customer_group_settings: Some(CustomerGroupSettings {
            guest_customer_group_id: Some(0),
            default_customer_group_id: Some(0),
        }),
        allow_global_logins: None,
    }
}

/// A channel's settings before anyone edits them. `None` parts inherit the global
/// settings (the API sends `null`): channel 1 overrides nothing, channel 2 has its own
/// privacy policy and default group and keeps global shoppers out.
pub(crate) fn channel_settings(channel_id: i64) -> CustomerSettings {
    match channel_id {
        2 => CustomerSettings {
            privacy_settings: Some(PrivacySettings {
                ask_shopper_for_tracking_consent: Some(false),
                policy_url: Some("https://store.example.com/fr/privacy-policy".to_owned()),
            }),
            customer_group_settings: Some(CustomerGroupSettings {
                guest_customer_group_id: Some(0),
                default_customer_group_id: Some(2),
            }),
            allow_global_logins: Some(false),
        },
        _ => CustomerSettings {
            privacy_settings: None,
            customer_group_settings: None,
            allow_global_logins: Some(true),
        },
    }
}
