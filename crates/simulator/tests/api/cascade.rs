//! Across the sub-resources: deleting a customer, injected corruption and the
//! per-endpoint counters (their determinism is in `data`).

use bcsync_simulator::{PathKind, SimConfig};
use reqwest::Method;
use serde_json::{Value, json};

use crate::Harness;

/// A customer that has every kind of dependent (added where generation gave none).
fn loaded(h: &Harness) -> i64 {
    let id = h
        .sim
        .customers()
        .into_iter()
        .find(|c| c.address_count.unwrap() > 0)
        .unwrap()
        .id;
    let address = h.sim.customer(id).unwrap().addresses.unwrap()[0].id;
    h.sim.upsert_attribute_value(id, 1, "Gold").unwrap();
    assert!(h.sim.upsert_form_field(Some(id), None, "Shoe size", json!(40)));
    assert!(
        h.sim
            .upsert_form_field(None, Some(address), "Delivery instructions", json!("Porch"))
    );
    h.sim.upsert_metafield(id, "erp_id", "E-1").unwrap();
    let card = json!({"type": "stored_card", "token": "a".repeat(64), "is_default": true});
    assert!(h.sim.add_stored_instrument(id, card));
    id
}

#[tokio::test]
async fn deleting_a_customer_deletes_what_hangs_off_it() {
    let h = Harness::start(SimConfig::default().with_customers(100)).await;
    let id = loaded(&h);
    let addresses: Vec<i64> = h
        .sim
        .customer(id)
        .unwrap()
        .addresses
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    h.call_expect(Method::DELETE, &format!("/customers?id:in={id}"), 204)
        .await;
    assert!(h.sim.attribute_values().iter().all(|v| v.customer_id != Some(id)));
    assert!(
        h.sim
            .form_field_values()
            .iter()
            .all(|f| f.customer_id != Some(id) && !f.address_id.is_some_and(|a| addresses.contains(&a)))
    );
    assert!(h.sim.consents().iter().all(|(c, _)| *c != id));
    assert!(h.sim.stored_instruments().iter().all(|(c, _)| *c != id));
    assert!(h.sim.metafields().iter().all(|m| m.resource_id != Some(id)));
    for path in ["consent", "stored-instruments", "metafields"] {
        assert_eq!(
            h.get(&format!("/customers/{id}/{path}")).await.status(),
            404,
            "{path}"
        );
    }
    let values = h
        .get_json(&format!("/customers/attribute-values?customer_id:in={id}"))
        .await;
    assert_eq!(values["data"], json!([]));
    let fields = h
        .get_json(&format!("/customers/form-field-values?customer_id={id}"))
        .await;
    assert_eq!(fields["data"], json!([]));

    // The state accessor does the same.
    let other = loaded(&h);
    assert_eq!(h.sim.delete_customers(&[other]), 1);
    assert!(h.sim.metafields().iter().all(|m| m.resource_id != Some(other)));
    assert!(
        h.sim
            .attribute_values()
            .iter()
            .all(|v| v.customer_id != Some(other))
    );
}

#[tokio::test]
async fn corrupt_record_changes_what_is_served_not_the_truth() {
    let h = Harness::start(SimConfig::default().with_customers(400).with_seed(2)).await;
    let value = h.sim.attribute_values()[0].clone();
    let field = h.sim.form_field_values()[0].clone();
    let metafield = h.sim.metafields()[0].clone();
    let owner = h.sim.stored_instruments()[0].0;
    let bad = json!("not a date");
    assert!(
        h.sim
            .corrupt_record(PathKind::Attributes, 2, "date_modified", bad.clone())
    );
    assert!(h.sim.corrupt_record(
        PathKind::AttributeValues,
        value.id.unwrap(),
        "customer_id",
        json!(null)
    ));
    let customer = field.customer_id.unwrap();
    assert!(
        h.sim
            .corrupt_record(PathKind::FormFieldValues, customer, "value", json!({"x": 1}))
    );
    assert!(h.sim.corrupt_record(PathKind::Consent, 3, "allow", json!("all")));
    assert!(
        h.sim
            .corrupt_record(PathKind::StoredInstruments, owner, "token", json!(7))
    );
    assert!(
        h.sim
            .corrupt_record(PathKind::Metafields, metafield.id, "id", json!("x"))
    );
    assert!(
        h.sim
            .corrupt_record(PathKind::Settings, 0, "privacy_settings", json!([]))
    );
    assert!(
        h.sim
            .corrupt_record(PathKind::ChannelSettings, 2, "allow_global_logins", json!("no"))
    );
    assert!(h.sim.corrupt_record(PathKind::Addresses, 1, "id", json!(null)));
    assert!(
        !h.sim
            .corrupt_record(PathKind::Metafields, 999_999, "id", json!(1))
    );
    assert!(
        !h.sim
            .corrupt_record(PathKind::Consent, 999_999, "allow", json!(1))
    );
    assert!(!h.sim.corrupt_record(PathKind::ChannelSettings, 5, "x", json!(1)));

    let attrs = h.get_json("/customers/attributes").await;
    assert_eq!(attrs["data"][1]["date_modified"], bad);
    assert!(attrs["data"][0]["date_modified"].is_string());
    let values = h
        .get_json(&format!(
            "/customers/attribute-values?customer_id:in={}",
            value.customer_id.unwrap()
        ))
        .await;
    let served = values["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == value.id.unwrap())
        .unwrap();
    assert!(served["customer_id"].is_null());
    let fields = h
        .get_json(&format!("/customers/form-field-values?customer_id={customer}"))
        .await;
    assert_eq!(fields["data"][0]["value"], json!({"x": 1}));
    assert_eq!(h.get_json("/customers/3/consent").await["allow"], "all");
    let inst = h
        .get_json(&format!("/customers/{owner}/stored-instruments"))
        .await;
    assert!(inst.as_array().unwrap().iter().all(|i| i["token"] == 7));
    let mine = h
        .get_json(&format!(
            "/customers/{}/metafields",
            metafield.resource_id.unwrap()
        ))
        .await;
    assert_eq!(mine["data"][0]["id"], "x");
    assert_eq!(
        h.get_json("/customers/settings").await["privacy_settings"],
        json!([])
    );
    assert_eq!(
        h.get_json("/customers/settings/channels/2").await["allow_global_logins"],
        "no"
    );
    assert!(h.get_json("/customers/addresses?id:in=1").await["data"][0]["id"].is_null());

    assert_eq!(h.sim.attribute_values()[0], value, "the truth is unchanged");
    assert_eq!(h.sim.metafields()[0], metafield);
    h.sim.clear_corruptions();
    assert!(h.get_json("/customers/3/consent").await["allow"].is_array());
    assert_eq!(
        h.get_json("/customers/addresses?id:in=1").await["data"][0]["id"],
        1
    );
}

#[tokio::test]
async fn every_endpoint_family_is_counted_and_gated() {
    let h = Harness::start(SimConfig::default().with_customers(30)).await;
    let paths = [
        ("/customers/attributes", PathKind::Attributes),
        ("/customers/attribute-values", PathKind::AttributeValues),
        ("/customers/form-field-values", PathKind::FormFieldValues),
        ("/customers/1/consent", PathKind::Consent),
        ("/customers/1/stored-instruments", PathKind::StoredInstruments),
        ("/customers/metafields", PathKind::Metafields),
        ("/customers/1/metafields", PathKind::Metafields),
        ("/customers/settings", PathKind::Settings),
        ("/customers/settings/channels/1", PathKind::ChannelSettings),
    ];
    for (path, _) in paths {
        let r = h.get(path).await;
        assert_eq!(r.status(), 200, "{path}");
        assert!(crate::has_rate_headers(&r), "{path}");
        let r = h.client.get(h.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 401, "{path} without a token");
    }
    for (path, kind) in paths {
        let expected = if kind == PathKind::Metafields { 2 } else { 1 };
        assert_eq!(h.sim.count("GET", kind, 200), expected, "{path}");
        assert_eq!(h.sim.count("GET", kind, 401), expected, "{path}");
    }
    h.call_expect(Method::PATCH, "/customers/settings", 405).await;
    assert_eq!(h.sim.count("PATCH", PathKind::Settings, 405), 1);

    // The quota and injected faults apply here too.
    h.sim.set_quota(Some(1));
    assert_eq!(h.get("/customers/1/consent").await.status(), 200);
    assert_eq!(h.get("/customers/1/consent").await.status(), 429);
    h.sim.set_quota(None);
    h.sim.set_fault_rate(1.0);
    for path in [
        "/customers/attributes",
        "/customers/1/stored-instruments",
        "/customers/settings",
    ] {
        let r = h.get(path).await;
        let ok = r.status() == 200;
        let body = r.bytes().await.unwrap();
        assert!(
            !ok || serde_json::from_slice::<Value>(&body).is_err(),
            "{path} is faulted"
        );
    }
}
