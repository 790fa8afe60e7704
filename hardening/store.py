"""Scan history in SQLite: versioned schema with migrations, WAL for concurrent scans."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from hardening import __version__
from hardening.errors import HardeningError, InputError
from hardening.model import Rule

# Each entry upgrades the schema by one version; never edit a released entry, append one.
# Statements are split on ';', so none may contain a literal semicolon.
MIGRATIONS = [
    """
    CREATE TABLE scans (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        baseline TEXT NOT NULL,
        baseline_digest TEXT NOT NULL,
        baseline_chain TEXT NOT NULL,
        parameters TEXT NOT NULL,
        source TEXT NOT NULL,
        tool_version TEXT NOT NULL,
        exit_code INTEGER,
        summary TEXT
    );
    CREATE TABLE scan_rules (
        scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
        rule_id TEXT NOT NULL,
        digest TEXT NOT NULL,
        severity TEXT NOT NULL,
        title_zh TEXT NOT NULL,
        title_en TEXT NOT NULL,
        clauses TEXT NOT NULL,
        PRIMARY KEY (scan_id, rule_id)
    );
    CREATE TABLE targets (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        uri TEXT NOT NULL,
        status TEXT NOT NULL,
        error TEXT,
        platform TEXT NOT NULL,
        timings TEXT NOT NULL,
        facts TEXT NOT NULL
    );
    CREATE TABLE findings (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
        target_id INTEGER NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
        rule_id TEXT NOT NULL,
        status TEXT NOT NULL,
        severity TEXT NOT NULL,
        observed TEXT,
        expected TEXT NOT NULL,
        evidence TEXT NOT NULL,
        reason TEXT NOT NULL,
        waiver TEXT
    );
    CREATE INDEX findings_scan ON findings(scan_id, target_id);
    CREATE INDEX targets_scan ON targets(scan_id);
    """,
    # integrity watcher events (hardening watch), for the monthly and quarterly reports
    """
    CREATE TABLE integrity_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ts TEXT NOT NULL,
        host TEXT NOT NULL,
        event TEXT NOT NULL,
        kind TEXT NOT NULL,
        path TEXT NOT NULL,
        severity TEXT NOT NULL,
        detail TEXT NOT NULL,
        log_seq INTEGER,
        log_hash TEXT
    );
    CREATE INDEX integrity_events_ts ON integrity_events(ts);
    CREATE INDEX integrity_events_host ON integrity_events(host, ts)
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _use_wal(db: sqlite3.Connection, patience: float = 30.0) -> None:
    """Switch to WAL. When two processes open a new database at once, SQLite answers the
    loser "database is locked" at once, without its busy timeout, so wait and retry here."""
    deadline = time.monotonic() + patience
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class Store:
    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
            _use_wal(self.db)
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA busy_timeout=30000")
            self.migrate()
        except sqlite3.DatabaseError as exc:
            raise HardeningError(f"history database {self.path}: {exc}") from None
        except OSError as exc:
            raise HardeningError(f"history database {self.path}: {exc.strerror}") from None
        self.db.row_factory = sqlite3.Row

    def migrate(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise HardeningError(f"history database {self.path} has schema {version}, newer than this "
                                     f"hardening ({SCHEMA_VERSION}); upgrade hardening")
            for number in range(version, SCHEMA_VERSION):
                # statement by statement: executescript() would commit and drop our lock
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        self.db.execute(statement)
            self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self.db.close()

    # -- writing ----------------------------------------------------------------------------
    def begin_scan(self, started_at: str, baseline, parameters: dict, source: str, rules: list[Rule]) -> int:
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            cursor = self.db.execute(
                "INSERT INTO scans (started_at, baseline, baseline_digest, baseline_chain, parameters, source, tool_version)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (started_at, baseline.id, baseline.digest, _json(baseline.chain), _json(parameters), source, __version__))
            scan_id = cursor.lastrowid
            self.db.executemany(
                "INSERT INTO scan_rules VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(scan_id, r.id, r.digest, r.severity, r.title.zh, r.title.en, _json(r.mlps_clauses())) for r in rules])
        return scan_id

    def add_target(self, scan_id: int, result) -> None:
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            cursor = self.db.execute(
                "INSERT INTO targets (scan_id, name, uri, status, error, platform, timings, facts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (scan_id, result.name, result.uri, result.status, result.error, _json(result.platform),
                 _json(result.timings), _json(result.facts)))
            target_id = cursor.lastrowid
            self.db.executemany(
                "INSERT INTO findings (scan_id, target_id, rule_id, status, severity, observed, expected, evidence, reason, waiver)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(scan_id, target_id, f.rule_id, f.status.value, f.severity, _json(f.observed), f.expected,
                  _json(f.evidence), f.reason, _json(f.waiver) if f.waiver else None) for f in result.findings])

    def finish_scan(self, scan_id: int, finished_at: str, exit_code: int, summary: dict) -> None:
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("UPDATE scans SET finished_at=?, exit_code=?, summary=? WHERE id=?",
                            (finished_at, exit_code, _json(summary), scan_id))

    def add_integrity_events(self, events: list[dict]) -> None:
        """Store watcher events (the hash-chained log stays the evidence; this is for reports)."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany(
                "INSERT INTO integrity_events (ts, host, event, kind, path, severity, detail, log_seq, log_hash)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(e["ts"], e.get("host", ""), e["event"], e.get("kind", ""), e.get("path", ""),
                  e.get("severity", "info"), _json({k: v for k, v in e.items() if k not in (
                      "ts", "host", "event", "kind", "path", "severity", "seq", "prev")}),
                  e.get("seq"), e.get("prev")) for e in events])

    # -- reading ----------------------------------------------------------------------------
    def integrity_events(self, since: str | None = None, until: str | None = None, host: str | None = None,
                         limit: int | None = None) -> list[dict]:
        """Watcher events between two ISO times (inclusive start, exclusive end), oldest first."""
        sql, args = "SELECT * FROM integrity_events WHERE 1=1", []
        for clause, value in ((" AND ts >= ?", since), (" AND ts < ?", until), (" AND host = ?", host)):
            if value is not None:
                sql += clause
                args.append(value)
        sql += " ORDER BY id" + (" LIMIT ?" if limit else "")
        rows = self.db.execute(sql, args + ([limit] if limit else [])).fetchall()
        return [{**dict(r), "detail": json.loads(r["detail"])} for r in rows]

    def scans(self, limit: int = 20) -> list[dict]:
        rows = self.db.execute(
            "SELECT s.*, (SELECT COUNT(*) FROM targets t WHERE t.scan_id = s.id) AS target_count,"
            " (SELECT COUNT(*) FROM targets t WHERE t.scan_id = s.id AND t.status = 'error') AS target_errors"
            " FROM scans s ORDER BY s.id DESC LIMIT ?", (limit,)).fetchall()
        return [self._scan_dict(r) for r in rows]

    def resolve_scan_id(self, ref: str) -> int:
        """A scan id, or ``latest`` / ``previous`` / ``latest~N``."""
        if ref.isdigit():
            if self.db.execute("SELECT 1 FROM scans WHERE id=?", (int(ref),)).fetchone() is None:
                raise InputError(f"no scan {ref} in {self.path}")
            return int(ref)
        back = {"latest": 0, "previous": 1}.get(ref)
        if back is None and ref.startswith("latest~") and ref[7:].isdigit():
            back = int(ref[7:])
        if back is None:
            raise InputError(f"{ref!r} is not a scan id (a number, latest, previous or latest~N)")
        row = self.db.execute("SELECT id FROM scans ORDER BY id DESC LIMIT 1 OFFSET ?", (back,)).fetchone()
        if row is None:
            raise InputError(f"no scan {ref!r} in {self.path}")
        return row["id"]

    def scan(self, scan_id: int) -> dict:
        row = self.db.execute("SELECT * FROM scans WHERE id=?", (scan_id,)).fetchone()
        if row is None:
            raise InputError(f"no scan {scan_id} in {self.path}")
        scan = self._scan_dict(row)
        rules = {r["rule_id"]: dict(r) for r in self.db.execute("SELECT * FROM scan_rules WHERE scan_id=?", (scan_id,))}
        targets = []
        for t in self.db.execute("SELECT * FROM targets WHERE scan_id=? ORDER BY id", (scan_id,)).fetchall():
            findings = []
            for f in self.db.execute("SELECT * FROM findings WHERE target_id=? ORDER BY id", (t["id"],)):
                rule = rules.get(f["rule_id"], {})
                findings.append({
                    "rule_id": f["rule_id"], "status": f["status"], "severity": f["severity"],
                    "title": {"zh": rule.get("title_zh", ""), "en": rule.get("title_en", "")},
                    "observed": json.loads(f["observed"]) if f["observed"] else None,
                    "expected": f["expected"], "evidence": json.loads(f["evidence"]), "reason": f["reason"],
                    "waiver": json.loads(f["waiver"]) if f["waiver"] else None})
            targets.append({"name": t["name"], "uri": t["uri"], "status": t["status"], "error": t["error"],
                            "platform": json.loads(t["platform"]), "timings": json.loads(t["timings"]),
                            "findings": findings})
        scan["targets"] = targets
        scan["rules"] = {rid: {"digest": r["digest"], "severity": r["severity"], "clauses": json.loads(r["clauses"])}
                         for rid, r in rules.items()}
        return scan

    def facts(self, scan_id: int, target: str) -> dict:
        row = self.db.execute("SELECT facts FROM targets WHERE scan_id=? AND name=?", (scan_id, target)).fetchone()
        if row is None:
            raise InputError(f"scan {scan_id} has no target {target!r}")
        return json.loads(row["facts"])

    @staticmethod
    def _scan_dict(row) -> dict:
        scan = dict(row)
        for key in ("baseline_chain", "parameters", "summary"):
            if scan.get(key):
                scan[key] = json.loads(scan[key])
        scan["scan_id"] = scan.pop("id")
        return scan

    # -- reading for reports (read-only; hardening.report) --------------------------------------
    def scans_between(self, start: str, end: str) -> list[dict]:
        """Finished scans whose start time falls in [start, end) (ISO texts compared as UTC), oldest first."""
        rows = self.db.execute(
            "SELECT s.*, (SELECT COUNT(*) FROM targets t WHERE t.scan_id = s.id) AS target_count,"
            " (SELECT COUNT(*) FROM targets t WHERE t.scan_id = s.id AND t.status = 'error') AS target_errors"
            " FROM scans s WHERE s.finished_at IS NOT NULL AND s.started_at >= ? AND s.started_at < ?"
            " ORDER BY s.started_at, s.id", (start, end)).fetchall()
        return [self._scan_dict(r) for r in rows]

    def scan_rule_meta(self, scan_ids: list[int]) -> dict[str, dict]:
        """Rule id → {title_zh, title_en, severity, clauses, digest} as stored; a later scan wins."""
        meta: dict[str, dict] = {}
        for scan_id in sorted(scan_ids):
            for r in self.db.execute("SELECT * FROM scan_rules WHERE scan_id=? ORDER BY rule_id", (scan_id,)):
                meta[r["rule_id"]] = {"title_zh": r["title_zh"], "title_en": r["title_en"], "severity": r["severity"],
                                      "clauses": json.loads(r["clauses"]), "digest": r["digest"]}
        return meta

    def target_rows(self, scan_ids: list[int]) -> list[dict]:
        """Targets of these scans (no facts, no findings): scan_id, id, name, uri, status, error, platform."""
        rows = []
        for scan_id in sorted(scan_ids):
            for t in self.db.execute("SELECT id, scan_id, name, uri, status, error, platform FROM targets"
                                     " WHERE scan_id=? ORDER BY id", (scan_id,)):
                rows.append({**dict(t), "platform": json.loads(t["platform"])})
        return rows

    def finding_rows(self, scan_id: int, details: bool = False):
        """Findings of one scan as compact tuples, in storage order, without loading facts:
        (target_id, rule_id, status, severity, waiver) or, with ``details``, also
        (observed, expected, evidence, reason)."""
        columns = "target_id, rule_id, status, severity, waiver"
        if details:
            columns += ", observed, expected, evidence, reason"
        cursor = self.db.execute(f"SELECT {columns} FROM findings WHERE scan_id=? ORDER BY id", (scan_id,))
        cursor.row_factory = None
        for row in cursor:
            waiver = json.loads(row[4]) if row[4] else None
            if details:
                yield (row[0], row[1], row[2], row[3], waiver, json.loads(row[5]) if row[5] else None, row[6],
                       json.loads(row[7]), row[8])
            else:
                yield (row[0], row[1], row[2], row[3], waiver)

    def has_table(self, name: str) -> bool:
        return self.db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone() is not None
