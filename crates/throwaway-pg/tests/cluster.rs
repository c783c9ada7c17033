//! Starting, using and stopping a real cluster from the system's binaries.

mod common;

use std::time::Duration;

use common::{accepts_tcp, eventually, psql};
use throwaway_pg::ThrowawayPg;

#[tokio::test]
async fn start_create_database_query_and_stop() {
    let pg = ThrowawayPg::start().await.unwrap();
    let port = pg.port();
    assert_eq!(
        pg.admin_url(),
        format!("postgres://postgres@127.0.0.1:{port}/postgres")
    );
    let data_dir = pg.data_dir().to_path_buf();
    assert!(
        data_dir.join("PG_VERSION").is_file(),
        "initdb ran into {}",
        data_dir.display()
    );

    let url = pg.create_database("bcsync_test").await.unwrap();
    assert_eq!(url, pg.url_for("bcsync_test"));
    assert_eq!(psql(&url, "select 1"), "1");
    // The settings that make a throwaway cluster fast and roomy are in force.
    assert_eq!(psql(&pg.admin_url(), "show fsync"), "off");
    assert_eq!(psql(&pg.admin_url(), "show max_connections"), "200");

    let err = pg.create_database("bcsync_test").await.unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("\"bcsync_test\"") && message.contains(&port.to_string()),
        "{message}"
    );

    pg.stop().await.unwrap();
    assert!(!data_dir.exists(), "stop leaves {}", data_dir.display());
    assert!(
        !data_dir.parent().unwrap().exists(),
        "stop leaves the temporary directory"
    );
    assert!(!accepts_tcp(port), "port {port} still accepts after stop");
}

#[tokio::test]
async fn drop_shuts_the_cluster_down() {
    let pg = ThrowawayPg::start().await.unwrap();
    let (port, data_dir) = (pg.port(), pg.data_dir().to_path_buf());
    assert!(accepts_tcp(port));
    drop(pg);
    eventually(Duration::from_secs(10), || {
        !data_dir.exists() && !accepts_tcp(port)
    });
}

#[tokio::test]
async fn odd_database_names_are_quoted_and_encoded() {
    let pg = ThrowawayPg::start().await.unwrap();
    let url = pg.create_database("-odd name").await.unwrap();
    assert!(url.ends_with("/-odd%20name"), "{url}");
    assert_eq!(psql(&url, "select current_database()"), "-odd name");
    pg.stop().await.unwrap();
}
