//! `/customers/{id}/consent` and `/customers/{id}/stored-instruments`.

use std::collections::HashSet;

use bcsync_simulator::{PathKind, SimConfig};
use bigcommerce_models::resources::{Consent, StoredInstrument};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{Harness, now_s};

#[tokio::test]
async fn consent_is_a_bare_object_that_put_replaces() {
    let h = Harness::start(SimConfig::default().with_customers(200)).await;
    let truth = h.sim.consents();
    assert_eq!(truth.len(), 200);
    for (id, expected) in truth.iter().take(20) {
        let body = h.get_json(&format!("/customers/{id}/consent")).await;
        let keys: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["allow", "deny", "updated_at"]);
        assert_eq!(&serde_json::from_value::<Consent>(body).unwrap(), expected);
    }
    assert!(truth.iter().any(|(_, c)| c.allow.as_ref().unwrap().is_empty()));
    assert!(
        truth
            .iter()
            .any(|(_, c)| c.deny.as_ref().unwrap().contains(&"targeting".to_owned()))
    );

    let stamp = h.sim.customer(7).unwrap().date_modified;
    let before = now_s();
    let body = json!({"allow": ["analytics", "essential"], "deny": ["targeting"]});
    let put: Consent = serde_json::from_value(h.put_ok("/customers/7/consent", body).await).unwrap();
    assert_eq!(
        put.allow,
        Some(vec!["essential".to_owned(), "analytics".to_owned()])
    );
    assert_eq!(put.deny, Some(vec!["targeting".to_owned()]));
    assert!(put.updated_at.unwrap() >= before);
    let got: Consent = serde_json::from_value(h.get_json("/customers/7/consent").await).unwrap();
    assert_eq!(got, put);
    assert_eq!(h.sim.consents()[6], (7, put));
    assert_eq!(
        h.sim.customer(7).unwrap().date_modified,
        stamp,
        "consent does not bump the customer"
    );

    for body in [
        json!({"allow": ["marketing"]}),
        json!({"allow": ["essential"], "deny": ["essential"]}),
        json!({"allow": "essential"}),
        json!(["essential"]),
    ] {
        let r = h
            .send_json(Method::PUT, "/customers/7/consent", body.clone())
            .await;
        assert_eq!(r.status(), 422, "{body}");
        assert_eq!(r.json::<Value>().await.unwrap()["status"], 422);
    }
    for path in ["/customers/9999/consent", "/customers/abc/consent"] {
        assert_eq!(h.get(path).await.status(), 404, "{path}");
    }
    h.send_expect(Method::PUT, "/customers/9999/consent", json!({"allow": []}), 404)
        .await;

    let names = |xs: &[&str]| xs.iter().map(|s| (*s).to_owned()).collect::<Vec<String>>();
    assert!(
        h.sim
            .set_consent(8, names(&["essential", "functional"]), Vec::new())
    );
    assert!(!h.sim.set_consent(8, names(&["cookies"]), Vec::new()));
    assert!(!h.sim.set_consent(9999, Vec::new(), Vec::new()));
    let got = h.get_json("/customers/8/consent").await;
    assert_eq!(got["allow"], json!(["essential", "functional"]));
    assert_eq!(got["deny"], json!([]));
    assert_eq!(h.sim.count("GET", PathKind::Consent, 404), 2);
}

#[tokio::test]
async fn stored_instruments_are_a_bare_array_per_customer() {
    let h = Harness::start(SimConfig::default().with_customers(2000).with_seed(4)).await;
    let truth = h.sim.stored_instruments();
    let owners: HashSet<i64> = truth.iter().map(|(c, _)| *c).collect();
    assert!(
        (50..=160).contains(&owners.len()),
        "~5% of customers: {}",
        owners.len()
    );
    let tokens: HashSet<&str> = truth.iter().map(|(_, i)| i["token"].as_str().unwrap()).collect();
    assert_eq!(tokens.len(), truth.len(), "tokens are unique");
    assert!(
        tokens
            .iter()
            .all(|t| t.len() == 64 && t.chars().all(|c| c.is_ascii_hexdigit()))
    );
    let kinds: HashSet<&str> = truth.iter().map(|(_, i)| i["type"].as_str().unwrap()).collect();
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    for owner in owners.iter().take(25) {
        let r = h.get(&format!("/customers/{owner}/stored-instruments")).await;
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        let mine: Vec<Value> = truth
            .iter()
            .filter(|(c, _)| c == owner)
            .map(|(_, i)| i.clone())
            .collect();
        assert_eq!(body, Value::Array(mine.clone()));
        assert!((1..=3).contains(&mine.len()));
        let typed: Vec<StoredInstrument> = serde_json::from_value(body).unwrap();
        assert_eq!(typed.iter().filter(|i| i.is_default == Some(true)).count(), 1);
    }
    let card = truth.iter().find(|(_, i)| i["type"] == "stored_card").unwrap();
    for field in [
        "brand",
        "expiry_month",
        "expiry_year",
        "issuer_identification_number",
        "last_4",
    ] {
        assert!(!card.1[field].is_null(), "{field}");
    }
    assert!(card.1["billing_address"]["country_code"].is_string());
    let paypal = truth
        .iter()
        .find(|(_, i)| i["type"] == "stored_paypal_account")
        .unwrap();
    assert!(paypal.1["email"].as_str().unwrap().contains('@'));
    let bank = truth
        .iter()
        .find(|(_, i)| i["type"] == "stored_bank_account")
        .unwrap();
    assert!(bank.1["masked_account_number"].is_string() && bank.1["issuer"].is_string());

    let none = (1..=2000).find(|id| !owners.contains(id)).unwrap();
    assert_eq!(
        h.get_json(&format!("/customers/{none}/stored-instruments")).await,
        json!([])
    );
    assert_eq!(h.get("/customers/99999/stored-instruments").await.status(), 404);

    // Test-side edits.
    let added = json!({"type": "stored_paypal_account", "token": "f".repeat(64), "is_default": true, "email": "a@b.c"});
    assert!(h.sim.add_stored_instrument(none, added.clone()));
    assert!(
        !h.sim.add_stored_instrument(none, added.clone()),
        "same token twice"
    );
    assert!(!h.sim.add_stored_instrument(99_999, added.clone()));
    assert_eq!(
        h.get_json(&format!("/customers/{none}/stored-instruments")).await,
        json!([added])
    );
    let owner = *owners.iter().next().unwrap();
    let first = h
        .get_json(&format!("/customers/{owner}/stored-instruments"))
        .await;
    let token = first[0]["token"].as_str().unwrap().to_owned();
    assert!(h.sim.remove_stored_instrument(owner, &token));
    assert!(!h.sim.remove_stored_instrument(owner, &token));
    let after = h
        .get_json(&format!("/customers/{owner}/stored-instruments"))
        .await;
    assert_eq!(
        after.as_array().unwrap().len(),
        first.as_array().unwrap().len() - 1
    );
}

#[tokio::test]
async fn without_the_instruments_scope_the_answer_is_403() {
    let h = Harness::start(
        SimConfig::default()
            .with_customers(20)
            .with_instruments_scope(false),
    )
    .await;
    let r = h.get("/customers/1/stored-instruments").await;
    assert_eq!(r.status(), 403);
    assert!(crate::has_rate_headers(&r));
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["status"], 403);
    assert!(
        body["title"]
            .as_str()
            .unwrap()
            .contains("store_stored_payment_instruments_read_only")
    );
    assert_eq!(h.get("/customers/99999/stored-instruments").await.status(), 403);
    assert_eq!(
        h.get("/customers/1/consent").await.status(),
        200,
        "other endpoints still work"
    );
    h.sim.set_instruments_scope(true);
    assert_eq!(h.get("/customers/1/stored-instruments").await.status(), 200);
    h.sim.set_instruments_scope(false);
    assert_eq!(h.get("/customers/1/stored-instruments").await.status(), 403);
    assert_eq!(h.sim.count("GET", PathKind::StoredInstruments, 403), 3);
    assert_eq!(h.sim.count("GET", PathKind::StoredInstruments, 200), 1);
}
