#!/usr/bin/env bash
# Installs whatever the project needs and is missing, and nothing else.
#
#   scripts/bootstrap.sh            uv and the Python packages (uv sync --frozen)
#   scripts/bootstrap.sh browser    ... and Debian's chromium, for the browser tests
#   scripts/bootstrap.sh postgres   ... and the PostgreSQL 15 server, for scripts/pg.sh
#
# Idempotent and silent when everything is present. Debian packages are installed
# with apt-get (as root, or through sudo otherwise) only when they are missing.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'bootstrap: %s\n' "$*" >&2; }
die() {
    say "$*"
    exit 1
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root (or sudo) to run: $*"
    fi
}

apt_updated=""
apt_install() {
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install by hand: $*"
    say "installing Debian packages: $*"
    if [ -z "$apt_updated" ]; then
        as_root apt-get update -qq
        apt_updated=1
    fi
    local log
    log="$(mktemp)"
    if ! as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "$@" >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        return 1
    fi
    rm -f "$log"
}

ensure_uv() {
    if command -v uv >/dev/null 2>&1; then
        return
    fi
    # A previous `pip install --user uv` that is not on PATH yet.
    local user_bin
    user_bin="$(python3 -m site --user-base 2>/dev/null)/bin"
    if [ -x "$user_bin/uv" ]; then
        export PATH="$user_bin:$PATH"
        return
    fi
    command -v python3 >/dev/null 2>&1 || apt_install python3 python3-pip
    python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
    say "installing uv with pip"
    # Debian's own python3 is "externally managed" (PEP 668): a --user install
    # of a standalone tool is what that flag exists for.
    python3 -m pip install --quiet --user uv 2>/dev/null ||
        python3 -m pip install --quiet --user --break-system-packages uv 2>/dev/null ||
        python3 -m pip install --quiet uv
    user_bin="$(python3 -m site --user-base)/bin"
    export PATH="$user_bin:$PATH"
    command -v uv >/dev/null 2>&1 || die "uv was installed but is not on PATH (looked in $user_bin)"
}

ensure_python_packages() {
    # uv cannot download a Python build here: point it at a local 3.12 when
    # nothing on PATH provides one (pyenv keeps its versions off PATH).
    if [ ! -x .venv/bin/python ] && [ -z "${UV_PYTHON:-}" ] &&
        ! uv python find --quiet "$(cat .python-version)" >/dev/null 2>&1; then
        local candidate
        for candidate in "$HOME"/.pyenv/versions/3.12*/bin/python3.12 /usr/bin/python3.12 /usr/local/bin/python3.12; do
            if [ -x "$candidate" ]; then
                export UV_PYTHON="$candidate"
                break
            fi
        done
    fi
    uv sync --frozen --quiet
}

ensure_chromium() {
    [ -x /usr/bin/chromium ] || apt_install chromium
    [ -x /usr/bin/chromium ] || die "chromium is still missing after apt-get install"
}

pg_bindir() {
    if [ -x /usr/lib/postgresql/15/bin/initdb ]; then
        echo /usr/lib/postgresql/15/bin
    elif command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
    else
        return 1
    fi
}

ensure_postgres() {
    if pg_bindir >/dev/null; then
        return
    fi
    # The Debian package creates and starts a "main" cluster where a service
    # manager lets it; we only want the binaries, so forbid service starts
    # for the duration of the install (the usual policy-rc.d switch).
    local policy=/usr/sbin/policy-rc.d added_policy=""
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
        as_root chmod 755 "$policy"
        added_policy=1
    fi
    apt_install postgresql-15 || {
        [ -z "$added_policy" ] || as_root rm -f "$policy"
        die "could not install postgresql-15"
    }
    [ -z "$added_policy" ] || as_root rm -f "$policy"
    pg_bindir >/dev/null || die "initdb is still missing after installing postgresql-15"
}

ensure_uv
ensure_python_packages
for extra in "$@"; do
    case "$extra" in
    browser) ensure_chromium ;;
    postgres) ensure_postgres ;;
    *) die "unknown argument '$extra' (expected: browser, postgres)" ;;
    esac
done
