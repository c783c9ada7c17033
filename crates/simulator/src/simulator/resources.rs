//! The customer sub-resources through the handle: each call runs the [`crate::SimState`]
//! method of the same name under the state lock (see there for the rules).

use bigcommerce_models::AttributeValue;
use bigcommerce_models::resources::{
    AttributeDefinition, Consent, CustomerSettings, FormFieldRecord, Metafield,
};
use serde_json::Value;

use super::Simulator;
use crate::counters::PathKind;

impl Simulator {
    /// Grants or withdraws `store_stored_payment_instruments_read_only`: without it
    /// `GET /customers/{id}/stored-instruments` answers 403.
    pub fn set_instruments_scope(&self, on: bool) {
        self.shared.control.lock().instruments_scope = on;
    }

    /// Every attribute definition, by id.
    pub fn attribute_definitions(&self) -> Vec<AttributeDefinition> {
        self.with_state(|s| s.attribute_definitions())
    }

    /// Every attribute value, by id (the records `include=attributes` shows).
    pub fn attribute_values(&self) -> Vec<AttributeValue> {
        self.with_state(|s| s.attribute_values())
    }

    /// Every form field value: customers' by (customer_id, name), then addresses' by
    /// (address_id, name).
    pub fn form_field_values(&self) -> Vec<FormFieldRecord> {
        self.with_state(|s| s.form_field_values())
    }

    /// Every live customer's consent, by customer id.
    pub fn consents(&self) -> Vec<(i64, Consent)> {
        self.with_state(|s| s.consents())
    }

    /// Every stored instrument as `(customer id, JSON as served)`, by customer id.
    pub fn stored_instruments(&self) -> Vec<(i64, Value)> {
        self.with_state(|s| s.stored_instruments())
    }

    /// Every customer metafield, by id.
    pub fn metafields(&self) -> Vec<Metafield> {
        self.with_state(|s| s.metafields())
    }

    /// The store-wide customer settings.
    pub fn settings(&self) -> CustomerSettings {
        self.with_state(|s| s.settings())
    }

    /// Every known channel's customer settings, by channel id.
    pub fn channel_settings(&self) -> Vec<(i64, CustomerSettings)> {
        self.with_state(|s| s.channel_settings())
    }

    /// See [`SimState::set_consent`](crate::SimState::set_consent).
    pub fn set_consent(&self, customer_id: i64, allow: Vec<String>, deny: Vec<String>) -> bool {
        self.with_state(|s| s.set_consent(customer_id, allow, deny))
    }

    /// See [`SimState::add_stored_instrument`](crate::SimState::add_stored_instrument).
    pub fn add_stored_instrument(&self, customer_id: i64, instrument: Value) -> bool {
        self.with_state(|s| s.add_stored_instrument(customer_id, instrument))
    }

    /// See [`SimState::remove_stored_instrument`](crate::SimState::remove_stored_instrument).
    pub fn remove_stored_instrument(&self, customer_id: i64, token: &str) -> bool {
        self.with_state(|s| s.remove_stored_instrument(customer_id, token))
    }

    /// See [`SimState::upsert_attribute_value`](crate::SimState::upsert_attribute_value).
    pub fn upsert_attribute_value(
        &self,
        customer_id: i64,
        attribute_id: i64,
        value: &str,
    ) -> Option<AttributeValue> {
        self.with_state(|s| s.upsert_attribute_value(customer_id, attribute_id, value))
    }

    /// See [`SimState::upsert_form_field`](crate::SimState::upsert_form_field).
    pub fn upsert_form_field(
        &self,
        customer_id: Option<i64>,
        address_id: Option<i64>,
        name: &str,
        value: Value,
    ) -> bool {
        self.with_state(|s| s.upsert_form_field(customer_id, address_id, name, value))
    }

    /// See [`SimState::upsert_metafield`](crate::SimState::upsert_metafield).
    pub fn upsert_metafield(&self, customer_id: i64, key: &str, value: &str) -> Option<Metafield> {
        self.with_state(|s| s.upsert_metafield(customer_id, key, value))
    }

    /// See [`SimState::delete_metafield`](crate::SimState::delete_metafield).
    pub fn delete_metafield(&self, id: i64) -> bool {
        self.with_state(|s| s.delete_metafield(id))
    }

    /// See [`SimState::set_settings`](crate::SimState::set_settings).
    pub fn set_settings(&self, settings: CustomerSettings) {
        self.with_state(|s| s.set_settings(settings))
    }

    /// See [`SimState::set_channel_settings`](crate::SimState::set_channel_settings).
    pub fn set_channel_settings(&self, channel_id: i64, settings: CustomerSettings) {
        self.with_state(|s| s.set_channel_settings(channel_id, settings))
    }

    /// See [`SimState::corrupt_record`](crate::SimState::corrupt_record).
    pub fn corrupt_record(&self, kind: PathKind, id: i64, field: &str, value: Value) -> bool {
        self.with_state(|s| s.corrupt_record(kind, id, field, value))
    }
}
