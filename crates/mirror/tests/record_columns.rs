//! Every resource's typed columns as stored, next to `raw`, and the column types.

use crate::common;

use bcsync_mirror::testing::fresh_database;
use bcsync_mirror::{Resource, Scope};
use chrono::{DateTime, Utc};
use common::records::{put, row_json};
use common::stats;
use serde_json::{Value, json};

/// Writes `record` alone, then checks the row: `raw` is the record as given and the
/// typed columns are `columns` (PostgreSQL's JSON rendering: timestamps in UTC with
/// `+00:00`, arrays as arrays, jsonb as sent).
async fn round_trip(resource: Resource, record: Value, filter: &str, columns: Value) {
    let db = fresh_database().await;
    let written = put(
        &db.mirror,
        resource,
        std::slice::from_ref(&record),
        Scope::Nothing,
    )
    .await;
    assert_eq!(written, stats(1, 0, 0), "{resource:?}");
    let mut row = row_json(&db.mirror, resource, filter).await;
    assert_eq!(row["raw"], record, "{resource:?}: raw");
    row.as_object_mut().unwrap().remove("raw");
    assert_eq!(row, columns, "{resource:?}: typed columns");
}

#[tokio::test]
async fn attributes_and_attribute_values() {
    let record = json!({"id": 1, "name": "Age", "type": "number", "date_created": "2018-11-13T21:42:06Z",
                        "date_modified": "2018-11-14T16:46:23-02:00", "from_the_future": [1]});
    let columns = json!({"id": 1, "name": "Age", "type": "number", "date_created": "2018-11-13T21:42:06+00:00",
                         "date_modified": "2018-11-14T18:46:23+00:00"});
    round_trip(Resource::Attributes, record, "id = 1", columns).await;

    let record = json!({"id": 2, "attribute_id": 1, "attribute_value": "Yes", "customer_id": 8504,
                        "date_created": "2021-07-28T19:00:38Z", "date_modified": "2021-07-29T19:00:38Z"});
    let columns = json!({"id": 2, "attribute_id": 1, "attribute_value": "Yes", "customer_id": 8504,
                         "date_created": "2021-07-28T19:00:38+00:00", "date_modified": "2021-07-29T19:00:38+00:00"});
    round_trip(Resource::AttributeValues, record, "id = 2", columns).await;
}

#[tokio::test]
async fn form_field_values_of_customers_and_addresses() {
    for (record, filter, columns) in [
        (
            json!({"name": "colors", "value": ["red", "green"], "customer_id": 7}),
            "owner_type = 'customer'",
            json!({"owner_type": "customer", "owner_id": 7, "customer_id": 7, "address_id": null,
                   "name": "colors", "value": ["red", "green"]}),
        ),
        (
            json!({"name": "floor", "value": 12.345, "address_id": 70}),
            "owner_type = 'address'",
            json!({"owner_type": "address", "owner_id": 70, "customer_id": null, "address_id": 70,
                   "name": "floor", "value": 12.345}),
        ),
        (
            // An address value naming its customer too still belongs to the address.
            json!({"name": "door", "value": "blue", "address_id": 71, "customer_id": 7}),
            "owner_id = 71",
            json!({"owner_type": "address", "owner_id": 71, "customer_id": 7, "address_id": 71,
                   "name": "door", "value": "blue"}),
        ),
    ] {
        round_trip(Resource::FormFieldValues, record, filter, columns).await;
    }
}

#[tokio::test]
async fn consents_keep_their_arrays_in_order() {
    let record = json!({"allow": ["targeting", "essential"], "deny": [], "updated_at": "2024-01-03T10:00:03Z",
                        "customer_id": 7});
    let columns = json!({"customer_id": 7, "allow": ["targeting", "essential"], "deny": [],
                         "updated_at": "2024-01-03T10:00:03+00:00"});
    round_trip(Resource::Consents, record, "customer_id = 7", columns).await;

    // Absent and null arrays are NULL, not empty.
    let columns = json!({"customer_id": 8, "allow": null, "deny": null, "updated_at": null});
    round_trip(
        Resource::Consents,
        json!({"customer_id": 8, "deny": null}),
        "customer_id = 8",
        columns,
    )
    .await;
}

#[tokio::test]
async fn stored_instruments_of_every_type() {
    let billing = json!({"first_name": "Tester", "city": "Las Vegas", "country_code": "US"});
    let card = json!({"type": "stored_card", "token": "84596bea", "is_default": true, "brand": "VISA",
                      "expiry_month": 1, "expiry_year": 2030, "issuer_identification_number": "411111",
                      "last_4": "1111", "billing_address": billing, "customer_id": 7});
    let none = json!({"is_default": null, "brand": null, "expiry_month": null, "expiry_year": null,
                      "issuer_identification_number": null, "last_4": null, "email": null,
                      "masked_account_number": null, "issuer": null, "billing_address": null});
    let with = |fields: Value| {
        let mut all = none.clone();
        all.as_object_mut()
            .unwrap()
            .extend(fields.as_object().unwrap().clone());
        all
    };
    let columns = with(
        json!({"customer_id": 7, "token": "84596bea", "type": "stored_card", "is_default": true,
        "brand": "VISA", "expiry_month": 1, "expiry_year": 2030, "issuer_identification_number": "411111",
        "last_4": "1111", "billing_address": billing}),
    );
    round_trip(Resource::StoredInstruments, card, "token = '84596bea'", columns).await;

    let paypal = json!({"type": "stored_paypal_account", "token": "pp", "is_default": false,
                        "email": "buyer@example.com", "customer_id": 7});
    let columns = with(
        json!({"customer_id": 7, "token": "pp", "type": "stored_paypal_account",
                              "is_default": false, "email": "buyer@example.com"}),
    );
    round_trip(Resource::StoredInstruments, paypal, "token = 'pp'", columns).await;

    let bank = json!({"type": "stored_bank_account", "token": "bank", "masked_account_number": "12XXX56",
                      "issuer": "DE001", "customer_id": 7});
    let columns = with(
        json!({"customer_id": 7, "token": "bank", "type": "stored_bank_account",
                              "masked_account_number": "12XXX56", "issuer": "DE001"}),
    );
    round_trip(Resource::StoredInstruments, bank, "token = 'bank'", columns).await;
}

#[tokio::test]
async fn metafields() {
    let record = json!({"id": 9, "key": "Staff Name", "value": "Ronaldo", "namespace": "Sales Department",
        "permission_set": "app_only", "description": "order", "resource_type": "customer", "resource_id": 424242,
        "date_created": "2022-06-16T18:39:00+00:00", "date_modified": "2022-06-17T18:39:00+00:00",
        "owner_client_id": "ramciw4f"});
    let columns = json!({"id": 9, "key": "Staff Name", "value": "Ronaldo", "namespace": "Sales Department",
        "permission_set": "app_only", "description": "order", "resource_type": "customer", "resource_id": 424242,
        "date_created": "2022-06-16T18:39:00+00:00", "date_modified": "2022-06-17T18:39:00+00:00",
        "owner_client_id": "ramciw4f"});
    round_trip(Resource::Metafields, record, "id = 9", columns).await;
}

#[tokio::test]
async fn settings_and_channel_settings() {
    let privacy = json!({"ask_shopper_for_tracking_consent": true, "policy_url": "https://x/policy",
                         "ask_shopper_for_tracking_consent_on_checkout": false});
    let groups = json!({"guest_customer_group_id": 0, "default_customer_group_id": 3});
    let record = json!({"privacy_settings": privacy, "customer_group_settings": groups});
    let columns = json!({"privacy_settings": privacy, "customer_group_settings": groups});
    round_trip(Resource::Settings, record, "TRUE", columns).await;

    let record = json!({"privacy_settings": privacy, "customer_group_settings": null,
                        "allow_global_logins": true, "channel_id": 2});
    let columns = json!({"channel_id": 2, "privacy_settings": privacy, "customer_group_settings": null,
                         "allow_global_logins": true});
    round_trip(Resource::ChannelSettings, record, "channel_id = 2", columns).await;
}

/// An operator's excluded field is stripped from `raw` by the caller: its column is NULL.
#[tokio::test]
async fn a_field_left_out_of_raw_is_null_in_its_column() {
    let db = fresh_database().await;
    let card = json!({"type": "stored_card", "token": "t", "customer_id": 7, "last_4": "1111"});
    put(&db.mirror, Resource::StoredInstruments, &[card], Scope::Nothing).await;
    let row = row_json(&db.mirror, Resource::StoredInstruments, "token = 't'").await;
    assert_eq!(row["billing_address"], Value::Null);
    assert_eq!(row["last_4"], json!("1111"));
}

#[tokio::test]
async fn columns_are_typed() {
    let db = fresh_database().await;
    let types: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, udt_name::text FROM information_schema.columns \
         WHERE table_schema = 'bigcommerce' AND table_name = ANY($1) ORDER BY table_name, ordinal_position",
    )
    .bind(
        bcsync_mirror::record_resources()
            .map(|r| r.table())
            .collect::<Vec<_>>(),
    )
    .fetch_all(db.mirror.pool())
    .await
    .unwrap();
    let of = |table: &str| {
        types
            .iter()
            .filter(|(t, ..)| t == table)
            .map(|(_, c, ty)| format!("{c} {ty}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let shared = "raw jsonb, synced_at timestamptz, deleted_at timestamptz";
    for (resource, columns) in [
        (
            Resource::Attributes,
            "id int8, name text, type text, date_created timestamptz, date_modified timestamptz",
        ),
        (
            Resource::AttributeValues,
            "id int8, attribute_id int8, customer_id int8, attribute_value text, date_created timestamptz, \
             date_modified timestamptz",
        ),
        (
            Resource::FormFieldValues,
            "owner_type text, owner_id int8, customer_id int8, address_id int8, name text, value jsonb",
        ),
        (
            Resource::Consents,
            "customer_id int8, allow _text, deny _text, updated_at timestamptz",
        ),
        (
            Resource::StoredInstruments,
            "customer_id int8, token text, type text, is_default bool, brand text, expiry_month int8, \
             expiry_year int8, issuer_identification_number text, last_4 text, email text, \
             masked_account_number text, issuer text, billing_address jsonb",
        ),
        (
            Resource::Metafields,
            "id int8, key text, value text, namespace text, permission_set text, description text, \
             resource_type text, resource_id int8, date_created timestamptz, date_modified timestamptz, \
             owner_client_id text",
        ),
        (
            Resource::Settings,
            "privacy_settings jsonb, customer_group_settings jsonb",
        ),
        (
            Resource::ChannelSettings,
            "channel_id int8, privacy_settings jsonb, customer_group_settings jsonb, allow_global_logins bool",
        ),
    ] {
        let want = format!("store_hash text, {columns}, {shared}");
        assert_eq!(of(resource.table()), want, "{resource:?}");
    }

    // And sqlx reads them as the Rust types a consumer would expect.
    put(
        &db.mirror,
        Resource::Consents,
        &[common::records::consent(7, &["essential"])],
        Scope::Nothing,
    )
    .await;
    let (allow, updated_at): (Option<Vec<String>>, Option<DateTime<Utc>>) =
        sqlx::query_as("SELECT allow, updated_at FROM bigcommerce.customer_consents")
            .fetch_one(db.mirror.pool())
            .await
            .unwrap();
    assert_eq!(allow, Some(vec!["essential".to_owned()]));
    assert_eq!(updated_at, Some("2024-01-03T10:00:03Z".parse().unwrap()));
}
