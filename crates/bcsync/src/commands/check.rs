//! `bcsync check`: can this configuration work? The database is reachable and
//! migrated, and every store's token is valid with the scopes bcsync reads. One line
//! per check; exits non-zero when any fails.

use std::path::PathBuf;

use bigcommerce::{ClientError, CustomerQuery};
use secrecy::ExposeSecret;

pub async fn run(path: Option<&PathBuf>) -> anyhow::Result<()> {
    let config = crate::init::config::load(path, None, None)?;
    let mut problems = 0;
    let mut line = |ok: bool, what: String| {
        println!("{} {what}", if ok { "ok  " } else { "FAIL" });
        if !ok {
            problems += 1;
        }
    };
    match bcsync_store::Store::connect(config.database.url.expose_secret()).await {
        Ok(store) => {
            line(true, "database reachable".into());
            match store.schema_is_current().await {
                Ok(true) => line(true, "database schema is current".into()),
                Ok(false) => line(
                    false,
                    "database schema is behind this binary: run `bcsync migrate`".into(),
                ),
                Err(_) => line(false, "database schema not found: run `bcsync migrate`".into()),
            }
        }
        Err(e) => line(false, format!("database: {e}")),
    }
    for cfg in &config.stores {
        let hash = &cfg.hash;
        let (client, _) = crate::init::stores::build(cfg, None)?;
        let q = CustomerQuery {
            page: 1,
            limit: 1,
            ..Default::default()
        };
        let first = match client.list_customers(&q).await {
            Ok(page) => {
                line(true, format!("store {hash}: token valid, customers readable"));
                page.data.first().map(|c| c.value.id)
            }
            Err(e) if e.is_auth() => {
                line(
                    false,
                    format!("store {hash}: the token is rejected (401): check it"),
                );
                continue;
            }
            Err(ClientError::Forbidden { .. }) => {
                line(
                    false,
                    format!("store {hash}: the token lacks store_v2_customers_read_only"),
                );
                continue;
            }
            Err(e) => {
                line(false, format!("store {hash}: {e}"));
                continue;
            }
        };
        if let Some(id) = first {
            match client.get_stored_instruments(id).await {
                Ok(_) | Err(ClientError::Status { status: 404, .. }) => {
                    line(true, format!("store {hash}: stored instruments readable"))
                }
                Err(ClientError::Forbidden { .. }) => line(
                    false,
                    format!(
                        "store {hash}: the token lacks store_stored_payment_instruments_read_only \
                         (stored instruments will be skipped)"
                    ),
                ),
                Err(e) => line(false, format!("store {hash}: stored instruments: {e}")),
            }
        }
    }
    if problems > 0 {
        anyhow::bail!("{problems} check(s) failed");
    }
    Ok(())
}
