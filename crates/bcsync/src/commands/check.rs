//! `bcsync check`: can this configuration work? The database is reachable and
//! migrated, and every store's token is valid with the scopes bcsync reads. One line
//! per check; exits non-zero when any fails.

use bcsync_config::Config;
use bigcommerce::{ClientError, CustomerQuery};

pub async fn run(config: &Config) -> anyhow::Result<()> {
    let mut problems = 0;
    let mut line = |ok: bool, what: String| {
        crate::outln!("{} {what}", if ok { "ok  " } else { "FAIL" });
        if !ok {
            problems += 1;
        }
    };
    match super::connect(&config.database).await {
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
        Err(e) => line(false, crate::failure::one_line(&e)),
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
