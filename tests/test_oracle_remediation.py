"""Oracle remediation without an Oracle server: SQL bundles generated from scans of the recorded catalogs.

Each scan runs through the live code path (the collector's queries answered from a snapshot, as in
test_oracle.py) and is stored; the bundle is then generated from the stored scan and its facts
alone, and the exact apply and rollback statements are pinned. The python-oracledb apply path is
run as far as it goes without a server: a stand-in session, and a real refused connection.
"""

from __future__ import annotations

import copy
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from hardening.errors import InputError, Refused
from hardening.remediate import audit
from hardening.remediate.approval import approve
from hardening.remediate.bundle import generate
from hardening.remediate.coverage import coverage
from hardening.remediate.execute import run_database
from hardening.remediate.oracle_sql import ident, literal, param_value, statements
from hardening.remediate.templates import load_templates
from hardening.store import Store
from oracle_sim import SnapshotSession, load_snapshot
from test_oracle import RULES, live_scan, prepared

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = load_templates()

# Every rule's statements for each recorded catalog: (apply, rollback).
EXPECTED = {
    "11g": {
        "oracle_accounts_default_locked": (['ALTER USER "DBSNMP" ACCOUNT LOCK;'], ['ALTER USER "DBSNMP" ACCOUNT UNLOCK;']),
        "oracle_accounts_no_default_password": (['ALTER USER "SCOTT" ACCOUNT LOCK;'],
                                                ['ALTER USER "SCOTT" ACCOUNT UNLOCK;']),
        "oracle_profile_failed_login_attempts": (['ALTER PROFILE "DEFAULT" LIMIT FAILED_LOGIN_ATTEMPTS 6;'],
                                                 ['ALTER PROFILE "DEFAULT" LIMIT FAILED_LOGIN_ATTEMPTS 10;']),
        "oracle_profile_idle_time": (['ALTER PROFILE "DEFAULT" LIMIT IDLE_TIME 10;',
                                      'ALTER PROFILE "APP_PROF" LIMIT IDLE_TIME 10;'],
                                     ['ALTER PROFILE "DEFAULT" LIMIT IDLE_TIME UNLIMITED;',
                                      'ALTER PROFILE "APP_PROF" LIMIT IDLE_TIME 30;']),
        "oracle_profile_password_life_time": (['ALTER PROFILE "DEFAULT" LIMIT PASSWORD_LIFE_TIME 90;',
                                               'ALTER PROFILE "APP_PROF" LIMIT PASSWORD_LIFE_TIME 90;'],
                                              ['ALTER PROFILE "DEFAULT" LIMIT PASSWORD_LIFE_TIME 180;',
                                               'ALTER PROFILE "APP_PROF" LIMIT PASSWORD_LIFE_TIME DEFAULT;']),
        "oracle_profile_password_reuse_max": (['ALTER PROFILE "DEFAULT" LIMIT PASSWORD_REUSE_MAX 5;',
                                               'ALTER PROFILE "APP_PROF" LIMIT PASSWORD_REUSE_MAX 5;'],
                                              ['ALTER PROFILE "DEFAULT" LIMIT PASSWORD_REUSE_MAX UNLIMITED;',
                                               'ALTER PROFILE "APP_PROF" LIMIT PASSWORD_REUSE_MAX DEFAULT;']),
        "oracle_profile_password_reuse_time": (['ALTER PROFILE "DEFAULT" LIMIT PASSWORD_REUSE_TIME 90;',
                                                'ALTER PROFILE "APP_PROF" LIMIT PASSWORD_REUSE_TIME 90;'],
                                               ['ALTER PROFILE "DEFAULT" LIMIT PASSWORD_REUSE_TIME UNLIMITED;',
                                                'ALTER PROFILE "APP_PROF" LIMIT PASSWORD_REUSE_TIME DEFAULT;']),
        "oracle_param_audit_sys_operations_true": (["ALTER SYSTEM SET AUDIT_SYS_OPERATIONS=TRUE SCOPE=SPFILE;"],
                                                   ["ALTER SYSTEM SET AUDIT_SYS_OPERATIONS=FALSE SCOPE=SPFILE;"]),
        "oracle_param_resource_limit_true": (["ALTER SYSTEM SET RESOURCE_LIMIT=TRUE SCOPE=BOTH;"],
                                             ["ALTER SYSTEM SET RESOURCE_LIMIT=FALSE SCOPE=BOTH;"]),
        "oracle_param_sec_case_sensitive_logon_true": (["ALTER SYSTEM SET SEC_CASE_SENSITIVE_LOGON=TRUE SCOPE=BOTH;"],
                                                       ["ALTER SYSTEM SET SEC_CASE_SENSITIVE_LOGON=FALSE SCOPE=BOTH;"]),
        "oracle_privileges_no_any_privileges": (['REVOKE SELECT ANY TABLE FROM "APPUSER";'],
                                                ['GRANT SELECT ANY TABLE TO "APPUSER";']),
        "oracle_privileges_public_execute_restricted": (
            ['REVOKE EXECUTE ON "SYS"."UTL_FILE" FROM PUBLIC;', 'REVOKE EXECUTE ON "SYS"."UTL_TCP" FROM PUBLIC;',
             'REVOKE EXECUTE ON "SYS"."DBMS_LOB" FROM PUBLIC;', 'REVOKE EXECUTE ON "SYS"."DBMS_RANDOM" FROM PUBLIC;'],
            ['GRANT EXECUTE ON "SYS"."UTL_FILE" TO PUBLIC;', 'GRANT EXECUTE ON "SYS"."UTL_TCP" TO PUBLIC WITH GRANT OPTION;',
             'GRANT EXECUTE ON "SYS"."DBMS_LOB" TO PUBLIC;', 'GRANT EXECUTE ON "SYS"."DBMS_RANDOM" TO PUBLIC;']),
    },
    "12c_noncdb": {
        "oracle_accounts_inactive_locked": (['ALTER USER "DORMANT" ACCOUNT LOCK;'],
                                            ['ALTER USER "DORMANT" ACCOUNT UNLOCK;']),
        "oracle_profile_failed_login_attempts": (['ALTER PROFILE "DEFAULT" LIMIT FAILED_LOGIN_ATTEMPTS 6;'],
                                                 ['ALTER PROFILE "DEFAULT" LIMIT FAILED_LOGIN_ATTEMPTS 10;']),
        "oracle_profile_idle_time": (['ALTER PROFILE "DEFAULT" LIMIT IDLE_TIME 10;'],
                                     ['ALTER PROFILE "DEFAULT" LIMIT IDLE_TIME UNLIMITED;']),
        "oracle_profile_password_life_time": (['ALTER PROFILE "DEFAULT" LIMIT PASSWORD_LIFE_TIME 90;',
                                               'ALTER PROFILE "APP_PROF" LIMIT PASSWORD_LIFE_TIME 90;'],
                                              ['ALTER PROFILE "DEFAULT" LIMIT PASSWORD_LIFE_TIME 180;',
                                               'ALTER PROFILE "APP_PROF" LIMIT PASSWORD_LIFE_TIME UNLIMITED;']),
        "oracle_profile_password_reuse_max": (['ALTER PROFILE "DEFAULT" LIMIT PASSWORD_REUSE_MAX 5;'],
                                              ['ALTER PROFILE "DEFAULT" LIMIT PASSWORD_REUSE_MAX UNLIMITED;']),
        "oracle_profile_password_reuse_time": (['ALTER PROFILE "DEFAULT" LIMIT PASSWORD_REUSE_TIME 90;'],
                                               ['ALTER PROFILE "DEFAULT" LIMIT PASSWORD_REUSE_TIME UNLIMITED;']),
        "oracle_privileges_dba_role_restricted": (['REVOKE "DBA" FROM "APPADMIN";'], ['GRANT "DBA" TO "APPADMIN";']),
    },
    "19c_pdb": {
        "oracle_profile_failed_login_attempts": (['ALTER PROFILE "DEFAULT" LIMIT FAILED_LOGIN_ATTEMPTS 6;',
                                                  'ALTER PROFILE "APP_PROF" LIMIT FAILED_LOGIN_ATTEMPTS 6;'],
                                                 ['ALTER PROFILE "DEFAULT" LIMIT FAILED_LOGIN_ATTEMPTS 10;',
                                                  'ALTER PROFILE "APP_PROF" LIMIT FAILED_LOGIN_ATTEMPTS DEFAULT;']),
        "oracle_profile_idle_time": (['ALTER PROFILE "APP_PROF" LIMIT IDLE_TIME 10;'],
                                     ['ALTER PROFILE "APP_PROF" LIMIT IDLE_TIME 15;']),
        "oracle_privileges_public_execute_restricted": (['REVOKE EXECUTE ON "SYS"."DBMS_SQL" FROM PUBLIC;'],
                                                        ['GRANT EXECUTE ON "SYS"."DBMS_SQL" TO PUBLIC;']),
    },
    "19c_hardened": {},
}
GUARD = {
    "11g": "BEGIN IF UPPER(SYS_CONTEXT('USERENV', 'DB_NAME')) <> UPPER('ORCL11') THEN "
           "RAISE_APPLICATION_ERROR(-20001, 'REFUSED: this bundle is for database ORCL11'); END IF; END;",
    "19c_pdb": "BEGIN IF UPPER(SYS_CONTEXT('USERENV', 'DB_NAME')) <> UPPER('ORCLCDB') OR "
               "SYS_CONTEXT('USERENV', 'CON_NAME') <> 'ORCLPDB1' THEN RAISE_APPLICATION_ERROR(-20001, "
               "'REFUSED: this bundle is for database ORCLCDB, container ORCLPDB1'); END IF; END;",
}


def stored_scan(tmp_path: Path, snapshot: dict, uri: str | None = None) -> tuple[Store, dict, Path]:
    """Scan a recorded catalog through the live path and store it like `hardening oracle scan` does."""
    db = tmp_path / "h.db"
    store = Store(db)
    rules, baseline, params = prepared("mlps_l3_oracle")
    result, _ = live_scan(snapshot, "mlps_l3_oracle")
    if uri:
        result.uri = uri
    scan_id = store.begin_scan("2026-11-27T00:00:00+00:00", baseline, params, "oracle", rules)
    store.add_target(scan_id, result)
    store.finish_scan(scan_id, "2026-11-27T00:00:01+00:00", 1, {"hosts": 1})
    return store, store.scan(scan_id), db


def bundle_for(tmp_path: Path, snapshot: dict, uri: str | None = None):
    store, scan, db = stored_scan(tmp_path, snapshot, uri)
    target = scan["targets"][0]
    bundle, manual = generate(scan, target, RULES, TEMPLATES, tmp_path / "remediation", (), "zhangsan",
                              store.facts(scan["scan_id"], target["name"]))
    return bundle, manual, db


def edited(name: str, query: str, edit) -> dict:
    snapshot = copy.deepcopy(load_snapshot(name))
    rows = snapshot["queries"][query]["rows"]
    snapshot["queries"][query]["rows"] = [r for r in (edit(list(row)) for row in rows) if r is not None]
    return snapshot


def by_rule(bundle) -> dict[str, tuple[list[str], list[str]]]:
    return {r["rule_id"]: (r["statements"]["apply"], r["statements"]["rollback"]) for r in bundle.manifest["rules"]}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_statements_for_each_recorded_catalog(name, tmp_path):
    bundle, manual, _ = bundle_for(tmp_path, load_snapshot(name))
    if not EXPECTED[name]:
        assert bundle is None and manual == []  # the hardened catalog has nothing to change
        return
    assert by_rule(bundle) == EXPECTED[name]
    apply_sql = (bundle.folder / "apply.sql").read_text()
    rollback_sql = (bundle.folder / "rollback.sql").read_text()
    # the scripts are exactly the manifest's statements, rollback in reverse rule order
    assert [s for s in statements(apply_sql)[1:]] == [s.rstrip(";") for a, _ in EXPECTED[name].values() for s in a]
    assert statements(rollback_sql)[1:] == [s.rstrip(";") for _, r in reversed(EXPECTED[name].values()) for s in r]
    assert sorted(bundle.manifest["files"]) == ["apply.sql", "rollback.sql"]
    assert not bundle.modified_files()
    for script in (apply_sql, rollback_sql):
        assert script.splitlines()[3:7] == ["SET DEFINE OFF", "SET ECHO ON", "WHENEVER SQLERROR EXIT FAILURE",
                                            "WHENEVER OSERROR EXIT FAILURE"]
        assert script.endswith("\nEXIT\n") and "COMMIT" not in "".join(statements(script))
    if name in GUARD:
        assert statements(apply_sql)[0] == GUARD[name] and statements(rollback_sql)[0] == GUARD[name]
    # failing rules without a template stay manual, with the reason and the rule's advice for a person
    assert manual and all(m["reason"].startswith("no automatic remediation") for m in manual)
    assert all(m["fix"] == RULES[m["rule_id"]].fix.as_dict() and m["fix"]["zh"] and m["fix"]["en"] for m in manual)
    assert bundle.manifest["manual"] == manual


def test_prior_values_come_from_the_stored_facts_not_from_the_database(tmp_path):
    store, scan, _ = stored_scan(tmp_path, load_snapshot("11g"))
    target = scan["targets"][0]
    facts = store.facts(scan["scan_id"], target["name"])
    key = next(k for k, f in facts.items() if f["fact"] == "oracle.ProfileLimit" and
               f["args"] == {"resource": "PASSWORD_LIFE_TIME"})
    for item in facts[key]["value"]["users"]:  # as if the scan had seen 365 days on DEFAULT
        if item["profile"] == "DEFAULT":
            item["limit"], item["value"] = "365", 365
    bundle, _ = generate(scan, target, RULES, TEMPLATES, tmp_path / "b", ("oracle_profile_password_life_time",),
                         "zhangsan", facts)
    assert by_rule(bundle)["oracle_profile_password_life_time"][1][0] == \
        'ALTER PROFILE "DEFAULT" LIMIT PASSWORD_LIFE_TIME 365;'


def test_static_parameters_are_marked_for_restart_and_defaults_are_reset(tmp_path):
    def params(row):
        if row[0] == "processes":
            row[1] = "100000"
        if row[0] in ("resource_limit", "audit_sys_operations"):
            row[2] = "TRUE"  # never set: the instance uses the default
        if row[0] == "audit_trail":
            row[1] = "NONE"
        return row

    bundle, _, _ = bundle_for(tmp_path, edited("11g", "parameters", params))
    rules = {r["rule_id"]: r for r in bundle.manifest["rules"]}
    assert by_rule(bundle)["oracle_param_processes_limit_set"] == (
        ["ALTER SYSTEM SET PROCESSES=20000 SCOPE=SPFILE;"], ["ALTER SYSTEM SET PROCESSES=100000 SCOPE=SPFILE;"])
    assert by_rule(bundle)["oracle_audit_enabled"] == (
        ["ALTER SYSTEM SET AUDIT_TRAIL=DB,EXTENDED SCOPE=SPFILE;"], ["ALTER SYSTEM SET AUDIT_TRAIL=NONE SCOPE=SPFILE;"])
    assert by_rule(bundle)["oracle_param_audit_sys_operations_true"][1] == \
        ["ALTER SYSTEM RESET AUDIT_SYS_OPERATIONS SCOPE=SPFILE SID='*';"]
    assert by_rule(bundle)["oracle_param_resource_limit_true"][1] == [
        "ALTER SYSTEM SET RESOURCE_LIMIT=FALSE SCOPE=MEMORY;", "ALTER SYSTEM RESET RESOURCE_LIMIT SCOPE=SPFILE SID='*';"]
    for rule_id in ("oracle_param_processes_limit_set", "oracle_audit_enabled", "oracle_param_audit_sys_operations_true"):
        assert rules[rule_id]["restart"] == "instance" and rules[rule_id]["risk"]["operational"]["en"]
    assert rules["oracle_param_resource_limit_true"]["restart"] == "none"
    apply_sql = (bundle.folder / "apply.sql").read_text()
    assert apply_sql.count("takes effect at the next instance restart") == 3
    assert "SHUTDOWN" not in apply_sql and "STARTUP" not in apply_sql


def test_rollback_restores_admin_option_and_leaves_timed_locks(tmp_path):
    def roles(row):
        return [row[0], row[1], "YES"] if row[:2] == ["APPADMIN", "DBA"] else row

    bundle, _, _ = bundle_for(tmp_path, edited("12c_noncdb", "role_privs", roles))
    assert by_rule(bundle)["oracle_privileges_dba_role_restricted"][1] == ['GRANT "DBA" TO "APPADMIN" WITH ADMIN OPTION;']

    def timed(row):
        return [row[0], "LOCKED(TIMED)", *row[2:]] if row[0] == "DBSNMP" else row

    bundle, _, _ = bundle_for(tmp_path / "t", edited("11g", "users", timed))
    assert by_rule(bundle)["oracle_accounts_default_locked"] == (
        ['ALTER USER "DBSNMP" ACCOUNT LOCK;'], ['-- "DBSNMP" was already LOCKED(TIMED) at the scan: left locked'])


def test_hostile_names_stay_inside_their_identifiers(tmp_path):
    profile = 'APP_PROF" LIMIT IDLE_TIME UNLIMITED; DROP USER SYS CASCADE; --'
    user = "DORMANT\" ACCOUNT UNLOCK; GRANT DBA TO \"X"

    def users(row):
        if row[0] == "DORMANT":
            row[0] = user
        return [row[0], row[1], profile, *row[3:]] if row[2] == "APP_PROF" else row

    def profiles(row):
        return [profile, *row[1:]] if row[0] == "APP_PROF" else row

    snapshot = edited("12c_noncdb", "users", users)
    snapshot["queries"]["profiles"]["rows"] = [profiles(list(r)) for r in snapshot["queries"]["profiles"]["rows"]]
    bundle, _, _ = bundle_for(tmp_path, snapshot)
    quoted_profile = '"APP_PROF"" LIMIT IDLE_TIME UNLIMITED; DROP USER SYS CASCADE; --"'
    assert by_rule(bundle)["oracle_profile_password_life_time"] == (
        ['ALTER PROFILE "DEFAULT" LIMIT PASSWORD_LIFE_TIME 90;',
         f"ALTER PROFILE {quoted_profile} LIMIT PASSWORD_LIFE_TIME 90;"],
        ['ALTER PROFILE "DEFAULT" LIMIT PASSWORD_LIFE_TIME 180;',
         f"ALTER PROFILE {quoted_profile} LIMIT PASSWORD_LIFE_TIME UNLIMITED;"])
    assert by_rule(bundle)["oracle_accounts_inactive_locked"] == (
        ['ALTER USER "DORMANT"" ACCOUNT UNLOCK; GRANT DBA TO ""X" ACCOUNT LOCK;'],
        ['ALTER USER "DORMANT"" ACCOUNT UNLOCK; GRANT DBA TO ""X" ACCOUNT UNLOCK;'])
    # every statement is one line that starts with the expected verb: nothing escaped its identifier
    for line in statements((bundle.folder / "apply.sql").read_text())[1:]:
        assert line.split(" ")[0] in ("ALTER", "REVOKE"), line


def test_control_characters_leave_the_rule_to_a_person(tmp_path):
    def users(row):
        return ["DORMANT\nDROP USER SYS", *row[1:]] if row[0] == "DORMANT" else row

    bundle, manual, _ = bundle_for(tmp_path, edited("12c_noncdb", "users", users))
    assert "oracle_accounts_inactive_locked" not in by_rule(bundle)
    reason = {m["rule_id"]: m["reason"] for m in manual}["oracle_accounts_inactive_locked"]
    assert "control characters" in reason
    assert "DROP USER" not in (bundle.folder / "apply.sql").read_text()


@pytest.mark.parametrize("value, expected", [
    ("A'B", "'A''B'"), ("ok", "'ok'")])
def test_literal_quoting(value, expected):
    assert literal(value) == expected


def test_quoting_refuses_nul_and_newlines():
    for bad in ("A\x00B", "A\nB", "A\rB", ""):
        with pytest.raises(InputError):
            ident(bad)
        with pytest.raises(InputError):
            literal(bad)
    assert ident('A"B') == '"A""B"'
    assert param_value("DB, EXTENDED") == "DB,EXTENDED"
    assert param_value("/u01/app/o'racle") == "'/u01/app/o''racle'"


class Recording:
    """A stand-in python-oracledb session: queries answered from a snapshot, DDL recorded."""

    def __init__(self, snapshot: dict, executed: list, fail_on: str | None = None):
        self.inner = SnapshotSession(snapshot)
        self.executed, self.fail_on = executed, fail_on
        self.connection = self
        self.queries = self.round_trips = 0

    def run(self, sql):
        self.queries += 1
        return self.inner.run(sql)

    def cursor(self):
        return self

    def execute(self, statement):
        if self.fail_on and self.fail_on in statement:
            raise RuntimeError("ORA-01031: insufficient privileges")
        self.executed.append(statement)

    def close(self):
        pass


def test_apply_runs_the_verified_statements_in_one_session_after_a_drift_check(tmp_path):
    from hardening.oracle.target import parse_oracle_target

    snapshot = load_snapshot("19c_pdb")
    bundle, _, _ = bundle_for(tmp_path, snapshot)
    executed: list[str] = []
    _, _, params = prepared("mlps_l3_oracle")
    target = parse_oracle_target("oracle://dba@db.example:1521/ORCLPDB1")
    result, after = run_database("apply", bundle, target, None, RULES, params,
                                 lambda *a, **k: Recording(snapshot, executed))
    assert result.rc == 0
    assert executed == statements((bundle.folder / "apply.sql").read_text())
    assert executed[0].startswith("BEGIN IF") and executed[0].endswith("END;")
    assert after.status == "ok"  # the stand-in did not change: still failing, which the rescan reports
    # the first failing statement stops the script and is reported in one line
    executed.clear()
    result, _ = run_database("rollback", bundle, target, None, RULES, params,
                             lambda *a, **k: Recording(snapshot, executed, fail_on="DBMS_SQL"))
    assert result.rc == 1 and len(executed) == 1
    assert result.stdout.decode().splitlines()[-1] == "  ORA-01031: insufficient privileges"
    # a database that no longer looks as scanned is refused before any statement
    drifted = edited("19c_pdb", "profiles", lambda r: [r[0], r[1], "6"] if r[1] == "FAILED_LOGIN_ATTEMPTS" else r)
    executed.clear()
    with pytest.raises(Refused, match="drifted"):
        run_database("apply", bundle, target, None, RULES, params, lambda *a, **k: Recording(drifted, executed))
    assert executed == []


def hardening(*args, env=None):
    return subprocess.run([sys.executable, "-m", "hardening", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=120, env={**os.environ, **(env or {})})


def test_cli_generate_review_and_apply_without_a_server(tmp_path):
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    _, scan, db = stored_scan(tmp_path, load_snapshot("11g"), f"oracle://mlps_scan@127.0.0.1:{port}/ORCL11")
    out = tmp_path / "remediation"
    done = hardening("remediate", str(scan["scan_id"]), "--db", str(db), "--out", str(out), "--author", "zhangsan")
    assert done.returncode == 0, done.stderr
    assert "manual: oracle_profile_password_verify_function" in done.stdout
    folder = next(out.iterdir())
    review = hardening("review", str(folder), "--db", str(db))
    assert review.returncode == 0, review.stderr
    assert 'ALTER PROFILE "DEFAULT" LIMIT PASSWORD_LIFE_TIME 90;' in review.stdout
    assert "SQL has no dry run: this review is it" in review.stdout
    assert "restart: instance" in review.stdout and "dependency risk 关联风险" in review.stdout
    verify_function = RULES["oracle_profile_password_verify_function"].fix
    assert f"by hand: {verify_function.en}" in review.stdout
    assert verify_function.zh in hardening("review", str(folder), "--db", str(db), "--lang", "zh").stdout
    from hardening.remediate.bundle import load_bundle

    approve(load_bundle(folder), db.parent, "lisi", 1)
    applied = hardening("apply", str(folder), "--db", str(db), "--user", "dba_admin",
                        env={"HARDENING_ORACLE_PASSWORD": "s3cret-Pass"})
    assert applied.returncode == 2
    lines = applied.stderr.strip().splitlines()
    assert len(lines) == 1 and f"connection refused by 127.0.0.1:{port}" in lines[0]
    assert "nothing was changed" in lines[0] and "s3cret-Pass" not in applied.stderr + applied.stdout
    last = audit.entries(db.parent / "audit.log")[-1]
    assert (last["action"], last["result"]) == ("apply", "error")
    assert "s3cret-Pass" not in (db.parent / "audit.log").read_text()
    assert Store(db).scan(Store(db).resolve_scan_id("latest"))["scan_id"] == scan["scan_id"]  # no rescan stored
    assert hardening("audit", "verify", "--db", str(db)).returncode == 0


def test_offline_scans_get_sql_to_run_by_hand(tmp_path):
    _, scan, db = stored_scan(tmp_path, load_snapshot("12c_noncdb"), "bundle:bundle.txt")
    out = tmp_path / "remediation"
    assert hardening("remediate", "latest", "--db", str(db), "--out", str(out), "--author", "a").returncode == 0
    folder = next(out.iterdir())
    from hardening.remediate.bundle import load_bundle

    approve(load_bundle(folder), db.parent, "lisi", 1)
    refused = hardening("apply", str(folder), "--db", str(db))
    assert refused.returncode == 2 and "with SQL*Plus" in refused.stderr


def test_coverage_figure_per_pack():
    figure = coverage(RULES)
    assert set(figure) == {"linux", "oracle"}
    for pack, split in figure.items():
        assert len(split["automatic"]) + len(split["manual"]) == len([r for r in RULES.values()
                                                                      if r.folder.split("/")[0] == pack])
    assert "oracle_profile_password_life_time" in figure["oracle"]["automatic"]
    assert "oracle_backup_rman_recent" in figure["oracle"]["manual"]
    assert "sshd_max_auth_tries" in figure["linux"]["automatic"]
    assert (len(figure["linux"]["automatic"]), len(figure["oracle"]["automatic"])) == (18, 21)
    # every Oracle template named by a rule is an SQL template, and lint accepts every remediation block
    assert {RULES[r].remediation["template"] for r in figure["oracle"]["automatic"]} <= {
        "oracle_profile_limit", "oracle_parameter", "oracle_static_parameter", "oracle_account_lock", "oracle_revoke"}
    lint = hardening("rules", "lint")
    assert lint.returncode == 0, lint.stdout
