"""Database targets: ``oracle://user@host[:port]/service``, ``oracle://user@ALIAS`` and inventory entries.

A password never appears in a target: it comes from ``HARDENING_ORACLE_PASSWORD``, a prompt, or a
wallet (thick mode, external authentication).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from hardening.errors import InputError

DEFAULT_PORT = 1521
QUERY_KEYS = {"sid", "protocol", "wallet", "tns_admin", "name"}


@dataclass(frozen=True)
class DbTarget:
    user: str | None
    host: str | None = None  # None: ``alias`` is a TNS alias resolved in TNS_ADMIN/tnsnames.ora
    port: int = DEFAULT_PORT
    service: str | None = None
    sid: str | None = None
    alias: str | None = None
    protocol: str = "tcp"  # tcp | tcps
    wallet: str | None = None  # folder with ewallet.pem (thin TLS) or cwallet.sso (thick)
    tns_admin: str | None = None
    label: str | None = None  # inventory name
    host_ref: str | None = None  # inventory host this database runs on (OS-side checks over SSH)
    baseline: str | None = None
    tags: frozenset = field(default_factory=frozenset)
    source: str = ""

    @property
    def name(self) -> str:
        if self.label:
            return self.label
        if self.alias:
            return self.alias
        return f"{self.host}/{self.service or self.sid}"

    @property
    def uri(self) -> str:
        user = f"{self.user}@" if self.user else ""
        if self.alias:
            return f"oracle://{user}{self.alias}"
        host = f"[{self.host}]" if self.host and ":" in self.host else self.host
        extra = []
        if self.sid:
            extra.append(f"sid={self.sid}")
        if self.protocol != "tcp":
            extra.append(f"protocol={self.protocol}")
        return f"oracle://{user}{host}:{self.port}/{self.service or ''}" + (f"?{'&'.join(extra)}" if extra else "")

    def dsn(self) -> str:
        """The connect string handed to python-oracledb (no credentials in it)."""
        if self.alias:
            return self.alias
        data = f"(SID={self.sid})" if self.sid else f"(SERVICE_NAME={self.service})"
        return (f"(DESCRIPTION=(ADDRESS=(PROTOCOL={self.protocol.upper()})(HOST={self.host})(PORT={self.port}))"
                f"(CONNECT_DATA={data}))")


def parse_oracle_target(text: str) -> DbTarget:
    """``oracle://user@host[:port]/service[?sid=..&protocol=tcps&wallet=DIR]`` or ``oracle://user@ALIAS``."""
    if not text.startswith("oracle://"):
        raise InputError(f"unsupported database target {text!r}: use oracle://user@host:port/service "
                         "or oracle://user@TNS_ALIAS")
    parts = urlsplit(text)
    if parts.password is not None:
        raise InputError("never put a password in the target; use HARDENING_ORACLE_PASSWORD, --ask-pass or a wallet")
    query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    unknown = sorted(set(query) - QUERY_KEYS)
    if unknown:
        raise InputError(f"unknown option(s) {', '.join(unknown)} in {text!r} (known: {', '.join(sorted(QUERY_KEYS))})")
    user = unquote(parts.username) if parts.username else None
    try:
        port = parts.port
    except ValueError:
        raise InputError(f"bad port in database target {text!r}") from None
    host = parts.hostname
    service = unquote(parts.path.lstrip("/")) or None
    protocol = (query.get("protocol") or "tcp").lower()
    if protocol not in ("tcp", "tcps"):
        raise InputError(f"protocol must be tcp or tcps, got {protocol!r}")
    common = dict(protocol=protocol, wallet=query.get("wallet"), tns_admin=query.get("tns_admin"),
                  label=query.get("name"))
    if not host:
        raise InputError(f"database target {text!r} names no host or TNS alias")
    if port is None and service is None and not query.get("sid"):
        netloc_host = parts.netloc.rpartition("@")[2]  # keep the alias' case (hostname is lower-cased)
        return DbTarget(user=user, alias=netloc_host, **common)
    if service is None and not query.get("sid"):
        raise InputError(f"database target {text!r} needs a service name (/SERVICE) or ?sid=SID")
    return DbTarget(user=user, host=host, port=port or DEFAULT_PORT, service=service, sid=query.get("sid"), **common)


DB_KEYS = {"uri", "user", "host", "address", "port", "service", "sid", "alias", "protocol", "wallet", "tns_admin",
           "baseline", "tags"}


def parse_databases(doc, path: str, host_names: set[str] | None = None) -> list[DbTarget]:
    """The ``databases:`` section of an inventory::

        databases:
          orclpdb1: {uri: "oracle://mlps_scan@10.0.0.5:1521/ORCLPDB1", host: db1, tags: [prod]}
          legacy11g: {user: mlps_scan, address: 10.0.0.6, sid: ORCL, host: db2}
          viatns: {user: mlps_scan, alias: PROD_TNS}

    ``host`` ties the database to an inventory host (its OS-side checks run there over SSH).
    """
    from hardening.yamlio import line_of

    if doc is None:
        return []
    if not isinstance(doc, dict):
        raise InputError("databases must be a mapping of name: {uri or address/service...}", path)
    result = []
    for name, spec in doc.items():
        spec = spec or {}
        line = line_of(doc, name)
        if not isinstance(spec, dict):
            raise InputError(f"database {name!r} must be a mapping", path, line)
        unknown = sorted(set(spec) - DB_KEYS)
        if unknown:
            raise InputError(f"unknown key(s) {', '.join(unknown)} for database {name!r} (known: {', '.join(sorted(DB_KEYS))})",
                             path, line)
        if "password" in {str(k).lower() for k in spec}:
            raise InputError("never put a password in an inventory", path, line)
        try:
            if spec.get("uri"):
                base = parse_oracle_target(str(spec["uri"]))
            elif spec.get("alias"):
                base = DbTarget(user=spec.get("user"), alias=str(spec["alias"]))
            else:
                address = spec.get("address")
                if not address or not (spec.get("service") or spec.get("sid")):
                    raise InputError(f"database {name!r} needs uri, alias, or address with service or sid")
                base = DbTarget(user=spec.get("user"), host=str(address), port=int(spec.get("port", DEFAULT_PORT)),
                                service=spec.get("service"), sid=spec.get("sid"))
        except InputError as exc:
            raise InputError(exc.message, path, line) from None
        host_ref = spec.get("host")
        if host_ref is not None and host_names is not None and host_ref not in host_names:
            raise InputError(f"database {name!r} is tied to host {host_ref!r}, which the inventory does not define",
                             path, line)
        tags = spec.get("tags") or []
        if not isinstance(tags, list):
            raise InputError(f"tags of database {name!r} must be a list", path, line)
        result.append(DbTarget(
            user=spec.get("user", base.user), host=base.host, port=base.port, service=base.service, sid=base.sid,
            alias=base.alias, protocol=str(spec.get("protocol", base.protocol)).lower(),
            wallet=spec.get("wallet", base.wallet), tns_admin=spec.get("tns_admin", base.tns_admin), label=str(name),
            host_ref=host_ref, baseline=spec.get("baseline"), tags=frozenset(map(str, tags)), source=f"{path}:{line}"))
    return result


def load_database_inventory(path: Path):
    """(databases, host entries) from an inventory file: our YAML with an optional ``databases:`` key.

    The hosts part is read by the normal inventory code; ``databases`` is read here.
    """
    from hardening.inventory.load import _from_ssh_config, ssh_config  # noqa: F401 (same resolution as scans)
    from hardening.inventory.model import HostEntry
    from hardening.inventory.native import TOP_KEYS, parse_native
    from hardening.yamlio import load_file

    if not path.is_file():
        raise InputError("inventory file not found", str(path))
    doc = load_file(path)
    if not isinstance(doc, dict):
        raise InputError("an inventory must be a YAML mapping", str(path), 1)
    rest = {k: v for k, v in doc.items() if k != "databases"}
    entries: list[HostEntry] = []
    if rest:
        if not set(rest) <= TOP_KEYS:
            raise InputError(f"unknown key(s) {', '.join(sorted(set(rest) - TOP_KEYS))} (expected defaults, groups, "
                             "hosts, databases)", str(path))
        tree = parse_native(rest, str(path))
        config = ssh_config()
        for name, groups, variables, line in tree.resolved():
            variables = _from_ssh_config(config, name, variables)
            jump = variables.get("jump") or []
            identity = variables.get("identity")
            entries.append(HostEntry(
                name=name, address=variables.get("address", name), port=int(variables.get("port", 22)),
                user=variables.get("user"), identity=str(Path(identity).expanduser()) if identity else None,
                jump=[jump] if isinstance(jump, str) else list(jump), sudo=bool(variables.get("sudo", False)),
                tags=set(variables.get("tags", [])), baseline=variables.get("baseline"), groups=groups,
                source=f"{path}:{line}"))
    databases = parse_databases(doc.get("databases"), str(path), {e.name for e in entries})
    return databases, entries
