//! The Kubernetes files under `deploy/k8s` agree with each other and with the daemon's
//! contract: every manifest parses, kustomizations name files that exist, the pods
//! probe `/healthz` and `/readyz`, run as non-root on a read-only root file system, and
//! the CronJob runs `resync`.
//!
//! No database, no network: these read files (and run `kubectl kustomize` when present).

use crate::deploy;

use std::path::Path;
use std::process::Command;

use deploy::*;

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
