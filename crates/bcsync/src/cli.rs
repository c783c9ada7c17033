//! The command line. Connection settings come from the environment (see `settings`).

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
    /// Apply the database migrations, then exit.
    Migrate,
    /// One incremental pass for the configured store, then exit.
    Sync,
    /// Re-read everything from the start, ignoring the watermark; marks customers that
    /// no longer exist upstream as deleted.
    Resync(ResyncArgs),
    /// Start a simulated store in-process, mirror it into DATABASE_URL (or a throwaway
    /// PostgreSQL when unset) and print what landed.
    Demo(DemoArgs),
}

#[derive(Debug, clap::Args)]
pub struct ResyncArgs {
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
