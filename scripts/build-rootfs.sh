#!/bin/sh
# Builds, once, the root file system of another Debian release for sandbox hosts (tests/sandbox.py,
# create_host(rootfs=...)): debootstrap from the Debian archive this machine's apt already uses,
# kept in $HARDENING_ROOTFS_CACHE (default /var/cache/hardening/rootfs/<release>). A tree whose
# stamp names the same package set is reused; anything else is rebuilt. Run as root.
# Usage: sh scripts/build-rootfs.sh bullseye trixie
set -eu
cache=${HARDENING_ROOTFS_CACHE:-/var/cache/hardening/rootfs}
# the packages of the Debian 12 machine the scenarios were written on, no more: a scenario that
# needs auditd, rsyslog or pam_pwquality puts their files in place itself
packages=openssh-server,sudo,procps,iproute2,cron,systemd
mirror=${HARDENING_DEBIAN_MIRROR:-$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\)$/\1/p' \
    /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)}
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $2 ~ /\/debian$/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
[ -n "$mirror" ] || { echo "build-rootfs: no Debian archive in this machine's apt sources; set HARDENING_DEBIAN_MIRROR" >&2; exit 2; }
command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; }
mkdir -p "$cache"
for release in "$@"; do
    dest=$cache/$release
    stamp="$release $packages"
    if [ "$(cat "$dest/.hardening-rootfs" 2>/dev/null)" = "$stamp" ]; then
        continue
    fi
    echo "build-rootfs: building $release in $dest (debootstrap, about a minute)" >&2
    rm -rf "$dest.tmp"
    log=$cache/$release.log
    {
        debootstrap --variant=minbase "$release" "$dest.tmp" "$mirror" &&
        # the security suite too, so that a scan can judge pending security updates
        printf 'deb %s %s main\ndeb %s-security %s-security main\n' "$mirror" "$release" "$mirror" "$release" \
            >"$dest.tmp/etc/apt/sources.list" &&
        printf '#!/bin/sh\nexit 101\n' >"$dest.tmp/usr/sbin/policy-rc.d" && chmod 0755 "$dest.tmp/usr/sbin/policy-rc.d" &&
        # apt orders the installation (debootstrap --include cannot, e.g. cron and systemd on trixie)
        chroot "$dest.tmp" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends $(echo "$packages" | tr , ' ') && apt-get clean"
    } >"$log" 2>&1 || { tail -n 20 "$log" >&2; exit 1; }
    rm -f "$dest.tmp"/etc/ssh/ssh_host_* "$dest.tmp/usr/sbin/policy-rc.d"
    printf '%s\n' "$stamp" >"$dest.tmp/.hardening-rootfs"
    rm -rf "$dest"
    mv "$dest.tmp" "$dest"
done
