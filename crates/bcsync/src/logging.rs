//! One way to log for every command. Commands log to stderr, so stdout stays for what
//! a command prints on purpose; the daemon logs to stdout (journald and container
//! runtimes collect it).
//!
//! `[log] format` (or `--log-format`, `BCSYNC__LOG__FORMAT`) chooses JSON or text;
//! `auto` means JSON for the daemon when stdout is not a terminal and text for the
//! other commands. Colour only goes to a terminal, and never when `NO_COLOR` is set.
//! The level is `[log] level` (or `RUST_LOG`), unless `-v` asks for more.

use std::io::IsTerminal;

use bcsync_config::{LogConfig, LogFormat};
use tracing_subscriber::EnvFilter;

use crate::progress::LogWriter;

/// Where the log lines go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// One-shot commands.
    Stderr,
    /// The daemon.
    Stdout,
}

/// PostgreSQL's notices, which sqlx logs at INFO: every start would otherwise say
/// "schema bigcommerce already exists, skipping". Routine, so shown only when the
/// level names `sqlx` itself (as `-vv` and a `RUST_LOG` with `sqlx=…` do).
const QUIET: &str = "sqlx::postgres::notice=warn";

pub fn init(log: &LogConfig, target: Target, verbose: u8) {
    let level = match verbose {
        0 => log.level.clone(),
        1 => "debug,sqlx=warn,hyper=info,reqwest=info".to_owned(),
        _ => "trace".to_owned(),
    };
    let mut filter = EnvFilter::try_new(&level).unwrap_or_else(|_| EnvFilter::new("info"));
    if !level.contains("sqlx") {
        filter = filter.add_directive(QUIET.parse().expect("a valid directive"));
    }
    let terminal = match target {
        Target::Stderr => std::io::stderr().is_terminal(),
        Target::Stdout => std::io::stdout().is_terminal(),
    };
    let json = match (log.format, target) {
        (LogFormat::Auto, Target::Stderr) => false,
        (format, _) => format.is_json(terminal),
    };
    let colour = terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour);
    match (json, target) {
        (true, Target::Stderr) => builder.json().with_writer(LogWriter).init(),
        (true, Target::Stdout) => builder.json().with_writer(std::io::stdout).init(),
        (false, Target::Stderr) => builder.with_writer(LogWriter).init(),
        (false, Target::Stdout) => builder.with_writer(std::io::stdout).init(),
    }
}

/// For `demo`, which reads no configuration: info-level text (or as `RUST_LOG` says).
pub fn demo_defaults() -> LogConfig {
    let level = std::env::var("RUST_LOG")
        .ok()
        .filter(|l| !l.trim().is_empty())
        .unwrap_or_else(|| "info,sqlx=warn".to_owned());
    LogConfig {
        format: LogFormat::Auto,
        level,
    }
}
