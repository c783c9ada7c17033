//! One module per subcommand. Each takes the configuration `main` loaded (all but
//! `demo`, which brings its own simulated store).

mod check;
mod config_check;
#[cfg(feature = "demo")]
mod demo;
mod erase;
mod migrate;
pub mod run;
pub mod status;
mod sweep_report;
mod sync;
mod webhooks;

use anyhow::Context;
use bcsync_config::Config;

pub use migrate::connect;

use crate::cli::{Command, ConfigCommand, WebhooksCommand};
use bcsync_pipeline::PassKind;

pub async fn run(command: Command, config: Option<Config>) -> anyhow::Result<()> {
    #[cfg(feature = "demo")]
    if let Command::Demo(args) = command {
        return demo::run(args).await;
    }
    let config = config.context("the configuration was not loaded")?;
    match command {
        Command::Run(_) => run::run(config).await,
        Command::Migrate => migrate::run(&config).await,
        Command::Sync(args) => sync::run(PassKind::Sync, &config, &args, None).await,
        Command::Resync(args) => sync::run(PassKind::Resync, &config, &args.target, args.resource).await,
        Command::Status(args) => status::run(&config, &args).await,
        Command::Check => check::run(&config).await,
        Command::Erase(args) => erase::run(&config, &args).await,
        Command::Config(ConfigCommand::Check) => config_check::run(&config),
        Command::Webhooks(WebhooksCommand::Register(args)) => {
            webhooks::register(&config, args.store.as_deref()).await
        }
        #[cfg(feature = "demo")]
        Command::Demo(_) => unreachable!("handled above"),
    }
}
