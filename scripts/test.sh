#!/bin/sh
# Installs what the tests need (system packages, a virtual environment with the test
# extras) and runs the whole suite. Run as root on Debian 12: sandbox hosts need
# namespaces, overlayfs and their own sshd.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
sh "$here/scripts/install-test-deps.sh"
venv=${HARDENING_TEST_VENV:-$here/.venv}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip >/dev/null
"$venv/bin/python" -m pip install -q "$here[test,oracle]"
cd "$here"
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
