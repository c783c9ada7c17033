#!/usr/bin/env bash
# Benchmark (not a test): routine passes on a mirrored store of N customers.
#   - an idle pass (nothing changed): requests and wall time, incremental only (what
#     the daemon's frequent passes do) and with the default sweeps;
#   - delete detection after d = 1, 10, 100 deletions: requests of the count check.
#
#   bench/passes.sh [N=100000]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
source bench/lib.sh
bench_start "$n"
start_pg
DATABASE_URL="$pg_url"
export DATABASE_URL BIGCOMMERCE_API_URL="$api_url" BIGCOMMERCE_STORE_HASH=bench1 \
    BIGCOMMERCE_ACCESS_TOKEN=bench-token
"$bin/bcsync" resync 2>/dev/null

last() { psql "$DATABASE_URL" -Atc "SELECT $1 FROM bigcommerce.sync_runs ORDER BY id DESC LIMIT 1"; }
timed() { # prints wall seconds of `bcsync sync` with the given env
    local start end
    start=$(date +%s.%N)
    env "$@" "$bin/bcsync" sync 2>/dev/null
    end=$(date +%s.%N)
    python3 -c "print(f'{$end - $start:.2f}')"
}
no_sweeps=(BCSYNC_ADDRESS_SWEEP_PAGES=0 BCSYNC_LISTING_SWEEP_PAGES=0 BCSYNC_CUSTOMER_SLICE=0)

echo "| pass ($n customers) | requests | of which delete check | wall s |"
echo "|---|---:|---:|---:|"
timed "${no_sweeps[@]}" >/dev/null # settle the watermark after the resync
wall=$(timed "${no_sweeps[@]}")
echo "| idle, sweeps off (incremental + count checks) | $(last requests) | $(last "details->'customer_deletes'->>'requests'") | $wall |"
wall=$(timed)
echo "| idle, default sweeps | $(last requests) | $(last "details->'customer_deletes'->>'requests'") | $wall |"
for d in 1 10 100; do
    ids="$(python3 -c "import random; random.seed($d); print(','.join(str(i) for i in random.sample(range(1, $n + 1), $d)))")"
    curl -sf -X DELETE -H "X-Auth-Token: bench-token" "$api_url/stores/bench1/v3/customers?id:in=$ids" >/dev/null
    wall=$(timed "${no_sweeps[@]}")
    deleted=$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM bigcommerce.customers WHERE deleted_at IS NOT NULL")
    echo "| $d deleted (sweeps off; $deleted marked in all) | $(last requests) | $(last "details->'customer_deletes'->>'requests'") | $wall |"
done
echo
echo "2 cores, PostgreSQL $(psql "$DATABASE_URL" -Atc 'SHOW server_version'), release build; bound 2·d·log2(N/250) = $(python3 -c "import math; print(', '.join(f'{2*d*math.log2($n/250):.0f}' for d in (1,10,100)))") for d = 1, 10, 100."
