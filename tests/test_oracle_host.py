"""A database tied to its host: one `oracle scan` judges the database and, over SSH, its host.

The host rules themselves (rules/oracle/host/) need only an Oracle home's files, so they are
proven like the Linux rules, by scenarios in tests/scenarios/oracle_host_*/.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path


from scenario_runner import discover

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def test_database_tied_to_its_host_scans_both_in_one_scan(sandbox_host, tmp_path):
    world_readable = next(s for s in discover()
                          if s.id == "oracle_host_log_dir_permissions/world_readable.fail")
    sandbox_host.run(world_readable.script(), timeout=120)
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
