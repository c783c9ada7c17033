//! Issue "the daemon", operator side: `bcsync check`, `status`, `webhooks register`,
//! and a daemon whose database is down.

use crate::common;

use std::time::Duration;

use bcsync_simulator::SimConfig;
use common::daemon::{DaemonSpec, free_port, write_config};
use common::{Api, show, spawn_app};
use reqwest::Method;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_status_and_webhook_registration_work_against_a_store() {
    let app = spawn_app(SimConfig::default().with_customers(200).with_seed(41)).await;
    let out = app.run(&["check"]).await;
    assert!(out.status.success(), "{}", show(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("ok   database reachable"), "{stdout}");
    assert!(stdout.contains("ok   store abc123: token valid"), "{stdout}");
    assert!(!stdout.contains("FAIL"), "{stdout}");

    // A wrong token: one clear line, non-zero.
    let mut cmd = app.command(&["check"]);
    cmd.env("BIGCOMMERCE_ACCESS_TOKEN", "wrong-token");
    let out = cmd.output().await.unwrap();
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "FAIL store abc123: BigCommerce rejects the access token (401) (check BIGCOMMERCE_ACCESS_TOKEN)"
        ),
        "{stdout}"
    );
    assert!(!show(&out).contains("wrong-token"), "the token is never printed");

    app.run_ok(&["sync"]).await;
    let out = app.run_ok(&["status"]).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("store abc123"), "{stdout}");
    assert!(stdout.contains("last sync        succeeded"), "{stdout}");
    assert!(
        stdout.contains("customers") && stdout.contains("200 live"),
        "{stdout}"
    );

    // Webhook registration needs a secret and a public URL: from a config file.
    let spec = DaemonSpec {
        database_url: &app.db.url,
        stores: vec![&app.sim],
        incremental: "0 0 * * * *",
        reconcile: "0 0 * * * *",
        webhook_secret: Some("whsec-reg"),
        lease_ttl_secs: 30,
    };
    let (_dir, path) = write_config(&spec, free_port());
    let mut text = std::fs::read_to_string(&path).unwrap();
    text = text.replace(
        "[webhooks]\n",
        "[webhooks]\npublic_url = \"https://bcsync.example.com/webhooks/bigcommerce\"\n",
    );
    std::fs::write(&path, text).unwrap();
    for _ in 0..2 {
        // Twice: the second run refreshes the same six hooks instead of adding more.
        let out = app
            .run(&["webhooks", "register", "--config", path.to_str().unwrap()])
            .await;
        assert!(out.status.success(), "{}", show(&out));
    }
    let hooks = Api::new(&app).send(Method::GET, "/hooks", None).await;
    let hooks = hooks["data"].as_array().unwrap();
    assert_eq!(hooks.len(), 6, "{hooks:?}");
    for h in hooks {
        assert_eq!(
            h["destination"],
            "https://bcsync.example.com/webhooks/bigcommerce"
        );
        assert_eq!(h["headers"]["X-Bcsync-Webhook-Secret"], "whsec-reg");
        assert!(h["scope"].as_str().unwrap().starts_with("store/customer/"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_daemon_whose_database_is_down_stays_up_not_ready_and_stops_cleanly() {
    let app = spawn_app(SimConfig::default().with_customers(10)).await;
    let spec = DaemonSpec {
        database_url: "postgres://nobody:pw@127.0.0.1:1/none",
        stores: vec![&app.sim],
        incremental: "*/2 * * * * *",
        reconcile: "*/2 * * * * *",
        webhook_secret: None,
        lease_ttl_secs: 3,
    };
    let port = free_port();
    let (_dir, path) = write_config(&spec, port);
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_bcsync"))
        .args(["run", "--config"])
        .arg(&path)
        .env_clear()
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let mut healthy = false;
    for _ in 0..100 {
        if reqwest::get(format!("{base}/healthz"))
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            healthy = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(healthy, "/healthz answers while the database is down");
    let ready = reqwest::get(format!("{base}/readyz")).await.unwrap();
    assert_eq!(ready.status(), 503);
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(child.try_wait().unwrap().is_none(), "the daemon does not exit");
    common::daemon::signal(child.id().unwrap(), "-TERM");
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("stops within 10 s")
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().await.unwrap();
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains(":pw@"),
        "the password is never logged"
    );
}
