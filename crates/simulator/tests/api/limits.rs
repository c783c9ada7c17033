//! Auth, store hash, rate limiting and parameter validation.

use std::time::Duration;

use bcsync_simulator::SimConfig;
use reqwest::Method;
use serde_json::Value;

use crate::{Harness, has_rate_headers, header_u64};

#[tokio::test]
async fn wrong_or_missing_token_is_401_json_with_rate_headers() {
    let h = Harness::start(SimConfig::default().with_customers(10)).await;
    for token in [Some("nope"), None] {
        let mut req = h.client.get(h.url("/customers"));
        if let Some(t) = token {
            req = req.header("X-Auth-Token", t);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), 401);
        assert!(has_rate_headers(&r));
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["status"], 401);
        assert!(body["title"].is_string() && body["type"].is_string());
    }
}

#[tokio::test]
async fn wrong_store_hash_and_unknown_paths_are_404() {
    let h = Harness::start(SimConfig::default().with_customers(10)).await;
    let base = h.sim.base_url();
    for url in [
        format!("{base}/stores/other/v3/customers"),
        h.url("/customers/nope"),
    ] {
        let r = h
            .client
            .get(url)
            .header("X-Auth-Token", h.sim.token())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        assert!(has_rate_headers(&r));
        assert_eq!(r.json::<Value>().await.unwrap()["status"], 404);
    }
}

#[tokio::test]
async fn quota_gives_429_with_headers_then_recovers_after_the_window() {
    let h = Harness::start(
        SimConfig::default()
            .with_customers(10)
            .with_quota(Some(3))
            .with_window_ms(400),
    )
    .await;
    for left in [2, 1, 0] {
        let r = h.get("/customers").await;
        assert_eq!(r.status(), 200);
        assert_eq!(header_u64(&r, "x-rate-limit-requests-left"), left);
        assert_eq!(header_u64(&r, "x-rate-limit-requests-quota"), 3);
        assert_eq!(header_u64(&r, "x-rate-limit-time-window-ms"), 400);
    }
    let r = h.get("/customers").await;
    assert_eq!(r.status(), 429);
    assert!(has_rate_headers(&r));
    assert!(!r.headers().contains_key("retry-after"));
    assert_eq!(header_u64(&r, "x-rate-limit-requests-left"), 0);
    let reset = header_u64(&r, "x-rate-limit-time-reset-ms");
    assert!(reset <= 400, "{reset}");
    assert_eq!(h.sim.count_429(), 1);
    tokio::time::sleep(Duration::from_millis(reset + 20)).await;
    let r = h.get("/customers").await;
    assert_eq!(r.status(), 200);
    assert_eq!(header_u64(&r, "x-rate-limit-requests-left"), 2);
}

#[tokio::test]
async fn unlimited_still_sends_headers_on_every_kind_of_answer() {
    let h = Harness::start(SimConfig::default().with_customers(10)).await;
    let ok = h.get("/customers").await;
    assert_eq!(header_u64(&ok, "x-rate-limit-requests-quota"), 1_000_000);
    assert!(header_u64(&ok, "x-rate-limit-requests-left") > 900_000);
    let bad = h.get("/customers?limit=0").await;
    assert_eq!(bad.status(), 422);
    assert!(has_rate_headers(&bad));
    let created = h
        .send_json(Method::POST, "/customers", serde_json::json!([]))
        .await;
    assert_eq!(created.status(), 422);
    assert!(has_rate_headers(&created));
    let deleted = h.request(Method::DELETE, "/customers").send().await.unwrap();
    assert_eq!(deleted.status(), 204);
    assert!(has_rate_headers(&deleted));
}

#[tokio::test]
async fn invalid_parameters_are_422_naming_the_parameter() {
    let h = Harness::start(SimConfig::default().with_customers(10)).await;
    let cases = [
        ("/customers?limit=251", "limit"),
        ("/customers?limit=0", "limit"),
        ("/customers?limit=ten", "limit"),
        ("/customers?page=0", "page"),
        ("/customers?page=x", "page"),
        ("/customers?include=addresses,orders", "include"),
        ("/customers?sort=email:asc", "sort"),
        ("/customers?date_modified:min=yesterday", "date_modified:min"),
        ("/customers?date_created:max=2024-13-01", "date_created:max"),
        ("/customers?id:in=1,x", "id:in"),
        ("/customers/addresses?limit=300", "limit"),
        ("/customers/addresses?include=addresses", "include"),
    ];
    for (path, param) in cases {
        let r = h.get(path).await;
        assert_eq!(r.status(), 422, "{path}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["status"], 422);
        assert!(body["errors"][param].is_string(), "{path}: {body}");
    }
    assert_eq!(h.get("/customers?limit=250").await.status(), 200);
    assert_eq!(
        h.get("/customers?date_modified:min=2023-06-01T10:00:00")
            .await
            .status(),
        200
    );
    assert_eq!(
        h.get("/customers?date_modified:min=2023-06-01T10:00:00%2B00:00")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn other_methods_are_405_and_shutdown_is_prompt() {
    let h = Harness::start(SimConfig::default().with_customers(5)).await;
    let r = h.call_expect(Method::PATCH, "/customers", 405).await;
    assert!(has_rate_headers(&r));
    assert_eq!(r.json::<Value>().await.unwrap()["status"], 405);
    assert_eq!(
        h.get("/customers?date_modified:min=2023-06-01T10:00:00+00:00")
            .await
            .status(),
        200
    );
    // A kept-alive connection must not hold the shutdown up.
    let url = h.url("/customers");
    let started = std::time::Instant::now();
    h.sim.shutdown().await;
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(h.client.get(url).send().await.is_err());
}
