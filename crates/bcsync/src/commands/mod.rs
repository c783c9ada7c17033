//! One module per subcommand.

mod check;
mod config_check;
mod demo;
mod migrate;
pub mod run;
pub mod status;
mod sync;
mod webhooks;

use crate::cli::{Command, ConfigCommand, WebhooksCommand};
use crate::pass::PassKind;

pub async fn run(command: Command, config: Option<bcsync_config::Config>) -> anyhow::Result<()> {
    match command {
        Command::Run(_) => match config {
            Some(config) => run::run(config).await,
            None => anyhow::bail!("the daemon's configuration was not loaded"),
        },
        Command::Migrate => migrate::run().await,
        Command::Sync(args) => sync::run(PassKind::Sync, &args, None).await,
        Command::Resync(args) => sync::run(PassKind::Resync, &args.target, args.resource).await,
        Command::Status(args) => status::run(&args).await,
        Command::Check(args) => check::run(args.config.as_ref()).await,
        Command::Config(ConfigCommand::Check(args)) => config_check::run(args.config.as_ref()),
        Command::Webhooks(WebhooksCommand::Register(args)) => {
            webhooks::register(args.config.config.as_ref(), args.store.as_deref()).await
        }
        Command::Demo(args) => demo::run(args).await,
    }
}
