# Where cargo puts built binaries, wherever CARGO_TARGET_DIR (or a config's
# build.target-dir) sends them: `bin_dir release` or `bin_dir debug` prints the folder.
# Sourced by scripts and bench/ (never hard-code target/).

bin_dir() {
    local profile="$1" target
    target="$(cargo metadata --format-version 1 --no-deps 2>/dev/null |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])' 2>/dev/null || true)"
    [ -n "$target" ] || target="${CARGO_TARGET_DIR:-$(pwd)/target}"
    printf '%s/%s\n' "$target" "$profile"
}
