"""The history store: schema versioning, concurrent writers, scan references, no secrets."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from hardening.baselines import Baseline
from hardening.errors import HardeningError, InputError
from hardening.model import Check, Finding, Probe, Rule, Status, Text
from hardening.scan import TargetResult
from hardening.store import SCHEMA_VERSION, Store

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"

RULE = Rule(id="t_rule", path="linux/t/t_rule.yml", title=Text("测试规则", "Test rule"), rationale=Text("理由", "why"),
            severity="high", references={"mlps": [{"clause": "8.1.4.1 a)"}]}, platform=("linux",), parameters={},
            check=Check("all", (Probe(fact="sshd.EffectiveConfig", key="x"),)), digest="d" * 64)
BASELINE = Baseline(id="base", path="base.yml", title={"zh": "基线", "en": "Baseline"}, rules=["t_rule"],
                    digest="b" * 64, chain=["base"])


def record_scan(store: Store, status: Status = Status.FAIL, host: str = "h1") -> int:
    scan_id = store.begin_scan("2030-01-01T00:00:00+00:00", BASELINE, {"limit": 5}, "local", [RULE])
    finding = Finding("t_rule", status, "high", RULE.title, observed={"x": "9"}, expected="x ≤ 5",
                      evidence=["/etc/x:3: x 9"], reason="")
    store.add_target(scan_id, TargetResult(name=host, uri="local://", platform={"family": "debian"},
                                           findings=[finding], facts={"sshd.EffectiveConfig": {"value": {"x": "9"}}},
                                           timings={"collect_s": 0.1}))
    store.finish_scan(scan_id, "2030-01-01T00:00:01+00:00", 1, {"fail": 1})
    return scan_id


def user_version(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("PRAGMA user_version").fetchone()[0]


def test_new_database_has_the_current_schema_version(tmp_path):
    store = Store(tmp_path / "sub" / "h.db")
    store.close()
    assert SCHEMA_VERSION >= 1
    assert user_version(tmp_path / "sub" / "h.db") == SCHEMA_VERSION


def test_an_empty_database_file_is_migrated(tmp_path):
    path = tmp_path / "h.db"
    sqlite3.connect(path).close()
    assert user_version(path) == 0
    store = Store(path)
    tables = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"scans", "scan_rules", "targets", "findings"} <= tables
    assert record_scan(store) == 1
    store.close()
    assert user_version(path) == SCHEMA_VERSION
    Store(path).close()  # reopening a current database is a no-op
    assert user_version(path) == SCHEMA_VERSION


def test_a_database_from_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "h.db"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    with pytest.raises(HardeningError, match=rf"has schema {SCHEMA_VERSION + 1}, newer than this hardening"):
        Store(path)
    assert user_version(path) == SCHEMA_VERSION + 1  # left untouched


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path):
    path = tmp_path / "h.db"
    path.write_bytes(b"this is not sqlite at all, just text\n" * 100)
    with pytest.raises(HardeningError, match="history database .*h.db"):
        Store(path)


def test_a_scan_reads_back_as_written(tmp_path):
    store = Store(tmp_path / "h.db")
    scan = store.scan(record_scan(store))
    assert scan["baseline"] == "base" and scan["parameters"] == {"limit": 5} and scan["exit_code"] == 1
    assert scan["rules"] == {"t_rule": {"digest": "d" * 64, "severity": "high", "clauses": ["8.1.4.1 a)"]}}
    [target] = scan["targets"]
    assert target["name"] == "h1" and target["platform"] == {"family": "debian"}
    assert target["findings"] == [{"rule_id": "t_rule", "status": "fail", "severity": "high",
                                   "title": {"zh": "测试规则", "en": "Test rule"}, "observed": {"x": "9"},
                                   "expected": "x ≤ 5", "evidence": ["/etc/x:3: x 9"], "reason": "", "waiver": None}]
    assert store.facts(scan["scan_id"], "h1") == {"sshd.EffectiveConfig": {"value": {"x": "9"}}}
    with pytest.raises(InputError, match="has no target 'h2'"):
        store.facts(scan["scan_id"], "h2")


def _writer(path: str, count: int, host: str, barrier) -> None:
    barrier.wait(30)  # both open (and race to migrate) the fresh database at the same moment
    store = Store(Path(path))
    for _ in range(count):
        record_scan(store, host=host)
    store.close()


def test_two_processes_write_concurrently(tmp_path):
    path = tmp_path / "h.db"
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    workers = [context.Process(target=_writer, args=(str(path), 20, f"w{i}", barrier)) for i in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT COUNT(*) FROM scans").fetchone()[0] == 40
        assert db.execute("SELECT COUNT(*) FROM scans WHERE finished_at IS NULL").fetchone()[0] == 0
        assert dict(db.execute("SELECT name, COUNT(*) FROM targets GROUP BY name").fetchall()) == {"w0": 20, "w1": 20}
        assert db.execute("SELECT COUNT(*) FROM findings").fetchone()[0] == 40
        # every finding belongs to a target of its own scan
        assert db.execute("SELECT COUNT(*) FROM findings f JOIN targets t ON f.target_id = t.id"
                          " WHERE f.scan_id != t.scan_id").fetchone()[0] == 0


def _opener(path: str, barrier, failures) -> None:
    barrier.wait(30)
    try:
        Store(Path(path)).close()
    except HardeningError as exc:
        failures.put(str(exc))


def test_many_processes_opening_a_new_database_at_once(tmp_path):
    """The first open switches the file to WAL; racing openers must wait, not fail with "locked"."""
    context = multiprocessing.get_context("fork")
    failures = context.Queue()
    for round_number in range(20):
        barrier = context.Barrier(6)
        path = str(tmp_path / f"h{round_number}.db")
        openers = [context.Process(target=_opener, args=(path, barrier, failures)) for _ in range(6)]
        for opener in openers:
            opener.start()
        for opener in openers:
            opener.join(60)
            assert opener.exitcode == 0
        assert user_version(Path(path)) == SCHEMA_VERSION
    assert failures.empty(), failures.get()


@pytest.fixture
def five_scans(tmp_path) -> Store:
    store = Store(tmp_path / "h.db")
    for _ in range(5):
        record_scan(store)
    return store


@pytest.mark.parametrize("ref, expected", [
    ("3", 3), ("latest", 5), ("previous", 4), ("latest~0", 5), ("latest~1", 4), ("latest~4", 1),
])
def test_resolve_scan_id(five_scans, ref, expected):
    assert five_scans.resolve_scan_id(ref) == expected


@pytest.mark.parametrize("ref, message", [
    ("9", "no scan 9 in "), ("latest~5", "no scan 'latest~5' in "), ("latest~x", "is not a scan id"),
    ("yesterday", "'yesterday' is not a scan id"), ("-1", "is not a scan id"), ("", "is not a scan id"),
])
def test_resolve_scan_id_errors(five_scans, ref, message):
    with pytest.raises(InputError, match=message):
        five_scans.resolve_scan_id(ref)


def test_resolve_on_an_empty_history(tmp_path):
    store = Store(tmp_path / "h.db")
    for ref in ("latest", "previous", "1"):
        with pytest.raises(InputError, match="no scan"):
            store.resolve_scan_id(ref)


def test_scans_lists_newest_first(five_scans):
    listed = five_scans.scans(limit=3)
    assert [s["scan_id"] for s in listed] == [5, 4, 3]
    assert listed[0]["summary"] == {"fail": 1} and listed[0]["target_count"] == 1


def test_no_secret_is_stored(tmp_path):
    """A real local scan with passwords in the environment: the db bytes never contain them."""
    db = tmp_path / "h.db"
    secrets = {"HARDENING_SSH_PASSWORD": "Sekr3t-ssh-9f1c2b", "HARDENING_SUDO_PASSWORD": "Sekr3t-sudo-77aa01",
               "HARDENING_SSH_KEY_PASSPHRASE": "Sekr3t-pass-4e5d6c"}
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", **secrets}
    done = subprocess.run([sys.executable, "-m", "hardening", "scan", "--db", str(db), "--format", "json"],
                          capture_output=True, cwd=tmp_path, env=env, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("h.db*"))
    assert b'"scan_id"' in done.stdout and b"file_permissions_etc_shadow" in stored
    for value in secrets.values():
        assert value.encode() not in stored
        assert value.encode() not in done.stdout + done.stderr
