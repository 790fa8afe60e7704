#!/bin/sh
# Installs the system packages the test suite needs on a fresh Debian 12 machine (run as root).
set -eu
export DEBIAN_FRONTEND=noninteractive
need=""
for pkg in openssh-server openssh-client sudo util-linux iproute2 procps python3-venv; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need="$need $pkg"
done
if [ -n "$need" ]; then
    apt-get update -qq
    apt-get install -y -qq $need >/dev/null
fi
