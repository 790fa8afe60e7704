"""Facts about backups: scheduled jobs (cron, systemd timers), backup agents, recent archives."""

from __future__ import annotations

import re

from hardening.errors import FactError
from hardening.facts.base import Fact, HostContext, Parsed, Raw, q
from hardening.facts.records import strip_comment, text_lines
from hardening.facts.resources import awk_files, split_lines
from hardening.facts.services import UNIT_DIRS

CRONTABS = "/etc/crontab /etc/cron.d/* /etc/anacrontab /var/spool/cron/crontabs/* /var/spool/cron/*"
CRON_SCRIPTS = "/etc/cron.hourly/* /etc/cron.daily/* /etc/cron.weekly/* /etc/cron.monthly/*"
_ENV = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\s*=")
_PROCESS = re.compile(r"^[A-Za-z0-9_.:@+-]{1,15}$")


class Jobs(Fact):
    """Scheduled commands and running backup agents.

    ``jobs``: ``[{name: "file:line", kind: cron|script|timer, command}]`` — crontab commands,
    lines of the cron.{hourly,daily,weekly,monthly} scripts, and ``ExecStart=`` of the services of
    enabled systemd timers. ``agents``: which of the given process names (``agents`` argument,
    e.g. a backup client daemon) are running.
    """

    arguments = {"agents": (list, str)}

    def shell(self, args):
        agents = args.get("agents") or []
        agents = [agents] if isinstance(agents, str) else [a for a in agents if _PROCESS.match(str(a))]
        grep = ("hf_comms; grep -xF " + " ".join(f"-e {q(a)}" for a in agents) + ' "$HF_S/comm"; '
                if agents else "")
        services = ("hf_s=; for t in /etc/systemd/system/*.wants/*.timer; do [ -e \"$t\" ] || continue; "
                    "u=${t##*/}; u=${u%.timer}.service; "
                    f"for d in {UNIT_DIRS}; do [ -f \"$d/$u\" ] && hf_s=\"$hf_s $d/$u\" && break; done; done; ")
        return f"{grep}{services}echo HF_FILES; " + awk_files(f"{CRONTABS} {CRON_SCRIPTS} $hf_s") + "; true"

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        head, sep, body = raw.stdout.partition(b"HF_FILES\n")
        if not sep:
            raise FactError("backup job listing is malformed")
        wanted = args.get("agents") or []
        wanted = {wanted} if isinstance(wanted, str) else set(map(str, wanted))
        agents = sorted({l.strip() for l in head.decode("utf-8", "replace").splitlines() if l.strip() in wanted})
        jobs: list[dict] = []
        sources: dict[str, str] = {a: f"backup agent process running: {a}" for a in agents}
        for name, content in split_lines(body):
            if name.endswith(".service"):
                kind = "timer"
            elif re.match(r"^/etc/cron\.(hourly|daily|weekly|monthly)/", name):
                kind = "script"
            else:
                kind = "cron"
            section = ""
            for number, line in enumerate(text_lines(content), start=1):
                setting = strip_comment(line)
                if not setting:
                    continue
                command = None
                if kind == "timer":
                    if setting.startswith("["):
                        section = setting.strip("[]")
                    elif section == "Service" and setting.startswith("ExecStart="):
                        command = setting.partition("=")[2]
                elif kind == "script":
                    if not setting.startswith("#!"):
                        command = setting
                elif not _ENV.match(setting):
                    fields = setting.split()
                    if name == "/etc/anacrontab":
                        command = " ".join(fields[3:]) if len(fields) > 3 else None
                    elif setting.startswith("@"):
                        skip = 2 if name.startswith(("/etc/crontab", "/etc/cron.d/")) else 1
                        command = " ".join(fields[skip:]) if len(fields) > skip else None
                    else:
                        skip = 6 if name.startswith(("/etc/crontab", "/etc/cron.d/")) else 5
                        command = " ".join(fields[skip:]) if len(fields) > skip else None
                if command:
                    job = f"{name}:{number}"
                    jobs.append({"name": job, "kind": kind, "command": command[:500]})
                    sources[job] = f"{job}: {line.strip()[:200]}"
        sources["__note__"] = f"{len(jobs)} scheduled command line(s); backup agents running: {', '.join(agents) or 'none'}"
        sources["agents"] = sources["__note__"]
        return Parsed({"jobs": jobs, "agents": agents}, sources)


class RecentArchive(Fact):
    """The newest file under the given backup folders (depth ≤ 3) and its age in days."""

    arguments = {"dirs": (list, str)}

    def shell(self, args):
        dirs = args.get("dirs") or []
        dirs = [dirs] if isinstance(dirs, str) else [d for d in dirs if str(d).startswith("/")]
        if not dirs:
            return "echo HF_NO_DIRS"
        quoted = " ".join(q(d) for d in dirs)
        return (f'echo "NOW $HF_NOW"; for d in {quoted}; do [ -d "$d" ] && echo "DIR $d"; done; '
                f"find {quoted} -maxdepth 3 -type f -printf 'FILE %T@ %p\\n' 2>/dev/null | sort -k2,2nr | head -1; true")

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        text = raw.text()
        if text.strip() == "HF_NO_DIRS":
            return Parsed({"configured": False}, {"__note__": "no backup folder is configured (parameter backup_archive_dirs)"})
        lines = text.splitlines()
        now = next((l[4:].strip() for l in lines if l.startswith("NOW ")), "")
        if not now.isdigit():
            raise FactError("the host's clock could not be read")
        dirs = [l[4:] for l in lines if l.startswith("DIR ")]
        value: dict = {"configured": True, "dirs": dirs}
        sources: dict[str, str] = {}
        newest = next((l for l in lines if l.startswith("FILE ")), None)
        if newest:
            _, stamp, path = newest.split(" ", 2)
            try:
                age = round((int(now) - float(stamp)) / 86400, 2)
            except ValueError:
                raise FactError(f"unexpected find output: {newest[:100]!r}") from None
            value.update(newest=path, newest_age_days=age)
            sources["newest_age_days"] = f"{path}: modified {age} days ago"
        else:
            sources["newest_age_days"] = f"no file in {', '.join(dirs) or 'the configured folders (none exists)'}"
        sources["__note__"] = sources["newest_age_days"]
        return Parsed(value, sources)
