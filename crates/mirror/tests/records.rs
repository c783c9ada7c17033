//! The generic writer: content comparison, duplicates, stores.

use crate::common;

use bcsync_mirror::testing::fresh_database;
use bcsync_mirror::{Resource, Scope, Tally};
use common::STORE;
use common::records::{
    address_field, attribute_value, card, customer_field, put, put_for, row_json, row_state, sample,
};
use common::stats;
use serde_json::json;

/// The row of `sample(resource, 1)`.
fn first_row(resource: Resource) -> &'static str {
    match resource {
        Resource::Attributes | Resource::AttributeValues | Resource::Metafields => "id = 1",
        Resource::FormFieldValues => "owner_id = 1 AND name = 'color'",
        Resource::Consents | Resource::StoredInstruments => "customer_id = 1",
        Resource::Settings => "TRUE",
        Resource::ChannelSettings => "channel_id = 1",
        Resource::Customers | Resource::Addresses => unreachable!("no record spec"),
    }
}

#[tokio::test]
async fn rewriting_identical_records_changes_nothing_and_new_content_updates() {
    let db = fresh_database().await;
    for resource in bcsync_mirror::record_resources() {
        let records = [sample(resource, 1)];
        assert_eq!(
            put(&db.mirror, resource, &records, Scope::Nothing).await,
            stats(1, 0, 0)
        );
        let (_, synced) = row_state(&db.mirror, resource, first_row(resource)).await;

        let again = put(&db.mirror, resource, &records, Scope::Everything).await;
        assert_eq!(again, Tally::default(), "{resource:?}");
        assert_eq!(
            row_state(&db.mirror, resource, first_row(resource)).await,
            (false, synced)
        );

        // A field no column knows still is a change: it is in `raw`.
        let mut changed = records[0].clone();
        changed["brand_new_field"] = json!(true);
        let written = put(
            &db.mirror,
            resource,
            std::slice::from_ref(&changed),
            Scope::Nothing,
        )
        .await;
        assert_eq!(written, stats(0, 1, 0), "{resource:?}");
        let (deleted, later) = row_state(&db.mirror, resource, first_row(resource)).await;
        assert!(!deleted && later > synced, "{resource:?}");
        assert_eq!(
            row_json(&db.mirror, resource, first_row(resource)).await["raw"],
            changed
        );
        assert_eq!(db.mirror.count_live_records(STORE, resource).await.unwrap(), 1);
    }
}

#[tokio::test]
async fn typed_columns_follow_a_change() {
    let db = fresh_database().await;
    put(
        &db.mirror,
        Resource::AttributeValues,
        &[attribute_value(5, 1, "old")],
        Scope::Nothing,
    )
    .await;
    put(
        &db.mirror,
        Resource::AttributeValues,
        &[attribute_value(5, 2, "new")],
        Scope::Nothing,
    )
    .await;
    let row = row_json(&db.mirror, Resource::AttributeValues, "id = 5").await;
    assert_eq!(
        (&row["customer_id"], &row["attribute_value"]),
        (&json!(2), &json!("new"))
    );
}

#[tokio::test]
async fn duplicate_keys_in_a_page_keep_the_last_occurrence() {
    let db = fresh_database().await;
    let records = [
        attribute_value(1, 1, "first"),
        attribute_value(2, 1, "other"),
        attribute_value(1, 1, "last"),
    ];
    assert_eq!(
        put(&db.mirror, Resource::AttributeValues, &records, Scope::Nothing).await,
        stats(2, 0, 0)
    );
    let row = row_json(&db.mirror, Resource::AttributeValues, "id = 1").await;
    assert_eq!(row["attribute_value"], json!("last"));

    // Composite keys too: same customer and token, or same owner and name.
    let cards = [
        card(7, "t"),
        card(7, "u"),
        json!({"type": "stored_card", "token": "t", "customer_id": 7}),
    ];
    assert_eq!(
        put(&db.mirror, Resource::StoredInstruments, &cards, Scope::Nothing).await,
        stats(2, 0, 0)
    );
    let row = row_json(&db.mirror, Resource::StoredInstruments, "token = 't'").await;
    assert_eq!(row["brand"], json!(null));
    let fields = [
        customer_field(7, "color", json!("red")),
        address_field(7, "color", json!("green")),
        customer_field(7, "color", json!("blue")),
    ];
    assert_eq!(
        put(&db.mirror, Resource::FormFieldValues, &fields, Scope::Nothing).await,
        stats(2, 0, 0)
    );
    let row = row_json(&db.mirror, Resource::FormFieldValues, "owner_type = 'customer'").await;
    assert_eq!(row["value"], json!("blue"));
    // One row per store, whatever the page holds.
    let settings = [sample(Resource::Settings, 1), sample(Resource::Settings, 2)];
    assert_eq!(
        put(&db.mirror, Resource::Settings, &settings, Scope::Nothing).await,
        stats(1, 0, 0)
    );
    assert_eq!(
        row_json(&db.mirror, Resource::Settings, "TRUE").await["raw"],
        settings[1]
    );
}

#[tokio::test]
async fn stores_do_not_share_rows() {
    let db = fresh_database().await;
    for resource in bcsync_mirror::record_resources() {
        put(
            &db.mirror,
            resource,
            &[sample(resource, 1), sample(resource, 2)],
            Scope::Nothing,
        )
        .await;
        // Another store's complete (empty) set judges only its own rows.
        let other = put_for(
            &db.mirror,
            "other",
            resource,
            &[sample(resource, 1)],
            Scope::Everything,
        )
        .await;
        assert_eq!(other, stats(1, 0, 0), "{resource:?}");
        put_for(&db.mirror, "other", resource, &[], Scope::Everything).await;
        let live = db.mirror.count_live_records(STORE, resource).await.unwrap();
        assert_eq!(
            live,
            if resource == Resource::Settings { 1 } else { 2 },
            "{resource:?}"
        );
        assert_eq!(db.mirror.count_live_records("other", resource).await.unwrap(), 0);
    }
}
