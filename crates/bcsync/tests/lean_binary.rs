//! The production binary (`--no-default-features`, as the Dockerfile builds it) leaves
//! out the simulator and the throwaway PostgreSQL that only `bcsync demo` needs.

use std::process::Command;

fn normal_dependencies(features: &[&str]) -> String {
    let out = Command::new(env!("CARGO"))
        .args([
            "tree",
            "-p",
            "bcsync",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--offline",
        ])
        .args(features)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_production_build_has_no_simulator_and_no_throwaway_postgres() {
    let lean = normal_dependencies(&["--no-default-features"]);
    for absent in ["bcsync-simulator", "throwaway-pg"] {
        assert!(
            !lean.contains(absent),
            "{absent} in the production build:\n{lean}"
        );
    }
    assert!(lean.contains("bcsync-mirror"), "{lean}");
    let full = normal_dependencies(&[]);
    assert!(
        full.contains("bcsync-simulator") && full.contains("throwaway-pg"),
        "{full}"
    );
}

#[test]
fn the_dockerfile_builds_without_default_features() {
    let dockerfile =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Dockerfile")).unwrap();
    let build = dockerfile
        .lines()
        .find(|l| l.contains("cargo build"))
        .expect("a cargo build line");
    assert!(build.contains("--no-default-features"), "{build}");
}
