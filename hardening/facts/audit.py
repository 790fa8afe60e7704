"""Facts about the Linux audit subsystem: the loaded audit rules and auditd's configuration.

``Rules`` prefers the kernel's own list (``auditctl -l``, effective but root-only and needing
the kernel audit socket). When that is not available it falls back to the rule files the
service loads at start (``augenrules``: ``/etc/audit/rules.d/*.rules``, otherwise
``/etc/audit/audit.rules``); ``source`` says which view was used, so a report never passes
a host on files while claiming the kernel view.
"""

from __future__ import annotations

import re
import shlex

from hardening.errors import FactError
from hardening.facts.base import Fact, HostContext, Parsed, Raw
from hardening.facts.records import split_files, text_lines

# a shell helper emitting one command's output as an hf_files-style record named NAME
HF_BLOB = ('hf_blob() { printf \'%s\\0%s\\0\' "$(($(wc -c < "$2")))" "$1"; cat "$2"; }\n')

PERM_ORDER = "rwxa"
# watched paths whose writes/attribute changes record failed logins (any one is enough)
FAILURE_RECORDS = ("/run/faillock", "/var/log/faillog", "/var/log/tallylog")
_NUMBER = re.compile(r"^-?\d+$")


def normalize_path(path: str) -> str:
    """One spelling per file: no trailing slash, /var/run → /run, merged /bin,/sbin → /usr."""
    path = path.strip()
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    if path == "/var/run" or path.startswith("/var/run/"):
        path = path[4:]
    for short in ("/bin/", "/sbin/"):
        if path.startswith(short):
            path = "/usr" + path
    return path


def merge_perms(old: str, new: str) -> str:
    return "".join(p for p in PERM_ORDER if p in old or p in new)


class _RuleSet:
    """Accumulates audit rules the way the kernel ends up with them."""

    def __init__(self):
        self.watches: dict[str, str] = {}
        self.syscalls: dict[str, set[str]] = {}
        self.sources: dict[str, str] = {}
        self.count = 0
        self.enabled_flag: str | None = None
        self.locked_at: str | None = None

    def clear(self):
        self.watches.clear()
        self.syscalls.clear()
        self.sources = {k: v for k, v in self.sources.items() if not k.startswith(("watches.", "syscalls."))}
        self.count = 0

    def add_watch(self, path: str, perms: str, evidence: str):
        key = normalize_path(path)
        if not key.startswith("/"):
            return
        perms = "".join(p for p in PERM_ORDER if p in perms.lower()) or PERM_ORDER
        self.watches[key] = merge_perms(self.watches.get(key, ""), perms)
        self.sources.setdefault(f"watches.{key}", evidence)

    def add_syscalls(self, names: list[str], arch: str, evidence: str):
        for name in names:
            if not name:
                continue
            self.syscalls.setdefault(name, set()).add(arch)
            self.sources.setdefault(f"syscalls.{name}", evidence)

    def rule(self, tokens: list[str], evidence: str) -> str | None:
        """Apply one auditctl command line; returns an error text for a malformed line."""
        if not tokens:
            return None
        option = tokens[0]
        if option == "-D":
            self.clear()
            return None
        if option == "-e":
            if len(tokens) < 2 or tokens[1] not in ("0", "1", "2"):
                return "malformed -e"
            self.enabled_flag = tokens[1]
            return None
        if option in ("-w", "-W"):
            if len(tokens) < 2:
                return "watch without a path"
            if option == "-W":
                key = normalize_path(tokens[1])
                self.watches.pop(key, None)
                return None
            perms = PERM_ORDER
            for i, tok in enumerate(tokens):
                if tok == "-p" and i + 1 < len(tokens):
                    perms = tokens[i + 1]
            self.add_watch(tokens[1], perms, evidence)
            self.count += 1
            return None
        if option in ("-a", "-A"):
            if len(tokens) < 2:
                return "rule without a list,action"
            parts = {p.strip().lower() for p in tokens[1].split(",")}
            if "always" not in parts or "exit" not in parts:
                self.count += 1  # never-rules and other lists count as loaded but audit nothing here
                return None
            fields: dict[str, str] = {}
            syscalls: list[str] = []
            i = 2
            while i < len(tokens):
                tok = tokens[i]
                if tok == "-S" and i + 1 < len(tokens):
                    syscalls += [s.strip() for s in tokens[i + 1].split(",")]
                    i += 2
                    continue
                if tok == "-F" and i + 1 < len(tokens):
                    match = re.match(r"^([a-z_0-9]+)\s*(!=|>=|<=|=|>|<|&=|&)(.*)$", tokens[i + 1])
                    if match:
                        fields.setdefault(match.group(1), match.group(3))
                    i += 2
                    continue
                if tok in ("-k", "-C") and i + 1 < len(tokens):
                    i += 2
                    continue
                i += 1
            self.count += 1
            target = fields.get("path") or fields.get("dir")
            if target and "perm" in fields:
                if not syscalls or syscalls == ["all"]:
                    self.add_watch(target, fields["perm"], evidence)
                return None
            if target or "exe" in fields:
                return None  # a syscall rule limited to one file is no general coverage
            self.add_syscalls(syscalls, fields.get("arch", "native"), evidence)
            return None
        if option in ("-b", "-f", "-r", "-i", "-c", "--backlog_wait_time", "--loginuid-immutable", "--reset-lost"):
            return None
        return None  # other auditctl options do not add or remove rules


def _tokens(line: str) -> list[str] | None:
    try:
        return shlex.split(line, comments=False)
    except ValueError:
        return None


class Rules(Fact):
    """The audit rules in force: ``auditctl -l`` (source auditctl) or the rule files (source files).

    Value: ``source``, ``rule_count``, ``immutable`` (``-e 2``), ``watches`` (path → the
    permissions watched, in ``rwxa`` order, path spelling normalised: /var/run → /run, /bin →
    /usr/bin), ``syscalls`` (name → comma-separated arches of ``always,exit`` rules not limited
    to one file), ``kernel_enabled`` (0/1/2 from ``auditctl -s``; absent in the files view),
    ``failure_records`` (the union of the watched permissions of /run/faillock,
    /var/log/faillog and /var/log/tallylog, whichever the distribution uses), ``files``.
    """

    command = (
        HF_BLOB
        + 'if command -v auditctl >/dev/null 2>&1 && auditctl -l >"$HF_T/al" 2>"$HF_T/ae"; then\n'
        '  hf_blob @auditctl-l "$HF_T/al"\n'
        '  auditctl -s >"$HF_T/as" 2>/dev/null; hf_blob @auditctl-s "$HF_T/as"\n'
        'else\n'
        '  command -v auditctl >/dev/null 2>&1 || echo "auditctl is not installed" >"$HF_T/ae"\n'
        '  hf_blob @auditctl-error "$HF_T/ae"\n'
        '  for d in /etc/audit /etc/audit/rules.d; do\n'
        '    if [ -d "$d" ] && ! { [ -r "$d" ] && [ -x "$d" ]; }; then echo "cannot read $d" >&2; exit 3; fi\n'
        '  done\n'
        '  hf_files /etc/audit/audit.rules /etc/audit/rules.d/*.rules\n'
        'fi'
    )

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        blobs = split_files(raw.stdout)
        by_name = dict(blobs)
        rules = _RuleSet()
        problems: list[str] = []
        enabled = None
        if "@auditctl-l" in by_name:
            source = "auditctl"
            listing = text_lines(by_name["@auditctl-l"])
            for number, line in enumerate(listing, start=1):
                line = line.strip()
                if not line or line == "No rules":
                    continue
                tokens = _tokens(line)
                if tokens is None or not tokens[0].startswith("-"):
                    problems.append(line)
                    continue
                error = rules.rule(tokens, f"auditctl -l: {line}")
                if error:
                    problems.append(line)
            status = {}
            for line in text_lines(by_name.get("@auditctl-s", b"")):
                key, _, value = line.strip().partition(" ")
                if key.isidentifier():
                    status[key] = value.strip()
            enabled = status.get("enabled")
            immutable = enabled == "2"
            files: list[str] = []
            note = f"rules from auditctl -l (the kernel's list); audit enabled={enabled or 'unknown'}"
            immutable_evidence = f"auditctl -s: enabled {enabled}" if enabled else "auditctl -s gave no status"
            if problems and rules.count == 0:
                raise FactError(f"auditctl -l printed no rules but: {problems[0][:120]!r}")
        else:
            source = "files"
            error_text = by_name.get("@auditctl-error", b"").decode("utf-8", "replace").strip().splitlines()
            rule_files = [(n, c) for n, c in blobs if not n.startswith("@")]
            if any(n.startswith("/etc/audit/rules.d/") for n, _ in rule_files):
                # augenrules: rules.d/*.rules concatenated, -D hoisted to the top, the last -e at the end
                chosen = sorted((n, c) for n, c in rule_files if n.startswith("/etc/audit/rules.d/"))
                hoist = True
            else:
                chosen = [(n, c) for n, c in rule_files if n == "/etc/audit/audit.rules"]
                hoist = False
            files = [n for n, _ in chosen]
            immutable_evidence = "no -e 2 in " + (", ".join(files) or "any rule file")
            for name, content in chosen:
                for number, line in enumerate(text_lines(content), start=1):
                    stripped = line.strip()
                    if not stripped or stripped.startswith("#"):
                        continue
                    tokens = _tokens(stripped)
                    if tokens is None or not tokens[0].startswith("-"):
                        problems.append(f"{name}:{number}")
                        continue
                    if hoist and tokens[0] == "-D":
                        continue
                    if not hoist and rules.enabled_flag == "2":
                        continue  # auditctl -R stops changing rules once they are locked
                    evidence = f"{name}:{number}: {stripped}"
                    previous = rules.enabled_flag
                    if rules.rule(tokens, evidence):
                        problems.append(f"{name}:{number}")
                    if rules.enabled_flag != previous:
                        immutable_evidence = evidence
            immutable = rules.enabled_flag == "2"
            why = error_text[0][:160] if error_text else "auditctl -l unavailable"
            note = (f"rules from files ({', '.join(files) or 'none found'}), not the kernel: {why}")
        value = {
            "source": source,
            "rule_count": rules.count,
            "immutable": immutable,
            "watches": rules.watches,
            "syscalls": {name: ",".join(sorted(arches)) for name, arches in sorted(rules.syscalls.items())},
            "files": files,
        }
        if source == "auditctl" and enabled in ("0", "1", "2"):
            value["kernel_enabled"] = int(enabled)
        failure = ""
        failure_lines = []
        for path in FAILURE_RECORDS:
            if path in rules.watches:
                failure = merge_perms(failure, rules.watches[path])
                failure_lines.append(rules.sources[f"watches.{path}"])
        if failure:
            value["failure_records"] = failure
        if problems:
            value["unparsed"] = problems[:20]
        sources = dict(rules.sources)
        sources["failure_records"] = "; ".join(failure_lines)
        sources["immutable"] = immutable_evidence
        sources["rule_count"] = f"{rules.count} audit rule(s) ({source})"
        sources["kernel_enabled"] = f"auditctl -s: enabled {enabled}" if enabled else note
        sources["source"] = note
        sources["__note__"] = note
        return Parsed(value, sources)


# auditd's own defaults when a key is absent (audit-userspace auditd-config.c clear_config)
AUDITD_DEFAULTS = {
    "log_file": "/var/log/audit/audit.log", "log_group": "root", "num_logs": "0",
    "max_log_file_action": "ignore", "space_left_action": "ignore",
    "admin_space_left_action": "ignore", "disk_full_action": "ignore", "disk_error_action": "syslog",
}


def _stat_line(text: str, what: str) -> dict:
    text = text.strip()
    if not text:
        return {"exists": False}
    fields = text.split("|", 6)
    if len(fields) != 7 or not fields[0].isdigit() or not fields[1].isdigit() or not fields[2].isdigit():
        raise FactError(f"unexpected stat output for the {what}: {text[:80]!r}")
    mode, uid, gid, owner, group, kind, _ = fields
    return {"exists": True, "mode": mode.zfill(4), "uid": int(uid), "gid": int(gid),
            "owner": owner, "group": group, "type": kind}


class DaemonConfig(Fact):
    """``/etc/audit/auditd.conf`` with auditd's defaults for absent keys, plus the log file's
    and log directory's metadata (``log_file_stat``, ``log_dir_stat``).

    auditd reads ``key = value`` lines, ignores ``#`` lines and keeps the last value of a key;
    keys and action values are case-insensitive (values are lower-cased here except paths).
    """

    command = (
        HF_BLOB
        + 'if [ -d /etc/audit ] && ! { [ -r /etc/audit ] && [ -x /etc/audit ]; }; then echo "cannot read /etc/audit" >&2; exit 3; fi\n'
        'hf_files /etc/audit/auditd.conf || exit 1\n'
        'lf=; [ -f /etc/audit/auditd.conf ] && lf=$(awk -F= \'tolower($1) ~ /^[ \\t]*log_file[ \\t]*$/ { v = $0; sub(/^[^=]*=/, "", v) } '
        'END { gsub(/^[ \\t]+|[ \\t\\r]+$/, "", v); print v }\' /etc/audit/auditd.conf)\n'
        '[ -n "$lf" ] || lf=/var/log/audit/audit.log\n'
        'stat -c \'%a|%u|%g|%U|%G|%F|%n\' -- "$lf" "${lf%/*}" >"$HF_T/st" 2>/dev/null\n'
        'hf_blob @stat "$HF_T/st"'
    )

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        blobs = dict(split_files(raw.stdout))
        if "@stat" not in blobs:
            raise FactError("auditd configuration output is incomplete")
        conf = blobs.get("/etc/audit/auditd.conf")
        value: dict = {"installed": conf is not None}
        sources: dict[str, str] = {}
        settings: dict[str, str] = {}
        if conf is not None:
            for number, line in enumerate(text_lines(conf), start=1):
                stripped = line.strip()
                if not stripped or stripped.startswith("#"):
                    continue
                key, sep, val = stripped.partition("=")
                key = key.strip().lower()
                if not sep or not re.match(r"^[a-z_0-9]+$", key):
                    continue
                val = val.strip()
                settings[key] = val if key in ("log_file", "space_left_exe", "admin_space_left_exe",
                                              "disk_full_exe", "disk_error_exe", "action_mail_acct",
                                              "log_group") else val.lower()
                sources[key] = f"/etc/audit/auditd.conf:{number}: {stripped}"
        for key, default in AUDITD_DEFAULTS.items():
            if key not in settings:
                settings[key] = default
                sources[key] = (f"{key} not set in /etc/audit/auditd.conf: auditd uses {default}"
                                if conf is not None else "/etc/audit/auditd.conf does not exist")
        for key in ("num_logs", "max_log_file", "space_left", "admin_space_left"):
            if key in settings and _NUMBER.match(settings[key]):
                settings[key] = int(settings[key])
        value.update(settings)
        path = str(settings["log_file"])
        folder = path.rsplit("/", 1)[0] if "/" in path else "."
        # one stat call printed the log file's line (absent if it does not exist) and its folder's
        lines = [line for line in blobs["@stat"].decode("utf-8", "replace").split("\n") if line.strip()]
        by_path: dict[str, str] = {}
        for line in lines:
            fields = line.split("|", 6)
            if len(fields) != 7:
                raise FactError(f"unexpected stat output: {line[:80]!r}")
            by_path[fields[6]] = line
        log_file = _stat_line(by_path.get(path, ""), "log file")
        log_dir = _stat_line(by_path.get(folder, ""), "log directory")
        if log_file.get("exists"):
            group = str(settings["log_group"])
            # auditd gives the log_group read access; any other group must have none
            log_file["group_access_ok"] = (int(log_file["mode"], 8) & 0o070 == 0
                                           or group in (log_file["group"], str(log_file["gid"])))
        value["log_file_stat"] = log_file
        value["log_dir_stat"] = log_dir
        for key, meta, where in (("log_file_stat", log_file, path), ("log_dir_stat", log_dir, folder)):
            line = (f"{where}: mode {meta['mode']} owner {meta['owner']}({meta['uid']}) group {meta['group']}({meta['gid']})"
                    if meta.get("exists") else f"{where} does not exist")
            sources[key] = line
            for sub in meta:
                sources[f"{key}.{sub}"] = line
        sources["__note__"] = ("read /etc/audit/auditd.conf" if conf is not None
                               else "/etc/audit/auditd.conf does not exist (auditd not installed)")
        return Parsed(value, sources)
