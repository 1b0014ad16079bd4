#!/usr/bin/env bash
# Marconi: installs the build and test dependencies on Debian bookworm with apt-get.
# Idempotent: when every package is already installed it returns in about a second.
# Needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(
    # build
    cmake ninja-build ccache
    libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
    libspdlog-dev libcli11-dev libtomlplusplus-dev libsqlite3-dev libssl-dev libhiredis-dev
    # unit tests and benchmarks
    libgtest-dev libgmock-dev libbenchmark-dev
    # ASan+UBSan and libFuzzer builds (make asan, make fuzz): clang 14; its sanitizer and
    # libFuzzer runtimes are only a Recommends of clang, so name them; llvm-symbolizer (llvm)
    # turns sanitizer stack traces into file:line
    clang libclang-rt-14-dev llvm
    # make format: the layout of .clang-format, checked by make test
    clang-format-14
    # the Redis store's tests start real servers: redis-server, and redis-cli to form a Cluster
    redis-server redis-tools
    # the PostgreSQL store's tests start real servers: initdb, pg_ctl and postgres from the
    # server package, psql and pg_isready from the client; libpq for the driver; pgbouncer,
    # which the e2e run puts in front of it in transaction mode
    postgresql-15 postgresql-client-15 libpq-dev pgbouncer
    # e2e tests (run with /usr/bin/python3, Debian's interpreter); openssl makes the TLS
    # tests' certificates
    python3-pytest python3-requests python3-zaqarclient openssl
    # Zaqar 15 itself: the signed-URL tests check signatures against its create_signed_url
    python3-zaqar
    # Zaqar's own API tests (tests/e2e/test_tempest.py): zaqar-tempest-plugin pulls tempest;
    # the test also runs stestr (init) and reads tempest's subunit stream with python3-subunit
    # itself, both dependencies of tempest, named because they are used directly
    zaqar-tempest-plugin python3-stestr python3-subunit
    # e2e tests of the WebSocket transport: websocket-client (python-zaqarclient's websocket
    # library), the asyncio websockets client, and msgpack for binary frames
    python3-websocket python3-websockets python3-msgpack
    # e2e tests of auth strategy keystone: a real Keystone (keystone-manage and
    # keystone-wsgi-public, without the `keystone` package's system service), served by uwsgi;
    # the `openstack messaging` CLI drives Marconi through it
    python3-keystone uwsgi-core uwsgi-plugin-python3 python3-openstackclient
)

# One dpkg-query call for all packages; unknown packages go to stderr and count as missing.
installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${packages[@]}" 2>/dev/null \
    | awk '$2 == "installed" { print $1 }' || true)
missing=()
for p in "${packages[@]}"; do
    grep -qxF -- "$p" <<<"$installed" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
    echo "setup: all ${#packages[@]} packages are installed"
    exit 0
fi

echo "setup: installing ${missing[*]}"
sudo=()
if ((EUID != 0)); then
    if ! command -v sudo >/dev/null; then
        echo "setup: need root (or sudo) to apt-get install: ${missing[*]}" >&2
        exit 1
    fi
    sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
