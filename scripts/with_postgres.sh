#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster: `scripts/with_postgres.sh CMD ARGS...`.
#
# The cluster lives in .tmp/pg (PG_DIR; a folder under /tmp when the server could not use that one)
# and is created afresh each time: initdb, a server that
# listens on no TCP address at all, only on a unix socket in that folder (port PG_PORT names the
# socket file), durability off (it is thrown away). CMD runs with DATABASE_URL pointing at its
# database `newsdiff`; the server is stopped and the folder removed however CMD ends, and CMD's
# exit status is returned. PostgreSQL refuses to run as root, so under root the server runs as the
# `postgres` user (which Debian's package creates), owning the folder.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${PG_DIR:-$root/.tmp/pg}"
port="${PG_PORT:-55432}"
bindir="${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
if [ ! -x "$bindir/initdb" ]; then
  echo "no PostgreSQL server binaries (looked in ${bindir:-/usr/lib/postgresql/*/bin}): apt-get install postgresql" >&2
  exit 2
fi
as_owner=()
if [ "$(id -u)" = "0" ]; then
  as_owner=(runuser -u postgres --)
fi
# The server must reach its folder (as root it runs as `postgres`: every parent must be searchable
# by it, which a clone under /root is not) and a unix socket path has at most 107 bytes: otherwise
# the cluster goes to a private folder under /tmp.
parent="$(dirname "$dir")"
mkdir -p "$parent"
if [ ${#dir} -gt 80 ] || { [ ${#as_owner[@]} -gt 0 ] && ! runuser -u postgres -- test -x "$parent"; }; then
  dir="$(mktemp -d "${TMPDIR:-/tmp}/newsdiff-pg.XXXXXX")"
fi

stop() {
  if [ -f "$dir/data/postmaster.pid" ]; then
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

if [ -f "$dir/owner.pid" ] && kill -0 "$(cat "$dir/owner.pid")" 2>/dev/null; then
  echo "another run (process $(cat "$dir/owner.pid")) is using $dir; wait for it or set PG_DIR" >&2
  exit 2
fi
stop  # a cluster left by a run that was killed
mkdir -p "$dir"
chmod 700 "$dir"
if [ ${#as_owner[@]} -gt 0 ]; then
  chown postgres: "$dir"
fi
echo $$ >"$dir/owner.pid"
trap stop EXIT
trap 'exit 130' INT TERM

"${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
  >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 2; }
"${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o \
  "-c listen_addresses='' -c unix_socket_directories='$dir' -p $port -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$dir/server.log" >&2; exit 2; }
"$bindir/createdb" -h "$dir" -p "$port" -U postgres newsdiff

export DATABASE_URL="postgres://postgres@$(printf '%s' "$dir" | sed 's|/|%2F|g'):$port/newsdiff"
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on socket $dir (port $port)"
status=0
"$@" || status=$?
exit "$status"
