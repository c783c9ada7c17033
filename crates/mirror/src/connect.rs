//! Opening the pool without ever echoing the password.
//!
//! A connect error ends up in logs and in the operator's terminal, so the URL in it is
//! redacted and the driver's message is scrubbed of every form the password may take
//! (as written, percent-decoded, or as a `password=` query parameter).

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};

use crate::MirrorError;

/// Enough for one writer, one reader and the run bookkeeping of a daemon; more only
/// adds load on a database the operator may share with other applications.
pub(crate) const DEFAULT_MAX_CONNECTIONS: u32 = 5;
/// How long to wait for a connection (also: for the first one, while the server is
/// still starting and refuses connections).
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);
const MASK: &str = "***";

pub(crate) async fn connect(database_url: &str, max_connections: u32) -> Result<PgPool, MirrorError> {
    let url = redact_url(database_url);
    let secrets = secrets_of(database_url);
    let fail = |error: sqlx::Error| MirrorError::Connect {
        url: url.clone(),
        reason: scrub(&reason(&error), &secrets),
    };
    // sqlx ignores the scheme: without this check `mysql://...` would be tried as
    // PostgreSQL on port 5432 and fail only after the acquire timeout.
    let scheme = database_url.split_once("://").map(|(scheme, _)| scheme);
    if !matches!(scheme, Some("postgres" | "postgresql")) {
        return Err(MirrorError::Connect {
            url,
            reason: "not a PostgreSQL URL (expected postgres://user:password@host:port/database)".to_owned(),
        });
    }
    let mut options: PgConnectOptions = database_url.parse().map_err(fail)?;
    if options.get_application_name().is_none() {
        // So the operator can tell our sessions apart in pg_stat_activity.
        options = options.application_name("bcsync");
    }
    match PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(options.clone())
        .await
    {
        Ok(pool) => Ok(pool),
        // The pool retried until its timeout and kept only "timed out": one more direct
        // attempt says why (connection refused, no such host, wrong password).
        Err(sqlx::Error::PoolTimedOut) => {
            let why = match PgConnection::connect_with(&options).await {
                Ok(_) => "the server accepted no connection in time".to_owned(),
                Err(e) => reason(&e),
            };
            Err(MirrorError::Connect {
                url,
                reason: scrub(
                    &format!("no connection within {}s: {why}", ACQUIRE_TIMEOUT.as_secs()),
                    &secrets,
                ),
            })
        }
        Err(e) => Err(fail(e)),
    }
}

/// The driver's error as an operator needs it: the server's own message and code
/// (without the server's source position that sqlx appends), the I/O cause
/// (connection refused, no such host) or the TLS problem.
pub(crate) fn reason(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(db) => match db.code() {
            Some(code) => format!("{} (SQLSTATE {code})", db.message()),
            None => db.message().to_owned(),
        },
        sqlx::Error::Io(io) => format!("cannot reach the server: {io}"),
        sqlx::Error::Tls(tls) => format!("TLS: {tls}"),
        other => other.to_string(),
    }
}

/// The URL with its password (in the user info or in the query) replaced by `***`.
pub(crate) fn redact_url(database_url: &str) -> String {
    let Ok(mut url) = url::Url::parse(database_url) else {
        // Without a parse we cannot tell where the password is: show nothing of it.
        return "<database URL that does not parse>".to_owned();
    };
    if url.password().is_some() {
        // Fails only for URLs without a host, which cannot carry a user info anyway.
        let _ = url.set_password(Some(MASK));
    }
    if url.query_pairs().any(|(key, _)| is_secret_param(&key)) {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(key, value)| {
                let value = if is_secret_param(&key) {
                    MASK.to_owned()
                } else {
                    value.into_owned()
                };
                (key.into_owned(), value)
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    url.to_string()
}

fn is_secret_param(key: &str) -> bool {
    key.to_ascii_lowercase().contains("password")
}

/// Every spelling of the password the URL contains, longest first (so that scrubbing
/// the decoded form does not leave the tail of the encoded one).
fn secrets_of(database_url: &str) -> Vec<String> {
    let mut secrets = Vec::new();
    // By hand first: this works even when the URL does not parse.
    if let Some((_, rest)) = database_url.split_once("://")
        && let Some((userinfo, _)) = rest.rsplit_once('@')
        && let Some((_, password)) = userinfo.split_once(':')
    {
        secrets.push(password.to_owned());
    }
    if let Ok(url) = url::Url::parse(database_url) {
        if let Some(password) = url.password() {
            secrets.push(password.to_owned());
            secrets.push(percent_decode(password));
        }
        for (key, value) in url.query_pairs() {
            if is_secret_param(&key) {
                secrets.push(value.into_owned());
            }
        }
    }
    secrets.retain(|s| !s.is_empty());
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets.dedup();
    secrets
}

fn scrub(message: &str, secrets: &[String]) -> String {
    secrets.iter().fold(message.to_owned(), |text, secret| {
        text.replace(secret.as_str(), MASK)
    })
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_masked_wherever_it_is() {
        assert_eq!(
            redact_url("postgres://bc:s3cr%40t@db.example:5432/mirror?sslmode=require"),
            "postgres://bc:***@db.example:5432/mirror?sslmode=require"
        );
        assert_eq!(
            redact_url("postgres://bc@db/mirror?password=hunter2&application_name=x"),
            "postgres://bc@db/mirror?password=***&application_name=x"
        );
        assert_eq!(redact_url("postgres://bc@db/mirror"), "postgres://bc@db/mirror");
        assert!(!redact_url("postgres://bc:pw@db:notaport/x").contains("pw"));
    }

    #[test]
    fn messages_are_scrubbed_of_every_spelling() {
        let secrets = secrets_of("postgres://bc:s3cr%40t@db/mirror?password=other");
        let text = scrub("a s3cr%40t b s3cr@t c other", &secrets);
        assert_eq!(text, "a *** b *** c ***");
    }
}
