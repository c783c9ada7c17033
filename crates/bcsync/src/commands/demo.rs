//! `bcsync demo`: a simulated store mirrored into PostgreSQL, end to end, in one command.
//!
//! Starts the simulator in-process, uses `DATABASE_URL` or else a throwaway PostgreSQL
//! from the system's binaries, runs a first pass, lets the "merchant" change things,
//! runs an incremental pass and a resync, and prints what landed.

use anyhow::Context;
use bcsync_simulator::{SimConfig, Simulator};
use bcsync_store::Store;
use bigcommerce::{BigCommerceClient, ClientConfig};
use secrecy::SecretString;
use throwaway_pg::ThrowawayPg;

use super::migrate::connect_and_migrate;
use crate::cli::DemoArgs;
use bcsync_config::{DatabaseConfig, Location};
use bcsync_pipeline::{PassKind, PassOptions, run_pass};

/// Where the demo mirrors, when set.
const DATABASE_URL: &str = "DATABASE_URL";

const DEMO_STORE: &str = "demo1";

pub async fn run(args: DemoArgs) -> anyhow::Result<()> {
    let token = format!("demo-{:016x}", rand_u64());
    let sim = Simulator::start(
        SimConfig::default()
            .with_customers(args.customers)
            .with_seed(args.seed)
            .with_store_hash(DEMO_STORE)
            .with_token(token.clone()),
    )
    .await
    .context("starting the simulator")?;
    println!(
        "simulated store `{DEMO_STORE}`: {} customers at {}",
        args.customers,
        sim.base_url()
    );

    // Keep the throwaway cluster alive until the end of the demo.
    let (db, _cluster) = database().await?;
    let store = connect_and_migrate(&db).await?;
    let client = BigCommerceClient::new(ClientConfig::new(
        sim.base_url(),
        DEMO_STORE,
        SecretString::from(token),
    ))?;
    let mut opts = PassOptions::default();
    // Small demo store: sweep everything in one pass.
    opts.sweep.pages_per_pass = 1_000;
    opts.listing_pages = 1_000;
    opts.customer_slice = args.customers;

    let first = run_pass(&client, &store, PassKind::Sync, &opts).await?;
    println!(
        "\n1. first pass (nothing mirrored yet):\n   {}",
        first.summary_line(PassKind::Sync, DEMO_STORE)
    );

    let changed = merchant_activity(&sim);
    println!("\n2. meanwhile the merchant {changed}");
    let second = run_pass(&client, &store, PassKind::Sync, &opts).await?;
    println!(
        "\n3. incremental pass:\n   {}",
        second.summary_line(PassKind::Sync, DEMO_STORE)
    );
    let third = run_pass(&client, &store, PassKind::Resync, &opts).await?;
    println!(
        "\n4. resync (finds deletes):\n   {}",
        third.summary_line(PassKind::Resync, DEMO_STORE)
    );

    print_mirror(&store, &sim).await?;
    sim.shutdown().await;
    Ok(())
}

/// `DATABASE_URL` if set, else a throwaway cluster (returned so it outlives the demo).
async fn database() -> anyhow::Result<(DatabaseConfig, Option<ThrowawayPg>)> {
    let config = |url: String, source: &str| DatabaseConfig {
        url: SecretString::from(url),
        url_source: Location::Env {
            var: source.to_owned(),
        },
        max_connections: bcsync_config::defaults::MAX_CONNECTIONS,
    };
    match std::env::var(DATABASE_URL) {
        Ok(url) if !url.trim().is_empty() => {
            println!("mirroring into {DATABASE_URL}");
            return Ok((config(url.trim().to_owned(), DATABASE_URL), None));
        }
        Ok(_) => anyhow::bail!("{DATABASE_URL} is set but empty"),
        Err(_) => {}
    }
    let pg = ThrowawayPg::start()
        .await
        .context("starting a throwaway PostgreSQL (DATABASE_URL is unset)")?;
    let url = pg
        .create_database("bcsync_demo")
        .await
        .context("creating the demo database")?;
    println!(
        "mirroring into a throwaway PostgreSQL on 127.0.0.1:{} (removed when the demo ends)",
        pg.port()
    );
    Ok((config(url, "the throwaway PostgreSQL"), Some(pg)))
}

/// Edits customers, edits and adds addresses (which do not bump the customer's
/// `date_modified`) and deletes customers, as a merchant's other apps would.
fn merchant_activity(sim: &Simulator) -> String {
    let customers = sim.customers();
    let edited: Vec<i64> = customers.iter().step_by(97).map(|c| c.id).collect();
    for id in &edited {
        sim.update_customer(*id, |c| c.notes = Some("VIP since the demo".to_owned()));
    }
    let addresses = sim.addresses();
    let moved: Vec<i64> = addresses.iter().step_by(211).map(|a| a.id).collect();
    for id in &moved {
        sim.update_address(*id, |a| a.city = Some("Springfield".to_owned()));
    }
    let deleted: Vec<i64> = customers.iter().rev().step_by(503).map(|c| c.id).collect();
    sim.delete_customers(&deleted);
    format!(
        "edited {} customers, moved {} addresses to Springfield (without touching their customers) \
         and deleted {} customers",
        edited.len(),
        moved.len(),
        deleted.len()
    )
}

async fn print_mirror(store: &Store, sim: &Simulator) -> anyhow::Result<()> {
    let pool = store.pool();
    let (customers, deleted): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE deleted_at IS NULL), count(*) FILTER (WHERE deleted_at IS NOT NULL)
         FROM bigcommerce.customers WHERE store_hash = $1",
    )
    .bind(DEMO_STORE)
    .fetch_one(pool)
    .await?;
    let addresses: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM bigcommerce.customer_addresses WHERE store_hash = $1 AND deleted_at IS NULL",
    )
    .bind(DEMO_STORE)
    .fetch_one(pool)
    .await?;
    let springfield: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM bigcommerce.customer_addresses
         WHERE store_hash = $1 AND deleted_at IS NULL AND city = 'Springfield'",
    )
    .bind(DEMO_STORE)
    .fetch_one(pool)
    .await?;
    println!("\nwhat landed in schema `bigcommerce`:");
    println!(
        "   customers:          {customers} live, {deleted} soft-deleted (simulator has {})",
        sim.customer_count()
    );
    println!(
        "   customer_addresses: {addresses} live (simulator has {})",
        sim.addresses().len()
    );
    println!("   addresses in Springfield: {springfield}");
    let sample: Vec<SampleRow> = sqlx::query_as(
        "SELECT c.id, c.email, c.first_name, c.last_name,
                (SELECT count(*) FROM bigcommerce.customer_addresses a
                 WHERE a.store_hash = c.store_hash AND a.customer_id = c.id AND a.deleted_at IS NULL)
         FROM bigcommerce.customers c WHERE c.store_hash = $1 AND c.deleted_at IS NULL
         ORDER BY 5 DESC, c.id LIMIT 5",
    )
    .bind(DEMO_STORE)
    .fetch_all(pool)
    .await?;
    println!("\n   customers with the most addresses:");
    for (id, email, first, last, n) in sample {
        let name = format!("{} {}", first.unwrap_or_default(), last.unwrap_or_default());
        println!(
            "   {id:>7}  {:<36} {name:<28} {n} addresses",
            email.unwrap_or_default()
        );
    }
    let runs: Vec<(i64, String, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT id, kind, outcome, requests, rows_written, rows_deleted FROM bigcommerce.sync_runs
         WHERE store_hash = $1 ORDER BY id",
    )
    .bind(DEMO_STORE)
    .fetch_all(pool)
    .await?;
    println!("\n   sync_runs:");
    for (id, kind, outcome, requests, written, deleted) in runs {
        println!(
            "   #{id} {kind:<7} {outcome:<10} {requests:>4} requests {written:>6} rows written {deleted:>4} deleted"
        );
    }
    Ok(())
}

/// id, email, first name, last name, live addresses.
type SampleRow = (i64, Option<String>, Option<String>, Option<String>, i64);

/// A token that differs per run; the demo never shows it.
fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::time::SystemTime::now())
}
