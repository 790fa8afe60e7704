#!/bin/sh
# Installs the system packages the test suite needs on a fresh Debian 12 machine (run as root).
set -eu
export DEBIAN_FRONTEND=noninteractive
need=""
for pkg in openssh-server openssh-client sudo util-linux iproute2 procps python3-venv poppler-utils fonts-wqy-microhei libnss3-tools openssl aide debootstrap; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need="$need $pkg"
done
if [ -n "$need" ]; then
    apt-get update -qq
    apt-get install -y -qq $need >/dev/null
fi
# PAM service for approvals, and the two test accounts the remediation tests authenticate
# (author and approver: the two-person rule). No login shell; passwords known to the tests only.
here=$(cd "$(dirname "$0")" && pwd)
[ -e /etc/pam.d/hardening ] || install -m 0644 "$here/pam.d/hardening" /etc/pam.d/hardening
for account in hardening-author:Author-Pass-2026 hardening-approver:Approver-Pass-2026; do
    user=${account%%:*}
    id -u "$user" >/dev/null 2>&1 || useradd -M -s /usr/sbin/nologin "$user"
    echo "$account" | chpasswd
done
# Debian 11 and 13 root file systems for sandbox hosts of those releases (built once, then cached)
sh "$here/build-rootfs.sh" bullseye trixie
