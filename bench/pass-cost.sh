#!/usr/bin/env bash
# Benchmark (not a test): requests of a routine `bcsync sync` (a reconcile pass with
# the default sweeps: `sweep_within` 30 days, hourly reconcile schedule) against the
# store's size. For each N: a simulated store of N customers is mirrored by `bcsync
# resync`, then
#   - the first `bcsync sync` (consents and stored instruments fill, at most 1,000
#     customers a pass),
#   - a routine idle `bcsync sync` once they are filled (the bench marks the
#     per-customer sweep's first cycle complete in `sweep_cycles`, as a finished fill
#     or `bcsync resync --resource consents` would),
# and prints the requests of each, the sweeps' share, and the plan's cap.
#
#   bench/pass-cost.sh [N ...]      (default: 1000 50000 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 50000 1000000)
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

source bench/lib.sh
bench_build
start_pg
export DATABASE_URL="$pg_url" BIGCOMMERCE_STORE_HASH=bench1 BIGCOMMERCE_ACCESS_TOKEN=bench-token

last() { psql "$DATABASE_URL" -Atc "SELECT $1 FROM bigcommerce.sync_runs ORDER BY id DESC LIMIT 1"; }
sweeps() {
    last "coalesce((details->'addresses'->>'requests')::int, 0) + coalesce((details->'customer_slice'->>'requests')::int, 0)
        + coalesce((details->'metafields'->>'requests')::int, 0) + coalesce((details->'consents'->>'requests')::int, 0)
        + coalesce((details->'stored_instruments'->>'requests')::int, 0)"
}

echo "| customers | first sync: requests | of which sweeps | routine sync: requests | of which sweeps | per-customer per pass | cycle |"
echo "|---:|---:|---:|---:|---:|---:|---|"
for n in "${sizes[@]}"; do
    start_sim --customers "$n" --seed 1 --store-hash bench1 --token bench-token
    export BIGCOMMERCE_API_URL="$api_url"
    psql "$DATABASE_URL" -qc 'DROP SCHEMA IF EXISTS bigcommerce CASCADE' >/dev/null 2>&1
    "$bin/bcsync" migrate >/dev/null
    "$bin/bcsync" resync 2>/dev/null >/dev/null
    "$bin/bcsync" sync 2>/dev/null >/dev/null
    first="$(last requests)"
    first_sweeps="$(sweeps)"
    psql "$DATABASE_URL" -qc "UPDATE bigcommerce.sweep_cycles SET last_completed_at = now() WHERE sweep = 'per_customer'" >/dev/null
    "$bin/bcsync" sync 2>/dev/null >/dev/null
    routine="$(last requests)"
    routine_sweeps="$(sweeps)"
    per_pass="$(psql "$DATABASE_URL" -Atc "SELECT per_pass FROM bigcommerce.sweep_cycles WHERE sweep = 'per_customer'")"
    cycle="$(psql "$DATABASE_URL" -Atc "SELECT CASE WHEN bool_or(capped) THEN 'capped' ELSE 'within the bound' END FROM bigcommerce.sweep_cycles")"
    echo "| $n | $first | $first_sweeps | $routine | $routine_sweeps | $per_pass | $cycle |"
    kill "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
done
echo
echo "Defaults: sweep_within 30d, reconcile_schedule hourly (720 passes a cycle), sweep_quota_share 0.25."
echo "The simulator announces no real quota, so the cap is not what bounds these figures; docs/schema.md gives it."
