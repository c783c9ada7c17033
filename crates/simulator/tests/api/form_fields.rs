//! `/customers/form-field-values`.

use bcsync_simulator::SimConfig;
use bigcommerce_models::resources::FormFieldRecord;
use reqwest::Method;
use serde_json::json;

use crate::{Harness, data};

#[tokio::test]
async fn the_listing_is_the_customers_and_addresses_form_fields() {
    let h = Harness::start(SimConfig::default().with_customers(1500).with_seed(9)).await;
    let truth = h.sim.form_field_values();
    let listed: Vec<FormFieldRecord> = h.all("/customers/form-field-values?limit=250").await;
    assert_eq!(listed, truth);
    assert!(
        truth
            .iter()
            .all(|f| f.customer_id.is_some() != f.address_id.is_some())
    );
    let split = truth.iter().position(|f| f.address_id.is_some()).unwrap();
    assert!(truth[split..].iter().all(|f| f.address_id.is_some()));
    let key = |f: &FormFieldRecord| (f.customer_id.or(f.address_id).unwrap(), f.name.clone());
    assert!(truth[..split].windows(2).all(|w| key(&w[0]) < key(&w[1])));
    assert!(truth[split..].windows(2).all(|w| key(&w[0]) < key(&w[1])));

    // The same values as include=formfields on customers and addresses.
    let customers = h.sim.customers();
    let embedded: usize = customers
        .iter()
        .map(|c| c.form_fields.as_ref().unwrap().len())
        .sum();
    assert_eq!(embedded, split);
    let c = customers
        .iter()
        .find(|c| c.form_fields.as_ref().unwrap().len() > 1)
        .unwrap();
    let mine = h
        .get_json(&format!("/customers/form-field-values?customer_id={}", c.id))
        .await;
    let mut expected: Vec<FormFieldRecord> = c
        .form_fields
        .clone()
        .unwrap()
        .into_iter()
        .map(|f| FormFieldRecord {
            name: f.name,
            value: f.value,
            customer_id: f.customer_id,
            address_id: None,
        })
        .collect();
    expected.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(data::<FormFieldRecord>(&mine), expected);
    assert_eq!(
        mine["data"][0].as_object().unwrap().len(),
        3,
        "name, value, customer_id"
    );

    let a = truth[split].address_id.unwrap();
    let theirs = h
        .get_json(&format!("/customers/form-field-values?address_id={a}"))
        .await;
    assert_eq!(data::<FormFieldRecord>(&theirs)[0], truth[split]);
    let both = h
        .get_json(&format!(
            "/customers/form-field-values?address_id={a}&customer_id={}",
            c.id
        ))
        .await;
    assert_eq!(both["meta"]["pagination"]["total"], 0);

    let sizes: Vec<FormFieldRecord> = h
        .all("/customers/form-field-values?field_type=numbers&limit=250")
        .await;
    assert!(!sizes.is_empty() && sizes.iter().all(|f| f.name == "Shoe size" && f.value.is_number()));
    let interests: Vec<FormFieldRecord> = h
        .all("/customers/form-field-values?field_name=INTERESTS&limit=250")
        .await;
    let expected: Vec<_> = truth.iter().filter(|f| f.name == "Interests").cloned().collect();
    assert_eq!(interests, expected);
    let checkboxes: Vec<FormFieldRecord> = h
        .all("/customers/form-field-values?field_type=checkboxes&limit=250")
        .await;
    assert_eq!(checkboxes, expected);
    let bad = [
        "field_type=dropdown",
        "limit=251",
        "customer_id=x",
        "address_id=1.5",
    ];
    h.assert_refused_queries("/customers/form-field-values", &bad)
        .await;
}

#[tokio::test]
async fn form_field_upserts_round_trip_without_touching_the_customer() {
    let h = Harness::start(SimConfig::default().with_customers(40)).await;
    let c = h.sim.customer(5).unwrap();
    let address = h.sim.addresses()[0].clone();
    let owner = h.sim.customer(address.customer_id).unwrap();
    let body = json!([
        {"customer_id": 5, "name": "Shoe size", "value": 44},
        {"customer_id": 5, "name": "Favourite pizza", "value": "Margherita"},
        {"address_id": address.id, "name": "Delivery instructions", "value": "Back door"},
    ]);
    let r = h.put_ok("/customers/form-field-values", body).await;
    let written: Vec<FormFieldRecord> = data(&r);
    assert_eq!(written.len(), 3);
    assert_eq!(written[2].address_id, Some(address.id));

    let got = h.get_json("/customers?id:in=5&include=formfields").await;
    let fields = got["data"][0]["form_fields"].as_array().unwrap();
    assert!(
        fields
            .iter()
            .any(|f| f["name"] == "Shoe size" && f["value"] == 44.0)
    );
    assert!(fields.iter().any(|f| f["name"] == "Favourite pizza"));
    let a = h
        .get_json(&format!(
            "/customers/addresses?id:in={}&include=formfields",
            address.id
        ))
        .await;
    let a_fields = a["data"][0]["form_fields"].as_array().unwrap();
    assert!(a_fields.iter().any(|f| f["value"] == "Back door"));
    let texts = h
        .get_json("/customers/form-field-values?customer_id=5&field_type=text")
        .await;
    assert_eq!(texts["data"][0]["name"], "Favourite pizza");
    assert_eq!(h.sim.customer(5).unwrap().date_modified, c.date_modified);
    assert_eq!(
        h.sim.customer(owner.id).unwrap().date_modified,
        owner.date_modified
    );

    for body in [
        json!([{"customer_id": 5, "address_id": address.id, "name": "X", "value": "y"}]),
        json!([{"name": "X", "value": "y"}]),
        json!([{"customer_id": 99999, "name": "X", "value": "y"}]),
        json!([{"customer_id": 5, "name": "X", "value": {"no": 1}}]),
        json!([{"customer_id": 5, "name": " ", "value": "y"}]),
        json!([]),
    ] {
        let r = h
            .send_json(Method::PUT, "/customers/form-field-values", body.clone())
            .await;
        assert_eq!(r.status(), 422, "{body}");
    }

    assert!(h.sim.upsert_form_field(Some(6), None, "Shoe size", json!(39.5)));
    assert!(
        h.sim
            .upsert_form_field(None, Some(address.id), "Gate code", json!("1234"))
    );
    assert!(
        !h.sim
            .upsert_form_field(Some(6), Some(address.id), "X", json!("y"))
    );
    assert!(!h.sim.upsert_form_field(None, None, "X", json!("y")));
    assert!(!h.sim.upsert_form_field(Some(6), None, "X", json!(true)));
    assert!(!h.sim.upsert_form_field(Some(99_999), None, "X", json!("y")));
    let six = h.get_json("/customers/form-field-values?customer_id=6").await;
    assert!(
        data::<FormFieldRecord>(&six)
            .iter()
            .any(|f| f.value == json!(39.5))
    );
    assert!(
        h.sim
            .form_field_values()
            .iter()
            .any(|f| f.name == "Gate code" && f.address_id == Some(address.id))
    );
}
