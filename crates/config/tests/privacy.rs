//! The privacy keys (docs/privacy.md): `erase_deleted_after`, `hash_columns`,
//! `hash_secret`/`hash_secret_file`. Bad values are refused naming the key; the secret
//! is never shown.

use crate::common;

use std::time::Duration;

use common::*;

const HASH_SECRET: &str = "hs-SECRET-0123456789abcdef0123456789";

#[test]
fn erase_deleted_after_defaults_to_30_days_and_may_be_off() {
    let c = load(&minimal(""), &[]).unwrap();
    assert_eq!(
        c.stores[0].erase_deleted_after,
        Some(Duration::from_secs(30 * 86_400))
    );
    let c = load(&minimal("erase_deleted_after = \"12h\"\n"), &[]).unwrap();
    assert_eq!(
        c.stores[0].erase_deleted_after,
        Some(Duration::from_secs(12 * 3_600))
    );
    let c = load(
        &format!("[defaults]\nerase_deleted_after = \"off\"\n{}", minimal("")),
        &[],
    )
    .unwrap();
    assert_eq!(c.stores[0].erase_deleted_after, None);
    assert_has(&c.redacted(), "erase_deleted_after = \"off\"");
}

#[test]
fn a_bad_erasure_duration_names_the_key() {
    assert_refused(&[
        (
            "erase_deleted_after = \"a month\"\n",
            "bcsync.toml: stores[0].erase_deleted_after: \"a month\" is not a duration",
        ),
        (
            "erase_deleted_after = \"0d\"\n",
            "stores[0].erase_deleted_after: \"0d\" is zero",
        ),
    ]);
}

#[test]
fn hash_settings_are_checked_and_the_secret_never_shown() {
    let ok = format!("hash_columns = [\"customers.email\"]\nhash_secret = \"{HASH_SECRET}\"\n");
    let c = load(&minimal(&ok), &[]).unwrap();
    assert_eq!(c.stores[0].hash_columns, ["customers.email"]);
    let shown = format!("{}\n{:?}", c.redacted(), c);
    assert!(!shown.contains(HASH_SECRET), "{shown}");
    assert_has(&shown, "hash_secret = \"[redacted]\"");

    let e = error(
        &minimal("hash_columns = [\"customers.email\"]\nhash_secret = \"short\"\n"),
        &[],
    );
    assert_has(
        &e,
        "stores[0].hash_secret: is 5 bytes long: a hash secret needs at least 32",
    );
    assert!(!e.contains("\"short\""), "{e}");
    assert_refused(&[(
        "hash_columns = [\"customers.email\"]\n",
        "stores[0].hash_columns: names columns to hash but no hash_secret",
    )]);
    let e = error(
        &minimal(&format!(
            "hash_columns = [\"email\"]\nhash_secret = \"{HASH_SECRET}\"\n"
        )),
        &[],
    );
    assert_has(&e, "stores[0].hash_columns[0]: \"email\" is not table.column");
}
