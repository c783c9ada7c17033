#!/usr/bin/env bash
# The project's test command: `scripts/test.sh [cargo test args…]`.
#
# Makes sure PostgreSQL's server binaries are installed (the tests start their own
# throwaway cluster from them through crates/throwaway-pg; nothing needs to be running),
# then runs every test of the workspace. Extra arguments go to `cargo test`, e.g.
# `scripts/test.sh -p bcsync-store` or `scripts/test.sh -- --nocapture`.
set -euo pipefail

cd "$(dirname "$0")/.."

have_postgres() {
    command -v initdb >/dev/null 2>&1 && return 0
    local initdb
    for initdb in /usr/lib/postgresql/*/bin/initdb; do
        [ -x "$initdb" ] && return 0
    done
    return 1
}

if ! have_postgres; then
    echo "test.sh: PostgreSQL server binaries (initdb) not found; installing postgresql with apt-get" >&2
    sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if ! command -v sudo >/dev/null 2>&1; then
            echo "test.sh: not root and no sudo; install PostgreSQL first: apt-get install -y postgresql" >&2
            exit 1
        fi
        sudo=(sudo)
    fi
    # ${sudo[@]+…}: an empty array is an "unbound variable" under `set -u` in older bash.
    ${sudo[@]+"${sudo[@]}"} apt-get update
    ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
fi

# A caller may point the tests at a server of its own; pass it through untouched.
if [ -n "${BCSYNC_TEST_DATABASE_URL:-}" ]; then
    export BCSYNC_TEST_DATABASE_URL
    echo "test.sh: using BCSYNC_TEST_DATABASE_URL from the environment" >&2
fi

# --workspace unless the caller picked packages: cargo ignores -p next to --workspace.
scope=(--workspace)
for arg in "$@"; do
    case "$arg" in
        --) break ;;
        -p | -p* | --package | --package=*) scope=() ;;
    esac
done

exec cargo test ${scope[@]+"${scope[@]}"} "$@"
