//! `bcsync demo`: a simulated store mirrored into PostgreSQL, end to end, in one command.
//!
//! Starts the simulator in-process, uses `DATABASE_URL` or else a throwaway PostgreSQL
//! from the system's binaries, runs a first pass, lets the "merchant" change things,
//! runs an incremental pass and a resync, and prints what landed.

use anyhow::Context;
use bcsync_mirror::Mirror;
use bcsync_simulator::{SimConfig, Simulator};
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
    let mirror = connect_and_migrate(&db).await?;
    let client = BigCommerceClient::new(ClientConfig::new(
        sim.base_url(),
        DEMO_STORE,
        SecretString::from(token),
    ))?;
    let mut opts = PassOptions::default();
    // Small demo store: sweep everything in one pass.
    opts.sweeps.overrides = bcsync_reconciler::PlanOverrides {
        customer_requests: Some(1_000),
        address_pages: Some(1_000),
        metafield_pages: Some(1_000),
        per_customer: Some(u32::try_from(args.customers).unwrap_or(u32::MAX)),
    };

    let first = run_pass(&client, &mirror, PassKind::Sync, &opts).await?;
    println!(
        "\n1. first pass (nothing mirrored yet):\n   {}",
        first.summary_line(PassKind::Sync, DEMO_STORE)
    );

    let changed = merchant_activity(&sim);
    println!("\n2. meanwhile the merchant {changed}");
    let second = run_pass(&client, &mirror, PassKind::Sync, &opts).await?;
    println!(
        "\n3. incremental pass:\n   {}",
        second.summary_line(PassKind::Sync, DEMO_STORE)
    );
    let third = run_pass(&client, &mirror, PassKind::Resync, &opts).await?;
    println!(
        "\n4. resync (finds deletes):\n   {}",
        third.summary_line(PassKind::Resync, DEMO_STORE)
    );

    print_mirror(&mirror, &sim).await?;
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

async fn print_mirror(mirror: &Mirror, sim: &Simulator) -> anyhow::Result<()> {
    let counts = mirror.mirror_counts(DEMO_STORE).await?;
    let springfield = mirror.addresses_in_city(DEMO_STORE, "Springfield").await?;
    println!("\nwhat landed in schema `bigcommerce`:");
    println!(
        "   customers:          {} live, {} soft-deleted (simulator has {})",
        counts.customers_live,
        counts.customers_deleted,
        sim.customer_count()
    );
    println!(
        "   customer_addresses: {} live (simulator has {})",
        counts.addresses_live,
        sim.addresses().len()
    );
    // Fewer than were moved when a moved address's customer was deleted since.
    let springfield_at_source = sim
        .addresses()
        .iter()
        .filter(|a| a.city.as_deref() == Some("Springfield"))
        .count();
    println!("   addresses in Springfield: {springfield} (simulator has {springfield_at_source})");
    println!("\n   customers with the most addresses:");
    for c in mirror.customers_with_most_addresses(DEMO_STORE, 5).await? {
        let name = format!(
            "{} {}",
            c.first_name.unwrap_or_default(),
            c.last_name.unwrap_or_default()
        );
        println!(
            "   {:>7}  {:<36} {name:<28} {} addresses",
            c.id,
            c.email.unwrap_or_default(),
            c.addresses
        );
    }
    println!("\n   sync_runs:");
    for r in mirror.run_totals(DEMO_STORE).await? {
        println!(
            "   #{} {:<7} {:<10} {:>4} requests {:>6} rows written {:>4} deleted",
            r.id, r.kind, r.outcome, r.requests, r.rows_written, r.rows_deleted
        );
    }
    Ok(())
}

/// A token that differs per run; the demo never shows it.
fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::time::SystemTime::now())
}
