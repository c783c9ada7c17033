//! Issue "every readable resource": each table of the mirror equals the simulator.

use crate::common;

use common::resources::assert_resources_exact;

use bcsync_simulator::{PathKind, SimConfig};
use common::{Api, App, READ_ALL, show, spawn_app};
use serde_json::{Value, json};

/// One pass, with slices large enough (`READ_ALL`) to read everything of a small store.
async fn sync_all(app: &App, extra: &[(&str, &str)]) -> std::process::Output {
    let env: Vec<_> = READ_ALL.iter().chain(extra).copied().collect();
    app.run_with(&["sync"], &env).await
}

/// One pass that must fail (a resource step failed); its last line of stderr, the error.
async fn failing_pass(app: &App) -> String {
    let out = sync_all(app, &[]).await;
    assert!(!out.status.success(), "a failed resource fails the pass");
    let stderr = String::from_utf8_lossy(&out.stderr);
    stderr.lines().last().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn every_resource_table_equals_the_simulator_and_follows_changes() {
    let app = spawn_app(SimConfig::default().with_customers(500).with_seed(21)).await;
    let out = sync_all(&app, &[]).await;
    assert!(out.status.success(), "{}", show(&out));
    app.assert_mirror_exact().await;
    assert_resources_exact(&app).await;

    // Change every resource upstream through the API (stored instruments have no
    // write endpoint: the simulator's accessor stands in for a shopper).
    let sim = &app.sim;
    let api = Api::new(&app);
    use reqwest::Method;
    let customer = sim.customers()[3].id;
    let attribute = sim
        .attribute_definitions()
        .iter()
        .find(|a| a.attribute_type.as_deref() == Some("string"))
        .unwrap()
        .id;
    api.send(
        Method::POST,
        "/customers/attributes",
        Some(json!([{"name": "Nickname", "type": "string"}])),
    )
    .await;
    let value = json!([{"attribute_id": attribute, "value": "changed value", "customer_id": customer}]);
    api.send(Method::PUT, "/customers/attribute-values", Some(value))
        .await;
    let field =
        json!([{"name": "Delivery instructions", "value": "Leave at the door", "customer_id": customer}]);
    api.send(Method::PUT, "/customers/form-field-values", Some(field))
        .await;
    let consent = json!({"allow": ["essential", "analytics"], "deny": ["targeting"]});
    api.send(
        Method::PUT,
        &format!("/customers/{customer}/consent"),
        Some(consent),
    )
    .await;
    let metafield = json!([{"resource_id": customer, "namespace": "Loyalty", "key": "tier", "value": "gold",
        "permission_set": "read"}]);
    api.send(Method::POST, "/customers/metafields", Some(metafield))
        .await;
    let doomed = sim.metafields()[0].id;
    api.send(Method::DELETE, "/customers/metafields", Some(json!([doomed])))
        .await;
    let settings = json!({"privacy_settings": {"policy_url": "https://example.com/new"}});
    api.send(Method::PUT, "/customers/settings", Some(settings)).await;
    let (owner, instrument) = sim.stored_instruments()[0].clone();
    sim.remove_stored_instrument(owner, instrument["token"].as_str().unwrap());

    let out = sync_all(&app, &[]).await;
    assert!(out.status.success(), "{}", show(&out));
    app.assert_mirror_exact().await;
    assert_resources_exact(&app).await;
}

/// A resync reads the resources that do not depend on customers during its walk: into
/// an empty mirror it still fills every table, the channel settings (whose channels
/// are the customers') included, and counts every request once.
#[tokio::test]
async fn a_resync_into_an_empty_mirror_fills_every_resource_table_and_counts_each_request_once() {
    let app = spawn_app(SimConfig::default().with_customers(500).with_seed(22)).await;
    assert!(
        !app.sim.channel_settings().is_empty(),
        "the store has channel settings"
    );
    let out = app.run_with(&["resync"], &READ_ALL).await;
    assert!(out.status.success(), "{}", show(&out));
    app.assert_mirror_exact().await;
    assert_resources_exact(&app).await;
    let counted: i64 =
        sqlx::query_scalar("SELECT requests FROM bigcommerce.sync_runs ORDER BY id DESC LIMIT 1")
            .fetch_one(app.pool())
            .await
            .unwrap();
    assert_eq!(
        counted.unsigned_abs(),
        app.sim.request_count(),
        "requests counted vs served"
    );
}

#[tokio::test]
async fn an_idle_pass_costs_one_request_per_date_filterable_resource_its_delete_check_and_the_sweep_slice() {
    // At most 10 addresses each: no customer of the slice needs an address request.
    let app = spawn_app(
        SimConfig::default()
            .with_customers(300)
            .with_seed(4)
            .with_max_addresses(10),
    )
    .await;
    let out = sync_all(&app, &[]).await;
    assert!(out.status.success(), "{}", show(&out));
    let channels = app.sim.channel_settings().len() as u64;
    app.sim.reset_counters();
    let before = app.sim.request_count();

    let slice = [
        ("BCSYNC_ADDRESS_SWEEP_PAGES", "1"),
        ("BCSYNC_LISTING_SWEEP_PAGES", "1"),
        ("BCSYNC_CUSTOMER_SLICE", "5"),
    ];
    let mut cmd = app.command(&["sync"]);
    cmd.envs(slice);
    let out = cmd.output().await.unwrap();
    assert!(out.status.success(), "{}", show(&out));

    let count = |kind: PathKind| app.sim.count("GET", kind, 200);
    // Date-filterable: one request each, plus one count comparing ids for deletes;
    // for customers also one request of the customer slice (250 ids by `id:in`).
    assert_eq!(count(PathKind::Customers), 3, "customers");
    assert_eq!(count(PathKind::Attributes), 1, "attribute definitions");
    assert_eq!(count(PathKind::AttributeValues), 2, "attribute values");
    // The configured sweep slice: one page of each listing, 5 customers' consent and instruments.
    assert_eq!(count(PathKind::Addresses), 1, "address sweep page");
    assert_eq!(
        count(PathKind::FormFieldValues),
        0,
        "form fields come with the customer slice"
    );
    assert_eq!(count(PathKind::Metafields), 1, "metafield sweep page");
    assert_eq!(count(PathKind::Consent), 5, "consent slice");
    assert_eq!(count(PathKind::StoredInstruments), 5, "instrument slice");
    // Settings: one, plus one per channel.
    assert_eq!(count(PathKind::Settings), 1, "settings");
    assert_eq!(count(PathKind::ChannelSettings), channels, "channel settings");
    assert_eq!(
        app.sim.request_count() - before,
        3 + 1 + 2 + 2 + 10 + 1 + channels,
        "the whole pass"
    );
}

#[tokio::test]
async fn a_store_without_the_instruments_scope_syncs_everything_else() {
    let app = spawn_app(
        SimConfig::default()
            .with_customers(200)
            .with_seed(8)
            .with_instruments_scope(false),
    )
    .await;
    let out = sync_all(&app, &[]).await;
    assert!(out.status.success(), "{}", show(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.matches("lacks the scope for stored_instruments").count(),
        1,
        "one warning: {stderr}"
    );
    let details: Value = app
        .scalar("SELECT details FROM bigcommerce.sync_runs ORDER BY id DESC LIMIT 1")
        .await;
    assert_eq!(details["stored_instruments"]["status"], "skipped", "{details}");
    let instruments: i64 = app
        .scalar("SELECT count(*) FROM bigcommerce.customer_stored_instruments")
        .await;
    assert_eq!(instruments, 0);
    app.assert_mirror_exact().await;
    let consents: i64 = app
        .scalar("SELECT count(*) FROM bigcommerce.customer_consents")
        .await;
    assert_eq!(consents as usize, app.sim.customer_count());
}

#[tokio::test]
async fn a_bad_record_in_one_resource_fails_that_step_and_the_rest_syncs() {
    let app = spawn_app(SimConfig::default().with_customers(300).with_seed(6)).await;
    let bad = app.sim.metafields()[0].id;
    app.sim
        .corrupt_record(PathKind::Metafields, bad, "id", json!("not-a-number"));
    let last = failing_pass(&app).await;
    assert!(
        last.contains("metafields") && last.contains("/customers/metafields") && last.contains(".id"),
        "{last}"
    );
    let (outcome, details): (String, Value) =
        sqlx::query_as("SELECT outcome, details FROM bigcommerce.sync_runs ORDER BY id DESC LIMIT 1")
            .fetch_one(app.pool())
            .await
            .unwrap();
    assert_eq!(outcome, "failed");
    assert_eq!(details["metafields"]["status"], "failed");
    assert_eq!(details["consents"]["status"], "succeeded");
    app.assert_mirror_exact().await;
}

#[tokio::test]
async fn a_complete_listing_with_a_bad_id_fails_its_step_and_writes_nothing_of_it() {
    // Attribute definitions are read generically (`Reading::CompleteListing`): a record
    // without an integer id fails the read, naming the endpoint and the field.
    let app = spawn_app(SimConfig::default().with_customers(100).with_seed(9)).await;
    let last = app.sim.attribute_definitions().last().unwrap().id;
    assert!(
        app.sim
            .corrupt_record(PathKind::Attributes, last, "id", json!("not-a-number"))
    );
    let line = failing_pass(&app).await;
    assert!(
        line.contains("attributes") && line.contains("/customers/attributes") && line.contains("].id"),
        "{line}"
    );
    let details: Value = app
        .scalar("SELECT details FROM bigcommerce.sync_runs ORDER BY id DESC LIMIT 1")
        .await;
    let step = &details["attributes"];
    assert_eq!(step["status"], "failed", "{details}");
    let reason = step["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("/customers/attributes") && reason.contains("].id"),
        "{reason}"
    );
    assert_eq!(details["attribute_values"]["status"], "succeeded", "{details}");
    let written: i64 = app
        .scalar("SELECT count(*) FROM bigcommerce.customer_attributes")
        .await;
    assert_eq!(written, 0, "nothing of the listing is written");
    app.assert_mirror_exact().await;
}

#[tokio::test]
async fn excluded_resources_and_fields_never_reach_the_mirror() {
    let app = spawn_app(SimConfig::default().with_customers(200).with_seed(2)).await;
    let out = sync_all(&app, &[("BCSYNC_EXCLUDE", "stored_instruments,customers.notes")]).await;
    assert!(out.status.success(), "{}", show(&out));
    assert!(
        app.sim
            .customers()
            .iter()
            .any(|c| c.notes.as_deref().is_some_and(|n| !n.is_empty()))
    );
    let (notes, raw_notes): (i64, i64) = sqlx::query_as(
        "SELECT count(notes), count(*) FILTER (WHERE raw ? 'notes') FROM bigcommerce.customers",
    )
    .fetch_one(app.pool())
    .await
    .unwrap();
    assert_eq!((notes, raw_notes), (0, 0));
    let instruments: i64 = app
        .scalar("SELECT count(*) FROM bigcommerce.customer_stored_instruments")
        .await;
    assert_eq!(instruments, 0);
    assert_eq!(
        app.sim.count("GET", PathKind::StoredInstruments, 200),
        0,
        "not even requested"
    );

    let out = app
        .command(&["sync"])
        .env("BCSYNC_EXCLUDE", "customers.id")
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("BCSYNC_EXCLUDE"),
        "{}",
        show(&out)
    );
}
