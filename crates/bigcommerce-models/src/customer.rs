//! A customer as `GET /customers` returns it, with what `include=` adds.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::address::Address;

/// `customer_Full` from the spec. Fields that `include=` controls are `Option<Vec<_>>`:
/// `None` means "not asked for / not sent", which the poller must tell apart from
/// "asked for and empty" before it concludes a customer has no addresses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    pub id: i64,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub company: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub registration_ip_address: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub tax_exempt_category: Option<String>,
    #[serde(default)]
    pub customer_group_id: Option<i64>,
    /// Second precision; the poller's watermark is built from it, so it is required.
    pub date_modified: DateTime<Utc>,
    pub date_created: DateTime<Utc>,
    /// How many addresses exist; `addresses` carries at most 10 of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_count: Option<i32>,
    /// How many attribute values exist; `attributes` carries at most 10 of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute_count: Option<i32>,
    #[serde(default)]
    pub authentication: Option<Authentication>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addresses: Option<Vec<Address>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Vec<AttributeValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form_fields: Option<Vec<FormFieldValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_credit_amounts: Option<Vec<StoreCredit>>,
    #[serde(default)]
    pub accepts_product_review_abandoned_cart_emails: Option<bool>,
    #[serde(default)]
    pub origin_channel_id: Option<i64>,
    #[serde(default)]
    pub channel_ids: Option<Vec<i64>>,
    /// `include=shopper_profile_id` (beta).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shopper_profile_id: Option<String>,
    /// `include=segment_ids` (beta).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment_ids: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authentication {
    #[serde(default)]
    pub force_password_reset: Option<bool>,
}

/// An attribute value as included on a customer (`attribute_Full`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeValue {
    #[serde(default)]
    pub id: Option<i64>,
    pub attribute_id: i64,
    #[serde(default)]
    pub attribute_value: Option<String>,
    #[serde(default)]
    pub customer_id: Option<i64>,
    #[serde(default)]
    pub date_created: Option<DateTime<Utc>>,
    #[serde(default)]
    pub date_modified: Option<DateTime<Utc>>,
}

/// A form field value of a customer or an address. `value` is a string, a number or
/// an array of strings in the spec, so it stays JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormFieldValue {
    pub name: String,
    #[serde(default)]
    pub value: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreCredit {
    #[serde(default)]
    pub amount: Option<f64>,
}
