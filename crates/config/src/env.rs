//! Environment layers over the file's table, in this order:
//!
//! 1. the legacy single store (`BIGCOMMERCE_STORE_HASH` and friends), only when the
//!    file has no `[[stores]]`;
//! 2. `BCSYNC__SECTION__KEY` and `BCSYNC__STORES__<HASH>__KEY` (keys case-insensitive),
//!    which beat the file and the legacy variables;
//! 3. legacy `DATABASE_URL`, only where nothing above set `database.url`;
//! 4. `RUST_LOG`, which beats `log.level` as it always has.
//!
//! Each value is converted to the TOML type its key has (a variable is only text), and
//! the variable is recorded in `Sources` so errors about the value name it.

use std::collections::HashMap;

use toml::{Table, Value};

use crate::error::{ConfigError, Location};
use crate::raw::{Kind, section_key_kind, store_key_kind};
use crate::sources::Sources;

const PREFIX: &str = "BCSYNC__";

/// The legacy variables of the single store, and the store key each sets.
const LEGACY_STORE: [(&str, &str, Kind); 15] = [
    ("BIGCOMMERCE_STORE_HASH", "hash", Kind::Text),
    ("BIGCOMMERCE_ACCESS_TOKEN", "token", Kind::Text),
    ("BIGCOMMERCE_API_URL", "api_url", Kind::Text),
    ("BCSYNC_OVERLAP_SECS", "overlap_secs", Kind::Integer),
    ("BCSYNC_LOOKBACK_SECS", "lookback_secs", Kind::Integer),
    ("BCSYNC_QUOTA_SHARE", "quota_share", Kind::Float),
    ("BCSYNC_ADDRESS_SWEEP_PAGES", "address_sweep_pages", Kind::Integer),
    ("BCSYNC_LISTING_SWEEP_PAGES", "listing_sweep_pages", Kind::Integer),
    ("BCSYNC_CUSTOMER_SLICE", "customer_slice", Kind::Integer),
    ("BCSYNC_SWEEP_WITHIN", "sweep_within", Kind::Text),
    ("BCSYNC_SWEEP_QUOTA_SHARE", "sweep_quota_share", Kind::Float),
    ("BCSYNC_CHANNELS", "channels", Kind::IntegerList),
    ("BCSYNC_EXCLUDE", "exclude", Kind::TextList),
    ("BCSYNC_CONCURRENCY", "concurrency", Kind::Integer),
    ("BCSYNC_MAX_RETRY_SECS", "max_retry_secs", Kind::Integer),
];

pub(crate) fn apply(
    doc: &mut Table,
    sources: &mut Sources,
    env: &HashMap<String, String>,
) -> Result<(), ConfigError> {
    legacy_store(doc, sources, env)?;
    overrides(doc, sources, env)?;
    legacy_database_url(doc, sources, env)?;
    if let Some(filter) = env.get("RUST_LOG").filter(|v| !v.trim().is_empty()) {
        section(doc, "log", "RUST_LOG")?.insert("level".into(), Value::String(filter.trim().into()));
        sources.set_env("log.level".into(), "RUST_LOG");
    }
    Ok(())
}

fn legacy_store(
    doc: &mut Table,
    sources: &mut Sources,
    env: &HashMap<String, String>,
) -> Result<(), ConfigError> {
    let file_has_stores = match doc.get("stores") {
        None => false,
        Some(Value::Array(stores)) => !stores.is_empty(),
        // Not an array: leave it for the schema check to report.
        Some(_) => true,
    };
    if file_has_stores {
        return legacy_tuning_for_every_store(doc, sources, env);
    }
    if legacy(env, "BIGCOMMERCE_STORE_HASH")?.is_none() {
        return Ok(());
    }
    if legacy(env, "BIGCOMMERCE_ACCESS_TOKEN")?.is_none() {
        return Err(ConfigError::Missing(
            "BIGCOMMERCE_ACCESS_TOKEN is not set (BIGCOMMERCE_STORE_HASH is); \
             set it in the environment (see README.md)"
                .into(),
        ));
    }
    let mut store = Table::new();
    for (var, key, kind) in LEGACY_STORE {
        if let Some(raw) = legacy(env, var)? {
            store.insert(key.into(), to_value(kind, &raw, var)?);
            sources.set_env(format!("stores[0].{key}"), var);
        }
    }
    doc.insert("stores".into(), Value::Array(vec![Value::Table(store)]));
    Ok(())
}

/// With `[[stores]]` in the file the legacy store itself (hash, token, URL) is not
/// used, but its tuning variables (`BCSYNC_CONCURRENCY`, …) still apply, to every
/// store: ignoring them silently would leave the operator believing they do.
fn legacy_tuning_for_every_store(
    doc: &mut Table,
    sources: &mut Sources,
    env: &HashMap<String, String>,
) -> Result<(), ConfigError> {
    let Some(Value::Array(stores)) = doc.get_mut("stores") else {
        return Ok(());
    };
    for (var, key, kind) in LEGACY_STORE.iter().filter(|(_, key, _)| !IDENTITY.contains(key)) {
        let Some(raw) = legacy(env, var)? else {
            continue;
        };
        let value = to_value(*kind, &raw, var)?;
        for (i, store) in stores.iter_mut().enumerate() {
            if let Value::Table(t) = store {
                t.insert((*key).into(), value.clone());
                sources.set_env(format!("stores[{i}].{key}"), var);
            }
        }
    }
    Ok(())
}

/// The legacy keys that say which store, rather than how to sync it.
const IDENTITY: [&str; 3] = ["hash", "token", "api_url"];

fn legacy_database_url(
    doc: &mut Table,
    sources: &mut Sources,
    env: &HashMap<String, String>,
) -> Result<(), ConfigError> {
    let has_url = matches!(doc.get("database"), Some(Value::Table(db)) if db.contains_key("url"));
    if has_url {
        return Ok(());
    }
    if let Some(url) = legacy(env, "DATABASE_URL")? {
        section(doc, "database", "DATABASE_URL")?.insert("url".into(), Value::String(url));
        sources.set_env("database.url".into(), "DATABASE_URL");
    }
    Ok(())
}

/// A legacy variable, trimmed; set-but-empty is an error, not a default (as before).
fn legacy(env: &HashMap<String, String>, var: &str) -> Result<Option<String>, ConfigError> {
    match env.get(var) {
        None => Ok(None),
        Some(v) if v.trim().is_empty() => Err(at_var(var, "is set but empty")),
        Some(v) => Ok(Some(v.trim().to_owned())),
    }
}

fn overrides(
    doc: &mut Table,
    sources: &mut Sources,
    env: &HashMap<String, String>,
) -> Result<(), ConfigError> {
    // Sorted, so that with several bad variables the same one is reported each time.
    let mut vars: Vec<(&String, &String)> = env
        .iter()
        .filter(|(name, _)| {
            name.get(..PREFIX.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(PREFIX))
        })
        .collect();
    vars.sort();
    for (var, raw) in vars {
        let path: Vec<String> = var[PREFIX.len()..]
            .split("__")
            .map(str::to_ascii_lowercase)
            .collect();
        let (table, key_path, key, kind) = match path.as_slice() {
            [stores, _] if stores == "stores" => {
                return Err(at_var(
                    var,
                    "stores cannot be added through the environment; define them in the \
                     config file (BCSYNC__STORES__<HASH>__<KEY> overrides a key of one)",
                ));
            }
            [stores, hash, key] if stores == "stores" => {
                let kind = store_key_kind(key)
                    .ok_or_else(|| at_var(var, format!("a store has no key {key:?} that can be set here")))?;
                let (index, table) = store_by_hash(doc, hash)
                    .ok_or_else(|| at_var(var, format!("no store with hash {hash:?} is configured")))?;
                (table, format!("stores[{index}].{key}"), key, kind)
            }
            [name, key] => {
                let kind = section_key_kind(name, key)
                    .ok_or_else(|| at_var(var, format!("there is no key {name}.{key}")))?;
                (section(doc, name, var)?, format!("{name}.{key}"), key, kind)
            }
            _ => {
                return Err(at_var(
                    var,
                    "expected BCSYNC__<SECTION>__<KEY> or BCSYNC__STORES__<HASH>__<KEY>",
                ));
            }
        };
        let raw = raw.trim();
        if raw.is_empty() && !matches!(kind, Kind::TextList | Kind::IntegerList) {
            return Err(at_var(var, "is set but empty"));
        }
        if let Some(other) = sources.env_var(&key_path).filter(|o| o.starts_with(PREFIX)) {
            return Err(at_var(var, format!("{other} sets the same key")));
        }
        table.insert(key.clone(), to_value(kind, raw, var)?);
        // A value and a file holding it are alternatives: the variable replaces both.
        if let Some(twin) = twin(key) {
            table.remove(twin);
            let prefix = &key_path[..key_path.len() - key.len()];
            sources.forget(&format!("{prefix}{twin}"));
        }
        sources.set_env(key_path, var);
    }
    Ok(())
}

fn twin(key: &str) -> Option<&'static str> {
    match key {
        "token" => Some("token_file"),
        "token_file" => Some("token"),
        "secret" => Some("secret_file"),
        "secret_file" => Some("secret"),
        _ => None,
    }
}

/// The `[name]` table, created if the file has none.
fn section<'a>(doc: &'a mut Table, name: &str, var: &str) -> Result<&'a mut Table, ConfigError> {
    match doc
        .entry(name.to_owned())
        .or_insert_with(|| Value::Table(Table::new()))
    {
        Value::Table(t) => Ok(t),
        _ => Err(at_var(var, format!("the config file's {name} is not a table"))),
    }
}

/// The store whose hash matches (case-insensitively: variable names are usually
/// upper case, hashes lower case).
fn store_by_hash<'a>(doc: &'a mut Table, hash: &str) -> Option<(usize, &'a mut Table)> {
    let Some(Value::Array(stores)) = doc.get_mut("stores") else {
        return None;
    };
    stores.iter_mut().enumerate().find_map(|(i, store)| match store {
        Value::Table(t)
            if t.get("hash")
                .and_then(Value::as_str)
                .is_some_and(|h| h.eq_ignore_ascii_case(hash)) =>
        {
            Some((i, t))
        }
        _ => None,
    })
}

/// Text to the key's TOML type. Only numbers are quoted in errors: text keys include
/// secrets and never fail here.
fn to_value(kind: Kind, raw: &str, var: &str) -> Result<Value, ConfigError> {
    let integer = |s: &str| {
        s.parse::<i64>()
            .map(Value::Integer)
            .map_err(|_| at_var(var, format!("{s:?} is not a whole number")))
    };
    let items = || raw.split(',').map(str::trim).filter(|s| !s.is_empty());
    match kind {
        Kind::Text => Ok(Value::String(raw.to_owned())),
        Kind::Integer => integer(raw),
        Kind::Float => raw
            .parse::<f64>()
            .map(Value::Float)
            .map_err(|_| at_var(var, format!("{raw:?} is not a number"))),
        Kind::TextList => Ok(Value::Array(items().map(|s| Value::String(s.into())).collect())),
        Kind::IntegerList => items().map(integer).collect::<Result<_, _>>().map(Value::Array),
        Kind::Bool => match raw.trim() {
            "true" => Ok(Value::Boolean(true)),
            "false" => Ok(Value::Boolean(false)),
            other => Err(at_var(var, format!("{other:?} is not true or false"))),
        },
    }
}

fn at_var(var: &str, message: impl Into<String>) -> ConfigError {
    ConfigError::invalid(Location::Env { var: var.to_owned() }, message)
}
