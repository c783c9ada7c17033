//! Stored payment instruments, derived on demand from `(seed, customer id)`.
//!
//! A million customers would need ~100k JSON objects up front; deriving them per
//! request costs microseconds and nothing in memory. Only instruments a test edits are
//! stored (as their JSON, see `SimState::add_stored_instrument`).

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::hash::{Stream, mix};
use super::pools::{self, FIRST_NAMES, LAST_NAMES};

const SALT: u64 = 0x1257_2035_ba5e_0001;
const TOKEN_SALT: u64 = 0x70ce_70ce_70ce_70ce;

/// The instruments a generated customer starts with: ~5% of customers have 1-3,
/// mixing cards, PayPal accounts and bank accounts, exactly one of them the default.
pub(crate) fn generated(seed: u64, customer_id: i64) -> Vec<Value> {
    let mut s = Stream::new(seed ^ SALT, customer_id as u64);
    if s.below(1000) >= 50 {
        return Vec::new();
    }
    let count = 1 + s.below(3);
    let default = s.below(count);
    (0..count)
        .map(|k| {
            let token = token(seed, customer_id, k, &mut s);
            let is_default = k == default;
            match s.below(100) {
                0..60 => card(&mut s, token, is_default),
                60..85 => paypal(&mut s, token, is_default),
                _ => bank(&mut s, token, is_default),
            }
        })
        .collect()
}

/// 64 hex digits. The first 16 come from a bijection of `(customer, k)`, so generated
/// tokens never repeat; the rest only look random.
fn token(seed: u64, customer_id: i64, k: u64, s: &mut Stream) -> String {
    let unique = mix(mix(seed) ^ TOKEN_SALT ^ ((customer_id as u64) << 2 | k));
    let mut out = String::with_capacity(64);
    for part in [unique, s.next_u64(), s.next_u64(), s.next_u64()] {
        let _ = write!(out, "{part:016x}");
    }
    out
}

fn card(s: &mut Stream, token: String, is_default: bool) -> Value {
    let (brand, iin) = *s.pick(pools::CARD_BRANDS);
    json!({
        "type": "stored_card",
        "token": token,
        "is_default": is_default,
        "brand": brand,
        "expiry_month": 1 + s.below(12),
        "expiry_year": 2024 + s.below(7),
        "issuer_identification_number": iin,
        "last_4": format!("{:04}", s.below(10_000)),
        "billing_address": billing_address(s),
    })
}

fn paypal(s: &mut Stream, token: String, is_default: bool) -> Value {
    let (first, last) = (s.pick(FIRST_NAMES).1, s.pick(LAST_NAMES).1);
    json!({
        "type": "stored_paypal_account",
        "token": token,
        "is_default": is_default,
        "email": format!("{first}.{last}@paypal.example.com"),
    })
}

fn bank(s: &mut Stream, token: String, is_default: bool) -> Value {
    json!({
        "type": "stored_bank_account",
        "token": token,
        "is_default": is_default,
        "masked_account_number": format!("{:02}XXXX{:02}", s.below(100), s.below(100)),
        "issuer": *s.pick(pools::BANK_ISSUERS),
    })
}

fn billing_address(s: &mut Stream) -> Value {
    let (first, last) = (*s.pick(FIRST_NAMES), *s.pick(LAST_NAMES));
    let (city, state, postal, country) = *s.pick(pools::PLACES);
    let company = if s.below(4) == 0 {
        *s.pick(pools::COMPANIES)
    } else {
        ""
    };
    json!({
        "first_name": first.0,
        "last_name": last.0,
        "email": format!("{}.{}@example.com", first.1, last.1),
        "company": company,
        "address1": format!("{} {}", 1 + s.below(9_999), s.pick(pools::STREETS)),
        "address2": "",
        "city": city,
        "postal_code": postal,
        "state_or_province": state,
        "state_or_province_code": pools::state_code(state),
        "country_code": country,
        "phone": format!("+1-555-{:03}-{:04}", 200 + s.below(800), s.below(10_000)),
    })
}
