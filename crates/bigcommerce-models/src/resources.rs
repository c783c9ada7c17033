//! The Customers V3 resources beyond customers and addresses.
//!
//! Payload shapes follow `shared/spec/customers-v3.openapi.yml`. Optional fields
//! tolerate `null` and absence; identifiers the mirror keys on are required, so a
//! record without one fails with an error naming the field.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A customer attribute definition (`GET /customers/attributes`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeDefinition {
    pub id: i64,
    #[serde(default)]
    pub name: Option<String>,
    /// `string`, `number` or `date`.
    #[serde(default, rename = "type")]
    pub attribute_type: Option<String>,
    #[serde(default)]
    pub date_created: Option<DateTime<Utc>>,
    #[serde(default)]
    pub date_modified: Option<DateTime<Utc>>,
}

/// One value of `GET /customers/form-field-values`: belongs to a customer or to an
/// address (exactly one of the two ids is set). Form field values have no id of their
/// own: (customer_id or address_id, name) identifies one. The same shape as the values
/// a customer page carries.
pub type FormFieldRecord = crate::FormFieldValue;

/// `GET /customers/{id}/consent`. `allow` and `deny` list consent categories
/// (`essential`, `functional`, `analytics`, `targeting`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Consent {
    #[serde(default)]
    pub allow: Option<Vec<String>>,
    #[serde(default)]
    pub deny: Option<Vec<String>>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
}

/// One stored payment instrument of `GET /customers/{id}/stored-instruments`: a card,
/// a PayPal account or a bank account, told apart by `type`. Only the fields common
/// to all are typed; the rest (card brand, expiry, masked numbers, billing address)
/// stays in `raw`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredInstrument {
    /// `stored_card`, `stored_paypal_account` or `stored_bank_account`.
    #[serde(rename = "type")]
    pub instrument_type: String,
    /// Identifies the instrument; the mirror keys on it.
    pub token: String,
    #[serde(default)]
    pub is_default: Option<bool>,
}

/// A metafield (`GET /customers/metafields`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metafield {
    pub id: i64,
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub namespace: Option<String>,
    #[serde(default)]
    pub permission_set: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub resource_type: Option<String>,
    #[serde(default)]
    pub resource_id: Option<i64>,
    #[serde(default)]
    pub date_created: Option<DateTime<Utc>>,
    #[serde(default)]
    pub date_modified: Option<DateTime<Utc>>,
    #[serde(default)]
    pub owner_client_id: Option<String>,
}

/// `GET /customers/settings` and `GET /customers/settings/channels/{id}`; the channel
/// form adds `allow_global_logins`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerSettings {
    #[serde(default)]
    pub privacy_settings: Option<PrivacySettings>,
    #[serde(default)]
    pub customer_group_settings: Option<CustomerGroupSettings>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_global_logins: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PrivacySettings {
    #[serde(default)]
    pub ask_shopper_for_tracking_consent: Option<bool>,
    #[serde(default)]
    pub policy_url: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerGroupSettings {
    #[serde(default)]
    pub guest_customer_group_id: Option<i64>,
    #[serde(default)]
    pub default_customer_group_id: Option<i64>,
}
