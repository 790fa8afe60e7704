"""Facts about the running kernel: sysctl values, loaded modules and mounts.

Values are read from ``/proc`` directly (what the kernel applies now), not from the files
that set them at boot: cheaper than ``sysctl`` and immune to a stale ``/etc/sysctl.d``.
"""

from __future__ import annotations

import re

from hardening.errors import FactError
from hardening.facts.base import Fact, HostContext, Parsed, Raw

# The keys the rule pack judges; one grep reads them all.
SYSCTL_KEYS = (
    "net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding",
    "net.ipv4.conf.all.accept_redirects", "net.ipv4.conf.default.accept_redirects",
    "net.ipv6.conf.all.accept_redirects", "net.ipv6.conf.default.accept_redirects",
    "net.ipv4.conf.all.secure_redirects", "net.ipv4.conf.default.secure_redirects",
    "net.ipv4.conf.all.send_redirects", "net.ipv4.conf.default.send_redirects",
    "net.ipv4.conf.all.accept_source_route", "net.ipv4.conf.default.accept_source_route",
    "net.ipv6.conf.all.accept_source_route", "net.ipv6.conf.default.accept_source_route",
    "net.ipv4.conf.all.rp_filter", "net.ipv4.conf.default.rp_filter",
    "net.ipv4.conf.all.log_martians", "net.ipv4.conf.default.log_martians",
    "net.ipv4.tcp_syncookies", "net.ipv4.icmp_echo_ignore_broadcasts",
    "net.ipv4.icmp_ignore_bogus_error_responses",
    "kernel.randomize_va_space", "fs.suid_dumpable", "kernel.core_pattern",
    "kernel.dmesg_restrict", "kernel.kptr_restrict", "fs.protected_hardlinks", "fs.protected_symlinks",
)


class Sysctl(Fact):
    """Running values of the hardening sysctl keys, read from ``/proc/sys`` (key → text).

    Keys whose file is absent (e.g. IPv6 disabled) are missing from the value. Use a list key in
    rules, e.g. ``key: [net.ipv4.ip_forward]``, since the names contain dots.
    """

    command = ("cd /proc/sys && grep -H '' " + " ".join(k.replace(".", "/") for k in SYSCTL_KEYS) + " 2>/dev/null; "
               "[ -d /proc/sys/net ] || echo HF_NO_PROC_SYS")
    ok_codes = (0, 1, 2)

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        wanted = {k.replace(".", "/"): k for k in SYSCTL_KEYS}
        values: dict[str, str] = {}
        sources: dict[str, str] = {}
        for line in raw.text().splitlines():
            if line.strip() == "HF_NO_PROC_SYS":
                raise FactError("/proc/sys is not readable on this host")
            path, sep, value = line.partition(":")
            if sep and path in wanted and wanted[path] not in values:
                values[wanted[path]] = value.strip()
                sources[wanted[path]] = f"/proc/sys/{path}: {value.strip()[:200]}"
        if not values:
            raise FactError("no sysctl value could be read from /proc/sys")
        missing = [k for k in SYSCTL_KEYS if k not in values]
        sources["__note__"] = ("running values from /proc/sys" +
                               (f"; absent: {', '.join(missing)}" if missing else ""))
        return Parsed(values, sources)


def _unescape(field: str) -> str:
    """Mount table fields escape space, tab, newline and backslash as octal (``\\040``)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


class Mounts(Fact):
    """The mount table (``/proc/self/mounts``): mount point → device, type and options.

    When a point is mounted more than once, the last (topmost, visible) mount wins.
    """

    command = "cat /proc/self/mounts 2>/dev/null || cat /proc/mounts"

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        mounts: dict[str, dict] = {}
        sources: dict[str, str] = {}
        for line in raw.text().splitlines():
            fields = line.split()
            if len(fields) < 4 or not fields[1].startswith("/"):
                continue
            point = _unescape(fields[1])
            options = fields[3].split(",")
            mounts[point] = {"device": _unescape(fields[0]), "fstype": fields[2], "options": options,
                             "noexec": "noexec" in options, "nosuid": "nosuid" in options,
                             "nodev": "nodev" in options}
            sources[point] = f"/proc/mounts: {' '.join(fields[:4])[:300]}"
        if "/" not in mounts:
            raise FactError("the mount table has no root file system")
        sources["__note__"] = f"{len(mounts)} mount points from /proc/mounts"
        return Parsed({"mounts": mounts}, sources)


class Modules(Fact):
    """Loaded kernel modules (``/proc/modules``) and modules blocked from loading in modprobe.d.

    ``loaded``: module names; ``blocked``: names with ``install <m> /bin/false|/bin/true`` or
    ``blacklist <m>`` in ``/etc/modprobe.d/*.conf`` (the last such line is the evidence).
    """

    command = ("sed 's/ .*//;s/^/LOADED /' /proc/modules 2>/dev/null; "
               "for f in /etc/modprobe.d/*.conf /usr/lib/modprobe.d/*.conf /lib/modprobe.d/*.conf; do "
               "[ -f \"$f\" ] && grep -HE '^[[:space:]]*(install|blacklist)[[:space:]]' \"$f\"; done; true")

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        loaded, blocked = [], []
        sources: dict[str, str] = {}
        for line in raw.text().splitlines():
            if line.startswith("LOADED "):
                name = line[7:].strip()
                if re.match(r"^[A-Za-z0-9_-]{1,64}$", name):
                    loaded.append(name)
                continue
            path, _, rule = line.partition(":")
            words = rule.split("#", 1)[0].split()
            if len(words) >= 2 and re.match(r"^[A-Za-z0-9_-]{1,64}$", words[1]):
                name = words[1].replace("-", "_")
                if words[0] == "blacklist" or (words[0] == "install" and len(words) >= 3 and
                                               words[2] in ("/bin/false", "/bin/true", "/usr/bin/false", "/usr/bin/true")):
                    if name not in blocked:
                        blocked.append(name)
                    sources[f"blocked.{name}"] = f"{path}: {rule.strip()[:200]}"
        sources["__note__"] = f"{len(loaded)} modules loaded; {len(blocked)} blocked in modprobe.d"
        return Parsed({"loaded": sorted(set(loaded)), "blocked": sorted(blocked)}, sources)
