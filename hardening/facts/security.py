"""Facts about protection mechanisms: mandatory access control, anti-malware, integrity tools."""

from __future__ import annotations

import re

from hardening.errors import FactError
from hardening.facts.base import Fact, HostContext, Parsed, Raw
from hardening.facts.records import strip_comment


def _lines(text: str, prefix: str) -> list[str]:
    return [line[len(prefix):] for line in text.splitlines() if line.startswith(prefix)]


class Mac(Fact):
    """SELinux and AppArmor state: the kernel's view first, the boot configuration second.

    ``selinux.enforcing``: the running mode is enforcing (``/sys/fs/selinux/enforce`` or
    ``getenforce``) AND ``/etc/selinux/config`` keeps it enforcing after a reboot.
    ``apparmor.enforcing``: the module is enabled and at least one profile is loaded in enforce
    mode (``/sys/kernel/security/apparmor/profiles``); None when the module is on but its
    profile list cannot be read (securityfs not mounted).
    """

    command = (
        'echo "SEFS $(cat /sys/fs/selinux/enforce 2>/dev/null || echo none)"; '
        'command -v getenforce >/dev/null 2>&1 && echo "GETENFORCE $(getenforce 2>/dev/null)"; '
        "[ -f /etc/selinux/config ] && sed 's/^/SECONF /' /etc/selinux/config; "
        'echo "AAENABLED $(cat /sys/module/apparmor/parameters/enabled 2>/dev/null || echo none)"; '
        "if [ -r /sys/kernel/security/apparmor/profiles ]; then echo AAREADABLE; "
        "sed 's/^/AAP /' /sys/kernel/security/apparmor/profiles | head -5000; fi; true"
    )

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        text = raw.text()
        if "SEFS " not in text or "AAENABLED " not in text:
            raise FactError("the MAC probe returned no state")
        sources: dict[str, str] = {}
        sefs = (_lines(text, "SEFS ") or ["none"])[0].strip()
        getenforce = (_lines(text, "GETENFORCE ") or [""])[0].strip().lower()
        if sefs in ("0", "1"):
            mode = "enforcing" if sefs == "1" else "permissive"
            sources["selinux.mode"] = f"/sys/fs/selinux/enforce: {sefs}"
        elif getenforce in ("enforcing", "permissive", "disabled"):
            mode = getenforce
            sources["selinux.mode"] = f"getenforce: {getenforce}"
        else:
            mode = "disabled"
            sources["selinux.mode"] = "SELinux is not active in the kernel (no /sys/fs/selinux)"
        config = None
        for number, line in enumerate(_lines(text, "SECONF "), start=1):
            match = re.match(r"^SELINUX\s*=\s*[\"']?(\w+)", strip_comment(line))
            if match:
                config = match.group(1).lower()
                sources["selinux.config"] = f"/etc/selinux/config:{number}: {line.strip()}"
        selinux = {"present": sefs in ("0", "1") or config is not None, "mode": mode, "config": config,
                   "enforcing": mode == "enforcing" and config == "enforcing"}
        sources["selinux.enforcing"] = "; ".join(filter(None, [sources.get("selinux.mode"), sources.get("selinux.config")]))
        aa_flag = (_lines(text, "AAENABLED ") or ["none"])[0].strip()
        profiles = _lines(text, "AAP ")
        enforce = [p for p in profiles if p.rstrip().endswith("(enforce)")]
        apparmor: dict = {"enabled": aa_flag == "Y", "profiles": len(profiles), "enforce": len(enforce)}
        if aa_flag != "Y":
            apparmor["enforcing"] = False
            sources["apparmor.enforcing"] = ("/sys/module/apparmor/parameters/enabled: " + aa_flag
                                             if aa_flag != "none" else "AppArmor is not in the kernel")
        elif "AAREADABLE" in text:
            apparmor["enforcing"] = bool(enforce)
            sources["apparmor.enforcing"] = (f"/sys/kernel/security/apparmor/profiles: {len(profiles)} profiles, "
                                             f"{len(enforce)} in enforce mode")
        else:
            apparmor["enforcing"] = None
            sources["apparmor.enforcing"] = "AppArmor is enabled but its profile list is unreadable (securityfs not mounted)"
        active = "selinux" if selinux["enforcing"] else "apparmor" if apparmor["enforcing"] else None
        sources["__note__"] = f"SELinux {mode} (config {config}); AppArmor {'enabled' if apparmor['enabled'] else 'off'}"
        return Parsed({"selinux": selinux, "apparmor": apparmor, "active": active}, sources)


CLAMAV_DATABASES = "/var/lib/clamav/daily.cld /var/lib/clamav/daily.cvd /var/lib/clamav/main.cld /var/lib/clamav/main.cvd"


class AntiMalware(Fact):
    """Running processes (for the anti-malware/EDR names a rule lists) and ClamAV signature age.

    ``processes``: ``[{name}]`` of distinct process names; ``clamav_signature_age_days``: days
    since the newest ClamAV database file was written (absent when ClamAV has no database).
    """

    command = (f"for f in {CLAMAV_DATABASES}; do [ -f \"$f\" ] && echo \"SIG $(stat -c %Y \"$f\") $f\"; done; "
               'echo "NOW $HF_NOW"; echo PROCS; hf_comms; cat "$HF_S/comm"')

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        text = raw.text()
        now = _lines(text, "NOW ")
        if not now or not now[0].strip().isdigit():
            raise FactError("the host's clock could not be read")
        head, _, procs = text.partition("\nPROCS\n")
        names = sorted({p.strip() for p in procs.splitlines() if p.strip() and len(p.strip()) <= 64})
        text = head
        if not names:
            raise FactError("no process could be listed (/proc unreadable)")
        sources = {n: f"process running: {n}" for n in names}
        value: dict = {"processes": [{"name": n} for n in names]}
        newest = None
        for line in _lines(text, "SIG "):
            stamp, _, path = line.partition(" ")
            if stamp.isdigit() and (newest is None or int(stamp) > newest[0]):
                newest = (int(stamp), path.strip())
        if newest:
            age = round((int(now[0]) - newest[0]) / 86400, 1)
            value["clamav_signature_age_days"] = age
            value["clamav_database"] = newest[1]
            sources["clamav_signature_age_days"] = f"{newest[1]}: written {age} days ago"
        sources["__note__"] = f"{len(names)} distinct processes" + (
            "" if newest else "; no ClamAV database in /var/lib/clamav")
        return Parsed(value, sources)


INTEGRITY_CRON = ("/etc/crontab /etc/cron.d/* /etc/cron.daily/* /etc/cron.weekly/* /etc/cron.monthly/* "
                  "/var/spool/cron/* /var/spool/cron/crontabs/*")
WATCH_POLICY = "/etc/hardening/watch.yml"
WATCH_BASELINE = "/var/lib/hardening/watch/baseline.jsonl"  # hardening.watch.DEFAULT_STATE_DIR
WATCH_PID = "/var/lib/hardening/watch/watch.pid"


class Integrity(Fact):
    """File-integrity tooling: AIDE (binary, initialised database, periodic check) or this
    project's watcher (a signed baseline in ``/var/lib/hardening/watch`` and the watcher enabled as
    ``hardening-watch.service`` or running). ``tool`` says which is ready.
    """

    command = (
        'echo "AIDEBIN $(command -v aide 2>/dev/null || echo none)"; '
        "for f in /var/lib/aide/aide.db /var/lib/aide/aide.db.gz; do [ -f \"$f\" ] && echo \"AIDEDB $f\"; done; "
        f"grep -lsE '(^|[^a-z.-])aide([^a-z.-]|$)|aideinit|aidecheck' {INTEGRITY_CRON} 2>/dev/null | sed 's/^/AIDECRON /'; "
        "for f in /etc/systemd/system/*.wants/*aide*.timer; do [ -e \"$f\" ] && echo \"AIDETIMER $f\"; done; "
        f"[ -f {WATCH_POLICY} ] && echo \"WATCHPOLICY {WATCH_POLICY}\"; "
        f"[ -s {WATCH_BASELINE} ] && echo \"WATCHBASE {WATCH_BASELINE}\"; "
        "for f in /etc/systemd/system/*.wants/hardening-watch.service; do [ -e \"$f\" ] && echo \"WATCHUNIT $f\"; done; "
        f"[ -f {WATCH_PID} ] && read -r hf_w < {WATCH_PID} && [ -n \"$hf_w\" ] && kill -0 \"$hf_w\" 2>/dev/null "
        "&& echo \"WATCHPID $hf_w\"; true"
    )

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        text = raw.text()
        binary = (_lines(text, "AIDEBIN ") or [""])[0].strip()
        if not binary:
            raise FactError("the integrity probe returned nothing")
        installed = binary != "none"
        databases = [p.strip() for p in _lines(text, "AIDEDB ")]
        schedules = [p.strip() for p in _lines(text, "AIDECRON ")] + [p.strip() for p in _lines(text, "AIDETIMER ")]
        aide = {"installed": installed, "database": databases[0] if databases else None,
                "scheduled": schedules[0] if schedules else None}
        aide["ready"] = bool(installed and databases and schedules)
        base = (_lines(text, "WATCHBASE ") or [None])[0]
        runs = (_lines(text, "WATCHUNIT ") or [None])[0] or (
            f"watcher running (pid {_lines(text, 'WATCHPID ')[0].strip()})" if _lines(text, "WATCHPID ") else None)
        policy = (_lines(text, "WATCHPOLICY ") or [None])[0]
        watcher = {"baseline": base, "active": runs, "policy": policy, "configured": bool(base and runs)}
        sources = {
            "aide.ready": (f"aide {binary}; database {aide['database'] or 'not initialised'}; "
                           f"periodic check {aide['scheduled'] or 'not scheduled'}") if installed else "AIDE is not installed",
            "watcher.configured": (f"watcher baseline {base or 'not initialised (hardening watch init)'}; "
                                   f"{runs or 'hardening-watch.service not enabled and not running'}"
                                   + (f"; policy {policy}" if policy else "")),
        }
        tool = "aide" if aide["ready"] else "hardening-watch" if watcher["configured"] else None
        sources["__note__"] = f"integrity tool: {tool or 'none ready'}"
        sources["tool"] = sources["__note__"]
        return Parsed({"aide": aide, "watcher": watcher, "tool": tool}, sources)
