//! `bcsync erase --store H --customer ID`: a data-subject request. Scrubs the
//! customer's personal columns and `raw`, with every row it owns, at once (the same
//! statement the periodic erasure uses; see docs/privacy.md).

use anyhow::{Context, bail};
use bcsync_config::Config;

use super::migrate::connect_and_migrate;
use crate::cli::EraseArgs;

pub async fn run(config: &Config, args: &EraseArgs) -> anyhow::Result<()> {
    let hash = match (&args.store, config.stores.as_slice()) {
        (None, [only]) => only.hash.clone(),
        (None, _) => bail!("--store is required: more than one store is configured"),
        (Some(h), stores) => match stores.iter().find(|s| s.hash.eq_ignore_ascii_case(h)) {
            Some(s) => s.hash.clone(),
            None => {
                let configured: Vec<&str> = stores.iter().map(|s| s.hash.as_str()).collect();
                bail!(
                    "--store {h}: no such store in the configuration (configured: {})",
                    configured.join(", ")
                );
            }
        },
    };
    let mirror = connect_and_migrate(&config.database).await?;
    let live = mirror
        .customer_is_live(&hash, args.customer)
        .await
        .context("looking the customer up")?;
    let erased = mirror
        .erase_customer(&hash, args.customer)
        .await
        .with_context(|| format!("erasing customer {} of store {hash}", args.customer))?;
    match live {
        None if erased.rows == 0 => {
            crate::outln!(
                "store {hash}: customer {} is not in the mirror; nothing to erase",
                args.customer
            );
        }
        _ => crate::outln!(
            "store {hash}: customer {} erased ({} rows scrubbed, logged as erase in change_log)",
            args.customer,
            erased.rows
        ),
    }
    if live == Some(true) {
        // The mirror follows BigCommerce: a later change (or a resync) writes the
        // customer back while it exists there.
        crate::outln!(
            "note: customer {} still exists in BigCommerce as far as the mirror knows; delete it there too, \
             or a later pass will mirror it again",
            args.customer
        );
    }
    Ok(())
}
