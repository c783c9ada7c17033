//! `[change_log] retention_days`: default, override by file and environment, range.

use crate::common;

use std::time::Duration;

use common::*;

#[test]
fn retention_defaults_to_thirty_days_and_zero_keeps_everything() {
    let config = load(&minimal(""), &[]).unwrap();
    assert_eq!(
        config.change_log.retention,
        Some(Duration::from_secs(30 * 86_400))
    );
    let config = load(&minimal("[change_log]\nretention_days = 7\n"), &[]).unwrap();
    assert_eq!(config.change_log.retention, Some(Duration::from_secs(7 * 86_400)));
    let config = load(&minimal(""), &[("BCSYNC__CHANGE_LOG__RETENTION_DAYS", "0")]).unwrap();
    assert_eq!(config.change_log.retention, None);
}

#[test]
fn retention_out_of_range_or_mistyped_names_the_key() {
    assert_refused(&[(
        "[change_log]\nretention_days = 40000\n",
        "bcsync.toml: change_log.retention_days: 40000 is out of range [0, 36500]",
    )]);
    let e = error(&minimal("[change_log]\nretention = \"30d\"\n"), &[]);
    assert_has(&e, "change_log");
    assert_has(&e, "unknown field `retention`");
}
