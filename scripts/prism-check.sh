#!/usr/bin/env bash
# Contract conformance: bcsync against Prism serving BigCommerce's own Customers V3
# OpenAPI document, with request validation.
#
#   scripts/prism-check.sh [--runs N] [--timeout SECS] [--debug] [--keep]
#
#   --runs N        dynamic-mode rounds (default 3), each against a differently seeded Prism
#   --timeout SECS  limit of one bcsync command (default 60); hitting it is a hang
#   --debug         use the dev-profile binaries (reuses a `cargo test` build) instead of --release
#   --keep          keep the work directory (logs, request logs) even when all is well
#
# Every phase runs `prism mock --errors` (a request that breaks the spec gets a 4xx) behind
# scripts/prism/proxy.py, which strips the spec's base path /stores/{store_hash}/v3 (Prism 5
# serves the bare paths) and logs each request with Prism's answer. Phases, each against its
# own store hash in one throwaway PostgreSQL:
#   simulated   Prism validates, bcsync-sim answers (600 customers, some with more than 10
#               addresses): check, resync, sync, sync. A store whose data bcsync accepts, so
#               every request shape is reached: watermarks, id:in, customer_id:in, consent,
#               stored instruments, channel settings.
#   static      Prism's examples from the spec: check, sync, resync, sync
#   dynamic-S   `-d --seed S` (random schema-valid data): sync, resync, sync
#   mangled     as simulated (same store, so on top of its mirror), but the proxy damages 10%
#               of the answers (truncated bodies, fields of the wrong type, scalar records,
#               null data): resync, sync
# Then scripts/prism/audit.py checks every request: no 4xx from Prism, no query parameter the
# operation does not declare, nothing outside the base path.
#
# Pass: zero request violations, and every bcsync command ended within --timeout without a
# panic — exit 0, or non-zero with an `error:` line saying what it could not store.
# Exit status: 0 pass; 1 violation, panic or hang; 2 cannot run here (no node/npm/python3,
# no spec, Prism not installable) — CI treats 2 as a skip.
#
# Environment: BCSYNC_PRISM_SPEC (default ../shared/spec/customers-v3.openapi.yml next to the
# repository), PRISM (a prism binary to use), BCSYNC_PRISM_PREFIX (where npm installs
# @stoplight/prism-cli@5.14; default ~/.cache/bcsync/prism-5.14, outside the repository).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"

runs=3
per_run=60
profile=release
keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --timeout) per_run="$2"; shift 2 ;;
        --debug) profile=debug; shift ;;
        --keep) keep=1; shift ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "prism-check: unknown argument $1" >&2; exit 2 ;;
    esac
done

say() { printf 'prism-check: %s\n' "$*" >&2; }
skip() { say "SKIPPED: $*"; exit 2; }

spec="${BCSYNC_PRISM_SPEC:-$(dirname "$repo")/shared/spec/customers-v3.openapi.yml}"
[ -f "$spec" ] || skip "no OpenAPI document at $spec"
command -v python3 >/dev/null 2>&1 || skip "python3 not installed"
command -v node >/dev/null 2>&1 || skip "node not installed"

prism_line=5.14
prefix="${BCSYNC_PRISM_PREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/bcsync/prism-$prism_line}"
if [ -n "${PRISM:-}" ]; then
    prism="$PRISM"
else
    prism="$prefix/node_modules/.bin/prism"
    if [ ! -x "$prism" ]; then
        command -v npm >/dev/null 2>&1 || skip "npm not installed"
        say "installing @stoplight/prism-cli@$prism_line into $prefix"
        mkdir -p "$prefix"
        timeout 300 npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error \
            "@stoplight/prism-cli@$prism_line" >&2 || skip "npm could not install @stoplight/prism-cli@$prism_line"
    fi
fi
say "prism $("$prism" --version), node $(node --version)"

work="$(mktemp -d "${TMPDIR:-/tmp}/prism-check.XXXXXX")"
pids=()
pg_pid=""
status=1
cleanup() {
    local pid
    for pid in ${pids[@]+"${pids[@]}"}; do kill "$pid" 2>/dev/null || true; done
    # Closing its stdin stops the throwaway cluster, which then removes its directory.
    if [ -n "$pg_pid" ]; then exec 3>&-; fi
    wait 2>/dev/null || true
    if [ "$status" -eq 0 ] && [ "$keep" -eq 0 ]; then rm -rf "$work"; else say "logs kept in $work"; fi
}
trap cleanup EXIT
trap 'exit 143' TERM INT # so that `timeout` or ^C still runs cleanup

# The spec as JSON for the audit: PyYAML when present, else js-yaml from Prism's install.
if ! python3 -c 'import json,sys,yaml; json.dump(yaml.safe_load(open(sys.argv[1])), open(sys.argv[2],"w"))' \
    "$spec" "$work/spec.json" 2>/dev/null; then
    NODE_PATH="$prefix/node_modules" node -e \
        'const y=require("js-yaml"),f=require("fs");f.writeFileSync(process.argv[2],JSON.stringify(y.load(f.readFileSync(process.argv[1],"utf8"))))' \
        "$spec" "$work/spec.json" || skip "cannot read $spec (neither PyYAML nor js-yaml available)"
fi

# shellcheck source=lib/ensure-postgres.sh
. scripts/lib/ensure-postgres.sh
ensure_postgres
if [ "$profile" = release ]; then
    cargo build --release --quiet -p bcsync -p bcsync-simulator -p throwaway-pg --bins
else
    cargo build --quiet -p bcsync -p bcsync-simulator -p throwaway-pg --bins
fi
# shellcheck source=lib/cargo-bins.sh
. scripts/lib/cargo-bins.sh
bin="$(bin_dir "$profile")"

mkfifo "$work/pg.in"
"$bin/throwaway-pg" bcsync_prism <"$work/pg.in" >"$work/pg.out" 2>"$work/pg.err" &
pg_pid=$!
exec 3>"$work/pg.in" # held open: the cluster lives until this script ends
for _ in $(seq 1 300); do [ -s "$work/pg.out" ] && break; sleep 0.1; done
DATABASE_URL="$(head -n 1 "$work/pg.out")"
[ -n "$DATABASE_URL" ] || { say "PostgreSQL did not start:"; cat "$work/pg.err" >&2; exit 1; }
export DATABASE_URL BIGCOMMERCE_ACCESS_TOKEN=prism-check-token NO_COLOR=1
# Consent and stored instruments are one request per customer, the same shape for
# each: a fixed slice of 25 customers checks them while every command stays within
# --timeout through the validating proxy (a first fill would read all 600).
export BCSYNC_CUSTOMER_SLICE=25
"$bin/bcsync" migrate >/dev/null 2>"$work/migrate.err" || { cat "$work/migrate.err" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_phase NAME STORE_HASH "PRISM FLAGS" "PROXY FLAGS": Prism, then the proxy in front.
# Sets api_url; prism_pid and proxy_pid for stop_phase.
start_phase() {
    local name="$1" hash="$2" prism_flags="$3" proxy_flags="$4" port
    port="$(free_port)"
    # shellcheck disable=SC2086 # flags are words on purpose
    "$prism" mock -h 127.0.0.1 -p "$port" --errors $prism_flags "$spec" >"$work/prism-$name.log" 2>&1 &
    prism_pid=$!
    pids+=("$prism_pid")
    for _ in $(seq 1 600); do
        grep -q "Prism is listening" "$work/prism-$name.log" 2>/dev/null && break
        kill -0 "$prism_pid" 2>/dev/null || break
        sleep 0.1
    done
    grep -q "Prism is listening" "$work/prism-$name.log" || { say "Prism did not start:"; tail -n 20 "$work/prism-$name.log" >&2; exit 1; }
    # shellcheck disable=SC2086
    python3 scripts/prism/proxy.py --upstream "http://127.0.0.1:$port" --prefix "/stores/$hash/v3" \
        --log "$work/requests-$name.jsonl" $proxy_flags >"$work/proxy-$name.out" 2>"$work/proxy-$name.err" &
    proxy_pid=$!
    pids+=("$proxy_pid")
    for _ in $(seq 1 100); do grep -q "listening on" "$work/proxy-$name.out" 2>/dev/null && break; sleep 0.1; done
    api_url="$(grep -o 'http://[0-9.:]*' "$work/proxy-$name.out" | head -n 1)"
    [ -n "$api_url" ] || { say "proxy did not start:"; cat "$work/proxy-$name.err" >&2; exit 1; }
    touch "$work/requests-$name.jsonl"
}

stop_phase() {
    kill "$proxy_pid" "$prism_pid" 2>/dev/null || true
    wait "$proxy_pid" "$prism_pid" 2>/dev/null || true
}

# run_bcsync PHASE HASH COMMAND...: one bcsync command, bounded, classified.
failures=0
results="$work/results.md"
printf '| phase | command | exit | s | requests | outcome |\n|---|---|---:|---:|---:|---|\n' >"$results"
run_bcsync() {
    local phase="$1" hash="$2"
    shift 2
    local log="$work/bcsync-$phase-$1.$RANDOM" rc=0 before after outcome line started
    before="$(wc -l <"$work/requests-$phase.jsonl")"
    started=$SECONDS
    BIGCOMMERCE_API_URL="$api_url" BIGCOMMERCE_STORE_HASH="$hash" \
        timeout --kill-after=5 "$per_run" "$bin/bcsync" "$@" >"$log.out" 2>"$log.err" || rc=$?
    after="$(wc -l <"$work/requests-$phase.jsonl")"
    # The command's last `error:` line, colours stripped: what it reported it could not do.
    line="$(sed 's/\x1b\[[0-9;]*m//g' "$log.err" | grep -E '^(error|Error): ' | tail -n 1 | cut -c1-400 || true)"
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        outcome="**HANG**: no exit within ${per_run}s"
        failures=$((failures + 1))
    elif [ "$rc" -eq 101 ] || grep -q 'panicked at' "$log.err"; then
        outcome="**PANIC**: $(grep -m1 'panicked at' "$log.err" | cut -c1-300)"
        failures=$((failures + 1))
    elif [ "$rc" -eq 0 ]; then
        outcome="ok"
    elif [ -n "$line" ]; then
        outcome="reported: ${line//|/\\|}"
    else
        outcome="**FAIL**: exit $rc without an \`error:\` line"
        failures=$((failures + 1))
    fi
    printf '| %s | `%s` | %s | %s | %s | %s |\n' "$phase" "$*" "$rc" "$((SECONDS - started))" \
        "$((after - before))" "$outcome" >>"$results"
    say "$phase: bcsync $* -> exit $rc, $((after - before)) requests"
}

say "phase simulated: Prism validates, bcsync-sim answers"
sim_hash=sim1
"$bin/bcsync-sim" --customers 600 --seed 3 --store-hash "$sim_hash" --token "$BIGCOMMERCE_ACCESS_TOKEN" \
    --listen 127.0.0.1:0 >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
pids+=("$sim_pid")
for _ in $(seq 1 600); do grep -q "http://" "$work/sim.out" 2>/dev/null && break; sleep 0.1; done
sim_url="$(grep -o 'http://[0-9.:]*' "$work/sim.out" | head -n 1)"
[ -n "$sim_url" ] || { say "bcsync-sim did not start:"; cat "$work/sim.err" >&2; exit 1; }
start_phase simulated "$sim_hash" "" "--answer-from $sim_url"
run_bcsync simulated "$sim_hash" check
run_bcsync simulated "$sim_hash" resync
run_bcsync simulated "$sim_hash" sync
run_bcsync simulated "$sim_hash" sync
stop_phase
BIGCOMMERCE_API_URL="$sim_url" BIGCOMMERCE_STORE_HASH="$sim_hash" "$bin/bcsync" status >"$work/status-simulated.out" 2>&1 || true

say "phase static: Prism's examples"
start_phase static static1 "" ""
run_bcsync static static1 check
run_bcsync static static1 sync
run_bcsync static static1 resync
run_bcsync static static1 sync
stop_phase

for seed in $(seq 1 "$runs"); do
    say "phase dynamic-$seed: prism mock -d --seed $seed"
    start_phase "dynamic-$seed" "dyn$seed" "-d --seed $seed" ""
    run_bcsync "dynamic-$seed" "dyn$seed" sync
    run_bcsync "dynamic-$seed" "dyn$seed" resync
    run_bcsync "dynamic-$seed" "dyn$seed" sync
    stop_phase
done

say "phase mangled: Prism validates, bcsync-sim answers, the proxy damages 10% of the answers"
start_phase mangled "$sim_hash" "" "--answer-from $sim_url --mangle 0.1 --seed 7"
run_bcsync mangled "$sim_hash" resync
run_bcsync mangled "$sim_hash" sync
stop_phase
kill "$sim_pid" 2>/dev/null || true

echo
echo "## bcsync commands"
echo
cat "$results"
echo
echo "## The simulated store's mirror (bcsync status, before phase mangled)"
echo
sed 's/^/    /' "$work/status-simulated.out"
echo
echo "## Requests"
echo
audit_rc=0
python3 scripts/prism/audit.py "$work/spec.json" "$work"/prism-*.log -- "$work"/requests-*.jsonl || audit_rc=$?
mangled="$(grep -c '"mangled"' "$work/requests-mangled.jsonl" || true)"
echo "answers damaged by the proxy in phase mangled: $mangled"

if [ "$audit_rc" -ne 0 ] || [ "$failures" -ne 0 ]; then
    say "FAILED: $failures command(s) panicked, hung or failed silently; audit exit $audit_rc"
    status=1
    exit 1
fi
say "passed: every request valid, no panic, no hang"
status=0
