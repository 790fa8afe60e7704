"""Facts about local accounts. Password hashes never leave the host: only their kind does."""

from __future__ import annotations

from hardening.errors import FactError
from hardening.facts.base import Fact, HostContext, Parsed, Raw, q
from hardening.facts.records import text_lines


def _int_or_none(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.lstrip("-").isdigit() else None


class Passwd(Fact):
    """Local accounts from ``/etc/passwd`` (not NSS, which could enumerate a whole directory)."""

    command = "cat /etc/passwd"

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        accounts = []
        sources = {}
        # split on \n only: str.splitlines() would also break a GECOS at \f or U+2028
        for number, line in enumerate(text_lines(raw.stdout), start=1):
            if not line.strip() or line.startswith(("#", "+", "-")):
                continue
            fields = line.split(":")
            if len(fields) != 7:
                raise FactError(f"/etc/passwd line {number} has {len(fields)} fields")
            name, password, uid, gid, gecos, home, shell = fields
            if _int_or_none(uid) is None:
                raise FactError(f"/etc/passwd line {number} has a non-numeric uid")
            accounts.append({"name": name, "uid": int(uid), "gid": _int_or_none(gid),
                             "password_in_passwd": password not in ("x", "*", "!"),
                             "home": home, "shell": shell,
                             "interactive": not shell.endswith(("nologin", "false", "/sync", "/shutdown", "/halt"))})
            sources[name] = f"/etc/passwd:{number}: {name}:{'x' if password else ''}:{uid}:{gid}:…:{home}:{shell}"
        uid_counts: dict[int, int] = {}
        for account in accounts:
            uid_counts[account["uid"]] = uid_counts.get(account["uid"], 0) + 1
        for account in accounts:
            account["duplicate_uid"] = uid_counts[account["uid"]] > 1
        return Parsed(accounts, sources)


class Shadow(Fact):
    """Password state and aging per account from ``/etc/shadow``.

    awk on the host reduces each hash to its kind (empty / locked / hash algorithm), so no
    hash is ever transferred, stored or reported. Blank, comment, NIS (``+``/``-``) and
    colon-less lines are not local accounts (as in Passwd): they print as empty lines, so
    nothing of them leaves the host and line numbers stay the file's. The algorithm is
    only the short ``$id$`` tag.
    """

    path = "/etc/shadow"  # an attribute so tests can run the same awk on a fake file
    command = (
        "awk -F: 'NF < 2 || /^[#+-]/ { print \"\"; next } { p=$2; k=\"hash\"; "
        "if (p==\"\") k=\"empty\"; else if (p ~ /^[!*]/) k=\"locked\"; "
        "a=\"\"; if (p ~ /^!?\\$/) { a=p; sub(/^!/, \"\", a); split(a, parts, \"$\"); a=parts[2] } "
        "if (a !~ /^[0-9a-z]*$/ || length(a) > 6) a=\"unknown\"; "
        "print $1 \":\" k \":\" a \":\" $3 \":\" $4 \":\" $5 \":\" $6 \":\" $7 \":\" $8 }'"
    )

    def shell(self, args):
        return f"{self.command} {q(self.path)}"

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        accounts = []
        sources = {}
        for number, line in enumerate(text_lines(raw.stdout), start=1):
            if not line:
                continue
            fields = line.split(":")
            if len(fields) != 9:
                raise FactError(f"/etc/shadow line {number} is malformed")
            name, kind, algorithm, lastchg, min_days, max_days, warn, inactive, expire = fields
            accounts.append({"name": name, "password": kind, "algorithm": algorithm,
                             "last_change": _int_or_none(lastchg), "min_days": _int_or_none(min_days),
                             "max_days": _int_or_none(max_days), "warn_days": _int_or_none(warn),
                             "inactive_days": _int_or_none(inactive), "expire": _int_or_none(expire)})
            sources[name] = (f"/etc/shadow:{number}: {name} password={kind} min={min_days} "
                             f"max={max_days} warn={warn}")
        return Parsed(accounts, sources)
