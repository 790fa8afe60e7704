"""The python-oracledb transport as far as it goes without a server, the CLI and the inventory.

Real sockets on loopback: a closed port (refused), a port that accepts and never answers (timeout).
Errors only a server can produce (wrong password, locked account, 11g, NNE) are mapped from
exceptions shaped like python-oracledb's (``args[0].full_code``).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from hardening.errors import InputError, TargetError
from hardening.oracle.account import audit_account_sql
from hardening.oracle.session import connect, describe_error
from hardening.oracle.target import DbTarget, load_database_inventory, parse_databases, parse_oracle_target
from hardening.secrets import Secret
from oracle_sim import load_snapshot, run_sqlplus

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "Sup3r-S3cret!pw"


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture
def silent_listener():
    """A loopback port that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted = []
    stop = threading.Event()

    def loop():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(2)
    for conn in accepted:
        conn.close()
    server.close()


# --------------------------------------------------------------------------------------------
# Targets
# --------------------------------------------------------------------------------------------
def test_target_forms():
    t = parse_oracle_target("oracle://mlps_scan@10.0.0.5:1521/ORCLPDB1")
    assert (t.user, t.host, t.port, t.service) == ("mlps_scan", "10.0.0.5", 1521, "ORCLPDB1")
    assert t.uri == "oracle://mlps_scan@10.0.0.5:1521/ORCLPDB1" and "SERVICE_NAME=ORCLPDB1" in t.dsn()
    sid = parse_oracle_target("oracle://scan@db11?sid=ORCL")
    assert sid.sid == "ORCL" and sid.port == 1521 and "(SID=ORCL)" in sid.dsn()
    alias = parse_oracle_target("oracle://scan@PROD_TNS")
    assert alias.alias == "PROD_TNS" and alias.dsn() == "PROD_TNS" and alias.uri == "oracle://scan@PROD_TNS"
    tls = parse_oracle_target("oracle://scan@db:2484/svc?protocol=tcps&wallet=/etc/wallet")
    assert "(PROTOCOL=TCPS)" in tls.dsn() and tls.wallet == "/etc/wallet"


@pytest.mark.parametrize("text, message", [
    ("oracle://scan:secret@db:1521/svc", "never put a password"),
    ("ssh://db:1521/svc", "unsupported database target"),
    ("oracle://scan@db:notaport/svc", "bad port"),
    ("oracle://scan@db:1521", "needs a service name"),
    ("oracle://scan@db:1521/svc?user=x", "unknown option"),
    ("oracle://scan@db:1521/svc?protocol=udp", "tcp or tcps"),
])
def test_bad_targets_are_one_line_input_errors(text, message):
    with pytest.raises(InputError, match=message) as info:
        parse_oracle_target(text)
    assert "secret" not in str(info.value) and "\n" not in str(info.value)


# --------------------------------------------------------------------------------------------
# Connecting: real loopback sockets
# --------------------------------------------------------------------------------------------
def test_connection_refused_on_a_closed_port():
    target = parse_oracle_target(f"oracle://mlps_scan@127.0.0.1:{closed_port()}/ORCLPDB1")
    with pytest.raises(TargetError) as info:
        connect(target, Secret(PASSWORD), connect_timeout=3)
    message = str(info.value)
    assert "connection refused" in message and "\n" not in message and PASSWORD not in message


def test_a_port_that_never_answers_times_out(silent_listener):
    target = parse_oracle_target(f"oracle://mlps_scan@127.0.0.1:{silent_listener}/ORCLPDB1")
    started = time.monotonic()
    with pytest.raises(TargetError) as info:
        connect(target, Secret(PASSWORD), connect_timeout=1.5)
    elapsed = time.monotonic() - started
    assert elapsed < 6, elapsed
    message = str(info.value)
    assert "timed out" in message and "no Oracle listener answered" in message
    assert PASSWORD not in message and "\n" not in message


def test_unknown_tns_alias(tmp_path):
    target = parse_oracle_target(f"oracle://mlps_scan@NOPE?tns_admin={tmp_path}")
    with pytest.raises(TargetError, match="TNS alias 'NOPE' cannot be resolved"):
        connect(target, Secret(PASSWORD), connect_timeout=2)


def test_unresolvable_host():
    target = parse_oracle_target("oracle://mlps_scan@no-such-host.invalid:1521/svc")
    with pytest.raises(TargetError, match="cannot resolve host|cannot connect"):
        connect(target, Secret(PASSWORD), connect_timeout=2)


def test_no_password_and_external_auth_without_thick_mode():
    target = parse_oracle_target("oracle://mlps_scan@127.0.0.1:1/svc")
    with pytest.raises(TargetError, match="HARDENING_ORACLE_PASSWORD"):
        connect(target, None)
    with pytest.raises(TargetError, match="thick mode"):
        connect(target, None, external_auth=True)


# --------------------------------------------------------------------------------------------
# Error mapping for what only a server can say
# --------------------------------------------------------------------------------------------
class _Err:
    def __init__(self, full_code, message):
        self.full_code, self.message = full_code, message

    def __str__(self):
        return self.message


class FakeDatabaseError(Exception):
    def __init__(self, full_code, message):
        super().__init__(_Err(full_code, message))
        self.text = message

    def __str__(self):
        return self.text


TARGET = DbTarget(user="mlps_scan", host="db.example", port=1521, service="ORCLPDB1")


@pytest.mark.parametrize("code, text, expected", [
    ("ORA-01017", f"ORA-01017: invalid username/password; logon denied (password {PASSWORD})", "invalid username or password"),
    ("ORA-28000", "ORA-28000: The account is locked.", "is locked (ORA-28000)"),
    ("ORA-28001", "ORA-28001: the password has expired", "has expired"),
    ("DPY-3010", "DPY-3010: connections to this database server version are not supported by python-oracledb in thin mode",
     "--oracle-client-lib"),
    ("DPY-3015", "DPY-3015: password verifier type 0x939 is not supported by python-oracledb in thin mode", "10G password verifier"),
    ("DPY-3001", "DPY-3001: Native Network Encryption and Data Integrity is only supported in python-oracledb thick mode",
     "Native Network Encryption"),
    ("DPY-4011", "DPY-4011: the database or network closed the connection", "offline collector"),
    ("ORA-01033", "ORA-01033: ORACLE initialization or shutdown in progress", "not open"),
    ("DPY-6001", "DPY-6001: Service \"X\" is not registered with the listener", "does not know service"),
    ("DPY-6005", "DPY-6005: cannot connect to database.\n[Errno 111] Connection refused", "connection refused"),
])
def test_server_errors_map_to_one_clear_line(code, text, expected):
    message = describe_error(FakeDatabaseError(code, text), TARGET, Secret(PASSWORD))
    assert expected in message
    assert PASSWORD not in message and "\n" not in message


def test_thin_mode_limits_point_to_thick_mode_and_the_offline_collector():
    for code in ("DPY-3010", "DPY-3015", "DPY-3001"):
        message = describe_error(FakeDatabaseError(code, f"{code}: x"), TARGET)
        assert "--oracle-client-lib" in message and "collect-script" in message


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------
def hardening(*args, env=None, timeout=60):
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run([sys.executable, "-m", "hardening", *args], capture_output=True, text=True, env=full_env,
                          timeout=timeout, cwd=REPO)


def test_cli_scan_of_an_unreachable_database_is_stored_as_a_target_error(tmp_path):
    port = closed_port()
    db = tmp_path / "h.db"
    run = hardening("oracle", "scan", f"oracle://mlps_scan@127.0.0.1:{port}/ORCLPDB1", "--db", str(db),
                    env={"HARDENING_ORACLE_PASSWORD": PASSWORD})
    assert run.returncode == 3, run.stderr
    assert "connection refused" in run.stdout and "Traceback" not in run.stderr + run.stdout
    assert PASSWORD not in run.stdout + run.stderr
    history = hardening("history", "--db", str(db), "--format", "json")
    assert history.returncode == 0 and "mlps_l3_oracle" in history.stdout
    assert PASSWORD.encode() not in db.read_bytes()


def test_cli_refuses_a_password_in_the_target_and_a_missing_password():
    run = hardening("oracle", "scan", "oracle://mlps_scan:pw123@db:1521/svc", "--no-store")
    assert run.returncode == 2 and "never put a password" in run.stderr and "Traceback" not in run.stderr
    env = {k: v for k, v in os.environ.items() if k != "HARDENING_ORACLE_PASSWORD"}
    run = subprocess.run([sys.executable, "-m", "hardening", "oracle", "scan", "oracle://u@db:1521/svc", "--no-store"],
                         capture_output=True, text=True, env={**env, "PYTHONPATH": str(REPO)}, cwd=REPO, timeout=60)
    assert run.returncode == 2 and "HARDENING_ORACLE_PASSWORD" in run.stderr


def test_cli_offline_collector_round_trip(tmp_path):
    script = hardening("oracle", "collect-script")
    assert script.returncode == 0 and script.stdout.rstrip().endswith("EXIT")
    bundle = tmp_path / "bundle.txt"
    bundle.write_text(run_sqlplus(script.stdout, load_snapshot("19c_pdb")), encoding="utf-8")
    run = hardening("oracle", "evaluate", str(bundle), "--db", str(tmp_path / "h.db"), "--format", "json")
    assert run.returncode == 1, run.stderr
    doc = json.loads(run.stdout)
    target = doc["targets"][0]
    assert target["name"] == "ORCLPDB1" and target["platform"]["container"] == "pdb"
    statuses = {f["rule_id"]: f["status"] for f in target["findings"]}
    assert statuses["oracle_profile_failed_login_attempts"] == "fail"
    assert statuses["oracle_profile_password_verify_function"] == "pass"
    # a bundle made for the health pack, evaluated against the security pack: missing facts are errors
    health = hardening("oracle", "collect-script", "--baseline", "oracle_health")
    bundle.write_text(run_sqlplus(health.stdout, load_snapshot("19c_pdb")), encoding="utf-8")
    run = hardening("oracle", "evaluate", str(bundle), "--baseline", "mlps_l3_oracle", "--no-store", "--format", "json")
    statuses = {f["rule_id"]: f["status"] for f in json.loads(run.stdout)["targets"][0]["findings"]}
    assert statuses["oracle_profile_failed_login_attempts"] == "error"


def test_issue_commands_collect_script_oracle_and_evaluate(tmp_path):
    """The literal commands: `hardening collect-script --oracle` and `hardening evaluate bundle.txt`."""
    script = hardening("collect-script", "--oracle")
    assert script.returncode == 0 and "SET ECHO OFF" in script.stdout and script.stdout.rstrip().endswith("EXIT")
    bundle = tmp_path / "bundle.txt"
    bundle.write_text(run_sqlplus(script.stdout, load_snapshot("12c_noncdb")), encoding="utf-8")
    generic = hardening("evaluate", str(bundle), "--no-store", "--format", "json")
    specific = hardening("oracle", "evaluate", str(bundle), "--no-store", "--format", "json")
    assert generic.returncode == specific.returncode == 1, generic.stderr
    findings = lambda run: {f["rule_id"]: f["status"] for f in json.loads(run.stdout)["targets"][0]["findings"]}  # noqa: E731
    assert findings(generic) == findings(specific) and len(findings(generic)) >= 30


def test_cli_audit_account_sql():
    run = hardening("oracle", "audit-account-sql", "--user", "mlps_scan")
    assert run.returncode == 0
    for grant in ("GRANT CREATE SESSION TO MLPS_SCAN", "GRANT SELECT_CATALOG_ROLE TO MLPS_SCAN",
                  "GRANT SELECT ON SYS.DBA_USERS_WITH_DEFPWD TO MLPS_SCAN", "GRANT AUDIT_VIEWER TO MLPS_SCAN"):
        assert grant in run.stdout
    with pytest.raises(InputError):
        audit_account_sql("x; drop user sys")


# --------------------------------------------------------------------------------------------
# Inventory: databases beside hosts, tied to their host
# --------------------------------------------------------------------------------------------
def test_inventory_databases_tied_to_hosts(tmp_path, monkeypatch):
    monkeypatch.setenv("HARDENING_SSH_CONFIG", str(tmp_path / "none"))
    path = tmp_path / "inv.yml"
    path.write_text("""
hosts:
  db1: {address: 10.0.0.5, user: root}
databases:
  orclpdb1: {uri: "oracle://mlps_scan@10.0.0.5:1521/ORCLPDB1", host: db1, tags: [prod]}
  legacy: {user: mlps_scan, address: 10.0.0.6, sid: ORCL}
  viatns: {user: mlps_scan, alias: PROD_TNS}
""")
    databases, hosts = load_database_inventory(path)
    by_name = {d.name: d for d in databases}
    assert [h.name for h in hosts] == ["db1"]
    assert by_name["orclpdb1"].host_ref == "db1" and by_name["orclpdb1"].service == "ORCLPDB1"
    assert by_name["legacy"].sid == "ORCL" and by_name["viatns"].alias == "PROD_TNS"


@pytest.mark.parametrize("spec, message", [
    ({"x": {"uri": "oracle://a@h:1/s", "host": "nowhere"}}, "does not define"),
    ({"x": {"uri": "oracle://a@h:1/s", "password": "pw"}}, "unknown key|never put a password"),
    ({"x": {"address": "h"}}, "needs uri, alias, or address"),
    ({"x": {"uri": "oracle://a:pw@h:1/s"}}, "never put a password"),
])
def test_bad_database_entries(spec, message):
    with pytest.raises(InputError, match=message):
        parse_databases(spec, "inv.yml", {"db1"})


def test_a_missing_instant_client_is_one_line_target_error(tmp_path):
    empty = tmp_path / "instantclient"
    empty.mkdir()
    run = hardening("oracle", "scan", f"oracle://mlps_scan@127.0.0.1:{closed_port()}/X", "--no-store",
                    "--oracle-client-lib", str(empty), env={"HARDENING_ORACLE_PASSWORD": PASSWORD})
    assert run.returncode == 3, run.stderr
    assert "cannot load the Oracle client" in run.stdout and "Traceback" not in run.stdout + run.stderr
    assert PASSWORD not in run.stdout + run.stderr
