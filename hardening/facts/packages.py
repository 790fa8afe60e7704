"""Facts about installed software packages."""

from __future__ import annotations

from hardening.errors import FactError
from hardening.facts.base import Fact, HostContext, Parsed, Raw


class Installed(Fact):
    """Installed packages by name → version, from dpkg or rpm (whichever the host has)."""

    cost = 8

    command = {
        "debian": "dpkg-query -W -f='${Package}\\t${Version}\\t${db:Status-Abbrev}\\n'",
        "rhel": "rpm -qa --qf '%{NAME}\\t%{VERSION}-%{RELEASE}\\tii \\n'",
        "default": ("if command -v dpkg-query >/dev/null 2>&1; then "
                    "dpkg-query -W -f='${Package}\\t${Version}\\t${db:Status-Abbrev}\\n'; "
                    "elif command -v rpm >/dev/null 2>&1; then "
                    "rpm -qa --qf '%{NAME}\\t%{VERSION}-%{RELEASE}\\tii \\n'; "
                    "else echo 'neither dpkg-query nor rpm found' >&2; exit 127; fi"),
    }

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        packages: dict[str, str] = {}
        listed = 0
        for line in raw.text().splitlines():
            fields = line.split("\t")
            if len(fields) < 3 or not fields[0]:
                continue
            listed += 1
            name, version, status = fields[0], fields[1], fields[2]
            # installed, or installed with triggers awaiting/pending (libc-bin, man-db during apt)
            if status[1:2] in ("i", "W", "t"):
                packages[name.split(":")[0]] = version
        if not listed:  # every system has packages: an empty list means the query did not run
            raise FactError("no package list in the output")
        return Parsed(packages, {"__note__": f"{len(packages)} packages installed"})
