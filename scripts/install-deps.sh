#!/usr/bin/env bash
# Installs the Debian 12 packages Gatehouse needs, by what you are about to do:
#   install-deps.sh build   build and run the server (`make build`, `make run`)
#   install-deps.sh test    that, plus what the tests use (`make unit`, `make e2e`,
#                           `make test`): PostgreSQL, an SMTP sink, Chromium, Node
#   install-deps.sh fuzz    build, plus clang and libFuzzer (`make fuzz`)
#   install-deps.sh all     everything (the default)
# `--print PROFILE` lists the profile's packages, one a line, and installs nothing.
# Idempotent: does nothing when every package is present. Needs root (or sudo).
set -euo pipefail

print=false
if [ "${1:-}" = "--print" ]; then
  print=true
  shift
fi
profile="${1:-all}"

build=(
  build-essential cmake ninja-build ccache pkg-config
  python3-yaml  # the build embeds openapi/native.yaml as JSON (scripts/openapi-to-cc.py)
  libboost-dev  # Beast and Asio, header-only
  libsqlite3-dev libpq-dev libsodium-dev libcrypt-dev libssl-dev libcurl4-openssl-dev
  nlohmann-json3-dev libspdlog-dev libcli11-dev libtomlplusplus-dev
  libqrencode-dev libphonenumber-dev
  libidn2-dev libpsl-dev  # redirect rules: IDNA (UTS #46) and the public suffix list
  libcbor-dev  # passkeys: WebAuthn attestation objects and COSE keys are CBOR
  uap-core libyaml-cpp-dev libpcre2-dev  # the sessions list parses user agents with uap-core's rules
  prometheus-cpp-dev  # GET /metrics: prometheus-cpp's core library (registry, text format)
  libgtest-dev  # the unit-test binaries are part of every build
)
test=(
  postgresql python3-aiosmtpd  # unit store tests and e2e: a throwaway PostgreSQL, an SMTP sink
  chromium openssl  # tests/e2e/oauth-browser.test.js: the browser playwright-core drives (never a downloaded one), a TLS front
  nodejs npm
)
fuzz=(
  clang libclang-rt-14-dev  # make fuzz (libFuzzer)
)

case "$profile" in
  build) packages=("${build[@]}") ;;
  test) packages=("${build[@]}" "${test[@]}") ;;
  fuzz) packages=("${build[@]}" "${fuzz[@]}") ;;
  all) packages=("${build[@]}" "${test[@]}" "${fuzz[@]}") ;;
  *)
    echo "usage: $0 [build|test|fuzz|all]" >&2
    exit 2
    ;;
esac

if $print; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node 20 may come from outside Debian's archive (as on our CI machines); accept it.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]}")
fi
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
