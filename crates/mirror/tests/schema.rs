//! Migrations and connecting.

use bcsync_mirror::testing::fresh_database;
use bcsync_mirror::{Mirror, MirrorError};

async fn applied(mirror: &Mirror) -> Vec<i64> {
    sqlx::query_scalar("SELECT version FROM bigcommerce._sqlx_migrations ORDER BY version")
        .fetch_all(mirror.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn migrating_an_up_to_date_database_is_a_no_op() {
    let db = fresh_database().await;
    let before = applied(&db.mirror).await;
    assert!(!before.is_empty());
    db.mirror.migrate().await.unwrap();
    db.mirror.migrate().await.unwrap();
    assert_eq!(applied(&db.mirror).await, before);
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'bigcommerce' \
         AND table_name NOT LIKE '\\_sqlx%' ORDER BY 1",
    )
    .fetch_all(db.mirror.pool())
    .await
    .unwrap();
    assert_eq!(
        tables,
        [
            "change_log",
            "change_log_horizon",
            "customer_addresses",
            "customer_addresses_history",
            "customer_attribute_values",
            "customer_attribute_values_history",
            "customer_attributes",
            "customer_channel_settings",
            "customer_consents",
            "customer_consents_history",
            "customer_form_field_values",
            "customer_form_field_values_history",
            "customer_metafields",
            "customer_metafields_history",
            "customer_settings",
            "customer_stored_instruments",
            "customer_stored_instruments_history",
            "customers",
            "customers_history",
            "history_settings",
            "history_tables",
            "quarantine",
            "replicas",
            "store_leases",
            "sweep_cycles",
            "sync_runs",
            "sync_state",
            "webhook_events"
        ]
    );
}

/// During a rolling deploy the new version migrates first; the old one must still start.
#[tokio::test]
async fn migrations_of_a_newer_version_do_not_stop_an_older_one() {
    let db = fresh_database().await;
    sqlx::query(
        "INSERT INTO bigcommerce._sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99991231235959, 'from the future', true, '\\x00', 0)",
    )
    .execute(db.mirror.pool())
    .await
    .unwrap();
    db.mirror.migrate().await.unwrap();
}

#[tokio::test]
async fn an_edited_migration_is_refused() {
    let db = fresh_database().await;
    sqlx::query("UPDATE bigcommerce._sqlx_migrations SET checksum = '\\x00'")
        .execute(db.mirror.pool())
        .await
        .unwrap();
    let err = db.mirror.migrate().await.unwrap_err();
    assert!(matches!(err, MirrorError::Migrate { .. }), "{err:?}");
    assert!(err.to_string().contains("modified"), "{err}");
}

const PASSWORD: &str = "Sup3r-Secret_pw";

#[tokio::test]
async fn a_connect_error_never_shows_the_password() {
    let db = fresh_database().await;
    let mut url = url::Url::parse(&db.url).unwrap();
    url.set_password(Some(PASSWORD)).unwrap();
    url.set_path("/no_such_database");
    let err = Mirror::connect(url.as_str()).await.unwrap_err();
    assert!(matches!(err, MirrorError::Connect { .. }), "{err:?}");
    let (shown, debug) = (err.to_string(), format!("{err:?}"));
    assert!(
        !shown.contains(PASSWORD) && !debug.contains(PASSWORD),
        "{shown}\n{debug}"
    );
    assert!(
        shown.contains("***") && shown.contains("no_such_database"),
        "{shown}"
    );

    // In a query parameter, and in a URL that does not even parse.
    url.set_password(None).unwrap();
    url.set_query(Some(&format!("password={PASSWORD}")));
    let err = Mirror::connect(url.as_str()).await.unwrap_err();
    assert!(!format!("{err} {err:?}").contains(PASSWORD), "{err:?}");
    for bad in [
        format!("postgres://bc:{PASSWORD}@localhost:notaport/db"),
        format!("postgres://bc:{PASSWORD}@/db?host=%zz"),
        format!("mysql://bc:{PASSWORD}@localhost/db"),
    ] {
        let err = Mirror::connect(&bad).await.unwrap_err();
        assert!(!format!("{err} {err:?}").contains(PASSWORD), "{err:?}");
    }
}
