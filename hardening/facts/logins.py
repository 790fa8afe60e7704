"""Facts about logins: last login and password aging of each account, and the umask that
login sessions get.

Days are counted on the host's clock (``date +%s`` is collected with the data), so a bundle
evaluated later still judges the host as it was when collected.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from hardening.errors import FactError
from hardening.facts.accounts import INVENTORY_COMMAND, NON_INTERACTIVE_SHELLS, _int_or_none, read_inventory
from hardening.facts.base import Fact, HostContext, Parsed, Raw
from hardening.facts.pam import parse_text_files, text_files_command

NO_LIMIT = 99999  # shadow's "never expires"


class Activity(Fact):
    """Password aging (from /etc/shadow) and the last login (``lastlog``) of root and of every
    human account (UID_MIN..UID_MAX): days since the last login or password change, days
    until the password expires (negative: expired)."""

    cost = 8

    command = (INVENTORY_COMMAND + "\n"
               "hf_hi=$(awk '$1==\"UID_MAX\"{print $2}' /etc/login.defs 2>/dev/null)\n"
               'if command -v lastlog >/dev/null 2>&1; then\n'
               '  lastlog -u "0-${hf_hi:-60000}" 2>/dev/null | sed -n "2,\\$s/^/LL /p"\n'
               'else echo "NOLASTLOG"; fi\n:')

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        text = raw.text()
        lastlog_lines = [l[3:] for l in text.splitlines() if l.startswith("LL ")]
        no_lastlog = any(l.strip() == "NOLASTLOG" for l in text.splitlines())
        rest = "\n".join(l for l in text.splitlines() if not l.startswith("LL ") and l.strip() != "NOLASTLOG")
        accounts, shadow, defs, now = read_inventory(Raw(rest.encode()))
        if now is None:
            raise FactError("the host clock (date +%s) was not reported")
        if no_lastlog:
            raise FactError("lastlog is not available on this host: last logins cannot be determined")
        today = now // 86400
        last: dict[str, int | None] = {}
        for line in lastlog_lines:
            parts = line.split()
            if not parts:
                continue
            if parts[0] in last:
                continue  # a duplicated name: login uses the first passwd entry
            if "**Never logged in**" in line:
                last[parts[0]] = None
                continue
            try:
                when = datetime.strptime(" ".join(parts[-6:]), "%a %b %d %H:%M:%S %z %Y")
            except ValueError:
                raise FactError(f"unexpected lastlog line: {line[:80]!r}") from None
            last[parts[0]] = int(when.timestamp())
        result, sources = [], {}
        for account in accounts:
            uid, name = account["uid"], account["name"]
            human = defs["UID_MIN"] <= uid <= defs["UID_MAX"]
            if uid != 0 and not human:
                continue
            entry = shadow.get(name)
            kind = entry[1] if entry else ("missing" if account["password_field"] == "x" else account["password_field"])
            last_change = _int_or_none(entry[2]) if entry else None
            max_days = _int_or_none(entry[4]) if entry else None
            expire = _int_or_none(entry[7]) if entry else None
            shell = account["shell"] or "/bin/sh"
            login = last.get(name)
            item = {
                "name": name, "uid": uid, "human": human,
                "interactive": not shell.endswith(NON_INTERACTIVE_SHELLS),
                "password": kind,
                "locked": kind in ("locked", "missing") or (expire is not None and expire <= today),
                "max_days": NO_LIMIT if max_days is None or max_days < 0 else max_days,
                "last_change_days_ago": today - last_change if last_change and last_change > 0 else None,
                "expires_in_days": None, "last_login": None, "days_since_login": None,
            }
            if last_change == 0:
                item["expires_in_days"] = 0  # "must change at next login"
            elif last_change and max_days is not None and 0 <= max_days < NO_LIMIT:
                item["expires_in_days"] = last_change + max_days - today
            if login:
                item["last_login"] = datetime.fromtimestamp(login, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
                item["days_since_login"] = max((now - login) // 86400, 0)
            known = [d for d in (item["days_since_login"], item["last_change_days_ago"]) if d is not None]
            item["inactive_days"] = min(known) if known else None
            result.append(item)
            sources[name] = (f"{name} (uid {uid}): password {kind}, max {item['max_days']} days, "
                             f"changed {item['last_change_days_ago']} days ago, expires in {item['expires_in_days']} days, "
                             f"last login {item['last_login'] or ('never' if name in last else 'unknown')}")
        sources["__note__"] = (f"host day {today}; human accounts are UID {defs['UID_MIN']}..{defs['UID_MAX']}; "
                               "last logins from lastlog")
        return Parsed(result, sources)


UMASK_SHELL_FILES = ["/etc/profile", "/etc/bashrc", "/etc/bash.bashrc", "/etc/profile.d/*.sh"]
_UMASK = re.compile(r"(?:^|[;&|({]\s*|\bthen\s+|\belse\s+|\bdo\s+)umask\s+(?:--\s+)?([0-7]{1,4})\b")


def _dir_mode(umask: int) -> str:
    return format(0o777 & ~umask, "04o")


class Umask(Fact):
    """The umask of login sessions: ``UMASK`` in /etc/login.defs (pam_umask, useradd) and every
    ``umask`` statement in the shell start-up files. Statements inside conditions cannot be
    decided statically, so the loosest one is reported (what some users get)."""

    command = text_files_command(["/etc/login.defs"] + UMASK_SHELL_FILES)

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        files = parse_text_files(raw)
        value = {"login_defs_umask": None, "login_defs_dir_mode": None, "shell_statements": [],
                 "shell_umask": None, "shell_dir_mode": None}
        sources: dict[str, str] = {}
        for number, line in enumerate(files.files.get("/etc/login.defs", []), start=1):
            parts = line.split("#", 1)[0].split()
            if len(parts) >= 2 and parts[0] == "UMASK" and re.fullmatch(r"[0-7]{1,4}", parts[1]):
                value["login_defs_umask"] = parts[1].zfill(3)
                value["login_defs_dir_mode"] = _dir_mode(int(parts[1], 8))
                sources["login_defs_umask"] = sources["login_defs_dir_mode"] = f"/etc/login.defs:{number}: {line.strip()}"
        if value["login_defs_umask"] is None:
            value.update(login_defs_umask="022", login_defs_dir_mode="0755")
            sources["login_defs_dir_mode"] = "UMASK not set in /etc/login.defs (default 022)"
        loosest = None
        for path in ["/etc/profile", "/etc/bashrc", "/etc/bash.bashrc"] + files.glob("/etc/profile.d", ".sh"):
            for number, line in enumerate(files.files.get(path, []), start=1):
                code = re.sub(r"(^|\s)#.*$", "", line).strip()
                for match in _UMASK.finditer(code):
                    umask = int(match.group(1), 8)
                    where = f"{path}:{number}: {line.strip()}"
                    value["shell_statements"].append({"name": where, "umask": match.group(1).zfill(3),
                                                      "dir_mode": _dir_mode(umask)})
                    sources[where] = where
                    # the union of the permission bits any of them leaves open
                    loosest = (umask if loosest is None else umask & loosest[0], where)
        if loosest is not None:
            value["shell_umask"] = format(loosest[0], "03o")
            value["shell_dir_mode"] = _dir_mode(loosest[0])
            sources["shell_dir_mode"] = sources["shell_umask"] = "loosest of: " + "; ".join(
                s["name"] for s in value["shell_statements"])[:600]
        else:
            value["shell_umask"] = value["login_defs_umask"]
            value["shell_dir_mode"] = value["login_defs_dir_mode"]
            sources["shell_dir_mode"] = ("no umask statement in " + ", ".join(UMASK_SHELL_FILES)
                                         + f"; sessions keep the login.defs/pam_umask value {value['login_defs_umask']}")
        return Parsed(value, sources)
