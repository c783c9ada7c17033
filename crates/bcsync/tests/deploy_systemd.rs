//! The systemd units under `deploy/systemd`: a hardened notify service, a resync
//! oneshot sharing its settings, and `systemd-analyze verify` (when it is installed)
//! with no warning at all.
//!
//! No database, no network: these read files (and run `systemd-analyze` when present).

use crate::deploy;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Command;

use deploy::*;

/// The settings of bcsync.service that bcsync-resync.service (a oneshot) does without or
/// sets differently.
const NOT_SHARED_WITH_RESYNC: [&str; 17] = [
    "Description",
    "Documentation",
    "Wants",
    "After",
    "StartLimitIntervalSec",
    "StartLimitBurst",
    "Type",
    "NotifyAccess",
    "WatchdogSec",
    "ExecStart",
    "ExecStartPre",
    "Restart",
    "RestartPreventExitStatus",
    "RestartSec",
    "TimeoutStartSec",
    "LimitNOFILE",
    "WantedBy",
];

/// `Key=value` lines of a unit file, in order (a key may repeat).
fn unit_settings(unit: &str) -> Vec<(String, String)> {
    read(&repo().join("deploy/systemd").join(unit))
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with('['))
        .map(|l| {
            let (k, v) = l.split_once('=').unwrap_or_else(|| panic!("{unit}: {l:?}"));
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

#[test]
fn the_systemd_unit_is_a_hardened_notify_service() {
    let settings = unit_settings("bcsync.service");
    let get = |key: &str| -> Vec<&str> {
        settings
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    };
    for (key, value) in [
        ("Type", "notify"),
        ("NotifyAccess", "main"),
        ("WatchdogSec", "30"),
        ("Restart", "on-failure"),
        ("User", "bcsync"),
        ("Group", "bcsync"),
        ("EnvironmentFile", "-/etc/bcsync/bcsync.env"),
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
        ("PrivateDevices", "yes"),
        ("ProtectKernelTunables", "yes"),
        ("ProtectKernelModules", "yes"),
        ("ProtectKernelLogs", "yes"),
        ("ProtectControlGroups", "yes"),
        ("RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX"),
        ("RestrictNamespaces", "yes"),
        ("LockPersonality", "yes"),
        ("MemoryDenyWriteExecute", "yes"),
        ("CapabilityBoundingSet", ""),
    ] {
        assert_eq!(get(key), [value], "bcsync.service: {key}");
    }
    assert!(get("SystemCallFilter").contains(&"@system-service"));
    assert!(!get("RestartSec").is_empty() && !get("TimeoutStopSec").is_empty());
    assert_eq!(
        get("ExecStart"),
        [format!("{BINARY} run --config {CONFIG_FILE}").as_str()]
    );

    let resync = unit_settings("bcsync-resync.service");
    let exec: Vec<&str> = resync
        .iter()
        .filter(|(k, _)| k == "ExecStart")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(exec, [format!("{BINARY} resync").as_str()]);
    // The one-off resync carries the daemon's user, files and hardening, line for line.
    let hardening = |s: &[(String, String)]| -> BTreeSet<(String, String)> {
        s.iter()
            .filter(|(k, _)| !NOT_SHARED_WITH_RESYNC.contains(&k.as_str()))
            .cloned()
            .collect()
    };
    assert_eq!(hardening(&settings), hardening(&resync));
}

#[test]
fn the_systemd_units_pass_systemd_analyze_verify_without_warnings() {
    if Command::new("systemd-analyze").arg("--version").output().is_err() {
        eprintln!("skipping: systemd-analyze is not installed");
        return;
    }
    // verify checks that ExecStart's binary exists: point it at one that does, the unit
    // files otherwise unchanged.
    let dir = std::env::temp_dir().join(format!("bcsync-deploy-verify-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let units = ["bcsync.service", "bcsync-resync.service", "bcsync-resync.timer"];
    let stand_in = ["/usr/bin/true", "/bin/true"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .unwrap();
    let mut paths = Vec::new();
    for unit in units {
        let source = read(&repo().join("deploy/systemd").join(unit));
        assert!(
            !unit.ends_with(".service") || source.contains(BINARY),
            "{unit} does not run {BINARY}"
        );
        let path = dir.join(unit);
        fs::write(&path, source.replace(BINARY, stand_in)).unwrap();
        paths.push(path);
    }
    let output = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .args(&paths)
        .output()
        .unwrap();
    fs::remove_dir_all(&dir).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    // systemd-analyze exits 0 on unknown keys and bad values, reporting them only on
    // stderr: any line about our units fails. Lines about the host's own units are not
    // ours to fix.
    let ours: Vec<&str> = stderr.lines().filter(|l| l.contains("bcsync")).collect();
    let theirs: Vec<&str> = stderr.lines().filter(|l| !l.contains("bcsync")).collect();
    if !theirs.is_empty() {
        eprintln!("systemd-analyze, about other units:\n{}", theirs.join("\n"));
    }
    assert!(
        output.status.success() && ours.is_empty(),
        "systemd-analyze verify:\n{stderr}"
    );
}
