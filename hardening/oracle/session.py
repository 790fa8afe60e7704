"""One python-oracledb session per database: connect (thin, or thick with an Instant Client), run queries.

Thin mode (pure Python, no Oracle client) reaches 12.1 and later. It cannot reach 11g, servers that
require Native Network Encryption, or accounts that only have 10G password verifiers; those errors
are turned into one line that names the reason and points to ``--oracle-client-lib`` (thick mode)
and to the offline SQL*Plus collector. No error text ever carries the password.
"""

from __future__ import annotations

import datetime as dt
import decimal
import os
import socket
import threading
import time
from typing import Any

from hardening.errors import TargetError
from hardening.oracle.target import DbTarget
from hardening.secrets import Secret

OFFLINE_HINT = "or use the offline collector (hardening oracle collect-script > collect.sql; sqlplus -s user@db @collect.sql > bundle.txt)"
THICK_HINT = f"install Oracle Instant Client and pass --oracle-client-lib DIR (thick mode), {OFFLINE_HINT}"

_thick_lock = threading.Lock()
_thick_dir: str | None = None


def enable_thick(lib_dir: str) -> None:
    """Switch this process to thick mode once (python-oracledb cannot switch back)."""
    global _thick_dir
    import oracledb

    with _thick_lock:
        if _thick_dir is not None:
            if os.path.realpath(_thick_dir) != os.path.realpath(lib_dir):
                raise TargetError(f"thick mode already uses {_thick_dir}; one process can load one Oracle client")
            return
        try:
            oracledb.init_oracle_client(lib_dir=lib_dir)
        except Exception as exc:  # DPI-1047 and friends: the client library could not be loaded
            raise TargetError(f"cannot load the Oracle client from {lib_dir}: {_first_line(exc)}") from None
        _thick_dir = lib_dir


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


def _code(exc: BaseException) -> str:
    err = exc.args[0] if exc.args else None
    code = getattr(err, "full_code", None)
    return code or ""


def describe_error(exc: BaseException, target: DbTarget, password: Secret | None = None) -> str:
    """One line for a failed connection: what happened and what to do. Never the password."""
    code = _code(exc)
    text = " ".join(str(exc).split())
    where = target.alias or f"{target.host}:{target.port}"
    if isinstance(exc, socket.gaierror):
        msg = f"cannot resolve host {target.host!r}: {exc.strerror or exc}"
    elif code == "DPY-3010" or "ORA-28040" in text:
        msg = f"thin mode cannot talk to this database release ({code or 'ORA-28040'}: 11g or older): {THICK_HINT}"
    elif code == "DPY-3015":
        msg = ("the account has only a 10G password verifier, which thin mode cannot use (DPY-3015): "
               f"reset its password with SEC_CASE_SENSITIVE_LOGON=TRUE, {THICK_HINT}")
    elif code == "DPY-3001":
        msg = f"the server requires Native Network Encryption, which thin mode cannot do (DPY-3001): {THICK_HINT}"
    elif code == "DPY-4011":
        msg = ("the database closed the connection during the handshake (DPY-4011) - usually Native Network "
               f"Encryption required by the server, which thin mode cannot do: {THICK_HINT}")
    elif code in ("DPY-4026", "DPY-4027", "DPY-4000"):
        msg = (f"TNS alias {target.alias!r} cannot be resolved ({code}): set TNS_ADMIN (or ?tns_admin=DIR) to the "
               "folder holding tnsnames.ora")
    elif code == "ORA-01017" or "ORA-01017" in text:
        msg = f"logon denied for {target.user or 'the audit account'}: invalid username or password (ORA-01017)"
    elif code == "ORA-28000" or "ORA-28000" in text:
        msg = f"the audit account {target.user} is locked (ORA-28000): unlock it for the audit window"
    elif code == "ORA-28001" or "ORA-28001" in text:
        msg = f"the password of {target.user} has expired (ORA-28001): set a new one"
    elif code in ("ORA-01033", "ORA-01034", "ORA-01109") or any(c in text for c in ("ORA-01033", "ORA-01034", "ORA-01109")):
        msg = (f"the database is not open ({code or 'ORA-01033'}: MOUNT state, starting, or a closed PDB): "
               "the dictionary cannot be read until it is open (a mounted standby can only be audited from its primary)")
    elif code in ("DPY-6001", "ORA-12514") or "ORA-12514" in text:
        msg = f"the listener at {where} does not know service {target.service!r} ({code or 'ORA-12514'})"
    elif code in ("DPY-6003", "ORA-12505") or "ORA-12505" in text:
        msg = f"the listener at {where} does not know SID {target.sid!r} ({code or 'ORA-12505'})"
    elif code == "DPY-6005" and "refused" in text.lower():
        msg = f"connection refused by {where}: no listener on that port"
    elif code == "DPY-6005" and "timed out" in text.lower() or code == "ORA-12170":
        msg = f"timed out connecting to {where}"
    elif code == "DPI-1047":
        msg = "the Oracle client library could not be loaded (DPI-1047): check --oracle-client-lib"
    elif code.startswith("DPY-6005"):
        msg = f"cannot connect to {where}: {text.split('. ', 1)[-1][:200]}"
    else:
        msg = f"cannot connect to {where}: {text[:300]}"
    if password is not None and password.reveal():
        msg = msg.replace(password.reveal(), "********")
    return msg


def _plain(value: Any) -> Any:
    """Row values as JSON-safe plain values (the same shapes the SQL*Plus parser produces)."""
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if hasattr(value, "read"):  # LOB
        return str(value.read())
    return str(value)


class Session:
    """An open connection; ``run`` executes one query and returns its columns and rows, or its error."""

    def __init__(self, connection, call_timeout_s: float):
        self.connection = connection
        self.round_trips = 0
        self.queries = 0
        try:
            connection.call_timeout = int(call_timeout_s * 1000)
        except Exception:  # thick mode with a client older than 18c has no call timeout
            pass

    def run(self, sql: str) -> dict:
        self.queries += 1
        cursor = self.connection.cursor()
        cursor.arraysize = 5000
        cursor.prefetchrows = 5001  # most results arrive with the execute itself: one round trip
        try:
            cursor.execute(sql)
            columns = [d[0] for d in cursor.description or []]
            rows = []
            while True:
                batch = cursor.fetchmany()
                self.round_trips += 1
                if not batch:
                    break
                rows.extend([_plain(v) for v in row] for row in batch)
                if len(batch) < cursor.arraysize:
                    break
            return {"columns": columns, "rows": rows}
        except Exception as exc:
            code = _code(exc)
            if code in ("DPY-4024", "DPY-4011", "DPY-1001", "DPY-4005"):  # call timeout, lost or closed connection
                raise TargetError(f"the database stopped answering ({code}): {_first_line(exc)}") from None
            return {"error": _first_line(exc)}
        finally:
            try:
                cursor.close()
            except Exception:
                pass

    def close(self) -> None:
        try:
            self.connection.close()
        except Exception:
            pass


def connect(target: DbTarget, password: Secret | None, *, connect_timeout: float = 10.0,
            call_timeout: float = 60.0, client_lib: str | None = None, wallet_password: Secret | None = None,
            external_auth: bool = False) -> Session:
    """Open one session, bounded by ``connect_timeout`` end to end (TCP connect AND the handshake).

    A port that accepts but never answers would hang python-oracledb's handshake; the connect runs
    in a helper thread and is abandoned after the timeout (the process exits without waiting for it).
    """
    import oracledb

    if client_lib:
        enable_thick(client_lib)
    if external_auth and not client_lib:
        raise TargetError(f"wallet (external) authentication needs thick mode: {THICK_HINT}")
    kwargs: dict[str, Any] = {"dsn": target.dsn(), "tcp_connect_timeout": connect_timeout, "retry_count": 0}
    if target.alias and target.tns_admin:
        kwargs["config_dir"] = target.tns_admin
    elif target.alias and os.environ.get("TNS_ADMIN"):
        kwargs["config_dir"] = os.environ["TNS_ADMIN"]
    if target.wallet:
        kwargs["wallet_location"] = target.wallet
        if wallet_password is not None:
            kwargs["wallet_password"] = wallet_password.reveal()
    if external_auth:
        kwargs["externalauth"] = True
    else:
        if not target.user:
            raise TargetError("no user in the database target: oracle://USER@host:port/service")
        if password is None or not password.reveal():
            raise TargetError(f"no password for {target.user}: set HARDENING_ORACLE_PASSWORD or use --ask-pass")
        kwargs["user"] = target.user
        kwargs["password"] = password.reveal()
    if client_lib:  # thick mode: tcp_connect_timeout is honoured through the descriptor only
        kwargs.pop("retry_count", None)
    outcome: dict[str, Any] = {}

    def attempt() -> None:
        try:
            outcome["conn"] = oracledb.connect(**kwargs)
        except BaseException as exc:  # noqa: BLE001 - reported below as one line
            outcome["error"] = exc

    started = time.monotonic()
    worker = threading.Thread(target=attempt, name=f"oracle-connect-{target.name}", daemon=True)
    worker.start()
    worker.join(connect_timeout + 1.0)
    kwargs.pop("password", None)
    if worker.is_alive():
        raise TargetError(f"timed out after {connect_timeout:g} s: {target.alias or f'{target.host}:{target.port}'} "
                          "accepted the connection but no Oracle listener answered")
    if "error" in outcome:
        raise TargetError(describe_error(outcome["error"], target, password)) from None
    session = Session(outcome["conn"], call_timeout)
    session.connect_s = round(time.monotonic() - started, 3)
    return session
