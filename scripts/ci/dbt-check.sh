#!/usr/bin/env bash
# The dbt package (warehouse/dbt) against a real synced mirror: builds bcsync, starts a
# throwaway PostgreSQL, mirrors a simulated store into it with `bcsync demo` (a first
# pass, the merchant's edits and deletes, an incremental pass and a resync), then runs
# `dbt build` (staging models over the live views, unique / not_null / relationships
# tests) and `dbt source freshness`. Any failing test fails the script.
#
#   scripts/ci/dbt-check.sh [--customers N]     (default 500)
#
# dbt-core 1.10 and dbt-postgres 1.9 are installed with pip into a virtualenv under
# ~/.cache (BCSYNC_DBT_VENV overrides), outside the repository, once; later runs reuse
# it. Needs python3 with venv (installed with apt-get when missing and running as root).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$(pwd)"

customers=500
while [ $# -gt 0 ]; do
    case "$1" in
        --customers) customers="$2"; shift 2 ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "dbt-check: unknown argument $1" >&2; exit 2 ;;
    esac
done
say() { printf 'dbt-check: %s\n' "$*" >&2; }

venv="${BCSYNC_DBT_VENV:-$HOME/.cache/bcsync/dbt-venv}"
dbt="$venv/bin/dbt"
if ! "$dbt" --version >/dev/null 2>&1; then
    if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
        [ "$(id -u)" = 0 ] || { say "python3 with venv is needed (apt-get install python3-venv)"; exit 1; }
        say "installing python3 and python3-venv with apt-get"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >/dev/null
    fi
    say "installing dbt-postgres into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    # dbt-core 1.11+ pulls a parser wheel from GitHub at install time; 1.10 is on PyPI alone.
    "$venv/bin/pip" install --quiet --disable-pip-version-check "dbt-core~=1.10.0" "dbt-postgres~=1.9.0"
fi
"$dbt" --version >&2

say "building bcsync and throwaway-pg"
cargo build --quiet --locked -p bcsync -p throwaway-pg --bins
# shellcheck source=../lib/cargo-bins.sh
. "$repo/scripts/lib/cargo-bins.sh"
bin="$(cd "$repo" && bin_dir debug)"

work="$(mktemp -d)"
trap 'exec 3>&- 2>/dev/null || true; sleep 1; rm -rf "$work"' EXIT
mkfifo "$work/pg.in"
"$bin/throwaway-pg" bcsync_dbt <"$work/pg.in" >"$work/pg.out" 2>"$work/pg.err" &
exec 3>"$work/pg.in" # held open: the cluster lives until this script ends
for _ in $(seq 1 300); do [ -s "$work/pg.out" ] && break; sleep 0.1; done
pg_url="$(head -n 1 "$work/pg.out")"
[ -n "$pg_url" ] || { say "PostgreSQL did not start:"; cat "$work/pg.err" >&2; exit 1; }

say "mirroring a simulated store of $customers customers"
DATABASE_URL="$pg_url" "$bin/bcsync" demo --customers "$customers" >"$work/demo.out" 2>&1 \
    || { cat "$work/demo.out" >&2; exit 1; }

# postgres://postgres@127.0.0.1:PORT/bcsync_dbt
port="${pg_url##*:}"
port="${port%%/*}"
export BCSYNC_DBT_HOST=127.0.0.1 BCSYNC_DBT_PORT="$port" BCSYNC_DBT_USER=postgres BCSYNC_DBT_DBNAME=bcsync_dbt
export DBT_PROFILES_DIR="$repo/warehouse/dbt"
cd "$repo/warehouse/dbt"
# Logs and compiled SQL go under target/, not into the package.
dbt_args=(--no-use-colors --log-path "$work/dbt-logs" --target-path "$work/dbt-target")
"$dbt" build "${dbt_args[@]}"
"$dbt" source freshness "${dbt_args[@]}"

# The tests can fail: a live address whose customer is not live breaks `relationships`.
psql_bin="$(dirname "$(ls -1d /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -n 1)")"
"${psql_bin:-/usr/bin}/psql" -q -v ON_ERROR_STOP=1 "$pg_url" -c \
    "INSERT INTO bigcommerce.customer_addresses (store_hash, id, customer_id, raw) VALUES ('demo1', 999999001, 999999002, '{}')"
if "$dbt" test "${dbt_args[@]}" --select stg_bigcommerce__customer_addresses >"$work/orphan.out" 2>&1; then
    cat "$work/orphan.out" >&2
    say "FAILED: an orphan address passed the relationships test"
    exit 1
fi
grep -q "FAIL 1 relationships_stg_bigcommerce__customer_addresses_customer_key" "$work/orphan.out" \
    || { cat "$work/orphan.out" >&2; say "FAILED: the orphan address failed something else"; exit 1; }
say "passed (and an orphan address is caught)"
