//! What can go wrong. Each message names the binary, directory or port involved, so a
//! failing test or `bcsync demo` says what to fix without a debugger.

use std::io;
use std::path::PathBuf;
use std::process::ExitStatus;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error(
        "PostgreSQL server binaries not found (initdb); install with `apt-get install -y postgresql` \
         (looked on PATH and in /usr/lib/postgresql/*/bin)"
    )]
    BinariesNotFound,

    #[error("`{tool}` not found in {bin_dir} (next to initdb) nor on PATH")]
    ToolNotFound { tool: &'static str, bin_dir: PathBuf },

    #[error(
        "running as root: initdb and postgres refuse root, and there is no `postgres` system user \
         to run them as (`id -u postgres` failed)"
    )]
    NoPostgresUser,

    #[error(
        "running as root: neither `runuser` nor `su` found to run initdb and postgres as the \
         `postgres` user"
    )]
    NoUserSwitch,

    #[error("could not create a temporary directory for the cluster: {0}")]
    TempDir(#[source] io::Error),

    #[error("could not run `{program}`: {source}")]
    Spawn {
        program: String,
        #[source]
        source: io::Error,
    },

    #[error("`{command}` failed ({status}): {output}")]
    Command {
        command: String,
        status: ExitStatus,
        output: String,
    },

    #[error("initdb ({initdb}) failed ({status}) for data dir {data_dir}: {output}")]
    InitDb {
        initdb: PathBuf,
        data_dir: PathBuf,
        status: ExitStatus,
        output: String,
    },

    #[error("could not find a free port on 127.0.0.1: {0}")]
    FreePort(#[source] io::Error),

    #[error("the supervisor shell did not start postgres ({postgres}) for data dir {data_dir}: {detail}")]
    Supervisor {
        postgres: PathBuf,
        data_dir: PathBuf,
        detail: String,
    },

    #[error(
        "postgres ({postgres}) exited before accepting connections on 127.0.0.1:{port} \
         (data dir {data_dir}); server log tail:\n{log_tail}"
    )]
    ServerExited {
        postgres: PathBuf,
        port: u16,
        data_dir: PathBuf,
        log_tail: String,
    },

    #[error(
        "postgres ({postgres}) did not accept connections on 127.0.0.1:{port} within {timeout:?} \
         (data dir {data_dir}); server log tail:\n{log_tail}"
    )]
    StartTimeout {
        postgres: PathBuf,
        port: u16,
        data_dir: PathBuf,
        timeout: Duration,
        log_tail: String,
    },

    #[error(
        "createdb ({createdb}) could not create database {name:?} on 127.0.0.1:{port} ({status}): {output}"
    )]
    CreateDatabase {
        createdb: PathBuf,
        name: String,
        port: u16,
        status: ExitStatus,
        output: String,
    },

    #[error("stopping the cluster on 127.0.0.1:{port} (data dir {data_dir}) failed: {reason}")]
    Stop {
        port: u16,
        data_dir: PathBuf,
        reason: String,
    },
}
