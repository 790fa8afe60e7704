"""The least-privilege audit account (reference C.0; the grants DBSAT documents)."""

from __future__ import annotations

import re

from hardening.errors import InputError


def audit_account_sql(user: str = "MLPS_SCAN", cdb_common: bool = False) -> str:
    """SQL to create the scanner's account. Run it as a DBA in the PDB (or non-CDB) you will scan.

    The password is left as a placeholder: set it by hand, never in a script kept on disk.
    """
    if not re.fullmatch(r"(C##)?[A-Za-z][A-Za-z0-9_$#]{0,29}", user):
        raise InputError(f"{user!r} is not a plain Oracle user name")
    user = user.upper()
    container = " CONTAINER=ALL" if cdb_common else ""
    return f"""-- hardening: least-privilege audit account for Oracle scans (reads only).
-- Run as a DBA, connected to the PDB (or non-CDB) you will scan{' (CDB root: common user)' if cdb_common else ''}.
-- Replace the password placeholder when you run it; do not keep the password in this file.
CREATE USER {user} IDENTIFIED BY "&password"{container};
GRANT CREATE SESSION TO {user}{container};
-- DBA_* and V$ views (users, profiles, privileges, parameters, audit options, RMAN history, health views)
GRANT SELECT_CATALOG_ROLE TO {user}{container};
-- not covered by SELECT_CATALOG_ROLE: accounts that still have default passwords
GRANT SELECT ON SYS.DBA_USERS_WITH_DEFPWD TO {user}{container};
-- audit trail purge jobs and archive timestamps (retention)
GRANT SELECT ON SYS.DBA_AUDIT_MGMT_CLEANUP_JOBS TO {user}{container};
GRANT SELECT ON SYS.DBA_AUDIT_MGMT_LAST_ARCH_TS TO {user}{container};
-- 12c and later: unified audit policies (AUDIT_UNIFIED_ENABLED_POLICIES, AUDIT_UNIFIED_POLICIES)
GRANT AUDIT_VIEWER TO {user}{container};
-- 11g: use GRANT SELECT ON SYS.DBA_REGISTRY_HISTORY instead of the AUDIT_VIEWER line above (no such role there).
-- Keep the account on a profile that limits it like every other account (the scan judges it too),
-- and lock it between audit windows if your policy asks for that:
--   ALTER USER {user} ACCOUNT LOCK;   /   ALTER USER {user} ACCOUNT UNLOCK;
"""
