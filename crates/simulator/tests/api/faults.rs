//! Fault injection, latency and the counters.

use std::time::{Duration, Instant};

use bcsync_simulator::{PathKind, SimConfig};
use serde_json::{Value, json};

use crate::{Harness, has_rate_headers};

#[tokio::test]
async fn rate_one_produces_every_kind_of_fault_and_counts_them() {
    let h = Harness::start(SimConfig::default().with_customers(50).with_fault_rate(1.0)).await;
    let (mut s500, mut s502, mut s503, mut platform_429, mut truncated) = (0, 0, 0, 0, 0);
    for _ in 0..60 {
        let r = h.get("/customers?include=addresses").await;
        let status = r.status().as_u16();
        let headers = has_rate_headers(&r);
        let length = r.content_length();
        let body = r.bytes().await.unwrap();
        match status {
            500 | 502 | 503 => {
                assert!(headers);
                assert_eq!(serde_json::from_slice::<Value>(&body).unwrap()["status"], status);
                match status {
                    500 => s500 += 1,
                    502 => s502 += 1,
                    _ => s503 += 1,
                }
            }
            429 => {
                assert!(!headers, "a platform 429 has no rate-limit headers");
                platform_429 += 1;
            }
            200 => {
                assert_eq!(length, Some(body.len() as u64));
                assert!(
                    serde_json::from_slice::<Value>(&body).is_err(),
                    "the body is cut short"
                );
                assert!(body.starts_with(b"{\"data\":["));
                truncated += 1;
            }
            other => panic!("unexpected status {other}"),
        }
    }
    assert!(s500 > 0 && s502 > 0 && s503 > 0 && platform_429 > 0 && truncated > 0);
    assert_eq!(h.sim.request_count(), 60);
    assert_eq!(h.sim.count_429(), platform_429);
    assert_eq!(h.sim.count("GET", PathKind::Customers, 502), s502);
    assert_eq!(h.sim.count("GET", PathKind::Customers, 200), truncated);

    // Writes are never faulted.
    h.post_ok(
        "/customers",
        json!([{"email": "w@x.y", "first_name": "W", "last_name": "X"}]),
    )
    .await;

    h.sim.set_fault_rate(0.0);
    h.sim.reset_counters();
    for _ in 0..5 {
        h.get_json("/customers").await;
    }
    assert_eq!(h.sim.count("GET", PathKind::Customers, 200), 5);
    assert_eq!(h.sim.request_count(), 66);
}

#[tokio::test]
async fn latency_delays_each_answer() {
    let h = Harness::start(SimConfig::default().with_customers(5).with_latency_ms(60)).await;
    let t = Instant::now();
    h.get_json("/customers").await;
    assert!(t.elapsed() >= Duration::from_millis(60));
    h.sim.set_latency_ms(0);
    h.sim.set_quota(Some(1));
    assert_eq!(h.get("/customers/addresses").await.status(), 200);
    assert_eq!(h.get("/customers/addresses").await.status(), 429);
    assert_eq!(h.sim.count("GET", PathKind::Addresses, 429), 1);
}
