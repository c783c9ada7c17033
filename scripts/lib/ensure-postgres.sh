# Sourced by scripts/*.sh: `ensure_postgres` installs PostgreSQL's server binaries
# with apt-get when neither `initdb` on PATH nor /usr/lib/postgresql/*/bin/initdb exists
# (bcsync starts its own throwaway clusters from them; nothing needs to be running).

have_postgres() {
    command -v initdb >/dev/null 2>&1 && return 0
    local initdb
    for initdb in /usr/lib/postgresql/*/bin/initdb; do
        [ -x "$initdb" ] && return 0
    done
    return 1
}

ensure_postgres() {
    have_postgres && return 0
    echo "$(basename "$0"): PostgreSQL server binaries (initdb) not found; installing postgresql with apt-get" >&2
    sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if ! command -v sudo >/dev/null 2>&1; then
            echo "$(basename "$0"): not root and no sudo; install PostgreSQL first: apt-get install -y postgresql" >&2
            exit 1
        fi
        sudo=(sudo)
    fi
    # ${sudo[@]+…}: an empty array is an "unbound variable" under `set -u` in older bash.
    ${sudo[@]+"${sudo[@]}"} apt-get update
    ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
}

