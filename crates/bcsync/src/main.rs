//! `bcsync`: keeps a PostgreSQL mirror of a BigCommerce store's customers.
//!
//! - [`cli`]: the command line.
//! - [`init`]: startup steps, the configuration first (every command loads it the same
//!   way, through `init::config`); [`daemon`]: the daemon's running parts.
//! - the pass itself (one sync or resync of one store) is `bcsync_pipeline`'s.
//! - [`commands`]: one file per subcommand.
//! - [`logging`]: one way to log for every command; [`failure`]: errors as one line
//!   and an exit status; [`output`]: printing that ends quietly on a closed pipe.
//!
//! This is the only crate that uses `anyhow`: libraries return typed errors, and
//! here they become one line for the operator.

mod cli;
mod commands;
mod daemon;
mod failure;
mod init;
mod logging;
mod output;
mod progress;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::Command;

/// jemalloc rather than glibc's malloc: a resync allocates and frees millions of small
/// JSON strings, and glibc spent about a fifth of bcsync's CPU on that (bins, chunk
/// merging); jemalloc takes a quarter off bcsync's CPU for 3 MiB more peak memory
/// (docs/decisions.md, "Allocator").
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    // The configuration decides the log format, so it is read first; a bad one stops
    // here, before anything runs, with status 78.
    let config = match load_config(&cli) {
        Ok(config) => config,
        Err(e) => return failure::report(&e),
    };
    let target = match cli.command {
        Command::Run(_) => logging::Target::Stdout,
        _ => logging::Target::Stderr,
    };
    let log = config
        .as_ref()
        .map_or_else(logging::demo_defaults, |c| c.log.clone());
    logging::init(&log, target, cli.verbose);
    // Found while loading (a secret file others can read): said by every command.
    for warning in config.iter().flat_map(|c| &c.warnings) {
        tracing::warn!("{warning}");
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli.command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => failure::report(&e),
    }
}

/// Every command but `demo` runs on the configuration; `migrate` needs no store.
fn load_config(cli: &cli::Cli) -> anyhow::Result<Option<bcsync_config::Config>> {
    let overrides = init::config::Overrides {
        listen: match &cli.command {
            Command::Run(args) => args.listen,
            _ => None,
        },
        log_format: cli.log_format.as_deref(),
    };
    let path = cli.config.as_deref();
    match cli.command {
        #[cfg(feature = "demo")]
        Command::Demo(_) => Ok(None),
        Command::Migrate => init::config::load_without_stores(path, &overrides).map(Some),
        _ => init::config::load(path, &overrides).map(Some),
    }
}
