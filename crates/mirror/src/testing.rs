//! Fresh, migrated databases for tests (cargo feature `testing`).
//!
//! Works like crates.io's test harness: one server per test process, one template
//! database migrated once, and a new database copied from the template per test
//! (`CREATE DATABASE ... TEMPLATE`, a file copy: milliseconds, where migrating every
//! test's database would take far longer).
//!
//! The server is `BCSYNC_TEST_DATABASE_URL` when set (an admin URL, i.e. a role that
//! may create databases, to an existing server; the databases created are dropped when
//! their [`TestDb`] is), otherwise a [`throwaway_pg`] cluster that lives as long as the
//! process.
//!
//! ```ignore
//! let db = bcsync_mirror::testing::fresh_database().await;
//! db.store.write_customer_page(&page).await?;
//! ```

use std::hash::{DefaultHasher, Hash, Hasher};

use sqlx::{AssertSqlSafe, Connection, PgConnection};
use tokio::sync::OnceCell;

use crate::{MIGRATOR, Mirror};

/// The admin URL of the server to use instead of starting one.
pub const DATABASE_URL_ENV: &str = "BCSYNC_TEST_DATABASE_URL";
/// Serialises template creation between processes sharing a server (any constant
/// works, as long as every test binary uses the same one).
const TEMPLATE_LOCK: i64 = 0x6263_7379_6e63_7470; // "bcsynctp"

/// A database of its own for one test, migrated.
#[derive(Debug)]
pub struct TestDb {
    pub mirror: Mirror,
    /// URL of this database (superuser or the admin role of `BCSYNC_TEST_DATABASE_URL`).
    pub url: String,
    /// Database name (`bcsync_test_<random>`).
    pub name: String,
    /// Set for a server that outlives the process: who drops the database at the end.
    drop_with: Option<String>,
}

/// The process-wide server and its template.
struct Server {
    admin_url: String,
    template: String,
    /// Databases on a server we did not start are dropped after use; a throwaway
    /// cluster disappears with the process anyway.
    external: bool,
    /// Kept alive for the life of the process (a `static` is never dropped; the
    /// cluster's supervisor shuts it down when the process exits).
    _cluster: Option<throwaway_pg::ThrowawayPg>,
}

static SERVER: OnceCell<Server> = OnceCell::const_new();

/// A new, migrated database. Panics with the reason when no server can be had: a test
/// cannot do anything useful without one.
pub async fn fresh_database() -> TestDb {
    let server = SERVER.get_or_init(start_server).await;
    let name = format!("bcsync_test_{:016x}", rand::random::<u64>());
    let mut admin = admin_connection(&server.admin_url).await;
    sqlx::query(AssertSqlSafe(format!(
        "CREATE DATABASE {name} TEMPLATE {}",
        server.template
    )))
    .execute(&mut admin)
    .await
    .unwrap_or_else(|e| panic!("creating test database {name} from {}: {e}", server.template));
    let _ = admin.close().await;
    let url = database_url(&server.admin_url, &name);
    let mirror = Mirror::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("connecting to test database {name}: {e}"));
    TestDb {
        mirror,
        url,
        name,
        drop_with: server.external.then(|| server.admin_url.clone()),
    }
}

async fn start_server() -> Server {
    let (admin_url, cluster) = match std::env::var(DATABASE_URL_ENV) {
        Ok(url) if !url.trim().is_empty() => (url, None),
        _ => {
            let cluster = throwaway_pg::ThrowawayPg::start().await.unwrap_or_else(|e| {
                panic!("starting a throwaway PostgreSQL for tests (or set {DATABASE_URL_ENV}): {e}")
            });
            (cluster.admin_url(), Some(cluster))
        }
    };
    let template = ensure_template(&admin_url).await;
    Server {
        admin_url,
        template,
        external: cluster.is_none(),
        _cluster: cluster,
    }
}

/// Creates the template for the current migrations unless it exists. Named after the
/// migrations' checksums, so test binaries of different schema versions sharing one
/// server never use each other's template; built under another name and renamed once
/// migrated, under an advisory lock, so no process ever copies a half-built one.
async fn ensure_template(admin_url: &str) -> String {
    let mut hasher = DefaultHasher::new();
    for migration in MIGRATOR.iter() {
        (migration.version, &migration.checksum[..]).hash(&mut hasher);
    }
    let template = format!("bcsync_template_{:016x}", hasher.finish());
    let building = format!("{template}_wip");

    let mut admin = admin_connection(admin_url).await;
    let step = |what: &str, e: sqlx::Error| -> ! { panic!("test template {template}: {what}: {e}") };
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(TEMPLATE_LOCK)
        .execute(&mut admin)
        .await
        .unwrap_or_else(|e| step("taking the advisory lock", e));
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(&template)
        .fetch_one(&mut admin)
        .await
        .unwrap_or_else(|e| step("looking it up", e));
    if !exists {
        for sql in [
            // Left over by a process that died while building it.
            format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"),
            format!("CREATE DATABASE {building}"),
        ] {
            sqlx::query(AssertSqlSafe(sql.clone()))
                .execute(&mut admin)
                .await
                .unwrap_or_else(|e| step(&sql, e));
        }
        let mirror = Mirror::connect(&database_url(admin_url, &building))
            .await
            .unwrap_or_else(|e| panic!("test template {template}: connecting: {e}"));
        mirror
            .migrate()
            .await
            .unwrap_or_else(|e| panic!("test template {template}: {e}"));
        // A template must have no connections when it is copied (or renamed).
        mirror.pool().close().await;
        let rename = format!("ALTER DATABASE {building} RENAME TO {template}");
        sqlx::query(AssertSqlSafe(rename.clone()))
            .execute(&mut admin)
            .await
            .unwrap_or_else(|e| step(&rename, e));
    }
    sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(TEMPLATE_LOCK)
        .execute(&mut admin)
        .await
        .unwrap_or_else(|e| step("releasing the advisory lock", e));
    let _ = admin.close().await;
    template
}

async fn admin_connection(admin_url: &str) -> PgConnection {
    PgConnection::connect(admin_url).await.unwrap_or_else(|e| {
        panic!(
            "connecting to the test server {}: {e}",
            crate::connect::redact_url(admin_url)
        )
    })
}

/// The admin URL with its database replaced by `name`.
fn database_url(admin_url: &str, name: &str) -> String {
    let mut url =
        url::Url::parse(admin_url).unwrap_or_else(|e| panic!("{DATABASE_URL_ENV} is not a URL ({e})"));
    url.set_path(&format!("/{name}"));
    url.to_string()
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(admin_url) = self.drop_with.take() else {
            return;
        };
        let name = self.name.clone();
        // Drop cannot await, and the test's runtime may be shutting down: a thread with
        // a runtime of its own does it. WITH (FORCE) ends the store's connections.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let mut admin = PgConnection::connect(&admin_url).await.ok()?;
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                sqlx::query(AssertSqlSafe(sql)).execute(&mut admin).await.ok()?;
                admin.close().await.ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(()))) {
            eprintln!("warning: could not drop test database {}", self.name);
        }
    }
}
