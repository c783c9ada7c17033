//! Webhook deliveries: what each write sends, to whom, with which headers, and the
//! at-least-once behaviour (retries, duplicates).

use bcsync_simulator::{AddressInput, SimConfig, WEBHOOK_SECRET_HEADER, WEBHOOK_STORE_ID};
use reqwest::Method;
use serde_json::{Value, json};

use crate::Harness;
use crate::hooks::register;
use crate::webhook_receiver::{Receiver, settle};

async fn store() -> Harness {
    Harness::start(SimConfig::default().with_customers(5)).await
}

/// Registers an active hook on `scope` delivering to `rx` with a secret header.
async fn hook(h: &Harness, rx: &Receiver, scope: &str) -> i64 {
    let hook = register(
        h,
        json!({"scope": scope, "destination": rx.url, "is_active": true,
               "headers": {"X-Bcsync-Webhook-Secret": "s3cret"}}),
    )
    .await;
    hook["id"].as_i64().unwrap()
}

/// A store with one hook on `scope` (see [`hook`]) and the receiver it delivers to.
async fn listening(scope: &str) -> (Harness, Receiver) {
    let h = store().await;
    let rx = Receiver::start().await;
    hook(&h, &rx, scope).await;
    (h, rx)
}

/// Once every delivery is settled: how many were sent and how many given up.
async fn settled_counts(h: &Harness) -> (u64, u64) {
    settle(h).await;
    (h.sim.webhooks_sent(), h.sim.webhooks_failed())
}

fn address_body(customer_id: i64, city: &str) -> Value {
    json!([{"customer_id": customer_id, "first_name": "A", "last_name": "B", "address1": "1 Main St",
            "city": city, "country_code": "US", "state_or_province": "Texas", "postal_code": "78759"}])
}

fn address_input(customer_id: i64) -> AddressInput {
    AddressInput {
        customer_id: Some(customer_id),
        first_name: Some("A".to_owned()),
        last_name: Some("B".to_owned()),
        address1: Some("9 Side St".to_owned()),
        city: Some("Austin".to_owned()),
        country_code: Some("US".to_owned()),
        ..AddressInput::default()
    }
}

/// `(scope, data)` of each payload, in arrival order.
fn events(bodies: &[Value]) -> Vec<(String, Value)> {
    bodies
        .iter()
        .map(|b| (b["scope"].as_str().unwrap().to_owned(), b["data"].clone()))
        .collect()
}

fn customer(scope: &str, id: i64) -> (String, Value) {
    (
        format!("store/customer/{scope}"),
        json!({"type": "customer", "id": id}),
    )
}

fn address(scope: &str, id: i64, customer_id: i64) -> (String, Value) {
    (
        format!("store/customer/address/{scope}"),
        json!({"type": "address", "id": id, "address": {"customer_id": customer_id}}),
    )
}

#[tokio::test]
async fn http_writes_announce_changes_already_visible() {
    let h = store().await;
    let rx = Receiver::probing(&h).await;
    hook(&h, &rx, "store/customer/*").await;
    let before = chrono::Utc::now().timestamp();

    h.put_ok("/customers", json!([{"id": 2, "last_name": "Changed"}]))
        .await;
    let got = rx.wait_for(1).await;
    let first = &got[0];
    assert_eq!(first.headers["x-bcsync-webhook-secret"], "s3cret");
    assert_eq!(first.headers["content-type"], "application/json");
    let body = &first.body;
    assert_eq!(body["store_id"], WEBHOOK_STORE_ID);
    assert_eq!(body["producer"], format!("stores/{}", h.sim.store_hash()));
    assert!(body["created_at"].as_i64().unwrap() >= before);
    let hash = body["hash"].as_str().unwrap();
    assert!(hash.len() == 40 && hash.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(
        first.fetched.as_ref().unwrap()[0]["last_name"],
        "Changed",
        "the receiver sees the change"
    );

    let r = h
        .send_json(Method::POST, "/customers/addresses", address_body(2, "Austin"))
        .await;
    let created: Value = r.json().await.unwrap();
    let aid = created["data"][0]["id"].as_i64().unwrap();
    h.put_ok("/customers/addresses", json!([{"id": aid, "city": "Dallas"}]))
        .await;
    let got = rx.wait_for(3).await;
    assert_eq!(got[1].fetched.as_ref().unwrap()[0]["id"], aid);
    assert_eq!(got[2].fetched.as_ref().unwrap()[0]["city"], "Dallas");

    h.call_expect(Method::DELETE, &format!("/customers/addresses?id:in={aid}"), 204)
        .await;
    h.call_expect(Method::DELETE, "/customers?id:in=2", 204).await;
    let got = rx.wait_for(5).await;
    assert_eq!(got[3].fetched, Some(json!([])), "the address is gone");
    assert_eq!(got[4].fetched, Some(json!([])), "the customer is gone");

    let mut new = address_body(0, "Reno");
    new[0].as_object_mut().unwrap().remove("customer_id");
    let body = json!([{"email": "hook@example.com", "first_name": "H", "last_name": "K", "addresses": new}]);
    let r = h.send_json(Method::POST, "/customers", body).await;
    let created: Value = r.json().await.unwrap();
    let cid = created["data"][0]["id"].as_i64().unwrap();
    let nested = created["data"][0]["addresses"][0]["id"].as_i64().unwrap();

    let got = rx.wait_for(7).await;
    let bodies: Vec<Value> = got.iter().map(|r| r.body.clone()).collect();
    assert_eq!(
        events(&bodies),
        [
            customer("updated", 2),
            address("created", aid, 2),
            address("updated", aid, 2),
            address("deleted", aid, 2),
            customer("deleted", 2),
            customer("created", cid),
            address("created", nested, cid),
        ]
    );
    assert_eq!(settled_counts(&h).await, (7, 0));
}

#[tokio::test]
async fn hooks_hear_only_their_scope() {
    let (h, rx) = listening("store/customer/address/updated").await;
    hook(&h, &rx, "store/customer/deleted").await;
    let aid = h.sim.addresses()[0].id;
    let owner = h.sim.addresses()[0].customer_id;

    h.sim.touch_customers(&[1, 2]);
    h.sim
        .update_address(aid, |a| a.city = Some("Elsewhere".to_owned()));
    h.sim.delete_customers(&[owner]);
    rx.wait_for(2).await;
    settle(&h).await;
    assert_eq!(
        events(&rx.bodies()),
        [address("updated", aid, owner), customer("deleted", owner)],
        "no customer/updated, no address/deleted for the cascade"
    );
}

#[tokio::test]
async fn simulator_methods_announce_through_the_target_shortcut() {
    let h = store().await;
    let rx = Receiver::probing(&h).await;
    h.sim
        .set_webhook_target(Some((rx.url.clone(), "s3cret".to_owned())));
    assert!(
        h.get_json("/hooks").await["data"].as_array().unwrap().is_empty(),
        "the shortcut is not a registered hook"
    );

    assert!(
        h.sim
            .update_customer(3, |c| c.last_name = Some("Edited".to_owned()))
    );
    // The receiver fetches on arrival: wait before changing the record again.
    let got = rx.wait_for(1).await;
    assert_eq!(got[0].fetched.as_ref().unwrap()[0]["last_name"], "Edited");
    assert_eq!(h.sim.touch_customers(&[1, 999]), 1);
    let aid = h
        .sim
        .with_state(|s| s.create_addresses(vec![address_input(3)]))
        .unwrap()[0]
        .id;
    assert!(h.sim.update_address(aid, |a| a.city = Some("Waco".to_owned())));
    let got = rx.wait_for(4).await;
    assert_eq!(got[3].fetched.as_ref().unwrap()[0]["city"], "Waco");
    assert_eq!(h.sim.delete_addresses(&[aid, 999_999]), 1);
    assert_eq!(h.sim.delete_customers(&[3]), 1);

    let got = rx.wait_for(6).await;
    assert!(got.iter().all(|r| r.headers[WEBHOOK_SECRET_HEADER] == "s3cret"));
    assert_eq!(
        events(&rx.bodies()),
        [
            customer("updated", 3),
            customer("updated", 1),
            address("created", aid, 3),
            address("updated", aid, 3),
            address("deleted", aid, 3),
            customer("deleted", 3),
        ]
    );

    h.sim.set_webhook_target(None);
    h.sim.touch_customers(&[1]);
    settle(&h).await;
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert_eq!(rx.received().len(), 6, "no target, no deliveries");
}

#[tokio::test]
async fn the_configured_target_hears_edits_made_mid_request() {
    let rx = Receiver::start().await;
    let cfg = SimConfig::default()
        .with_customers(5)
        .with_webhook_target(rx.url.clone(), "cfg-secret");
    let h = Harness::start(cfg).await;
    // A test editing the store in the middle of a client's scan.
    h.sim.on_request(|n, s| {
        if n == 1 {
            s.touch_customers(&[4]);
        }
    });
    h.get_json("/customers").await;
    let got = rx.wait_for(1).await;
    assert_eq!(got[0].headers[WEBHOOK_SECRET_HEADER], "cfg-secret");
    assert_eq!(events(&rx.bodies()), [customer("updated", 4)]);
}

#[tokio::test]
async fn a_refused_delivery_is_retried() {
    let (h, rx) = listening("store/customer/updated").await;
    rx.refuse_next(1);
    h.sim.touch_customers(&[1]);
    let got = rx.wait_for(2).await;
    assert_eq!(got[0].body, got[1].body, "the retry repeats the delivery");
    assert_eq!(settled_counts(&h).await, (1, 0));
}

#[tokio::test]
async fn a_delivery_is_given_up_after_the_retries() {
    let (h, rx) = listening("store/customer/updated").await;
    rx.refuse_next(u64::MAX);
    h.sim.touch_customers(&[1]);
    assert_eq!(settled_counts(&h).await, (0, 1));
    assert_eq!(rx.received().len(), 4, "one attempt and three retries");
}

#[tokio::test]
async fn inactive_and_deleted_hooks_send_nothing() {
    let h = store().await;
    let rx = Receiver::start().await;
    let id = register(
        &h,
        json!({"scope": "store/customer/*", "destination": rx.url, "is_active": false}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    h.sim.touch_customers(&[1]);
    h.send_json(Method::PUT, "/customers", json!([{"id": 2, "notes": "x"}]))
        .await;
    settle(&h).await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert!(rx.received().is_empty());
    assert_eq!(h.sim.webhooks_sent(), 0);

    h.put_ok(&format!("/hooks/{id}"), json!({"is_active": true}))
        .await;
    h.sim.touch_customers(&[3]);
    rx.wait_for(1).await;
    assert_eq!(events(&rx.bodies()), [customer("updated", 3)]);

    h.call_expect(Method::DELETE, &format!("/hooks/{id}"), 200).await;
    h.sim.touch_customers(&[4]);
    settle(&h).await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert_eq!(rx.received().len(), 1);
}

#[tokio::test]
async fn the_duplicate_switch_delivers_twice() {
    let (h, rx) = listening("store/customer/updated").await;
    h.sim.duplicate_next_webhooks(true);
    h.sim.touch_customers(&[1]);
    let got = rx.wait_for(2).await;
    assert_eq!(got[0].body, got[1].body, "same payload, same hash");
    settle(&h).await;
    assert_eq!(h.sim.webhooks_sent(), 2);

    h.sim.duplicate_next_webhooks(false);
    h.sim.touch_customers(&[2]);
    rx.wait_for(3).await;
    settle(&h).await;
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert_eq!(rx.received().len(), 3);
}
