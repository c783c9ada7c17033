//! Every bcsync.toml under `deploy/` parses and reads its secrets from the mounted
//! Secret, the systemd and Kubernetes configurations match, and the Dockerfile builds
//! with the workspace toolchain and runs as non-root.
//!
//! No database, no network: these read files.

use crate::deploy;

use std::collections::BTreeSet;

use deploy::*;

#[test]
fn every_bcsync_toml_parses_and_reads_its_secrets_from_the_mounted_secret() {
    let docs = documents();
    let config_maps: Vec<&Doc> = docs
        .iter()
        .filter(|d| d.yaml["kind"].as_str() == Some("ConfigMap"))
        .collect();
    assert!(!config_maps.is_empty());
    let secrets = example_secrets(&docs);
    let (_, template) = workload(&docs, "Deployment");
    let volume = list(&template["spec"]["volumes"])
        .iter()
        .find(|v| !v["secret"].is_badvalue())
        .unwrap();
    let mounted = &secrets[text(&volume["secret"]["secretName"], "secretName")];

    for doc in config_maps {
        let what = doc.path.display().to_string();
        let table = parse_toml(&what, text(&doc.yaml["data"]["bcsync.toml"], "data.bcsync.toml"));
        for file in secret_files(&table) {
            let key = file
                .strip_prefix(SECRETS_DIR)
                .and_then(|rest| rest.strip_prefix('/'))
                .unwrap_or_else(|| panic!("{what}: {file} is outside {SECRETS_DIR}"));
            // The overlay's extra stores need keys of the installation's own Secret.
            if under(doc, "deploy/k8s/base") {
                assert!(
                    mounted.contains(key),
                    "{what}: the mounted Secret has no key {key}"
                );
            }
        }
    }
}

#[test]
fn the_systemd_example_configuration_parses_and_matches_the_kubernetes_one() {
    let systemd = parse_toml(
        "bcsync.toml.example",
        &read(&repo().join("deploy/systemd/bcsync.toml.example")),
    );
    for file in secret_files(&systemd) {
        assert!(
            file.starts_with("/etc/bcsync/secrets/"),
            "{file}: outside /etc/bcsync/secrets"
        );
    }
    // Both examples show every key of every section.
    let docs = documents();
    let k8s = parse_toml(
        "ConfigMap",
        text(&base(&docs, "ConfigMap")["data"]["bcsync.toml"], "bcsync.toml"),
    );
    let shape = |t: &toml::Table| -> BTreeSet<String> {
        t.iter()
            .flat_map(|(section, v)| {
                let keys: Vec<String> = match v {
                    toml::Value::Table(t) => t.keys().cloned().collect(),
                    toml::Value::Array(a) => a
                        .iter()
                        .flat_map(|s| s.as_table().unwrap().keys().cloned())
                        .collect(),
                    _ => vec![],
                };
                keys.into_iter().map(move |k| format!("{section}.{k}"))
            })
            .collect()
    };
    assert_eq!(shape(&systemd), shape(&k8s));

    let env = read(&repo().join("deploy/systemd/bcsync.env.example"));
    let mut keys = Vec::new();
    for line in env
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let (key, _) = line
            .split_once('=')
            .unwrap_or_else(|| panic!("bcsync.env.example: {line:?}"));
        assert!(
            key.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'),
            "{key}"
        );
        keys.push(key);
    }
    assert!(keys.contains(&"BCSYNC__DATABASE__URL"));
}

#[test]
fn the_dockerfile_builds_with_the_workspace_toolchain_and_runs_as_nonroot() {
    let manifest: toml::Table = read(&repo().join("Cargo.toml")).parse().unwrap();
    let rust_version = manifest["workspace"]["package"]["rust-version"].as_str().unwrap();
    let dockerfile = read(&repo().join("Dockerfile"));
    let instructions: Vec<&str> = dockerfile
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let from: Vec<&str> = instructions
        .iter()
        .filter_map(|l| l.strip_prefix("FROM "))
        .collect();
    assert_eq!(from.len(), 2, "a builder and a runtime stage: {from:?}");
    assert!(
        from[0].starts_with(&format!("rust:{rust_version}-")),
        "the builder {} is not the workspace's rust-version {rust_version}",
        from[0]
    );
    assert!(dockerfile.contains("cargo build --release --locked -p bcsync"));
    let last = |prefix: &str| {
        instructions
            .iter()
            .rev()
            .find_map(|l| l.strip_prefix(prefix))
            .unwrap_or_default()
    };
    assert_eq!(last("USER "), "nonroot");
    assert_eq!(last("EXPOSE "), PORT.to_string());
    assert_eq!(last("ENTRYPOINT "), format!("[\"{BINARY}\"]"));
    assert_eq!(
        last("CMD "),
        format!("[\"run\", \"--config\", \"{CONFIG_FILE}\"]")
    );

    let ignored = read(&repo().join(".dockerignore"));
    let ignored: Vec<&str> = ignored.lines().map(str::trim).collect();
    for entry in ["target", ".git"] {
        assert!(ignored.contains(&entry), ".dockerignore lacks {entry}");
    }
}
