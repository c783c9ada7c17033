#!/usr/bin/env bash
# Benchmark (not a test): an unthrottled end-to-end `bcsync resync` of N simulated
# customers with their addresses into PostgreSQL. Prints customers/s, rows/s, the
# peak RSS of the bcsync process, and the CPU seconds per 1,000 customers of bcsync,
# of PostgreSQL (the postmaster and all its processes, finished backends included)
# and of the simulator, each read from /proc before and after the resync.
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

# The postmaster, when the cluster is on this machine and its pid file readable.
pg_pid="$(head -n 1 "$(psql "$DATABASE_URL" -Atc 'SHOW data_directory')/postmaster.pid" 2>/dev/null || echo 0)"
cpu_before="$(python3 bench/cpu.py "$pg_pid" "$sim_pid")"
python3 bench/measure.py "$bin/bcsync" resync 2>"$work/run.err"
cpu_after="$(python3 bench/cpu.py "$pg_pid" "$sim_pid")"
measure="$(grep '^MEASURE' "$work/run.err" | tail -n 1)"
wall="$(echo "$measure" | cut -d' ' -f2)"
rss_kib="$(echo "$measure" | cut -d' ' -f3)"
bcsync_cpu="$(echo "$measure" | cut -d' ' -f4)"
counts="$(psql "$DATABASE_URL" -Atc "SELECT (SELECT count(*) FROM bigcommerce.customers),
    (SELECT count(*) FROM bigcommerce.customer_addresses), (SELECT requests FROM bigcommerce.sync_runs ORDER BY id DESC LIMIT 1)")"
customers="$(echo "$counts" | cut -d'|' -f1)"
addresses="$(echo "$counts" | cut -d'|' -f2)"
requests="$(echo "$counts" | cut -d'|' -f3)"
[ "$customers" = "$n" ] || { echo "expected $n customers in the mirror, found $customers"; cat "$work/run.err"; exit 1; }

python3 - "$customers" "$addresses" "$requests" "$wall" "$rss_kib" "$bcsync_cpu" \
    "$cpu_before" "$cpu_after" <<'PY'
import sys
customers, addresses, requests, wall, rss, bcsync, before, after = sys.argv[1:]
customers, addresses, wall, rss = int(customers), int(addresses), float(wall), int(rss)
(pg0, sim0), (pg1, sim1) = (map(float, x.split()) for x in (before, after))
per_k = lambda s: "n/a" if s != s else f"{s * 1000 / customers:.3f}"  # nan: not readable
print("| customers | addresses | requests | wall s | customers/s | rows/s | peak RSS MiB "
      "| CPU s/1k bcsync | CPU s/1k PostgreSQL | CPU s/1k simulator |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
print(f"| {customers} | {addresses} | {requests} | {wall:.1f} | {customers/wall:,.0f} "
      f"| {(customers+addresses)/wall:,.0f} | {rss/1024:.1f} | {per_k(float(bcsync))} "
      f"| {per_k(pg1 - pg0)} | {per_k(sim1 - sim0)} |")
PY
