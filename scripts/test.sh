#!/usr/bin/env bash
# The project's test command: `scripts/test.sh [cargo test args…]`.
#
# Makes sure PostgreSQL's server binaries are installed (the tests start their own
# throwaway cluster from them through crates/throwaway-pg; nothing needs to be running),
# then runs every test of the workspace. Extra arguments go to `cargo test`, e.g.
# `scripts/test.sh -p bcsync-mirror` or `scripts/test.sh -- --nocapture`.
set -euo pipefail

cd "$(dirname "$0")/.."

# shellcheck source=lib/ensure-postgres.sh
. scripts/lib/ensure-postgres.sh
ensure_postgres

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
