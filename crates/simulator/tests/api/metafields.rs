//! Customer metafields: the batch endpoints and the per-customer ones.

use bcsync_simulator::SimConfig;
use bigcommerce_models::resources::Metafield;
use reqwest::Method;
use serde_json::{Value, json};

use crate::{Harness, data, now_s};

async fn send(h: &Harness, method: Method, path: &str, body: Value) -> (u16, Value) {
    let r = h.send_json(method, path, body).await;
    (r.status().as_u16(), r.json().await.unwrap())
}

#[tokio::test]
async fn listings_match_the_truth_and_filter() {
    let h = Harness::start(SimConfig::default().with_customers(3000).with_seed(8)).await;
    let truth = h.sim.metafields();
    let owners: std::collections::BTreeSet<i64> = truth.iter().map(|m| m.resource_id.unwrap()).collect();
    assert!(
        (45..=140).contains(&owners.len()),
        "~3% of customers: {}",
        owners.len()
    );
    assert!(
        truth
            .iter()
            .all(|m| m.resource_type.as_deref() == Some("customer"))
    );
    let listed: Vec<Metafield> = h.all("/customers/metafields?limit=50").await;
    assert_eq!(listed, truth);
    let page = h.get_json("/customers/metafields?limit=5&direction=desc").await;
    let desc: Vec<Metafield> = data(&page);
    assert_eq!(desc[0].id, truth.last().unwrap().id);
    assert!(desc.windows(2).all(|w| w[0].id > w[1].id));
    let keys = [
        "id",
        "key",
        "value",
        "namespace",
        "permission_set",
        "resource_type",
        "resource_id",
    ];
    assert!(
        keys.iter().all(|k| !page["data"][0][*k].is_null()),
        "{}",
        page["data"][0]
    );

    let points: Vec<Metafield> = h.all("/customers/metafields?key=points&limit=250").await;
    let expected: Vec<_> = truth
        .iter()
        .filter(|m| m.key.as_deref() == Some("points"))
        .cloned()
        .collect();
    assert_eq!(points, expected);
    let both: Vec<Metafield> = h
        .all(
            "/customers/metafields?key=points&key:in=erp_id,nope&namespace:in=Loyalty,Integrations&limit=250",
        )
        .await;
    assert!(
        both.len() > points.len()
            && both
                .iter()
                .all(|m| ["points", "erp_id"].contains(&m.key.as_deref().unwrap()))
    );
    assert_eq!(h.get("/customers/metafields?direction=up").await.status(), 422);
    assert_eq!(h.get("/customers/metafields?limit=251").await.status(), 422);

    let owner = *owners.iter().next().unwrap();
    let mine: Vec<Metafield> = h.all(&format!("/customers/{owner}/metafields")).await;
    let expected: Vec<_> = truth
        .iter()
        .filter(|m| m.resource_id == Some(owner))
        .cloned()
        .collect();
    assert_eq!(mine, expected);
    let one = h
        .get_json(&format!("/customers/{owner}/metafields/{}", expected[0].id))
        .await;
    assert_eq!(data::<Metafield>(&one), vec![expected[0].clone()]);
    assert_eq!(one["meta"]["pagination"]["total"], 1);
    let stranger = (1..).find(|c| !owners.contains(c)).unwrap();
    for path in [
        "/customers/99999/metafields".to_owned(),
        format!("/customers/{stranger}/metafields/{}", expected[0].id),
        format!("/customers/{owner}/metafields/99999"),
    ] {
        assert_eq!(h.get(&path).await.status(), 404, "{path}");
    }
    assert_eq!(
        h.get_json(&format!("/customers/{stranger}/metafields")).await["data"],
        json!([])
    );
}

#[tokio::test]
async fn writes_report_per_item_and_leave_the_customer_alone() {
    let h = Harness::start(SimConfig::default().with_customers(50)).await;
    let stamp = h.sim.customer(3).unwrap().date_modified;
    let before = now_s();
    let good = json!({"resource_id": 3, "namespace": "App", "key": "color", "value": "blue", "permission_set": "read"});
    let (status, body) = send(&h, Method::POST, "/customers/metafields", json!([good.clone()])).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["meta"], json!({"total": 1, "success": 1, "failed": 0}));
    assert_eq!(body["errors"], json!([]));
    let created: Vec<Metafield> = data(&body);
    let id = created[0].id;
    assert!(created[0].date_created.unwrap() >= before);
    assert_eq!(created[0].resource_id, Some(3));

    // A duplicate and a bad item fail, the good one still goes through.
    let batch = json!([good, {"resource_id": 3, "namespace": "App", "key": "size", "value": "L", "permission_set": "read"},
                       {"resource_id": 3, "namespace": "App", "key": "x", "value": "y", "permission_set": "root"}]);
    let (status, body) = send(&h, Method::POST, "/customers/metafields", batch).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["meta"], json!({"total": 3, "success": 1, "failed": 2}));
    assert_eq!(body["data"][0]["key"], "size");
    assert!(body["errors"][0]["errors"]["0"].is_string() && body["errors"][1]["errors"]["2"].is_string());

    let (status, body) = send(
        &h,
        Method::POST,
        "/customers/4/metafields",
        json!({"namespace": "App", "key": "color", "value": "red", "permission_set": "write"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"][0]["resource_id"], 4);
    let (status, _) = send(&h, Method::POST, "/customers/999/metafields", json!({})).await;
    assert_eq!(status, 404);

    let (status, body) = send(
        &h,
        Method::PUT,
        "/customers/metafields",
        json!([{"id": id, "value": "green"}, {"id": 424242}]),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["data"][0]["value"], "green");
    // Through its owner's path, not another customer's (which must leave it alone).
    for (owner, value, expected) in [(3, "teal", 200), (4, "x", 404)] {
        let path = format!("/customers/{owner}/metafields/{id}");
        let (status, body) = send(&h, Method::PUT, &path, json!({"value": value})).await;
        assert_eq!(status, expected, "{path}: {body}");
        if status == 200 {
            assert_eq!(body["data"][0]["value"], value);
        }
    }
    let now: Vec<Metafield> = h.all("/customers/3/metafields").await;
    assert_eq!(
        now.iter().find(|m| m.id == id).unwrap().value.as_deref(),
        Some("teal")
    );

    h.call_expect(Method::DELETE, &format!("/customers/3/metafields/{id}"), 204)
        .await;
    assert!(h.sim.metafields().iter().all(|m| m.id != id));
    let size = h
        .sim
        .metafields()
        .into_iter()
        .find(|m| m.key.as_deref() == Some("size"))
        .unwrap();
    let (status, body) = send(
        &h,
        Method::DELETE,
        "/customers/metafields",
        json!([size.id, 777777]),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["data"], json!([size.id]));
    assert_eq!(body["meta"]["failed"], 1);
    let (status, _) = send(&h, Method::DELETE, "/customers/metafields", json!({"ids": [1]})).await;
    assert_eq!(status, 422);
    assert_eq!(
        h.sim.customer(3).unwrap().date_modified,
        stamp,
        "metafields do not bump the customer"
    );

    let m = h.sim.upsert_metafield(3, "tier", "gold").unwrap();
    assert_eq!(h.sim.upsert_metafield(3, "tier", "silver").unwrap().id, m.id);
    assert!(h.sim.upsert_metafield(999, "tier", "x").is_none());
    let got: Vec<Metafield> = h.all("/customers/metafields?key=tier").await;
    assert_eq!(got[0].value.as_deref(), Some("silver"));
    assert!(h.sim.delete_metafield(m.id));
    assert!(!h.sim.delete_metafield(m.id));
}
