"""Stand-ins for an Oracle server in tests: a session over a recorded catalog snapshot, and SQL*Plus.

No Oracle server can run on these machines. ``SnapshotSession`` answers the collector's SQL from a
recorded snapshot (tests/oracle_snapshots/*.json) the way python-oracledb would; ``run_sqlplus``
prints what ``sqlplus -s`` prints for the generated script: the PROMPT lines, one line per row of
the ``SELECT '<marker>:R:' || ...`` expression, and ``ERROR at line n:`` + ``ORA-`` lines for a
failing statement (a variant newer than the database fails with ORA-00904/ORA-00942).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from hardening.facts.oracle import QUERIES

SNAPSHOTS = Path(__file__).resolve().parent / "oracle_snapshots"


def load_snapshot(name: str) -> dict:
    return json.loads((SNAPSHOTS / f"{name}.json").read_text(encoding="utf-8"))


def major(snapshot: dict) -> int:
    return int(snapshot["release"].split(".")[0])


_BY_SQL: dict[str, list[tuple[str, int]]] = {}
for _name, _query in QUERIES.items():
    for _release, _sql in _query.variants.items():
        _BY_SQL.setdefault(_sql, []).append((_name, _release))


def answer(snapshot: dict, name: str, release: int) -> dict:
    """What the database returns for one query variant."""
    if release > major(snapshot):
        return {"error": "ORA-00904: \"E\".\"ENTITY_NAME\": invalid identifier" if name == "unified_policies"
                else "ORA-00942: table or view does not exist"}
    result = snapshot["queries"].get(name)
    if result is None:
        return {"error": "ORA-00942: table or view does not exist"}
    if "error" in result:
        return {"error": result["error"]}
    return {"columns": list(result["columns"]), "rows": [list(r) for r in result["rows"]]}


class SnapshotSession:
    """Quacks like hardening.oracle.session.Session over a recorded snapshot."""

    def __init__(self, snapshot: dict, override: dict | None = None):
        self.snapshot = snapshot
        self.override = override or {}
        self.queries = 0
        self.round_trips = 0
        self.closed = False
        self.seen: list[str] = []  # statements run: "name@release", or "batch" for the one-statement batch
        self.batched: list[list[str]] = []  # the "name@release" parts of each batch

    def run(self, sql: str) -> dict:
        self.queries += 1
        self.round_trips += 1
        if sql.startswith("WITH /* hardening batch:"):
            return self._batch(sql)
        name, release = _BY_SQL[sql][0]
        self.seen.append(f"{name}@{release}")
        if name in self.override:
            return self.override[name]
        return answer(self.snapshot, name, release)

    def _batch(self, sql: str) -> dict:
        """One statement for all queries: it fails as a whole if any part fails, as Oracle's would."""
        wanted = sql[len("WITH /* hardening batch:"):sql.index("*/")].split()
        self.seen.append("batch")
        self.batched.append(wanted)
        rows = []
        for item in wanted:
            name, release = item.split("@")
            result = self.override.get(name) or answer(self.snapshot, name, int(release))
            if "error" in result:
                return {"error": result["error"]}
            rows += [[name, "\x1f".join(_escape(v) for v in row)] for row in result["rows"]]
        return {"columns": ["Q", "R"], "rows": rows}

    def close(self) -> None:
        self.closed = True


def _oracle_text(value) -> str:
    """TO_CHAR of a value as SQL*Plus would print it (NLS_NUMERIC_CHARACTERS '.,')."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value).rstrip("0").rstrip(".") if "e" not in repr(value) else f"{value:f}".rstrip("0").rstrip(".")
        return text[1:] if text.startswith("0.") else ("-" + text[2:] if text.startswith("-0.") else text)
    return str(value)


def _escape(value) -> str:
    if value is None:
        return "\\N"
    text = _oracle_text(value)
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\x1f", "\\u")


def run_sqlplus(script: str, snapshot: dict, banner: str = "Enter password: \n") -> str:
    """The stdout of ``sqlplus -s user@db @collect.sql`` on the snapshot's database."""
    out = [banner.rstrip("\n")] if banner else []
    for line in script.splitlines():
        m = re.match(r"^PROMPT (.*)$", line)
        if not m:
            continue
        text = m.group(1)
        out.append(text)
        begin = re.match(r"^(HF[0-9a-f]{32}):B:(\w+)@(\d+)$", text)
        if begin:
            marker, name, release = begin.group(1), begin.group(2), int(begin.group(3))
            result = answer(snapshot, name, release)
            if "error" in result:
                out += ["FROM q", "     *", "ERROR at line 3:", result["error"], ""]
                continue
            for row in result["rows"]:
                out.append(f"{marker}:R:" + "\x1f".join(_escape(v) for v in row))
    return "\n".join(out) + "\n"
