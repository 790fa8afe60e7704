#!/bin/sh
# Installs hardening on a Debian/Ubuntu machine (run as root): a virtual environment in
# /opt/hardening and the `hardening` command in /usr/local/bin.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
prefix=${HARDENING_PREFIX:-/opt/hardening}
# Python 3.11+ with venv, and the CJK font the PDF reports embed (WenQuanYi Micro Hei)
need=""
python3 -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || need="python3 python3-venv python3-pip"
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need="$need fonts-wqy-microhei"
if [ -n "$need" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq $need >/dev/null
fi
[ -x "$prefix/bin/python" ] || python3 -m venv "$prefix"
"$prefix/bin/python" -m pip install -q --upgrade pip >/dev/null
"$prefix/bin/python" -m pip install -q "$here${HARDENING_EXTRAS:-}"
ln -sf "$prefix/bin/hardening" /usr/local/bin/hardening
# PAM service that `hardening approve` authenticates approvers with
[ -e /etc/pam.d/hardening ] || install -m 0644 "$here/scripts/pam.d/hardening" /etc/pam.d/hardening
# an evaluation signing key for reports, unless one exists (import the organisation's PKCS#12
# with `hardening keys import` for production)
/usr/local/bin/hardening keys show >/dev/null 2>&1 || /usr/local/bin/hardening keys init >/dev/null
echo "hardening installed: $(/usr/local/bin/hardening --version)"
