//! `bcsync migrate`: needs only the database settings, from the same configuration as
//! every other command.

use anyhow::Context;
use bcsync_config::DatabaseConfig;
use bcsync_mirror::Mirror;
use secrecy::ExposeSecret;

pub async fn run(config: &bcsync_config::Config) -> anyhow::Result<()> {
    connect_and_migrate(&config.database).await?;
    crate::outln!("migrations applied");
    Ok(())
}

/// Connects and brings the schema up to date: every command that touches the mirror
/// starts here, so a new binary never runs against an old schema.
pub async fn connect_and_migrate(db: &DatabaseConfig) -> anyhow::Result<Mirror> {
    let mirror = connect(db).await?;
    mirror.migrate().await.context("applying migrations")?;
    Ok(mirror)
}

/// A pool of at most `[database] max_connections`.
pub async fn connect(db: &DatabaseConfig) -> anyhow::Result<Mirror> {
    Mirror::connect_with(db.url.expose_secret(), db.max_connections)
        .await
        .with_context(|| {
            format!(
                "cannot connect to PostgreSQL (check {})",
                db.url_source.describe()
            )
        })
}
