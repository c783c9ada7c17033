//! `bcsync sync` and `bcsync resync`: one pass for the configured store.

use anyhow::Context;
use bigcommerce::BigCommerceClient;

use super::migrate::connect_and_migrate;
use crate::pass::{PassKind, run_pass};
use crate::settings::Settings;

pub async fn run(kind: PassKind, only: Option<String>) -> anyhow::Result<()> {
    let mut settings = Settings::from_env()?;
    settings.pass.only = only;
    let client =
        BigCommerceClient::new(settings.client.clone()).context("configuring the BigCommerce client")?;
    let store = connect_and_migrate(&settings.database_url).await?;
    let report = run_pass(&client, &store, kind, &settings.pass).await?;
    tracing::info!("{}", report.summary_line(kind));
    Ok(())
}
