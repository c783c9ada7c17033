//! `/hooks`: registering, listing, changing and removing webhooks, and what is refused.

use bcsync_simulator::{PathKind, SimConfig};
use reqwest::Method;
use serde_json::{Value, json};

use crate::Harness;

async fn h() -> Harness {
    Harness::start(SimConfig::default().with_customers(5)).await
}

/// POSTs a hook that must be accepted; returns its `data`.
pub async fn register(h: &Harness, body: Value) -> Value {
    let body = h.post_ok("/hooks", body).await;
    assert_eq!(body["meta"], json!({}));
    body["data"].clone()
}

#[tokio::test]
async fn hooks_round_trip_through_post_get_put_delete() {
    let h = h().await;
    let before = chrono::Utc::now().timestamp();
    let hook = register(
        &h,
        json!({
            "scope": "store/customer/updated",
            "destination": "https://example.com/bc",
            "is_active": true,
            "headers": {"X-Bcsync-Webhook-Secret": "s3cret"}
        }),
    )
    .await;
    let id = hook["id"].as_i64().unwrap();
    assert_eq!(hook["scope"], "store/customer/updated");
    assert_eq!(hook["destination"], "https://example.com/bc");
    assert_eq!(hook["is_active"], true);
    assert_eq!(hook["store_hash"], h.sim.store_hash());
    assert_eq!(hook["headers"]["X-Bcsync-Webhook-Secret"], "s3cret");
    assert!(hook["client_id"].as_str().is_some_and(|c| !c.is_empty()));
    assert!(hook["created_at"].as_i64().unwrap() >= before);
    assert_eq!(hook["created_at"], hook["updated_at"]);

    // Active unless told otherwise; ids grow.
    let second = register(
        &h,
        json!({"scope": "store/customer/*", "destination": "http://127.0.0.1:9/x"}),
    )
    .await;
    assert_eq!(second["is_active"], true);
    assert!(second["id"].as_i64().unwrap() > id);

    let list = h.get_json("/hooks").await;
    assert_eq!(list["data"].as_array().unwrap().len(), 2);
    assert_eq!(list["data"][0], hook);
    assert_eq!(list["meta"]["pagination"]["total"], 2);
    let paged = h.get_json("/hooks?limit=1&page=2").await;
    assert_eq!(paged["data"][0], second);

    assert_eq!(h.get_json(&format!("/hooks/{id}")).await["data"], hook);

    let changed = h
        .put_ok(
            &format!("/hooks/{id}"),
            json!({"is_active": false, "destination": "https://example.com/other", "headers": {"A": "b"}}),
        )
        .await;
    let changed = &changed["data"];
    assert_eq!(changed["is_active"], false);
    assert_eq!(changed["destination"], "https://example.com/other");
    assert_eq!(changed["headers"], json!({"A": "b"}));
    assert_eq!(
        changed["scope"], "store/customer/updated",
        "absent fields are kept"
    );
    assert_eq!(h.get_json(&format!("/hooks/{id}")).await["data"], *changed);

    let r = h.call_expect(Method::DELETE, &format!("/hooks/{id}"), 200).await;
    let deleted: Value = r.json().await.unwrap();
    assert_eq!(deleted["data"]["id"], id);
    assert_eq!(h.get(&format!("/hooks/{id}")).await.status(), 404);
    h.call_expect(Method::DELETE, &format!("/hooks/{id}"), 404).await;
    assert_eq!(h.get_json("/hooks").await["data"].as_array().unwrap().len(), 1);

    assert_eq!(h.sim.count("POST", PathKind::Hooks, 200), 2);
    assert_eq!(h.sim.count("GET", PathKind::Hooks, 404), 1);
    assert_eq!(h.sim.count("DELETE", PathKind::Hooks, 404), 1);
}

#[tokio::test]
async fn hooks_need_the_token() {
    let h = h().await;
    let r = h.client.get(h.url("/hooks")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(h.sim.count("GET", PathKind::Hooks, 401), 1);
}

/// POSTs `body`, expects a 422 and returns its `errors`.
async fn refused(h: &Harness, method: Method, path: &str, body: Value) -> Value {
    let r = h.send_json(method, path, body.clone()).await;
    assert_eq!(r.status(), 422, "{body}");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["status"], 422);
    assert!(body["title"].as_str().is_some());
    body["errors"].clone()
}

#[tokio::test]
async fn bad_hooks_are_refused_with_the_field_named() {
    let h = h().await;
    let https = "https://example.com/x";
    // Each body and the fields its refusal must name.
    let mut cases = vec![
        (
            json!({"scope": "store/order/created", "destination": https}),
            vec!["scope"],
        ),
        (json!({}), vec!["scope", "destination"]),
        (
            json!({"scope": "store/customer/*", "destination": https, "headers": {"bad name": "v"}}),
            vec!["headers.bad name"],
        ),
        (json!({"scope": 5, "destination": https}), vec![]),
        (json!([]), vec![]),
    ];
    for destination in ["http://example.com/x", "ftp://example.com", "not a url"] {
        let body = json!({"scope": "store/customer/updated", "destination": destination});
        cases.push((body, vec!["destination"]));
    }
    for (body, named) in cases {
        let errors = refused(&h, Method::POST, "/hooks", body.clone()).await;
        for key in named {
            assert!(errors[key].is_string(), "{body} names {key}");
        }
    }
    let r = h
        .request(Method::POST, "/hooks")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(h.get_json("/hooks").await["data"].as_array().unwrap().is_empty());

    // Every customer scope is accepted, and so is the wildcard.
    for scope in bigcommerce_models::webhook_scopes::ALL
        .into_iter()
        .chain(["store/customer/*"])
    {
        register(&h, json!({"scope": scope, "destination": https})).await;
    }

    let errors = refused(
        &h,
        Method::PUT,
        "/hooks/1",
        json!({"destination": "http://example.com"}),
    )
    .await;
    assert!(errors["destination"].is_string());
    assert_eq!(h.get_json("/hooks/1").await["data"]["destination"], https);
    h.send_expect(Method::PUT, "/hooks/999", json!({"is_active": false}), 404)
        .await;
    assert_eq!(h.get("/hooks/abc").await.status(), 404);
}
