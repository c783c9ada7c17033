//! The command line. Every command but `demo` loads its settings one way (see
//! `bcsync_config`): `--config`, else `BCSYNC_CONFIG`, else `bcsync.toml` if present,
//! then `BCSYNC__SECTION__KEY` overrides and the legacy single-store variables.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

const EXAMPLES: &str = "\
Examples:
  bcsync migrate --config /etc/bcsync/bcsync.toml
  BCSYNC__DATABASE__URL=postgres://bcsync@db/bcsync bcsync migrate
  bcsync run --config /etc/bcsync/bcsync.toml --listen 127.0.0.1:9187
  bcsync sync --store abc123 --log-format json
  bcsync resync --store abc123 --resource customers
  bcsync config check
  bcsync erase --store abc123 --customer 42

Settings: a TOML file (--config, BCSYNC_CONFIG or ./bcsync.toml), under environment
overrides BCSYNC__<SECTION>__<KEY> and BCSYNC__STORES__<HASH>__<KEY>. Without a file,
DATABASE_URL, BIGCOMMERCE_STORE_HASH and BIGCOMMERCE_ACCESS_TOKEN describe one store.
A bad configuration exits with status 78 (EX_CONFIG).";

#[derive(Debug, Parser)]
#[command(
    name = "bcsync",
    version,
    about = "Mirror a BigCommerce store's customers into PostgreSQL",
    after_help = EXAMPLES
)]
pub struct Cli {
    /// More log output (-v: debug, -vv: trace). RUST_LOG and [log] level are
    /// overridden by it.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// The TOML configuration (default: `bcsync.toml` in the working directory, if
    /// present; else the environment alone).
    #[arg(long, global = true, env = "BCSYNC_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Log format: auto (JSON when the log goes to a non-terminal for `run`, text for
    /// the other commands), json or text. Overrides [log] format
    /// (BCSYNC__LOG__FORMAT).
    #[arg(long, global = true, value_parser = ["auto", "json", "text"])]
    pub log_format: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run as a service: scheduled passes for every configured store, health, metrics
    /// and webhooks over HTTP, until SIGTERM.
    Run(RunArgs),
    /// Apply the database migrations, then exit (needs only the database settings).
    Migrate,
    /// One pass (changes, deletes, sweeps) for the configured store(s), then exit.
    Sync(StoreArgs),
    /// Re-read everything from the start, ignoring the watermark; marks customers that
    /// no longer exist upstream as deleted.
    Resync(ResyncArgs),
    /// Per store and resource: watermark, last pass and outcome, lag, rows, lease.
    Status(StatusArgs),
    /// Check the database and every store's token and scopes, one line each.
    Check,
    /// Configuration commands.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Webhook subscriptions.
    #[command(subcommand)]
    Webhooks(WebhooksCommand),
    /// Scrub one customer's personal data (and its addresses', instruments', ...) from
    /// the mirror now, for a data-subject request; logged as `erase` in change_log.
    Erase(EraseArgs),
    #[cfg(feature = "demo")]
    /// Start a simulated store in-process, mirror it into DATABASE_URL (or a throwaway
    /// PostgreSQL when unset) and print what landed. Reads no configuration file.
    Demo(DemoArgs),
}

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
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
    /// Where to serve /healthz, /readyz, /metrics and /webhooks/bigcommerce
    /// (overrides [http] listen, BCSYNC__HTTP__LISTEN; default 0.0.0.0:9187).
    #[arg(long)]
    pub listen: Option<SocketAddr>,
}

#[derive(Debug, clap::Args)]
pub struct StoreArgs {
    /// Only this store (its hash); default: every configured store.
    #[arg(long)]
    pub store: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct EraseArgs {
    /// The store (its hash); may be left out when only one store is configured.
    #[arg(long)]
    pub store: Option<String>,
    /// The BigCommerce customer id.
    #[arg(long)]
    pub customer: i64,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate the configuration and print the effective settings, secrets redacted.
    Check,
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
    #[arg(long, value_parser = resource_parser())]
    pub resource: Option<bcsync_pipeline::Resource>,
}

/// `--resource`: the names of `bcsync_pipeline::pass_resources`, so `--help` and a
/// wrong name list the valid ones.
fn resource_parser() -> impl clap::builder::TypedValueParser<Value = bcsync_pipeline::Resource> {
    use clap::builder::TypedValueParser;
    let names: Vec<&'static str> = bcsync_pipeline::pass_resources().map(|r| r.as_str()).collect();
    clap::builder::PossibleValuesParser::new(names).try_map(|name| name.parse::<bcsync_pipeline::Resource>())
}

#[cfg(feature = "demo")]
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Customers in the simulated store.
    #[arg(long, default_value_t = 3000)]
    pub customers: usize,
    /// Seed of the simulated data.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}
