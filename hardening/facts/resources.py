"""Facts about resource control: PAM limits, core dumps, processes and disk usage."""

from __future__ import annotations

import re

from hardening.errors import FactError
from hardening.facts.base import Fact, HostContext, Parsed, Raw, q
from hardening.facts.records import text_lines

LIMITS_FILES = "/etc/security/limits.conf /etc/security/limits.d/*.conf"
COREDUMP_FILES = "/etc/systemd/coredump.conf /etc/systemd/coredump.conf.d/*.conf"
PROC_FILES = "/proc/sys/fs/suid_dumpable /proc/sys/kernel/core_pattern"

_UNLIMITED = ("-1", "-", "unlimited", "infinity")


def awk_files(globs: str) -> str:
    """Shell that prints existing files line by line in ONE awk process (``hf_files`` costs a few
    processes per file): ``F<TAB>name`` starts a file, ``L<TAB>line`` is one of its lines.
    A name holding a tab or newline is skipped, so a file's lines cannot pose as another's."""
    return ('set --; for f in ' + globs + '; do [ -f "$f" ] && set -- "$@" "$f"; done; '
            '[ $# -eq 0 ] || awk \'FNR==1{ok=(FILENAME !~ /[\\t\\n]/); if (ok) print "F\\t" FILENAME} '
            'ok{print "L\\t" $0}\' "$@"')


def split_lines(data: bytes) -> list[tuple[str, bytes]]:
    """Decode ``awk_files`` output into (name, content) pairs; other lines are ignored."""
    files: list[tuple[str, list[bytes]]] = []
    for line in data.split(b"\n"):
        if line.startswith(b"F\t"):
            files.append((line[2:].decode("utf-8", "replace"), []))
        elif line.startswith(b"L\t") and files:
            files[-1][1].append(line[2:])
    return [(name, b"\n".join(lines)) for name, lines in files]
# pam_limits: user entries beat group entries beat '%' beat '*'; at equal rank the later line wins.


def _limit_value(text: str):
    if text in _UNLIMITED:
        return None
    match = re.match(r"^\d+", text)
    return int(match.group(0)) if match else "invalid"


def effective_default_limits(files: list[tuple[str, bytes]]) -> tuple[dict, dict]:
    """The limits pam_limits gives an ordinary user from ``*`` lines (limits.conf, then limits.d
    sorted by file name; at equal rank the last line wins). Values are ints, None = unlimited."""
    main = [f for f in files if f[0] == "/etc/security/limits.conf"]
    drop_ins = sorted((f for f in files if f[0] != "/etc/security/limits.conf"), key=lambda f: f[0].rsplit("/", 1)[-1])
    limits: dict[str, dict] = {}
    sources: dict[str, str] = {}
    for name, content in main + drop_ins:
        for number, line in enumerate(text_lines(content), start=1):
            body = line.split("#", 1)[0].strip()  # pam_limits cuts at any '#'
            words = body.split(None, 3)
            if len(words) != 4 or words[0] != "*":
                continue
            ltype, item, value = words[1].lower(), words[2].lower(), words[3].strip().lower()
            parsed = _limit_value(value)
            if parsed == "invalid":
                continue  # pam_limits ignores a value it cannot read
            where = f"{name}:{number}: {line.strip()}"
            entry = limits.setdefault(item, {})
            if item in ("maxlogins", "maxsyslogins"):
                entry["value"] = parsed
                sources[f"{item}.value"] = where
                continue
            if ltype not in ("soft", "hard", "-"):
                continue
            for kind in (("soft", "hard") if ltype == "-" else (ltype,)):
                entry[kind] = parsed
                sources[f"{item}.{kind}"] = where
    return limits, sources


def coredump_settings(files: list[tuple[str, bytes]]) -> tuple[dict, dict]:
    """``[Coredump]`` settings of systemd-coredump: the main file, then drop-ins by name, last wins."""
    main = [f for f in files if f[0] == "/etc/systemd/coredump.conf"]
    drop_ins = sorted((f for f in files if f[0].startswith("/etc/systemd/coredump.conf.d/")),
                      key=lambda f: f[0].rsplit("/", 1)[-1])
    settings: dict[str, str] = {}
    sources: dict[str, str] = {}
    for name, content in main + drop_ins:
        section = ""
        for number, line in enumerate(text_lines(content), start=1):
            stripped = line.strip()
            if not stripped or stripped[0] in "#;":
                continue
            if stripped.startswith("["):
                section = stripped.strip("[]").strip()
                continue
            key, sep, value = stripped.partition("=")
            if sep and section == "Coredump":
                settings[key.strip()] = value.strip()
                sources[key.strip()] = f"{name}:{number}: {stripped}"
    return settings, sources


class Limits(Fact):
    """PAM limits for ordinary users (``*`` lines) and whether core dumps are restricted.

    ``limits``: item → ``{soft, hard}`` (``{value}`` for maxlogins), ints, None = unlimited.
    ``core.restricted``: either ``* hard core 0`` with ``fs.suid_dumpable = 0``, or core dumps
    piped to systemd-coredump with ``Storage=none`` or ``ProcessSizeMax=0``; ``core.how`` says which.
    """

    command = awk_files(f"{LIMITS_FILES} {COREDUMP_FILES} {PROC_FILES}")

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        files = split_lines(raw.stdout)
        if not any(name.startswith("/proc/") for name, _ in files):
            raise FactError("/proc/sys could not be read (no suid_dumpable, no core_pattern)")
        limit_files = [f for f in files if f[0].startswith("/etc/security/")]
        limits, sources = effective_default_limits(limit_files)
        prefixed = {f"limits.{k}": v for k, v in sources.items()}
        coredump, core_sources = coredump_settings([f for f in files if f[0].startswith("/etc/systemd/")])
        proc = {name: content.decode("utf-8", "replace").strip() for name, content in files if name.startswith("/proc/")}
        suid = proc.get("/proc/sys/fs/suid_dumpable")
        pattern = proc.get("/proc/sys/kernel/core_pattern", "")
        hard = limits.get("core", {}).get("hard", "unset")
        core = {"hard_limit_zero": hard == 0, "suid_dumpable": suid, "core_pattern": pattern,
                "systemd_storage": coredump.get("Storage"), "systemd_process_size_max": coredump.get("ProcessSizeMax")}
        piped = pattern.startswith("|") and "systemd-coredump" in pattern
        how = None
        if hard == 0 and suid == "0":
            how = "* hard core 0 and fs.suid_dumpable = 0"
        elif piped and (str(coredump.get("Storage", "")).lower() == "none" or
                        re.match(r"^0+[BKMGTPE]?$", str(coredump.get("ProcessSizeMax", "")), re.I)):
            how = "core dumps piped to systemd-coredump, which stores none"
        core["restricted"] = how is not None
        core["how"] = how
        evidence = [sources.get("core.hard") or "no '* hard core' line in " + LIMITS_FILES,
                    f"/proc/sys/fs/suid_dumpable: {suid}", f"/proc/sys/kernel/core_pattern: {pattern[:120]}"]
        evidence += [core_sources[k] for k in ("Storage", "ProcessSizeMax") if k in core_sources]
        prefixed["core.restricted"] = "; ".join(evidence)
        prefixed["core"] = prefixed["core.restricted"]
        read = ", ".join(n for n, _ in limit_files) or "no limits file"
        prefixed["__note__"] = f"read {read}"
        return Parsed({"limits": limits, "core": core}, prefixed)


class Processes(Fact):
    """Process states from ``/proc/<pid>/stat``; ``zombies`` lists defunct processes."""

    command = "cat /proc/[0-9]*/stat 2>/dev/null"
    ok_codes = (0, 1)
    alone = True  # a process of the collector's other lane, not yet reaped, would look like a zombie

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        total, zombies = 0, []
        sources: dict[str, str] = {}
        for line in raw.text().splitlines():
            start, end = line.find(" ("), line.rfind(") ")
            if start < 0 or end < start or not line[:start].isdigit():
                continue
            rest = line[end + 2:].split()
            if len(rest) < 2:
                continue
            total += 1
            if rest[0] == "Z":
                comm = line[start + 2:end][:32]
                name = f"pid {line[:start]} ({comm}) parent {rest[1]}"
                zombies.append({"name": name, "pid": int(line[:start]), "ppid": int(rest[1]) if rest[1].isdigit() else None,
                                "comm": comm})
                sources[name] = f"/proc/{line[:start]}/stat: state Z, command {comm!r}, parent pid {rest[1]}"
        if total == 0:
            raise FactError("no process could be read from /proc")
        sources["__note__"] = f"{total} processes, {len(zombies)} zombie(s)"
        sources["zombies"] = sources["__note__"]
        return Parsed({"total": total, "zombies": zombies, "zombie_count": len(zombies)}, sources)


class DiskUsage(Fact):
    """Block and inode usage of the file systems holding the given paths (``df -P``, ``df -Pi``)."""

    arguments = {"paths": (list, str)}

    def shell(self, args):
        paths = [args["paths"]] if isinstance(args["paths"], str) else list(args["paths"])
        quoted = " ".join(q(p) for p in paths if str(p).startswith("/"))
        # one df for all paths (a line each, in order); one per path if any of them fails
        return (f'set -- {quoted}\n'
                'if df -P -- "$@" > "$HF_T/b" 2>/dev/null && df -Pi -- "$@" > "$HF_T/i" 2>/dev/null; then\n'
                '  { read -r hf_l; read -r hf_l <&3; for p in "$@"; do read -r hf_b; read -r hf_i <&3; '
                'printf \'PATH %s\\n%s\\nINODES\\n%s\\n\' "$p" "$hf_b" "$hf_i"; done; } < "$HF_T/b" 3< "$HF_T/i"\n'
                'else for p in "$@"; do echo "PATH $p"; df -P -- "$p" 2>&1; echo INODES; '
                'df -Pi -- "$p" 2>/dev/null; done; fi; true')

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        paths = [args["paths"]] if isinstance(args["paths"], str) else [p for p in args["paths"] if str(p).startswith("/")]
        items = [{"name": p, "mount": None, "use_percent": None, "inode_use_percent": None} for p in paths]
        sources: dict[str, str] = {}
        by_name = {i["name"]: i for i in items}
        item, section = None, None
        for line in raw.text().splitlines():
            if line.startswith("PATH "):
                item, section = by_name.get(line[5:]), "BLOCKS"
                continue
            if line == "INODES":
                section = "INODES"
                continue
            if item is None or line.startswith("Filesystem"):
                continue
            match = re.search(r"\s(\d{1,3})%\s+(/.*)$", line)
            if section == "INODES":
                if match:
                    item["inode_use_percent"] = int(match.group(1))
                continue
            sources[item["name"]] = f"df -P {item['name']}: {line.strip()[:200]}"
            if match:
                item["use_percent"], item["mount"] = int(match.group(1)), match.group(2)
        if not items:
            raise FactError("no path to check")
        for item in items:
            if item["use_percent"] is None:
                raise FactError(f"df could not report {item['name']}: {sources.get(item['name'], 'no output')}")
        sources["__note__"] = "; ".join(f"{i['name']} on {i['mount']}: {i['use_percent']}% used" for i in items)
        return Parsed({"paths": items}, sources)
