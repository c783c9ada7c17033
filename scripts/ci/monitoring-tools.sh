#!/usr/bin/env bash
# Monitoring tools for CI: Debian's `prometheus` (the server and promtool) and `chromium`
# (headless, for the status page test), installed only when missing; then the alert
# rules are checked and unit-tested with promtool (`--check-only` skips the install).
#
# Idempotent; needs root for apt-get. Without apt-get (a developer's machine of another
# distribution) it only warns: the tests that need these tools then skip with a message.
set -euo pipefail

cd "$(dirname "$0")/../.."

install_missing() {
    local missing=()
    command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    [ "${#missing[@]}" -eq 0 ] && return 0
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "WARNING: no apt-get; not installing ${missing[*]} (their tests will skip)" >&2
        return 0
    fi
    echo "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # --no-install-recommends: no desktop session, fonts beyond the dependencies, or
    # prometheus' exporters; a systemd-less container cannot start the packaged service
    # anyway (the tests start their own server on a port of their own).
    # An install interrupted earlier (a full disk) leaves dpkg half-configured: finish
    # it first, or apt refuses every new package.
    dpkg --configure -a >/dev/null 2>&1 || true
    apt-get -f install -y -q >/dev/null 2>&1 || true
    apt-get install -y -q --no-install-recommends "${missing[@]}"
}

if [ "${1:-}" != --check-only ]; then
    install_missing
fi

if command -v promtool >/dev/null 2>&1; then
    promtool check rules deploy/monitoring/alerts.yaml
    promtool test rules deploy/monitoring/alerts.test.yaml
else
    echo "WARNING: promtool not installed; alert rules not checked" >&2
fi
