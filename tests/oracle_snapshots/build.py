"""Writes the recorded catalog snapshots (``python3 tests/oracle_snapshots/build.py``).

Each snapshot is what the collector's queries return on one database: per query its columns,
the Oracle types behind them (the real views' types, or the type of the SQL expression) and its
rows, as python-oracledb hands them over (numbers as numbers, dates already TO_CHAR'd by the SQL).
A query that failed on that database records its error instead. The catalogs are composed from
the views' documented columns and the stock values of each release; they are not dumps of a live
server (none can run here) - see docs/oracle.md.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

V = lambda n: f"VARCHAR2({n})"  # noqa: E731
N = "NUMBER"
TYPES = {
    "version": {"VERSION": V(17)},
    "instance": {"VERSION": V(17), "INSTANCE_NAME": V(16), "HOST_NAME": V(64), "STATUS": V(12), "ARCHIVER": V(7),
                 "DB_NAME": V(9), "LOG_MODE": V(12), "OPEN_MODE": V(20), "DATABASE_ROLE": V(16), "FORCE_LOGGING": V(39),
                 "BANNER": V(80), "CDB": V(3), "CON_NAME": V(128), "CON_ID": V(4000), "VERSION_FULL": V(17)},
    "parameters": {"NAME": V(80), "VALUE": V(4000), "ISDEFAULT": V(9)},
    "users": {"USERNAME": V(128), "ACCOUNT_STATUS": V(32), "PROFILE": V(128), "AUTHENTICATION_TYPE": V(8),
              "PASSWORD_VERSIONS": V(17), "CREATED_DAYS": N, "LOCK_DATE": V(19), "EXPIRY_DATE": V(19),
              "ORACLE_MAINTAINED": V(1), "COMMON": V(3), "LAST_LOGIN_DAYS": N},
    "profiles": {"PROFILE": V(128), "RESOURCE_NAME": V(32), "LIMIT": V(128)},
    "verify_source": {"OWNER": V(128), "NAME": V(128), "LINE": N, "TEXT": V(1000)},
    "defpwd": {"USERNAME": V(128)},
    "roles": {"ROLE": V(128), "ORACLE_MAINTAINED": V(1)},
    "sys_privs": {"GRANTEE": V(128), "PRIVILEGE": V(40), "ADMIN_OPTION": V(3)},
    "role_privs": {"GRANTEE": V(128), "GRANTED_ROLE": V(128), "ADMIN_OPTION": V(3)},
    "public_exec": {"OWNER": V(128), "TABLE_NAME": V(128), "PRIVILEGE": V(40), "GRANTABLE": V(3)},
    "unified_option": {"VALUE": V(64)},
    "stmt_audit": {"AUDIT_OPTION": V(40), "SUCCESS": V(10), "FAILURE": V(10)},
    "unified_policies": {"POLICY_NAME": V(128), "ENTITY": V(128), "SUCCESS": V(3), "FAILURE": V(3),
                         "AUDIT_OPTION": V(128), "AUDIT_OPTION_TYPE": V(18)},
    "db_triggers": {"OWNER": V(128), "TRIGGER_NAME": V(128), "TRIGGERING_EVENT": V(246), "BASE_OBJECT_TYPE": V(18),
                    "STATUS": V(8)},
    "audit_cleanup": {"JOB_NAME": V(100), "JOB_STATUS": V(8), "AUDIT_TRAIL": V(28), "JOB_FREQUENCY": V(100),
                      "USE_LAST_ARCH_TIMESTAMP": V(3)},
    "audit_last_arch": {"AUDIT_TRAIL": V(20), "RAC_INSTANCE": N, "AGE_DAYS": N},
    "archive_dest": {"DEST_ID": N, "DEST_NAME": V(256), "STATUS": V(9), "TARGET": V(16), "DESTINATION": V(256),
                     "ERROR": V(256)},
    "rman_jobs": {"INPUT_TYPE": V(13), "STATUS": V(23), "END_TIME": V(19), "AGE_DAYS": N},
    "patches": {"PATCH_ID": N, "ACTION": V(15), "STATUS": V(25), "ACTION_TIME": V(19), "AGE_DAYS": N,
                "DESCRIPTION": V(100)},
    "components": {"COMP_ID": V(128), "VERSION": V(30), "STATUS": V(44)},
    "tablespaces": {"TABLESPACE_NAME": V(30), "CONTENTS": V(21), "USED_MB": N, "MAX_MB": N, "USED_PCT": N},
    "asm": {"NAME": V(30), "STATE": V(11), "TYPE": V(6), "TOTAL_MB": N, "FREE_MB": N, "USABLE_FILE_MB": N},
    "resource_limit": {"RESOURCE_NAME": V(30), "CURRENT_UTILIZATION": N, "MAX_UTILIZATION": N, "LIMIT_VALUE": V(10)},
    "blocking": {"SID": N, "SERIAL": N, "USERNAME": V(128), "BLOCKING_SESSION": N, "SECONDS_IN_WAIT": N, "EVENT": V(64)},
    "held_locks": {"SID": N, "USERNAME": V(128), "TYPE": V(2), "LMODE": N, "CTIME": N},
    "transactions": {"SID": N, "SERIAL": N, "USERNAME": V(128), "START_DATE": V(19), "AGE_MIN": N, "USED_UBLK": N},
    "invalid_objects": {"OWNER": V(128), "OBJECT_TYPE": V(23), "CNT": N},
    "unusable_indexes": {"OWNER": V(128), "INDEX_NAME": V(128), "PART": V(128), "STATUS": V(8)},
    "top_sql_cpu": {"SQL_ID": V(13), "EXECUTIONS": N, "CPU_S": N, "ELAPSED_S": N, "BUFFER_GETS": N,
                    "SHARABLE_MEM_KB": N, "SQL_TEXT": V(100)},
    "top_sql_mem": {"SQL_ID": V(13), "EXECUTIONS": N, "CPU_S": N, "ELAPSED_S": N, "BUFFER_GETS": N,
                    "SHARABLE_MEM_KB": N, "SQL_TEXT": V(100)},
}

RESOURCES = ["COMPOSITE_LIMIT", "SESSIONS_PER_USER", "CPU_PER_SESSION", "CPU_PER_CALL", "LOGICAL_READS_PER_SESSION",
             "LOGICAL_READS_PER_CALL", "IDLE_TIME", "CONNECT_TIME", "PRIVATE_SGA", "FAILED_LOGIN_ATTEMPTS",
             "PASSWORD_LIFE_TIME", "PASSWORD_REUSE_TIME", "PASSWORD_REUSE_MAX", "PASSWORD_VERIFY_FUNCTION",
             "PASSWORD_LOCK_TIME", "PASSWORD_GRACE_TIME"]
STOCK_DEFAULT = {r: "UNLIMITED" for r in RESOURCES} | {"FAILED_LOGIN_ATTEMPTS": "10", "PASSWORD_LIFE_TIME": "180",
                                                       "PASSWORD_VERIFY_FUNCTION": "NULL", "PASSWORD_LOCK_TIME": "1",
                                                       "PASSWORD_GRACE_TIME": "7"}


def profiles(release: int, **named: dict) -> list[list]:
    resources = RESOURCES + (["INACTIVE_ACCOUNT_TIME"] if release >= 12.2 else [])
    rows = []
    for name, overrides in named.items():
        base = STOCK_DEFAULT | {"INACTIVE_ACCOUNT_TIME": "UNLIMITED"} if name == "DEFAULT" else {r: "DEFAULT" for r in resources}
        for r in resources:
            rows.append([name, r, overrides.get(r, base.get(r, "DEFAULT"))])
    return rows


def q(name: str, rows: list[list]) -> dict:
    return {"columns": list(TYPES[name]), "types": list(TYPES[name].values()), "rows": rows}


def err(message: str) -> dict:
    return {"error": message}


def users(rows, release):
    """rows: (name, status, profile, maintained, last_login_days, created_days[, auth])."""
    out = []
    for r in rows:
        name, status, profile, maint, last, created = r[:6]
        auth = r[6] if len(r) > 6 else "PASSWORD"
        versions = "10G 11G " if release == 11 else ("11G 12C " if auth == "PASSWORD" else None)
        lock = "2024-01-10T09:00:00" if "LOCKED" in (status or "") else None
        if release == 11:
            out.append([name, status, profile, auth, versions, created, lock, None, None, None, None])
        else:
            out.append([name, status, profile, auth, versions, created, lock, None, maint, "NO", last])
    return out


def params(**values) -> list[list]:
    return [[k, v, "FALSE"] for k, v in values.items()]


PARAMS_11G = params(remote_os_authent="FALSE", remote_os_roles="FALSE", remote_login_passwordfile="EXCLUSIVE",
                    o7_dictionary_accessibility="FALSE", sec_case_sensitive_logon="FALSE", resource_limit="FALSE",
                    audit_trail="DB", audit_sys_operations="FALSE", processes="150", sessions="248",
                    audit_file_dest="/u01/app/oracle/admin/ORCL11/adump", log_archive_dest_1=None)
HEALTH_QUIET = {
    "asm": q("asm", []),
    "blocking": q("blocking", []), "held_locks": q("held_locks", []), "transactions": q("transactions", []),
    "invalid_objects": q("invalid_objects", []), "unusable_indexes": q("unusable_indexes", []),
    "top_sql_cpu": q("top_sql_cpu", [["7ztv2z24kw0s0", 1200, 30.5, 41.2, 900000, 64, "SELECT * FROM orders WHERE id = :1"]]),
    "top_sql_mem": q("top_sql_mem", [["7ztv2z24kw0s0", 1200, 30.5, 41.2, 900000, 2048, "SELECT * FROM orders WHERE id = :1"]]),
}


def snapshot_11g() -> dict:
    return {"release": "11.2.0.4.0", "description": "11g non-CDB with stock DEFAULT profile, SCOTT open with its "
            "default password, NOARCHIVELOG, no RMAN history, 10G verifiers (thin mode cannot connect: offline collector)",
            "queries": {
        "version": q("version", [["11.2.0.4.0"]]),
        "instance": q("instance", [["11.2.0.4.0", "ORCL11", "db11.example", "OPEN", "STOPPED", "ORCL11", "NOARCHIVELOG",
                                    "READ WRITE", "PRIMARY", "NO", "Oracle Database 11g Enterprise Edition Release 11.2.0.4.0 - 64bit Production",
                                    None, None, None, None]]),
        "parameters": q("parameters", PARAMS_11G),
        "users": q("users", users([
            ("SYS", "OPEN", "DEFAULT", None, None, 4000), ("SYSTEM", "OPEN", "DEFAULT", None, None, 4000),
            ("DBSNMP", "OPEN", "DEFAULT", None, None, 4000), ("OUTLN", "EXPIRED & LOCKED", "DEFAULT", None, None, 4000),
            ("ANONYMOUS", "EXPIRED & LOCKED", "DEFAULT", None, None, 4000), ("XS$NULL", "EXPIRED & LOCKED", "DEFAULT", None, None, 4000),
            ("SCOTT", "OPEN", "DEFAULT", None, None, 4000), ("APPUSER", "OPEN", "APP_PROF", None, None, 900),
            ("OLDUSER", "LOCKED", "APP_PROF", None, None, 2000)], 11)),
        "profiles": q("profiles", profiles(11, DEFAULT={}, APP_PROF={"FAILED_LOGIN_ATTEMPTS": "5", "IDLE_TIME": "30"})),
        "verify_source": q("verify_source", []),
        "defpwd": q("defpwd", [["SCOTT"], ["OUTLN"]]),
        "roles": q("roles", [["DBA", None], ["CONNECT", None], ["RESOURCE", None], ["SELECT_CATALOG_ROLE", None], ["APP_ROLE", None]]),
        "sys_privs": q("sys_privs", [["DBA", "SELECT ANY TABLE", "YES"], ["DBA", "CREATE USER", "YES"], ["CONNECT", "CREATE SESSION", "NO"],
                                     ["APPUSER", "CREATE SESSION", "NO"], ["APPUSER", "SELECT ANY TABLE", "NO"],
                                     ["APP_ROLE", "CREATE TABLE", "NO"], ["SCOTT", "UNLIMITED TABLESPACE", "NO"]]),
        "role_privs": q("role_privs", [["SYS", "DBA", "YES"], ["SYSTEM", "DBA", "YES"], ["APPUSER", "CONNECT", "NO"],
                                       ["APPUSER", "APP_ROLE", "NO"], ["SCOTT", "CONNECT", "NO"], ["SCOTT", "RESOURCE", "NO"]]),
        "public_exec": q("public_exec", [["SYS", "DBMS_OUTPUT", "EXECUTE", "NO"], ["SYS", "UTL_FILE", "EXECUTE", "NO"],
                                         ["SYS", "UTL_TCP", "EXECUTE", "YES"], ["SYS", "DBMS_LOB", "EXECUTE", "NO"], ["SYS", "DBMS_RANDOM", "EXECUTE", "NO"]]),
        "unified_option": q("unified_option", []),
        "stmt_audit": q("stmt_audit", [[o, "BY ACCESS", "BY ACCESS"] for o in
                                       ("CREATE SESSION", "USER", "ROLE", "SYSTEM GRANT", "PROFILE", "ALTER SYSTEM", "SYSTEM AUDIT")]),
        "db_triggers": q("db_triggers", []),
        "audit_cleanup": q("audit_cleanup", []), "audit_last_arch": q("audit_last_arch", []),
        "archive_dest": q("archive_dest", [[1, "LOG_ARCHIVE_DEST_1", "VALID", "PRIMARY", "USE_DB_RECOVERY_FILE_DEST", None]]),
        "rman_jobs": q("rman_jobs", []),
        "patches": q("patches", [[None, "APPLY", None, "2013-10-20T10:00:00", 4420, "PSU 11.2.0.4.1"]]),
        "components": q("components", [["CATALOG", "11.2.0.4.0", "VALID"], ["CATPROC", "11.2.0.4.0", "VALID"]]),
        "tablespaces": q("tablespaces", [["SYSTEM", "PERMANENT", 700, 1000, 70.0], ["SYSAUX", "PERMANENT", 880, 1000, 88.0],
                                         ["USERS", "PERMANENT", 10, 32767, 0.03], ["UNDOTBS1", "UNDO", 990, 1000, 99.0],
                                         ["TEMP", "TEMPORARY", 5, 32767, 0.02]]),
        "resource_limit": q("resource_limit", [["processes", 50, 80, "150"], ["sessions", 60, 90, "248"]]),
        **HEALTH_QUIET,
    }}


def snapshot_12c() -> dict:
    verify = ["CREATE OR REPLACE FUNCTION ora12c_verify_function", "(username varchar2, password varchar2, old_password varchar2)",
              "RETURN boolean IS", "BEGIN", "   if not ora_complexity_check(password, chars => 8, letter => 1, digit => 1) then",
              "      return(false);", "   end if;", "   RETURN(TRUE);", "END;"]
    return {"release": "12.1.0.2.0", "description": "12c non-CDB after utlpwdmg.sql (stock ORA12C_VERIFY_FUNCTION: letter + "
            "digit only), custom profile with UNLIMITED life time, DBA granted to an application admin, "
            "no grant on DBA_USERS_WITH_DEFPWD, mixed-mode auditing with 12.1 policy columns",
            "queries": {
        "version": q("version", [["12.1.0.2.0"]]),
        "instance": q("instance", [["12.1.0.2.0", "ORCL12", "db12.example", "OPEN", "STARTED", "ORCL12", "ARCHIVELOG",
                                    "READ WRITE", "PRIMARY", "NO", "Oracle Database 12c Enterprise Edition Release 12.1.0.2.0 - 64bit Production",
                                    "NO", "ORCL12", "0", None]]),
        "parameters": q("parameters", params(remote_os_authent="FALSE", remote_os_roles="FALSE", remote_login_passwordfile="EXCLUSIVE",
                                             o7_dictionary_accessibility="FALSE", sec_case_sensitive_logon="TRUE",
                                             resource_limit="TRUE", audit_trail="DB", audit_sys_operations="TRUE",
                                             processes="300", sessions="472")),
        "users": q("users", users([
            ("SYS", "OPEN", "DEFAULT", "Y", 1, 3000), ("SYSTEM", "OPEN", "DEFAULT", "Y", 5, 3000),
            ("DBSNMP", "EXPIRED & LOCKED", "DEFAULT", "Y", None, 3000), ("AUDSYS", "EXPIRED & LOCKED", "DEFAULT", "Y", None, 3000),
            ("XS$NULL", "EXPIRED & LOCKED", "DEFAULT", "Y", None, 3000), ("ANONYMOUS", "EXPIRED & LOCKED", "DEFAULT", "Y", None, 3000),
            ("APPADMIN", "OPEN", "APP_PROF", "N", 3, 1500), ("APPUSER", "OPEN", "APP_PROF", "N", 2, 1500),
            ("DORMANT", "OPEN", "APP_PROF", "N", 200, 1500), ("NEWUSER", "OPEN", "APP_PROF", "N", None, 10)], 12)),
        "profiles": q("profiles", profiles(12, DEFAULT={"PASSWORD_VERIFY_FUNCTION": "ORA12C_VERIFY_FUNCTION"},
                                           APP_PROF={"FAILED_LOGIN_ATTEMPTS": "6", "PASSWORD_LIFE_TIME": "UNLIMITED",
                                                     "PASSWORD_REUSE_MAX": "5", "PASSWORD_REUSE_TIME": "UNLIMITED",
                                                     "IDLE_TIME": "10"})),
        "verify_source": q("verify_source", [["SYS", "ORA12C_VERIFY_FUNCTION", i + 1, line + "\n"] for i, line in enumerate(verify)]),
        "defpwd": err("ORA-00942: table or view does not exist"),
        "roles": q("roles", [["DBA", "Y"], ["CONNECT", "Y"], ["RESOURCE", "Y"], ["SELECT_CATALOG_ROLE", "Y"], ["APP_ROLE", "N"]]),
        "sys_privs": q("sys_privs", [["DBA", "SELECT ANY TABLE", "YES"], ["DBA", "CREATE USER", "YES"], ["SYS", "CREATE ANY TABLE", "NO"],
                                     ["APPUSER", "CREATE SESSION", "NO"], ["APPUSER", "CREATE TABLE", "NO"],
                                     ["APP_ROLE", "CREATE VIEW", "NO"]]),
        "role_privs": q("role_privs", [["SYS", "DBA", "YES"], ["SYSTEM", "DBA", "NO"], ["APPADMIN", "DBA", "NO"],
                                       ["APPUSER", "APP_ROLE", "NO"]]),
        "public_exec": q("public_exec", [["SYS", "DBMS_OUTPUT", "EXECUTE", "NO"], ["SYS", "DBMS_STANDARD", "EXECUTE", "NO"]]),
        "unified_option": q("unified_option", [["FALSE"]]),
        "stmt_audit": q("stmt_audit", [[o, "BY ACCESS", "BY ACCESS"] for o in ("CREATE SESSION", "USER", "ROLE", "SYSTEM GRANT", "PROFILE", "ALTER SYSTEM")]),
        "unified_policies": q("unified_policies", [["ORA_SECURECONFIG", "ALL USERS", "YES", "YES", a, "STANDARD ACTION"] for a in
                                                   ("CREATE USER", "ALTER USER", "DROP USER", "CREATE ROLE", "GRANT", "ALTER SYSTEM", "CREATE PROFILE")]
                              + [["ORA_LOGON_FAILURES", "ALL USERS", "NO", "YES", "LOGON", "STANDARD ACTION"]]),
        "db_triggers": q("db_triggers", []),
        "audit_cleanup": q("audit_cleanup", [["STANDARD_AUDIT_PURGE", "ENABLED", "STANDARD AUDIT TRAIL", "FREQ=HOURLY;INTERVAL=24", "YES"]]),
        "audit_last_arch": q("audit_last_arch", [["STANDARD AUDIT TRAIL", 0, 30]]),
        "archive_dest": q("archive_dest", [[1, "LOG_ARCHIVE_DEST_1", "VALID", "PRIMARY", "/u02/arch", None]]),
        "rman_jobs": q("rman_jobs", [["DB INCR", "COMPLETED", "2026-11-25T02:00:00", 2.1], ["ARCHIVELOG", "COMPLETED", "2026-11-27T02:00:00", 0.4]]),
        "patches": q("patches", [[22291127, "APPLY", "SUCCESS", "2018-05-01T10:00:00", 3100, "Database Patch Set Update : 12.1.0.2.160419"]]),
        "components": q("components", [["CATALOG", "12.1.0.2.0", "VALID"], ["XDB", "12.1.0.2.0", "INVALID"]]),
        "tablespaces": q("tablespaces", [["SYSTEM", "PERMANENT", 800, 32767, 2.4], ["USERS", "PERMANENT", 5000, 32767, 15.3]]),
        "resource_limit": q("resource_limit", [["processes", 280, 299, "300"], ["sessions", 290, 300, "472"]]),
        "asm": q("asm", []),
        "blocking": q("blocking", [[145, 3021, "APPUSER", 88, 300, "enq: TX - row lock contention"]]),
        "held_locks": q("held_locks", [[88, "APPUSER", "TX", 6, 900], [88, "APPUSER", "TM", 3, 900]]),
        "transactions": q("transactions", [[88, 1201, "APPUSER", "2026-11-27T15:00:00", 120, 4]]),
        "invalid_objects": q("invalid_objects", [["APP", "PACKAGE BODY", 3]]),
        "unusable_indexes": q("unusable_indexes", [["APP", "IX_ORDERS_DATE", None, "UNUSABLE"]]),
        "top_sql_cpu": q("top_sql_cpu", [["9babjv8yq8ru3", 4, 100.4, 130.0, 99999999, 512, "SELECT /*+ FULL(o) */ SUM(amount) FROM orders o"]]),
        "top_sql_mem": q("top_sql_mem", [["9babjv8yq8ru3", 4, 100.4, 130.0, 99999999, 1024, "SELECT /*+ FULL(o) */ SUM(amount) FROM orders o"]]),
    }}


def snapshot_19c_pdb() -> dict:
    strong = ["CREATE OR REPLACE FUNCTION ora12c_strong_verify_function", "(username varchar2, password varchar2, old_password varchar2)",
              "RETURN boolean IS", "BEGIN",
              "   if not ora_complexity_check(password, chars => 9, upper => 2, lower => 2, digit => 2, special => 2) then",
              "      return(false);", "   end if;", "   RETURN(TRUE);", "END;"]
    return {"release": "19.21.0.0.0", "description": "19c PDB ORCLPDB1: DEFAULT profile stock, an application profile "
            "inheriting FAILED_LOGIN_ATTEMPTS from DEFAULT, schema-only and locked default accounts, PUBLIC EXECUTE on "
            "DBMS_SQL, predefined unified policies only, a Data Guard destination, unexpected NULLs",
            "queries": {
        "version": q("version", [["19.0.0.0.0"]]),
        "instance": q("instance", [["19.0.0.0.0", "ORCLCDB", "db19.example", "OPEN", "STARTED", "ORCLCDB", "ARCHIVELOG",
                                    "READ WRITE", "PRIMARY", "YES", "Oracle Database 19c Enterprise Edition Release 19.0.0.0.0 - Production",
                                    "YES", "ORCLPDB1", "3", "19.21.0.0.0"]]),
        "parameters": q("parameters", params(remote_os_authent="FALSE", remote_os_roles="FALSE", remote_login_passwordfile="EXCLUSIVE",
                                             sec_case_sensitive_logon="TRUE", resource_limit="TRUE", audit_trail="DB",
                                             audit_sys_operations="TRUE", processes="640", sessions="984")),
        "users": q("users", users([
            ("SYS", "OPEN", "DEFAULT", "Y", 0, 900), ("SYSTEM", "OPEN", "DEFAULT", "Y", 12, 900),
            ("DBSNMP", "LOCKED", "DEFAULT", "Y", None, 900), ("GSMUSER", "EXPIRED & LOCKED", "DEFAULT", "Y", None, 900),
            ("ANONYMOUS", "EXPIRED & LOCKED", "DEFAULT", "Y", None, 900), ("MDSYS", "LOCKED", "DEFAULT", "Y", None, 900, "NONE"),
            ("AUDSYS", "OPEN", "DEFAULT", "Y", None, 900, "NONE"),
            ("PDBADMIN", "OPEN", "DEFAULT", "N", 30, 900), ("APPUSER", "OPEN", "APP_PROF", "N", 1, 400),
            ("HR", "OPEN", "APP_PROF", "N", 60, 400), ("GHOST", "LOCKED", None, "N", None, 50)], 19)),
        "profiles": q("profiles", profiles(19, DEFAULT={"PASSWORD_LIFE_TIME": "90", "IDLE_TIME": "10", "PASSWORD_REUSE_MAX": "10",
                                                        "PASSWORD_REUSE_TIME": "365", "PASSWORD_VERIFY_FUNCTION": "ORA12C_STRONG_VERIFY_FUNCTION"},
                                           APP_PROF={"PASSWORD_LIFE_TIME": "90", "PASSWORD_REUSE_MAX": "10", "PASSWORD_REUSE_TIME": "365",
                                                     "PASSWORD_VERIFY_FUNCTION": "ORA12C_STRONG_VERIFY_FUNCTION",
                                                     "PASSWORD_GRACE_TIME": "5", "IDLE_TIME": "15"})),
        "verify_source": q("verify_source", [["SYS", "ORA12C_STRONG_VERIFY_FUNCTION", i + 1, line + "\n"] for i, line in enumerate(strong)]),
        "defpwd": q("defpwd", [["GSMUSER"], ["ANONYMOUS"]]),
        "roles": q("roles", [["DBA", "Y"], ["CONNECT", "Y"], ["PDB_DBA", "Y"], ["APP_ROLE", "N"]]),
        "sys_privs": q("sys_privs", [["DBA", "SELECT ANY TABLE", "YES"], ["PDB_DBA", "CREATE SESSION", "NO"],
                                     ["APPUSER", "CREATE SESSION", "NO"], ["APP_ROLE", "CREATE TABLE", "NO"], [None, "CREATE VIEW", "NO"]]),
        "role_privs": q("role_privs", [["SYS", "DBA", "YES"], ["SYSTEM", "DBA", "NO"], ["PDBADMIN", "PDB_DBA", "NO"],
                                       ["APPUSER", "APP_ROLE", "NO"], ["HR", "APP_ROLE", "NO"]]),
        "public_exec": q("public_exec", [["SYS", "DBMS_OUTPUT", "EXECUTE", "NO"], ["SYS", "DBMS_SQL", "EXECUTE", "NO"]]),
        "unified_option": q("unified_option", [["FALSE"]]),
        "stmt_audit": q("stmt_audit", []),
        "unified_policies": q("unified_policies", [["ORA_SECURECONFIG", "ALL USERS", "YES", "YES", a, "STANDARD ACTION"] for a in
                                                   ("CREATE USER", "ALTER USER", "DROP USER", "CREATE ROLE", "GRANT", "ALTER SYSTEM", "CREATE PROFILE")]
                              + [["ORA_LOGON_FAILURES", "ALL USERS", "NO", "YES", "LOGON", "STANDARD ACTION"]]),
        "db_triggers": q("db_triggers", []),
        "audit_cleanup": q("audit_cleanup", []), "audit_last_arch": q("audit_last_arch", []),
        "archive_dest": q("archive_dest", [[1, "LOG_ARCHIVE_DEST_1", "VALID", "PRIMARY", "USE_DB_RECOVERY_FILE_DEST", None],
                                           [2, "LOG_ARCHIVE_DEST_2", "VALID", "STANDBY", "orclstby", None],
                                           [3, "LOG_ARCHIVE_DEST_3", "ERROR", "STANDBY", None, "ORA-12541: TNS:no listener"]]),
        "rman_jobs": q("rman_jobs", [["DB INCR", "COMPLETED", "2026-11-18T02:00:00", 9.6], ["DB INCR", "FAILED", "2026-11-25T02:00:00", 2.6],
                                     ["ARCHIVELOG", "COMPLETED", "2026-11-27T04:00:00", 0.5]]),
        "patches": q("patches", [[35643107, "APPLY", "SUCCESS", "2026-07-30T10:00:00", 120, "Database Release Update : 19.21.0.0.231017"]]),
        "components": q("components", [["CATALOG", "19.0.0.0.0", "VALID"], ["CATPROC", "19.0.0.0.0", "VALID"]]),
        "tablespaces": q("tablespaces", [["SYSTEM", "PERMANENT", 900, 32767, 2.75], ["APP_DATA", "PERMANENT", 30240, 32767, 92.29]]),
        "resource_limit": q("resource_limit", [["processes", 120, 200, "640"], ["sessions", 130, 220, "984"]]),
        "asm": q("asm", [["DATA", "CONNECTED", "EXTERN", 1000000, 400000, 400000], ["RECO", "CONNECTED", "EXTERN", 200000, 24000, 24000]]),
        "blocking": q("blocking", []),
        "held_locks": q("held_locks", [[77, "BATCH", "TM", 3, 7200]]),
        "transactions": q("transactions", []),
        "invalid_objects": q("invalid_objects", []),
        "unusable_indexes": q("unusable_indexes", [["APP", "IX_SALES", "P2026_10", "UNUSABLE"]]),
        "top_sql_cpu": q("top_sql_cpu", [["0w2qpuc6u2zsp", 52000, 210.0, 260.0, 5000000, 300, "SELECT /* app */ 1 FROM dual"]]),
        "top_sql_mem": q("top_sql_mem", [["f3yfg50ga0r8n", 3, 1.0, 2.0, 40, 256000, "SELECT /* report */ * FROM big_view"]]),
    }}


def snapshot_19c_hardened() -> dict:
    custom = ["CREATE OR REPLACE FUNCTION mlps_verify (username varchar2, password varchar2, old_password varchar2)",
              "RETURN boolean IS n INTEGER := 0;", "BEGIN",
              "  IF length(password) < 8 THEN raise_application_error(-20001, 'at least 8 characters'); END IF;",
              "  IF regexp_like(password, '[[:digit:]]') THEN n := n + 1; END IF;",
              "  IF regexp_like(password, '[[:upper:]]') THEN n := n + 1; END IF;",
              "  IF regexp_like(password, '[[:lower:]]') THEN n := n + 1; END IF;",
              "  IF regexp_like(password, '[[:punct:]]') THEN n := n + 1; END IF;",
              "  IF n < 3 THEN raise_application_error(-20002, '3 of 4 character classes'); END IF;",
              "  RETURN TRUE;", "END;"]
    return {"release": "19.22.0.0.0", "description": "19c PDB hardened to mlps_l3_oracle: custom verify function "
            "(8 characters, 3 of 4 classes), DEFAULT profile at the users' values, application profile with never-"
            "reusable passwords, pure unified auditing with logon and DDL policies, local and remote archiving",
            "queries": {
        "version": q("version", [["19.0.0.0.0"]]),
        "instance": q("instance", [["19.0.0.0.0", "HARDCDB", "db19h.example", "OPEN", "STARTED", "HARDCDB", "ARCHIVELOG",
                                    "READ WRITE", "PRIMARY", "YES", "Oracle Database 19c Enterprise Edition Release 19.0.0.0.0 - Production",
                                    "YES", "HARDPDB", "3", "19.22.0.0.0"]]),
        "parameters": q("parameters", params(remote_os_authent="FALSE", remote_os_roles="FALSE", remote_login_passwordfile="EXCLUSIVE",
                                             sec_case_sensitive_logon="TRUE", resource_limit="TRUE", audit_trail="NONE",
                                             audit_sys_operations="TRUE", processes="2000", sessions="3024")),
        "users": q("users", users([
            ("SYS", "OPEN", "DEFAULT", "Y", 0, 500), ("SYSTEM", "OPEN", "DEFAULT", "Y", 3, 500),
            ("DBSNMP", "EXPIRED & LOCKED", "DEFAULT", "Y", None, 500), ("ANONYMOUS", "EXPIRED & LOCKED", "DEFAULT", "Y", None, 500),
            ("XDB", "LOCKED", "DEFAULT", "Y", None, 500, "NONE"), ("APPUSER", "OPEN", "APP_PROF", "N", 1, 300),
            ("AUDITOR", "OPEN", "DEFAULT", "N", 10, 300), ("LEFTOVER", "EXPIRED & LOCKED", "APP_PROF", "N", 400, 600)], 19)),
        "profiles": q("profiles", profiles(19, DEFAULT={"FAILED_LOGIN_ATTEMPTS": "6", "PASSWORD_LIFE_TIME": "90", "PASSWORD_REUSE_MAX": "5",
                                                        "PASSWORD_REUSE_TIME": "90", "PASSWORD_VERIFY_FUNCTION": "MLPS_VERIFY",
                                                        "PASSWORD_GRACE_TIME": "7", "IDLE_TIME": "10", "PASSWORD_LOCK_TIME": ".0069"},
                                           APP_PROF={"PASSWORD_REUSE_MAX": "UNLIMITED", "PASSWORD_REUSE_TIME": "365",
                                                     "PASSWORD_GRACE_TIME": "5"})),
        "verify_source": q("verify_source", [["SYS", "MLPS_VERIFY", i + 1, line + "\n"] for i, line in enumerate(custom)]),
        "defpwd": q("defpwd", [["ANONYMOUS"]]),
        "roles": q("roles", [["DBA", "Y"], ["CONNECT", "Y"], ["AUDIT_VIEWER", "Y"], ["APP_ROLE", "N"]]),
        "sys_privs": q("sys_privs", [["DBA", "SELECT ANY TABLE", "YES"], ["APPUSER", "CREATE SESSION", "NO"],
                                     ["AUDITOR", "CREATE SESSION", "NO"], ["APP_ROLE", "CREATE TABLE", "NO"]]),
        "role_privs": q("role_privs", [["SYS", "DBA", "YES"], ["SYSTEM", "DBA", "NO"], ["APPUSER", "APP_ROLE", "NO"],
                                       ["AUDITOR", "AUDIT_VIEWER", "NO"]]),
        "public_exec": q("public_exec", [["SYS", "DBMS_OUTPUT", "EXECUTE", "NO"], ["SYS", "DBMS_STANDARD", "EXECUTE", "NO"]]),
        "unified_option": q("unified_option", [["TRUE"]]),
        "stmt_audit": q("stmt_audit", []),
        "unified_policies": q("unified_policies", [["ORA_SECURECONFIG", "ALL USERS", "YES", "YES", a, "STANDARD ACTION"] for a in
                                                   ("CREATE USER", "ALTER USER", "DROP USER", "CREATE ROLE", "GRANT", "ALTER SYSTEM", "CREATE PROFILE")]
                              + [["MLPS_LOGON", "ALL USERS", "YES", "YES", "LOGON", "STANDARD ACTION"],
                                 ["MLPS_DDL", "ALL USERS", "YES", "YES", "CREATE TABLE", "STANDARD ACTION"],
                                 ["MLPS_DDL", "ALL USERS", "YES", "YES", "DROP TABLE", "STANDARD ACTION"]]),
        "db_triggers": q("db_triggers", [["SYS", "LOGON_AUDIT_TRG", "LOGON ", "DATABASE", "ENABLED"]]),
        "audit_cleanup": q("audit_cleanup", [["UNIFIED_PURGE", "ENABLED", "UNIFIED AUDIT TRAIL", "FREQ=HOURLY;INTERVAL=24", "YES"]]),
        "audit_last_arch": q("audit_last_arch", [["UNIFIED AUDIT TRAIL", 0, 200]]),
        "archive_dest": q("archive_dest", [[1, "LOG_ARCHIVE_DEST_1", "VALID", "PRIMARY", "/u02/arch", None],
                                           [2, "LOG_ARCHIVE_DEST_2", "VALID", "STANDBY", "hardstby", None]]),
        "rman_jobs": q("rman_jobs", [["DB INCR", "COMPLETED", "2026-11-26T02:00:00", 1.6]]),
        "patches": q("patches", [[36233263, "APPLY", "SUCCESS", "2026-09-28T10:00:00", 60, "Database Release Update : 19.22.0.0.240116"]]),
        "components": q("components", [["CATALOG", "19.0.0.0.0", "VALID"]]),
        "tablespaces": q("tablespaces", [["SYSTEM", "PERMANENT", 900, 32767, 2.75], ["USERS", "PERMANENT", 100, 32767, 0.31]]),
        "resource_limit": q("resource_limit", [["processes", 150, 400, "2000"], ["sessions", 160, 420, "3024"]]),
        **HEALTH_QUIET,
    }}


SNAPSHOTS = {"11g": snapshot_11g, "12c_noncdb": snapshot_12c, "19c_pdb": snapshot_19c_pdb, "19c_hardened": snapshot_19c_hardened}

if __name__ == "__main__":
    for name, build in SNAPSHOTS.items():
        (HERE / f"{name}.json").write_text(json.dumps(build(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {name}.json")


def write_fact_fixtures() -> None:
    """tests/facts/oracle.*/ cases: each SQL fact parsed from two recorded catalogs, junk and a cut-off result.

    ``family`` names the database host's OS family; SQL facts do not depend on it (the tier-1 meta-test
    asks every fact for a Debian and a RHEL-family case).
    """
    import sys

    sys.path.insert(0, str(HERE.parent.parent))
    from hardening.collect import PlannedFact
    from hardening.facts import REGISTRY, HostContext, get_fact
    from hardening.oracle.collect import raws_for

    facts_dir = HERE.parent / "facts"
    cases = [("debian", "19c_pdb", snapshot_19c_pdb()), ("rhel", "12c_noncdb", snapshot_12c()),
             ("rhel", "11g", snapshot_11g())]
    for name, cls in sorted(REGISTRY.items()):
        if not getattr(cls, "sql", False):
            continue
        folder = facts_dir / name
        folder.mkdir(parents=True, exist_ok=True)
        args = {"resource": "FAILED_LOGIN_ATTEMPTS"} if cls.arguments else {}
        for family, label, snap in cases:
            major = int(snap["release"].split(".")[0])
            results = {k: v for k, v in snap["queries"].items()}
            plan = [PlannedFact(0, name, args)]
            raw = raws_for(plan, results, major)[plan[0].key]
            case = {"note": f"recorded catalog {label} ({snap['release']}); family = the database host's OS",
                    "family": family, "args": args, "stdout": raw.stdout.decode(), "rc": 0}
            try:
                case["expect"] = json.loads(json.dumps(get_fact(name).parse_raw(raw, args, HostContext(family)).value))
            except Exception as exc:  # noqa: BLE001 - recorded as the expected error
                case["expect_error"] = str(exc)
            (folder / f"{label}.json").write_text(json.dumps(case, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        junk = {"note": "SQL*Plus noise instead of a JSON result", "family": "debian", "args": args,
                "stdout": "SP2-0734: unknown command beginning \"ORA-00942\"\n", "rc": 0,
                "expect_error": "not a JSON query result"}
        cut = {"note": "result cut off by the output cap", "family": "rhel", "args": args,
               "stdout": "{\"major\":19,\"queries\":{\"users\":{\"columns\":[\"USERNAME\"", "rc": 0, "truncated": True,
               "expect_error": "cut off"}
        (folder / "junk.json").write_text(json.dumps(junk, indent=1) + "\n", encoding="utf-8")
        (folder / "truncated.json").write_text(json.dumps(cut, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_fact_fixtures()
    print("wrote tests/facts/oracle.* fixtures")
