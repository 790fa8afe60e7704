"""Facts about the file system: special files under system directories, and metadata of paths.

``SpecialFiles`` walks the given directories ONCE (one ``find``, ``-xdev``, symlinks not
followed) and returns every world-writable, set-user-ID, set-group-ID or unowned entry, so
all the rules about such files share one traversal. Records are NUL-separated, so file
names with newlines, quotes or spaces cannot break the parsing.
"""

from __future__ import annotations

from hardening.errors import FactError
from hardening.facts.base import Fact, HostContext, Parsed, Raw, q
from hardening.facts.files import as_paths, glob_quote

# directories that must carry the sticky bit if they are world-writable (checked at depth 0)
TMP_DIRS = ("/tmp", "/var/tmp", "/dev/shm")
KINDS = {"f": "file", "d": "directory", "l": "symlink", "p": "fifo", "s": "socket", "c": "char device",
         "b": "block device"}


def _mode_record(mode: str) -> dict:
    bits = int(mode, 8)
    return {"mode": mode.zfill(4), "world_writable": bool(bits & 0o002), "world_readable": bool(bits & 0o004),
            "sticky": bool(bits & 0o1000), "suid": bool(bits & 0o4000), "sgid": bool(bits & 0o2000),
            "setid": bool(bits & 0o6000)}


class SpecialFiles(Fact):
    """World-writable, SUID/SGID and unowned entries under ``paths`` (one traversal), plus the
    temporary directories /tmp, /var/tmp and /dev/shm themselves (``scope: tmp``).

    Each item: ``name`` (path), ``scope`` (tree|tmp), ``type``, ``mode``, ``uid``, ``gid``,
    ``world_writable``, ``sticky``, ``suid``, ``sgid``, ``setid``, ``nouser``, ``nogroup``,
    ``unowned``. Paths that do not exist are skipped (listed in the note).
    """

    cost = 15

    arguments = {"paths": (list, str)}

    def shell(self, args):
        paths = " ".join(q(p) for p in as_paths(args["paths"]))
        tmp = " ".join(TMP_DIRS)
        return (
            # absolute paths only: a start point such as "-delete" would be read as a find action
            f"set --; for p in {paths}; do case $p in /*) {{ [ -e \"$p\" ] || [ -L \"$p\" ]; }} && set -- \"$@\" \"$p\" ;; esac; done\n"
            "if [ $# -gt 0 ]; then\n"
            # candidates for unowned entries: ids of no local account/group (one integer test each,
            # far cheaper than -nouser's NSS lookup per file); %u/%g then name the few printed ones
            # through NSS, so an LDAP/SSSD owner is still recognised in the parser
            "  u=$(awk -F: '$3 ~ /^[0-9]+$/ { printf \" ! -uid %s\", $3 }' /etc/passwd); u=${u:-\" -true\"}\n"
            "  g=$(awk -F: '$3 ~ /^[0-9]+$/ { printf \" ! -gid %s\", $3 }' /etc/group); g=${g:-\" -true\"}\n"
            "  find \"$@\" -xdev ! -type l \\( -perm -0002 -o -perm -4000 -o -perm -2000 -o \\( $u \\) -o \\( $g \\) \\) "
            "-printf 'T %m %U %G %u %g %y %p\\0' || exit 1\n"
            "fi\n"
            f"set --; for p in {tmp}; do [ -d \"$p\" ] && set -- \"$@\" \"$p\"; done\n"
            "[ $# -eq 0 ] || find \"$@\" -maxdepth 0 -printf 'S %m %U %G %u %g %y %p\\0'"
        )

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        items = []
        sources: dict[str, str] = {}
        data = raw.stdout
        if data and not data.endswith(b"\0"):
            raise FactError("file listing is truncated or malformed")
        for record in data.split(b"\0")[:-1] if data else []:
            text = record.decode("utf-8", "replace")
            fields = text.split(" ", 7)
            if (len(fields) != 8 or fields[0] not in ("T", "S") or not fields[2].isdigit()
                    or not fields[3].isdigit() or not fields[1] or any(c not in "01234567" for c in fields[1])
                    or not fields[7].startswith("/")):
                raise FactError(f"unexpected find record: {text[:80]!r}")
            scope, mode, uid, gid, user, group, kind, path = fields
            nouser, nogroup = user == uid, group == gid  # find prints the number when NSS knows no name
            item = {"name": path, "scope": "tree" if scope == "T" else "tmp", "type": KINDS.get(kind, kind),
                    "uid": int(uid), "gid": int(gid), **_mode_record(mode),
                    "nouser": nouser, "nogroup": nogroup, "unowned": nouser or nogroup}
            items.append(item)
            shown = path.encode("unicode_escape").decode("ascii") if not path.isprintable() else path
            sources[path] = (f"{shown}: {item['type']} mode {item['mode']} owner {user}({uid}) group {group}({gid})"
                             + (" [no such user]" if nouser else "") + (" [no such group]" if nogroup else ""))
        sources["__note__"] = (f"one find -xdev over {', '.join(as_paths(args['paths']))}: "
                               f"{sum(1 for i in items if i['scope'] == 'tree')} special entries")
        return Parsed(items, sources)


class Paths(Fact):
    """Metadata of each path or glob in ``paths`` (one ``stat`` call, links not followed).

    Value: a list of ``{name, pattern, exists, mode, uid, gid, owner, group, type}``; a pattern
    that matches nothing gives one item ``{name: pattern, pattern, exists: false}``, so for
    plain paths (no globs) item N is the N-th path and rules may use keys like ``[0, mode]``.
    """

    arguments = {"paths": (list, str)}

    def shell(self, args):
        lines = ["set --"]
        for pattern in as_paths(args["paths"]):
            lines.append(f"n=0; for f in {glob_quote(pattern)}; do if [ -e \"$f\" ] || [ -L \"$f\" ]; then n=1; "
                         f"set -- \"$@\" \"$f\"; printf 'P%s\\0%s\\0' {q(pattern)} \"$f\"; fi; done; "
                         f"[ $n = 1 ] || printf 'M%s\\0' {q(pattern)}")
        lines.append("[ $# -eq 0 ] || stat --printf='S%a|%u|%g|%U|%G|%F|%n\\0' -- \"$@\"")
        return "\n".join(lines)

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        data = raw.stdout
        if data and not data.endswith(b"\0"):
            raise FactError("stat output is truncated or malformed")
        records = [r.decode("utf-8", "replace") for r in data.split(b"\0")[:-1]] if data else []
        patterns = set(as_paths(args["paths"]))
        found: list[tuple[str, str | None]] = []  # (pattern, path or None when nothing matched)
        stats: dict[str, list[str]] = {}
        i = 0
        while i < len(records):
            head = records[i]
            kind, rest = head[:1], head[1:]
            if kind == "M" and rest in patterns:
                found.append((rest, None))
                i += 1
            elif kind == "P" and rest in patterns and i + 1 < len(records):
                found.append((rest, records[i + 1]))
                i += 2
            elif kind == "S":
                fields = rest.split("|", 6)
                if (len(fields) != 7 or not all(f.isdigit() for f in fields[:3])
                        or any(c not in "01234567" for c in fields[0])):
                    raise FactError(f"unexpected stat output: {rest[:80]!r}")
                stats[fields[6]] = fields
                i += 1
            else:
                raise FactError(f"unexpected stat record: {head[:80]!r}")
        items, sources = [], {}
        for pattern, path in found:
            if path is None:
                items.append({"name": pattern, "pattern": pattern, "exists": False})
                sources[pattern] = sources[str(len(items) - 1)] = f"{pattern}: does not exist"
                continue
            if path not in stats:
                raise FactError(f"no stat output for {path[:80]!r}")
            mode, uid, gid, owner, group, kind, _ = stats[path]
            items.append({"name": path, "pattern": pattern, "exists": True, "mode": mode.zfill(4), "uid": int(uid),
                          "gid": int(gid), "owner": owner, "group": group, "type": kind})
            shown = path.encode("unicode_escape").decode("ascii") if not path.isprintable() else path
            sources[path] = sources[str(len(items) - 1)] = (
                f"{shown}: mode {mode.zfill(4)} owner {owner}({uid}) group {group}({gid}) {kind}")
        sources["__note__"] = "stat of " + ", ".join(as_paths(args["paths"]))
        return Parsed(items, sources)
