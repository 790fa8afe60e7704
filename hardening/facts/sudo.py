"""Facts about sudo: its own syntax check (``visudo -c``), the grants in ``/etc/sudoers`` and
the files it includes, their permissions, and the logging defaults.

Grants are listed one item per principal (user, ``%group``, alias member), with Cmnd_Alias
expanded, so a rule can keep "all commands for someone outside the admin allow-list".
sudo reads ``@includedir``/``#includedir`` folders skipping names that contain a ``.`` or end
in ``~``; the parser does the same. What cannot be parsed is reported, not guessed.
"""

from __future__ import annotations

import re

from hardening.errors import FactError
from hardening.facts.records import joined_lines
from hardening.facts.base import Fact, HostContext, Parsed, Raw
from hardening.facts.pam import parse_text_files

SUDOERS = "/etc/sudoers"
SHELLS = {"sh", "bash", "dash", "zsh", "ksh", "csh", "tcsh", "fish", "su", "ash", "mksh", "busybox"}
TAGS = {"NOPASSWD", "PASSWD", "NOEXEC", "EXEC", "SETENV", "NOSETENV", "LOG_INPUT", "NOLOG_INPUT",
        "LOG_OUTPUT", "NOLOG_OUTPUT", "MAIL", "NOMAIL", "FOLLOW", "NOFOLLOW", "INTERCEPT", "NOINTERCEPT"}
ALIAS_KINDS = {"user_alias": "user", "runas_alias": "runas", "host_alias": "host", "cmnd_alias": "cmnd",
               "cmd_alias": "cmnd"}
_INCLUDE = re.compile(r"^[#@](include|includedir)\s+(\S.*)$")
_ALIAS_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")

COMMAND = r"""if ! command -v visudo >/dev/null 2>&1 && [ ! -e /etc/sudoers ]; then echo "NOTINSTALLED sudo"; exit 0; fi
set -- /etc/sudoers
for hf_t in /etc/sudoers.d $(sed -n 's/^[[:space:]]*[#@]include\(dir\)\{0,1\}[[:space:]]\{1,\}\([^[:space:]]\{1,\}\).*/\2/p' /etc/sudoers /etc/sudoers.d/* 2>/dev/null | sed 's|^\([^/]\)|/etc/\1|' | sort -u); do
  if [ -d "$hf_t" ]; then for hf_p in "$hf_t"/*; do [ -f "$hf_p" ] && set -- "$@" "$hf_p"; done
  elif [ -f "$hf_t" ]; then set -- "$@" "$hf_t"; fi
done
for hf_p in "$@"; do [ -f "$hf_p" ] && printf 'N %s\n' "$hf_p"; done
awk '{ if (FNR == 1) print "F " FILENAME; print "L " $0 }' "$@" 2>/dev/null
stat -c 'STAT %a %U %G %n' "$@" 2>/dev/null
hf_v=$(visudo -c 2>&1); echo "VISUDO $?"; printf '%s\n' "$hf_v" | sed -n '1,20s/^/VOUT /p'
visudo -V 2>/dev/null | sed -n '1s/^/VERSION /p'
:"""


def _uncomment(line: str, first: bool) -> str | None:
    """``#include`` and ``#<uid>`` are not comments in sudoers."""
    stripped = line.strip()
    if first and stripped.startswith("#") and not _INCLUDE.match(stripped) and not re.match(r"^#\d", stripped):
        return None
    return re.sub(r"(^|\s)#(?!\d).*$", r"\1", line) if not _INCLUDE.match(stripped) else line


def _logical(lines: list[str]) -> list[tuple[int, str]]:
    """Join backslash continuations and drop comments."""
    return joined_lines(lines, _uncomment)


def _split_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def _version_tuple(text: str) -> tuple[int, ...]:
    match = re.search(r"(\d+)\.(\d+)\.(\d+)", text or "")
    return tuple(int(x) for x in match.groups()) if match else ()


class Sudoers(Fact):
    """sudo's configuration: ``visudo -c``, grants, Defaults, and the modes of the files read."""

    cost = 10

    command = COMMAND

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        if raw.text().strip() == "NOTINSTALLED sudo":
            return Parsed({"installed": False, "grants": [], "files": []}, {"__note__": "sudo is not installed"})
        stream = parse_text_files(raw)
        if SUDOERS not in stream.files:
            raise FactError("sudo is installed but /etc/sudoers could not be read")
        visudo = stream.tagged.get("VISUDO", [])
        if not visudo or not visudo[0].strip().lstrip("-").isdigit():
            raise FactError("visudo -c did not report a status")
        version = (stream.tagged.get("VERSION") or [""])[0]
        value: dict = {"installed": True, "version": re.sub(r"^(visudo|sudo) version", "", version, flags=re.I).strip(),
                       "visudo_ok": int(visudo[0]) == 0, "grants": [], "files": [], "defaults": {}}
        sources: dict[str, str] = {"visudo_ok": "visudo -c: " + " | ".join(stream.tagged.get("VOUT", []))[:400],
                                   "version": f"visudo -V: {version}"}
        aliases: dict[str, dict[str, list[str]]] = {k: {} for k in ("user", "runas", "host", "cmnd")}
        specs: list[tuple[str, int, str]] = []
        defaults: dict[str, tuple[object, str]] = {}
        notes: list[str] = []
        read: list[str] = []
        self._read(SUDOERS, stream, aliases, specs, defaults, notes, read, depth=0)
        stats = {}
        for line in stream.tagged.get("STAT", []):
            parts = line.split(" ", 3)
            if len(parts) == 4 and parts[0].isdigit():
                stats[parts[3]] = (parts[0].zfill(4), parts[1], parts[2])
        for path in read:
            mode, owner, group = stats.get(path, ("", "", ""))
            ok = bool(mode) and int(mode, 8) & ~0o440 == 0 and owner == "root"
            value["files"].append({"name": path, "mode": mode, "owner": owner, "group": group, "mode_ok": ok})
            sources[path] = f"{path}: mode {mode or '?'} owner {owner or '?'}:{group or '?'}"
        for file, number, text in specs:
            for grant in self._grants(text, aliases):
                grant["name"] = f"{file}:{number}:{grant['principal']}"
                grant["where"] = f"{file}:{number}"
                value["grants"].append(grant)
                sources[grant["name"]] = f"{file}:{number}: {text}"
        sources["grants"] = "; ".join(
            f"{g['principal']} -> {'ALL' if g['all_commands'] else ', '.join(g['commands'])[:80]}"
            f"{' NOPASSWD' if g['nopasswd'] else ''} ({g['where']})" for g in value["grants"])[:1500] or "no grants"
        use_pty, pty_where = defaults.get("use_pty", (None, ""))
        recent = _version_tuple(value["version"]) >= (1, 9, 14)
        logfile, log_where = defaults.get("logfile", (None, ""))
        syslog, syslog_where = defaults.get("syslog", ("authpriv", "default"))
        value["defaults"] = {
            "use_pty": bool(use_pty) if use_pty is not None else recent,
            "logfile": logfile or None,
            "syslog": syslog or None,
            "log_output": bool(defaults.get("log_output", (False, ""))[0]),
        }
        value["logging"] = bool(logfile) or bool(syslog)
        sources["defaults.use_pty"] = pty_where or (f"not set; sudo {value['version']} default is "
                                                    f"{'on' if recent else 'off'} (on since 1.9.14)")
        sources["defaults.logfile"] = log_where or "Defaults logfile is not set"
        sources["defaults.syslog"] = syslog_where if syslog_where != "default" else "not set; sudo logs to syslog (authpriv) by default"
        sources["logging"] = "; ".join(x for x in (log_where, syslog_where if syslog_where != "default" else "syslog authpriv (default)") if x)
        sources["__note__"] = "read " + ", ".join(read) + (("; " + "; ".join(notes)) if notes else "")
        return Parsed(value, sources)

    # -- reading -----------------------------------------------------------------------------
    def _read(self, path, stream, aliases, specs, defaults, notes, read, depth):
        if depth > 8 or path in read:
            notes.append(f"include loop at {path}")
            return
        read.append(path)
        directory = path.rsplit("/", 1)[0] or "/"
        for number, text in _logical(stream.files[path]):
            include = _INCLUDE.match(text)
            if include:
                target = include.group(2).strip().strip('"')
                if not target.startswith("/"):
                    target = f"{directory}/{target}"
                if "%" in target:
                    raise FactError(f"{path}:{number}: include path with escapes is not supported: {target}")
                if include.group(1) == "includedir":
                    for member in stream.glob(target):
                        base = member.rsplit("/", 1)[-1]
                        if "." in base or base.endswith("~"):
                            continue
                        self._read(member, stream, aliases, specs, defaults, notes, read, depth + 1)
                elif target in stream.files:
                    self._read(target, stream, aliases, specs, defaults, notes, read, depth + 1)
                elif depth <= 1:
                    notes.append(f"{path}:{number}: included {target} does not exist")
                else:
                    raise FactError(f"{path}:{number}: includes {target}, which was not collected")
                continue
            word = text.split(None, 1)[0]
            kind = ALIAS_KINDS.get(word.lower())
            if kind:
                for part in (text.split(None, 1) + [""])[1].split(":"):
                    name, sep, members = part.partition("=")
                    if sep and _ALIAS_NAME.match(name.strip()):
                        aliases[kind][name.strip()] = _split_list(members)
                continue
            if word == "Defaults" or word.startswith(("Defaults:", "Defaults@", "Defaults!", "Defaults>")):
                self._defaults(text, f"{path}:{number}: {text}", defaults, scoped=word != "Defaults", notes=notes)
                continue
            specs.append((path, number, text))

    def _defaults(self, text, where, defaults, scoped, notes):
        body = (text.split(None, 1) + [""])[1]
        for item in re.split(r",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", body):
            item = item.strip()
            if not item:
                continue
            negate = item.startswith("!")
            key, sep, val = item.lstrip("!").partition("=")
            key = key.strip().rstrip("+-").lower()
            val = val.strip().strip('"')
            if scoped:
                if negate and key in ("use_pty", "logfile", "syslog"):
                    notes.append(f"scoped {item} weakens logging for some users ({where})")
                continue
            if negate:
                defaults[key] = ("" if sep or key in ("logfile", "syslog") else False, where)
            else:
                defaults[key] = (val if sep else True, where)

    # -- grants ------------------------------------------------------------------------------
    def _expand(self, items, table, seen=None):
        seen = seen or set()
        out = []
        for item in items:
            bare = item.lstrip("!").strip()
            if _ALIAS_NAME.match(bare) and bare in table and bare not in seen and bare != "ALL":
                members = self._expand(table[bare], table, seen | {bare})
                out.extend(("!" + m if item.startswith("!") else m) for m in members)
            else:
                out.append(item)
        return out

    def _grants(self, text, aliases):
        left, sep, right = text.partition("=")
        if not sep:
            return []
        words = re.sub(r"\s*,\s*", ",", left.strip()).split()
        if len(words) != 2:
            return [{"principal": left.strip()[:60], "parse_error": True, "all_commands": False, "shell": False,
                     "nopasswd": False, "commands": [], "runas": ""}]
        users = self._expand(_split_list(words[0]), aliases["user"])
        runas, nopasswd, commands, all_commands, shell, nopasswd_all = "", False, [], False, False, False
        for entry in _split_list(right):
            runas_match = re.match(r"^\(([^)]*)\)\s*", entry)
            if runas_match:
                runas = runas_match.group(1).strip()
                entry = entry[runas_match.end():]
            while True:
                tag = re.match(r"^([A-Z_]+):\s*", entry)
                if not tag or tag.group(1) not in TAGS:
                    break
                if tag.group(1) in ("NOPASSWD", "PASSWD"):
                    nopasswd = tag.group(1) == "NOPASSWD"
                entry = entry[tag.end():]
            entry = re.sub(r"^(?:(?:ROLE|TYPE|CWD|CHROOT|TIMEOUT|NOTBEFORE|NOTAFTER|APPARMOR_PROFILE|PRIVS|LIMITPRIVS)=\S+\s+)+", "", entry)
            for command in self._expand([entry.strip()], aliases["cmnd"]):
                commands.append(command)
                if command.startswith("!"):
                    continue
                binary = command.split()[0] if command.split() else ""
                is_all = binary == "ALL"
                is_shell = binary.rsplit("/", 1)[-1] in SHELLS
                all_commands |= is_all
                shell |= is_shell
                if (is_all or is_shell) and nopasswd:
                    nopasswd_all = True
        grants = []
        for user in users:
            if user.startswith("!"):
                continue
            grants.append({"principal": user, "runas": runas, "commands": commands[:20],
                           "all_commands": all_commands, "shell": shell, "full_root": all_commands or shell,
                           "nopasswd": nopasswd_all, "parse_error": False})
        return grants
