//! Rough timings for a big store: `cargo run --release -p bcsync-simulator --example perf -- 1000000`.

use std::time::Instant;

use bcsync_simulator::{SimConfig, Simulator};

fn rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1));
    kb.and_then(|k| k.parse::<u64>().ok()).unwrap_or(0) / 1024
}

/// GETs `url` and prints how long the whole answer took, its size and `what`.
async fn timed_get(client: &reqwest::Client, sim: &Simulator, url: &str, what: &str) {
    let t = Instant::now();
    let body = client
        .get(url)
        .header("X-Auth-Token", sim.token())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    println!(
        "{:>8.2} ms  {:>7} bytes  {what}",
        t.elapsed().as_secs_f64() * 1e3,
        body.len()
    );
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let t = Instant::now();
    let sim = Simulator::start(SimConfig::default().with_customers(n))
        .await
        .unwrap();
    println!(
        "generated {n} customers in {:?}, RSS {} MiB",
        t.elapsed(),
        rss_mib()
    );
    let client = reqwest::Client::new();
    let base = format!("{}/stores/{}/v3/customers", sim.base_url(), sim.store_hash());
    let pages = (n / 250).max(1);
    for query in [
        "include=addresses",
        "include=addresses,formfields,attributes,storecredit&sort=date_modified:asc&date_modified:min=2023-06-01",
        "sort=date_modified:desc",
    ] {
        for page in [1, pages / 2, pages] {
            let url = format!("{base}?{query}&limit=250&page={page}");
            timed_get(&client, &sim, &url, &format!("page {page} {query}")).await;
        }
    }
    // The sub-resource listings walk indexes, not the customer rows; time a deep page.
    let v3 = format!("{}/stores/{}/v3", sim.base_url(), sim.store_hash());
    for path in [
        "/customers/attribute-values?limit=250&page=1000",
        "/customers/attribute-values?limit=250&date_modified:min=2023-12-01",
        "/customers/form-field-values?limit=250&page=1000",
        "/customers/form-field-values?limit=250&field_type=numbers",
        "/customers/metafields?limit=250&page=100&direction=desc",
        "/customers/77/stored-instruments",
    ] {
        timed_get(&client, &sim, &format!("{v3}{path}"), path).await;
    }
    sim.shutdown().await;
}
