"""Facts about files: key/value settings and metadata."""

from __future__ import annotations

from hardening.facts.base import Fact, Parsed, Raw, HostContext, q
from hardening.facts.records import split_files, strip_comment, text_lines
from hardening.errors import FactError


def glob_quote(pattern: str) -> str:
    """Quote a path for sh but keep ``*`` and ``?`` as globs (rules may name ``dir/*.conf``)."""
    parts = []
    literal = ""
    for ch in pattern:
        if ch in "*?":
            if literal:
                parts.append(q(literal))
                literal = ""
            parts.append(ch)
        else:
            literal += ch
    if literal:
        parts.append(q(literal))
    return "".join(parts)


def as_paths(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


class KeyValue(Fact):
    """Settings from ``key value`` / ``key=value`` files, read in order; the last one wins.

    ``path`` is a path or a list of paths/globs read in that order (e.g. a main file then
    its ``.d`` folder), as the daemons that read them do.
    """

    arguments = {"path": (str, list), "separator": str, "case": str}

    def shell(self, args):
        return "hf_files " + " ".join(glob_quote(p) for p in as_paths(args["path"]))

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        separator = args.get("separator", "space")
        fold = args.get("case", "sensitive") == "insensitive"
        values: dict[str, str] = {}
        sources: dict[str, str] = {}
        files = split_files(raw.stdout)
        for name, content in files:
            for number, line in enumerate(text_lines(content), start=1):
                setting = strip_comment(line)
                if not setting:
                    continue
                if separator == "=":  # a bare word is a flag (pwquality's enforce_for_root)
                    key, _, value = setting.partition("=")
                else:
                    pieces = setting.replace("=", " ", 1).split(None, 1) if separator == "any" else setting.split(None, 1)
                    key, value = (pieces + [""])[:2]
                key, value = key.strip(), value.strip().strip('"').strip("'")
                if fold:
                    key = key.lower()
                values[key] = value
                sources[key] = f"{name}:{number}: {line.strip()}"
        read = ", ".join(name for name, _ in files) or "no file"
        sources["__note__"] = f"read {read} (pattern {', '.join(as_paths(args['path']))})"
        return Parsed(values, sources)


class Metadata(Fact):
    """Existence, type, permission bits and ownership of one path (``stat``, not following links)."""

    arguments = {"path": str}

    def shell(self, args):
        path = q(args["path"])
        return (f"if [ -e {path} ] || [ -L {path} ]; then stat -c '%a|%u|%g|%U|%G|%F' -- {path}; "
                f"else echo MISSING; fi")

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        text = raw.text().strip()
        if text == "MISSING":
            return Parsed({"exists": False}, {"__note__": f"{args['path']} does not exist"})
        fields = text.split("|")
        if len(fields) != 6 or not fields[0].isdigit():
            raise FactError(f"unexpected stat output: {text[:80]!r}")
        mode, uid, gid, owner, group, kind = fields
        value = {"exists": True, "mode": mode.zfill(4), "uid": int(uid), "gid": int(gid),
                 "owner": owner, "group": group, "type": kind}
        line = f"{args['path']}: mode {value['mode']} owner {owner}({uid}) group {group}({gid}) {kind}"
        return Parsed(value, {**{key: line for key in value}, "__note__": line})
