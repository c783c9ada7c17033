//! `bigcommerce.change_log`: one row per real change, committed with it.

use crate::common;

use bcsync_mirror::testing::fresh_database;
use bcsync_mirror::{AddressSweepPage, CustomerPage, Mirror, RecordPage, Resource, Scope};
use bigcommerce_models::{Address, Raw};
use common::records::{address_field, card, channel_settings, customer_field, put, sample};
use common::{
    STORE, address, change, changes_after, customer, raw, refuse_checkpoints, take_changes, ts, write,
    write_complete,
};
use serde_json::{Value, json};

/// A sweep page vouching for every address id in 0..=100.
async fn sweep(mirror: &Mirror, addresses: &[Raw<Address>]) {
    mirror
        .write_address_sweep_page(&AddressSweepPage {
            store_hash: STORE,
            addresses,
            id_range: (0, 100),
            resource: "customer_addresses:sweep",
            next_position: 2,
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn customers_and_addresses_log_inserts_updates_deletes_and_undeletes() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    let mut seq = 0;
    let customers = [raw(customer(1, 0)), raw(customer(2, 0))];
    let addresses = [raw(address(10, 1)), raw(address(11, 1))];
    write(mirror, &customers, &addresses).await;
    assert_eq!(
        take_changes(mirror, &mut seq).await,
        [
            change("customer_addresses", "10", "insert"),
            change("customer_addresses", "11", "insert"),
            change("customers", "1", "insert"),
            change("customers", "2", "insert"),
        ]
    );

    // The same data again: nothing changed, nothing logged.
    write_complete(mirror, &customers, &addresses, &[1]).await;
    assert_eq!(take_changes(mirror, &mut seq).await, []);

    // One field of one customer.
    let mut changed = customer(1, 0);
    changed.email = Some("new@example.com".into());
    write(mirror, &[raw(changed), raw(customer(2, 0))], &addresses).await;
    assert_eq!(
        take_changes(mirror, &mut seq).await,
        [change("customers", "1", "update")]
    );

    // Missing from customer 1's complete set: deleted; then it reappears.
    write_complete(mirror, &[], &[raw(address(10, 1))], &[1]).await;
    assert_eq!(
        take_changes(mirror, &mut seq).await,
        [change("customer_addresses", "11", "delete")]
    );
    write_complete(mirror, &[], &addresses, &[1]).await;
    assert_eq!(
        take_changes(mirror, &mut seq).await,
        [change("customer_addresses", "11", "update")]
    );

    // A sweep page vouching for ids 0..=100 without 10.
    sweep(mirror, &[raw(address(11, 1))]).await;
    assert_eq!(
        take_changes(mirror, &mut seq).await,
        [change("customer_addresses", "10", "delete")]
    );
    sweep(mirror, &[raw(address(11, 1))]).await;
    assert_eq!(take_changes(mirror, &mut seq).await, []);

    // A resync without customer 1: it and its live address go.
    assert_eq!(
        mirror.mark_customers_deleted_except(STORE, &[2]).await.unwrap(),
        1
    );
    assert_eq!(
        take_changes(mirror, &mut seq).await,
        [
            change("customer_addresses", "11", "delete"),
            change("customers", "1", "delete"),
        ]
    );
    assert_eq!(
        mirror.mark_customers_deleted_except(STORE, &[2]).await.unwrap(),
        0
    );
    assert_eq!(take_changes(mirror, &mut seq).await, []);

    // A deleted customer that comes back unchanged is an update.
    write(mirror, &[raw(customer(1, 0))], &[]).await;
    assert_eq!(
        take_changes(mirror, &mut seq).await,
        [change("customers", "1", "update")]
    );
}

/// `record` with an extra field: a different `raw`, so a real change.
fn changed(record: &Value) -> Value {
    let mut record = record.clone();
    record["changed_by_the_test"] = json!(true);
    record
}

/// Every generic resource through the same life: insert, identical re-read, change,
/// delete (missing from a complete page), reappearance.
#[tokio::test]
async fn every_generic_resource_logs_each_real_change_once() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    let mut seq = 0;
    for resource in bcsync_mirror::record_resources() {
        let entity = resource.table();
        let records = [sample(resource, 3)];
        let id = match resource {
            Resource::FormFieldValues => "customer:3:color",
            // The payment token is never written into the log: its SHA-256 stands in.
            Resource::StoredInstruments => {
                "3:823c72b0b895c3d404b6af5e9cc204a80a2ec3e9f0d004ec3ed90dfcd8c1ccd3"
            }
            Resource::Settings => "settings",
            _ => "3",
        };
        let one = |op| vec![change(entity, id, op)];

        put(mirror, resource, &records, Scope::Nothing).await;
        assert_eq!(
            take_changes(mirror, &mut seq).await,
            one("insert"),
            "{resource:?}"
        );
        put(mirror, resource, &records, Scope::Everything).await;
        assert_eq!(take_changes(mirror, &mut seq).await, [], "{resource:?}");
        put(mirror, resource, &[changed(&records[0])], Scope::Nothing).await;
        assert_eq!(
            take_changes(mirror, &mut seq).await,
            one("update"),
            "{resource:?}"
        );
        put(mirror, resource, &[], Scope::Everything).await;
        assert_eq!(
            take_changes(mirror, &mut seq).await,
            one("delete"),
            "{resource:?}"
        );
        put(mirror, resource, &[], Scope::Everything).await;
        assert_eq!(take_changes(mirror, &mut seq).await, [], "{resource:?}");
        put(mirror, resource, &[changed(&records[0])], Scope::Nothing).await;
        assert_eq!(
            take_changes(mirror, &mut seq).await,
            one("update"),
            "{resource:?}"
        );
    }
}

#[tokio::test]
async fn composite_keys_are_joined_with_colons_in_key_order() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    let mut seq = 0;
    let fields = [
        customer_field(42, "Shoe size", json!("7")),
        // An address's value may name its customer too: the address owns it.
        json!({"name": "Door", "value": "red", "address_id": 7, "customer_id": 42}),
        address_field(8, "Door", json!(["red", "blue"])),
    ];
    put(mirror, Resource::FormFieldValues, &fields, Scope::Nothing).await;
    put(
        mirror,
        Resource::StoredInstruments,
        &[card(42, "tok_abc")],
        Scope::Nothing,
    )
    .await;
    put(
        mirror,
        Resource::ChannelSettings,
        &[channel_settings(3, true)],
        Scope::Nothing,
    )
    .await;
    assert_eq!(
        take_changes(mirror, &mut seq).await,
        [
            change("customer_channel_settings", "3", "insert"),
            change("customer_form_field_values", "address:7:Door", "insert"),
            change("customer_form_field_values", "address:8:Door", "insert"),
            change("customer_form_field_values", "customer:42:Shoe size", "insert"),
            change(
                "customer_stored_instruments",
                "42:26cfed5080d011f7069c952bf630b4d33f9e445d61bd5336760217f08a4c6339",
                "insert"
            ),
        ]
    );

    // Customer 42's complete set of its own values is empty: only its own value goes.
    put(mirror, Resource::FormFieldValues, &[], Scope::Customers(&[42])).await;
    assert_eq!(
        take_changes(mirror, &mut seq).await,
        [change(
            "customer_form_field_values",
            "customer:42:Shoe size",
            "delete"
        )]
    );
}

#[tokio::test]
async fn a_failed_customer_page_leaves_no_change_log_rows() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    write(
        mirror,
        &[raw(customer(1, 0))],
        &[raw(address(10, 1)), raw(address(11, 1))],
    )
    .await;
    let seq = common::last_seq(mirror).await;
    refuse_checkpoints(mirror).await;

    // Would insert, update and delete, then fails at the checkpoint.
    let mut changed = customer(1, 5);
    changed.email = Some("new@example.com".into());
    let customers = [raw(changed), raw(customer(2, 5))];
    let addresses = [raw(address(10, 1)), raw(address(20, 2))];
    let err = mirror
        .write_customer_page(&CustomerPage {
            store_hash: STORE,
            customers: &customers,
            addresses: &addresses,
            complete_address_sets_for: &[1],
            checkpoint: Some(("customers", ts(5))),
        })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("sync_state"), "{err}");
    assert_eq!(changes_after(mirror, seq).await, []);

    // The same sweep page fails the same way (its position is a sync_state write).
    let err = mirror
        .write_address_sweep_page(&AddressSweepPage {
            store_hash: STORE,
            addresses: &[raw(address(12, 1))],
            id_range: (0, 100),
            resource: "customer_addresses:sweep",
            next_position: 1,
        })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("sync_state"), "{err}");
    assert_eq!(changes_after(mirror, seq).await, []);
}

#[tokio::test]
async fn a_failed_record_page_leaves_no_change_log_rows() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    for resource in [
        Resource::Attributes,
        Resource::Metafields,
        Resource::StoredInstruments,
    ] {
        put(
            mirror,
            resource,
            &[sample(resource, 1), sample(resource, 2)],
            Scope::Nothing,
        )
        .await;
    }
    let seq = common::last_seq(mirror).await;
    refuse_checkpoints(mirror).await;
    for resource in [
        Resource::Attributes,
        Resource::Metafields,
        Resource::StoredInstruments,
    ] {
        // An update, an insert and a delete (record 2 missing from a complete page).
        let records = [changed(&sample(resource, 1)), sample(resource, 3)];
        let err = mirror
            .write_records(&RecordPage {
                store_hash: STORE,
                resource,
                records: &records,
                scope: Scope::Everything,
                checkpoint: Some(("x", Some(ts(1)), None)),
            })
            .await
            .unwrap_err();
        assert!(err.to_string().contains("sync_state"), "{err}");
        assert_eq!(changes_after(mirror, seq).await, [], "{resource:?}");
        assert_eq!(mirror.count_live_records(STORE, resource).await.unwrap(), 2);
    }
}

/// No payment token of a stored instrument reaches `change_log`, whatever happens to the
/// row: insert, update, delete, cascade from its customer.
#[tokio::test]
async fn payment_tokens_never_appear_in_the_change_log() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    let tokens = ["tok_secret_visa_4242", "tok_secret_paypal_77"];
    let cards: Vec<Value> = tokens.iter().map(|t| card(5, t)).collect();
    write(mirror, &[raw(customer(5, 0))], &[]).await;
    put(mirror, Resource::StoredInstruments, &cards, Scope::Nothing).await;
    put(
        mirror,
        Resource::StoredInstruments,
        &[changed(&cards[0])],
        Scope::Nothing,
    )
    .await;
    put(mirror, Resource::StoredInstruments, &[], Scope::Customers(&[5])).await;
    put(mirror, Resource::StoredInstruments, &cards, Scope::Nothing).await;
    mirror
        .mark_deleted(STORE, bcsync_mirror::Counted::Customers, &[5])
        .await
        .unwrap();
    let logged: Vec<(String, String)> = sqlx::query_as(
        "SELECT op, entity_id FROM bigcommerce.change_log WHERE entity = 'customer_stored_instruments' ORDER BY seq",
    )
    .fetch_all(mirror.pool())
    .await
    .unwrap();
    assert!(logged.len() >= 7, "{logged:?}");
    assert!(logged.iter().any(|(op, _)| op == "delete"), "{logged:?}");
    for (_, id) in &logged {
        assert!(
            !tokens.iter().any(|t| id.contains(t)),
            "a token in change_log: {id}"
        );
        assert!(id.starts_with("5:") && id.len() == 2 + 64, "{id}");
    }
    // A loader still finds the row from its log entry.
    let found: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM bigcommerce.customer_stored_instruments i JOIN bigcommerce.change_log l \
         ON l.entity = 'customer_stored_instruments' \
         AND l.entity_id = i.customer_id || ':' || encode(sha256(convert_to(i.token, 'UTF8')), 'hex')",
    )
    .fetch_one(mirror.pool())
    .await
    .unwrap();
    assert_eq!(found, i64::try_from(logged.len()).unwrap());
}
