#!/usr/bin/env bash
# install-deps.sh — installs what Wattline needs to build and test: Debian packages (only the missing
# ones, so it is quick when all are present) and the npm test peers from the committed lock file.
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(
	make gcc clang libclang-rt-14-dev pkg-config # compilers; clang + runtime for libFuzzer
	libcjson-dev                                 # JSON
	libcmocka-dev                                # unit tests
	libwebsockets-dev libwebsockets-evlib-ev libev-dev # WebSocket/HTTP/TLS: csms server on epoll, evse client
	libssl-dev                                   # TLS, MD5 of firmware files
	libsqlite3-dev sqlite3                       # the embedded databases of csms and evse (and the shell, for tests)
	libsodium-dev                                # password hashes, random tokens
	libinih-dev                                  # INI config files
	libcurl4-openssl-dev                         # the command line's HTTP client
	libxlsxwriter-dev                             # Excel export of transactions (csms)
	libmodbus-dev                                # Modbus RTU/TCP: the external meter of dynamic power management
	socat                                        # a pseudo-terminal pair for the serial-meter test
	iproute2 util-linux                          # ip, ss and unshare: the listen tests in a private network namespace
	chromium                                     # the browser of the UI tests (driven by playwright-core)
)
command -v node >/dev/null 2>&1 || debs+=(nodejs)
command -v npm >/dev/null 2>&1 || debs+=(npm)

missing=()
for p in "${debs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "install-deps: installing ${missing[*]}"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm test peers (ocpp-rpc: the independent OCPP 1.6 schema validator), reinstalled when the lock changes
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	echo "install-deps: npm ci"
	npm ci --no-audit --no-fund --loglevel=error
fi
