//! Pages the generic writer refuses whole: a record without its key, a scope the
//! resource cannot judge.

use crate::common;

use bcsync_mirror::testing::fresh_database;
use bcsync_mirror::{MirrorError, RecordPage, Resource, Scope};
use common::STORE;
use common::records::{consent, put, row_json, sample};
use serde_json::json;

#[tokio::test]
async fn a_record_without_its_key_fails_the_page_and_writes_nothing() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    put(
        mirror,
        Resource::Consents,
        &[consent(1, &["essential"])],
        Scope::Nothing,
    )
    .await;
    let mut no_customer = consent(3, &[]);
    no_customer.as_object_mut().unwrap().remove("customer_id");
    let records = [consent(1, &["targeting"]), consent(2, &[]), no_customer];
    let err = mirror
        .write_records(&RecordPage {
            store_hash: STORE,
            resource: Resource::Consents,
            records: &records,
            scope: Scope::Everything,
            checkpoint: Some(("consents", None, Some(9))),
        })
        .await
        .unwrap_err();
    let MirrorError::MissingKey {
        resource,
        table,
        column,
        index,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(
        (*resource, *table, *column, *index),
        (Resource::Consents, "customer_consents", "customer_id", 2)
    );
    let message = err.to_string();
    for part in [
        "Consents",
        "bigcommerce.customer_consents",
        "customer_id",
        "records[2]",
    ] {
        assert!(message.contains(part), "{message}");
    }
    // Neither the other records, nor the deletion, nor the checkpoint.
    assert_eq!(
        mirror
            .count_live_records(STORE, Resource::Consents)
            .await
            .unwrap(),
        1
    );
    let row = row_json(mirror, Resource::Consents, "customer_id = 1").await;
    assert_eq!(row["allow"], json!(["essential"]));
    assert_eq!(mirror.sync_state(STORE, "consents").await.unwrap(), (None, None));

    // JSON null is missing too; a derived key names the fields it comes from; a
    // required non-key column (an instrument's type) is checked the same way.
    let cases = [
        (
            Resource::AttributeValues,
            json!({"id": null, "customer_id": 1}),
            "id",
            "id",
        ),
        (
            Resource::FormFieldValues,
            json!({"name": "color", "value": "x"}),
            "owner_type",
            "customer_id or address_id",
        ),
        (
            Resource::FormFieldValues,
            json!({"customer_id": 1, "value": "x"}),
            "name",
            "name",
        ),
        (
            Resource::StoredInstruments,
            json!({"token": "t", "type": "stored_card"}),
            "customer_id",
            "customer_id",
        ),
        (
            Resource::StoredInstruments,
            json!({"customer_id": 1, "token": "t"}),
            "type",
            "type",
        ),
        (
            Resource::ChannelSettings,
            json!({"allow_global_logins": true}),
            "channel_id",
            "channel_id",
        ),
    ];
    for (resource, record, want_column, want_fields) in cases {
        let err = mirror
            .write_records(&RecordPage {
                store_hash: STORE,
                resource,
                records: &[sample(resource, 1), record],
                scope: Scope::Nothing,
                checkpoint: None,
            })
            .await
            .unwrap_err();
        let MirrorError::MissingKey {
            column,
            fields,
            index,
            ..
        } = err
        else {
            panic!("{resource:?}: {err:?}")
        };
        assert_eq!(
            (column, fields, index),
            (want_column, want_fields, 1),
            "{resource:?}"
        );
        assert_eq!(
            mirror.count_live_records(STORE, resource).await.unwrap(),
            0,
            "{resource:?}"
        );
    }
}

#[tokio::test]
async fn a_scope_the_resource_cannot_judge_is_refused_before_writing() {
    let db = fresh_database().await;
    for (resource, scope, missing) in [
        (Resource::Consents, Scope::IdRange(1, 10), "id column"),
        (Resource::FormFieldValues, Scope::IdRange(1, 10), "id column"),
        (Resource::Metafields, Scope::Customers(&[1]), "customer_id column"),
        (Resource::Settings, Scope::Customers(&[1]), "customer_id column"),
    ] {
        let err = db
            .mirror
            .write_records(&RecordPage {
                store_hash: STORE,
                resource,
                records: &[sample(resource, 1)],
                scope,
                checkpoint: Some(("x", None, Some(1))),
            })
            .await
            .unwrap_err();
        assert!(
            matches!(err, MirrorError::ScopeNotApplicable { missing: m, .. } if m == missing),
            "{err:?}"
        );
        assert!(err.to_string().contains(resource.table()), "{err}");
        assert_eq!(db.mirror.count_live_records(STORE, resource).await.unwrap(), 0);
    }
    assert_eq!(db.mirror.sync_state(STORE, "x").await.unwrap(), (None, None));
}

/// The client validates types, so this is a bug upstream; still, the page fails whole
/// with an error that names the table, instead of storing a NULL.
#[tokio::test]
async fn a_field_of_the_wrong_type_fails_the_page() {
    let db = fresh_database().await;
    for (resource, record) in [
        (Resource::Metafields, json!({"id": "not a number"})),
        (
            Resource::Consents,
            json!({"customer_id": 1, "allow": "essential"}),
        ),
        (
            Resource::Attributes,
            json!({"id": 1, "date_modified": "2024-13-45T00:00:00Z"}),
        ),
    ] {
        let err = db
            .mirror
            .write_records(&RecordPage {
                store_hash: STORE,
                resource,
                records: &[sample(resource, 2), record],
                scope: Scope::Nothing,
                checkpoint: None,
            })
            .await
            .unwrap_err();
        assert!(matches!(err, MirrorError::Query { .. }), "{err:?}");
        assert!(err.to_string().contains(resource.table()), "{err}");
        assert_eq!(db.mirror.count_live_records(STORE, resource).await.unwrap(), 0);
    }
}
