//! Cookie consent (`/customers/{id}/consent`) and stored payment instruments
//! (`/customers/{id}/stored-instruments`). Neither touches the customer's
//! `date_modified`.

use bigcommerce_models::resources::Consent;
use serde_json::Value;

use super::{SimState, now};
use crate::data::convert_resources::consent;
use crate::data::instruments;
use crate::data::records::ConsentRec;

impl SimState {
    /// A live customer's consent.
    pub(crate) fn consent_rec(&self, customer_id: i64) -> Option<ConsentRec> {
        self.customer_rec(customer_id)?;
        self.consents.get((customer_id - 1) as usize).copied()
    }

    /// Replaces a customer's consent and stamps `updated_at` with now. A category both
    /// allowed and denied ends up denied. `None` for an unknown customer.
    pub(crate) fn put_consent(&mut self, customer_id: i64, allow: u8, deny: u8) -> Option<ConsentRec> {
        self.customer_rec(customer_id)?;
        let slot = self.consents.get_mut((customer_id - 1) as usize)?;
        *slot = ConsentRec {
            allow: allow & !deny,
            deny,
            updated_at: now(),
        };
        Some(*slot)
    }

    /// Every live customer's consent, by customer id.
    pub fn consents(&self) -> Vec<(i64, Consent)> {
        self.customer_ids
            .slice(0, self.customer_ids.len())
            .filter_map(|id| Some((id, consent(&self.consent_rec(id)?))))
            .collect()
    }

    /// Sets a customer's consent as `PUT /customers/{id}/consent` would (`updated_at`
    /// now). `false` for an unknown customer or category (`essential`, `functional`,
    /// `analytics`, `targeting`).
    pub fn set_consent(&mut self, customer_id: i64, allow: Vec<String>, deny: Vec<String>) -> bool {
        let (Ok(allow), Ok(deny)) = (ConsentRec::mask(&allow), ConsentRec::mask(&deny)) else {
            return false;
        };
        self.put_consent(customer_id, allow, deny).is_some()
    }

    /// A live customer's stored instruments, exactly as served.
    pub(crate) fn instruments_of(&self, customer_id: i64) -> Option<Vec<Value>> {
        self.customer_rec(customer_id)?;
        if let Some(edited) = self.instruments.get(&customer_id) {
            return Some(edited.clone());
        }
        // Customers created through the API have none until a test adds some.
        Some(if customer_id <= self.generated_customers {
            instruments::generated(self.seed, customer_id)
        } else {
            Vec::new()
        })
    }

    /// Every stored instrument, by customer id then in the order served, as the JSON
    /// `GET /customers/{id}/stored-instruments` sends.
    pub fn stored_instruments(&self) -> Vec<(i64, Value)> {
        self.customer_ids
            .slice(0, self.customer_ids.len())
            .flat_map(|id| {
                let list = self.instruments_of(id).unwrap_or_default();
                list.into_iter().map(move |v| (id, v))
            })
            .collect()
    }

    /// Adds an instrument (a JSON object with a string `token`) to the end of a
    /// customer's list, stored as given; if it says `"is_default": true` the others stop
    /// being the default. `false` for an unknown customer, a value without a token, or
    /// a token the customer already has.
    pub fn add_stored_instrument(&mut self, customer_id: i64, instrument: Value) -> bool {
        let Some(token) = instrument.get("token").and_then(Value::as_str) else {
            return false;
        };
        let Some(mut list) = self.instruments_of(customer_id) else {
            return false;
        };
        if list
            .iter()
            .any(|i| i.get("token").and_then(Value::as_str) == Some(token))
        {
            return false;
        }
        if instrument.get("is_default") == Some(&Value::Bool(true)) {
            for other in &mut list {
                if let Some(obj) = other.as_object_mut() {
                    obj.insert("is_default".to_owned(), Value::Bool(false));
                }
            }
        }
        list.push(instrument);
        self.instruments.insert(customer_id, list);
        true
    }

    /// Removes a customer's instrument by token (the others keep their flags). `false`
    /// if the customer or the token is unknown.
    pub fn remove_stored_instrument(&mut self, customer_id: i64, token: &str) -> bool {
        let Some(mut list) = self.instruments_of(customer_id) else {
            return false;
        };
        let before = list.len();
        list.retain(|i| i.get("token").and_then(Value::as_str) != Some(token));
        if list.len() == before {
            return false;
        }
        self.instruments.insert(customer_id, list);
        true
    }
}
