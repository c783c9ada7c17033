#!/usr/bin/env bash
# Benchmark (not a test): a full resync of N customers at BigCommerce's Plus and Pro
# quotas, with the window scaled down so a run takes seconds. Prints, per plan, the
# wall time against the quota bound (N/250 pages at Q per window) and the 429s drawn.
#
#   bench/quota.sh [N=50000]
#
# Customers have at most 10 addresses here (`--max-addresses 10`), so every request is
# a customers page and the bound is exactly N/250 requests; see docs/benchmarks.md
# for the default data, where customers with more than 10 addresses add requests.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-50000}"
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

cargo build --release --quiet -p bcsync -p bcsync-simulator -p throwaway-pg --bins
# shellcheck source=../scripts/lib/cargo-bins.sh
. scripts/lib/cargo-bins.sh
bin="$(bin_dir release)"

mkfifo "$work/pg.in"
"$bin/throwaway-pg" bcsync_bench <"$work/pg.in" >"$work/pg.out" 2>"$work/pg.err" &
exec 3>"$work/pg.in"
for _ in $(seq 1 300); do [ -s "$work/pg.out" ] && break; sleep 0.1; done
base_url="$(head -n 1 "$work/pg.out")"
[ -n "$base_url" ] || { echo "PostgreSQL did not start:"; cat "$work/pg.err"; exit 1; }

echo "| plan | quota / window (scaled) | customers | requests | wall s | bound s | wall / bound | 429s |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
# plan, quota, real window 30 s scaled to window_ms
for plan in "Plus 150 6000" "Pro 450 20000"; do
    set -- $plan
    name="$1" quota="$2" window_ms="$3"
    db="bench_$(echo "$name" | tr 'A-Z' 'a-z')"
    psql "$base_url" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
    DATABASE_URL="${base_url%/*}/$db"
    "$bin/bcsync-sim" --customers "$n" --seed 1 --store-hash bench1 --token bench-token \
        --quota "$quota" --window-ms "$window_ms" --max-addresses 10 \
        --listen 127.0.0.1:0 >"$work/sim.out" 2>"$work/sim.err" &
    sim_pid=$!
    for _ in $(seq 1 600); do grep -q "http://" "$work/sim.out" 2>/dev/null && break; sleep 0.1; done
    api_url="$(grep -o 'http://[0-9.:]*' "$work/sim.out" | head -n 1)"
    export DATABASE_URL BIGCOMMERCE_API_URL="$api_url" BIGCOMMERCE_STORE_HASH=bench1 \
        BIGCOMMERCE_ACCESS_TOKEN=bench-token BCSYNC_QUOTA_SHARE=1
    "$bin/bcsync" migrate >/dev/null
    python3 bench/measure.py "$bin/bcsync" resync --resource customers 2>"$work/run.err"
    wall="$(grep '^MEASURE' "$work/run.err" | tail -n 1 | cut -d' ' -f2)"
    kill -TERM "$sim_pid"; wait "$sim_pid" || true
    served="$(grep -o 'served [0-9]* requests, [0-9]* answered 429' "$work/sim.out")"
    requests="$(echo "$served" | cut -d' ' -f2)"
    r429="$(echo "$served" | cut -d' ' -f4)"
    python3 - "$name" "$quota" "$window_ms" "$n" "$requests" "$wall" "$r429" <<'PY'
import sys
name, quota, window_ms, n, requests, wall, r429 = sys.argv[1:]
quota, window, n, wall = int(quota), int(window_ms) / 1000, int(n), float(wall)
bound = n / 250 / quota * window
print(f"| {name} | {quota} / {window:g} s | {n} | {requests} | {wall:.2f} | {bound:.2f} | {wall / bound:.3f} | {r429} |")
PY
done
echo
echo "2 cores ($(nproc) here), PostgreSQL $(psql "$base_url" -Atc 'SHOW server_version'), release build."
