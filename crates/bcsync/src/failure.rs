//! How a command that fails ends: one line on stderr, `error: ` then what failed and
//! what to check, then the root cause, shortened; and an exit status. A bad
//! configuration exits 78 (EX_CONFIG from sysexits.h), so systemd's
//! `RestartPreventExitStatus=78` stops restarting a unit that cannot work.

use std::process::ExitCode;

use bcsync_config::ConfigError;

/// sysexits.h: "configuration error".
pub const EX_CONFIG: u8 = 78;
/// Longest part of the line taken from one error of the chain.
const PART_MAX: usize = 240;

/// Prints `e` as one line and returns the exit status it means.
pub fn report(e: &anyhow::Error) -> ExitCode {
    eprintln!("error: {}", one_line(e));
    ExitCode::from(status(e))
}

/// 78 for a configuration error anywhere in the chain, else 1.
pub fn status(e: &anyhow::Error) -> u8 {
    if e.chain().any(|c| c.is::<ConfigError>()) {
        EX_CONFIG
    } else {
        1
    }
}

/// The error's chain joined with `: `, each part said once (a library error that
/// already quotes its source is not followed by that source again), on one line.
pub fn one_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for part in e.chain().map(|c| shorten(&c.to_string())) {
        if part.is_empty() || line.contains(&part) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&part);
    }
    line
}

/// One line, at most `PART_MAX` characters.
fn shorten(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= PART_MAX {
        return flat;
    }
    let cut: String = flat.chars().take(PART_MAX - 1).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cause_already_quoted_is_said_once() {
        let env = std::collections::HashMap::new();
        let err = bcsync_config::Config::load(Some(std::path::Path::new("nothere.toml")), &env).unwrap_err();
        let e = anyhow::Error::new(err).context("invalid configuration");
        let line = one_line(&e);
        assert!(
            line.starts_with("invalid configuration: nothere.toml: cannot read the config file: "),
            "{line}"
        );
        assert_eq!(line.matches("No such file").count(), 1, "{line}");
    }

    #[test]
    fn long_and_multi_line_causes_become_one_short_line() {
        let e = anyhow::anyhow!("{}\nsecond line", "x".repeat(1000)).context("syncing");
        let line = one_line(&e);
        assert!(!line.contains('\n'));
        assert!(line.chars().count() < PART_MAX + 20, "{}", line.len());
        assert!(line.ends_with('…'));
    }

    #[test]
    fn configuration_errors_exit_78() {
        let env = std::collections::HashMap::new();
        let err = bcsync_config::Config::load(Some(std::path::Path::new("/nonexistent/bcsync.toml")), &env)
            .unwrap_err();
        let e = anyhow::Error::new(err).context("invalid configuration");
        assert_eq!(status(&e), EX_CONFIG);
        assert_eq!(status(&anyhow::anyhow!("other")), 1);
    }
}
