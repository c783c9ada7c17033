//! `bcsync`: keeps a PostgreSQL mirror of a BigCommerce store's customers.
//!
//! - [`cli`]: the command line.
//! - [`settings`]: settings from the environment, checked before anything runs.
//! - [`pass`]: one sync or resync pass for one store, recorded in `sync_runs`.
//! - [`commands`]: one file per subcommand.
//! - [`logging`]: tracing to stderr.
//!
//! This is the only crate that uses `anyhow`: libraries return typed errors, and
//! here they become one line for the operator.

mod cli;
mod commands;
mod logging;
mod pass;
mod settings;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    logging::init(cli.verbose);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
