#!/usr/bin/env bash
# The main job's demo: `scripts/demo.sh [--customers N] [--seed S]`.
#
# Installs PostgreSQL's server binaries if they are missing, then runs `bcsync demo`:
# a simulated store mirrored into $DATABASE_URL, or into a throwaway PostgreSQL when
# DATABASE_URL is unset, printing what landed.
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=lib/ensure-postgres.sh
. scripts/lib/ensure-postgres.sh
ensure_postgres

exec cargo run --release --quiet -p bcsync -- demo "$@"
