"""OS-side Oracle checks on real sandbox hosts over SSH, and a database tied to its host.

The host rules (rules/oracle/host/) need no database server - only an Oracle home's files - so
they are proven like the Linux rules: a scenario puts a fresh sandbox host into a state and a real
scan over SSH must give the verdict in the file name. The scenarios live beside the Oracle
snapshots (tests/oracle_snapshots/host_scenarios/) and run here.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from scenario_runner import findings_by_rule, scan_over_ssh

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SCENARIOS = sorted((HERE / "oracle_snapshots" / "host_scenarios").glob("*/*.sh"))


def test_every_host_rule_has_pass_and_fail_scenarios():
    from hardening import paths
    from hardening.rules import load_rules

    host_rules = {r.id for r in load_rules(paths.rule_roots()).values() if r.folder == "oracle/host"}
    seen: dict[str, set[str]] = {}
    for path in SCENARIOS:
        seen.setdefault(path.parent.name, set()).add(path.name.split(".")[-2])
    assert set(seen) == host_rules
    assert all({"pass", "fail"} <= verdicts for verdicts in seen.values()), seen


@pytest.mark.parametrize("script", SCENARIOS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_host_scenario_verdict(script, sandbox_host):
    sandbox_host.run(script.read_text(encoding="utf-8"), timeout=120)
    document, _ = scan_over_ssh(sandbox_host, [script.parent.name])
    finding = findings_by_rule(document)[script.parent.name]
    expected = script.name.split(".")[-2]
    assert finding["status"] == expected, (finding["reason"], finding["evidence"])


def test_database_tied_to_its_host_scans_both_in_one_scan(sandbox_host, tmp_path):
    sandbox_host.run((HERE / "oracle_snapshots" / "host_scenarios" / "oracle_host_log_dir_permissions"
                      / "world_readable.fail.sh").read_text(encoding="utf-8"), timeout=120)
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    closed = s.getsockname()[1]
    s.close()
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(f"""
hosts:
  dbhost: {{address: "{sandbox_host.address}", user: root}}
databases:
  orclpdb1: {{uri: "oracle://mlps_scan@127.0.0.1:{closed}/ORCLPDB1", host: dbhost}}
""")
    env = {**os.environ, "PYTHONPATH": str(REPO), "HARDENING_ORACLE_PASSWORD": "pw-not-shown",
           "HARDENING_SSH_CONFIG": str(tmp_path / "no_ssh_config")}
    done = subprocess.run([sys.executable, "-m", "hardening", "oracle", "scan", "-I", str(inventory),
                           "--identity", str(sandbox_host.key_path), "--known-hosts", str(sandbox_host.known_hosts_path),
                           "--db", str(tmp_path / "h.db"), "--format", "json"],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=180)
    assert done.returncode == 3, done.stderr  # the database could not be reached
    document = json.loads(done.stdout)
    targets = {t["name"]: t for t in document["targets"]}
    assert targets["orclpdb1"]["status"] == "error" and "connection refused" in targets["orclpdb1"]["error"]
    host = targets["dbhost"]
    assert host["status"] == "ok" and host["uri"].startswith("ssh://root@")
    statuses = {f["rule_id"]: f["status"] for f in host["findings"]}
    assert statuses == {"oracle_host_sqlnet_expire_time": "pass", "oracle_host_log_dir_permissions": "fail",
                        "oracle_host_listener_admin_restrictions": "pass", "oracle_host_listener_no_extproc": "pass"}
    assert "pw-not-shown" not in done.stdout + done.stderr
