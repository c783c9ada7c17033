//! One module per subcommand.

mod demo;
mod migrate;
mod sync;

use crate::cli::Command;
use crate::pass::PassKind;

pub async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Migrate => migrate::run().await,
        Command::Sync => sync::run(PassKind::Sync, None).await,
        Command::Resync(args) => sync::run(PassKind::Resync, args.resource).await,
        Command::Demo(args) => demo::run(args).await,
    }
}
