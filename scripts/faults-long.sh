#!/usr/bin/env bash
# The long variants of the fault suite (crates/bcsync/tests/faults.rs): more
# customers, more kill points, later kills. CI runs the short ones through
# scripts/test.sh; results of this script go to docs/benchmarks.md.
#
#   scripts/faults-long.sh [POINTS=30] [CUSTOMERS=10000]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-postgres.sh
ensure_postgres
export BCSYNC_FAULT_POINTS="${1:-30}" BCSYNC_FAULT_CUSTOMERS="${2:-10000}" BCSYNC_FAULT_MAX_DELAY_MS=6000
start=$(date +%s)
cargo test -p bcsync --test integration faults:: -- --test-threads 1
echo "fault suite, long variant: $BCSYNC_FAULT_POINTS kill points, $BCSYNC_FAULT_CUSTOMERS customers: passed in $(( $(date +%s) - start )) s"
