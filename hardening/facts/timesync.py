"""Facts about time synchronisation: chrony, systemd-timesyncd or ntpd — configuration,
the running daemon, and the synchronised state where the daemon can report it."""

from __future__ import annotations

import re

from hardening.errors import FactError
from hardening.facts.base import Fact, HostContext, Parsed, Raw
from hardening.facts.records import strip_comment, text_lines
from hardening.facts.resources import awk_files, split_lines

CHRONY_MAIN = "/etc/chrony/chrony.conf /etc/chrony.conf"
TIMESYNCD = ("/etc/systemd/timesyncd.conf /etc/systemd/timesyncd.conf.d/*.conf "
             "/run/systemd/timesyncd.conf.d/*.conf /usr/lib/systemd/timesyncd.conf.d/*.conf")
NTP = "/etc/ntp.conf /etc/ntpsec/ntp.conf"
DAEMONS = {"chronyd": "chrony", "systemd-timesyn": "timesyncd", "ntpd": "ntpd"}


class Status(Fact):
    """Which time daemon is configured (with which servers) and running, and whether the clock
    is synchronised.

    ``servers`` counts only servers named in configuration files (a compiled-in fallback such as
    timesyncd's FallbackNTP default is not an organisation's time source). ``synchronized`` is
    True/False from ``chronyc tracking``, ``timedatectl`` or ``ntpq``, and absent when no such
    tool could answer (e.g. no systemd, daemon not running): the rule reports that as an error.
    """

    command = (
        "hf_comms; hf_p=$(grep -xE 'chronyd|systemd-timesyn|ntpd' \"$HF_S/comm\"); "
        "printf 'PROC %s\\n' $hf_p; "
        'case "$hf_p" in *chronyd*) command -v chronyc >/dev/null 2>&1 && '
        "chronyc -n tracking 2>&1 | head -30 | sed 's/^/CHRONYC /' ;; esac; "
        'case "$hf_p" in *ntpd*) command -v ntpq >/dev/null 2>&1 && '
        "ntpq -nc 'rv 0 leap' 2>&1 | head -5 | sed 's/^/NTPQ /' ;; esac; "
        "if [ -d /run/systemd/system ] && command -v timedatectl >/dev/null 2>&1; then "
        "timedatectl show -p NTPSynchronized -p NTP 2>/dev/null | sed 's/^/TIMEDATECTL /'; fi; "
        # chrony's confdir/sourcedir folders and include globs, as chronyd reads them
        f'hf_g=$(for f in {CHRONY_MAIN}; do [ -f "$f" ] && awk \'($1=="confdir"||$1=="sourcedir"){{for(i=2;i<=NF;i++) '
        'if ($i ~ /^\\//) print $i ($1=="confdir" ? "/*.conf" : "/*.sources")} $1=="include" && $2 ~ /^\\//{print $2}\' "$f"; done | head -40); '
        "echo HF_FILES; "
        + awk_files(f"{CHRONY_MAIN} {TIMESYNCD} {NTP} $hf_g") + "; true"
    )

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        head, sep, body = raw.stdout.partition(b"HF_FILES\n")
        if not sep:
            raise FactError("time synchronisation listing is malformed")
        lines = head.decode("utf-8", "replace").splitlines()
        running = {p[5:].strip() for p in lines if p.startswith("PROC ")}
        servers: dict[str, list[str]] = {"chrony": [], "timesyncd": [], "ntpd": []}
        sources: dict[str, str] = {}
        seen = set()
        for name, content in split_lines(body):
            if name in seen:
                continue
            seen.add(name)
            daemon = "timesyncd" if "/timesyncd.conf" in name else "ntpd" if name in NTP.split() else "chrony"
            section = ""
            for number, line in enumerate(text_lines(content), start=1):
                setting = strip_comment(line)
                if not setting:
                    continue
                where = f"{name}:{number}: {line.strip()[:200]}"
                if daemon == "timesyncd":
                    if setting.startswith("["):
                        section = setting.strip("[]").strip()
                        continue
                    key, eq, value = setting.partition("=")
                    if eq and section == "Time" and key.strip() in ("NTP", "FallbackNTP"):
                        if key.strip() == "NTP" or not servers["timesyncd"]:
                            servers["timesyncd"] = value.split()  # an assignment replaces the list
                        if value.split():
                            sources["servers.timesyncd"] = where
                    continue
                words = setting.split()
                if len(words) >= 2 and words[0] in ("server", "pool", "peer"):
                    servers[daemon].append(words[1])
                    sources.setdefault(f"servers.{daemon}", where)
        configured = [d for d in ("chrony", "timesyncd", "ntpd") if servers[d]]
        active = [DAEMONS[p] for p in ("chronyd", "systemd-timesyn", "ntpd") if p in running]
        daemon = next((d for d in active if d in configured), None) or (active[0] if active else
                                                                         (configured[0] if configured else None))
        value: dict = {"daemon": daemon, "servers": servers.get(daemon, []) if daemon else [],
                       "running": daemon in active, "configured": configured, "active": active}
        sources["servers"] = sources.get(f"servers.{daemon}", f"no server or pool configured for {daemon or 'any time daemon'}")
        sources["running"] = (f"process {daemon} is running" if value["running"]
                              else f"no process of {daemon or 'chronyd, systemd-timesyncd or ntpd'} is running")
        synced, why = None, "synchronisation state not determinable (no chronyc, timedatectl or ntpq answer)"
        chronyc = [l[8:] for l in lines if l.startswith("CHRONYC ")]
        timedatectl = dict(l[12:].partition("=")[::2] for l in lines if l.startswith("TIMEDATECTL "))
        ntpq = " ".join(l[5:] for l in lines if l.startswith("NTPQ "))
        leap = next((l for l in chronyc if l.lower().startswith("leap status")), None)
        if daemon == "chrony" and leap:
            synced, why = leap.split(":", 1)[-1].strip().lower() in ("normal", "insert second", "delete second"), f"chronyc tracking: {leap.strip()}"
        elif timedatectl.get("NTPSynchronized") in ("yes", "no"):
            synced, why = timedatectl["NTPSynchronized"] == "yes", f"timedatectl: NTPSynchronized={timedatectl['NTPSynchronized']}"
        elif daemon == "ntpd" and re.search(r"leap=(\d\d)", ntpq):
            code = re.search(r"leap=(\d\d)", ntpq).group(1)
            synced, why = code != "11", f"ntpq rv: leap={code}"
        elif chronyc:
            why = f"chronyc tracking: {chronyc[0].strip()[:150]}"
        if synced is not None:
            value["synchronized"] = synced
        sources["synchronized"] = why
        sources["__note__"] = why
        return Parsed(value, sources)
