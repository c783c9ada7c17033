//! `bcsync-sim`: serves a simulated BigCommerce store until Ctrl-C.

use std::net::SocketAddr;

use bcsync_simulator::{SimConfig, Simulator};
use clap::Parser;

#[derive(Debug, Parser)]
#[command(
    name = "bcsync-sim",
    version,
    about = "A simulated BigCommerce Customers V3 API"
)]
struct Args {
    /// Customers to generate.
    #[arg(long, default_value_t = 1_000)]
    customers: usize,
    /// Seed for the data and for fault injection.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Requests allowed per window (default: unlimited).
    #[arg(long)]
    quota: Option<u32>,
    /// Rate-limit window in milliseconds.
    #[arg(long, default_value_t = 30_000)]
    window_ms: u64,
    /// Delay before each answer, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Chance (0 to 1) that a GET gets an injected fault.
    #[arg(long, default_value_t = 0.0, value_parser = probability)]
    fault_rate: f64,
    #[arg(long, default_value = "abc123")]
    store_hash: String,
    /// Expected X-Auth-Token.
    #[arg(long, default_value = "sim-token")]
    token: String,
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Make address writes bump the owning customer's date_modified.
    #[arg(long)]
    address_edits_touch_customer: bool,
    /// Act as a token without store_stored_payment_instruments_read_only: stored
    /// instruments answer 403.
    #[arg(long)]
    no_instruments_scope: bool,
    /// Most addresses per generated customer (10: none needs more than one request).
    #[arg(long, default_value_t = 25)]
    max_addresses: usize,
    /// POST every customer and address event here (like one active hook on
    /// store/customer/*); hooks can also be registered through /hooks.
    #[arg(long, requires = "webhook_secret")]
    webhook_target: Option<String>,
    /// Sent with --webhook-target deliveries as X-Bcsync-Webhook-Secret.
    #[arg(long, requires = "webhook_target")]
    webhook_secret: Option<String>,
    /// Chance (0 to 1) that a listing answer leaves out one live row (its total still
    /// counts it), like a search index a moment behind.
    #[arg(long, default_value_t = 0.0, value_parser = probability)]
    listing_lag: f64,
}

fn probability(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!("{s:?} is not a number between 0 and 1")),
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let cfg = SimConfig {
        store_hash: args.store_hash,
        token: args.token,
        customers: args.customers,
        seed: args.seed,
        quota: args.quota,
        window_ms: args.window_ms,
        latency_ms: args.latency_ms,
        fault_rate: args.fault_rate,
        address_edits_touch_customer: args.address_edits_touch_customer,
        instruments_scope: !args.no_instruments_scope,
        max_addresses: args.max_addresses,
        webhook_target: args.webhook_target.zip(args.webhook_secret),
        listing_lag: args.listing_lag,
    };
    let target = cfg.webhook_target.as_ref().map(|(url, _)| url.clone());
    let sim = Simulator::start_on(cfg, args.listen).await?;
    println!(
        "bcsync-sim: {} customers at {} (store hash {}, X-Auth-Token set)",
        sim.customer_count(),
        sim.base_url(),
        sim.store_hash()
    );
    if let Some(url) = target {
        println!("bcsync-sim: webhooks for every customer and address change go to {url}");
    }
    stopped().await?;
    // For benchmark scripts: what the run cost the store's quota.
    println!(
        "bcsync-sim: served {} requests, {} answered 429",
        sim.request_count(),
        sim.count_429()
    );
    sim.shutdown().await;
    Ok(())
}

/// Ctrl-C, or SIGTERM where there is one (containers and service managers send it).
async fn stopped() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r,
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}
