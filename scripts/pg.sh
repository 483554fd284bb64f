#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the test suite.
#
#   scripts/pg.sh start   start it (creating it if needed) and print its DATABASE_URL
#   scripts/pg.sh url     print the DATABASE_URL of the running cluster
#   scripts/pg.sh stop    stop it and delete it, data and all
#
# The cluster lives in .ci/pg/ (gitignored), listens on 127.0.0.1 only, on a free
# port, with its unix socket inside the cluster directory, trust authentication
# and fsync off: it is for tests and nothing else. The database is `oversight`,
# the user `postgres`. Run as root, the server runs as the `postgres` user (or
# `nobody`), because initdb refuses to run as root.
#
# A cluster left behind by a crash (postmaster killed, machine restarted) is
# detected by `start`, cleaned up and replaced by a fresh one.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.ci/pg"
DB=oversight
SUPERUSER=postgres

say() { printf 'pg.sh: %s\n' "$*" >&2; }
die() {
    say "$*"
    exit 1
}

bindir() {
    local dir
    if [ -x /usr/lib/postgresql/15/bin/initdb ]; then
        dir=/usr/lib/postgresql/15/bin
    elif command -v initdb >/dev/null 2>&1; then
        dir="$(dirname "$(readlink -f "$(command -v initdb)")")"
    else
        die "PostgreSQL 15 is not installed: run scripts/bootstrap.sh postgres"
    fi
    case "$("$dir/postgres" --version)" in
    *" 15."*) echo "$dir" ;;
    *) die "$dir/postgres is not PostgreSQL 15: $("$dir/postgres" --version)" ;;
    esac
}

# The account the server runs as, and a way to run a command as it.
server_user() {
    if [ "$(id -u)" -ne 0 ]; then
        id -un
    elif id postgres >/dev/null 2>&1; then
        echo postgres
    else
        echo nobody
    fi
}

as_server() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u "$(server_user)" -- "$@")
    else
        (cd / && "$@")
    fi
}

# The cluster's own directory (data, log, socket), owned by the server user.
# It is $STATE/cluster, unless that path cannot serve: too long for a unix
# socket path (107 bytes) or not reachable by the server user (a checkout in
# /root, say). Then it is a private directory under /tmp, recorded in
# $STATE/cluster-dir so that `stop` can find and delete it.
cluster_dir() {
    if [ -f "$STATE/cluster-dir" ]; then
        cat "$STATE/cluster-dir"
    else
        echo "$STATE/cluster"
    fi
}

choose_cluster_dir() {
    local dir="$STATE/cluster"
    if [ "${#dir}" -le 80 ] && as_server test -x "$STATE"; then
        echo "$dir"
    else
        dir="$(mktemp -d "${TMPDIR:-/tmp}/oversight-pg.XXXXXX")"
        echo "$dir" >"$STATE/cluster-dir"
        echo "$dir"
    fi
}

free_port() {
    python3 - <<'EOF'
import socket

with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
EOF
}

url() {
    echo "postgres://$SUPERUSER@127.0.0.1:$(cat "$STATE/port")/$DB"
}

running() {
    local dir
    dir="$(cluster_dir)"
    [ -f "$STATE/port" ] && [ -d "$dir/data" ] &&
        as_server "$(bindir)/pg_ctl" -D "$dir/data" status >/dev/null 2>&1 &&
        as_server "$(bindir)/pg_isready" -q -h 127.0.0.1 -p "$(cat "$STATE/port")"
}

remove_cluster() {
    local dir pid
    dir="$(cluster_dir)"
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_server "$(bindir)/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
        # pg_ctl cannot stop a server whose postmaster is gone; its backends
        # notice the postmaster's death and exit by themselves. Wait for the
        # postmaster pid recorded in the lock file, if it is somehow alive.
        pid="$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)"
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null &&
            [ "$(readlink -f "/proc/$pid/cwd" 2>/dev/null)" = "$(readlink -f "$dir/data")" ]; then
            kill -9 "$pid" 2>/dev/null || true
        fi
    fi
    rm -rf "$dir" "$STATE"
}

start() {
    if running; then
        url
        return
    fi
    if [ -e "$STATE" ]; then
        say "removing a stale cluster in $STATE"
        remove_cluster
    fi
    local bin dir port user
    bin="$(bindir)"
    user="$(server_user)"
    mkdir -p "$STATE"
    chmod 755 "$STATE"
    dir="$(choose_cluster_dir)"
    mkdir -p "$dir"
    chmod 700 "$dir"
    [ "$(id -u)" -ne 0 ] || chown "$user:" "$dir"

    as_server "$bin/initdb" -D "$dir/data" -U "$SUPERUSER" --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$STATE/initdb.log" 2>&1 ||
        {
            cat "$STATE/initdb.log" >&2
            die "initdb failed"
        }

    port="$(free_port)"
    as_server tee -a "$dir/data/postgresql.conf" >/dev/null <<EOF

# scripts/pg.sh: a throwaway cluster for tests
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
EOF
    echo "$port" >"$STATE/port"

    if ! as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null; then
        cat "$dir/server.log" >&2 || true
        die "the server did not start"
    fi
    as_server "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$SUPERUSER" "$DB"
    url
}

stop() {
    if [ ! -e "$STATE" ]; then
        return
    fi
    remove_cluster
}

case "${1:-}" in
start) start ;;
stop) stop ;;
url)
    running || die "no cluster is running (scripts/pg.sh start)"
    url
    ;;
*)
    echo "usage: scripts/pg.sh start|stop|url" >&2
    exit 2
    ;;
esac
