"""Facts about local accounts. Password hashes never leave the host: only their kind does."""

from __future__ import annotations

from hardening.errors import FactError
from hardening.facts.base import Fact, HostContext, Parsed, Raw, q
from hardening.facts.records import text_lines


def _int_or_none(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.lstrip("-").isdigit() else None


class Passwd(Fact):
    """Local accounts from ``/etc/passwd`` (not NSS, which could enumerate a whole directory).

    A hash left in the password field (a system without shadow) is replaced on the host by
    ``HASH``, and a line that starts like a hash is not printed, so no hash leaves the host.
    """

    command = ("awk -F: 'BEGIN { OFS = \":\" } NF < 2 || $1 ~ /^!?\\$/ { print \"\"; next } "
               "$2 != \"x\" && $2 != \"\" && $2 !~ /^[!*]/ { $2 = \"HASH\" } { print }' /etc/passwd")

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
    hash is ever transferred, stored or reported. Blank, comment, NIS (``+``/``-``),
    colon-less and hash-led lines are not local accounts: they print as empty lines, so
    nothing of them leaves the host and line numbers stay the file's. The algorithm is
    only the short ``$id$`` tag.
    """

    path = "/etc/shadow"  # an attribute so tests can run the same awk on a fake file
    command = (
        "awk -F: 'NF < 2 || /^[#+-]/ || $1 ~ /^!?\\$/ { print \"\"; next } { p=$2; k=\"hash\"; "
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


# ---------------------------------------------------------------------------------------------
# Added for the identity and access-control rules: groups, and a joined account inventory.

def _duplicates(values: list) -> set:
    seen, dup = set(), set()
    for v in values:
        (dup if v in seen else seen).add(v)
    return dup


class Groups(Fact):
    """Local groups from ``/etc/group`` with their members and duplicate names / GIDs."""

    command = "cat /etc/group"

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        groups, sources = [], {}
        for number, line in enumerate(raw.text().splitlines(), start=1):
            line = line.rstrip("\r")
            if not line.strip() or line.startswith(("#", "+", "-")):
                continue
            fields = line.split(":")
            if len(fields) != 4 or _int_or_none(fields[2]) is None or not fields[0]:
                raise FactError(f"/etc/group line {number} is malformed")
            name, _, gid, members = fields
            groups.append({"name": name, "gid": int(gid), "members": [m for m in members.split(",") if m]})
            where = f"/etc/group:{number}: {name}:x:{gid}:{members}"
            sources[name] = f"{sources[name]}; {where}" if name in sources else where
        dup_names = _duplicates([g["name"] for g in groups])
        dup_gids = _duplicates([g["gid"] for g in groups])
        for group in groups:
            group["duplicate_name"] = group["name"] in dup_names
            group["duplicate_gid"] = group["gid"] in dup_gids
        return Parsed(groups, sources)


# shells that do not give an interactive session (sync/shutdown/halt are special system accounts)
NON_INTERACTIVE_SHELLS = ("/nologin", "/false", "/bin/sync", "/sbin/shutdown", "/sbin/halt", "/bin/true")

# One line per account; the password field is reduced to its kind on the host, never a hash,
# and a stray line led by a hash (not an account) is not printed at all.
_KIND = ('k="hash"; if (p=="") k="empty"; else if (p=="x") k="x"; '
         'else if (p ~ /^[!*]/) k="locked";')
INVENTORY_COMMAND = (
    "echo \"NOW $HF_NOW\"\n"
    "awk '$1 ~ /^(UID_MIN|UID_MAX|SYS_UID_MIN|SYS_UID_MAX)$/ {print \"DEFS\", $1, $2}' /etc/login.defs 2>/dev/null\n"
    "awk -F: '!/^[ \\t]*(#|$)/ && $1 !~ /^!?\\$/ { p=$2; " + _KIND +
    " print \"P\", NF \":\" $1 \":\" k \":\" $3 \":\" $4 \":\" $6 \":\" $7 }' /etc/passwd\n"
    "awk -F: '!/^[ \\t]*(#|$)/ && NF > 1 && $1 !~ /^!?\\$/ { p=$2; " + _KIND +
    " print \"S\", $1 \":\" k \":\" $3 \":\" $4 \":\" $5 \":\" $6 \":\" $7 \":\" $8 }' /etc/shadow"
)


def read_inventory(raw: Raw) -> tuple[list[dict], dict, dict, int | None]:
    """Join the reduced passwd and shadow lines: (accounts, sources, login.defs, now-epoch)."""
    defs, now, accounts, shadow, sources = {}, None, [], {}, {}
    for number, line in enumerate(raw.text().splitlines(), start=1):
        tag, _, rest = line.partition(" ")
        if tag == "NOW":
            now = _int_or_none(rest)
        elif tag == "DEFS":
            key, _, val = rest.partition(" ")
            if _int_or_none(val) is not None:
                defs[key] = int(val)
        elif tag == "P":
            fields = rest.split(":")
            if len(fields) != 7 or fields[0] != "7" or _int_or_none(fields[3]) is None:
                raise FactError(f"/etc/passwd entry {fields[1] if len(fields) > 1 else '?'!r} is malformed")
            _, name, kind, uid, gid, home, shell = fields
            accounts.append({"name": name, "uid": int(uid), "gid": _int_or_none(gid), "home": home, "shell": shell,
                             "password_field": kind})
            sources[name] = f"/etc/passwd: {name}:{kind if kind != 'hash' else '<hash>'}:{uid}:{gid}:…:{home}:{shell}"
        elif tag == "S":
            fields = rest.split(":")
            if len(fields) != 8:
                raise FactError("/etc/shadow is malformed")
            shadow[fields[0]] = fields
        elif line.strip():
            raise FactError(f"unexpected output line {number}: {line[:60]!r}")
    if not accounts:
        raise FactError("/etc/passwd lists no account")
    return accounts, shadow, {**{"UID_MIN": 1000, "UID_MAX": 60000}, **defs}, now


class Inventory(Fact):
    """Every local account joined from passwd, shadow (kinds only) and login.defs: whether it is
    a system or a human account, can open an interactive session, is locked, and duplicates."""

    command = INVENTORY_COMMAND

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        accounts, shadow, defs, now = read_inventory(raw)
        today = now // 86400 if now else None
        dup_names = _duplicates([a["name"] for a in accounts])
        sources = {}
        for account in accounts:
            name, uid = account["name"], account["uid"]
            entry = shadow.get(name)
            kind = entry[1] if entry else ("missing" if account["password_field"] == "x" else account["password_field"])
            expire = _int_or_none(entry[7]) if entry else None
            account_expired = expire is not None and today is not None and expire <= today
            shell = account["shell"] or "/bin/sh"
            interactive = not shell.endswith(NON_INTERACTIVE_SHELLS)
            account.update(
                password=kind, password_in_passwd=account["password_field"] not in ("x", "locked"),
                locked=kind in ("locked", "missing") or account_expired, account_expired=account_expired,
                interactive=interactive, login_enabled=interactive and not (kind in ("locked", "missing") or account_expired),
                system=0 < uid < defs["UID_MIN"], human=defs["UID_MIN"] <= uid <= defs["UID_MAX"],
                duplicate_name=name in dup_names)
            del account["password_field"]
            sources[name] = (sources.get(name, "") and sources[name] + "; ") + \
                f"/etc/passwd: {name} uid={uid} shell={account['shell'] or '(empty: /bin/sh)'}; /etc/shadow: password {kind}" + \
                (f", account expired (day {expire})" if account_expired else "")
        sources["__note__"] = f"UID_MIN={defs['UID_MIN']} UID_MAX={defs['UID_MAX']} (login.defs or defaults)"
        return Parsed(accounts, sources)
