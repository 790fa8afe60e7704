"""``hardening oracle ...``: scan databases, print the offline SQL*Plus collector, evaluate its output."""

from __future__ import annotations

import datetime as dt
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import click

from hardening import paths
from hardening.cli.common import db_option, format_option, lang_option, open_store
from hardening.cli.scan import _now, _prepare, _store_and_report
from hardening.errors import InputError
from hardening.oracle.account import audit_account_sql
from hardening.oracle.collect import evaluate_results, oracle_plan, scan_database, split_rules
from hardening.oracle.sqlplus import build_sqlplus_script, read_sqlplus_bundle
from hardening.oracle.target import load_database_inventory, parse_oracle_target
from hardening.cli.connect import with_options
from hardening.cli.scan import evaluate, selection_options
from hardening.scan import TargetResult, scan_one
from hardening.secrets import Secret

DEFAULT_ORACLE_BASELINE = "mlps_l3_oracle"


oracle_options = selection_options(DEFAULT_ORACLE_BASELINE)


@click.group()
def oracle():
    """Oracle Database: live scans (python-oracledb), the offline SQL*Plus collector, the audit account.

    \b
    Examples:
      hardening oracle audit-account-sql > create_mlps_scan.sql
      HARDENING_ORACLE_PASSWORD=... hardening oracle scan oracle://mlps_scan@db1:1521/ORCLPDB1
      hardening oracle scan -I inventory.yml --baseline oracle_health
      hardening oracle collect-script > collect.sql     # then: sqlplus -s mlps_scan@db @collect.sql > bundle.txt
      hardening oracle evaluate bundle.txt
    """


@oracle.command("scan")
@click.argument("targets", nargs=-1)
@with_options(oracle_options)
@click.option("--inventory", "-I", type=click.Path(dir_okay=False, path_type=Path),
              help="Inventory YAML with a databases: section (a database may name its host: for OS-side checks).")
@click.option("--limit", "-l", default=None, help="Only these inventory databases (names or globs, comma separated).")
@click.option("--ask-pass", is_flag=True, help="Prompt for the database password (or set HARDENING_ORACLE_PASSWORD).")
@click.option("--oracle-client-lib", type=click.Path(exists=True, file_okay=False), default=None,
              help="Oracle Instant Client folder: thick mode, for 11g, Native Network Encryption or 10G verifiers.")
@click.option("--external-auth", is_flag=True, help="Log in with wallet credentials (thick mode only; no password).")
@click.option("--connect-timeout", type=float, default=10.0, show_default=True, help="Seconds to connect and log in.")
@click.option("--call-timeout", type=float, default=60.0, show_default=True, help="Seconds one query may take.")
@click.option("--forks", "-f", type=click.IntRange(1, 64), default=8, show_default=True, help="Databases scanned at once.")
@click.option("--identity", "-i", type=click.Path(exists=True, dir_okay=False), help="SSH key for tied hosts.")
@click.option("--known-hosts", type=click.Path(dir_okay=False, path_type=Path), default=None, help="known_hosts for tied hosts.")
@click.option("--trust-on-first-use", is_flag=True, help="Accept and record unknown host keys of tied hosts.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Also write the JSON document to this file.")
@click.option("--no-store", is_flag=True, help="Do not record the scan in the history database.")
@click.option("--verbose", "-v", is_flag=True, help="Show passing and not-applicable findings too.")
@format_option
@lang_option
@db_option
def oracle_scan(targets, baseline, only_rules, var, rules_dir, baselines_dir, inventory, limit, ask_pass, oracle_client_lib,
                external_auth, connect_timeout, call_timeout, forks, identity, known_hosts, trust_on_first_use, output,
                no_store, verbose, fmt, lang, db):
    """Scan Oracle databases in one session each and store the result like any scan.

    A TARGET is oracle://USER@HOST[:PORT]/SERVICE (?sid=SID, ?protocol=tcps&wallet=DIR) or
    oracle://USER@TNS_ALIAS (tnsnames.ora in $TNS_ADMIN). The password comes from
    HARDENING_ORACLE_PASSWORD or --ask-pass, never from the command line. A database tied to an
    inventory host also gets the baseline's OS-side rules run on that host over SSH, in the same scan.

    \b
    Examples:
      hardening oracle scan oracle://mlps_scan@10.0.0.5:1521/ORCLPDB1 --ask-pass
      hardening oracle scan oracle://mlps_scan@PROD_TNS --baseline oracle_health --format json
      hardening oracle scan oracle://mlps_scan@db11:1521/ORCL --oracle-client-lib /opt/oracle/instantclient_19_23
    """
    import fnmatch

    databases = [parse_oracle_target(t) for t in targets]
    hosts = {}
    if inventory is not None:
        listed, entries = load_database_inventory(inventory)
        if limit:
            patterns = [p.strip() for p in limit.split(",") if p.strip()]
            listed = [d for d in listed if any(fnmatch.fnmatch(d.name, p) for p in patterns)]
        databases += listed
        hosts = {e.name: e for e in entries}
    if not databases:
        raise InputError("name a database: oracle://user@host:port/service, or --inventory FILE")
    names = [d.name for d in databases]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InputError(f"database(s) given twice: {', '.join(twice)}")
    password = None
    if not external_auth:
        password = (Secret(click.prompt("Oracle password", hide_input=True)) if ask_pass
                    else Secret.from_env("HARDENING_ORACLE_PASSWORD"))
        if password is None:
            raise InputError("no database password: set HARDENING_ORACLE_PASSWORD or use --ask-pass (never the command line)")
    wallet_password = Secret.from_env("HARDENING_ORACLE_WALLET_PASSWORD")
    store = open_store(Path(":memory:") if no_store else db)
    today = dt.date.today()
    codes = []
    groups: dict[str, list] = {}
    for database in databases:
        groups.setdefault(database.baseline or baseline, []).append(database)
    for baseline_name, group in groups.items():
        rules, base, params = _prepare(baseline_name, rules_dir, baselines_dir, var, only_rules)
        _db_rules, host_rules = split_rules(rules)
        scan_id = store.begin_scan(_now(), base, params, "oracle", rules)

        def one(database):
            return scan_database(database, password, rules, params, base, today, connect_timeout=connect_timeout,
                                 call_timeout=call_timeout, client_lib=oracle_client_lib,
                                 wallet_password=wallet_password, external_auth=external_auth)

        with ThreadPoolExecutor(max_workers=max(1, min(forks, len(group)))) as pool:
            results = list(pool.map(one, group))
        tied = [d for d in group if d.host_ref]
        if tied and host_rules:
            results += _scan_tied_hosts(tied, hosts, host_rules, params, base, today, identity, known_hosts,
                                        trust_on_first_use, connect_timeout, inventory)
        for result in results:
            store.add_target(scan_id, result)
        codes.append(_store_and_report(store, scan_id, results, fmt, lang, verbose, output))
    sys.exit(max(codes, key=lambda c: (c == 3, c)))


def _scan_tied_hosts(tied, hosts, host_rules, params, base, today, identity, known_hosts, trust_on_first_use,
                     connect_timeout, inventory) -> list[TargetResult]:
    """OS-side rules (sqlnet.ora, listener.ora, log directories) on each tied host, over SSH."""
    from hardening.inventory.load import jump_targets, ssh_config
    from hardening.transports.ssh import JumpPool, SshConnector, SshTransport

    notice = lambda message: click.echo(f"hardening: {message}", err=True)  # noqa: E731
    connector = SshConnector(identity=identity, password=Secret.from_env("HARDENING_SSH_PASSWORD"),
                             passphrase=Secret.from_env("HARDENING_SSH_KEY_PASSPHRASE"),
                             known_hosts=known_hosts or paths.known_hosts_default(),
                             trust_on_first_use=trust_on_first_use, connect_timeout=connect_timeout, notice=notice)
    pool = JumpPool(connector)
    entries = list(hosts.values())
    config = ssh_config()
    results = []
    try:
        for name in dict.fromkeys(d.host_ref for d in tied):
            entry = hosts.get(name)
            if entry is None:
                results.append(TargetResult(name=name, uri=f"ssh://{name}", status="error",
                                            error=f"host {name!r} is not in {inventory}"))
                continue
            jumps = jump_targets(entry, entries, config)
            sudo_password = Secret.from_env("HARDENING_SUDO_PASSWORD")

            def factory(entry=entry, jumps=jumps, sudo_password=sudo_password):
                return SshTransport(entry.target(), connector, jumps=jumps, pool=pool,
                                    identity=entry.identity or identity, sudo=entry.sudo, sudo_password=sudo_password)

            results.append(scan_one(entry.name, entry.target().uri, factory, host_rules, params, base, today, 300.0))
    finally:
        pool.close()
    return results


@oracle.command("collect-script")
@with_options(oracle_options)
def oracle_collect_script(baseline, only_rules, var, rules_dir, baselines_dir):
    """Print a SQL*Plus script that collects what the baseline's database rules need (it only reads).

    \b
    Example:
      hardening oracle collect-script > collect.sql
      sqlplus -s mlps_scan@//db1:1521/ORCLPDB1 @collect.sql > bundle.txt
      hardening oracle evaluate bundle.txt
    """
    click.echo(oracle_script_text(baseline, only_rules, var, rules_dir, baselines_dir), nl=False)


def oracle_script_text(baseline: str = DEFAULT_ORACLE_BASELINE, only_rules=(), var=(), rules_dir=(),
                       baselines_dir=()) -> str:
    """The SQL*Plus collector for a baseline (also what `hardening collect-script --oracle` prints)."""
    rules, base, params = _prepare(baseline, rules_dir, baselines_dir, var, only_rules)
    return build_sqlplus_script(oracle_plan(rules, params), base.id)


def evaluate_and_store(text, bundle, baseline, only_rules, var, rules_dir, baselines_dir, name, no_store, verbose, fmt,
                       lang, db) -> int:
    """Evaluate a SQL*Plus bundle, store it, print it; returns the exit status (also for `hardening evaluate`)."""
    result, base, rules, params = evaluate_sqlplus_file(text, bundle, baseline, only_rules, var, rules_dir,
                                                        baselines_dir, name)
    store = open_store(Path(":memory:") if no_store else db)
    scan_id = store.begin_scan(_now(), base, params, "bundle", rules)
    store.add_target(scan_id, result)
    return _store_and_report(store, scan_id, [result], fmt, lang, verbose, None)


def evaluate_sqlplus_file(text: str, path: str, baseline=None, only_rules=(), var=(), rules_dir=(), baselines_dir=(),
                          name=None):
    """(TargetResult, baseline, rules, params) for a SQL*Plus bundle - what `hardening evaluate` needs too."""
    _plan, _raws, meta = read_sqlplus_bundle(text, path)
    rules, base, params = _prepare(baseline or meta["baseline"] or DEFAULT_ORACLE_BASELINE, rules_dir, baselines_dir,
                                   var, only_rules)
    plan = oracle_plan(rules, params)
    missing = [p.fact for p in plan if not set(_fact_queries(p.fact)) <= set(meta["results"])]
    results = dict(meta["results"])
    for fact in missing:  # the script was made for other rules: those facts become errors, not passes
        for query in _fact_queries(fact):
            results.setdefault(query, {"error": f"not collected by this script (made for baseline {meta['baseline']!r}); "
                                                "regenerate it with hardening oracle collect-script"})
    host = name or _name_from(results) or Path(path).stem
    result = evaluate_results(host, f"bundle:{Path(path).name}", rules, params, base, plan, results, meta["major"],
                              dt.date.today())
    return result, base, rules, params


def _name_from(results: dict) -> str | None:
    """The PDB (or database) name from the instance query, for naming a bundle's target."""
    instance = results.get("instance") or {}
    rows, columns = instance.get("rows") or [], instance.get("columns") or []
    if len(rows) != 1 or len(rows[0]) != len(columns):
        return None
    row = dict(zip(columns, rows[0]))
    return row.get("CON_NAME") if row.get("CDB") == "YES" else row.get("DB_NAME")


def _fact_queries(fact: str) -> tuple[str, ...]:
    from hardening.facts import get_fact

    return get_fact(fact).queries


@oracle.command("audit-account-sql")
@click.option("--user", default="MLPS_SCAN", show_default=True, help="Name of the audit account.")
@click.option("--cdb-common", is_flag=True, help="Create a common user (C##...) in the CDB root instead of a PDB user.")
def oracle_audit_account_sql(user, cdb_common):
    """Print the SQL that creates the least-privilege audit account (run it as a DBA in SQL*Plus).

    \b
    Example:
      hardening oracle audit-account-sql --user MLPS_SCAN > create_mlps_scan.sql
    """
    click.echo(audit_account_sql(user, cdb_common), nl=False)


# `hardening oracle evaluate` is `hardening evaluate`, which recognises SQL*Plus bundles itself
oracle.add_command(evaluate, name="evaluate")
