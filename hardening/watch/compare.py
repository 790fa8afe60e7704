"""Baseline entry vs observed entry → one event (added, removed, changed), in readable terms."""

from __future__ import annotations

import grp
import hashlib
import json
import pwd
from datetime import datetime, timezone
from functools import lru_cache

from hardening.watch.policy import PathRule
from hardening.watch.snapshot import show
from hardening.watch.system import kind_of

NAMES = {"t": "type", "s": "size", "m": "mode", "u": "owner", "g": "group", "mt": "mtime", "ct": "ctime",
         "i": "inode", "n": "nlink", "l": "link", "x": "xattrs", "acl": "acl", "se": "selinux"}
TYPES = {"f": "file", "d": "directory", "l": "symlink", "c": "char device", "b": "block device", "p": "fifo",
         "s": "socket"}
GROWING_TOLERATES = {"s", "mt", "ct", "h"}


@lru_cache(maxsize=4096)
def _user(uid: int) -> str:
    try:
        return f"{uid} ({pwd.getpwuid(uid).pw_name})"
    except KeyError:
        return str(uid)


@lru_cache(maxsize=4096)
def _group(gid: int) -> str:
    try:
        return f"{gid} ({grp.getgrgid(gid).gr_name})"
    except KeyError:
        return str(gid)


def _time(ns: int) -> str:
    return datetime.fromtimestamp(ns / 1e9, timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def display(key: str, value):
    if value is None:
        return None
    if key == "m":
        return f"{value:04o}"
    if key == "u":
        return _user(value)
    if key == "g":
        return _group(value)
    if key in ("mt", "ct"):
        return _time(value)
    if key == "t":
        return TYPES.get(value, value)
    if key == "l":
        return show(value)
    return value


def describe(entry: dict, hash_name: str | None) -> dict:
    if "a" in entry:
        return dict(entry["a"])
    out = {}
    for k, v in entry.items():
        if k == "h":
            out[hash_name or "hash"] = v
        elif k in NAMES:
            out[NAMES[k]] = display(k, v)
        elif k == "err":
            out["problem"] = v
    return out


def state_digest(entry: dict | None) -> str:
    if entry is None:
        return "absent"
    return hashlib.sha256(json.dumps(entry, sort_keys=True).encode()).hexdigest()[:32]


def differences(rule: PathRule | None, old: dict, new: dict) -> dict:
    """{attribute: [before, after]} over the recorded attributes (the fast-path key ``fp`` excluded)."""
    if "a" in old or "a" in new:
        a, b = old.get("a", {}), new.get("a", {})
        return {k: [a.get(k), b.get(k)] for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)}
    tolerate: set = set()
    if rule is not None and rule.growing and isinstance(old.get("s"), int) and isinstance(new.get("s"), int) \
            and new["s"] >= old["s"] and old.get("t") == new.get("t") == "f":
        tolerate = GROWING_TOLERATES
    changes = {}
    for k in sorted((set(old) | set(new)) - {"fp", "err"}):
        if k in tolerate:
            continue
        before, after = old.get(k), new.get(k)
        if before == after:
            continue
        if k == "h":
            if before is None and "err" in old or after is None and "err" in new:
                continue    # could not be read on one side: reported as a problem, not as a change
            changes[(rule.hash if rule else None) or "hash"] = [before, after]
        else:
            changes[NAMES.get(k, k)] = [display(k, before), display(k, after)]
    return changes


def event(path: str, rule: PathRule | None, old: dict | None, new: dict | None) -> dict | None:
    """The event for one object, or None when it matches the baseline."""
    if old is None and new is None or old == new:
        return None
    kind = kind_of(path) if path.startswith("@") else "file"
    record = {"kind": kind, "path": show(path), "severity": rule.severity if rule else "high"}
    if rule is not None:
        record["rule"] = rule.path
    if record["path"] != path:
        record["path_hex"] = path.encode("utf-8", "surrogateescape").hex()
    hash_name = rule.hash if rule else None
    if old is None:
        record.update(event="added", after=describe(new, hash_name))
    elif new is None:
        record.update(event="removed", before=describe(old, hash_name))
    else:
        if old == new:
            return None
        changes = differences(rule, old, new)
        if not changes:
            return None
        record.update(event="changed", changes=changes)
    record["state"] = state_digest(new)
    return record


def summary(record: dict) -> str:
    """One line for people: ``changed  /etc/passwd  sha256, size, mtime``."""
    event = record.get("event", "?")
    what = record.get("path", "")
    if event == "changed":
        detail = ", ".join(record.get("changes", {}))
    elif event in ("added", "removed"):
        detail = record.get("kind", "")
    else:
        detail = record.get("message", "")
    return f"{event:<9} {what}  {detail}".rstrip()
