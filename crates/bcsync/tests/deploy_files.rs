//! The deployment files (`deploy/`, `Dockerfile`, `.dockerignore`) agree with each other
//! and with the daemon's contract: every Kubernetes manifest parses, kustomizations name
//! files that exist, the pods probe `/healthz` and `/readyz`, run as non-root on a
//! read-only root file system, read their configuration and secrets where bcsync.toml
//! says, the CronJob runs `resync`, every bcsync.toml parses, and the systemd units pass
//! `systemd-analyze verify` (when it is installed) with no warning at all.
//!
//! No database, no network: these read files (and run `systemd-analyze` / `kubectl
//! kustomize` when present).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use yaml_rust2::{Yaml, YamlLoader};

/// Where the binary lives, in the image and on a systemd host alike.
const BINARY: &str = "/usr/local/bin/bcsync";
const PORT: i64 = 9187;
/// The ConfigMap's mount point; bcsync.toml inside it.
const CONFIG_DIR: &str = "/etc/bcsync";
const CONFIG_FILE: &str = "/etc/bcsync/bcsync.toml";
/// The mount point of the Secret holding the token files and the webhook secret.
const SECRETS_DIR: &str = "/run/secrets/bcsync";
/// The distroless `nonroot` user.
const NONROOT_UID: i64 = 65532;
/// The sections of bcsync.toml (the daemon's configuration contract).
const CONFIG_SECTIONS: [&str; 7] = [
    "database", "http", "log", "defaults", "webhooks", "lease", "stores",
];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

struct Doc {
    path: PathBuf,
    yaml: Yaml,
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
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

fn parse_yaml(path: &Path, text: &str) -> Vec<Yaml> {
    YamlLoader::load_from_str(text).unwrap_or_else(|e| panic!("{}: not YAML: {e}", path.display()))
}

/// Every YAML document of every file under deploy/k8s (empty documents left out).
fn documents() -> Vec<Doc> {
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

fn under(doc: &Doc, dir: &str) -> bool {
    doc.path.starts_with(repo().join(dir))
}

/// The one document of `kind` in the base.
fn base<'a>(docs: &'a [Doc], kind: &str) -> &'a Yaml {
    let found: Vec<&Doc> = docs
        .iter()
        .filter(|d| under(d, "deploy/k8s/base") && d.yaml["kind"].as_str() == Some(kind))
        .collect();
    assert_eq!(found.len(), 1, "expected exactly one {kind} in deploy/k8s/base");
    &found[0].yaml
}

fn text<'a>(y: &'a Yaml, what: &str) -> &'a str {
    y.as_str()
        .unwrap_or_else(|| panic!("{what}: expected a string, got {y:?}"))
}

fn list(y: &Yaml) -> &[Yaml] {
    y.as_vec().map(Vec::as_slice).unwrap_or(&[])
}

fn strings(y: &Yaml) -> Vec<&str> {
    list(y).iter().filter_map(Yaml::as_str).collect()
}

fn string_map(y: &Yaml) -> BTreeMap<&str, &str> {
    y.as_hash()
        .map(|h| {
            h.iter()
                .filter_map(|(k, v)| Some((k.as_str()?, v.as_str()?)))
                .collect()
        })
        .unwrap_or_default()
}

/// `labels` carries every pair of `selector`.
fn selects(selector: &Yaml, labels: &Yaml) -> bool {
    let selector = string_map(selector);
    let labels = string_map(labels);
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

fn workload<'a>(docs: &'a [Doc], kind: &str) -> (&'a Yaml, &'a Yaml) {
    let doc = base(docs, kind);
    let template = match kind {
        "CronJob" => &doc["spec"]["jobTemplate"]["spec"]["template"],
        _ => &doc["spec"]["template"],
    };
    (doc, template)
}

/// The pod runs as the non-root user on a read-only root, without privileges, and reads
/// its configuration and secrets from the paths bcsync.toml names.
fn assert_hardened_pod(docs: &[Doc], kind: &str, template: &Yaml) {
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
fn example_secrets(docs: &[Doc]) -> BTreeMap<&str, BTreeSet<&str>> {
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

#[test]
fn every_yaml_document_under_deploy_k8s_parses_and_names_its_kind() {
    let docs = documents();
    assert!(docs.len() >= 8, "only {} documents under deploy/k8s", docs.len());
    for doc in &docs {
        let at = doc.path.display();
        let kind = text(&doc.yaml["kind"], "kind");
        if doc.path.ends_with("kustomization.yaml") {
            assert_eq!(kind, "Kustomization", "{at}");
            continue;
        }
        text(&doc.yaml["apiVersion"], "apiVersion");
        text(&doc.yaml["metadata"]["name"], "metadata.name");
        if under(doc, "deploy/k8s/base") {
            assert!(
                doc.yaml["metadata"]["namespace"].is_badvalue(),
                "{at}: base resources set no namespace"
            );
            assert!(
                doc.yaml["metadata"]["labels"]["app.kubernetes.io/name"].as_str() == Some("bcsync"),
                "{at}: {kind} lacks the label app.kubernetes.io/name: bcsync"
            );
        }
    }
}

#[test]
fn every_kustomization_lists_files_that_exist() {
    let docs = documents();
    let kustomizations: Vec<&Doc> = docs
        .iter()
        .filter(|d| d.path.ends_with("kustomization.yaml"))
        .collect();
    assert!(kustomizations.len() >= 2, "expected the base and an overlay");
    for k in kustomizations {
        let dir = k.path.parent().unwrap();
        let resources = strings(&k.yaml["resources"]);
        assert!(!resources.is_empty(), "{}: no resources", k.path.display());
        let patches = list(&k.yaml["patches"]).iter().filter_map(|p| p["path"].as_str());
        for entry in resources.iter().copied().chain(patches) {
            let path = dir.join(entry);
            assert!(path.exists(), "{}: {entry} does not exist", k.path.display());
            if path.is_dir() {
                assert!(
                    path.join("kustomization.yaml").is_file(),
                    "{}: {entry} is no kustomization",
                    k.path.display()
                );
            }
        }
        // Every manifest of the base is listed, except the Secret example: applying the
        // base must never overwrite real credentials with placeholders.
        if under(k, "deploy/k8s/base") {
            let mut files = Vec::new();
            yaml_files(dir, &mut files);
            for file in files {
                let name = file.file_name().unwrap().to_str().unwrap();
                match name {
                    "kustomization.yaml" => {}
                    "secret.example.yaml" => {
                        assert!(!resources.contains(&name), "the Secret example is applied")
                    }
                    _ => assert!(
                        resources.contains(&name),
                        "deploy/k8s/base/{name} is not in resources"
                    ),
                }
            }
        }
        kustomize(dir);
    }
}

/// Renders the kustomization with `kubectl kustomize` when kubectl is installed: the
/// output parses and holds the daemon's Deployment.
fn kustomize(dir: &Path) {
    let output = match Command::new("kubectl").arg("kustomize").arg(dir).output() {
        Ok(output) => output,
        Err(e) => {
            eprintln!("skipping `kubectl kustomize {}`: {e}", dir.display());
            return;
        }
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "kubectl kustomize {}: {stderr}",
        dir.display()
    );
    let rendered = parse_yaml(dir, &String::from_utf8(output.stdout).unwrap());
    assert!(
        rendered.iter().any(|d| d["kind"].as_str() == Some("Deployment")),
        "kubectl kustomize {}: no Deployment",
        dir.display()
    );
}

#[test]
fn the_deployment_probes_health_and_readiness_on_the_http_port() {
    let docs = documents();
    let (deployment, template) = workload(&docs, "Deployment");
    assert_eq!(
        deployment["spec"]["replicas"].as_i64(),
        Some(2),
        "replicas share the stores through leases"
    );
    assert!(selects(
        &deployment["spec"]["selector"]["matchLabels"],
        &template["metadata"]["labels"]
    ));
    let spec = &template["spec"];
    assert!(
        spec["terminationGracePeriodSeconds"]
            .as_i64()
            .is_some_and(|s| (10..=60).contains(&s))
    );

    let containers = list(&spec["containers"]);
    assert_eq!(containers.len(), 1);
    let c = &containers[0];
    assert_eq!(strings(&c["args"]), ["run", "--config", CONFIG_FILE]);
    let http = list(&c["ports"])
        .iter()
        .find(|p| p["name"].as_str() == Some("http"))
        .expect("a port named http");
    assert_eq!(http["containerPort"].as_i64(), Some(PORT));
    for (probe, path) in [("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")] {
        let get = &c[probe]["httpGet"];
        assert_eq!(get["path"].as_str(), Some(path), "{probe}");
        assert!(
            get["port"].as_str() == Some("http") || get["port"].as_i64() == Some(PORT),
            "{probe}: port {:?}",
            get["port"]
        );
    }
    if !c["startupProbe"].is_badvalue() {
        assert_eq!(c["startupProbe"]["httpGet"]["path"].as_str(), Some("/healthz"));
    }

    let annotations = string_map(&template["metadata"]["annotations"]);
    assert_eq!(annotations.get("prometheus.io/scrape"), Some(&"true"));
    assert_eq!(
        annotations.get("prometheus.io/port"),
        Some(&PORT.to_string().as_str())
    );
    assert_eq!(annotations.get("prometheus.io/path"), Some(&"/metrics"));

    assert_hardened_pod(&docs, "Deployment", template);
}

#[test]
fn the_cronjob_runs_resync_one_at_a_time_as_hardened_as_the_daemon() {
    let docs = documents();
    let (cronjob, template) = workload(&docs, "CronJob");
    assert_eq!(cronjob["spec"]["concurrencyPolicy"].as_str(), Some("Forbid"));
    let schedule = text(&cronjob["spec"]["schedule"], "schedule");
    assert_eq!(schedule.split_whitespace().count(), 5, "schedule {schedule:?}");
    assert!(matches!(
        template["spec"]["restartPolicy"].as_str(),
        Some("Never" | "OnFailure")
    ));
    for c in list(&template["spec"]["containers"]) {
        let words: Vec<&str> = strings(&c["command"])
            .into_iter()
            .chain(strings(&c["args"]))
            .collect();
        assert!(words.contains(&"resync"), "the CronJob runs {words:?}");
    }
    assert_hardened_pod(&docs, "CronJob", template);
}

#[test]
fn the_service_and_the_disruption_budget_select_the_daemon_pods_only() {
    let docs = documents();
    let (deployment, daemon) = workload(&docs, "Deployment");
    let (_, resync) = workload(&docs, "CronJob");
    let daemon = &daemon["metadata"]["labels"];
    let resync = &resync["metadata"]["labels"];

    let service = base(&docs, "Service");
    assert!(
        selects(&service["spec"]["selector"], daemon),
        "the Service misses the daemon pods"
    );
    assert!(
        !selects(&service["spec"]["selector"], resync),
        "the Service routes to resync pods"
    );
    let ports = list(&service["spec"]["ports"]);
    assert!(ports.iter().any(|p| p["port"].as_i64() == Some(PORT)
        && (p["targetPort"].as_str() == Some("http") || p["targetPort"].as_i64() == Some(PORT))));

    let pdb = base(&docs, "PodDisruptionBudget");
    assert_eq!(pdb["spec"]["minAvailable"].as_i64(), Some(1));
    assert!(
        pdb["spec"]["minAvailable"].as_i64() < deployment["spec"]["replicas"].as_i64(),
        "nodes could never drain"
    );
    assert!(selects(&pdb["spec"]["selector"]["matchLabels"], daemon));
    assert!(!selects(&pdb["spec"]["selector"]["matchLabels"], resync));
}

fn parse_toml(what: &str, source: &str) -> toml::Table {
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
fn secret_files(table: &toml::Table) -> Vec<&str> {
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
