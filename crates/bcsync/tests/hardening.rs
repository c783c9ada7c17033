//! Issue 10, part 5, through the real binary: a NOTIFY on the webhook channel from a
//! role that is not bcsync's triggers no API read (while a real delivery still does),
//! and `bcsync webhooks register` never creates a hook twice when a create's answer
//! is lost.

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bcsync_simulator::SimConfig;
use common::daemon::{Daemon, DaemonSpec, eventually};
use common::mirror::is_exact;
use common::{show, spawn_app};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const HOURLY: &str = "0 0 * * * *";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notify_from_another_database_role_triggers_no_api_read() {
    let app = spawn_app(SimConfig::default().with_customers(50).with_seed(301)).await;
    let (sim, pool) = (&app.sim, app.pool());
    let spec = DaemonSpec {
        database_url: &app.db.url,
        stores: vec![sim],
        incremental: HOURLY,
        reconcile: HOURLY,
        webhook_secret: Some("whsec-notify"),
        lease_ttl_secs: 30,
    };
    let daemon = Daemon::start(&spec).await;
    eventually(Duration::from_secs(30), "the startup pass", || {
        is_exact(sim, pool, "abc123")
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = sim.request_count();

    // Another role: it can NOTIFY (anyone can), in the format an earlier version
    // trusted, but cannot write the table events really travel through.
    let mut conn = pool.acquire().await.unwrap();
    for sql in [
        "CREATE ROLE intruder NOLOGIN",
        "GRANT USAGE ON SCHEMA bigcommerce TO intruder",
        "SET ROLE intruder",
    ] {
        sqlx::query(sql).execute(&mut *conn).await.unwrap();
    }
    let id = sim.customers()[3].id;
    for payload in [format!("abc123 {id}"), String::new(), "abc123".to_owned()] {
        sqlx::query("SELECT pg_notify('bcsync_webhooks', $1)")
            .bind(&payload)
            .execute(&mut *conn)
            .await
            .unwrap();
    }
    let insert =
        sqlx::query("INSERT INTO bigcommerce.webhook_events (store_hash, customer_id) VALUES ('abc123', $1)")
            .bind(id)
            .execute(&mut *conn)
            .await;
    assert!(insert.is_err(), "the intruder cannot queue an event");
    sqlx::query("RESET ROLE").execute(&mut *conn).await.unwrap();
    drop(conn);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        sim.request_count(),
        before,
        "a forged NOTIFY made the daemon call the API"
    );

    // A genuine delivery still reaches the mirror, through the same channel.
    sim.update_customer(id, |c| c.last_name = Some("Genuine".into()));
    let delivered = reqwest::Client::new()
        .post(format!("{}/webhooks/bigcommerce", daemon.addr))
        .header("X-Bcsync-Webhook-Secret", "whsec-notify")
        .json(&json!({"scope": "store/customer/updated", "store_id": "1", "data": {"type": "customer", "id": id},
            "hash": "x", "created_at": 1, "producer": "stores/abc123"}))
        .send()
        .await
        .unwrap();
    assert_eq!(delivered.status(), 202);
    eventually(Duration::from_secs(5), "the genuine event applied", || async {
        sqlx::query_scalar::<_, String>("SELECT last_name FROM bigcommerce.customers WHERE id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
            .is_ok_and(|n| n == "Genuine")
    })
    .await;
    assert!(sim.request_count() > before);
    let out = daemon.terminate(Duration::from_secs(25)).await;
    assert!(out.status.success(), "{}", show(&out));
}

/// Hooks as the fake API holds them; the first create is stored but answered 500.
#[derive(Clone, Default)]
struct Hooks {
    created: Arc<Mutex<Vec<Value>>>,
    posts: Arc<Mutex<u32>>,
}

struct List(Hooks);
struct Create(Hooks);

impl Respond for List {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let data = self.0.created.lock().unwrap().clone();
        ResponseTemplate::new(200).set_body_json(json!({"data": data, "meta": {}}))
    }
}

impl Respond for Create {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut hook: Value = serde_json::from_slice(&request.body).unwrap();
        let mut created = self.0.created.lock().unwrap();
        hook["id"] = json!(created.len() + 1);
        created.push(hook.clone());
        let mut posts = self.0.posts.lock().unwrap();
        *posts += 1;
        if *posts == 1 {
            // Done, but the answer is lost: a blind retry would create it twice.
            ResponseTemplate::new(500)
        } else {
            ResponseTemplate::new(200).set_body_json(json!({"data": hook}))
        }
    }
}

#[tokio::test]
async fn webhooks_register_lists_again_after_a_failed_create_instead_of_creating_twice() {
    let api = MockServer::start().await;
    let hooks = Hooks::default();
    Mock::given(method("GET"))
        .and(path("/stores/abc123/v3/hooks"))
        .respond_with(List(hooks.clone()))
        .mount(&api)
        .await;
    Mock::given(method("POST"))
        .and(path("/stores/abc123/v3/hooks"))
        .respond_with(Create(hooks.clone()))
        .mount(&api)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {}})))
        .mount(&api)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bcsync.toml");
    std::fs::write(
        &config,
        format!(
            "[database]\nurl = \"postgres://bcsync@127.0.0.1:1/bcsync\"\n\
             [webhooks]\nsecret = \"whsec-reg\"\npublic_url = \"https://bcsync.example.com/webhooks/bigcommerce\"\n\
             [[stores]]\nhash = \"abc123\"\ntoken = \"tok\"\napi_url = \"{}\"\n",
            api.uri()
        ),
    )
    .unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_bcsync"))
        .args(["webhooks", "register", "--config"])
        .arg(&config)
        .env_clear()
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "{}", show(&out));
    let created = hooks.created.lock().unwrap().clone();
    let mut scopes: Vec<&str> = created.iter().map(|h| h["scope"].as_str().unwrap()).collect();
    scopes.sort_unstable();
    let total = scopes.len();
    scopes.dedup();
    assert_eq!(
        (total, scopes.len()),
        (6, 6),
        "each scope created once: {created:?}"
    );
    assert_eq!(*hooks.posts.lock().unwrap(), 6);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.matches(" created").count(), 6, "{stdout}");
}
