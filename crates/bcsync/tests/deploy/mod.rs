//! Shared helpers of the deployment-file tests (`deploy_k8s.rs`, `deploy_config.rs`,
//! `deploy_systemd.rs`): the daemon's deployment contract as constants, and readers of
//! the YAML, TOML and unit files under `deploy/`.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use yaml_rust2::{Yaml, YamlLoader};

/// Where the binary lives, in the image and on a systemd host alike.
pub const BINARY: &str = "/usr/local/bin/bcsync";
pub const PORT: i64 = 9187;
/// The ConfigMap's mount point; bcsync.toml inside it.
pub const CONFIG_DIR: &str = "/etc/bcsync";
pub const CONFIG_FILE: &str = "/etc/bcsync/bcsync.toml";
/// The mount point of the Secret holding the token files and the webhook secret.
pub const SECRETS_DIR: &str = "/run/secrets/bcsync";
/// The distroless `nonroot` user.
pub const NONROOT_UID: i64 = 65532;
/// The sections of bcsync.toml (the daemon's configuration contract).
pub const CONFIG_SECTIONS: [&str; 7] = [
    "database", "http", "log", "defaults", "webhooks", "lease", "stores",
];

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub struct Doc {
    pub path: PathBuf,
    pub yaml: Yaml,
}

pub fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "yaml" || ext == "yml") {
            out.push(path);
        }
    }
}

pub fn parse_yaml(path: &Path, text: &str) -> Vec<Yaml> {
    YamlLoader::load_from_str(text).unwrap_or_else(|e| panic!("{}: not YAML: {e}", path.display()))
}

/// Every YAML document of every file under deploy/k8s (empty documents left out).
pub fn documents() -> Vec<Doc> {
    let mut files = Vec::new();
    yaml_files(&repo().join("deploy/k8s"), &mut files);
    assert!(!files.is_empty(), "no YAML files under deploy/k8s");
    let mut docs = Vec::new();
    for path in files {
        for yaml in parse_yaml(&path, &read(&path)) {
            if !yaml.is_null() {
                docs.push(Doc {
                    path: path.clone(),
                    yaml,
                });
            }
        }
    }
    docs
}

pub fn under(doc: &Doc, dir: &str) -> bool {
    doc.path.starts_with(repo().join(dir))
}

/// The one document of `kind` in the base.
pub fn base<'a>(docs: &'a [Doc], kind: &str) -> &'a Yaml {
    let found: Vec<&Doc> = docs
        .iter()
        .filter(|d| under(d, "deploy/k8s/base") && d.yaml["kind"].as_str() == Some(kind))
        .collect();
    assert_eq!(found.len(), 1, "expected exactly one {kind} in deploy/k8s/base");
    &found[0].yaml
}

pub fn text<'a>(y: &'a Yaml, what: &str) -> &'a str {
    y.as_str()
        .unwrap_or_else(|| panic!("{what}: expected a string, got {y:?}"))
}

pub fn list(y: &Yaml) -> &[Yaml] {
    y.as_vec().map(Vec::as_slice).unwrap_or(&[])
}

pub fn strings(y: &Yaml) -> Vec<&str> {
    list(y).iter().filter_map(Yaml::as_str).collect()
}

pub fn string_map(y: &Yaml) -> BTreeMap<&str, &str> {
    y.as_hash()
        .map(|h| {
            h.iter()
                .filter_map(|(k, v)| Some((k.as_str()?, v.as_str()?)))
                .collect()
        })
        .unwrap_or_default()
}

/// `labels` carries every pair of `selector`.
pub fn selects(selector: &Yaml, labels: &Yaml) -> bool {
    let selector = string_map(selector);
    let labels = string_map(labels);
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

pub fn workload<'a>(docs: &'a [Doc], kind: &str) -> (&'a Yaml, &'a Yaml) {
    let doc = base(docs, kind);
    let template = match kind {
        "CronJob" => &doc["spec"]["jobTemplate"]["spec"]["template"],
        _ => &doc["spec"]["template"],
    };
    (doc, template)
}

/// The pod runs as the non-root user on a read-only root, without privileges, and reads
/// its configuration and secrets from the paths bcsync.toml names.
pub fn assert_hardened_pod(docs: &[Doc], kind: &str, template: &Yaml) {
    let spec = &template["spec"];
    let pod = &spec["securityContext"];
    assert_eq!(
        pod["runAsNonRoot"].as_bool(),
        Some(true),
        "{kind}: pod runAsNonRoot"
    );
    assert_eq!(
        pod["runAsUser"].as_i64(),
        Some(NONROOT_UID),
        "{kind}: pod runAsUser"
    );
    assert_eq!(
        pod["seccompProfile"]["type"].as_str(),
        Some("RuntimeDefault"),
        "{kind}: seccomp"
    );
    assert_eq!(
        spec["automountServiceAccountToken"].as_bool(),
        Some(false),
        "{kind}: SA token"
    );
    // A Service named bcsync would otherwise inject BCSYNC_PORT, BCSYNC_SERVICE_HOST, ...
    // into bcsync's own environment namespace.
    assert_eq!(
        spec["enableServiceLinks"].as_bool(),
        Some(false),
        "{kind}: enableServiceLinks"
    );

    let volumes: BTreeMap<&str, &Yaml> = list(&spec["volumes"])
        .iter()
        .map(|v| (text(&v["name"], "volume name"), v))
        .collect();
    let config_map = text(&base(docs, "ConfigMap")["metadata"]["name"], "ConfigMap name");
    let secrets = example_secrets(docs);

    let containers = list(&spec["containers"]);
    assert!(!containers.is_empty(), "{kind}: no containers");
    for c in containers {
        let name = text(&c["name"], "container name");
        let sc = &c["securityContext"];
        assert_eq!(
            sc["readOnlyRootFilesystem"].as_bool(),
            Some(true),
            "{kind}/{name}: read-only root"
        );
        assert_eq!(
            sc["allowPrivilegeEscalation"].as_bool(),
            Some(false),
            "{kind}/{name}: escalation"
        );
        assert_ne!(
            sc["runAsNonRoot"].as_bool(),
            Some(false),
            "{kind}/{name}: runAsNonRoot"
        );
        assert!(
            strings(&sc["capabilities"]["drop"]).contains(&"ALL"),
            "{kind}/{name}: drop ALL"
        );
        for bound in ["requests", "limits"] {
            for resource in ["cpu", "memory"] {
                assert!(
                    c["resources"][bound][resource].as_str().is_some(),
                    "{kind}/{name}: resources.{bound}.{resource}"
                );
            }
        }

        let mounts: BTreeMap<&str, &str> = list(&c["volumeMounts"])
            .iter()
            .map(|m| (text(&m["mountPath"], "mountPath"), text(&m["name"], "mount name")))
            .collect();
        let config = volumes[mounts
            .get(CONFIG_DIR)
            .expect("bcsync.toml mounted at /etc/bcsync")];
        assert_eq!(
            config["configMap"]["name"].as_str(),
            Some(config_map),
            "{kind}/{name}: ConfigMap"
        );
        let tokens = volumes[mounts.get(SECRETS_DIR).expect("the token Secret mounted")];
        let secret = text(&tokens["secret"]["secretName"], "secretName");
        assert!(
            secrets.contains_key(secret),
            "{kind}/{name}: Secret {secret} not in secret.example.yaml"
        );

        let env: BTreeMap<&str, &Yaml> = list(&c["env"])
            .iter()
            .map(|e| (text(&e["name"], "env name"), e))
            .collect();
        let url =
            &env.get("BCSYNC__DATABASE__URL").expect("BCSYNC__DATABASE__URL")["valueFrom"]["secretKeyRef"];
        let (secret, key) = (
            text(&url["name"], "secretKeyRef.name"),
            text(&url["key"], "secretKeyRef.key"),
        );
        assert!(
            secrets.get(secret).is_some_and(|keys| keys.contains(key)),
            "{kind}/{name}: the database URL comes from {secret}/{key}, which secret.example.yaml lacks"
        );
        // Without --config, bcsync reads bcsync.toml from the working directory.
        let args = strings(&c["args"]);
        assert!(
            args.windows(2).any(|w| w == ["--config", CONFIG_FILE])
                || c["workingDir"].as_str() == Some(CONFIG_DIR),
            "{kind}/{name}: neither --config {CONFIG_FILE} nor workingDir {CONFIG_DIR}"
        );
    }
}

/// Secret name → its keys, from deploy/k8s/base/secret.example.yaml.
pub fn example_secrets(docs: &[Doc]) -> BTreeMap<&str, BTreeSet<&str>> {
    docs.iter()
        .filter(|d| d.path.ends_with("base/secret.example.yaml"))
        .map(|d| {
            assert_eq!(d.yaml["kind"].as_str(), Some("Secret"));
            let keys = d.yaml["stringData"].as_hash().expect("stringData");
            (
                text(&d.yaml["metadata"]["name"], "Secret name"),
                keys.keys().map(|k| text(k, "stringData key")).collect(),
            )
        })
        .collect()
}

pub fn parse_toml(what: &str, source: &str) -> toml::Table {
    let table: toml::Table = source.parse().unwrap_or_else(|e| panic!("{what}: not TOML: {e}"));
    for key in table.keys() {
        assert!(
            CONFIG_SECTIONS.contains(&key.as_str()),
            "{what}: unknown section [{key}]"
        );
    }
    for section in ["database", "http", "log", "defaults", "lease"] {
        assert!(
            table.get(section).is_some_and(toml::Value::is_table),
            "{what}: no [{section}]"
        );
    }
    let url = table["database"]["url"].as_str().expect("[database] url");
    let authority = url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('@').next())
        .unwrap_or_default();
    assert!(
        !authority.contains(':'),
        "{what}: a password in [database] url; it belongs in the environment"
    );
    let listen = table["http"]["listen"].as_str().expect("[http] listen");
    assert!(listen.ends_with(&format!(":{PORT}")), "{what}: listen {listen}");
    assert!(
        table["lease"]["ttl_secs"].as_integer().is_some(),
        "{what}: [lease] ttl_secs"
    );
    let stores = table["stores"].as_array().expect("[[stores]]");
    assert!(!stores.is_empty(), "{what}: no [[stores]]");
    table
}

/// The file paths of bcsync.toml that hold secrets: each store's token_file and the
/// webhook secret_file.
pub fn secret_files(table: &toml::Table) -> Vec<&str> {
    let stores = table["stores"].as_array().unwrap();
    let mut files: Vec<&str> = stores
        .iter()
        .map(|s| {
            assert!(s["hash"].as_str().is_some(), "a store without hash");
            s["token_file"].as_str().expect("token_file")
        })
        .collect();
    if let Some(webhooks) = table.get("webhooks") {
        files.push(webhooks["secret_file"].as_str().expect("[webhooks] secret_file"));
    }
    files
}
