//! `/customers/attribute-values`: the values `include=attributes` shows, listed and
//! upserted on their own.

use bcsync_simulator::SimConfig;
use bigcommerce_models::AttributeValue;
use bigcommerce_models::time::to_filter;
use reqwest::Method;
use serde_json::{Value, json};

use crate::{Harness, data, now_s};

fn cfg(n: usize) -> SimConfig {
    SimConfig::default().with_customers(n).with_seed(3)
}

#[tokio::test]
async fn attribute_values_are_the_customers_attributes() {
    let h = Harness::start(cfg(2000)).await;
    let truth = h.sim.attribute_values();
    assert!(truth.windows(2).all(|w| w[0].id < w[1].id));
    let listed: Vec<AttributeValue> = h.all("/customers/attribute-values?limit=250").await;
    assert_eq!(listed, truth);
    let from_customers: usize = h
        .sim
        .customers()
        .iter()
        .map(|c| c.attributes.as_ref().unwrap().len())
        .sum();
    assert_eq!(from_customers, truth.len());

    // More than the include cap: the listing has them all, include the first 10.
    let rich = h
        .sim
        .customers()
        .into_iter()
        .find(|c| c.attribute_count.unwrap() > 10)
        .unwrap();
    let mine: Vec<AttributeValue> = h
        .all(&format!(
            "/customers/attribute-values?customer_id:in={},99999&limit=5",
            rich.id
        ))
        .await;
    let mut expected = rich.attributes.clone().unwrap();
    expected.sort_by_key(|a| a.id);
    assert_eq!(mine, expected);
    let inc = h
        .get_json(&format!("/customers?id:in={}&include=attributes", rich.id))
        .await;
    let first10: Vec<AttributeValue> = serde_json::from_value(inc["data"][0]["attributes"].clone()).unwrap();
    assert_eq!(first10, rich.attributes.unwrap()[..10].to_vec());

    let some: Vec<AttributeValue> = h
        .all("/customers/attribute-values?attribute_id:in=1,3&limit=250")
        .await;
    assert_eq!(
        some,
        truth
            .iter()
            .filter(|v| [1, 3].contains(&v.attribute_id))
            .cloned()
            .collect::<Vec<_>>()
    );
    let named: Vec<AttributeValue> = h
        .all("/customers/attribute-values?name=Loyalty%20tier&limit=250")
        .await;
    assert!(!named.is_empty() && named.iter().all(|v| v.attribute_id == 1));
    let pivot = truth[truth.len() / 2].date_modified.unwrap();
    let newer: Vec<AttributeValue> = h
        .all(&format!(
            "/customers/attribute-values?date_modified:min={}&limit=250",
            to_filter(pivot)
        ))
        .await;
    let expected: Vec<_> = truth
        .iter()
        .filter(|v| v.date_modified.unwrap() >= pivot)
        .cloned()
        .collect();
    assert_eq!(newer, expected);
    let bad = ["limit=300", "customer_id:in=a", "date_modified:min=x", "page=-1"];
    h.assert_refused_queries("/customers/attribute-values", &bad)
        .await;
}

#[tokio::test]
async fn attribute_value_upserts_stamp_the_value_not_the_customer() {
    let h = Harness::start(cfg(600)).await;
    let old = h
        .sim
        .attribute_values()
        .into_iter()
        .find(|v| v.attribute_id == 1)
        .unwrap();
    let owner = old.customer_id.unwrap();
    let bare = h
        .sim
        .customers()
        .into_iter()
        .find(|c| c.attribute_count == Some(0))
        .unwrap();
    let stamps = (h.sim.customer(owner).unwrap().date_modified, bare.date_modified);
    let max_id = h
        .sim
        .attribute_values()
        .iter()
        .map(|v| v.id.unwrap())
        .max()
        .unwrap();
    let before = now_s();
    let body = json!([
        {"attribute_id": 1, "value": "Platinum", "customer_id": owner},
        {"attribute_id": 3, "value": "42", "customer_id": bare.id},
    ]);
    let r = h.put_ok("/customers/attribute-values", body).await;
    let written: Vec<AttributeValue> = data(&r);
    assert_eq!(
        written[0].id, old.id,
        "an upsert of (customer, attribute) keeps the id"
    );
    assert_eq!(written[0].attribute_value.as_deref(), Some("Platinum"));
    assert_eq!(written[0].date_created, old.date_created);
    assert!(written[0].date_modified.unwrap() >= before);
    assert!(written[1].id.unwrap() > max_id, "a new value gets a new id");
    let since: Vec<AttributeValue> = h
        .all(&format!(
            "/customers/attribute-values?date_modified:min={}",
            to_filter(before)
        ))
        .await;
    assert_eq!(since, written);
    let inc = h
        .get_json(&format!("/customers?id:in={}&include=attributes", bare.id))
        .await;
    assert_eq!(inc["data"][0]["attributes"][0]["attribute_value"], "42");
    assert_eq!(inc["data"][0]["attribute_count"], 1);
    assert_eq!(
        (
            h.sim.customer(owner).unwrap().date_modified,
            h.sim.customer(bare.id).unwrap().date_modified
        ),
        stamps
    );

    for (body, key) in [
        (
            json!([{"attribute_id": 3, "value": "many", "customer_id": 1}]),
            "0.value",
        ),
        (
            json!([{"attribute_id": 2, "value": "someday", "customer_id": 1}]),
            "0.value",
        ),
        (
            json!([{"attribute_id": 99, "value": "x", "customer_id": 1}]),
            "0.attribute_id",
        ),
        (
            json!([{"attribute_id": 1, "value": "x", "customer_id": 99999}]),
            "0.customer_id",
        ),
        (
            json!([{"attribute_id": 1, "attribute_value": "x", "customer_id": 1}]),
            "0.value",
        ),
    ] {
        let r = h
            .send_json(Method::PUT, "/customers/attribute-values", body.clone())
            .await;
        assert_eq!(r.status(), 422, "{body}");
        assert!(
            r.json::<Value>().await.unwrap()["errors"][key].is_string(),
            "{body}"
        );
    }
    let eleven: Vec<Value> = (1..=11)
        .map(|c| json!({"attribute_id": 1, "value": "x", "customer_id": c}))
        .collect();
    h.send_expect(
        Method::PUT,
        "/customers/attribute-values",
        Value::Array(eleven),
        413,
    )
    .await;

    let new_id = written[1].id.unwrap();
    let r = h
        .request(
            Method::DELETE,
            &format!("/customers/attribute-values?id:in={new_id}"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert!(h.sim.attribute_values().iter().all(|v| v.id != Some(new_id)));
    assert_eq!(h.sim.customer(bare.id).unwrap().attribute_count, Some(0));

    let direct = h.sim.upsert_attribute_value(bare.id, 5, "1999-12-31").unwrap();
    assert_eq!(h.sim.customer(bare.id).unwrap().attributes.unwrap(), vec![direct]);
    assert!(h.sim.upsert_attribute_value(bare.id, 77, "x").is_none());
    assert!(h.sim.upsert_attribute_value(99_999, 1, "x").is_none());
}
