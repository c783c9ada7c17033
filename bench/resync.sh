#!/usr/bin/env bash
# Benchmark (not a test): an unthrottled end-to-end `bcsync resync` of N simulated
# customers with their addresses into PostgreSQL. Prints customers/s, rows/s and the
# peak RSS of the bcsync process.
#
#   bench/resync.sh [N=100000]
#
# Uses $DATABASE_URL when set (its bigcommerce schema is dropped first), else a
# throwaway cluster from the system's PostgreSQL binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
source bench/lib.sh
bench_start "$n"

if [ -z "${DATABASE_URL:-}" ]; then
    start_pg
    DATABASE_URL="$pg_url"
else
    psql "$DATABASE_URL" -qc 'DROP SCHEMA IF EXISTS bigcommerce CASCADE' >/dev/null
fi
export DATABASE_URL BIGCOMMERCE_API_URL="$api_url" BIGCOMMERCE_STORE_HASH=bench1 \
    BIGCOMMERCE_ACCESS_TOKEN=bench-token
"$bin/bcsync" migrate >/dev/null

python3 bench/measure.py "$bin/bcsync" resync 2>"$work/run.err"
measure="$(grep '^MEASURE' "$work/run.err" | tail -n 1)"
wall="$(echo "$measure" | cut -d' ' -f2)"
rss_kib="$(echo "$measure" | cut -d' ' -f3)"
counts="$(psql "$DATABASE_URL" -Atc "SELECT (SELECT count(*) FROM bigcommerce.customers),
    (SELECT count(*) FROM bigcommerce.customer_addresses), (SELECT requests FROM bigcommerce.sync_runs ORDER BY id DESC LIMIT 1)")"
customers="$(echo "$counts" | cut -d'|' -f1)"
addresses="$(echo "$counts" | cut -d'|' -f2)"
requests="$(echo "$counts" | cut -d'|' -f3)"
[ "$customers" = "$n" ] || { echo "expected $n customers in the mirror, found $customers"; cat "$work/run.err"; exit 1; }

python3 - "$n" "$customers" "$addresses" "$requests" "$wall" "$rss_kib" <<'PY'
import sys
n, customers, addresses, requests, wall, rss = sys.argv[1:]
customers, addresses, wall, rss = int(customers), int(addresses), float(wall), int(rss)
print(f"| customers | addresses | requests | wall s | customers/s | rows/s | peak RSS MiB |")
print(f"|---:|---:|---:|---:|---:|---:|---:|")
print(f"| {customers} | {addresses} | {requests} | {wall:.1f} | {customers/wall:,.0f} | {(customers+addresses)/wall:,.0f} | {rss/1024:.1f} |")
PY
