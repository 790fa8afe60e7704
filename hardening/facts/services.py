"""Facts about services: systemd's own view, or the same facts read from files without it.

Without a running systemd (containers, chroots, the test sandboxes) the state is rebuilt the
way systemd itself defines it: a unit is enabled when a ``*.wants``/``*.requires`` link
points at it, and active when its daemon process runs. ``source`` says which view was used.
"""

from __future__ import annotations

from hardening.errors import FactError
from hardening.facts.base import Fact, HostContext, Parsed, Raw

UNIT_DIRS = "/etc/systemd/system /run/systemd/system /usr/lib/systemd/system /lib/systemd/system"

# Daemon process names of units whose process is not simply the unit name.
PROCESS_OF_UNIT = {
    "ssh.service": ("sshd",), "sshd.service": ("sshd",), "rsyslog.service": ("rsyslogd",),
    "chrony.service": ("chronyd",), "chronyd.service": ("chronyd",), "cron.service": ("cron",),
    "crond.service": ("crond",), "systemd-journald.service": ("systemd-journal",),
    "systemd-timesyncd.service": ("systemd-timesyn",), "ntp.service": ("ntpd",), "ntpd.service": ("ntpd",),
    "apparmor.service": (), "firewalld.service": ("firewalld",), "ufw.service": (),
    "nftables.service": (), "clamav-daemon.service": ("clamd",), "clamav-freshclam.service": ("freshclam",),
}


class Units(Fact):
    """Every service/socket/timer unit with its enablement and activity."""

    cost = 10

    command = (
        'if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then\n'
        '  echo "SOURCE systemd"\n'
        '  systemctl list-unit-files --no-legend --no-pager --type=service,socket,timer 2>/dev/null | '
        'awk \'{print "FILE", $1, $2}\'\n'
        '  systemctl list-units --all --no-legend --no-pager --plain --type=service,socket,timer 2>/dev/null | '
        'awk \'{print "UNIT", $1, $3, $4}\'\n'
        'else\n'
        '  echo "SOURCE files"\n'
        f'  for d in {UNIT_DIRS}; do for f in "$d"/*.service "$d"/*.socket "$d"/*.timer; do '
        '[ -e "$f" ] && echo "FILE ${f##*/} static"; done; done\n'
        f'  for d in {UNIT_DIRS}; do for f in "$d"/*.wants/* "$d"/*.requires/*; do '
        '[ -e "$f" ] && echo "WANTS ${f##*/}"; done; done\n'
        '  for f in /etc/systemd/system/*.service /etc/systemd/system/*.socket /etc/systemd/system/*.timer; do '
        '[ -L "$f" ] && [ "$f" -ef /dev/null ] && echo "MASKED ${f##*/}"; done\n'
        "  hf_comms; sed 's/^/PROC /' \"$HF_S/comm\"\n"
        'fi'
    )

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        units: dict[str, dict] = {}
        source = "unknown"
        wants, masked, processes = set(), set(), set()
        for line in raw.text().splitlines():
            if line.startswith("PROC "):
                processes.add(line[5:].strip())
                continue
            parts = line.split()
            if len(parts) < 2 or any(c in parts[1] for c in "/\\"):
                continue
            kind, name = parts[0], parts[1]
            if kind == "SOURCE":
                source = name
            elif kind == "FILE":
                units.setdefault(name, {"enabled": parts[2] if len(parts) > 2 else "unknown", "active": "inactive"})
            elif kind == "UNIT" and len(parts) >= 4:
                units.setdefault(name, {"enabled": "unknown", "active": "inactive"})
                units[name].update(active=parts[2], sub=parts[3])
            elif kind == "WANTS":
                wants.add(name)
            elif kind == "MASKED":
                masked.add(name)
        if source == "unknown":  # junk is not "no unit enabled": that would pass "X is disabled"
            raise FactError("no service listing was returned")
        if source == "files":
            for name, unit in units.items():
                unit["enabled"] = "masked" if name in masked else "enabled" if name in wants else "disabled"
                stem = name.rsplit(".", 1)[0]
                names = PROCESS_OF_UNIT.get(name, (stem, stem + "d"))
                unit["active"] = "active" if any(p in processes for p in names) else "inactive"
        sources = {name: f"{name}: enabled={u['enabled']} active={u['active']} (from {source})" for name, u in units.items()}
        sources["__note__"] = f"service states from {source}"
        return Parsed({"source": source, "units": units}, sources)
