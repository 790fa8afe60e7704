"""Facts about patch level: pending security updates and the versions of exposed software.

Debian: no ``apt-get -s`` (seconds per host). The installed versions (dpkg) are compared with
the versions in the security suites' Packages indexes already downloaded to
``/var/lib/apt/lists`` (awk keeps only installed packages, so little crosses the wire), and
the Debian version ordering is done here, exactly as dpkg does it. RHEL family: the cached
updateinfo metadata (``dnf/yum --cacheonly updateinfo list``), no network access.
"""

from __future__ import annotations

import re

from hardening.errors import FactError
from hardening.facts.base import Fact, HostContext, Parsed, Raw

# --------------------------------------------------------------------------------------------
# dpkg's version comparison (lib/dpkg/version.c: dpkg_version_compare / verrevcmp)


def _order(c: str) -> int:
    if "0" <= c <= "9":
        return 0
    if "A" <= c <= "Z" or "a" <= c <= "z":
        return ord(c)
    if c == "~":
        return -1
    return ord(c) + 256 if c else 0


def _verrevcmp(a: str, b: str) -> int:
    i = j = 0
    while i < len(a) or j < len(b):
        first_diff = 0
        while (i < len(a) and not _digit(a[i])) or (j < len(b) and not _digit(b[j])):
            ac = _order(a[i]) if i < len(a) else 0
            bc = _order(b[j]) if j < len(b) else 0
            if ac != bc:
                return ac - bc
            i += 1
            j += 1
        while i < len(a) and a[i] == "0":
            i += 1
        while j < len(b) and b[j] == "0":
            j += 1
        while i < len(a) and _digit(a[i]) and j < len(b) and _digit(b[j]):
            if not first_diff:
                first_diff = ord(a[i]) - ord(b[j])
            i += 1
            j += 1
        if i < len(a) and _digit(a[i]):
            return 1
        if j < len(b) and _digit(b[j]):
            return -1
        if first_diff:
            return first_diff
    return 0


def _digit(c: str) -> bool:
    return "0" <= c <= "9"


def parse_debian_version(text: str) -> tuple[int, str, str]:
    """``[epoch:]upstream[-revision]`` as dpkg's parseversion splits it."""
    text = text.strip()
    if not text or any(c.isspace() for c in text):
        raise ValueError(f"bad version {text!r}")
    epoch = 0
    if ":" in text:
        head, _, text = text.partition(":")
        if not head.isdigit() or not text:
            raise ValueError(f"bad epoch or nothing after the colon in {head}:{text}")
        epoch = int(head)
    upstream, sep, revision = text.rpartition("-")
    if not sep:
        upstream, revision = text, ""
    elif not revision:
        raise ValueError("revision number is empty")
    if not upstream:
        raise ValueError("empty upstream version")
    return epoch, upstream, revision


def compare_debian_versions(a: str, b: str) -> int:
    """<0, 0, >0 like ``dpkg --compare-versions a lt|eq|gt b``."""
    ea, ua, ra = parse_debian_version(a)
    eb, ub, rb = parse_debian_version(b)
    if ea != eb:
        return -1 if ea < eb else 1
    return _verrevcmp(ua, ub) or _verrevcmp(ra, rb)


# --------------------------------------------------------------------------------------------

_DEBIAN = (
    'found=0; for f in /var/lib/apt/lists/*security*_Packages /var/lib/apt/lists/*security*_Packages.*; do '
    '[ -f "$f" ] || continue; case "$f" in *.diff_Index|*.IndexDiff) continue ;; esac; '
    'echo "INDEX $(stat -c %Y "$f") $f"; found=1; done; '
    'echo "NOW $HF_NOW"; [ "$found" = 1 ] || exit 0; '
    # installed packages straight from dpkg's database (cheaper than dpkg-query): "name version"
    "awk '/^Package: /{p=$2} /^Status: /{s=($4==\"installed\" || $4==\"half-configured\" || $4==\"unpacked\")} "
    "/^Version: /{v=$2} /^$/{if (p!=\"\" && s) print p, v; p=\"\"; s=0; v=\"\"} END{if (p!=\"\" && s) print p, v}' "
    "/var/lib/dpkg/status > \"$HF_T/inst\" || exit 3; "
    'for f in /var/lib/apt/lists/*security*_Packages /var/lib/apt/lists/*security*_Packages.*; do '
    '[ -f "$f" ] || continue; case "$f" in *.diff_Index|*.IndexDiff) continue ;; '
    '*_Packages) cat "$f" ;; *) if [ -x /usr/lib/apt/apt-helper ]; then /usr/lib/apt/apt-helper cat-file "$f"; '
    'else case "$f" in *.gz) zcat "$f" ;; *.xz) xzcat "$f" ;; *.lz4) lz4cat "$f" ;; *.zst) zstdcat "$f" ;; '
    '*.bz2) bzcat "$f" ;; esac; fi ;; esac || echo "HF_UNREADABLE $f"; done '
    "| awk 'NR==FNR { inst[$1]=$2; next } "
    "/^Package: / { p=$2 } /^Version: / { if ((p in inst) && inst[p] != $2) print \"SEC\", p, inst[p], $2 } "
    "/^HF_UNREADABLE / { print }' \"$HF_T/inst\" -"
)
_RHEL = ("if command -v dnf >/dev/null 2>&1; then echo 'TOOL dnf'; dnf -q --cacheonly updateinfo list --security 2>&1; "
         "else echo 'TOOL yum'; yum -q --cacheonly updateinfo list security 2>&1; fi")
_ADVISORY = re.compile(r"^(?:RHSA|RHBA|RHEA|ELSA|ALSA|RLSA|CESA|FEDORA|openEuler-SA|KYSA|ANSA|TLSA|SUSE|OESA)[-A-Za-z0-9:._]*$", re.I)
_NEVRA = re.compile(r"^(?P<name>[A-Za-z0-9_.+-]+?)-(?:(?P<epoch>\d+):)?(?P<ver>[^-:\s]+)-(?P<rel>[^-\s]+)\.(?P<arch>x86_64|noarch|i686|aarch64|ppc64le|s390x|armv7hl|loongarch64|mips64el|src)$")


class SecurityUpdates(Fact):
    """Installed packages for which a security update is available.

    ``pending``: ``[{name, installed, available}]`` (Debian) or ``[{name, available, advisory}]``
    (RHEL family); ``source`` says where the data came from; ``index_age_days`` how old the
    newest Debian security index is (updates published after it are unknown).
    """

    cost = 20

    command = {"debian": _DEBIAN, "rhel": _RHEL,
               "default": "if command -v dpkg-query >/dev/null 2>&1; then " + _DEBIAN + "; else " + _RHEL + "; fi"}
    ok_codes = (0,)

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        text = raw.text()
        if text.startswith("TOOL ") or ctx.family == "rhel" and "INDEX " not in text:
            return self._rhel(text)
        return self._debian(text)

    def _debian(self, text: str) -> Parsed:
        lines = text.splitlines()
        indexes = [l.split(" ", 2) for l in lines if l.startswith("INDEX ")]
        now = next((l[4:].strip() for l in lines if l.startswith("NOW ")), "")
        if not now.isdigit():
            raise FactError("unexpected output from the security index probe")
        if not indexes:
            raise FactError("no security repository index; run apt-get update "
                            "(no *security*_Packages file in /var/lib/apt/lists)")
        unreadable = [l.split(" ", 1)[1] for l in lines if l.startswith("HF_UNREADABLE ")]
        if unreadable:
            raise FactError(f"security index could not be decompressed: {unreadable[0]}")
        newest: dict[str, tuple[str, str]] = {}
        for line in lines:
            fields = line.split()
            if len(fields) != 4 or fields[0] != "SEC":
                continue
            _, name, installed, candidate = fields
            try:
                if compare_debian_versions(candidate, installed) <= 0:
                    continue
                if name in newest and compare_debian_versions(candidate, newest[name][1]) <= 0:
                    continue
            except ValueError:
                continue  # a version dpkg would refuse is junk, not an update
            newest[name] = (installed, candidate)
        pending = [{"name": n, "installed": i, "available": a} for n, (i, a) in sorted(newest.items())]
        stamps = [int(i[1]) for i in indexes if i[1].isdigit()]
        age = round((int(now) - max(stamps)) / 86400, 1) if stamps else None
        sources = {p["name"]: f"{p['name']}: installed {p['installed']}, security update {p['available']}" for p in pending}
        names = ", ".join(i[2].rsplit("/", 1)[-1] for i in indexes)
        sources["__note__"] = (f"{len(pending)} pending security update(s) from {names}"
                               + (f" (index {age} days old)" if age is not None else ""))
        sources["pending"] = sources["__note__"] + "".join(
            f"; {p['name']} {p['installed']} → {p['available']}" for p in pending[:15]) + ("; …" if len(pending) > 15 else "")
        return Parsed({"source": "apt-lists", "pending": pending, "index_age_days": age,
                       "indexes": [i[2] for i in indexes]}, sources)

    def _rhel(self, text: str) -> Parsed:
        lines = text.splitlines()
        tool = lines[0][5:].strip() if lines and lines[0].startswith("TOOL ") else "dnf"
        pending: dict[str, dict] = {}
        for line in lines[1:] if lines and lines[0].startswith("TOOL ") else lines:
            words = line.split()
            if len(words) < 3 or not _ADVISORY.match(words[0]):
                continue
            nevra = next((w for w in words[1:] if _NEVRA.match(w)), None)
            if not nevra:
                continue
            match = _NEVRA.match(nevra)
            name = match.group("name")
            version = (f"{match.group('epoch')}:" if match.group("epoch") else "") + f"{match.group('ver')}-{match.group('rel')}"
            item = pending.setdefault(name, {"name": name, "available": version, "advisory": words[0]})
            if words[0] not in item["advisory"].split(", "):
                item["advisory"] += f", {words[0]}"
                item["available"] = version  # dnf/yum list advisories oldest first
        if not pending and any(re.search(r"error|no cache|cannot|failed", l, re.I) for l in lines[1:]):
            first = next(l for l in lines[1:] if re.search(r"error|no cache|cannot|failed", l, re.I))
            raise FactError(f"{tool} updateinfo failed: {first.strip()[:200]} (run '{tool} makecache')")
        sources = {p["name"]: f"{p['name']}: {p['advisory']} → {p['available']}" for p in pending.values()}
        sources["__note__"] = f"{len(pending)} package(s) with security advisories ({tool} --cacheonly updateinfo)"
        sources["pending"] = sources["__note__"] + "".join(
            f"; {p['name']} → {p['available']} ({p['advisory']})" for p in list(pending.values())[:15]) + (
            "; …" if len(pending) > 15 else "")
        return Parsed({"source": tool, "pending": sorted(pending.values(), key=lambda p: p["name"]),
                       "index_age_days": None}, sources)


_OPENSSH = re.compile(r"OpenSSH_(\d+)\.(\d+)(p\d+)?")


class Versions(Fact):
    """Versions of the kernel, OpenSSH (the server binary when present) and OpenSSL.

    ``openssh_version`` is major.minor as a number (9.2) for threshold rules.
    """

    cost = 8

    command = ('read -r hf_k < /proc/sys/kernel/osrelease || hf_k=$(uname -r); echo "KERNEL $hf_k"; '
               'if command -v sshd >/dev/null 2>&1; then echo "SSHD $(sshd -V 2>&1)"; '
               'elif [ -x /usr/sbin/sshd ]; then echo "SSHD $(/usr/sbin/sshd -V 2>&1)"; '
               'else echo "SSH $(ssh -V 2>&1)"; fi; '
               'echo "OPENSSL $(openssl version 2>&1)"; true')

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        lines = raw.text().splitlines()
        kernel = next((l[7:].strip() for l in lines if l.startswith("KERNEL ")), "")
        if not kernel:
            raise FactError("the kernel release could not be read")
        value: dict = {"kernel": kernel}
        sources = {"kernel": f"/proc/sys/kernel/osrelease: {kernel}"}
        section = ""
        tagged = []
        for line in lines:  # a command's output may span lines: they belong to the last marker
            for marker in ("KERNEL ", "SSHD ", "SSH ", "OPENSSL "):
                if line.startswith(marker):
                    section, line = marker, line[len(marker):]
                    break
            tagged.append(section + line)
        lines = tagged
        for prefix, label in (("SSHD ", "sshd -V"), ("SSH ", "ssh -V")):
            for line in lines:
                match = _OPENSSH.search(line) if line.startswith(prefix) else None
                if match and "openssh" not in value:
                    value["openssh"] = match.group(0)[8:]
                    value["openssh_version"] = float(f"{int(match.group(1))}.{int(match.group(2))}")
                    value["openssh_source"] = "server" if prefix == "SSHD " else "client"
                    sources["openssh"] = sources["openssh_version"] = f"{label}: {line[len(prefix):].strip()[:150]}"
        for line in lines:
            match = re.match(r"^OPENSSL ((?:OpenSSL|LibreSSL|BoringSSL|Tongsuo|BabaSSL) \S+)", line)
            if match:
                value["openssl"] = match.group(1)
                sources["openssl"] = f"openssl version: {line[8:].strip()[:150]}"
        sources["__note__"] = "; ".join(f"{k} {value[k]}" for k in ("kernel", "openssh", "openssl") if k in value)
        return Parsed(value, sources)
