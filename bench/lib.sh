# Shared by the bench/ scripts (sourced): build, a simulator, a throwaway PostgreSQL.
# `bench_start` makes `$work` (removed at exit); the others expect it, and set `bin`.

# shellcheck source=../scripts/lib/cargo-bins.sh
. scripts/lib/cargo-bins.sh
bin="$(bin_dir release)"

bench_build() {
    cargo build --release --quiet -p bcsync -p bcsync-simulator -p throwaway-pg --bins
}

# start_sim ARGS...: starts bcsync-sim with ARGS on a free port; sets `sim_pid` and
# `api_url`. It prints "bcsync-sim: N customers at http://HOST:PORT (...)" when ready.
start_sim() {
    "$bin/bcsync-sim" "$@" --listen 127.0.0.1:0 >"$work/sim.out" 2>"$work/sim.err" &
    sim_pid=$!
    for _ in $(seq 1 600); do grep -q "http://" "$work/sim.out" 2>/dev/null && break; sleep 0.1; done
    api_url="$(grep -o 'http://[0-9.:]*' "$work/sim.out" | head -n 1)"
    [ -n "$api_url" ] || { echo "simulator did not start:"; cat "$work/sim.err"; exit 1; }
}

# start_pg: a throwaway cluster living until the calling script ends; sets `pg_url`.
start_pg() {
    mkfifo "$work/pg.in"
    "$bin/throwaway-pg" bcsync_bench <"$work/pg.in" >"$work/pg.out" 2>"$work/pg.err" &
    exec 3>"$work/pg.in" # held open: the cluster lives until this script ends
    for _ in $(seq 1 300); do [ -s "$work/pg.out" ] && break; sleep 0.1; done
    pg_url="$(head -n 1 "$work/pg.out")"
    [ -n "$pg_url" ] || { echo "PostgreSQL did not start:"; cat "$work/pg.err"; exit 1; }
}

# The start of every benchmark: `$work` (removed at exit, with the background jobs
# stopped), the binaries built, and a simulator of $1 customers serving store bench1
# (further arguments go to the simulator).
bench_start() {
    work="$(mktemp -d)"
    trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
    bench_build
    start_sim --customers "$1" --seed 1 --store-hash bench1 --token bench-token "${@:2}"
}
