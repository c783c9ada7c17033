//! `bcsync check`: can this configuration work? The database is reachable and
//! migrated, and every store's token is valid with the scopes bcsync reads. One line
//! per check; exits non-zero when any fails.

use std::time::Duration;

use bcsync_config::Config;
use bigcommerce::{ClientError, CustomerQuery};

/// Longest a check retries one request (the passes use `max_retry_secs`).
const CHECK_RETRY: Duration = Duration::from_secs(5);

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
        // A check answers in seconds: an unreachable API is reported, not retried for
        // the pass's full retry budget.
        let mut quick = cfg.clone();
        quick.max_retry = quick.max_retry.min(CHECK_RETRY);
        let (client, _) = crate::init::stores::build(&quick, None)?;
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
                    format!(
                        "store {hash}: BigCommerce rejects the access token (401) (check {})",
                        cfg.token_source.describe()
                    ),
                );
                continue;
            }
            Err(e) if e.is_not_found() => {
                line(
                    false,
                    format!(
                        "store {hash}: BigCommerce knows no such store (404) (check {})",
                        cfg.hash_source.describe()
                    ),
                );
                continue;
            }
            Err(ClientError::Forbidden { .. }) => {
                line(
                    false,
                    format!(
                        "store {hash}: the token lacks store_v2_customers_read_only (check the API account of {})",
                        cfg.token_source.describe()
                    ),
                );
                continue;
            }
            Err(e) => {
                let e = anyhow::Error::new(e);
                line(
                    false,
                    format!(
                        "store {hash}: BigCommerce unreachable (check {}): {}",
                        cfg.api_url_source.describe(),
                        crate::failure::one_line(&e)
                    ),
                );
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
                Err(e) => line(
                    false,
                    format!(
                        "store {hash}: stored instruments: {}",
                        crate::failure::one_line(&anyhow::Error::new(e))
                    ),
                ),
            }
        }
    }
    if problems > 0 {
        anyhow::bail!("{problems} check(s) failed");
    }
    Ok(())
}
