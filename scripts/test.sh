#!/bin/sh
# Installs what the tests need (system packages, Debian 11/13 trees for sandbox hosts, a virtual
# environment with the test extras) and runs the whole suite; `--full` also runs every scenario on
# Debian 11 and 13 hosts. Run as root on Debian 12: sandbox hosts need namespaces, overlayfs and
# their own sshd.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
sh "$here/scripts/install-test-deps.sh"
venv=${HARDENING_TEST_VENV:-$here/.venv}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip >/dev/null
"$venv/bin/python" -m pip install -q "$here[test,oracle]"
cd "$here"
# --full: every scenario on Debian 11 and 13 sandbox hosts too (three times the scenario time)
if [ "${1:-}" = --full ]; then
    shift
    export HARDENING_FULL_MATRIX=1
fi
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
