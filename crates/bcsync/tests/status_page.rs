//! The status page at `/`, as a person sees it: a real `bcsync run` syncs two simulated
//! stores; the page is fetched (HTML with no script and no external asset), then headless
//! Chromium (Debian's `chromium`; that part is skipped with a message where it is not
//! installed) loads it, and the rendered DOM shows a row per store, each store's
//! resources, passes and lag chart (an SVG line), and no customer data. The screenshot
//! is kept under target/tmp/status-page as a test artifact.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use bcsync_mirror::testing::fresh_database;
use bcsync_simulator::{SimConfig, Simulator};
use common::daemon::{Daemon, DaemonSpec, eventually};

/// Chromium with everything that would reach the network or a profile turned off, in a
/// new profile directory of its own.
async fn chromium(args: &[String]) -> std::process::Output {
    let profile = tempfile::tempdir().unwrap();
    let child = tokio::process::Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("chromium starts");
    tokio::time::timeout(Duration::from_secs(90), child.wait_with_output())
        .await
        .expect("chromium finished within 90 s")
        .unwrap()
}

fn artifact(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("status-page");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_shows_each_store_with_its_passes_and_a_lag_chart() {
    let db = fresh_database().await;
    let one = Simulator::start(SimConfig::default().with_customers(60).with_seed(3))
        .await
        .unwrap();
    let two = Simulator::start(
        SimConfig::default()
            .with_customers(40)
            .with_seed(4)
            .with_store_hash("def456"),
    )
    .await
    .unwrap();
    let daemon = Daemon::start(&DaemonSpec {
        database_url: &db.url,
        stores: vec![&one, &two],
        incremental: "*/2 * * * * *",
        reconcile: "0 0 3 1 1 *",
        webhook_secret: None,
        lease_ttl_secs: 10,
    })
    .await;
    // A few passes per store, so the chart has a line to draw.
    let pool = db.mirror.pool().clone();
    eventually(
        Duration::from_secs(60),
        "three succeeded passes per store",
        || {
            let pool = pool.clone();
            async move {
                let counts: Vec<i64> = sqlx::query_scalar(
                    "SELECT count(*) FROM bigcommerce.sync_runs WHERE outcome = 'succeeded' \
                 GROUP BY store_hash HAVING count(*) >= 3",
                )
                .fetch_all(&pool)
                .await
                .unwrap_or_default();
                counts.len() == 2
            }
        },
    )
    .await;

    let url = format!("{}/", daemon.addr);
    let page = daemon.get("/").await;
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text().await.unwrap();
    // Works with JavaScript off: there is none, not even an inline handler.
    assert!(!html.contains("<script"), "the page carries a script");
    let handler = html
        .split(|c: char| c.is_whitespace())
        .find(|word| word.starts_with("on") && word.contains('='));
    assert!(handler.is_none(), "an event handler attribute: {handler:?}");
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "the page loads an external asset"
    );

    for store in ["abc123", "def456"] {
        assert!(
            html.contains(&format!("data-store=\"{store}\"")),
            "no row for {store}"
        );
    }
    if std::process::Command::new("chromium")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!(
            "SKIPPED the browser part: `chromium` is not installed (apt-get install chromium, or run scripts/ci/monitoring-tools.sh)"
        );
        daemon.terminate(Duration::from_secs(25)).await;
        return;
    }
    let dom = chromium(&["--dump-dom".to_owned(), url.clone()]).await;
    let dom_text = String::from_utf8_lossy(&dom.stdout).into_owned();
    assert!(
        dom.status.success() && dom_text.contains("</html>"),
        "chromium --dump-dom failed:\n{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    std::fs::write(artifact("status-page.html"), &dom_text).unwrap();
    for store in ["abc123", "def456"] {
        assert!(
            dom_text.contains(&format!("<tr class=\"store\" data-store=\"{store}\">")),
            "no row for store {store} in:\n{dom_text}"
        );
        assert!(dom_text.contains(&format!("<section id=\"store-{store}\">")));
        assert!(
            dom_text.contains(&format!(
                "aria-label=\"lag of store {store} over the last 6 hours\""
            )),
            "no lag chart for {store}"
        );
    }
    // Both charts draw a line (not the "no successful pass" notice), and passes show.
    assert_eq!(
        dom_text.matches("<polyline class=\"lag-line\"").count(),
        2,
        "{dom_text}"
    );
    assert!(dom_text.contains("<td class=\"succeeded\">succeeded</td>"));
    assert!(dom_text.contains("<td>customers</td>"), "no resource rows");
    // The lease holder is this daemon (one replica): named, not "none".
    assert!(!dom_text.contains("none yet") && !dom_text.contains("lease expired"));
    // No customer data: none of the simulated customers' emails or names.
    for sim in [&one, &two] {
        for email in sim.customers().iter().filter_map(|c| c.email.as_deref()) {
            assert!(!dom_text.contains(email), "a customer's email is on the page");
        }
    }

    let screenshot = artifact("status-page.png");
    let _ = std::fs::remove_file(&screenshot);
    let shot = chromium(&[
        format!("--screenshot={}", screenshot.display()),
        "--window-size=1280,1800".to_owned(),
        "--hide-scrollbars".to_owned(),
        url,
    ])
    .await;
    let png = std::fs::read(&screenshot).unwrap_or_else(|e| {
        panic!(
            "no screenshot at {} ({e}):\n{}",
            screenshot.display(),
            String::from_utf8_lossy(&shot.stderr)
        )
    });
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "a blank or broken screenshot"
    );
    eprintln!("screenshot: {}", screenshot.display());
    daemon.terminate(Duration::from_secs(25)).await;
}
