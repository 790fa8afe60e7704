"""What to watch: a YAML policy of paths (recursive or not, include/exclude by suffix or glob,
attributes per path, growing logs) and of system objects.

A pattern is a suffix when it starts with ``.`` and has no wildcard (``.conf``), a glob on the
full path when it contains ``/`` (``/etc/*.bak``), else a glob on the name (``*.swp``).
``include`` limits which files are recorded (directories are always walked); ``exclude`` drops
files and whole directories. Where two paths overlap, the longer (more specific) one governs.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

from hardening import yamlio
from hardening.errors import InputError

HASHES = ("sha256", "sha384", "sha512", "sha3_256", "sha3_512", "blake2b")
ATTRIBUTES = ("size", "mode", "owner", "group", "mtime", "ctime", "inode", "nlink", "link", "xattrs", "acl", "selinux")
DEFAULT_ATTRIBUTES = ("sha256", "size", "mode", "owner", "group", "mtime", "ctime", "inode", "nlink", "link", "xattrs")
SYSTEM_KINDS = ("units", "modules", "users", "groups", "sudoers", "crontabs", "ports")
SEVERITIES = ("info", "low", "medium", "high", "critical")
_PATH_KEYS = {"path", "recursive", "include", "exclude", "attributes", "growing", "optional", "severity"}
_TOP_KEYS = {"version", "attributes", "paths", "system", "rescan_interval_seconds", "system_interval_seconds",
             "max_inotify_watches", "raise_inotify_limit"}


def default_policy_path() -> Path:
    return Path(str(resources.files("hardening.watch") / "default_policy.yml"))


def _compile(patterns: tuple[str, ...]):
    """(suffixes, name regex, path regex) for a list of patterns, or None if empty."""
    suffixes, names, paths = [], [], []
    for p in patterns:
        if p.startswith(".") and not any(c in p for c in "*?["):
            suffixes.append(p)
        elif "/" in p:
            paths.append(fnmatch.translate(p))
        else:
            names.append(fnmatch.translate(p))
    return (tuple(suffixes), re.compile("|".join(names)) if names else None,
            re.compile("|".join(paths)) if paths else None)


def _matches(compiled, path: str, name: str) -> bool:
    suffixes, names, paths = compiled
    return bool((suffixes and name.endswith(suffixes)) or (names and names.match(name))
                or (paths and paths.match(path)))


@dataclass
class PathRule:
    path: str
    recursive: bool = True
    include: tuple = ()
    exclude: tuple = ()
    attributes: tuple = DEFAULT_ATTRIBUTES
    growing: bool = False
    optional: bool = False
    severity: str = "high"
    line: int = 0
    _inc: object = field(default=None, repr=False, compare=False)
    _exc: object = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        self._inc = _compile(self.include) if self.include else None
        self._exc = _compile(self.exclude) if self.exclude else None
        self.hash: str | None = next((a for a in self.attributes if a in HASHES), None)

    def excluded(self, path: str, name: str) -> bool:
        return self._exc is not None and _matches(self._exc, path, name)

    def included(self, path: str, name: str) -> bool:
        """For files (not directories): passes the include list, if any."""
        return self._inc is None or _matches(self._inc, path, name)

    def to_dict(self) -> dict:
        d = asdict(self)
        for k in ("_inc", "_exc", "line"):
            d.pop(k)
        d.pop("hash", None)
        d["include"], d["exclude"], d["attributes"] = list(self.include), list(self.exclude), list(self.attributes)
        return d


@dataclass
class Policy:
    rules: list[PathRule]
    system: dict = field(default_factory=dict)
    rescan_interval_seconds: int = 3600
    system_interval_seconds: int = 60
    max_inotify_watches: int = 0          # 0: whatever the kernel allows
    raise_inotify_limit: bool = True
    source: str = ""
    skipped: list = field(default_factory=list)   # optional paths not present, as (path, reason)

    def __post_init__(self):
        self.roots = {r.path: r for r in self.rules}

    def to_dict(self) -> dict:
        return {"rules": [r.to_dict() for r in self.rules], "system": self.system,
                "rescan_interval_seconds": self.rescan_interval_seconds,
                "system_interval_seconds": self.system_interval_seconds,
                "max_inotify_watches": self.max_inotify_watches, "raise_inotify_limit": self.raise_inotify_limit,
                "source": self.source}

    @classmethod
    def from_dict(cls, d: dict) -> "Policy":
        rules = [PathRule(**{**r, "include": tuple(r["include"]), "exclude": tuple(r["exclude"]),
                             "attributes": tuple(r["attributes"])}) for r in d["rules"]]
        return cls(rules=rules, system=d.get("system", {}), rescan_interval_seconds=d["rescan_interval_seconds"],
                   system_interval_seconds=d["system_interval_seconds"],
                   max_inotify_watches=d.get("max_inotify_watches", 0),
                   raise_inotify_limit=d.get("raise_inotify_limit", True), source=d.get("source", ""))

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True).encode()).hexdigest()

    def rule_for(self, path: str) -> PathRule | None:
        """The rule governing ``path`` (None if no rule covers it or it is excluded)."""
        rule = self.roots.get(path)
        if rule is not None:
            return rule
        parts = []
        head = path
        while head not in ("/", ""):
            head, name = head.rsplit("/", 1) if "/" in head else ("", head)
            head = head or "/"
            parts.append(name)
            rule = self.roots.get(head)
            if rule is None:
                continue
            if not rule.recursive and len(parts) > 1:
                return None
            # every component below the root must not be excluded; the leaf must pass include if a file
            sub = head
            for comp in reversed(parts):
                sub = (sub.rstrip("/") + "/" + comp)
                if rule.excluded(sub, comp):
                    return None
            return rule
        return None

    def roots_under(self, path: str) -> list[PathRule]:
        prefix = path.rstrip("/") + "/"
        return [r for r in self.rules if r.path.startswith(prefix)]


def _oracle_homes() -> list[str]:
    if os.environ.get("ORACLE_HOME"):
        return [os.environ["ORACLE_HOME"]]
    homes = []
    try:
        with open("/etc/oratab", encoding="utf-8", errors="replace") as f:
            for line in f:
                fields = line.strip().split(":")
                if len(fields) >= 2 and not line.startswith("#") and fields[1].startswith("/") and fields[1] not in homes:
                    homes.append(fields[1])
    except OSError:
        pass
    return homes


def _expand(path: str) -> list[str]:
    """Environment variables expanded; ``$ORACLE_HOME`` also from /etc/oratab (one path per home)."""
    if "$ORACLE_HOME" in path or "${ORACLE_HOME}" in path:
        return [os.path.expandvars(path.replace("${ORACLE_HOME}", h).replace("$ORACLE_HOME", h))
                for h in _oracle_homes()]
    return [os.path.expandvars(path)]


def _strings(value, where: str, path: str, line: int) -> tuple:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise InputError(f"{where} must be a list of non-empty strings", path, line)
    return tuple(value)


def _attributes(value, path: str, line: int) -> tuple:
    attrs = _strings(value, "attributes", path, line)
    unknown = [a for a in attrs if a not in ATTRIBUTES and a not in HASHES]
    if unknown:
        raise InputError(f"unknown attribute(s) {', '.join(unknown)}; known: {', '.join(HASHES + ATTRIBUTES)}",
                         path, line)
    if sum(a in HASHES for a in attrs) > 1:
        raise InputError("name at most one hash per path", path, line)
    if "md5" in attrs or "sha1" in attrs:
        raise InputError("use sha256 or stronger", path, line)
    return tuple(sorted(set(attrs), key=(HASHES + ATTRIBUTES).index))


def load_policy(path: Path | str | None = None) -> Policy:
    """Read and validate a policy; errors name file:line. Paths are expanded and normalised here,
    so the baseline records exactly what was watched."""
    path = Path(path) if path else default_policy_path()
    doc = yamlio.load_file(path)
    src = str(path)
    if not isinstance(doc, dict):
        raise InputError("a policy is a mapping with a `paths:` list", src, 1)
    unknown = set(doc) - _TOP_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise InputError(f"unknown key {key!r}; known: {', '.join(sorted(_TOP_KEYS))}", src, yamlio.line_of(doc, key))
    default_attrs = _attributes(doc.get("attributes", list(DEFAULT_ATTRIBUTES)), src, yamlio.line_of(doc, "attributes"))
    items = doc.get("paths") or []
    if not isinstance(items, list):
        raise InputError("`paths` must be a list", src, yamlio.line_of(doc, "paths"))
    rules: dict[str, PathRule] = {}
    skipped = []
    for index, item in enumerate(items):
        line = yamlio.line_of(items, index)
        if isinstance(item, str):
            item = {"path": item}
        if not isinstance(item, dict) or not isinstance(item.get("path"), str):
            raise InputError("each entry of `paths` needs `path:` (a string)", src, line)
        bad = set(item) - _PATH_KEYS
        if bad:
            raise InputError(f"unknown key {sorted(bad)[0]!r}; known: {', '.join(sorted(_PATH_KEYS))}", src, line)
        severity = item.get("severity", "high")
        if severity not in SEVERITIES:
            raise InputError(f"severity must be one of {', '.join(SEVERITIES)}", src, line)
        for flag in ("recursive", "growing", "optional"):
            if flag in item and not isinstance(item[flag], bool):
                raise InputError(f"`{flag}` must be true or false", src, line)
        expanded = _expand(item["path"])
        if not expanded:
            skipped.append((item["path"], "no Oracle home found ($ORACLE_HOME unset, nothing in /etc/oratab)"))
            if not item.get("optional"):
                raise InputError(f"{item['path']}: $ORACLE_HOME is not set and /etc/oratab names no home "
                                 "(mark the path `optional: true`)", src, line)
            continue
        for p in expanded:
            if "$" in p:
                if item.get("optional"):
                    skipped.append((p, "unset environment variable"))
                    continue
                raise InputError(f"{p}: unset environment variable", src, line)
            if not p.startswith("/"):
                raise InputError(f"{p}: paths must be absolute", src, line)
            p = os.path.normpath(p)
            p = "/" + p.lstrip("/")
            rules[p] = PathRule(
                path=p, recursive=item.get("recursive", True),
                include=_strings(item.get("include"), "include", src, line),
                exclude=_strings(item.get("exclude"), "exclude", src, line),
                attributes=_attributes(item["attributes"], src, line) if "attributes" in item else default_attrs,
                growing=item.get("growing", False), optional=item.get("optional", False), severity=severity, line=line)
    system = doc.get("system", {}) or {}
    if not isinstance(system, dict):
        raise InputError("`system` must be a mapping", src, yamlio.line_of(doc, "system"))
    for key, value in system.items():
        if key == "root":
            if not isinstance(value, str) or not value.startswith("/"):
                raise InputError("system.root must be an absolute path", src, yamlio.line_of(system, key))
        elif key not in SYSTEM_KINDS:
            raise InputError(f"unknown system object {key!r}; known: {', '.join(SYSTEM_KINDS)}, root",
                             src, yamlio.line_of(system, key))
        elif not isinstance(value, bool):
            raise InputError(f"system.{key} must be true or false", src, yamlio.line_of(system, key))
    numbers = {}
    for key, default in (("rescan_interval_seconds", 3600), ("system_interval_seconds", 60), ("max_inotify_watches", 0)):
        value = doc.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise InputError(f"{key} must be a whole number ≥ 0", src, yamlio.line_of(doc, key))
        numbers[key] = value
    return Policy(rules=sorted(rules.values(), key=lambda r: r.path), system=dict(system),
                  raise_inotify_limit=bool(doc.get("raise_inotify_limit", True)), source=src, skipped=skipped,
                  **numbers)
