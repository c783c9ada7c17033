//! `bcsync migrate`.

use anyhow::Context;
use bcsync_store::Store;
use secrecy::ExposeSecret;

use crate::settings::{self, DATABASE_URL};

pub async fn run() -> anyhow::Result<()> {
    let url = secrecy::SecretString::from(settings::required(DATABASE_URL)?);
    connect_and_migrate(&url).await?;
    println!("migrations applied");
    Ok(())
}

/// Connects and brings the schema up to date: every command that touches the mirror
/// starts here, so a new binary never runs against an old schema.
pub async fn connect_and_migrate(url: &secrecy::SecretString) -> anyhow::Result<Store> {
    let store = Store::connect(url.expose_secret())
        .await
        .context("connecting to PostgreSQL")?;
    store.migrate().await.context("applying migrations")?;
    Ok(store)
}
