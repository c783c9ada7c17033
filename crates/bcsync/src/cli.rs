//! The command line. Settings come from the configuration file and the environment
//! (see `bcsync_config`); the one-shot commands also run from the environment alone.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "bcsync",
    version,
    about = "Mirror a BigCommerce store's customers into PostgreSQL"
)]
pub struct Cli {
    /// More log output (-v: debug, -vv: trace). RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run as a service: scheduled passes for every configured store, health, metrics
    /// and webhooks over HTTP, until SIGTERM.
    Run(RunArgs),
    /// Apply the database migrations, then exit.
    Migrate,
    /// One pass (changes, deletes, sweeps) for the configured store(s), then exit.
    Sync(StoreArgs),
    /// Re-read everything from the start, ignoring the watermark; marks customers that
    /// no longer exist upstream as deleted.
    Resync(ResyncArgs),
    /// Per store and resource: watermark, last pass and outcome, lag, rows, lease.
    Status(StatusArgs),
    /// Check the database and every store's token and scopes, one line each.
    Check(ConfigArg),
    /// Configuration commands.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Webhook subscriptions.
    #[command(subcommand)]
    Webhooks(WebhooksCommand),
    /// Start a simulated store in-process, mirror it into DATABASE_URL (or a throwaway
    /// PostgreSQL when unset) and print what landed.
    Demo(DemoArgs),
}

#[derive(Debug, clap::Args)]
pub struct ConfigArg {
    /// The TOML configuration (default: `bcsync.toml` in the working directory, if
    /// present; else the environment alone).
    #[arg(long)]
    pub config: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// Print JSON (fields in docs/schema.md, "Freshness") instead of text.
    #[arg(long)]
    pub json: bool,
    /// Exit 1 when a store or resource last synced longer ago than this (`90s`, `15m`,
    /// `2h`, `1d`) or its last pass failed.
    #[arg(long, value_name = "DURATION", value_parser = crate::commands::status::parse_lag)]
    pub max_lag: Option<std::time::Duration>,
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// Where to serve /healthz, /readyz, /metrics and /webhooks/bigcommerce
    /// (default from the configuration: 0.0.0.0:9187).
    #[arg(long)]
    pub listen: Option<SocketAddr>,
    /// Log format: auto (JSON when stdout is not a terminal), json or text.
    #[arg(long, value_parser = ["auto", "json", "text"])]
    pub log_format: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct StoreArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// Only this store (its hash); default: every configured store.
    #[arg(long)]
    pub store: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate the configuration and print the effective settings, secrets redacted.
    Check(ConfigArg),
}

#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// Create (or refresh) the store/customer/* subscriptions pointing at
    /// webhooks.public_url.
    Register(StoreArgs),
}

#[derive(Debug, clap::Args)]
pub struct ResyncArgs {
    #[command(flatten)]
    pub target: StoreArgs,
    /// Re-read only this resource (e.g. `customers`, which includes their addresses
    /// and form fields, or `attribute_values`).
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(crate::pass::RESOURCES))]
    pub resource: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Customers in the simulated store.
    #[arg(long, default_value_t = 3000)]
    pub customers: usize,
    /// Seed of the simulated data.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}
