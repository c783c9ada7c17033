//! `bcsync`: keeps a PostgreSQL mirror of a BigCommerce store's customers.
//!
//! - [`cli`]: the command line.
//! - [`settings`]: settings from the environment, checked before anything runs.
//! - [`pass`]: one sync or resync pass for one store, recorded in `sync_runs`.
//! - [`commands`]: one file per subcommand.
//! - [`init`]: the daemon's startup steps; [`daemon`]: its running parts.
//! - [`logging`]: tracing to stderr for commands, to stdout (JSON off a terminal) for
//!   the daemon.
//!
//! This is the only crate that uses `anyhow`: libraries return typed errors, and
//! here they become one line for the operator.

mod cli;
mod commands;
mod daemon;
mod init;
mod logging;
mod pass;
mod progress;
mod settings;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    // The daemon's configuration decides its log format, so it is read first; a bad
    // file stops here, before anything runs.
    let config = match &cli.command {
        cli::Command::Run(args) => {
            let format = args.log_format.as_deref().map(|f| match f {
                "json" => bcsync_config::LogFormat::Json,
                "text" => bcsync_config::LogFormat::Text,
                _ => bcsync_config::LogFormat::Auto,
            });
            match init::config::load(args.config.config.as_ref(), args.listen, format) {
                Ok(config) => {
                    logging::init_daemon(&config.log, cli.verbose);
                    Some(config)
                }
                Err(e) => {
                    eprintln!("error: {e:#}");
                    return ExitCode::FAILURE;
                }
            }
        }
        _ => {
            logging::init(cli.verbose);
            None
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli.command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
