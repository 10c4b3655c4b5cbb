#!/usr/bin/env bash
# Sets up and runs every test: installs PostgreSQL, Chromium and CJK fonts when
# missing (Debian), starts a throwaway PostgreSQL cluster, runs `go test ./...`
# on SQLite and PostgreSQL after go vet and errcheck, and stops the cluster.
set -euo pipefail
cd "$(dirname "$0")"

need=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql)
# The browser tests run in Chromium's headless shell: half the CPU of the
# full browser, which they fall back to when only it is installed.
command -v chromium-headless-shell >/dev/null || need+=(chromium-headless-shell)
# grep without -q: an early exit would fail the pipeline under pipefail.
fc-list 2>/dev/null | grep -i 'Noto Sans CJK' >/dev/null || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  echo "安装: ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

pgbin=/usr/lib/postgresql/15/bin
pgdir=$(mktemp -d /tmp/hongdun-pg.XXXXXX)
port=${PGPORT_TEST:-55432}
runas=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$pgdir"
  runas=(runuser -u postgres -- env -C /)
fi
chromedir=$(mktemp -d /tmp/hongdun-chromium.XXXXXX)
chromium_pid=""
stop_all() {
  if [ -n "$chromium_pid" ]; then kill "$chromium_pid" 2>/dev/null || true; wait "$chromium_pid" 2>/dev/null || true; fi
  rm -rf "$chromedir"
  "${runas[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$pgdir"
}
trap stop_all EXIT
"${runas[@]}" "$pgbin/initdb" -D "$pgdir/data" -U hongdun --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${runas[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w \
  -o "-p $port -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null
"${runas[@]}" "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U hongdun hongdun_test
export TEST_PG_DSN="postgres://hongdun@127.0.0.1:$port/hongdun_test?sslmode=disable"
# The browser tests' screenshots: each of the browser's window; of the whole
# page (down to 4,000 CSS pixels) for a failed step and every role's home, and
# for every screenshot when HONGDUN_FULL_SCREENSHOTS=1 is set.
export HONGDUN_TEST_ARTIFACTS=${HONGDUN_TEST_ARTIFACTS:-$PWD/test-artifacts}
mkdir -p "$HONGDUN_TEST_ARTIFACTS"

go vet ./...
# Unchecked errors: errcheck (pinned) on every package's non-test code;
# errcheck_excludes.txt names the calls it does not ask for, and a deliberate
# discard is written `_ = f() // why`.
# (CGO off: with cgo, errcheck's loader cannot read os/user here.)
CGO_ENABLED=0 go run github.com/kisielk/errcheck@v1.30.0 -ignoretests -exclude errcheck_excludes.txt ./...
# One headless Chromium for every browser test of the run: a test binary that
# started its own paid about two seconds of CPU for it (about twenty do).
go build -o "$chromedir/chromiumd" ./internal/browsertest/chromiumd
"$chromedir/chromiumd" >"$chromedir/url" &
chromium_pid=$!
until [ -s "$chromedir/url" ]; do
  kill -0 "$chromium_pid" 2>/dev/null || { echo "Chromium 未能启动" >&2; exit 1; }
  sleep 0.2
done
export HONGDUN_TEST_CHROMIUM_URL=$(cat "$chromedir/url")
# go vet ran above on every package, so go test does not vet again (-vet=off:
# about a quarter of the suite's CPU is building and vetting test binaries),
# and the test binaries are linked without DWARF debugging information
# (-ldflags=-w: a link of the larger ones takes 40 % less CPU; stack traces
# are unchanged). -parallel 4: the tests that start the application share one
# test binary (internal/app), whose browser tests mostly wait on Chromium; two
# at a time (the default on two cores) left the cores idle (suite on SQLite
# 181 s → 158 s wall on the quiet machine).
go test -count=1 -timeout 15m -vet=off -ldflags=-w -parallel 4 "$@" ./...
