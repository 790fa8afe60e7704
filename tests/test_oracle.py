"""Oracle scanning without an Oracle server: recorded catalogs, fact semantics, the SQL*Plus collector.

Every rule of mlps_l3_oracle and oracle_health is run against four recorded catalog snapshots
(11g, 12c non-CDB, 19c PDB, a hardened 19c PDB) through the same code a live scan uses (the
collector's queries answered by a stand-in session), and the verdicts are pinned below.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from hardening import paths
from hardening.baselines import load_baseline, parameters_for
from hardening.collect import PlannedFact, build_script
from hardening.errors import FactError, InputError
from hardening.evaluate import evaluate_rule, stub_view
from hardening.facts import REGISTRY, HostContext, Raw, get_fact
from hardening.facts.oracle import QUERIES, UNLIMITED, analyse_verify_source, is_open
from hardening.model import Status
from hardening.oracle.collect import evaluate_results, oracle_plan, scan_database, split_rules
from hardening.oracle.sqlplus import build_sqlplus_script, is_sqlplus_bundle, read_sqlplus_bundle
from hardening.oracle.target import DbTarget
from hardening.rules import load_rules
from hardening.store import Store
from oracle_sim import SnapshotSession, load_snapshot, major, run_sqlplus

RULES = load_rules(paths.rule_roots())
ORACLE_RULES = {rid: r for rid, r in RULES.items() if r.folder.startswith("oracle/")}
TODAY = dt.date(2026, 11, 27)
SNAPSHOT_NAMES = ["11g", "12c_noncdb", "19c_pdb", "19c_hardened"]
HOST_RULES = {"oracle_host_sqlnet_expire_time", "oracle_host_log_dir_permissions",
              "oracle_host_listener_admin_restrictions", "oracle_host_listener_no_extproc"}

# Everything not listed passes. Host-side rules are notapplicable on the database target itself
# (they run over SSH on a tied host).
EXPECTED = {
    ("11g", "mlps_l3_oracle"): {
        "fail": {"oracle_accounts_default_locked", "oracle_accounts_no_default_password",
                 "oracle_accounts_sample_schemas_removed", "oracle_profile_failed_login_attempts",
                 "oracle_profile_idle_time", "oracle_profile_password_life_time", "oracle_profile_password_reuse_max",
                 "oracle_profile_password_reuse_time", "oracle_profile_password_verify_function",
                 "oracle_param_audit_sys_operations_true", "oracle_param_resource_limit_true",
                 "oracle_param_sec_case_sensitive_logon_true", "oracle_privileges_granted_through_roles",
                 "oracle_privileges_no_any_privileges", "oracle_privileges_public_execute_restricted",
                 "oracle_audit_ddl", "oracle_backup_archive_dest_local_remote", "oracle_backup_archivelog_mode",
                 "oracle_backup_rman_recent", "oracle_patch_recent", "oracle_patch_release_supported"},
        "notapplicable": {"oracle_accounts_inactive_locked"} | HOST_RULES,
    },
    ("12c_noncdb", "mlps_l3_oracle"): {
        "fail": {"oracle_accounts_inactive_locked", "oracle_profile_failed_login_attempts", "oracle_profile_idle_time",
                 "oracle_profile_password_life_time", "oracle_profile_password_reuse_max",
                 "oracle_profile_password_reuse_time", "oracle_profile_password_verify_function",
                 "oracle_privileges_dba_role_restricted", "oracle_privileges_granted_through_roles", "oracle_audit_ddl",
                 "oracle_audit_retention", "oracle_backup_archive_dest_local_remote", "oracle_patch_recent",
                 "oracle_patch_release_supported"},
        "error": {"oracle_accounts_no_default_password"},
        "notapplicable": HOST_RULES,
    },
    ("19c_pdb", "mlps_l3_oracle"): {
        "fail": {"oracle_accounts_sample_schemas_removed", "oracle_profile_failed_login_attempts", "oracle_profile_idle_time",
                 "oracle_privileges_public_execute_restricted", "oracle_audit_ddl", "oracle_audit_logon",
                 "oracle_backup_rman_recent"},
        "notapplicable": HOST_RULES,
    },
    ("19c_hardened", "mlps_l3_oracle"): {"notapplicable": HOST_RULES},
    ("11g", "oracle_health"): {"fail": {"oracle_health_tablespace_usage"}, "notapplicable": {"oracle_health_asm_usage"}},
    ("12c_noncdb", "oracle_health"): {
        "fail": {"oracle_health_blocking_sessions", "oracle_health_invalid_objects", "oracle_health_long_transactions",
                 "oracle_health_processes_usage", "oracle_health_top_sql_cpu", "oracle_health_unusable_indexes"},
        "notapplicable": {"oracle_health_asm_usage"}},
    ("19c_pdb", "oracle_health"): {
        "fail": {"oracle_health_asm_usage", "oracle_health_long_held_locks", "oracle_health_tablespace_usage",
                 "oracle_health_top_sql_memory", "oracle_health_unusable_indexes"}},
    ("19c_hardened", "oracle_health"): {"notapplicable": {"oracle_health_asm_usage"}},
}


def prepared(baseline_name: str):
    baseline = load_baseline(baseline_name, paths.baseline_roots(), RULES)
    params = parameters_for(baseline, RULES)
    return [RULES[r] for r in baseline.rules], baseline, params


def live_scan(snapshot: dict, baseline_name: str, override: dict | None = None):
    """The live path with the network replaced by the snapshot: run_queries -> raws -> findings."""
    rules, baseline, params = prepared(baseline_name)
    session = SnapshotSession(snapshot, override)
    target = DbTarget(user="mlps_scan", host="db.example", service="ORCLPDB1")
    result = scan_database(target, None, rules, params, baseline, TODAY, connector=lambda *a, **k: session)
    return result, session


def verdicts(result) -> dict[str, str]:
    return {f.rule_id: f.status.value for f in result.findings}


# --------------------------------------------------------------------------------------------
# Recorded snapshots: shape and types of the real views
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", SNAPSHOT_NAMES)
def test_snapshot_columns_and_types_match_the_queries(name):
    snapshot = load_snapshot(name)
    for query, result in snapshot["queries"].items():
        assert query in QUERIES, query
        if "error" in result:
            assert re.match(r"ORA-\d{5}", result["error"])
            continue
        assert result["columns"] == list(QUERIES[query].columns), query
        assert len(result["types"]) == len(result["columns"])
        for row in result["rows"]:
            assert len(row) == len(result["columns"]), (query, row)
            for value, oracle_type in zip(row, result["types"]):
                if value is None:
                    continue
                if oracle_type == "NUMBER":
                    assert isinstance(value, (int, float)) and not isinstance(value, bool), (query, value)
                else:
                    size = int(re.match(r"VARCHAR2\((\d+)\)", oracle_type).group(1))
                    assert isinstance(value, str) and len(value) <= size, (query, value, oracle_type)


def test_snapshots_cover_the_releases_and_container_kinds():
    kinds = {}
    for name in SNAPSHOT_NAMES:
        row = dict(zip(QUERIES["instance"].columns, load_snapshot(name)["queries"]["instance"]["rows"][0]))
        kinds[name] = (major(load_snapshot(name)), row["CDB"], row["CON_NAME"])
    assert kinds["11g"] == (11, None, None)
    assert kinds["12c_noncdb"] == (12, "NO", "ORCL12")
    assert kinds["19c_pdb"] == (19, "YES", "ORCLPDB1")


# --------------------------------------------------------------------------------------------
# Every rule of both packs against every snapshot
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", SNAPSHOT_NAMES)
@pytest.mark.parametrize("baseline_name", ["mlps_l3_oracle", "oracle_health"])
def test_every_rule_against_every_snapshot(name, baseline_name):
    result, session = live_scan(load_snapshot(name), baseline_name)
    assert result.status == "ok", result.error
    assert session.closed
    got = verdicts(result)
    rules, _, _ = prepared(baseline_name)
    assert set(got) == {r.id for r in rules}
    expected = {rid: "pass" for rid in got}
    for status, ids in EXPECTED[(name, baseline_name)].items():
        for rid in ids:
            assert rid in got, rid
            expected[rid] = status
    assert got == expected
    # a judged finding always says what it rests on
    for finding in result.findings:
        if finding.status in (Status.FAIL, Status.ERROR):
            assert finding.evidence or finding.reason, finding.rule_id


# Rules every recorded catalog passes; their failing cases are the rules' inline tests.
PASS_ON_EVERY_SNAPSHOT = {"oracle_audit_account_changes", "oracle_health_sessions_usage",
                          "oracle_param_remote_os_roles_false", "oracle_privileges_admin_option_restricted",
                          "oracle_privileges_no_roles_to_public", "oracle_profile_password_grace_time"}


@pytest.mark.parametrize("name", SNAPSHOT_NAMES)
def test_rules_that_every_snapshot_passes(name):
    got = {}
    for baseline_name in ("mlps_l3_oracle", "oracle_health"):
        got.update(verdicts(live_scan(load_snapshot(name), baseline_name)[0]))
    assert {rid: got[rid] for rid in PASS_ON_EVERY_SNAPSHOT} == {rid: "pass" for rid in PASS_ON_EVERY_SNAPSHOT}


def test_all_queries_in_one_statement_after_the_release():
    result, session = live_scan(load_snapshot("19c_pdb"), "mlps_l3_oracle")
    assert session.seen == ["version@11", "batch"]  # two statements in one session
    parts = session.batched[0]
    assert len(parts) == len(set(parts))  # each query once, shared by the facts that need it
    assert "unified_policies@19" in parts and "users@12" in parts
    assert result.timings["queries"] == 2


def test_a_failing_batch_falls_back_to_one_query_each():
    result, session = live_scan(load_snapshot("12c_noncdb"), "mlps_l3_oracle")  # no grant on DBA_USERS_WITH_DEFPWD
    assert session.seen[:2] == ["version@11", "batch"]
    singles = session.seen[2:]
    assert len(singles) == len(set(singles)) == len(session.batched[0])
    assert verdicts(result)["oracle_accounts_no_default_password"] == "error"


def test_the_release_picks_the_query_variants():
    _, s11 = live_scan(load_snapshot("11g"), "mlps_l3_oracle")
    _, s12 = live_scan(load_snapshot("12c_noncdb"), "mlps_l3_oracle")
    asked11 = s11.seen + [p for b in s11.batched for p in b]
    asked12 = s12.seen + [p for b in s12.batched for p in b]
    assert "users@11" in asked11 and "patches@11" in asked11
    assert not any(q.startswith("unified_policies") for q in asked11)  # no such views in 11g
    assert "unified_policies@12" in asked12 and "patches@12" in asked12


def test_batch_statement_shape():
    from hardening.oracle.collect import batch_sql

    sql = batch_sql([("version", 11, QUERIES["version"].variants[11]), ("roles", 12, QUERIES["roles"].variants[12])])
    assert sql.startswith("WITH /* hardening batch: version@11 roles@12 */ q0 (c0) AS (SELECT version FROM v$instance)")
    assert "UNION ALL SELECT 'roles', NVL2(c0," in sql and "CHR(31)" in sql


def test_cdb_awareness_says_which_container_was_scanned():
    result, _ = live_scan(load_snapshot("19c_pdb"), "mlps_l3_oracle")
    assert result.platform["container"] == "pdb" and result.platform["con_name"] == "ORCLPDB1"
    assert "PDB ORCLPDB1 of CDB ORCLCDB" in result.platform["pretty_name"]
    instance = next(v for k, v in result.facts.items() if v["fact"] == "oracle.Instance")
    assert "DBA_ views show this PDB only" in instance["sources"]["container"]
    snapshot = load_snapshot("19c_pdb")
    root_row = list(snapshot["queries"]["instance"]["rows"][0])
    root_row[12] = "CDB$ROOT"
    root, _ = live_scan(snapshot, "mlps_l3_oracle", {"instance": {"columns": list(QUERIES["instance"].columns),
                                                                   "rows": [root_row]}})
    assert root.platform["container"] == "root" and "its PDBs are not scanned" in root.platform["pretty_name"]


def test_evidence_names_the_offending_users_and_their_effective_limits():
    result, _ = live_scan(load_snapshot("19c_pdb"), "mlps_l3_oracle")
    finding = next(f for f in result.findings if f.rule_id == "oracle_profile_failed_login_attempts")
    assert finding.observed == ["SYS", "SYSTEM", "PDBADMIN", "APPUSER", "HR"]
    line = next(e for e in finding.evidence if e.startswith("APPUSER"))
    assert "FAILED_LOGIN_ATTEMPTS = 10 (DEFAULT → inherited from profile DEFAULT)" in line
    idle = next(f for f in result.findings if f.rule_id == "oracle_profile_idle_time")
    assert idle.observed["users where open = True, value > $oracle_idle_time_max_minutes"] == ["APPUSER", "HR"]


# --------------------------------------------------------------------------------------------
# Profile semantics
# --------------------------------------------------------------------------------------------
def tables(major_release: int, **queries) -> Raw:
    docs = {n: {"columns": list(QUERIES[n].columns), "rows": rows} for n, rows in queries.items()}
    return Raw(json.dumps({"major": major_release, "queries": docs}).encode())


def user(name, status="OPEN", profile="DEFAULT", maint="N", auth="PASSWORD"):
    return [name, status, profile, auth, "11G 12C ", 100, None, None, maint, "NO", 1]


def prof(profile, resource, limit):
    return [profile, resource, limit]


def limits(resource, users, profiles):
    parsed = get_fact("oracle.ProfileLimit").parse_raw(tables(19, users=users, profiles=profiles),
                                                      {"resource": resource}, HostContext())
    return {u["name"]: u for u in parsed.value["users"]}, parsed.sources


def test_default_inherits_the_default_profile_and_unlimited_is_infinite():
    users = [user("A", profile="P1"), user("B", profile="P2"), user("C")]
    profiles = [prof("DEFAULT", "PASSWORD_LIFE_TIME", "UNLIMITED"), prof("P1", "PASSWORD_LIFE_TIME", "DEFAULT"),
                prof("P2", "PASSWORD_LIFE_TIME", "60")]
    got, sources = limits("PASSWORD_LIFE_TIME", users, profiles)
    assert got["A"]["value"] == UNLIMITED and got["A"]["inherited"] is True
    assert got["B"]["value"] == 60 and got["B"]["inherited"] is False
    assert got["C"]["value"] == UNLIMITED
    assert "inherited from profile DEFAULT" in sources["A"]
    # UNLIMITED fails a "≤ N" rule; the verdict is per user, through each user's own profile
    rule = RULES["oracle_profile_password_life_time"]
    finding = evaluate_rule(rule, stub_view({"facts": {"oracle.ProfileLimit": {"users": list(got.values())}}},
                                            {"oracle"}), {"oracle_password_life_time_max_days": 90})
    assert finding.status == Status.FAIL and finding.observed == ["A", "C"]


def test_fractional_days_and_text_numbers():
    got, _ = limits("PASSWORD_LOCK_TIME", [user("A")], [prof("DEFAULT", "PASSWORD_LOCK_TIME", ".0069")])
    assert got["A"]["value"] == pytest.approx(0.0069)


@pytest.mark.parametrize("reuse_max, reuse_time, expect_max, expect_time", [
    ("5", "90", 5, 90),
    ("UNLIMITED", "365", UNLIMITED, UNLIMITED),  # one integer, one UNLIMITED: never reusable
    ("3", "UNLIMITED", UNLIMITED, UNLIMITED),
    ("UNLIMITED", "UNLIMITED", 0, 0),  # both UNLIMITED: no restriction at all
])
def test_password_reuse_limits_are_judged_together(reuse_max, reuse_time, expect_max, expect_time):
    profiles = [prof("DEFAULT", "PASSWORD_REUSE_MAX", reuse_max), prof("DEFAULT", "PASSWORD_REUSE_TIME", reuse_time)]
    assert limits("PASSWORD_REUSE_MAX", [user("A")], profiles)[0]["A"]["value"] == expect_max
    assert limits("PASSWORD_REUSE_TIME", [user("A")], profiles)[0]["A"]["value"] == expect_time


def test_unresolvable_limit_of_an_open_account_is_an_error_not_a_pass():
    users = [user("A", profile="GONE"), user("B", status="LOCKED", profile=None)]
    with pytest.raises(FactError, match="cannot be resolved for open account"):
        limits("FAILED_LOGIN_ATTEMPTS", users, [prof("DEFAULT", "FAILED_LOGIN_ATTEMPTS", "6")])
    # a locked account with a NULL profile is not judged
    got, _ = limits("FAILED_LOGIN_ATTEMPTS", users[1:], [prof("DEFAULT", "FAILED_LOGIN_ATTEMPTS", "6")])
    assert got["B"]["value"] is None and got["B"]["open"] is False
    with pytest.raises(FactError, match="no DEFAULT profile"):
        limits("FAILED_LOGIN_ATTEMPTS", users, [prof("P", "FAILED_LOGIN_ATTEMPTS", "6")])
    with pytest.raises(FactError, match="cannot be resolved"):
        limits("FAILED_LOGIN_ATTEMPTS", [user("C")], [prof("DEFAULT", "FAILED_LOGIN_ATTEMPTS", None)])


@pytest.mark.parametrize("status, auth, expected", [
    ("OPEN", "PASSWORD", True), ("EXPIRED", "PASSWORD", True), ("EXPIRED(GRACE)", "PASSWORD", True),
    ("LOCKED(TIMED)", "PASSWORD", True), ("LOCKED", "PASSWORD", False), ("EXPIRED & LOCKED", "PASSWORD", False),
    ("EXPIRED & LOCKED(TIMED)", "PASSWORD", True), ("OPEN", "NONE", False), (None, "PASSWORD", None),
])
def test_which_accounts_can_log_in(status, auth, expected):
    assert is_open(status, auth) is expected


@pytest.mark.parametrize("source, length, classes", [
    ("if not ora_complexity_check(password, chars => 8, letter => 1, digit => 1) then", 8, 2),
    ("if not ora_complexity_check(password, chars => 9, upper => 2, lower => 2, digit => 2, special => 2) then", 9, 4),
    ("-- ora_complexity_check(password, chars => 20, upper => 1, lower => 1, digit => 1, special => 1);\n"
     "IF length(password) < 6 THEN RETURN FALSE; END IF;", 6, 0),
    ("IF LENGTH(p) < 8 THEN x; END IF; IF regexp_like(p,'[[:digit:]]') THEN n:=n+1; END IF;"
     "IF regexp_like(p,'[[:upper:]]') THEN n:=n+1; END IF; IF regexp_like(p,'[[:lower:]]') THEN n:=n+1; END IF;"
     "IF regexp_like(p,'[[:punct:]]') THEN n:=n+1; END IF; IF n < 3 THEN raise_application_error(-20001,'x'); END IF;", 8, 3),
    ("BEGIN RETURN my_pkg.check_it(password); END;", -1, -1),
])
def test_verify_function_analysis(source, length, classes):
    got = analyse_verify_source(source)
    assert got[:2] == (length, classes), got


def test_stock_12c_verify_function_does_not_meet_three_of_four_classes():
    result, _ = live_scan(load_snapshot("12c_noncdb"), "mlps_l3_oracle")
    finding = next(f for f in result.findings if f.rule_id == "oracle_profile_password_verify_function")
    assert finding.status == Status.FAIL
    assert any("ORA12C_VERIFY_FUNCTION" in e and "letter => 1, digit => 1" in e for e in finding.evidence)


# --------------------------------------------------------------------------------------------
# Bad input: privileges, MOUNT state, standby, NULLs
# --------------------------------------------------------------------------------------------
def test_a_missing_grant_on_one_view_is_an_error_finding_naming_the_view_and_grant():
    result, _ = live_scan(load_snapshot("12c_noncdb"), "mlps_l3_oracle")
    finding = next(f for f in result.findings if f.rule_id == "oracle_accounts_no_default_password")
    assert finding.status == Status.ERROR
    assert "DBA_USERS_WITH_DEFPWD" in finding.reason and "GRANT SELECT ON SYS.DBA_USERS_WITH_DEFPWD" in finding.reason
    assert result.status == "ok"


def test_no_catalog_role_at_all_is_one_clear_target_error():
    snapshot = load_snapshot("19c_pdb")
    result, _ = live_scan(snapshot, "mlps_l3_oracle", {"version": {"error": "ORA-00942: table or view does not exist"}})
    assert result.status == "error" and "SELECT_CATALOG_ROLE" in result.error and "\n" not in result.error


def test_mounted_database_gives_errors_never_passes():
    snapshot = load_snapshot("19c_pdb")
    closed = {name: {"error": "ORA-01219: database or pluggable database not open: queries allowed on fixed "
                              "tables or views only"} for name in QUERIES if name != "version"}
    result, _ = live_scan(snapshot, "mlps_l3_oracle", closed)
    got = verdicts(result)
    assert {s for rid, s in got.items() if rid not in HOST_RULES} == {"error"}
    sample = next(f for f in result.findings if f.rule_id == "oracle_profile_password_life_time")
    assert "not open" in sample.reason


def test_standby_backup_rule_is_not_applicable():
    snapshot = load_snapshot("19c_pdb")
    row = list(snapshot["queries"]["instance"]["rows"][0])
    row[7], row[8] = "READ ONLY WITH APPLY", "PHYSICAL STANDBY"
    result, _ = live_scan(snapshot, "mlps_l3_oracle",
                          {"instance": {"columns": list(QUERIES["instance"].columns), "rows": [row]},
                           "rman_jobs": {"columns": list(QUERIES["rman_jobs"].columns), "rows": []}})
    assert verdicts(result)["oracle_backup_rman_recent"] == "notapplicable"
    assert "PHYSICAL STANDBY" in result.platform["pretty_name"]


def test_unexpected_nulls_never_crash_or_pass():
    snapshot = load_snapshot("19c_pdb")
    nulls = {}
    for name in ("users", "profiles", "sys_privs", "role_privs", "tablespaces", "resource_limit", "archive_dest",
                 "rman_jobs", "patches", "blocking", "held_locks", "transactions", "top_sql_cpu", "asm"):
        columns = list(QUERIES[name].columns)
        nulls[name] = {"columns": columns, "rows": [[None] * len(columns)] * 3}
    result, _ = live_scan(snapshot, "mlps_l3_oracle", nulls)
    got = verdicts(result)
    assert got["oracle_profile_password_life_time"] in ("error", "pass")  # NULL users are skipped, not judged
    assert got["oracle_backup_rman_recent"] == "fail"  # no completed backup recorded
    assert got["oracle_patch_recent"] == "fail"
    health, _ = live_scan(snapshot, "oracle_health", nulls)
    assert all(f.status != Status.ERROR or f.reason for f in health.findings)


# --------------------------------------------------------------------------------------------
# Offline SQL*Plus collector
# --------------------------------------------------------------------------------------------
def offline(snapshot_name: str, baseline_name: str, banner="Enter password: \nConnected.\n"):
    rules, baseline, params = prepared(baseline_name)
    plan = oracle_plan(rules, params)
    script = build_sqlplus_script(plan, baseline.id)
    text = run_sqlplus(script, load_snapshot(snapshot_name), banner)
    plan2, raws, meta = read_sqlplus_bundle(text, "bundle.txt")
    result = evaluate_results("db", "bundle:bundle.txt", rules, params, baseline, plan2, meta["results"], meta["major"],
                              TODAY)
    return script, text, result


@pytest.mark.parametrize("name", SNAPSHOT_NAMES)
@pytest.mark.parametrize("baseline_name", ["mlps_l3_oracle", "oracle_health"])
def test_offline_bundle_gives_the_same_findings_as_a_live_scan(name, baseline_name):
    _script, text, offline_result = offline(name, baseline_name)
    live, _ = live_scan(load_snapshot(name), baseline_name)
    assert is_sqlplus_bundle(text)
    a = [(f.rule_id, f.status.value, json.dumps(f.observed, sort_keys=True), f.evidence) for f in offline_result.findings]
    b = [(f.rule_id, f.status.value, json.dumps(f.observed, sort_keys=True), f.evidence) for f in live.findings]
    assert a == b


def test_sqlplus_script_is_safe_for_sqlplus():
    script, _, _ = offline("19c_pdb", "mlps_l3_oracle")
    lines = script.splitlines()
    assert max(len(line) for line in lines) <= 250  # SQL*Plus refuses script lines over 2499 characters
    assert not any(line[:1] in ("#", "@", "!", "/") for line in lines)  # would run as SQL*Plus commands
    assert "SET DEFINE OFF" in script and lines[-1] == "EXIT"
    assert not re.search(r"\b(INSERT|UPDATE|DELETE|ALTER SYSTEM|DROP|GRANT|CREATE)\b", script.replace("CREATE_", ""))
    # every variant of every needed query, and every literal intact after line wrapping
    for q in ("users@11", "users@12", "unified_policies@12", "unified_policies@19"):
        assert f":B:{q}\n" in script


def test_bundle_with_noise_and_hostile_values_round_trips():
    snapshot = load_snapshot("19c_pdb")
    hostile = "x\x1fy\\N\nline2\r|" + "HF" + "0" * 32 + ":E:users@12"
    snapshot["queries"]["top_sql_cpu"]["rows"][0][6] = hostile[:100]
    rules, baseline, params = prepared("oracle_health")
    plan = oracle_plan(rules, params)
    text = run_sqlplus(build_sqlplus_script(plan, baseline.id), snapshot, banner="SQL*Plus: Release 19.0.0.0.0\nORA-28002: the password will expire within 7 days\n")
    _, _, meta = read_sqlplus_bundle(text, "b.txt")
    assert meta["results"]["top_sql_cpu"]["rows"][0][6] == hostile[:100]


def test_bundle_errors_are_per_query():
    _, text, result = offline("12c_noncdb", "mlps_l3_oracle")
    assert "ORA-00942" in text
    finding = next(f for f in result.findings if f.rule_id == "oracle_accounts_no_default_password")
    assert finding.status == Status.ERROR and "GRANT SELECT ON SYS.DBA_USERS_WITH_DEFPWD" in finding.reason


@pytest.mark.parametrize("mutate, message", [
    (lambda t: t[: t.index(":END")], "ends early"),
    (lambda t: "just some text\n", "no collector marker"),
    (lambda t: re.sub(r"(:R:[^\n\x1f]*)\x1f", r"\1", t, count=1), "values for"),
    (lambda t: t.replace(":E:users@12", ":E:users@99", 1), "framing is broken"),
])
def test_broken_bundles_are_input_errors(mutate, message):
    _, text, _ = offline("19c_pdb", "mlps_l3_oracle")
    with pytest.raises(InputError, match=message):
        read_sqlplus_bundle(mutate(text), "bundle.txt")


def test_bundle_from_an_account_without_catalog_access():
    rules, baseline, params = prepared("mlps_l3_oracle")
    snapshot = load_snapshot("19c_pdb")
    snapshot["queries"] = {}
    text = run_sqlplus(build_sqlplus_script(oracle_plan(rules, params), baseline.id), snapshot)
    with pytest.raises(InputError, match="no release from V\\$INSTANCE"):
        read_sqlplus_bundle(text, "bundle.txt")


# --------------------------------------------------------------------------------------------
# Facts stay out of the shell collector; rules split between the database and its host
# --------------------------------------------------------------------------------------------
def test_sql_facts_never_enter_the_shell_collector():
    sql_facts = [n for n, cls in REGISTRY.items() if getattr(cls, "sql", False)]
    assert len(sql_facts) >= 20 and "oracle.HostFiles" not in sql_facts
    for name in sql_facts:
        with pytest.raises(FactError, match="Oracle SQL fact"):
            get_fact(name).shell({})
        with pytest.raises(InputError):  # a host scan that selects an Oracle rule stops with exit 2, one line
            get_fact(name).shell({})
    with pytest.raises(FactError):
        build_script([PlannedFact(0, "oracle.Users", {})], "HF" + "0" * 32)


def test_rules_split_between_database_session_and_host():
    rules, _, _ = prepared("mlps_l3_oracle")
    db, host = split_rules(rules)
    assert {r.id for r in host} == HOST_RULES
    assert all(r.platform == ("oracle",) for r in db) and all(r.platform == ("linux",) for r in host)


def test_oracle_rule_inline_tests_pass_on_the_oracle_platform():
    """Inline tests judged as a database target (see docs/oracle.md on the engine's stub platforms)."""
    failures = []
    for rule in ORACLE_RULES.values():
        defaults = {n: p.default for n, p in rule.parameters.items()}
        platforms = {"oracle"} if "oracle" in rule.platform else {"linux", "debian", "rhel"}
        expects = {t["expect"] for t in rule.tests}
        assert {"pass", "fail"} <= expects, rule.id
        for test in rule.tests:
            finding = evaluate_rule(rule, stub_view(test, platforms), {**defaults, **(test.get("params") or {})})
            if finding.status.value != test["expect"]:
                failures.append(f"{rule.id}/{test['name']}: {finding.status.value} ({finding.reason})")
    assert not failures, failures


def test_seed_items_are_covered_with_the_users_values():
    baseline = load_baseline("mlps_l3_oracle", paths.baseline_roots(), RULES)
    v = baseline.variables
    assert (v["oracle_failed_login_attempts_max"], v["oracle_password_life_time_max_days"], v["oracle_password_reuse_max_min"],
            v["oracle_password_reuse_time_min_days"], v["oracle_password_grace_time_max_days"],
            v["oracle_idle_time_max_minutes"], v["oracle_sqlnet_expire_time_max_minutes"],
            v["oracle_audit_retention_min_days"]) == (6, 90, 5, 90, 30, 10, 10, 90)
    for rid in ("oracle_privileges_granted_through_roles", "oracle_profile_password_verify_function",
                "oracle_accounts_default_locked", "oracle_param_resource_limit_true", "oracle_privileges_no_any_privileges",
                "oracle_audit_logon", "oracle_audit_ddl", "oracle_backup_archive_dest_local_remote",
                "oracle_audit_retention", "oracle_host_log_dir_permissions", "oracle_profile_idle_time",
                "oracle_host_sqlnet_expire_time", "oracle_param_processes_limit_set", "oracle_patch_recent",
                "oracle_backup_rman_recent", "oracle_param_remote_os_authent_false",
                "oracle_param_remote_login_passwordfile", "oracle_param_sec_case_sensitive_logon_true",
                "oracle_param_o7_dictionary_accessibility_false", "oracle_accounts_no_default_password",
                "oracle_host_listener_admin_restrictions"):
        assert rid in baseline.rules, rid


# --------------------------------------------------------------------------------------------
# History: databases are stored like hosts
# --------------------------------------------------------------------------------------------
def test_results_are_stored_through_the_store(tmp_path):
    store = Store(tmp_path / "h.db")
    rules, baseline, params = prepared("mlps_l3_oracle")
    ids = []
    for name in ("12c_noncdb", "19c_hardened"):
        result, _ = live_scan(load_snapshot(name), "mlps_l3_oracle")
        result.name = "orcl"  # the same database, scanned before and after hardening
        scan_id = store.begin_scan("2026-11-27T00:00:00+00:00", baseline, params, "oracle", rules)
        store.add_target(scan_id, result)
        store.finish_scan(scan_id, "2026-11-27T00:00:01+00:00", 1, {"hosts": 1})
        ids.append(scan_id)
    scan = store.scan(ids[-1])
    assert scan["targets"][0]["uri"] == "oracle://mlps_scan@db.example:1521/ORCLPDB1"
    assert scan["targets"][0]["platform"]["family"] == "oracle"
    before = {f["rule_id"]: f["status"] for f in store.scan(ids[0])["targets"][0]["findings"]}
    after = {f["rule_id"]: f["status"] for f in scan["targets"][0]["findings"]}
    assert before["oracle_privileges_dba_role_restricted"] == "fail" and after["oracle_privileges_dba_role_restricted"] == "pass"


def test_bundle_in_a_chinese_client_character_set():
    from hardening.oracle.sqlplus import decode_bundle

    snapshot = load_snapshot("19c_pdb")
    snapshot["queries"]["top_sql_cpu"]["rows"][0][6] = "SELECT 纳税人 FROM 税务表"
    rules, baseline, params = prepared("oracle_health")
    text = run_sqlplus(build_sqlplus_script(oracle_plan(rules, params), baseline.id), snapshot)
    _, _, meta = read_sqlplus_bundle(decode_bundle(text.encode("gb18030")), "b.txt")
    assert meta["results"]["top_sql_cpu"]["rows"][0][6] == "SELECT 纳税人 FROM 税务表"


@pytest.mark.parametrize("output", [b"A" * 2_000_000, bytes(range(256)) * 64, b"{}", b'{"queries": []}',
                                    b'{"major": "x", "queries": {"users": {"columns": ["USERNAME"], "rows": [[1, 2]]}}}',
                                    b'{"major": 19, "queries": {"users": {"error": "ORA-01031: insufficient privileges"}}}',
                                    b'{"major": 19, "queries": {"users": "nope"}}'])
@pytest.mark.parametrize("fact_name", sorted(n for n, c in REGISTRY.items() if getattr(c, "sql", False)))
def test_sql_fact_parsers_survive_hostile_output(fact_name, output):
    args = {"resource": "PASSWORD_LIFE_TIME"} if REGISTRY[fact_name].arguments else {}
    try:
        get_fact(fact_name).parse_raw(Raw(output), args, HostContext())
    except FactError as exc:
        assert "\n" not in str(exc)


@pytest.mark.parametrize("jobs, arch, expected", [
    ([], [], UNLIMITED),  # nothing purges: records stay
    ([["J", "ENABLED", "STANDARD AUDIT TRAIL", "FREQ=HOURLY;INTERVAL=24", "NO"]], [], 1),  # empties the trail daily
    ([["J", "ENABLED", "STANDARD AUDIT TRAIL", "FREQ=HOURLY;INTERVAL=24", "YES"]], [["STANDARD AUDIT TRAIL", 0, 120]], 120),
    ([["J", "ENABLED", "STANDARD AUDIT TRAIL", "FREQ=HOURLY;INTERVAL=24", "YES"]], [], None),  # no timestamp set
    ([["J", "ENABLED", "STANDARD AUDIT TRAIL", "FREQ=HOURLY;INTERVAL=24", None]], [["X", 0, 400]], None),  # 11g: unknown
    ([["J", "DISABLED", "STANDARD AUDIT TRAIL", "FREQ=HOURLY;INTERVAL=1", "NO"]], [], UNLIMITED),
])
def test_audit_retention_from_purge_jobs(jobs, arch, expected):
    raw = tables(19, audit_cleanup=jobs, audit_last_arch=arch)
    value = get_fact("oracle.AuditRetention").parse_raw(raw, {}, HostContext()).value
    assert value["retention_days"] == expected
    finding = evaluate_rule(RULES["oracle_audit_retention"], stub_view({"facts": {"oracle.AuditRetention": value}}, {"oracle"}),
                            {"oracle_audit_retention_min_days": 90})
    assert finding.status.value == {UNLIMITED: "pass", 1: "fail", 120: "pass", None: "error"}[expected]
