//! `/customers/attributes`: attribute definitions.

use bcsync_simulator::SimConfig;
use bigcommerce_models::resources::AttributeDefinition;
use bigcommerce_models::time::to_filter;
use reqwest::Method;
use serde_json::{Value, json};

use crate::{Harness, data, now_s};

fn cfg(n: usize) -> SimConfig {
    SimConfig::default().with_customers(n).with_seed(3)
}

fn names(page: &Value) -> Vec<String> {
    data::<AttributeDefinition>(page)
        .into_iter()
        .map(|a| a.name.unwrap())
        .collect()
}

#[tokio::test]
async fn definitions_list_filter_page_and_write() {
    let h = Harness::start(cfg(300)).await;
    let truth = h.sim.attribute_definitions();
    assert_eq!(truth.len(), 15);
    let page = h.get_json("/customers/attributes?limit=250").await;
    assert_eq!(data::<AttributeDefinition>(&page), truth);
    assert_eq!(page["meta"]["pagination"]["total"], 15);
    let first = &page["data"][0];
    let keys: Vec<&str> = first.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 5, "{first}");
    assert!(first["type"].is_string() && first["date_modified"].is_string());

    let second = h.get_json("/customers/attributes?limit=10&page=2").await;
    assert_eq!(data::<AttributeDefinition>(&second), truth[10..].to_vec());
    assert_eq!(
        names(&h.get_json("/customers/attributes?name=birthday").await),
        ["Birthday"]
    );
    assert_eq!(
        names(&h.get_json("/customers/attributes?name:like=SIZE").await),
        ["Shoe size"]
    );
    let dates = names(&h.get_json("/customers/attributes?type=date").await);
    assert_eq!(dates, ["Date joined", "Birthday", "Last survey"]);
    let newest = truth.iter().map(|a| a.date_modified.unwrap()).max().unwrap();
    let recent = h
        .get_json(&format!(
            "/customers/attributes?date_modified:min={}",
            to_filter(newest)
        ))
        .await;
    assert_eq!(data::<AttributeDefinition>(&recent).len(), 1);
    let bad = [
        "limit=251",
        "limit=0",
        "page=0",
        "type=boolean",
        "date_modified:min=soon",
    ];
    h.assert_refused_queries("/customers/attributes", &bad).await;

    let before = now_s();
    let r = h
        .post_ok(
            "/customers/attributes",
            json!([{"name": "VIP level", "type": "number"}]),
        )
        .await;
    let created: Vec<AttributeDefinition> = data(&r);
    assert_eq!(created[0].id, 16);
    assert!(created[0].date_created.unwrap() >= before);
    for (body, key) in [
        (json!([{"name": "X", "type": "boolean"}]), "0.type"),
        (json!([{"name": "vip LEVEL", "type": "string"}]), "0.name"),
        (json!([{"type": "string"}]), "0.name"),
    ] {
        let r = h
            .send_expect(Method::POST, "/customers/attributes", body, 422)
            .await;
        assert!(r.json::<Value>().await.unwrap()["errors"][key].is_string());
    }
    h.put_ok("/customers/attributes", json!([{"id": 16, "name": "VIP tier"}]))
        .await;
    let changed = h
        .get_json(&format!(
            "/customers/attributes?date_modified:min={}",
            to_filter(before)
        ))
        .await;
    assert_eq!(names(&changed), ["VIP tier"]);
    // The type is fixed; an unknown id names nothing.
    for body in [
        json!([{"id": 16, "type": "date"}]),
        json!([{"id": 99, "name": "Y"}]),
    ] {
        h.send_expect(Method::PUT, "/customers/attributes", body, 422)
            .await;
    }
}

#[tokio::test]
async fn deleting_a_definition_deletes_its_values_but_not_the_customers_stamp() {
    let h = Harness::start(cfg(800)).await;
    let values = h.sim.attribute_values();
    let victim = values[0].attribute_id;
    let owner = values[0].customer_id.unwrap();
    let stamp = h.sim.customer(owner).unwrap().date_modified;
    h.call_expect(
        Method::DELETE,
        &format!("/customers/attributes?id:in={victim}"),
        204,
    )
    .await;
    assert!(h.sim.attribute_values().iter().all(|v| v.attribute_id != victim));
    assert!(h.sim.attribute_values().len() < values.len());
    assert!(h.sim.attribute_definitions().iter().all(|a| a.id != victim));
    let c = h.sim.customer(owner).unwrap();
    assert!(c.attributes.unwrap().iter().all(|a| a.attribute_id != victim));
    assert_eq!(c.date_modified, stamp);
}
