//! Commands log to stderr, so stdout stays for what a command prints on purpose. The
//! daemon logs to stdout (journald and container runtimes collect it), as JSON when
//! stdout is not a terminal, readable text when it is.

use std::io::IsTerminal;

use bcsync_config::LogConfig;
use tracing_subscriber::EnvFilter;

pub fn init(verbose: u8) {
    let default = match verbose {
        0 => "info,sqlx=warn",
        1 => "debug,sqlx=warn,hyper=info,reqwest=info",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

pub fn init_daemon(log: &LogConfig, verbose: u8) {
    let level = match verbose {
        0 => log.level.clone(),
        1 => "debug,sqlx=warn,hyper=info,reqwest=info".to_owned(),
        _ => "trace".to_owned(),
    };
    let filter = EnvFilter::try_new(&level).unwrap_or_else(|_| EnvFilter::new("info"));
    if log.format.is_json(std::io::stdout().is_terminal()) {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .with_writer(std::io::stdout)
            .init();
    } else {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stdout)
            .init();
    }
}
