//! End to end: the simulator → the real `bcsync` binary → a real PostgreSQL.

use crate::common;

use bcsync_simulator::{SimConfig, burst_size};
use common::{Api, App, show, spawn_app};
use serde_json::json;

async fn last_run(app: &App) -> (String, i64, i64) {
    sqlx::query_as(
        "SELECT outcome, rows_written, requests FROM bigcommerce.sync_runs ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(app.pool())
    .await
    .unwrap()
}

/// Address edits, additions and deletes need not touch the customer's `date_modified`:
/// the sweeps catch them within `sweep_within`. A bound of one reconcile interval makes
/// every pass re-check every address, so one pass shows them.
const ONE_PASS_BOUND: [(&str, &str); 1] = [("BCSYNC_SWEEP_WITHIN", "1h")];

#[tokio::test]
async fn sync_mirrors_customers_and_addresses_then_follows_api_changes() {
    let app = spawn_app(SimConfig::default().with_customers(1_200).with_seed(7)).await;
    let customers = app.sim.customers();
    assert!(
        burst_size(1_200) > 250,
        "the fixture must hold a >250 same-second burst"
    );
    let crowded = customers
        .iter()
        .find(|c| c.address_count.unwrap_or(0) > 10)
        .expect("a customer with >10 addresses");

    app.run_ok_with(&["sync"], &ONE_PASS_BOUND).await;
    app.assert_mirror_exact().await;
    assert_eq!(last_run(&app).await.0, "succeeded");

    // Change, add and edit through the API.
    let api = Api::new(&app);
    let plain = customers.iter().find(|c| c.address_count == Some(1)).unwrap();
    api.send(
        reqwest::Method::PUT,
        "/customers",
        Some(json!([{"id": plain.id, "first_name": "Renamed", "company": "NewCo"}])),
    )
    .await;
    api.send(
        reqwest::Method::POST,
        "/customers",
        Some(json!([{"email": "new.person@example.com", "first_name": "New", "last_name": "Person",
            "addresses": [{"first_name": "New", "last_name": "Person", "address1": "1 Main St", "city": "Austin",
                "country_code": "US", "state_or_province": "Texas", "postal_code": "78701"}]}])),
    )
    .await;
    api.send(
        reqwest::Method::POST,
        "/customers/addresses",
        Some(json!([{"customer_id": crowded.id, "first_name": "Extra", "last_name": "Address", "address1": "9 Side St",
            "city": "Boston", "country_code": "US", "state_or_province": "Massachusetts", "postal_code": "02101"}])),
    )
    .await;
    let some_address = app.sim.addresses()[3].clone();
    api.send(
        reqwest::Method::PUT,
        "/customers/addresses",
        Some(json!([{"id": some_address.id, "city": "Edited City"}])),
    )
    .await;
    let doomed = app.sim.addresses()[7].id;
    api.send(
        reqwest::Method::DELETE,
        &format!("/customers/addresses?id:in={doomed}"),
        None,
    )
    .await;

    app.run_ok_with(&["sync"], &ONE_PASS_BOUND).await;
    app.assert_mirror_exact().await;

    // A pass with nothing new writes no customer or address.
    app.run_ok_with(&["sync"], &ONE_PASS_BOUND).await;
    let details: serde_json::Value =
        sqlx::query_scalar("SELECT details FROM bigcommerce.sync_runs ORDER BY id DESC LIMIT 1")
            .fetch_one(app.pool())
            .await
            .unwrap();
    let c = &details["customers"];
    let a = &details["addresses"];
    let written = [
        &c["inserted"],
        &c["updated"],
        &c["addresses_inserted"],
        &c["addresses_updated"],
        &a["inserted"],
        &a["updated"],
    ];
    assert!(written.iter().all(|n| n.as_u64() == Some(0)), "{details}");
}

#[tokio::test]
async fn changes_made_while_a_pass_pages_are_not_lost() {
    let app = spawn_app(SimConfig::default().with_customers(3_000).with_seed(11)).await;
    let mut by_age = app.sim.customers();
    by_age.sort_by_key(|c| (c.date_modified, c.id));
    // Rows from the start of the listing (already read) and from further on (not yet
    // read) are edited while the pass pages: both kinds shift offsets.
    let early: Vec<i64> = by_age[..40].iter().map(|c| c.id).collect();
    let later: Vec<i64> = by_age[1_000..1_040].iter().map(|c| c.id).collect();
    let burst_second = bcsync_simulator::burst_date_modified();
    let in_burst: Vec<i64> = by_age
        .iter()
        .filter(|c| c.date_modified == burst_second)
        .take(30)
        .map(|c| c.id)
        .collect();
    assert_eq!(in_burst.len(), 30);
    app.sim.on_request(move |n, state| {
        let edit = |ids: &[i64], state: &mut bcsync_simulator::SimState, tag: &str| {
            for id in ids {
                state.update_customer(*id, |c| c.notes = Some(format!("edited during request {tag}")));
            }
        };
        match n {
            3 => edit(&early, state, "3"),
            5 => edit(&later, state, "5"),
            7 => edit(&in_burst, state, "7"),
            _ => {}
        }
    });
    app.run_ok(&["sync"]).await;
    app.sim.clear_on_request();
    app.run_ok(&["sync"]).await;
    app.assert_mirror_exact().await;
}

#[tokio::test]
async fn a_killed_pass_followed_by_another_leaves_an_exact_mirror() {
    let app = spawn_app(
        SimConfig::default()
            .with_customers(4_000)
            .with_seed(3)
            .with_latency_ms(15),
    )
    .await;
    let mut child = app.command(&["sync"]).spawn().unwrap();
    // Wait until some pages have committed, then kill -9.
    for _ in 0..400 {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM bigcommerce.customers")
            .fetch_one(app.pool())
            .await
            .unwrap();
        if n >= 500 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    child.start_kill().unwrap();
    let status = child.wait().await.unwrap();
    assert!(!status.success(), "the pass was killed before it finished");
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM bigcommerce.customers")
        .fetch_one(app.pool())
        .await
        .unwrap();
    assert!(
        stored > 0 && (stored as usize) < 4_000,
        "killed mid-way: {stored} rows"
    );

    // Upstream moves on while bcsync is down.
    let ids: Vec<i64> = app.sim.customers().iter().step_by(97).map(|c| c.id).collect();
    app.sim.touch_customers(&ids);
    app.sim.set_latency_ms(0);
    app.run_ok(&["sync"]).await;
    app.assert_mirror_exact().await;
}

#[tokio::test]
async fn resync_marks_deleted_customers_and_their_addresses() {
    let app = spawn_app(SimConfig::default().with_customers(600).with_seed(5)).await;
    app.run_ok(&["sync"]).await;
    let gone: Vec<i64> = app
        .sim
        .customers()
        .iter()
        .filter(|c| c.address_count.unwrap_or(0) > 0)
        .take(5)
        .map(|c| c.id)
        .collect();
    assert_eq!(app.sim.delete_customers(&gone), 5);
    app.run_ok(&["resync"]).await;
    app.assert_mirror_exact().await;
    let marked: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM bigcommerce.customers WHERE deleted_at IS NOT NULL ORDER BY id")
            .fetch_all(app.pool())
            .await
            .unwrap();
    let mut expected = gone.clone();
    expected.sort();
    assert_eq!(
        marked, expected,
        "exactly the deleted customers are soft-deleted, never removed"
    );
    let orphan_addresses: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM bigcommerce.customer_addresses WHERE customer_id = ANY($1) AND deleted_at IS NULL",
    )
    .bind(&gone)
    .fetch_one(app.pool())
    .await
    .unwrap();
    assert_eq!(orphan_addresses, 0);
}

#[tokio::test]
async fn a_pass_survives_injected_faults_and_stays_exact() {
    let app = spawn_app(
        SimConfig::default()
            .with_customers(1_500)
            .with_seed(9)
            .with_fault_rate(0.1),
    )
    .await;
    app.run_ok(&["sync"]).await;
    app.sim.set_fault_rate(0.0);
    app.assert_mirror_exact().await;
}

#[tokio::test]
async fn a_record_of_the_wrong_shape_is_quarantined_and_the_rest_of_its_page_stored() {
    let app = spawn_app(SimConfig::default().with_customers(800).with_seed(13)).await;
    app.run_ok(&["sync"]).await;

    let ids: Vec<i64> = app.sim.customers().iter().map(|c| c.id).collect();
    let (victim, others) = (ids[10], &ids[11..16]);
    for id in others {
        assert!(
            app.sim
                .update_customer(*id, |c| c.company = Some(format!("Renamed {id}")))
        );
    }
    app.sim.touch_customers(&[victim]);
    app.sim
        .corrupt_customer_field(victim, "date_created", json!(12345));
    let out = app.run(&["sync"]).await;
    assert!(out.status.success(), "{}", show(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("quarantined") && stderr.contains("date_created"),
        "{stderr}"
    );
    // The pass counts it (a boundary second read twice may count it twice).
    let quarantined: Option<i64> = sqlx::query_scalar(
        "SELECT (details->'customers'->>'quarantined')::bigint FROM bigcommerce.sync_runs ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(app.pool())
    .await
    .unwrap();
    assert!(quarantined >= Some(1), "{quarantined:?}");
    // The rest of the page is stored.
    for id in others {
        let company: Option<String> =
            sqlx::query_scalar("SELECT company FROM bigcommerce.customers WHERE id = $1")
                .bind(id)
                .fetch_one(app.pool())
                .await
                .unwrap();
        assert_eq!(company, Some(format!("Renamed {id}")));
    }
    let row = sqlx::query(
        "SELECT entity, entity_id, raw, error, first_seen, last_seen FROM bigcommerce.quarantine",
    )
    .fetch_all(app.pool())
    .await
    .unwrap();
    assert_eq!(row.len(), 1, "one record quarantined");
    use sqlx::Row;
    assert_eq!(row[0].get::<String, _>("entity"), "customers");
    assert_eq!(row[0].get::<i64, _>("entity_id"), victim);
    assert_eq!(
        row[0].get::<serde_json::Value, _>("raw")["date_created"],
        json!(12345)
    );
    assert!(row[0].get::<String, _>("error").contains("date_created"));

    // The source is fixed: the row syncs and leaves quarantine.
    app.sim.clear_corruptions();
    app.run_ok(&["sync"]).await;
    app.assert_mirror_exact().await;
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM bigcommerce.quarantine")
        .fetch_one(app.pool())
        .await
        .unwrap();
    assert_eq!(left, 0, "the fixed record left quarantine");
}
