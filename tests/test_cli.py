"""The command line, run as a real process: help, exit codes, JSON schema, history, diff, offline bundles.

Scans here are local scans of this machine (run as root) with a tiny rule set: the fixture rule
``test_file_mode`` checks a temporary file whose mode the tests change between scans.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import click
import jsonschema
import pytest
from click.testing import CliRunner

from hardening import paths
from hardening.cli import cli, main
from hardening.diff import classify, diff_scans
from hardening.facts import instance_key
from hardening.rules import load_rules
from hardening.scan import needed_facts
from hardening.store import Store

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SCHEMA = json.loads((REPO / "hardening" / "schemas" / "scan.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


def hardening(*args: str, cwd: Path, check_rc: int | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m hardening`` in a clean environment; never a traceback, whatever the outcome."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HARDENING_")}
    env.update(PYTHONPATH=str(REPO), NO_COLOR="1", LANG="C.UTF-8", HARDENING_DB=str(cwd / "default.db"))
    done = subprocess.run([sys.executable, "-m", "hardening", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    assert "internal error" not in done.stderr, done.stderr
    if check_rc is not None:
        assert done.returncode == check_rc, (args, done.returncode, done.stdout[-2000:], done.stderr)
    return done


def valid_scan(text: str) -> dict:
    document = json.loads(text)
    errors = sorted(VALIDATOR.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    return document


def statuses(document: dict) -> dict[str, str]:
    [target] = document["targets"]
    return {f["rule_id"]: f["status"] for f in target["findings"]}


# ------------------------------------------------------------------------------------ help
def all_commands(group: click.Group, path=()) -> list[tuple[str, ...]]:
    found = [path]
    context = click.Context(group)
    for name in group.list_commands(context):  # the root group loads its commands lazily
        command = group.get_command(context, name)
        found += all_commands(command, path + (name,)) if isinstance(command, click.Group) else [path + (name,)]
    return found


COMMANDS = all_commands(cli)


def test_command_list_is_complete():
    assert {"scan", "collect-script", "evaluate", "history", "show", "diff", "rules", "baselines"} <= {
        c[0] for c in COMMANDS if c}
    assert ("rules", "lint") in COMMANDS and ("baselines", "show") in COMMANDS


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "hardening")
def test_every_command_has_help_with_an_example(command):
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output
    assert "Usage:" in result.output


@pytest.mark.parametrize("command", ["apply", "rollback"])
def test_ask_pass_says_which_password_a_database_bundle_asks_for(command):
    help_text = " ".join(CliRunner().invoke(cli, [command, "--help"]).output.split())
    assert "for a database bundle, the database's (or set HARDENING_ORACLE_PASSWORD)" in help_text
    assert "HARDENING_ORACLE_PASSWORD" not in " ".join(CliRunner().invoke(cli, ["scan", "--help"]).output.split())


def test_help_and_version_as_a_process(tmp_path):
    assert "Example" in hardening("--help", cwd=tmp_path, check_rc=0).stdout
    assert "hardening, version" in hardening("--version", cwd=tmp_path, check_rc=0).stdout


# ---------------------------------------------------------------------- a workspace with two scans
class Workspace:
    def __init__(self, root: Path):
        self.root = root
        self.db = root / "history.db"
        self.target = root / "target.conf"
        self.target.write_text("setting = 1\n", encoding="utf-8")
        self.baselines = root / "baselines"
        self.baselines.mkdir()
        (self.baselines / "tmp_files.yml").write_text(
            "id: tmp_files\n"
            "title: {zh: 临时文件基线, en: Temporary file baseline}\n"
            "rules:\n  - test_file_mode\n"
            f"variables:\n  test_file_path: {json.dumps(str(self.target))}\n", encoding="utf-8")

    def scan_args(self, *extra: str) -> list[str]:
        return ["scan", "--db", str(self.db), "--rules-dir", str(DATA / "rules"), "--baselines-dir",
                str(self.baselines), "--baseline", "tmp_files", *extra]

    def run(self, *args: str, check_rc: int | None = None) -> subprocess.CompletedProcess:
        return hardening(*args, cwd=self.root, check_rc=check_rc)


@pytest.fixture(scope="module")
def two_scans(tmp_path_factory) -> tuple[Workspace, dict, dict]:
    """Scan 1: the file is 0644 (fail, exit 1). Scan 2: chmod 0600 (pass, exit 0)."""
    ws = Workspace(tmp_path_factory.mktemp("cli"))
    ws.target.chmod(0o644)
    first = valid_scan(ws.run(*ws.scan_args("--format", "json"), check_rc=1).stdout)
    ws.target.chmod(0o600)
    second = valid_scan(ws.run(*ws.scan_args("--format", "json", "--output", str(ws.root / "out.json")),
                               check_rc=0).stdout)
    return ws, first, second


def test_scan_json_reports_fail_then_pass(two_scans):
    _ws, first, second = two_scans
    assert statuses(first) == {"test_file_mode": "fail"}
    assert statuses(second) == {"test_file_mode": "pass"}
    [finding] = first["targets"][0]["findings"]
    assert finding["observed"] == {"exists": True, "mode": "0644"}
    assert "0644" in finding["evidence"][0]
    assert first["exit_code"] == 1 and second["exit_code"] == 0
    assert first["source"] == "local" and first["baseline_chain"] == ["tmp_files"]
    assert first["summary"]["fail"] == 1 and second["summary"]["compliance_rate"] == 1.0
    assert second["scan_id"] == first["scan_id"] + 1


def test_schema_is_valid_and_not_vacuous(two_scans):
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    _ws, first, _second = two_scans
    for path, value in [(("targets", 0, "findings", 0, "status"), "passed"), (("summary", "fail"), -1),
                        (("targets", 0, "findings", 0, "title"), {"en": "no zh"}), (("exit_code",), 7),
                        (("targets", 0, "findings", 0, "surprise"), 1), (("source",), "ftp")]:
        document = json.loads(json.dumps(first))
        *parents, last = path
        node = document
        for part in parents:
            node = node[part]
        node[last] = value
        assert not VALIDATOR.is_valid(document), path


def test_output_file_is_the_printed_document(two_scans):
    ws, _first, second = two_scans
    assert json.loads((ws.root / "out.json").read_text(encoding="utf-8")) == second


def test_history_lists_both_scans(two_scans):
    ws, first, second = two_scans
    scans = json.loads(ws.run("history", "--db", str(ws.db), "--format", "json", check_rc=0).stdout)
    assert [(s["scan_id"], s["exit_code"]) for s in scans] == [(second["scan_id"], 0), (first["scan_id"], 1)]
    table = ws.run("history", "--db", str(ws.db), "-n", "1", check_rc=0).stdout
    assert "tmp_files" in table and len(table.strip().splitlines()) == 2


def test_show_latest_reproduces_the_scan_document(two_scans):
    ws, first, second = two_scans
    assert valid_scan(ws.run("show", "latest", "--db", str(ws.db), "--format", "json", check_rc=0).stdout) == second
    assert valid_scan(ws.run("show", "latest~1", "--db", str(ws.db), "--format", "json", check_rc=0).stdout) == first
    text = ws.run("show", "previous", "--db", str(ws.db), "--lang", "zh", check_rc=0).stdout
    assert "FAIL" in text and "test_file_mode" in text and "文件权限" in text


def test_diff_previous_latest_marks_the_rule_fixed(two_scans):
    ws, first, second = two_scans
    diff = json.loads(ws.run("diff", "previous", "latest", "--db", str(ws.db), "--format", "json", check_rc=0).stdout)
    assert (diff["schema"], diff["scan_a"], diff["scan_b"]) == ("hardening-diff/1", first["scan_id"], second["scan_id"])
    assert [(r["host"], r["rule_id"], r["before"], r["after"], r["category"]) for r in diff["rows"]] == [
        ("localhost", "*host*", "ok", "ok", "unchanged"), ("localhost", "test_file_mode", "fail", "pass", "fixed")]
    assert diff["counts"] == {"fixed": 1, "unchanged": 1}
    table = ws.run("diff", "previous", "--db", str(ws.db), check_rc=0).stdout
    assert table.startswith("fixed ") and "1 fixed" in table
    back = json.loads(ws.run("diff", "latest", "previous", "--db", str(ws.db), "--format", "json").stdout)
    assert back["rows"][1]["category"] == "newly_failing"


@pytest.mark.parametrize("before, after, category", [
    ("fail", "pass", "fixed"), ("error", "notapplicable", "fixed"), ("pass", "fail", "newly_failing"),
    ("waived", "fail", "newly_failing"), ("pass", "error", "newly_failing"), ("fail", "error", "still_failing"),
    ("fail", "waived", "changed"), ("error", "manual", "changed"), ("pass", "notapplicable", "changed"),
    ("pass", "pass", "unchanged"), (None, "fail", "new_rule"), ("pass", None, "removed"),
    ("ok", "error", "newly_failing"), ("error", "ok", "fixed"),
])
def test_diff_categories(before, after, category):
    assert classify(before, after) == category


def test_diff_of_a_host_that_went_down():
    def scan(status, findings):
        return {"targets": [{"name": "h1", "status": status, "error": "unreachable" if status == "error" else None,
                             "findings": findings}]}
    up = scan("ok", [{"rule_id": "r", "status": "pass", "title": {"zh": "规则", "en": "rule"}, "reason": ""}])
    rows = {r["rule_id"]: r for r in diff_scans(up, scan("error", []))}
    assert rows["*host*"]["category"] == "newly_failing" and rows["*host*"]["reason"] == "unreachable"
    assert rows["r"]["category"] == "removed"


def test_waived_and_expired_waivers_in_a_real_scan(tmp_path):
    ws = Workspace(tmp_path)
    ws.target.chmod(0o666)
    with (ws.baselines / "tmp_files.yml").open("a", encoding="utf-8") as base:
        base.write("waivers:\n  - {rule: test_file_mode, hosts: [local*], justification: Lab file,"
                   " approver: Officer, expires: 2999-12-31}\n")
    waived = valid_scan(ws.run(*ws.scan_args("--format", "json"), check_rc=0).stdout)
    finding = waived["targets"][0]["findings"][0]
    assert finding["status"] == "waived" and finding["waiver"]["original_status"] == "fail"
    text = (ws.baselines / "tmp_files.yml").read_text(encoding="utf-8").replace("2999-12-31", "2001-02-03")
    (ws.baselines / "tmp_files.yml").write_text(text, encoding="utf-8")
    expired = valid_scan(ws.run(*ws.scan_args("--format", "json"), check_rc=1).stdout)
    finding = expired["targets"][0]["findings"][0]
    assert finding["status"] == "fail" and finding["reason"].startswith("waiver expired on 2001-02-03")


def test_var_override_reaches_the_check(tmp_path):
    ws = Workspace(tmp_path)
    ws.target.chmod(0o640)
    assert statuses(valid_scan(ws.run(*ws.scan_args("--format", "json"), check_rc=1).stdout)) == {
        "test_file_mode": "fail"}
    loose = valid_scan(ws.run(*ws.scan_args("--format", "json", "--var", "test_file_mode=0644"), check_rc=0).stdout)
    assert loose["parameters"]["test_file_mode"] == "0644"


def test_unreachable_host_exits_3(tmp_path):
    ws = Workspace(tmp_path)
    done = ws.run(*ws.scan_args("ssh://root@127.0.0.1:1", "--connect-timeout", "3", "--known-hosts",
                                str(tmp_path / "known_hosts"), "--format", "json"), check_rc=3)
    document = valid_scan(done.stdout)
    [target] = document["targets"]
    assert target["status"] == "error" and target["error"] and target["findings"] == []
    assert document["summary"]["hosts_failed"] == 1


# ----------------------------------------------------------------------------------- bad input
def bad_inputs(ws: Workspace) -> dict[str, list[str]]:
    broken = ws.baselines / "broken.yml"
    broken.write_text("id: broken\ntitle: {zh: 坏, en: broken\nrules: [test_file_mode]\n", encoding="utf-8")
    (ws.root / "not_a_bundle.json").write_text('{"format": "something else"}', encoding="utf-8")
    (ws.root / "garbage.json").write_bytes(b"\x00\xffnot json")
    newer = ws.root / "newer.db"
    with sqlite3.connect(newer) as db:
        db.execute("PRAGMA user_version=999")
    db = ["--db", str(ws.db)]
    return {
        "unknown baseline": ["scan", "--baseline", "no_such_baseline", *db],
        "malformed baseline": ws.scan_args()[:-1] + ["broken"],
        "malformed baseline by path": ["scan", "--baseline", str(broken), *db],
        "unknown rule": ws.scan_args("--rule", "no_such_rule"),
        "unknown --var": ws.scan_args("--var", "no_such_parameter=1"),
        "--var without =": ws.scan_args("--var", "test_file_mode"),
        "--var of the wrong type": ["scan", "--var", "ssh_max_auth_tries=many", *db],
        "broken rules folder": ["scan", "--rules-dir", str(DATA / "bad_rules" / "unknown_key"), *db],
        "unsupported target": ws.scan_args("ftp://host"),
        "password in target": ws.scan_args("ssh://root:secret@host"),
        "unwritable --output": ws.scan_args("--output", str(ws.root / "no" / "such" / "dir.json")),
        "unknown scan id": ["show", "99", *db],
        "bad scan reference": ["diff", "yesterday", "latest", *db],
        "newer database": ["history", "--db", str(newer)],
        "not a bundle": ["evaluate", str(ws.root / "not_a_bundle.json"), *db],
        "garbage bundle": ["evaluate", str(ws.root / "garbage.json"), *db],
        "missing bundle": ["evaluate", str(ws.root / "missing.json"), *db],
        "collect-script unknown rule": ["collect-script", "--rule", "no_such_rule"],
        "rules show unknown": ["rules", "show", "no_such_rule"],
        "baselines show unknown": ["baselines", "show", "no_such_baseline"],
        "bad option value": ["history", "--limit", "0", *db],
    }


EXPECTED_WORDS = {
    "unknown baseline": "unknown baseline 'no_such_baseline'",
    "malformed baseline": "broken.yml:3: malformed YAML",
    "malformed baseline by path": "broken.yml:3: malformed YAML",
    "unknown rule": "unknown rule(s): no_such_rule",
    "unknown --var": "--var no_such_parameter",
    "--var without =": "'test_file_mode' is not NAME=VALUE",
    "--var of the wrong type": "--var ssh_max_auth_tries=many: must be a int",
    "broken rules folder": "unknown_key_rule.yml:9: unknown key 'colour'",
    "unwritable --output": "cannot write",
    "unknown scan id": "no scan 99",
    "newer database": "newer than this hardening",
    "garbage bundle": "not valid JSON",
}
AS_A_PROCESS = ["unknown baseline", "malformed baseline", "unknown rule", "--var without =", "--var of the wrong type"]


def test_bad_input_exits_2_as_a_process(tmp_path):
    """The cases the issue names, through a real interpreter and exit status."""
    ws = Workspace(tmp_path)
    cases = bad_inputs(ws)
    with ThreadPoolExecutor(max_workers=len(AS_A_PROCESS)) as pool:  # independent processes, side by side
        results = dict(zip(AS_A_PROCESS, pool.map(lambda name: ws.run(*cases[name]), AS_A_PROCESS)))
    for name, done in results.items():
        assert done.returncode == 2, (name, done.returncode, done.stderr)
        assert EXPECTED_WORDS[name] in done.stderr, (name, done.stderr)
    assert not (ws.root / "default.db").exists()  # --db was honoured


def test_bad_input_exits_2_with_one_clear_line(tmp_path, monkeypatch, capsys):
    """Every bad input through the real entry point, main(), in this process (a process each is slow)."""
    ws = Workspace(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HARDENING_DB", str(tmp_path / "default.db"))
    for name, args in bad_inputs(ws).items():
        monkeypatch.setattr(sys, "argv", ["hardening", *args])
        with pytest.raises(SystemExit) as exited:
            main()
        out, err = capsys.readouterr()
        assert exited.value.code == 2, (name, exited.value.code, err)
        assert err.strip() and "Traceback" not in err and "internal error" not in err, (name, err)
        assert EXPECTED_WORDS.get(name, "") in err, (name, err)
    assert not (tmp_path / "default.db").exists()  # --db was honoured everywhere


# ---------------------------------------------------------------------------- offline bundles
def test_collect_script_then_evaluate_equals_scan(tmp_path):
    """Same machine, same rules: the offline path and the local scan collect the same facts and
    judge them alike. Facts that change between two reads (process lists, listening sockets,
    disk usage) cannot be compared, so rules resting on a fact that differed are left out."""
    ws = Workspace(tmp_path)
    script = ws.run("collect-script", "--baseline", "mlps_l3_linux", check_rc=0).stdout
    assert script.startswith("#!/bin/sh")
    (tmp_path / "collect.sh").write_text(script, encoding="utf-8")
    with (tmp_path / "bundle.json").open("wb") as bundle:
        done = subprocess.run(["sh", str(tmp_path / "collect.sh")], stdout=bundle, stderr=subprocess.PIPE,
                              cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    evaluated = ws.run("evaluate", str(tmp_path / "bundle.json"), "--db", str(ws.db), "--format", "json")
    scanned = ws.run("scan", "--baseline", "mlps_l3_linux", "--db", str(ws.db), "--format", "json")
    bundle_doc, scan_doc = valid_scan(evaluated.stdout), valid_scan(scanned.stdout)
    assert evaluated.returncode in (0, 1) and scanned.returncode in (0, 1)
    assert bundle_doc["source"] == "bundle" and scan_doc["source"] == "local"
    assert bundle_doc["baseline"] == "mlps_l3_linux"
    assert bundle_doc["targets"][0]["uri"] == "bundle:bundle.json"
    assert bundle_doc["targets"][0]["platform"] == scan_doc["targets"][0]["platform"]
    assert statuses(bundle_doc).keys() == statuses(scan_doc).keys() and len(statuses(scan_doc)) >= 10

    store = Store(ws.db)
    facts = [store.facts(doc["scan_id"], doc["targets"][0]["name"]) for doc in (bundle_doc, scan_doc)]
    assert facts[0].keys() == facts[1].keys()
    same = {key for key in facts[0] if (facts[0][key]["value"], facts[0][key]["error"]) ==
            (facts[1][key]["value"], facts[1][key]["error"])}
    catalog = load_rules(paths.rule_roots())
    compared = {}
    for rule_id, status in statuses(scan_doc).items():
        keys = {instance_key(fact, args) for fact, args in needed_facts([catalog[rule_id]], scan_doc["parameters"])}
        if keys <= same:
            compared[rule_id] = status
    assert len(compared) >= 0.7 * len(statuses(scan_doc)), sorted(set(facts[0]) - same)
    assert {r: statuses(bundle_doc)[r] for r in compared} == compared
