//! POST / PUT / DELETE round trips and the date_modified rules.

use bcsync_simulator::SimConfig;
use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{Harness, ids};

fn time(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .to_utc()
}

fn now_s() -> DateTime<Utc> {
    bigcommerce_models::time::truncate_to_second(Utc::now())
}

#[tokio::test]
async fn customers_round_trip_through_post_put_delete() {
    let h = Harness::start(SimConfig::default().with_customers(20)).await;
    let before = now_s();
    let body = json!([{
        "email": "new.person@example.com", "first_name": "New", "last_name": "Person", "company": "Acme",
        "addresses": [{"first_name": "New", "last_name": "Person", "address1": "1 Main St", "city": "Austin",
                       "country_code": "US", "state_or_province": "Texas", "postal_code": "78759"}],
        "form_fields": [{"name": "Shoe size", "value": 42}],
        "store_credit_amounts": [{"amount": 12.5}], "channel_ids": [1]
    }]);
    let created = h.post_ok("/customers", body).await;
    let c = &created["data"][0];
    let id = c["id"].as_i64().unwrap();
    assert_eq!(id, 21, "ids keep increasing");
    assert_eq!(c["addresses"][0]["country"], "United States");
    assert!(time(&c["date_modified"]) >= before && c["date_modified"] == c["date_created"]);
    assert_eq!(c["registration_ip_address"], "");

    let got = h
        .get_json(&format!(
            "/customers?id:in={id}&include=addresses,formfields,storecredit"
        ))
        .await;
    assert_eq!(got["data"][0]["form_fields"][0]["value"], 42.0);
    assert_eq!(got["data"][0]["store_credit_amounts"][0]["amount"], 12.5);
    assert_eq!(got["data"][0]["address_count"], 1);

    let old = h.sim.customer(3).unwrap();
    let updated = h
        .put_ok(
            "/customers",
            json!([{"id": 3, "last_name": "Changed", "notes": "hi"}]),
        )
        .await;
    assert_eq!(updated["data"][0]["last_name"], "Changed");
    let now = h.sim.customer(3).unwrap();
    assert_eq!(now.first_name, old.first_name);
    assert!(now.date_modified >= before && now.date_modified > old.date_modified);
    assert_eq!(now.date_modified.timestamp_subsec_nanos(), 0);

    let address_ids: Vec<i64> = old.addresses.unwrap().iter().map(|a| a.id).collect();
    h.call_expect(Method::DELETE, &format!("/customers?id:in=3,{id}"), 204)
        .await;
    assert!(ids(&h.get_json(&format!("/customers?id:in=3,{id}")).await).is_empty());
    assert!(
        h.sim
            .addresses()
            .iter()
            .all(|a| a.customer_id != 3 && a.customer_id != id)
    );
    for a in address_ids {
        assert!(ids(&h.get_json(&format!("/customers/addresses?id:in={a}")).await).is_empty());
    }
    assert_eq!(h.sim.customer_count(), 19);
}

#[tokio::test]
async fn bad_writes_are_refused_without_side_effects() {
    let h = Harness::start(SimConfig::default().with_customers(5)).await;
    let taken = h.sim.customer(1).unwrap().email.unwrap();
    let cases = [
        (json!([{"first_name": "A", "last_name": "B"}]), 422, "0.email"),
        (json!([{"email": "a@b.c", "last_name": "B"}]), 422, "0.first_name"),
        (
            json!([{"email": taken.to_uppercase(), "first_name": "A", "last_name": "B"}]),
            422,
            "0.email",
        ),
        (
            json!([{"email": "x@y.z", "first_name": "A", "last_name": "B"}, {"email": "X@y.z", "first_name": "C", "last_name": "D"}]),
            422,
            "1.email",
        ),
        (
            json!([{"email": "x@y.z", "first_name": "A", "last_name": "B", "addresses": [{"first_name": "A"}]}]),
            422,
            "0.addresses.0.city",
        ),
    ];
    for (body, status, key) in cases {
        let r = h.send_json(Method::POST, "/customers", body.clone()).await;
        assert_eq!(r.status(), status, "{body}");
        let err: Value = r.json().await.unwrap();
        assert!(err["errors"][key].is_string(), "{body} -> {err}");
    }
    let eleven: Vec<Value> = (0..11)
        .map(|i| json!({"email": format!("p{i}@e.com"), "first_name": "A", "last_name": "B"}))
        .collect();
    assert_eq!(
        h.send_json(Method::POST, "/customers", Value::Array(eleven))
            .await
            .status(),
        413
    );
    let r = h
        .request(Method::POST, "/customers")
        .header("content-type", "application/json")
        .body("[{oops")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["status"], 400);
    // Each refused as a whole: a body that is no array, a bad field, an unknown or a
    // missing id, a create without the required fields.
    let refused = [
        (Method::POST, "/customers", json!({"email": "a@b.c"})),
        (
            Method::POST,
            "/customers",
            json!([{"email": 5, "first_name": "A", "last_name": "B"}]),
        ),
        (Method::PUT, "/customers", json!([{"id": 999, "first_name": "A"}])),
        (Method::PUT, "/customers", json!([{"first_name": "A"}])),
        (
            Method::PUT,
            "/customers/addresses",
            json!([{"id": 99999, "city": "X"}]),
        ),
        (
            Method::POST,
            "/customers/addresses",
            json!([{"customer_id": 1, "first_name": "A"}]),
        ),
    ];
    for (method, path, body) in refused {
        h.send_expect(method, path, body, 422).await;
    }
    assert_eq!(h.sim.customer_count(), 5);
    h.call_expect(Method::DELETE, "/customers", 204).await;
    assert_eq!(h.sim.customer_count(), 5);
}

#[tokio::test]
async fn address_writes_round_trip_and_leave_customer_date_modified_alone() {
    let h = Harness::start(SimConfig::default().with_customers(10)).await;
    let before = h.sim.customer(4).unwrap().date_modified;
    let addr = json!({"customer_id": 4, "first_name": "Ann", "last_name": "Lee", "address1": "9 Elm St",
                      "city": "Akron", "country_code": "us", "address_type": "commercial",
                      "form_fields": [{"name": "Delivery instructions", "value": "Ring"}]});
    let created = h.post_ok("/customers/addresses", json!([addr.clone()])).await;
    let id = created["data"][0]["id"].as_i64().unwrap();
    assert_eq!(created["data"][0]["country_code"], "US");
    // An exact duplicate is skipped: 200, absent from the answer, nothing created.
    let again = h.post_ok("/customers/addresses", json!([addr])).await;
    assert_eq!(again["data"], json!([]));
    assert_eq!(
        h.sim
            .addresses()
            .iter()
            .filter(|a| a.address1.as_deref() == Some("9 Elm St"))
            .count(),
        1
    );

    h.put_ok("/customers/addresses", json!([{"id": id, "city": "Austin"}]))
        .await;
    let got = h
        .get_json(&format!("/customers/addresses?id:in={id}&include=formfields"))
        .await;
    assert_eq!(got["data"][0]["city"], "Austin");
    assert_eq!(got["data"][0]["form_fields"][0]["value"], "Ring");
    assert_eq!(got["data"][0]["form_fields"][0]["address_id"], id);

    h.call_expect(Method::DELETE, &format!("/customers/addresses?id:in={id}"), 204)
        .await;
    assert!(ids(&h.get_json(&format!("/customers/addresses?id:in={id}")).await).is_empty());
    assert_eq!(
        h.sim.customer(4).unwrap().date_modified,
        before,
        "address writes must not bump the customer"
    );

    // Opt-in: address edits touch the owner.
    h.sim.set_address_edits_touch_customer(true);
    let other = h.sim.customer(5).unwrap();
    let aid = match other.addresses.as_ref().unwrap().first() {
        Some(a) => a.id,
        None => {
            let a = json!([{"customer_id": 5, "first_name": "A", "last_name": "B", "address1": "1", "city": "C", "country_code": "GB"}]);
            h.send_json(Method::POST, "/customers/addresses", a)
                .await
                .json::<Value>()
                .await
                .unwrap()["data"][0]["id"]
                .as_i64()
                .unwrap()
        }
    };
    h.send_json(
        Method::PUT,
        "/customers/addresses",
        json!([{"id": aid, "address2": "Unit 7"}]),
    )
    .await;
    assert!(h.sim.customer(5).unwrap().date_modified > other.date_modified);
}

#[tokio::test]
async fn direct_state_edits_and_corruption_show_through_the_api() {
    let h = Harness::start(SimConfig::default().with_customers(30)).await;
    assert!(h.sim.update_customer(2, |c| c.first_name = Some("Zed".into())));
    let c = h.get_json("/customers?id:in=2").await;
    assert_eq!(c["data"][0]["first_name"], "Zed");
    assert!(time(&c["data"][0]["date_modified"]) >= now_s() - chrono::Duration::seconds(2));
    let pinned = DateTime::parse_from_rfc3339("2020-01-01T00:00:00Z")
        .unwrap()
        .to_utc();
    h.sim.update_customer(6, |c| c.date_modified = pinned);
    assert_eq!(h.sim.customer(6).unwrap().date_modified, pinned);
    assert_eq!(
        ids(&h.get_json("/customers?date_modified:max=2020-01-01").await),
        vec![6]
    );

    assert!(h.sim.corrupt_customer_field(7, "date_modified", json!(17)));
    let page = h.get_json("/customers?id:in=7,8").await;
    assert_eq!(page["data"][0]["date_modified"], 17);
    assert!(page["data"][1]["date_modified"].is_string());
    assert!(h.sim.customer(7).is_some(), "the truth is unchanged");
    h.sim.clear_corruptions();
    assert!(h.get_json("/customers?id:in=7").await["data"][0]["date_modified"].is_string());

    assert_eq!(h.sim.touch_customers(&[9, 999]), 1);
    assert_eq!(h.sim.delete_customers(&[10]), 1);
    assert!(h.sim.customer(10).is_none());
}
