"""Oracle Database facts: SQL (with version variants) plus pure parsers over the returned rows.

These facts are never run by the Linux shell collector: each carries ``sql = True`` and its
``shell()`` raises. ``hardening.oracle`` runs the named queries below in ONE database session
(or the offline SQL*Plus script runs them) and hands each fact a ``Raw`` whose stdout is JSON::

    {"major": 19, "queries": {"users": {"columns": [...], "rows": [[...], ...]},
                              "defpwd": {"error": "ORA-00942: table or view does not exist"}}}

A query that failed (a missing grant, a view absent in this version) makes only the facts that
need it fail, with the view and the grant named - never the whole scan.

Semantics that differ between releases live here, not in rules: 11g has no ORACLE_MAINTAINED or
LAST_LOGIN, 12.1 and 19c name the unified-audit policy columns differently, a profile limit of
``DEFAULT`` inherits the DEFAULT profile's value, ``UNLIMITED`` is reported as the number
``"Infinity"`` (so ``le``/``gt`` judge it as larger than any limit), and the two password reuse
limits are judged together as Oracle does.

The last fact, ``oracle.HostFiles``, is an ordinary shell fact for the database's host (run over
SSH when a database is tied to its host): sqlnet.ora, listener.ora and log directory modes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, ClassVar

from hardening.errors import FactError, InputError
from hardening.facts.base import Fact, HostContext, Parsed, Raw
from hardening.facts.records import split_files, text_lines

UNLIMITED = "Infinity"  # operators read it as float('inf'); JSON keeps it a plain string

# Oracle-supplied accounts, for 11g where DBA_USERS.ORACLE_MAINTAINED does not exist
# (reference C.2; not exhaustive, 12c+ uses the column instead).
DEFAULT_ACCOUNTS_11G = frozenset("""
SYS SYSTEM SYSMAN DBSNMP MGMT_VIEW OUTLN ANONYMOUS APEX_030200 APEX_040000 APEX_040200 APEX_PUBLIC_USER
FLOWS_FILES APPQOSSYS CTXSYS DIP DMSYS EXFSYS LBACSYS MDDATA MDSYS OLAPSYS ORACLE_OCM ORDDATA ORDPLUGINS
ORDSYS OWBSYS OWBSYS_AUDIT SI_INFORMTN_SCHEMA SPATIAL_CSW_ADMIN_USR SPATIAL_WFS_ADMIN_USR TSMSYS WKPROXY
WKSYS WK_TEST WMSYS XDB XS$NULL AUDSYS GSMADMIN_INTERNAL GSMCATUSER GSMUSER SYSBACKUP SYSDG SYSKM OJVMSYS
DVSYS DVF REMOTE_SCHEDULER_AGENT DBSFWUSER GGSYS SYSRAC SYS$UMF PDBADMIN
""".split())
DEFAULT_ROLES_11G = frozenset("""
CONNECT RESOURCE DBA SELECT_CATALOG_ROLE EXECUTE_CATALOG_ROLE DELETE_CATALOG_ROLE EXP_FULL_DATABASE
IMP_FULL_DATABASE DATAPUMP_EXP_FULL_DATABASE DATAPUMP_IMP_FULL_DATABASE RECOVERY_CATALOG_OWNER
SCHEDULER_ADMIN AQ_ADMINISTRATOR_ROLE AQ_USER_ROLE GATHER_SYSTEM_STATISTICS LOGSTDBY_ADMINISTRATOR
OEM_ADVISOR OEM_MONITOR HS_ADMIN_ROLE HS_ADMIN_SELECT_ROLE HS_ADMIN_EXECUTE_ROLE GLOBAL_AQ_USER_ROLE
JAVA_ADMIN JAVA_DEPLOY JAVAUSERPRIV JAVAIDPRIV JAVASYSPRIV JAVADEBUGPRIV EJBCLIENT CTXAPP XDBADMIN
XDB_SET_INVOKER XDB_WEBSERVICES XDB_WEBSERVICES_OVER_HTTP XDB_WEBSERVICES_WITH_PUBLIC AUTHENTICATEDUSER
MGMT_USER WM_ADMIN_ROLE OLAP_DBA OLAP_USER OLAP_XS_ADMIN ORDADMIN SPATIAL_CSW_ADMIN SPATIAL_WFS_ADMIN
WFS_USR_ROLE CSW_USR_ROLE ADM_PARALLEL_EXECUTE_TASK DBFS_ROLE HS_ADMIN_ROLE APEX_ADMINISTRATOR_ROLE
CWM_USER OWB_USER OWB$CLIENT MGMT_USER PUBLIC
""".split())
SAMPLE_SCHEMAS = frozenset({"SCOTT", "HR", "OE", "PM", "IX", "SH", "BI"})


# ---------------------------------------------------------------------------------------------
# The SQL. Each query has variants by major release (the highest variant <= the release is used),
# the views it reads and the grant that makes them readable. Dates come back as text from the
# SQL itself and ages are computed on the server, so a live session and the SQL*Plus script
# produce the same values.
# ---------------------------------------------------------------------------------------------
TS = "'YYYY-MM-DD\"T\"HH24:MI:SS'"


@dataclass(frozen=True)
class Query:
    name: str
    columns: tuple[str, ...]
    variants: dict  # {min major release: sql}
    views: str
    grant: str = "GRANT SELECT_CATALOG_ROLE TO <audit account>"

    def for_release(self, major: int | None) -> tuple[int, str] | None:
        usable = [v for v in self.variants if major is None or v <= major]
        if not usable:
            return None
        best = max(usable)
        return best, self.variants[best]


def _q(name, columns, variants, views, grant=None) -> Query:
    if isinstance(variants, str):
        variants = {11: variants}
    return Query(name, tuple(columns.split()), {k: " ".join(v.split()) for k, v in variants.items()}, views,
                 grant or "GRANT SELECT_CATALOG_ROLE TO <audit account>")


_INSTANCE_COMMON = ("i.version, i.instance_name, i.host_name, i.status, i.archiver, d.name, d.log_mode, "
                    "d.open_mode, d.database_role, d.force_logging, "
                    "(SELECT banner FROM v$version WHERE ROWNUM = 1)")

QUERIES: dict[str, Query] = {q.name: q for q in [
    _q("version", "VERSION", "SELECT version FROM v$instance", "V$INSTANCE"),
    _q("instance",
       "VERSION INSTANCE_NAME HOST_NAME STATUS ARCHIVER DB_NAME LOG_MODE OPEN_MODE DATABASE_ROLE FORCE_LOGGING "
       "BANNER CDB CON_NAME CON_ID VERSION_FULL",
       {11: f"SELECT {_INSTANCE_COMMON}, NULL, NULL, NULL, NULL FROM v$instance i, v$database d",
        12: f"SELECT {_INSTANCE_COMMON}, d.cdb, SYS_CONTEXT('USERENV','CON_NAME'), SYS_CONTEXT('USERENV','CON_ID'), "
            f"NULL FROM v$instance i, v$database d",
        18: f"SELECT {_INSTANCE_COMMON}, d.cdb, SYS_CONTEXT('USERENV','CON_NAME'), SYS_CONTEXT('USERENV','CON_ID'), "
            f"i.version_full FROM v$instance i, v$database d"},
       "V$INSTANCE, V$DATABASE, V$VERSION"),
    _q("parameters", "NAME VALUE ISDEFAULT",
       "SELECT name, value, isdefault FROM v$parameter WHERE name IN ('remote_os_authent','remote_os_roles',"
       "'remote_login_passwordfile','o7_dictionary_accessibility','sec_case_sensitive_logon',"
       "'sec_max_failed_login_attempts','sec_protocol_error_further_action','sec_return_server_release_banner',"
       "'resource_limit','audit_trail','audit_sys_operations','audit_file_dest','os_roles','sql92_security',"
       "'global_names','processes','sessions','enable_ddl_logging','log_archive_dest_1','log_archive_dest_2',"
       "'unified_audit_common_systemlog','unified_audit_systemlog','diagnostic_dest')",
       "V$PARAMETER"),
    _q("users",
       "USERNAME ACCOUNT_STATUS PROFILE AUTHENTICATION_TYPE PASSWORD_VERSIONS CREATED_DAYS LOCK_DATE "
       "EXPIRY_DATE ORACLE_MAINTAINED COMMON LAST_LOGIN_DAYS",
       {11: f"SELECT username, account_status, profile, authentication_type, password_versions, "
            f"ROUND(SYSDATE - created), TO_CHAR(lock_date, {TS}), TO_CHAR(expiry_date, {TS}), NULL, NULL, NULL "
            f"FROM dba_users",
        12: f"SELECT username, account_status, profile, authentication_type, password_versions, "
            f"ROUND(SYSDATE - created), TO_CHAR(lock_date, {TS}), TO_CHAR(expiry_date, {TS}), oracle_maintained, "
            f"common, TRUNC(SYSDATE - CAST(last_login AS DATE)) FROM dba_users"},
       "DBA_USERS"),
    _q("profiles", "PROFILE RESOURCE_NAME LIMIT",
       "SELECT profile, resource_name, limit FROM dba_profiles", "DBA_PROFILES"),
    _q("verify_source", "OWNER NAME LINE TEXT",
       "SELECT owner, name, line, SUBSTR(text, 1, 1000) FROM dba_source WHERE type = 'FUNCTION' AND name IN "
       "(SELECT DISTINCT limit FROM dba_profiles WHERE resource_name = 'PASSWORD_VERIFY_FUNCTION') "
       "ORDER BY owner, name, line", "DBA_SOURCE"),
    _q("defpwd", "USERNAME",
       "SELECT username FROM dba_users_with_defpwd", "DBA_USERS_WITH_DEFPWD",
       "GRANT SELECT ON SYS.DBA_USERS_WITH_DEFPWD TO <audit account>"),
    _q("roles", "ROLE ORACLE_MAINTAINED",
       {11: "SELECT role, NULL FROM dba_roles", 12: "SELECT role, oracle_maintained FROM dba_roles"}, "DBA_ROLES"),
    _q("sys_privs", "GRANTEE PRIVILEGE ADMIN_OPTION",
       "SELECT grantee, privilege, admin_option FROM dba_sys_privs", "DBA_SYS_PRIVS"),
    _q("role_privs", "GRANTEE GRANTED_ROLE ADMIN_OPTION",
       "SELECT grantee, granted_role, admin_option FROM dba_role_privs", "DBA_ROLE_PRIVS"),
    _q("public_exec", "OWNER TABLE_NAME PRIVILEGE GRANTABLE",
       "SELECT owner, table_name, privilege, grantable FROM dba_tab_privs WHERE grantee = 'PUBLIC' AND privilege = 'EXECUTE'",
       "DBA_TAB_PRIVS"),
    _q("unified_option", "VALUE",
       "SELECT value FROM v$option WHERE parameter = 'Unified Auditing'", "V$OPTION"),
    _q("stmt_audit", "AUDIT_OPTION SUCCESS FAILURE",
       "SELECT audit_option, success, failure FROM dba_stmt_audit_opts WHERE user_name IS NULL AND proxy_name IS NULL "
       "UNION SELECT privilege, success, failure FROM dba_priv_audit_opts WHERE user_name IS NULL AND proxy_name IS NULL",
       "DBA_STMT_AUDIT_OPTS, DBA_PRIV_AUDIT_OPTS"),
    _q("unified_policies", "POLICY_NAME ENTITY SUCCESS FAILURE AUDIT_OPTION AUDIT_OPTION_TYPE",
       {12: "SELECT e.policy_name, e.user_name, e.success, e.failure, p.audit_option, p.audit_option_type "
            "FROM audit_unified_enabled_policies e JOIN audit_unified_policies p ON p.policy_name = e.policy_name",
        19: "SELECT e.policy_name, e.entity_name, e.success, e.failure, p.audit_option, p.audit_option_type "
            "FROM audit_unified_enabled_policies e JOIN audit_unified_policies p ON p.policy_name = e.policy_name"},
       "AUDIT_UNIFIED_ENABLED_POLICIES, AUDIT_UNIFIED_POLICIES", "GRANT AUDIT_VIEWER TO <audit account>"),
    _q("db_triggers", "OWNER TRIGGER_NAME TRIGGERING_EVENT BASE_OBJECT_TYPE STATUS",
       "SELECT owner, trigger_name, triggering_event, base_object_type, status FROM dba_triggers "
       "WHERE base_object_type IN ('DATABASE', 'SCHEMA')", "DBA_TRIGGERS"),
    _q("audit_cleanup", "JOB_NAME JOB_STATUS AUDIT_TRAIL JOB_FREQUENCY USE_LAST_ARCH_TIMESTAMP",
       {11: "SELECT job_name, job_status, audit_trail, job_frequency, NULL FROM dba_audit_mgmt_cleanup_jobs",
        12: "SELECT job_name, job_status, audit_trail, job_frequency, use_last_arch_timestamp "
            "FROM dba_audit_mgmt_cleanup_jobs"}, "DBA_AUDIT_MGMT_CLEANUP_JOBS"),
    _q("audit_last_arch", "AUDIT_TRAIL RAC_INSTANCE AGE_DAYS",
       "SELECT audit_trail, rac_instance, ROUND(SYSDATE - CAST(last_archive_ts AS DATE)) "
       "FROM dba_audit_mgmt_last_arch_ts", "DBA_AUDIT_MGMT_LAST_ARCH_TS"),
    _q("archive_dest", "DEST_ID DEST_NAME STATUS TARGET DESTINATION ERROR",
       "SELECT dest_id, dest_name, status, target, destination, error FROM v$archive_dest "
       "WHERE status <> 'INACTIVE'", "V$ARCHIVE_DEST"),
    _q("rman_jobs", "INPUT_TYPE STATUS END_TIME AGE_DAYS",
       f"SELECT input_type, status, TO_CHAR(end_time, {TS}), ROUND(SYSDATE - end_time, 2) "
       f"FROM v$rman_backup_job_details WHERE start_time > SYSDATE - 35", "V$RMAN_BACKUP_JOB_DETAILS"),
    _q("patches", "PATCH_ID ACTION STATUS ACTION_TIME AGE_DAYS DESCRIPTION",
       {11: f"SELECT id, action, NULL, TO_CHAR(action_time, {TS}), ROUND(SYSDATE - CAST(action_time AS DATE)), "
            f"comments FROM dba_registry_history",
        12: f"SELECT patch_id, action, status, TO_CHAR(action_time, {TS}), "
            f"ROUND(SYSDATE - CAST(action_time AS DATE)), description FROM dba_registry_sqlpatch"},
       "DBA_REGISTRY_SQLPATCH (11g: DBA_REGISTRY_HISTORY)"),
    _q("components", "COMP_ID VERSION STATUS",
       "SELECT comp_id, version, status FROM dba_registry", "DBA_REGISTRY"),
    _q("tablespaces", "TABLESPACE_NAME CONTENTS USED_MB MAX_MB USED_PCT",
       "SELECT m.tablespace_name, t.contents, ROUND(m.used_space * t.block_size / 1048576), "
       "ROUND(m.tablespace_size * t.block_size / 1048576), ROUND(m.used_percent, 2) "
       "FROM dba_tablespace_usage_metrics m JOIN dba_tablespaces t ON t.tablespace_name = m.tablespace_name",
       "DBA_TABLESPACE_USAGE_METRICS, DBA_TABLESPACES"),
    _q("asm", "NAME STATE TYPE TOTAL_MB FREE_MB USABLE_FILE_MB",
       "SELECT name, state, type, total_mb, free_mb, usable_file_mb FROM v$asm_diskgroup", "V$ASM_DISKGROUP"),
    _q("resource_limit", "RESOURCE_NAME CURRENT_UTILIZATION MAX_UTILIZATION LIMIT_VALUE",
       "SELECT resource_name, current_utilization, max_utilization, TRIM(limit_value) FROM v$resource_limit "
       "WHERE resource_name IN ('processes', 'sessions')", "V$RESOURCE_LIMIT"),
    _q("blocking", "SID SERIAL USERNAME BLOCKING_SESSION SECONDS_IN_WAIT EVENT",
       "SELECT sid, serial#, username, blocking_session, seconds_in_wait, SUBSTR(event, 1, 64) FROM v$session "
       "WHERE blocking_session IS NOT NULL AND ROWNUM <= 500", "V$SESSION"),
    _q("held_locks", "SID USERNAME TYPE LMODE CTIME",
       "SELECT l.sid, s.username, l.type, l.lmode, l.ctime FROM v$lock l JOIN v$session s ON s.sid = l.sid "
       "WHERE l.type IN ('TX', 'TM') AND l.lmode > 0 AND l.ctime >= 60 AND ROWNUM <= 500", "V$LOCK, V$SESSION"),
    _q("transactions", "SID SERIAL USERNAME START_DATE AGE_MIN USED_UBLK",
       f"SELECT s.sid, s.serial#, s.username, TO_CHAR(t.start_date, {TS}), ROUND((SYSDATE - t.start_date) * 1440), "
       f"t.used_ublk FROM v$transaction t JOIN v$session s ON s.saddr = t.ses_addr", "V$TRANSACTION, V$SESSION"),
    _q("invalid_objects", "OWNER OBJECT_TYPE CNT",
       "SELECT owner, object_type, COUNT(*) FROM dba_objects WHERE status = 'INVALID' GROUP BY owner, object_type",
       "DBA_OBJECTS"),
    _q("unusable_indexes", "OWNER INDEX_NAME PART STATUS",
       "SELECT * FROM (SELECT owner, index_name, NULL, status FROM dba_indexes WHERE status = 'UNUSABLE' "
       "UNION ALL SELECT index_owner, index_name, partition_name, status FROM dba_ind_partitions "
       "WHERE status = 'UNUSABLE' UNION ALL SELECT index_owner, index_name, subpartition_name, status "
       "FROM dba_ind_subpartitions WHERE status = 'UNUSABLE') WHERE ROWNUM <= 1000",
       "DBA_INDEXES, DBA_IND_PARTITIONS, DBA_IND_SUBPARTITIONS"),
    _q("top_sql_cpu", "SQL_ID EXECUTIONS CPU_S ELAPSED_S BUFFER_GETS SHARABLE_MEM_KB SQL_TEXT",
       "SELECT * FROM (SELECT sql_id, executions, ROUND(cpu_time / 1e6, 2), ROUND(elapsed_time / 1e6, 2), "
       "buffer_gets, ROUND(sharable_mem / 1024), SUBSTR(sql_text, 1, 100) FROM v$sql ORDER BY cpu_time DESC) "
       "WHERE ROWNUM <= 10", "V$SQL"),
    _q("top_sql_mem", "SQL_ID EXECUTIONS CPU_S ELAPSED_S BUFFER_GETS SHARABLE_MEM_KB SQL_TEXT",
       "SELECT * FROM (SELECT sql_id, executions, ROUND(cpu_time / 1e6, 2), ROUND(elapsed_time / 1e6, 2), "
       "buffer_gets, ROUND((sharable_mem + persistent_mem + runtime_mem) / 1024), SUBSTR(sql_text, 1, 100) "
       "FROM v$sql ORDER BY sharable_mem + persistent_mem + runtime_mem DESC) WHERE ROWNUM <= 10", "V$SQL"),
]}


def error_text(query: Query, error: str) -> str:
    """One line for a failed query, naming the view and the grant that fixes it."""
    first = (error or "unknown error").strip().splitlines()[0][:200]
    code = re.search(r"ORA-\d{5}", first)
    code = code.group(0) if code else ""
    if code in ("ORA-00942", "ORA-01031", "ORA-04043"):
        return f"cannot read {query.views} ({first}): {query.grant}"
    if code in ("ORA-01219", "ORA-01033", "ORA-01109"):
        return f"{query.views}: the database is not open ({first}); MOUNT-state and closed databases can't be audited"
    if code == "ORA-00904":
        return f"{query.views}: a column is missing in this release ({first})"
    return f"{query.views}: {first}"


# ---------------------------------------------------------------------------------------------
# Helpers for parsers
# ---------------------------------------------------------------------------------------------
class Tables:
    """The query results a fact was given, as lists of dicts keyed by upper-case column name."""

    def __init__(self, raw: Raw):
        try:
            doc = json.loads(raw.stdout.decode("utf-8", "strict"))
        except (UnicodeDecodeError, ValueError):
            raise FactError("the database output is not a JSON query result") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("queries"), dict):
            raise FactError("the database output has no query results")
        major = doc.get("major")
        self.major = major if isinstance(major, int) and not isinstance(major, bool) else None
        self.docs = doc["queries"]

    def rows(self, name: str, optional: bool = False) -> list[dict] | None:
        query = QUERIES[name]
        result = self.docs.get(name)
        if result is None:
            if optional:
                return None
            raise FactError(f"{query.views}: the query was not run")
        if not isinstance(result, dict):
            raise FactError(f"{query.views}: malformed result")
        if result.get("error"):
            if optional:
                return None
            raise FactError(error_text(query, str(result["error"])))
        columns = result.get("columns")
        rows = result.get("rows")
        if not isinstance(columns, list) or not isinstance(rows, list):
            raise FactError(f"{query.views}: malformed result")
        columns = [str(c).upper() for c in columns]
        out = []
        for row in rows:
            if not isinstance(row, list) or len(row) != len(columns):
                raise FactError(f"{query.views}: a row has {len(row) if isinstance(row, list) else '?'} "
                                f"values for {len(columns)} columns")
            out.append(dict(zip(columns, row)))
        return out


def text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = str(value).strip()
    return s if s else None


def upper(value: Any) -> str | None:
    s = text(value)
    return s.upper() if s is not None else None


def number(value: Any) -> float | int | None:
    """A number from a live value (int/float) or SQL*Plus text ('.0069', ' 300'); None if not one."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if isinstance(value, float) and value.is_integer() else value
    s = str(value).strip()
    if not s:
        return None
    try:
        f = float(s)
    except ValueError:
        return None
    if f != f or f in (float("inf"), float("-inf")):
        return None
    return int(f) if f.is_integer() else f


def yes(value: Any) -> bool | None:
    s = upper(value)
    if s in ("Y", "YES", "TRUE"):
        return True
    if s in ("N", "NO", "FALSE"):
        return False
    return None


class NotAShellFact(FactError, InputError):
    """An Oracle SQL fact asked of the shell collector: bad input for a host scan (exit 2, one line)."""

    def __init__(self, message: str):
        InputError.__init__(self, message)


class _OracleFact(Fact):
    """A fact read with SQL. ``queries`` are names in QUERIES; ``optional`` ones may be missing."""

    sql: ClassVar[bool] = True
    queries: ClassVar[tuple[str, ...]] = ()
    optional: ClassVar[tuple[str, ...]] = ()

    def shell(self, args: dict):
        raise NotAShellFact(f"{self.name} is an Oracle SQL fact: scan databases with `hardening oracle scan` "
                            "(or the SQL*Plus collector), not with the host collector")

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        tables = Tables(raw)
        result = self.parse_tables(tables, args)
        return result if isinstance(result, Parsed) else Parsed(result)

    def parse_tables(self, tables: Tables, args: dict) -> Any:
        raise NotImplementedError


def is_open(status: str | None, auth: str | None) -> bool | None:
    """Can the account log in? Permanently LOCKED accounts and schema-only (18c+) accounts cannot.

    EXPIRED (not locked) accounts can: whoever knows the password sets a new one at login.
    """
    if status is None:
        return None
    if auth == "NONE":
        return False
    parts = [p.strip() for p in status.split("&")]
    return not any(p.startswith("LOCKED") and p != "LOCKED(TIMED)" for p in parts)


def _user_records(tables: Tables) -> tuple[list[dict], bool]:
    """The accounts, parsed once per distinct DBA_USERS result (several facts need them)."""
    rows = tables.rows("users")
    key = (tables.major, json.dumps(rows, separators=(",", ":"), default=str))
    cached = _USERS_CACHE.get(key)
    if cached is None:
        cached = _parse_users(rows, tables.major)
        if len(_USERS_CACHE) >= 4:
            _USERS_CACHE.pop(next(iter(_USERS_CACHE)))
        _USERS_CACHE[key] = cached
    users, has_maint = cached
    return [dict(u) for u in users], has_maint


_USERS_CACHE: dict = {}


def _parse_users(rows: list[dict], major: int | None) -> tuple[list[dict], bool]:
    has_maint = major is not None and major >= 12
    users = []
    for row in rows:
        name = text(row.get("USERNAME"))
        if name is None:
            continue
        status = upper(row.get("ACCOUNT_STATUS"))
        auth = upper(row.get("AUTHENTICATION_TYPE"))
        maintained = yes(row.get("ORACLE_MAINTAINED")) if has_maint else None
        if maintained is None:
            maintained = name in DEFAULT_ACCOUNTS_11G
        last = number(row.get("LAST_LOGIN_DAYS"))
        created = number(row.get("CREATED_DAYS"))
        inactive = None
        if has_maint:
            inactive = last if last is not None else created  # never logged in: idle since creation
        users.append({
            "name": name, "status": status, "open": is_open(status, auth), "profile": upper(row.get("PROFILE")),
            "authentication_type": auth, "password_versions": text(row.get("PASSWORD_VERSIONS")),
            "oracle_maintained": maintained, "sample_schema": name in SAMPLE_SCHEMAS,
            "common": yes(row.get("COMMON")), "last_login_days": last, "created_days": created,
            "inactive_days": inactive,
        })
    return users, has_maint


# ---------------------------------------------------------------------------------------------
# Facts
# ---------------------------------------------------------------------------------------------
class Instance(_OracleFact):
    """Release, instance and database state; for 12c+ which container the session is in."""

    queries = ("instance",)

    def parse_tables(self, tables, args):
        rows = tables.rows("instance")
        if len(rows) != 1:
            raise FactError(f"V$INSTANCE/V$DATABASE returned {len(rows)} rows, expected 1")
        r = rows[0]
        version = text(r.get("VERSION_FULL")) or text(r.get("VERSION"))
        major = None
        if version and re.match(r"^\d+", version):
            major = int(re.match(r"^\d+", version).group(0))
        cdb = yes(r.get("CDB"))
        con_name = text(r.get("CON_NAME"))
        if cdb:
            container = "root" if con_name == "CDB$ROOT" else "pdb"
        else:
            container = "non-cdb"
        value = {
            "version": version, "major": major, "banner": text(r.get("BANNER")),
            "instance_name": text(r.get("INSTANCE_NAME")), "host_name": text(r.get("HOST_NAME")),
            "db_name": text(r.get("DB_NAME")), "status": upper(r.get("STATUS")), "archiver": upper(r.get("ARCHIVER")),
            "log_mode": upper(r.get("LOG_MODE")), "open_mode": upper(r.get("OPEN_MODE")),
            "database_role": upper(r.get("DATABASE_ROLE")), "force_logging": upper(r.get("FORCE_LOGGING")),
            "cdb": cdb, "con_name": con_name, "con_id": number(r.get("CON_ID")), "container": container,
            "primary": upper(r.get("DATABASE_ROLE")) == "PRIMARY",
        }
        where = {"root": f"the CDB root of {value['db_name']}: DBA_ views show the root only, not its PDBs",
                 "pdb": f"PDB {con_name} of CDB {value['db_name']}: DBA_ views show this PDB only",
                 "non-cdb": f"non-CDB database {value['db_name']}"}[container]
        sources = {"version": f"V$INSTANCE: version {version}", "container": f"scanned: {where}",
                   "database_role": f"V$DATABASE: role {value['database_role']}, open mode {value['open_mode']}",
                   "log_mode": f"V$DATABASE: LOG_MODE = {value['log_mode']}"}
        return Parsed(value, sources)


class Parameters(_OracleFact):
    """Security-relevant initialisation parameters from V$PARAMETER, keyed by lower-case name."""

    queries = ("parameters",)

    def parse_tables(self, tables, args):
        value, sources = {}, {}
        for row in tables.rows("parameters"):
            name = text(row.get("NAME"))
            if not name:
                continue
            name = name.lower()
            v = text(row.get("VALUE"))
            value[name] = v.upper() if v is not None and name not in ("audit_file_dest", "diagnostic_dest",
                                                                       "log_archive_dest_1", "log_archive_dest_2") else v
            sources[name] = f"V$PARAMETER: {name} = {v if v is not None else '(null)'}" + (
                " (default)" if upper(row.get("ISDEFAULT")) == "TRUE" else "")
        return Parsed(value, sources)


class Users(_OracleFact):
    """Every account: status, whether it can log in, profile, Oracle-maintained (11g: known list)."""

    queries = ("users",)

    def parse_tables(self, tables, args):
        users, has_maint = _user_records(tables)
        sources = {u["name"]: (f"{u['name']}: {u['status']}, profile {u['profile']}"
                               + (", Oracle-maintained" if u["oracle_maintained"] else "")
                               + (f", last login {u['last_login_days']} day(s) ago" if u["last_login_days"] is not None
                                  else (", never logged in" if has_maint else ""))
                               + (f", created {u['created_days']} day(s) ago" if u["created_days"] is not None else ""))
                   for u in users}
        sources["last_login_known"] = ("DBA_USERS.LAST_LOGIN is read" if has_maint
                                       else "DBA_USERS has no LAST_LOGIN before 12c")
        return Parsed({"users": users, "last_login_known": has_maint, "count": len(users)}, sources)


class DefaultPasswords(_OracleFact):
    """Accounts that still have an Oracle default password (DBA_USERS_WITH_DEFPWD), with status."""

    queries = ("defpwd", "users")

    def parse_tables(self, tables, args):
        users = {u["name"]: u for u in _user_records(tables)[0]}
        out, sources = [], {}
        for row in tables.rows("defpwd"):
            name = text(row.get("USERNAME"))
            if name is None:
                continue
            user = users.get(name, {})
            out.append({"name": name, "status": user.get("status"), "open": user.get("open", True)})
            sources[name] = f"{name}: default password, account {user.get('status') or 'status unknown'}"
        return Parsed({"users": out}, sources)


# Profile resources the rules judge; time values in days (IDLE_TIME in minutes).
PROFILE_RESOURCES = ("FAILED_LOGIN_ATTEMPTS", "PASSWORD_LIFE_TIME", "PASSWORD_REUSE_MAX", "PASSWORD_REUSE_TIME",
                     "PASSWORD_GRACE_TIME", "PASSWORD_LOCK_TIME", "IDLE_TIME", "SESSIONS_PER_USER",
                     "INACTIVE_ACCOUNT_TIME", "CONNECT_TIME")


def _profile_map(tables: Tables) -> dict[str, dict[str, str | None]]:
    profiles: dict[str, dict[str, str | None]] = {}
    for row in tables.rows("profiles"):
        prof, res = upper(row.get("PROFILE")), upper(row.get("RESOURCE_NAME"))
        if prof and res:
            profiles.setdefault(prof, {})[res] = text(row.get("LIMIT"))
    return profiles


def effective_limit(profiles: dict, profile: str | None, resource: str) -> tuple[str | None, bool]:
    """The limit a user on ``profile`` really gets: (text, inherited from DEFAULT?). None = unknown."""
    own = profiles.get(profile or "", {}).get(resource)
    if own is None:
        return None, False
    if own.upper() == "DEFAULT":
        inherited = profiles.get("DEFAULT", {}).get(resource)
        if inherited is None or inherited.upper() == "DEFAULT":
            return None, True
        return inherited, True
    return own, False


def limit_value(limit: str | None) -> Any:
    if limit is None:
        return None
    if limit.upper() == "UNLIMITED":
        return UNLIMITED
    return number(limit)


class ProfileLimit(_OracleFact):
    """One profile resource as each account really gets it (DEFAULT resolved), one item per user.

    ``value`` is a number, or ``"Infinity"`` for UNLIMITED. For PASSWORD_REUSE_MAX/TIME the pair is
    judged as Oracle applies it: one integer and one UNLIMITED means a password can never be
    reused (both Infinity); both UNLIMITED means no restriction (both 0).
    """

    arguments = {"resource": str}
    queries = ("users", "profiles")

    def parse_tables(self, tables, args):
        resource = str(args.get("resource", "")).upper()
        if resource not in PROFILE_RESOURCES:
            raise FactError(f"unknown profile resource {resource!r}")
        profiles = _profile_map(tables)
        if "DEFAULT" not in profiles:
            raise FactError("DBA_PROFILES has no DEFAULT profile rows: limits cannot be resolved")
        users, _ = _user_records(tables)
        pair = {"PASSWORD_REUSE_MAX": "PASSWORD_REUSE_TIME", "PASSWORD_REUSE_TIME": "PASSWORD_REUSE_MAX"}.get(resource)
        items, sources, unknown = [], {}, []
        for u in users:
            limit, inherited = effective_limit(profiles, u["profile"], resource)
            value = limit_value(limit)
            note = ""
            if pair and limit is not None:
                other, _ = effective_limit(profiles, u["profile"], pair)
                other_v = limit_value(other)
                if other_v is not None:
                    if value == UNLIMITED and other_v == UNLIMITED:
                        value, note = 0, f" (and {pair} UNLIMITED: reuse is not restricted)"
                    elif (value == UNLIMITED) != (other_v == UNLIMITED):
                        value, note = UNLIMITED, f" (with {pair} {other}: a password can never be reused)"
            if value is None and u["open"]:
                unknown.append(f"{u['name']} (profile {u['profile']}: {resource} is {limit!r})")
            items.append({"name": u["name"], "open": u["open"], "status": u["status"], "profile": u["profile"],
                          "oracle_maintained": u["oracle_maintained"], "limit": limit, "inherited": inherited,
                          "value": value})
            sources[u["name"]] = (f"{u['name']} ({u['status']}, profile {u['profile']}): {resource} = "
                                  f"{limit if limit is not None else 'unknown'}"
                                  + (" (DEFAULT → inherited from profile DEFAULT)" if inherited else "") + note)
        if unknown:
            raise FactError(f"{resource} cannot be resolved for open account(s): {', '.join(unknown[:5])}"
                            + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""))
        return Parsed({"resource": resource, "users": items}, sources)


# Stock verify functions (utlpwdmg.sql): what they really enforce.
STOCK_VERIFY = {
    "VERIFY_FUNCTION": (4, 3, "10g utlpwdmg.sql: 4 characters, a letter, a digit and a punctuation mark"),
    "VERIFY_FUNCTION_11G": (8, 2, "11g utlpwdmg.sql: 8 characters, a letter and a digit"),
    "ORA12C_VERIFY_FUNCTION": (8, 2, "12c stock: 8 characters, a letter and a digit - not 3 of 4 classes"),
    "ORA12C_STRONG_VERIFY_FUNCTION": (9, 4, "12c stock strong: 9 characters, 2 each of upper, lower, digit, special"),
    "ORA12C_STIG_VERIFY_FUNCTION": (15, 4, "stock STIG: 15 characters, upper, lower, digit and special"),
}
_CLASS_PATTERNS = {
    "digit": r"\[\[:digit:\]\]|\[0-9\]|'0123456789'|\\d|digit\s*=>\s*[1-9]|isdigit",
    "upper": r"\[\[:upper:\]\]|\[A-Z\]|ABCDEFGHIJKLMNOPQRSTUVWXYZ|upper\s*=>\s*[1-9]",
    "lower": r"\[\[:lower:\]\]|\[a-z\]|abcdefghijklmnopqrstuvwxyz|lower\s*=>\s*[1-9]",
    "special": r"\[\[:punct:\]\]|!\"#\$%&|special\s*=>\s*[1-9]|punct",
}


def analyse_verify_source(source: str) -> tuple[int, int, str]:
    """(minimum length, character classes required, how it was read) from a function's PL/SQL.

    ``ora_complexity_check(p, chars => N, letter => 1, digit => 1 ...)`` is read exactly; otherwise
    a ``length(x) < N`` test and the character-class tests found are counted. -1 = not determined.
    """
    code = re.sub(r"/\*.*?\*/", " ", source, flags=re.S)
    code = re.sub(r"--[^\n]*", " ", code)
    call = re.search(r"ora_complexity_check\s*\((.*?)\)\s*(?:then|;)", code, flags=re.I | re.S)
    if call:
        params = {k.lower(): int(v) for k, v in re.findall(r"(\w+)\s*=>\s*(\d+)", call.group(1))}
        length = params.get("chars", 0)
        classes = sum(1 for k in ("upper", "lower", "digit", "special") if params.get(k, 0) > 0)
        if params.get("letter", 0) > 0 and not (params.get("upper", 0) or params.get("lower", 0)):
            classes += 1
        return length, classes, f"ora_complexity_check({', '.join(f'{k} => {v}' for k, v in params.items())})"
    lengths = [int(n) for n in re.findall(r"length\s*\(\s*[\w.]+\s*\)\s*<\s*(\d+)", code, flags=re.I)]
    lengths += [int(n) + 1 for n in re.findall(r"length\s*\(\s*[\w.]+\s*\)\s*<=\s*(\d+)", code, flags=re.I)]
    found = [c for c, pattern in _CLASS_PATTERNS.items() if re.search(pattern, code, flags=re.I)]
    if not lengths and not found:
        return -1, -1, "no length or character-class test recognised: review the function by hand"
    classes = len(found)
    if classes == 4 and not re.search(r"[<>]=?\s*3\b|\b3\s*[<>]", code):
        classes = 4
    elif classes == 4:
        classes = 3  # counts the classes and accepts 3 of the 4
    return (max(lengths) if lengths else -1), classes, (
        f"custom function: length test {max(lengths) if lengths else 'not found'}, "
        f"classes tested: {', '.join(found) or 'none'}")


class PasswordVerify(_OracleFact):
    """Each account's effective PASSWORD_VERIFY_FUNCTION and what it enforces (read from DBA_SOURCE).

    ``min_length``/``classes``: 0 when no function is set, -1 when the function could not be read.
    """

    queries = ("users", "profiles", "verify_source")

    def parse_tables(self, tables, args):
        profiles = _profile_map(tables)
        if "DEFAULT" not in profiles:
            raise FactError("DBA_PROFILES has no DEFAULT profile rows: limits cannot be resolved")
        users, _ = _user_records(tables)
        lines: dict[str, list[tuple[float, str]]] = {}
        for row in tables.rows("verify_source"):
            name = upper(row.get("NAME"))
            if name:
                line = number(row.get("LINE"))
                lines.setdefault(name, []).append((line if line is not None else 0, str(row.get("TEXT") or "")))
        source = {name: [t for _n, t in sorted(found, key=lambda x: x[0])] for name, found in lines.items()}
        analysed: dict[str, tuple[int, int, str]] = {}
        items, sources, unknown = [], {}, []
        for u in users:
            limit, inherited = effective_limit(profiles, u["profile"], "PASSWORD_VERIFY_FUNCTION")
            function = None if limit is None or limit.upper() in ("NULL", "UNLIMITED") else limit.upper()
            if limit is None and u["open"]:
                unknown.append(f"{u['name']} (profile {u['profile']})")
            if function is None:
                length, classes, how = 0, 0, "no verify function"
            else:
                if function not in analysed:
                    short = function.split(".")[-1]
                    src = "\n".join(source[short]) if short in source else None
                    read = analyse_verify_source(src) if src else None
                    if read and read[2].startswith("ora_complexity_check"):
                        analysed[function] = read  # the call states exactly what is enforced
                    elif short in STOCK_VERIFY:
                        analysed[function] = STOCK_VERIFY[short]
                    elif read:
                        analysed[function] = read
                    else:
                        analysed[function] = (-1, -1, "function source not found in DBA_SOURCE")
                length, classes, how = analysed[function]
            items.append({"name": u["name"], "open": u["open"], "status": u["status"], "profile": u["profile"],
                          "function": function, "inherited": inherited, "min_length": length, "classes": classes})
            sources[u["name"]] = (f"{u['name']} ({u['status']}, profile {u['profile']}): PASSWORD_VERIFY_FUNCTION = "
                                  f"{function or 'NULL'}" + (" (inherited from DEFAULT)" if inherited else "")
                                  + f"; {how}")
        if unknown:
            raise FactError("PASSWORD_VERIFY_FUNCTION cannot be resolved for open account(s): "
                            + ", ".join(unknown[:5]))
        return Parsed({"users": items}, sources)


def _grantee_kinds(tables: Tables) -> tuple[dict[str, bool], dict[str, bool]]:
    users = {u["name"]: bool(u["oracle_maintained"]) for u in _user_records(tables)[0]}
    roles = {}
    for row in tables.rows("roles"):
        role = text(row.get("ROLE"))
        if role:
            m = yes(row.get("ORACLE_MAINTAINED"))
            roles[role] = m if m is not None else role in DEFAULT_ROLES_11G
    return users, roles


def _grantee(name: str, users: dict, roles: dict) -> tuple[str, bool]:
    if name == "PUBLIC":
        return "public", False
    if name in users:
        return "user", users[name]
    if name in roles:
        return "role", roles[name]
    return "unknown", False


class SysPrivs(_OracleFact):
    """System privileges per grantee (DBA_SYS_PRIVS), with the grantee's kind and Oracle-maintained flag."""

    queries = ("sys_privs", "users", "roles")

    def parse_tables(self, tables, args):
        users, roles = _grantee_kinds(tables)
        items, sources = [], {}
        for row in tables.rows("sys_privs"):
            grantee, priv = text(row.get("GRANTEE")), upper(row.get("PRIVILEGE"))
            if not grantee or not priv:
                continue
            kind, maintained = _grantee(grantee, users, roles)
            name = f"{grantee}: {priv}"
            admin = yes(row.get("ADMIN_OPTION"))
            items.append({"name": name, "grantee": grantee, "privilege": priv, "admin_option": admin,
                          "grantee_type": kind, "oracle_maintained": maintained, "any": " ANY " in f" {priv} "})
            sources[name] = f"DBA_SYS_PRIVS: {priv} granted to {kind} {grantee}" + (" WITH ADMIN OPTION" if admin else "")
        return Parsed({"grants": items}, sources)


class RolePrivs(_OracleFact):
    """Role grants (DBA_ROLE_PRIVS), with the grantee's kind and Oracle-maintained flag."""

    queries = ("role_privs", "users", "roles")

    def parse_tables(self, tables, args):
        users, roles = _grantee_kinds(tables)
        items, sources = [], {}
        for row in tables.rows("role_privs"):
            grantee, role = text(row.get("GRANTEE")), upper(row.get("GRANTED_ROLE"))
            if not grantee or not role:
                continue
            kind, maintained = _grantee(grantee, users, roles)
            name = f"{grantee}: {role}"
            admin = yes(row.get("ADMIN_OPTION"))
            items.append({"name": name, "grantee": grantee, "role": role, "admin_option": admin,
                          "grantee_type": kind, "oracle_maintained": maintained})
            sources[name] = f"DBA_ROLE_PRIVS: role {role} granted to {kind} {grantee}" + (
                " WITH ADMIN OPTION" if admin else "")
        return Parsed({"grants": items}, sources)


class PublicExecute(_OracleFact):
    """EXECUTE grants to PUBLIC (DBA_TAB_PRIVS): object names, one item per grant; ``grantable``
    when PUBLIC may pass it on (WITH GRANT OPTION: a rollback must restore that too)."""

    queries = ("public_exec",)

    def parse_tables(self, tables, args):
        items, sources = [], {}
        for row in tables.rows("public_exec"):
            owner, obj = text(row.get("OWNER")), upper(row.get("TABLE_NAME"))
            if not obj:
                continue
            name = f"{owner}.{obj}"
            grantable = upper(row.get("GRANTABLE")) == "YES"
            items.append({"name": name, "owner": owner, "object": obj, "grantable": grantable})
            sources[name] = f"DBA_TAB_PRIVS: EXECUTE on {name} granted to PUBLIC" + (
                " WITH GRANT OPTION" if grantable else "")
        return Parsed({"grants": items}, sources)


# What counts as auditing an event class, in traditional options, unified actions and triggers.
AUDIT_EVENTS = {
    "logon": ({"CREATE SESSION"}, {"LOGON"}),
    "user": ({"USER", "CREATE USER", "ALTER USER", "DROP USER"}, {"CREATE USER", "ALTER USER", "DROP USER"}),
    "role": ({"ROLE", "CREATE ROLE"}, {"CREATE ROLE", "DROP ROLE", "ALTER ROLE", "SET ROLE"}),
    "grant": ({"SYSTEM GRANT", "GRANT ANY PRIVILEGE", "GRANT ANY ROLE", "GRANT ANY OBJECT PRIVILEGE"},
              {"GRANT", "REVOKE"}),
    "profile": ({"PROFILE", "CREATE PROFILE", "ALTER PROFILE"}, {"CREATE PROFILE", "ALTER PROFILE", "DROP PROFILE"}),
    "system": ({"ALTER SYSTEM", "SYSTEM AUDIT"}, {"ALTER SYSTEM"}),
    "ddl": ({"TABLE", "CREATE TABLE", "CREATE ANY TABLE", "DROP ANY TABLE", "ALTER ANY TABLE", "PROCEDURE"},
            {"CREATE TABLE", "ALTER TABLE", "DROP TABLE", "CREATE PROCEDURE", "DROP PROCEDURE"}),
}


class Audit(_OracleFact):
    """Is auditing on, in which mode, and which event classes are audited for all users.

    Traditional options count only while the traditional trail is active (audit_trail not NONE and
    not pure unified mode); unified policies count when enabled for all users; enabled
    ``AFTER LOGON``/``AFTER DDL ON DATABASE`` triggers (CN practice: logon_audit/ddl_log tables)
    count for logon and ddl.
    """

    queries = ("parameters", "unified_option", "stmt_audit", "unified_policies", "db_triggers")
    optional = ("unified_policies",)

    def parse_tables(self, tables, args):
        params = {str(r.get("NAME") or "").lower(): upper(r.get("VALUE")) for r in tables.rows("parameters")}
        trail = params.get("audit_trail")
        unified_rows = tables.rows("unified_option")
        pure = bool(unified_rows) and upper(unified_rows[0].get("VALUE")) == "TRUE"
        traditional = (not pure) and trail not in (None, "NONE", "FALSE")
        events: dict[str, list[str]] = {e: [] for e in AUDIT_EVENTS}
        sources: dict[str, str] = {}
        if traditional:
            for row in tables.rows("stmt_audit"):
                option = upper(row.get("AUDIT_OPTION"))
                for event, (trad, _uni) in AUDIT_EVENTS.items():
                    if option in trad:
                        events[event].append(f"AUDIT {option} (audit_trail={trail})")
        policies = []
        if tables.major is not None and tables.major >= 12:
            rows = tables.rows("unified_policies", optional=not pure)
            if rows is None:
                sources["unified"] = ("unified policies not readable (" +
                                      error_text(QUERIES["unified_policies"],
                                                 str(tables.docs.get("unified_policies", {}).get("error"))) + ")")
                rows = []
            for row in rows:
                entity = upper(row.get("ENTITY"))
                option = upper(row.get("AUDIT_OPTION"))
                policy = text(row.get("POLICY_NAME"))
                if policy and policy not in policies:
                    policies.append(policy)
                if entity not in ("ALL USERS", None) or upper(row.get("SUCCESS")) == "NO":
                    continue  # per-user policies, and failure-only ones (ORA_LOGON_FAILURES), do not cover everyone
                for event, (_trad, uni) in AUDIT_EVENTS.items():
                    if option in uni or (option == "ALL" and event != "logon"):
                        events[event].append(f"unified policy {policy}: {option}")
        for row in tables.rows("db_triggers"):
            if upper(row.get("STATUS")) != "ENABLED" or upper(row.get("BASE_OBJECT_TYPE")) != "DATABASE":
                continue
            event = upper(row.get("TRIGGERING_EVENT")) or ""
            trigger = f"{text(row.get('OWNER'))}.{text(row.get('TRIGGER_NAME'))}"
            if "LOGON" in event:
                events["logon"].append(f"trigger {trigger} AFTER LOGON ON DATABASE")
            if "DDL" in event or "CREATE" in event:
                for e in ("ddl", "user", "role", "grant", "profile"):
                    events[e].append(f"trigger {trigger} AFTER {event} ON DATABASE")
        mode = "unified" if pure else ("mixed" if traditional and policies else
                                        ("traditional" if traditional else ("unified" if policies else "none")))
        enabled = traditional or pure or bool(policies)
        value = {"mode": mode, "enabled": enabled, "audit_trail": trail, "unified_pure": pure,
                 "unified_policies": policies, "audit_sys_operations": params.get("audit_sys_operations"),
                 "events": {e: bool(v) for e, v in events.items()},
                 "missing_events": [e for e, v in events.items() if not v]}
        sources["enabled"] = (f"audit mode {mode}: audit_trail={trail}, Unified Auditing={'TRUE' if pure else 'FALSE'}, "
                              f"enabled unified policies: {', '.join(policies) or 'none'}")
        sources["mode"] = sources["enabled"]
        for e, found in events.items():
            sources[f"events.{e}"] = f"{e}: " + ("; ".join(found[:4]) if found else "not audited")
        sources["missing_events"] = "not audited: " + (", ".join(value["missing_events"]) or "none")
        return Parsed(value, sources)


class AuditRetention(_OracleFact):
    """How long audit records are kept, from the DBMS_AUDIT_MGMT purge jobs and archive timestamps.

    No enabled purge job: records are never purged automatically (``retention_days`` Infinity).
    A job that purges up to the last-archive timestamp keeps the records since that timestamp;
    a job that ignores the timestamp empties the trail at each run (its interval in days).
    """

    queries = ("audit_cleanup", "audit_last_arch")

    def parse_tables(self, tables, args):
        jobs = [r for r in tables.rows("audit_cleanup") if upper(r.get("JOB_STATUS")) == "ENABLED"]
        arch = tables.rows("audit_last_arch")
        if not jobs:
            return Parsed({"retention_days": UNLIMITED, "purge_jobs": 0},
                          {"retention_days": "DBA_AUDIT_MGMT_CLEANUP_JOBS: no enabled purge job "
                                             "(records stay until purged by hand; watch the space they use)"})
        spans, notes, unknown = [], [], False
        for job in jobs:
            name = text(job.get("JOB_NAME"))
            uses_timestamp = yes(job.get("USE_LAST_ARCH_TIMESTAMP"))
            if uses_timestamp is None:
                unknown = True
                notes.append(f"job {name}: whether it keeps records newer than the last-archive timestamp is not "
                             "recorded in this release (check DBMS_AUDIT_MGMT settings by hand)")
                continue
            if uses_timestamp is False:
                freq = upper(job.get("JOB_FREQUENCY")) or ""
                hours = re.search(r"INTERVAL\s*=\s*(\d+)", freq)
                days = round(int(hours.group(1)) / 24, 2) if hours and "HOURLY" in freq else (
                    int(hours.group(1)) if hours and "DAILY" in freq else 1)
                spans.append(days)
                notes.append(f"job {name} purges every record each run ({freq or 'interval unknown'})")
            else:
                ages = [number(r.get("AGE_DAYS")) for r in arch if number(r.get("AGE_DAYS")) is not None]
                if not ages:
                    notes.append(f"job {name} purges up to the last-archive timestamp, which is not set")
                    continue
                spans.append(min(ages))
                notes.append(f"job {name} keeps records newer than the last-archive timestamp ({min(ages)} days ago)")
        value = {"retention_days": min(spans) if spans and not unknown else None, "purge_jobs": len(jobs)}
        return Parsed(value, {"retention_days": "; ".join(notes)})


class Archive(_OracleFact):
    """ARCHIVELOG mode and the valid local and remote archive destinations (V$ARCHIVE_DEST)."""

    queries = ("instance", "archive_dest")

    def parse_tables(self, tables, args):
        inst = tables.rows("instance")
        log_mode = upper(inst[0].get("LOG_MODE")) if inst else None
        local, remote, sources = [], [], {}
        for row in tables.rows("archive_dest"):
            status, target = upper(row.get("STATUS")), upper(row.get("TARGET"))
            dest = text(row.get("DESTINATION")) or ""
            name = text(row.get("DEST_NAME")) or f"LOG_ARCHIVE_DEST_{text(row.get('DEST_ID'))}"
            line = f"{name}: {target} {dest} status {status}" + (f" error {text(row.get('ERROR'))}"
                                                                 if text(row.get("ERROR")) else "")
            sources[name] = line
            if status != "VALID":
                continue
            (remote if target in ("STANDBY", "REMOTE") else local).append(name)
        value = {"log_mode": log_mode, "archivelog": log_mode == "ARCHIVELOG" if log_mode else None,
                 "archiver": upper(inst[0].get("ARCHIVER")) if inst else None,
                 "local_destinations": local, "remote_destinations": remote}
        sources["archivelog"] = f"V$DATABASE: LOG_MODE = {log_mode}"
        sources["local_destinations"] = "valid local destinations: " + (", ".join(sources.get(n, n) for n in local) or "none")
        sources["remote_destinations"] = "valid remote destinations: " + (", ".join(sources.get(n, n) for n in remote) or "none")
        return Parsed(value, sources)


class Backups(_OracleFact):
    """RMAN job history of the last 35 days: age of the last successful database backup."""

    queries = ("rman_jobs",)

    def parse_tables(self, tables, args):
        last_db = last_arch = None
        failed = []
        for row in tables.rows("rman_jobs"):
            kind, status, age = upper(row.get("INPUT_TYPE")) or "", upper(row.get("STATUS")) or "", number(row.get("AGE_DAYS"))
            if status.startswith("COMPLETED") and age is not None:
                if kind.startswith("DB") or kind.startswith("DATAFILE"):
                    last_db = age if last_db is None else min(last_db, age)
                if kind.startswith("ARCHIVELOG"):
                    last_arch = age if last_arch is None else min(last_arch, age)
            elif "FAIL" in status or "ERROR" in status:
                failed.append(f"{kind} {status} at {text(row.get('END_TIME'))}")
        value = {"last_db_backup_days": last_db, "last_archivelog_backup_days": last_arch, "failed_jobs": failed}
        sources = {"last_db_backup_days": (f"V$RMAN_BACKUP_JOB_DETAILS: last successful database backup {last_db} day(s) ago"
                                           if last_db is not None else
                                           "V$RMAN_BACKUP_JOB_DETAILS: no successful database backup in 35 days"),
                   "failed_jobs": f"failed RMAN jobs in 35 days: {len(failed)}"}
        return Parsed(value, sources)


class Patches(_OracleFact):
    """Release and SQL patch history (12c+: DBA_REGISTRY_SQLPATCH; 11g: DBA_REGISTRY_HISTORY)."""

    queries = ("instance", "patches", "components")

    def parse_tables(self, tables, args):
        inst = tables.rows("instance")
        version = (text(inst[0].get("VERSION_FULL")) or text(inst[0].get("VERSION"))) if inst else None
        major = int(re.match(r"\d+", version).group(0)) if version and re.match(r"\d+", version) else None
        applied = []
        for row in tables.rows("patches"):
            status = upper(row.get("STATUS"))
            if status not in (None, "SUCCESS", "WITH ERRORS"):
                continue
            applied.append((number(row.get("AGE_DAYS")), text(row.get("DESCRIPTION")) or text(row.get("PATCH_ID")),
                            text(row.get("ACTION_TIME"))))
        applied = [a for a in applied if a[0] is not None]
        applied.sort(key=lambda a: a[0])
        invalid = [f"{text(r.get('COMP_ID'))} {text(r.get('VERSION'))} {upper(r.get('STATUS'))}"
                   for r in tables.rows("components") if upper(r.get("STATUS")) not in ("VALID", "OPTION OFF", None)]
        last = applied[0] if applied else None
        value = {"version": version, "major": major, "last_patch_days": last[0] if last else None,
                 "last_patch": last[1] if last else None, "patches_applied": len(applied),
                 "invalid_components": invalid}
        sources = {"version": f"V$INSTANCE: version {version}",
                   "last_patch_days": (f"last patch: {last[1]} applied {last[2]} ({last[0]} days ago)" if last
                                       else "no patch recorded in the registry"),
                   "invalid_components": "DBA_REGISTRY: " + (", ".join(invalid) or "all components VALID")}
        return Parsed(value, sources)


class Tablespaces(_OracleFact):
    """Tablespace usage against each tablespace's maximum size (autoextend counted), undo left out."""

    queries = ("tablespaces",)

    def parse_tables(self, tables, args):
        items, sources = [], {}
        for row in tables.rows("tablespaces"):
            name = text(row.get("TABLESPACE_NAME"))
            if not name or upper(row.get("CONTENTS")) == "UNDO":
                continue
            pct, used, size = number(row.get("USED_PCT")), number(row.get("USED_MB")), number(row.get("MAX_MB"))
            items.append({"name": name, "contents": upper(row.get("CONTENTS")), "used_pct": pct,
                          "used_mb": used, "max_mb": size})
            sources[name] = f"{name}: {pct}% used ({used} MB of {size} MB, the maximum with autoextend)"
        items.sort(key=lambda i: -(i["used_pct"] if isinstance(i["used_pct"], (int, float)) else 0))
        sources["tablespaces"] = "tablespace usage: " + (", ".join(f"{i['name']} {i['used_pct']}%" for i in items[:15]) or "none")
        return Parsed({"tablespaces": items}, sources)


class AsmDiskgroups(_OracleFact):
    """ASM disk groups seen from this instance (none on a file-system database)."""

    queries = ("asm",)

    def parse_tables(self, tables, args):
        items, sources = [], {}
        for row in tables.rows("asm"):
            name = text(row.get("NAME"))
            total, free = number(row.get("TOTAL_MB")), number(row.get("FREE_MB"))
            if not name:
                continue
            pct = round((1 - free / total) * 100, 2) if total and free is not None else None
            items.append({"name": name, "state": upper(row.get("STATE")), "used_pct": pct, "total_mb": total,
                          "free_mb": free, "usable_file_mb": number(row.get("USABLE_FILE_MB"))})
            sources[name] = (f"disk group {name} ({upper(row.get('TYPE'))}, {upper(row.get('STATE'))}): {pct}% used, "
                             f"{free} MB free of {total} MB, usable {number(row.get('USABLE_FILE_MB'))} MB")
        sources["diskgroups"] = "ASM disk groups: " + (", ".join(f"{i['name']} {i['used_pct']}%" for i in items) or "none")
        return Parsed({"diskgroups": items}, sources)


class ResourceUsage(_OracleFact):
    """Processes and sessions: current and high-water use against the limit (V$RESOURCE_LIMIT)."""

    queries = ("resource_limit",)

    def parse_tables(self, tables, args):
        value, sources = {}, {}
        for row in tables.rows("resource_limit"):
            name = (text(row.get("RESOURCE_NAME")) or "").lower()
            if name not in ("processes", "sessions"):
                continue
            current, high, limit = (number(row.get("CURRENT_UTILIZATION")), number(row.get("MAX_UTILIZATION")),
                                    number(row.get("LIMIT_VALUE")))
            pct = round(current / limit * 100, 2) if current is not None and limit else None
            value[name] = {"current": current, "max": high, "limit": limit, "used_pct": pct}
            sources[name] = sources[f"{name}.used_pct"] = (
                f"V$RESOURCE_LIMIT {name}: {current} in use of {text(row.get('LIMIT_VALUE'))} ({pct}%), high-water {high}")
        return Parsed(value, sources)


class Locks(_OracleFact):
    """Sessions waiting on another session (blocking) and TX/TM locks held a minute or longer."""

    queries = ("blocking", "held_locks")

    def parse_tables(self, tables, args):
        blocked, held, sources = [], [], {}
        for row in tables.rows("blocking"):
            sid = text(row.get("SID"))
            name = f"session {sid},{text(row.get('SERIAL'))}"
            wait = number(row.get("SECONDS_IN_WAIT"))
            blocked.append({"name": name, "wait_s": wait if wait is not None else 0,
                            "blocker": text(row.get("BLOCKING_SESSION")), "username": text(row.get("USERNAME"))})
            sources[name] = (f"{name} ({text(row.get('USERNAME'))}) blocked by session "
                             f"{text(row.get('BLOCKING_SESSION'))} for {wait} s on {text(row.get('EVENT'))}")
        longest: dict[str, dict] = {}
        for row in tables.rows("held_locks"):
            name = f"lock {text(row.get('TYPE'))} held by session {text(row.get('SID'))}"
            ctime = number(row.get("CTIME")) or 0
            if name in longest and longest[name]["held_s"] >= ctime:
                continue
            longest[name] = {"name": name, "held_s": ctime, "username": text(row.get("USERNAME"))}
            sources[name] = f"{name} ({text(row.get('USERNAME'))}) for {ctime} s, mode {text(row.get('LMODE'))}"
        held = list(longest.values())
        sources["blocked_sessions"] = f"blocked sessions: {len(blocked)}" + (
            ", longest " + str(max(b["wait_s"] for b in blocked)) + " s" if blocked else "")
        sources["held_locks"] = f"TX/TM locks held 60 s or longer: {len(held)}" + (
            ", longest " + str(max(h["held_s"] for h in held)) + " s" if held else "")
        return Parsed({"blocked_sessions": blocked, "held_locks": held}, sources)


class Transactions(_OracleFact):
    """Open transactions and their age in minutes (V$TRANSACTION)."""

    queries = ("transactions",)

    def parse_tables(self, tables, args):
        items, sources = [], {}
        for row in tables.rows("transactions"):
            name = f"session {text(row.get('SID'))},{text(row.get('SERIAL'))}"
            age = number(row.get("AGE_MIN"))
            items.append({"name": name, "age_min": age if age is not None else 0, "username": text(row.get("USERNAME"))})
            sources[name] = (f"{name} ({text(row.get('USERNAME'))}): transaction open since "
                             f"{text(row.get('START_DATE'))} ({age} min, {text(row.get('USED_UBLK'))} undo blocks)")
        sources["transactions"] = f"open transactions: {len(items)}" + (
            ", oldest " + str(max(i["age_min"] for i in items)) + " min" if items else "")
        return Parsed({"transactions": items}, sources)


class InvalidObjects(_OracleFact):
    """Invalid objects per owner and type, and the total (DBA_OBJECTS)."""

    queries = ("invalid_objects",)

    def parse_tables(self, tables, args):
        items, sources, total = [], {}, 0
        for row in tables.rows("invalid_objects"):
            name = f"{text(row.get('OWNER'))} {text(row.get('OBJECT_TYPE'))}"
            count = number(row.get("CNT")) or 0
            total += count
            items.append({"name": name, "count": count})
            sources[name] = f"{name}: {count} invalid"
        sources["total"] = f"DBA_OBJECTS: {total} invalid object(s)" + (
            ": " + ", ".join(f"{i['name']} {i['count']}" for i in items[:10]) if items else "")
        return Parsed({"total": total, "groups": items}, sources)


class UnusableIndexes(_OracleFact):
    """Unusable indexes, index partitions and subpartitions."""

    queries = ("unusable_indexes",)

    def parse_tables(self, tables, args):
        items, sources = [], {}
        for row in tables.rows("unusable_indexes"):
            part = text(row.get("PART"))
            name = f"{text(row.get('OWNER'))}.{text(row.get('INDEX_NAME'))}" + (f" partition {part}" if part else "")
            items.append({"name": name})
            sources[name] = f"{name}: UNUSABLE"
        sources["indexes"] = f"unusable indexes: {len(items)}"
        return Parsed({"indexes": items}, sources)


class _TopSql(_OracleFact):
    query: ClassVar[str] = ""

    def parse_tables(self, tables, args):
        items, sources = [], {}
        for row in tables.rows(self.query):
            sql_id = text(row.get("SQL_ID"))
            if not sql_id:
                continue
            execs = number(row.get("EXECUTIONS")) or 0
            cpu = number(row.get("CPU_S")) or 0
            mem = number(row.get("SHARABLE_MEM_KB")) or 0
            item = {"name": sql_id, "executions": execs, "cpu_s": cpu,
                    "cpu_per_exec_s": round(cpu / execs, 3) if execs else cpu, "memory_mb": round(mem / 1024, 2),
                    "elapsed_s": number(row.get("ELAPSED_S")), "buffer_gets": number(row.get("BUFFER_GETS"))}
            items.append(item)
            sources[sql_id] = (f"SQL {sql_id}: {cpu} s CPU over {execs} execution(s) ({item['cpu_per_exec_s']} s each), "
                               f"{item['memory_mb']} MB memory: {(text(row.get('SQL_TEXT')) or '')[:80]}")
        sources["statements"] = "top statements: " + ("; ".join(
            f"{i['name']} {i['cpu_s']} s CPU/{i['executions']} exec, {i['memory_mb']} MB" for i in items[:10]) or "none")
        return Parsed({"statements": items}, sources)


class TopSqlByCpu(_TopSql):
    """The 10 statements in the shared pool that used the most CPU since they were loaded."""

    queries = ("top_sql_cpu",)
    query = "top_sql_cpu"


class TopSqlByMemory(_TopSql):
    """The 10 statements in the shared pool that hold the most memory (sharable+persistent+runtime)."""

    queries = ("top_sql_mem",)
    query = "top_sql_mem"


# ---------------------------------------------------------------------------------------------
# OS side of a database host (an ordinary shell fact, collected over SSH with the Linux facts)
# ---------------------------------------------------------------------------------------------
_HOST_COMMAND = r"""
hf_h=""
[ -r /etc/oratab ] && hf_h=$(sed -n 's/^[^#:][^:]*:\([^:]*\):.*/\1/p' /etc/oratab)
for hf_p in /proc/[0-9]*; do
  case "$(cat "$hf_p/comm" 2>/dev/null)" in ora_pmon_*|asm_pmon_*)
    hf_h="$hf_h
$(tr '\0' '\n' < "$hf_p/environ" 2>/dev/null | sed -n 's/^ORACLE_HOME=//p;s/^TNS_ADMIN=/tns:/p')" ;;
  esac
done
echo "$hf_h" | sort -u | while IFS= read -r hf_d; do
  [ -n "$hf_d" ] || continue
  case "$hf_d" in
    tns:*) echo "T ${hf_d#tns:}" ;;
    *) [ -d "$hf_d" ] && echo "H $hf_d"
       for hf_l in "$hf_d/rdbms/log" "$hf_d/log" "$hf_d/network/log"; do
         [ -d "$hf_l" ] && stat -c 'S %a %U %G %n' "$hf_l"
       done ;;
  esac
done
echo "--files--"
echo "$hf_h" | sort -u | sed 's/^tns://' | while IFS= read -r hf_d; do
  [ -n "$hf_d" ] || continue
  for hf_f in "$hf_d/network/admin/sqlnet.ora" "$hf_d/network/admin/listener.ora" "$hf_d/sqlnet.ora" "$hf_d/listener.ora"; do
    [ -f "$hf_f" ] && hf_files "$hf_f"
  done
done
exit 0
"""


def parse_ora(content: str) -> dict[str, str]:
    """Top-level ``KEY = value`` entries of a sqlnet.ora / listener.ora (keys upper-case)."""
    entries: dict[str, str] = {}
    key, buf, depth = None, [], 0
    for line in text_lines(content.encode() if isinstance(content, str) else content):
        stripped = line.split("#", 1)[0]
        if not stripped.strip():
            continue
        if depth == 0 and not line[:1].isspace() and "=" in stripped:
            if key is not None:
                entries[key] = " ".join(buf).strip()
            k, _, v = stripped.partition("=")
            key, buf = k.strip().upper(), [v.strip()]
        elif key is not None:
            buf.append(stripped.strip())
        depth = max(0, depth + stripped.count("(") - stripped.count(")"))
    if key is not None:
        entries[key] = " ".join(buf).strip()
    return entries


class HostFiles(Fact):
    """The database host's Oracle homes (/etc/oratab, running pmon), sqlnet.ora, listener.ora and log dirs."""

    command = _HOST_COMMAND

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        data = raw.stdout
        sep = data.find(b"--files--\n")
        if sep < 0:
            raise FactError("Oracle host listing is missing its file section")
        homes, tns, dirs, sources = [], [], [], {}
        for line in data[:sep].decode("utf-8", "replace").splitlines():
            if line.startswith("H "):
                homes.append(line[2:])
            elif line.startswith("T "):
                tns.append(line[2:])
            elif line.startswith("S "):
                parts = line[2:].split(" ", 3)
                if len(parts) != 4 or not parts[0].isdigit():
                    raise FactError(f"malformed directory line: {line[:100]!r}")
                mode, owner, group, path = parts
                dirs.append({"name": path, "mode": mode.zfill(4), "owner": owner, "group": group})
                sources[path] = f"{path}: mode {mode.zfill(4)} {owner}:{group}"
            elif line.strip():
                raise FactError(f"unexpected line in Oracle host listing: {line[:100]!r}")
        sqlnet: dict[str, str] = {}
        listener: dict[str, str] = {}
        files = []
        for name, content in split_files(data[sep + len(b"--files--\n"):]):
            entries = parse_ora(content.decode("utf-8", "replace"))
            files.append(name)
            target = sqlnet if name.endswith("sqlnet.ora") else listener
            for k, v in entries.items():
                target.setdefault(k, v)
                sources.setdefault(f"{'sqlnet' if target is sqlnet else 'listener'}.{k}", f"{name}: {k} = {v}")
        admin = [k for k in listener if k.startswith("ADMIN_RESTRICTIONS_")]
        listeners = sorted(k for k, v in listener.items()
                           if re.match(r"^\(\s*(DESCRIPTION|ADDRESS)", v, flags=re.I) and not k.startswith("SID_LIST_"))
        no_admin = [name for name in listeners if listener.get(f"ADMIN_RESTRICTIONS_{name}", "").upper() != "ON"]
        extproc = [k for k, v in listener.items() if re.search(r"extproc|PLSExtProc", v, flags=re.I)]
        expire = sqlnet.get("SQLNET.EXPIRE_TIME")
        value = {"installed": bool(homes), "homes": homes, "tns_admin": tns, "files": files, "log_dirs": dirs,
                 "sqlnet": sqlnet, "listener_names": listeners, "listeners_without_admin_restrictions": no_admin,
                 "extproc_entries": extproc, "admin_restrictions": admin,
                 "sqlnet_expire_time": number(expire) if expire is not None else None}
        sources["installed"] = "Oracle homes: " + (", ".join(homes) or "none found (/etc/oratab, running pmon)")
        sources["sqlnet_expire_time"] = sources.get("sqlnet.SQLNET.EXPIRE_TIME", "sqlnet.ora: SQLNET.EXPIRE_TIME not set"
                                                    + (f" ({', '.join(f for f in files if f.endswith('sqlnet.ora'))})"
                                                       if files else " (no sqlnet.ora found)"))
        sources["listeners_without_admin_restrictions"] = (
            "listener.ora: ADMIN_RESTRICTIONS missing or not ON for " + (", ".join(no_admin) or "no listener"))
        sources["extproc_entries"] = "listener.ora: extproc entries in " + (", ".join(extproc) or "none")
        return Parsed(value, sources)
