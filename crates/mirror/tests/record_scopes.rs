//! Soft deletes by scope: complete sets of a store, of customers, of an id range.

use crate::common;

use bcsync_mirror::testing::fresh_database;
use bcsync_mirror::{Resource, Scope, Tally};
use common::STORE;
use common::records::{
    address_field, attribute_value, card, consent, customer_field, is_deleted, metafield, put, row_state,
};
use common::stats;
use serde_json::json;

#[tokio::test]
async fn everything_deletes_the_absent_rows_and_they_come_back() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    let a = |id| common::records::attribute(id, &format!("A{id}"));
    put(mirror, Resource::Attributes, &[a(1), a(2), a(3)], Scope::Nothing).await;
    let (_, before) = row_state(mirror, Resource::Attributes, "id = 2").await;

    assert_eq!(
        put(mirror, Resource::Attributes, &[a(1), a(3)], Scope::Everything).await,
        stats(0, 0, 1)
    );
    let (deleted, synced) = row_state(mirror, Resource::Attributes, "id = 2").await;
    assert!(deleted && synced > before, "a deletion is a change");
    assert_eq!(
        put(mirror, Resource::Attributes, &[a(1), a(3)], Scope::Everything).await,
        Tally::default()
    );

    // Reappearing unchanged: undeleted, counted as an update.
    let back = put(
        mirror,
        Resource::Attributes,
        &[a(1), a(2), a(3)],
        Scope::Everything,
    )
    .await;
    assert_eq!(back, stats(0, 1, 0));
    assert!(!is_deleted(mirror, Resource::Attributes, "id = 2").await);

    // An empty complete set: everything is gone.
    assert_eq!(
        put(mirror, Resource::Attributes, &[], Scope::Everything).await,
        stats(0, 0, 3)
    );
    assert_eq!(
        mirror
            .count_live_records(STORE, Resource::Attributes)
            .await
            .unwrap(),
        0
    );
    // Settings: the one row goes when the page has none.
    put(mirror, Resource::Settings, &[json!({})], Scope::Everything).await;
    assert_eq!(
        put(mirror, Resource::Settings, &[], Scope::Everything).await,
        stats(0, 0, 1)
    );
}

#[tokio::test]
async fn customers_judges_only_the_rows_of_those_customers() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    let cards = [card(1, "t1"), card(1, "t2"), card(2, "t3"), card(3, "t4")];
    put(mirror, Resource::StoredInstruments, &cards, Scope::Nothing).await;
    let page = [card(1, "t1")];
    assert_eq!(
        put(mirror, Resource::StoredInstruments, &page, Scope::Customers(&[1])).await,
        stats(0, 0, 1)
    );
    assert!(is_deleted(mirror, Resource::StoredInstruments, "token = 't2'").await);
    // A customer whose last instrument was removed: an empty page.
    assert_eq!(
        put(mirror, Resource::StoredInstruments, &[], Scope::Customers(&[2])).await,
        stats(0, 0, 1)
    );
    // No customers: nothing judged.
    assert_eq!(
        put(mirror, Resource::StoredInstruments, &[], Scope::Customers(&[])).await,
        stats(0, 0, 0)
    );
    assert_eq!(
        mirror
            .count_live_records(STORE, Resource::StoredInstruments)
            .await
            .unwrap(),
        2
    );
    // The instrument is back.
    assert_eq!(
        put(
            mirror,
            Resource::StoredInstruments,
            &cards[..2],
            Scope::Customers(&[1])
        )
        .await,
        stats(0, 1, 0)
    );

    put(
        mirror,
        Resource::Consents,
        &[consent(1, &[]), consent(2, &[])],
        Scope::Nothing,
    )
    .await;
    let page = [consent(1, &[])];
    assert_eq!(
        put(mirror, Resource::Consents, &page, Scope::Customers(&[1, 2])).await,
        stats(0, 0, 1)
    );
    assert!(is_deleted(mirror, Resource::Consents, "customer_id = 2").await);

    let values = [
        attribute_value(1, 1, "a"),
        attribute_value(2, 1, "b"),
        attribute_value(3, 2, "c"),
    ];
    put(mirror, Resource::AttributeValues, &values, Scope::Nothing).await;
    // Value 2 moved to customer 2 on this page: its old owner's set does not delete it.
    let page = [attribute_value(1, 1, "a"), attribute_value(2, 2, "b")];
    assert_eq!(
        put(mirror, Resource::AttributeValues, &page, Scope::Customers(&[1])).await,
        stats(0, 1, 0)
    );
    assert_eq!(
        put(mirror, Resource::AttributeValues, &[], Scope::Customers(&[1])).await,
        stats(0, 0, 1)
    );
    assert_eq!(
        mirror
            .count_live_records(STORE, Resource::AttributeValues)
            .await
            .unwrap(),
        2
    );
}

#[tokio::test]
async fn customers_judges_customer_owned_form_field_values_only() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    // Address 7 shares its number with customer 7: a different owner.
    let fields = [
        customer_field(7, "a", json!("x")),
        customer_field(7, "b", json!(1)),
        address_field(7, "a", json!(["y"])),
        customer_field(8, "a", json!("z")),
    ];
    put(mirror, Resource::FormFieldValues, &fields, Scope::Nothing).await;
    let page = [customer_field(7, "a", json!("x"))];
    assert_eq!(
        put(mirror, Resource::FormFieldValues, &page, Scope::Customers(&[7])).await,
        stats(0, 0, 1)
    );
    assert!(
        is_deleted(
            mirror,
            Resource::FormFieldValues,
            "owner_type = 'customer' AND name = 'b'"
        )
        .await
    );
    assert!(
        !is_deleted(
            mirror,
            Resource::FormFieldValues,
            "owner_type = 'address' AND owner_id = 7"
        )
        .await
    );
    assert!(!is_deleted(mirror, Resource::FormFieldValues, "owner_id = 8").await);
}

#[tokio::test]
async fn an_id_range_judges_the_ids_within_it() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    let all = [5, 10, 15, 20, 30].map(|id| metafield(id, "v"));
    put(mirror, Resource::Metafields, &all, Scope::Nothing).await;
    let page = [metafield(10, "v"), metafield(20, "v"), metafield(25, "v")];
    assert_eq!(
        put(mirror, Resource::Metafields, &page, Scope::IdRange(i64::MIN, 25)).await,
        stats(1, 0, 2)
    );
    for (id, gone) in common::GONE_UP_TO_25 {
        assert_eq!(
            is_deleted(mirror, Resource::Metafields, &format!("id = {id}")).await,
            gone,
            "{id}"
        );
    }
    // lo > hi judges nothing; the whole range on an empty page judges everything.
    assert_eq!(
        put(mirror, Resource::Metafields, &[], Scope::IdRange(1, 0)).await,
        stats(0, 0, 0)
    );
    assert_eq!(
        put(
            mirror,
            Resource::Metafields,
            &[],
            Scope::IdRange(i64::MIN, i64::MAX)
        )
        .await,
        stats(0, 0, 4)
    );
    // Attribute values have ids too; 15 reappears.
    put(
        mirror,
        Resource::Metafields,
        &[metafield(15, "v")],
        Scope::IdRange(15, 15),
    )
    .await;
    assert!(!is_deleted(mirror, Resource::Metafields, "id = 15").await);
    let values = [attribute_value(1, 1, "a"), attribute_value(2, 1, "b")];
    put(mirror, Resource::AttributeValues, &values, Scope::Nothing).await;
    assert_eq!(
        put(mirror, Resource::AttributeValues, &[], Scope::IdRange(2, 9)).await,
        stats(0, 0, 1)
    );
}
