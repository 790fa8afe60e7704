"""Facts about system logging: rsyslog's forwarding and logrotate's retention of the system logs."""

from __future__ import annotations

import fnmatch
import re

from hardening.errors import FactError
from hardening.facts.base import Fact, HostContext, Parsed, Raw
from hardening.facts.records import split_files, text_lines

HF_BLOB = 'hf_blob() { printf \'%s\\0%s\\0\' "$(($(wc -c < "$2")))" "$1"; cat "$2"; }\n'

# rsyslog reads rsyslog.conf and whatever it includes ($IncludeConfig, include(file=...)),
# nested includes too; the host follows them (up to 4 levels) and sends exactly those files.
RSYSLOG_COMMAND = r'''todo=/etc/rsyslog.conf; seen=' '; depth=0
while [ -n "$todo" ] && [ "$depth" -lt 4 ]; do
  next=
  for f in $todo; do
    case "$seen" in *" $f "*) continue ;; esac
    seen="$seen$f "
    [ -f "$f" ] || continue
    hf_files "$f" || exit 1
    for p in $(sed -n -e '/^[[:space:]]*#/d' -e 's/^[[:space:]]*\$IncludeConfig[[:space:]]\{1,\}\([^[:space:]]*\).*/\1/p' -e 's/.*include([^)]*file="\([^"]*\)".*/\1/p' "$f"); do
      if [ -d "$p" ]; then for g in "$p"/*; do [ -f "$g" ] && next="$next $g"; done
      else for g in $p; do [ -f "$g" ] && next="$next $g"; done; fi
    done
  done
  todo=$next; depth=$((depth+1))
done
true'''

_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_ACTION = re.compile(r"\baction\s*\(([^)]*)\)", re.S | re.I)
_PARAM = re.compile(r"([A-Za-z][\w.]*)\s*=\s*\"([^\"]*)\"")
_LEGACY = re.compile(r"(?:^|\s)(@@?|:omrelp:)(\([^)]*\))?(\[[^\]]+\]|[A-Za-z0-9_.-]+)(?::(\d+))?")
LOOPBACK = re.compile(r"^(localhost|127\.\d+\.\d+\.\d+|\[?::1\]?|ip6-localhost)$", re.I)


def _strip_hash_comment(line: str) -> str:
    """Drop a ``#`` comment outside double quotes."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == "#" and not quoted:
            return line[:i]
    return line


class Rsyslog(Fact):
    """rsyslog's configuration files (following includes) and the remote forwarding actions in them.

    Value: ``installed`` (rsyslog.conf exists), ``files`` read, ``forwards``: a list of
    ``{name: "file:line", target, port, protocol, remote}`` for legacy ``@host`` (UDP),
    ``@@host`` (TCP), ``:omrelp:host:port`` and RainerScript ``action(type="omfwd"|"omrelp"
    target=...)``; ``remote`` is false for loopback targets. Comments (``#`` and ``/* */``)
    are ignored.
    """

    command = RSYSLOG_COMMAND

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        files = split_files(raw.stdout)
        forwards: list[dict] = []
        sources: dict[str, str] = {}
        for name, content in files:
            text = content.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
            # blank out block comments but keep line numbers
            text = _BLOCK_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
            lines = [_strip_hash_comment(line) for line in text.split("\n")]
            joined = "\n".join(lines)
            for match in _ACTION.finditer(joined):
                params = {k.lower(): v for k, v in _PARAM.findall(match.group(1))}
                kind = params.get("type", "").lower()
                if kind not in ("omfwd", "omrelp") or not params.get("target", "").strip():
                    continue
                number = joined.count("\n", 0, match.start()) + 1
                protocol = "relp" if kind == "omrelp" else params.get("protocol", "udp").lower()
                target = params["target"].strip()
                self._add(forwards, sources, name, number, target, params.get("port", ""), protocol,
                          " ".join(match.group(0).split()))
            for number, line in enumerate(lines, start=1):
                stripped = line.strip()
                if not stripped or stripped.startswith("$") or "action(" in stripped.replace(" ", "").lower():
                    continue
                unquoted = re.sub(r'"[^"]*"', '""', stripped)
                parts = unquoted.split(None, 1)
                if len(parts) < 2:
                    continue
                match = _LEGACY.search(" " + parts[1])
                if not match:
                    continue
                marker = match.group(1)
                protocol = {"@": "udp", "@@": "tcp", ":omrelp:": "relp"}[marker]
                self._add(forwards, sources, name, number, match.group(3).strip("[]"), match.group(4) or "",
                          protocol, stripped)
        value = {"installed": any(n == "/etc/rsyslog.conf" for n, _ in files),
                 "files": [n for n, _ in files], "forwards": forwards}
        sources["forwards"] = "; ".join(sources[f["name"]] for f in forwards) or (
            "no forwarding action in " + (", ".join(value["files"]) or "any rsyslog file"))
        sources["__note__"] = "read " + (", ".join(value["files"]) or "no rsyslog configuration")
        return Parsed(value, sources)

    @staticmethod
    def _add(forwards, sources, name, number, target, port, protocol, text):
        key = f"{name}:{number}"
        if key in sources:
            key = f"{key}#{len(forwards)}"
        forwards.append({"name": key, "target": target, "port": port, "protocol": protocol,
                         "remote": not LOOPBACK.match(target)})
        sources[key] = f"{name}:{number}: {text[:200]}"


# ----------------------------------------------------------------------------------- logrotate

SYSTEM_LOGS = ("/var/log/messages", "/var/log/secure", "/var/log/syslog", "/var/log/auth.log")
PERIOD_DAYS = {"hourly": 1 / 24, "daily": 1, "weekly": 7, "monthly": 30, "yearly": 365}
# logrotate skips these in an included directory (its default tabooext list, plus hidden files)
TABOO = (".rpmsave", ".rpmorig", "~", ",v", ".disabled", ".dpkg-old", ".dpkg-dist", ".dpkg-new",
         ".cfsaved", ".ucf-old", ".ucf-dist", ".ucf-new", ".rpmnew", ".swp", ".cfsavedm", ".dpkg-bak",
         ".dpkg-del", ".new")
UNLIMITED_DAYS = 36500  # "rotate -1" without maxage, or a log no logrotate block covers

LOGROTATE_COMMAND = HF_BLOB + r'''if [ -f /etc/logrotate.conf ]; then
  hf_files /etc/logrotate.conf || exit 1
  for p in $(sed -n 's/^[[:space:]]*include[[:space:]]\{1,\}\([^[:space:]#]*\).*/\1/p' /etc/logrotate.conf); do
    if [ -d "$p" ]; then hf_files "$p"/* || exit 1; else hf_files "$p" || exit 1; fi
  done
fi
for f in /var/log/messages /var/log/secure /var/log/syslog /var/log/auth.log; do [ -e "$f" ] && echo "$f"; done >"$HF_T/lx"
hf_blob @existing-logs "$HF_T/lx"'''


def _unquote(token: str) -> str:
    return token[1:-1] if len(token) >= 2 and token[0] == token[-1] and token[0] in "\"'" else token


class Logrotate(Fact):
    """How long logrotate keeps the system logs (messages, secure, syslog, auth.log).

    Read as logrotate does: ``/etc/logrotate.conf`` top to bottom, an ``include`` of a
    directory reads its files in order at that point, global directives apply to the blocks
    after them, a block's own directives override them, and the first block naming a log
    wins (logrotate rejects later duplicates). Per log: period × ``rotate`` days, capped by
    ``maxage``; ``rotate -1`` keeps every file (and a log no block covers is never removed):
    both count as UNLIMITED_DAYS. ``min_days`` is the shortest retention, or a text saying
    why it cannot be decided (``size``/``maxsize`` rotate by size, not by time).
    """

    command = LOGROTATE_COMMAND

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        blobs = split_files(raw.stdout)
        by_name = dict(blobs)
        if "@existing-logs" not in by_name:
            raise FactError("logrotate output is incomplete")
        existing = [line.strip() for line in text_lines(by_name["@existing-logs"]) if line.strip()]
        if any(path not in SYSTEM_LOGS for path in existing):
            raise FactError("unexpected log file list")
        installed = "/etc/logrotate.conf" in by_name
        assigned: dict[str, dict] = {}
        sources: dict[str, str] = {}
        if installed:
            self._read(by_name, "/etc/logrotate.conf", {}, assigned, sources, depth=0)
        logs = []
        for path in SYSTEM_LOGS:
            if path in assigned:
                logs.append(assigned[path])
            elif path in existing:
                logs.append({"name": path, "period": None, "rotate": None, "maxage": None,
                             "days": UNLIMITED_DAYS, "unlimited": True})
                sources[path] = (f"{path}: no logrotate block covers it, so it is never rotated away"
                                 if installed else f"{path}: logrotate is not installed (no /etc/logrotate.conf)")
        value = {"installed": installed, "logs": logs}
        if logs:
            undecided = [log for log in logs if log["days"] is None]
            if undecided:
                value["min_days"] = "undecidable: " + "; ".join(f"{l['name']} rotates by size" for l in undecided)
            else:
                shortest = min(logs, key=lambda l: l["days"])
                value["min_days"] = shortest["days"]
                sources["min_days"] = sources.get(shortest["name"], shortest["name"])
        sources["logs"] = "; ".join(sources.get(l["name"], l["name"]) for l in logs)
        sources["__note__"] = ("read " + ", ".join(n for n, _ in blobs if not n.startswith("@"))
                               if installed else "logrotate is not installed")
        return Parsed(value, sources)

    def _read(self, files, name, settings, assigned, sources, depth):
        content = files.get(name)
        if content is None or depth > 3:
            return
        lines = text_lines(content)
        block_paths: list[str] | None = None
        block: dict = {}
        block_line = 0
        pending: list[str] = []
        in_script = False
        for number, line in enumerate(lines, start=1):
            stripped = line.strip()
            if in_script:
                if stripped == "endscript":
                    in_script = False
                continue
            if not stripped or stripped.startswith("#"):
                continue
            if block_paths is None and "{" in stripped:
                head, _, rest = stripped.partition("{")
                block_paths = [_unquote(t) for t in pending + head.split()]
                pending = []
                block = {}
                block_line = number
                stripped = rest.strip()
                if not stripped:
                    continue
            if block_paths is not None and stripped.startswith("}"):
                self._assign(block_paths, {**settings, **block}, name, block_line, lines, assigned, sources)
                block_paths = None
                continue
            words = stripped.split()
            keyword = words[0].lower()
            if keyword in ("postrotate", "prerotate", "firstaction", "lastaction", "preremove"):
                in_script = True
                continue
            target = block if block_paths is not None else settings
            if keyword == "include" and block_paths is None and len(words) > 1:
                inc = _unquote(words[1]).rstrip("/")
                members = sorted(n for n in files if n.startswith(inc + "/") and "/" not in n[len(inc) + 1:]
                                 and not n[len(inc) + 1:].startswith(".") and not n.endswith(TABOO))
                for member in members or ([inc] if inc in files else []):
                    self._read(files, member, settings, assigned, sources, depth + 1)
                continue
            if keyword in PERIOD_DAYS or keyword == "size":
                target["period"] = keyword
                target["period_line"] = f"{name}:{number}: {stripped}"
            elif keyword == "maxsize":
                target["maxsize"] = f"{name}:{number}: {stripped}"
            elif keyword in ("rotate", "maxage") and len(words) > 1:
                if not re.match(r"^-?\d+$", words[1]):
                    raise FactError(f"{name}:{number}: {keyword} needs a number")
                target[keyword] = int(words[1])
                target[keyword + "_line"] = f"{name}:{number}: {stripped}"
            elif block_paths is None and not keyword.isalpha() and ("/" in stripped or "*" in stripped):
                pending += stripped.split()  # log paths listed before a "{" on a later line
        if block_paths is not None:
            raise FactError(f"{name}: block opened at line {block_line} is never closed")

    @staticmethod
    def _assign(paths, conf, name, block_line, lines, assigned, sources):
        for log in SYSTEM_LOGS:
            if log in assigned or not any(fnmatch.fnmatchcase(log, p) for p in paths):
                continue
            period = conf.get("period")
            rotate = conf.get("rotate", 0)
            maxage = conf.get("maxage")
            entry = {"name": log, "period": period or "each run (daily)", "rotate": rotate, "maxage": maxage,
                     "unlimited": False}
            if period == "size" or conf.get("maxsize"):
                days = None
            elif rotate < 0:
                days = maxage if maxage is not None and maxage > 0 else UNLIMITED_DAYS
                entry["unlimited"] = days == UNLIMITED_DAYS
            else:
                days = rotate * PERIOD_DAYS.get(period or "daily", 1)
                if maxage is not None and maxage > 0:
                    days = min(days, maxage)
                days = int(days) if float(days).is_integer() else round(days, 2)
            entry["days"] = days
            assigned[log] = entry
            detail = [conf.get("period_line") or "no period (logrotate's run, daily)",
                      conf.get("rotate_line") or "no rotate (0: old logs removed)"]
            if maxage is not None:
                detail.append(conf["maxage_line"])
            if conf.get("maxsize"):
                detail.append(conf["maxsize"])
            sources[log] = (f"{log}: block {name}:{block_line} → {days if days is not None else 'size-based'} days "
                            f"({'; '.join(detail)})")


# ------------------------------------------------------------------------------------ journald

# (systemd-analyze cat-config would only concatenate the same files, for 10 ms more)
JOURNALD_COMMAND = HF_BLOB + r'''hf_files /etc/systemd/journald.conf /usr/lib/systemd/journald.conf.d/*.conf /run/systemd/journald.conf.d/*.conf /etc/systemd/journald.conf.d/*.conf || exit 1
if [ -d /var/log/journal ]; then echo yes; fi >"$HF_T/jd"
hf_blob @var-log-journal "$HF_T/jd"'''

# journald matches section and key names exactly and ignores an invalid Storage= value
JOURNALD_KEYS = {"Storage": "auto", "ForwardToSyslog": None, "MaxRetentionSec": None, "SystemMaxUse": None}
STORAGE_VALUES = ("volatile", "persistent", "auto", "none")
_DROPIN_DIRS = ("/usr/lib/systemd/journald.conf.d/", "/run/systemd/journald.conf.d/", "/etc/systemd/journald.conf.d/")


class Journald(Fact):
    """systemd-journald's settings and whether its journal survives a reboot.

    The files are read in the order journald applies them: journald.conf, then the drop-ins
    sorted by file name across /usr/lib, /run and /etc (a same-named file in /etc hides the
    others); the last assignment in ``[Journal]`` wins.
    ``persistent`` is true for ``Storage=persistent``, or ``auto`` (the default) when
    /var/log/journal exists.
    """

    command = JOURNALD_COMMAND

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        blobs = split_files(raw.stdout)
        by_name = dict(blobs)
        if "@var-log-journal" not in by_name:
            raise FactError("journald output is incomplete")
        var_log_journal = by_name["@var-log-journal"].strip() == b"yes"
        dropins: dict[str, tuple[str, bytes]] = {}
        for name, content in blobs:
            for folder in _DROPIN_DIRS:
                if name.startswith(folder):
                    dropins[name[len(folder):]] = (name, content)  # read after /usr/lib and /run: /etc hides them
        sections = [(n, c) for n, c in blobs if n == "/etc/systemd/journald.conf"]
        sections += [dropins[base] for base in sorted(dropins)]
        settings = dict(JOURNALD_KEYS)
        sources: dict[str, str] = {}
        for name, content in sections:
            section = ""
            for number, line in enumerate(text_lines(content), start=1):
                stripped = line.strip()
                if not stripped or stripped[0] in "#;":
                    continue
                if stripped.startswith("[") and stripped.endswith("]"):
                    section = stripped[1:-1].strip()
                    continue
                key, sep, value = stripped.partition("=")
                key, value = key.strip(), value.strip()
                if section != "Journal" or not sep or key not in JOURNALD_KEYS:
                    continue
                if key == "Storage" and value not in STORAGE_VALUES:
                    continue
                settings[key] = value
                sources[key] = f"{name}:{number}: {stripped}"
        storage = settings["Storage"]
        persistent = storage == "persistent" or (storage == "auto" and var_log_journal)
        value = {"storage": storage, "persistent": persistent, "var_log_journal": var_log_journal,
                 "forward_to_syslog": settings["ForwardToSyslog"], "max_retention_sec": settings["MaxRetentionSec"],
                 "system_max_use": settings["SystemMaxUse"]}
        how = sources.pop("Storage", "Storage not set: journald's default is auto")
        sources["storage"] = how
        sources["persistent"] = (f"{how}; /var/log/journal {'exists' if var_log_journal else 'does not exist'}"
                                 + (" (auto keeps the journal there only if it exists)" if storage == "auto" else ""))
        for new, old in (("forward_to_syslog", "ForwardToSyslog"), ("max_retention_sec", "MaxRetentionSec"),
                         ("system_max_use", "SystemMaxUse")):
            if old in sources:
                sources[new] = sources.pop(old)
        sources["__note__"] = "journald settings from " + (", ".join(n for n, _ in sections) or "no file (defaults)")
        return Parsed(value, sources)
