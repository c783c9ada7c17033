//! Endpoints of the Customers V3 resources beyond customers and addresses.

use bigcommerce_models::{
    AttributeValue, Collection, Consent, CustomerSettings, FormFieldRecord, Metafield, Raw, StoredInstrument,
    decode_array, decode_object,
};
use chrono::{DateTime, Utc};

use crate::client::BigCommerceClient;
use crate::error::ClientError;
use crate::query::{MAX_LIMIT, paging};

/// Paging plus the optional filters of the listings that have them
/// (`date_modified:min`, `date_created:min|max` on attribute values; `customer_id:in`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    pub date_modified_min: Option<DateTime<Utc>>,
    pub date_created_min: Option<DateTime<Utc>>,
    pub date_created_max: Option<DateTime<Utc>>,
    pub customer_id_in: Vec<i64>,
    pub page: u32,
    pub limit: u32,
}

impl ListQuery {
    pub fn page(page: u32) -> Self {
        ListQuery {
            page,
            limit: MAX_LIMIT,
            ..Default::default()
        }
    }

    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        let dates = [
            ("date_modified:min", self.date_modified_min),
            ("date_created:min", self.date_created_min),
            ("date_created:max", self.date_created_max),
        ];
        for (name, ts) in dates {
            if let Some(ts) = ts {
                q.push((name, bigcommerce_models::time::to_filter(ts)));
            }
        }
        if !self.customer_id_in.is_empty() {
            let ids: Vec<String> = self.customer_id_in.iter().map(i64::to_string).collect();
            q.push(("customer_id:in", ids.join(",")));
        }
        paging(&mut q, self.page, self.limit);
        q
    }
}

impl BigCommerceClient {
    /// `GET /customers/attribute-values`.
    pub async fn list_attribute_values(
        &self,
        q: &ListQuery,
    ) -> Result<Collection<Raw<AttributeValue>>, ClientError> {
        self.get_collection("/customers/attribute-values", &q.pairs())
            .await
    }

    /// `GET /customers/form-field-values` (customer and address form fields).
    pub async fn list_form_field_values(
        &self,
        q: &ListQuery,
    ) -> Result<Collection<Raw<FormFieldRecord>>, ClientError> {
        self.get_collection("/customers/form-field-values", &q.pairs())
            .await
    }

    /// `GET /customers/metafields` (every customer's metafields).
    pub async fn list_metafields(&self, q: &ListQuery) -> Result<Collection<Raw<Metafield>>, ClientError> {
        self.get_collection("/customers/metafields", &q.pairs()).await
    }

    /// `GET /customers/{id}/consent`.
    pub async fn get_consent(&self, customer_id: i64) -> Result<Raw<Consent>, ClientError> {
        self.get_decoded(
            &format!("/customers/{customer_id}/consent"),
            &[],
            decode_object::<Consent>,
        )
        .await
    }

    /// `GET /customers/{id}/stored-instruments` (needs its own scope: 403 without it).
    pub async fn get_stored_instruments(
        &self,
        customer_id: i64,
    ) -> Result<Vec<Raw<StoredInstrument>>, ClientError> {
        let path = format!("/customers/{customer_id}/stored-instruments");
        self.get_decoded(&path, &[], decode_array::<StoredInstrument>)
            .await
    }

    /// `GET /customers/settings`.
    pub async fn get_settings(&self) -> Result<Raw<CustomerSettings>, ClientError> {
        self.get_decoded("/customers/settings", &[], decode_object::<CustomerSettings>)
            .await
    }

    /// `GET /customers/settings/channels/{channel_id}`.
    pub async fn get_channel_settings(&self, channel_id: i64) -> Result<Raw<CustomerSettings>, ClientError> {
        let path = format!("/customers/settings/channels/{channel_id}");
        self.get_decoded(&path, &[], decode_object::<CustomerSettings>)
            .await
    }
}
