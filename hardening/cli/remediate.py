"""remediate, review, approve, apply, rollback and audit: changing hosts safely, with two people."""

from __future__ import annotations

import dataclasses
import datetime as dt
import getpass
import json
import os
import sys
from pathlib import Path

import click

from hardening import paths
from hardening.cli.common import EXIT_FAIL, EXIT_REFUSED, EXIT_TARGET, db_option, lang_option, load_catalog, open_store
from hardening.cli.connect import Connections, ssh_option_list, with_options
from hardening.errors import HardeningError, InputError, Refused, TargetError
from hardening.remediate import audit
from hardening.remediate.approval import approve as sign_approval, check_approved, pam_authenticate
from hardening.remediate.bundle import generate, load_bundle
from hardening.remediate.execute import check_drift, rescan, run_database, run_script
from hardening.remediate.quoting import printable
from hardening.remediate.templates import load_templates
from hardening.secrets import Secret
from hardening.targets import parse_target

def _state(db: Path | None) -> Path:
    """Approver keys, approvers.json and audit.log live beside the history database."""
    return (db or paths.default_db()).resolve().parent


def _actor() -> str:
    return os.environ.get("SUDO_USER") or getpass.getuser()


@click.command()
@click.argument("scan_ref")
@click.option("--host", "hosts", multiple=True, help="Only these scanned hosts (repeatable).")
@click.option("--rule", "only_rules", multiple=True, help="Only these rule ids (repeatable).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("remediation"),
              show_default=True, help="Folder for the bundles (one subfolder per target).")
@click.option("--author", default=None, help="Who writes the bundle (default: the invoking user); may not approve it.")
@db_option
def remediate(scan_ref, hosts, only_rules, out, author, db):
    """Write remediation bundles (apply.sh, rollback.sh, manifest.json) for the failures of a scan.

    Scripts are dry runs unless given --apply; nothing touches a host until a second person
    approves the bundle and `hardening apply` runs it. A database gets apply.sql and rollback.sql,
    with the prior values the scan recorded.

    \b
    Example:
      hardening remediate latest --host web01 --out /srv/hardening/bundles
    """
    store = open_store(db)
    scan = store.scan(store.resolve_scan_id(scan_ref))
    rules, templates = load_catalog(), load_templates()
    author = author or _actor()
    targets = [t for t in scan["targets"] if t["status"] == "ok" and (not hosts or t["name"] in hosts)]
    if not targets:
        raise InputError(f"scan {scan['scan_id']} has no scanned host {'named ' + ', '.join(hosts) if hosts else ''}")
    for target in targets:
        bundle, manual = generate(scan, target, rules, templates, out, only_rules, author,
                                  store.facts(scan["scan_id"], target["name"]))
        if bundle is None:
            click.echo(f"{target['name']}: nothing to remediate automatically")
        else:
            audit.append(_state(db) / "audit.log", "generate", bundle.id, target["name"], "ok",
                         f"{len(bundle.manifest['rules'])} rule(s)", author)
            click.echo(f"{target['name']}: {bundle.folder} ({len(bundle.manifest['rules'])} rule(s)); "
                       f"review: hardening review {bundle.folder}")
        for item in manual:
            click.echo(f"  manual: {item['rule_id']} — {item['reason']}")


@click.command()
@click.argument("bundle_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@lang_option
@db_option
def review(bundle_dir, lang, db):
    """Show what a bundle would change, its risks, and whether it is intact and approved.

    \b
    Example:
      hardening review remediation/s12-web01-1a2b3c4d
    """
    bundle = load_bundle(bundle_dir)
    manifest = bundle.manifest
    click.echo(f"bundle {bundle.id} for {manifest['target']['name']} ({manifest['target']['uri']}), "
               f"scan {manifest['scan_id']}, written by {manifest['author']} at {manifest['created_at']}")
    modified = bundle.modified_files()
    click.echo("integrity: " + (f"MODIFIED ({', '.join(modified)})" if modified else "intact (sha256 match)"))
    for entry in manifest["rules"]:
        click.echo(f"\n== {entry['rule_id']} [{entry['severity']}] {entry['title'][lang]}")
        click.echo(f"   now: {printable(json.dumps(entry['finding']['observed'], ensure_ascii=False))}; "
                   f"expected: {entry['finding']['expected']}")
        for kind, label in (("operational", "operational risk 操作风险"), ("dependency", "dependency risk 关联风险"),
                            ("data_loss", "data loss 数据丢失")):
            click.echo(f"   {label}: {entry['risk'].get(kind, {}).get(lang, '-')}")
        click.echo(f"   restart: {entry['restart']}; disruption: {entry['disruption']}"
                   + (f"; guard: {entry['guard']}" if entry.get("guard") else ""))
        click.echo(f"   change: template {entry['template']} {json.dumps(entry['vars'], ensure_ascii=False)}")
        for script, lines in entry.get("statements", {}).items():
            click.echo(f"   {script}:" + "".join(f"\n     {line}" for line in lines))
    for item in manifest.get("manual", []):
        click.echo(f"\nmanual (not in the bundle): {item['rule_id']} — {item['reason']}")
        if item.get("fix"):
            click.echo(f"   by hand: {item['fix'].get(lang) or item['fix'].get('en', '')}")
    if "apply.sql" in manifest["files"]:
        click.echo(f"\nscripts: {bundle.folder / 'apply.sql'}, {bundle.folder / 'rollback.sql'}. SQL has no dry run: "
                   "this review is it (every statement is listed above); a restart is never performed")
    else:
        click.echo(f"\nscripts: {bundle.folder / 'apply.sh'} (dry run unless --apply), {bundle.folder / 'rollback.sh'}")
    try:
        record = check_approved(bundle, _state(db))
        click.echo(f"approved by {record['approver']} at {record['approved_at']} (valid until {record['expires_at']})")
    except Refused as exc:
        click.echo(f"not approvable/applicable yet: {exc}")
    audit.append(_state(db) / "audit.log", "review", bundle.id, manifest["target"]["name"], "ok", "", _actor())


@click.command()
@click.argument("bundle_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--approver", required=True, help="The approving person's login name (authenticated through PAM).")
@click.option("--pam-service", default="hardening", show_default=True, help="PAM service to authenticate with.")
@click.option("--valid-days", type=click.IntRange(1, 90), default=7, show_default=True, help="How long the approval holds.")
@db_option
def approve(bundle_dir, approver, pam_service, valid_days, db):
    """Approve a bundle as a second person: PAM authentication, then an Ed25519 signature over its digest.

    The password comes from a prompt (or HARDENING_APPROVER_PASSWORD). The bundle's author cannot approve it.

    \b
    Example:
      hardening approve remediation/s12-web01-1a2b3c4d --approver lisi
    """
    bundle = load_bundle(bundle_dir)
    log = _state(db) / "audit.log"
    target = bundle.manifest["target"]["name"]
    password = Secret.from_env("HARDENING_APPROVER_PASSWORD") or Secret(click.prompt(f"PAM password for {approver}",
                                                                                   hide_input=True))
    try:
        if approver == bundle.manifest["author"]:
            raise Refused(f"two-person rule: {approver!r} wrote this bundle and cannot approve it")
        pam_authenticate(approver, password, pam_service)
        record = sign_approval(bundle, _state(db), approver, valid_days)
    except Refused as exc:
        audit.append(log, "approve", bundle.id, target, "refused", str(exc), approver)
        raise
    audit.append(log, "approve", bundle.id, target, "ok", f"valid until {record['expires_at']}", approver)
    click.echo(f"approved {bundle.id} as {approver}, valid until {record['expires_at']}")


def _run(action: str, bundle_dir: Path, connection_options: dict, timeout: float, allow_restart: bool, db,
         login_user: str | None, database_options: dict) -> None:
    bundle = load_bundle(bundle_dir)
    log = _state(db) / "audit.log"
    target = bundle.manifest["target"]
    try:
        check_approved(bundle, _state(db))
    except Refused as exc:
        audit.append(log, action, bundle.id, target["name"], "refused", str(exc), _actor())
        raise
    store = open_store(db)
    scan = store.scan(bundle.manifest["scan_id"])
    rules = load_catalog()
    database = "apply.sql" in bundle.manifest["files"]
    connections = None
    try:
        if database:
            script, after = _run_database(action, bundle, rules, scan["parameters"], timeout, login_user,
                                          connection_options, database_options)
        else:
            connections = Connections(**connection_options)
            where = parse_target("local" if target["uri"] == "local://" else target["uri"])
            if login_user:
                where = dataclasses.replace(where, user=login_user)  # e.g. an admin with sudo once root login is off
            factory = connections.factory(where)
            if action == "apply":
                check_drift(bundle, rescan(bundle, factory, rules, scan["parameters"], timeout))
            script = run_script(bundle, "apply.sh" if action == "apply" else "rollback.sh", factory, timeout,
                                ("--allow-restart",) if allow_restart else ())
            after = rescan(bundle, factory, rules, scan["parameters"], timeout)
    except Refused as exc:
        audit.append(log, action, bundle.id, target["name"], "refused", str(exc), _actor())
        raise
    except TargetError as exc:
        audit.append(log, action, bundle.id, target["name"], "error", str(exc), _actor())
        if database:  # connecting or the drift check failed: no statement ran
            raise HardeningError(f"{action} on {target['name']} failed: {exc}; nothing was changed") from None
        raise HardeningError(f"{action} on {target['name']} failed: {exc}. The host keeps a backup of every file "
                             f"changed so far: run `hardening rollback {bundle_dir}`") from None
    finally:
        if connections is not None:
            connections.close()
    output = script.stdout.decode("utf-8", "replace")
    click.echo(output.rstrip("\n"))
    waiting = [r["rule_id"] for r in bundle.manifest["rules"] if r["restart"] != "none"]
    if database and waiting:  # hardening never restarts a database, --allow-restart or not
        click.echo(f"takes effect at the next instance restart, which hardening does not perform: {', '.join(waiting)}")
    before = {r["rule_id"]: r["finding"]["status"] for r in bundle.manifest["rules"]}
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()  # the rescan's own time
    scan_id = store.begin_scan(now, _BaselineRef(bundle.manifest["baseline"]), scan["parameters"],
                               f"{action}:{bundle.id}", [rules[r] for r in before if r in rules])
    store.add_target(scan_id, after)
    store.finish_scan(scan_id, now, script.rc, {"bundle": bundle.id, "action": action})
    click.echo(f"\nrescan (stored as scan {scan_id}):" + (f" host error: {after.error}" if after.error else ""))
    for finding in after.findings:
        click.echo(f"  {finding.rule_id}: {before.get(finding.rule_id)} → {finding.status.value}")
    result = "ok" if script.rc == 0 else f"status {script.rc}"
    audit.append(log, action, bundle.id, target["name"], result,
                 json.dumps({"rescan_scan_id": scan_id, "rules": {f.rule_id: f.status.value for f in after.findings},
                             "output_tail": output[-1500:]}, ensure_ascii=False), _actor())
    if script.rc != 0:
        sys.exit(EXIT_FAIL if script.rc == 1 else EXIT_TARGET if script.rc == 3 else EXIT_FAIL)


def _run_database(action: str, bundle, rules, params, timeout: float, login_user, connection_options: dict,
                  database_options: dict):
    """Apply or roll back a database bundle over python-oracledb (password from the environment or a prompt)."""
    from hardening.oracle.session import connect
    from hardening.oracle.target import parse_oracle_target

    target = bundle.manifest["target"]
    if not target["uri"].startswith("oracle://"):
        raise InputError(f"{target['name']} was scanned from an offline SQL*Plus bundle ({target['uri']}): "
                         f"run {bundle.folder / (action + '.sql')} with SQL*Plus as a DBA")
    where = dataclasses.replace(parse_oracle_target(target["uri"]), label=target["name"])
    if login_user:
        where = dataclasses.replace(where, user=login_user)  # the scan's audit account only reads
    password = None
    if not database_options["external_auth"]:
        password = (Secret(click.prompt(f"Oracle password for {where.user}", hide_input=True))
                    if connection_options["ask_pass"] else Secret.from_env("HARDENING_ORACLE_PASSWORD"))
    return run_database(action, bundle, where, password, rules, params, connect,
                        connect_timeout=connection_options["connect_timeout"], call_timeout=timeout,
                        client_lib=database_options["oracle_client_lib"],
                        wallet_password=Secret.from_env("HARDENING_ORACLE_WALLET_PASSWORD"),
                        external_auth=database_options["external_auth"])


remote_options = ssh_option_list(
    "Prompt for the password: SSH's (or set HARDENING_SSH_PASSWORD); for a database bundle, the "
    "database's (or set HARDENING_ORACLE_PASSWORD).")
database_options = [
    click.option("--oracle-client-lib", type=click.Path(exists=True, file_okay=False), default=None,
                 help="Database bundles: Oracle Instant Client folder (thick mode: 11g, Native Network Encryption)."),
    click.option("--external-auth", is_flag=True, help="Database bundles: log in with wallet credentials (thick mode)."),
]


class _BaselineRef:
    """What Store.begin_scan needs to know of the baseline a remediation rescan belongs to."""

    def __init__(self, baseline_id: str):
        self.id, self.digest, self.chain = baseline_id, "", [baseline_id]


@click.command()
@click.argument("bundle_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_options(remote_options)
@with_options(database_options)
@click.option("--timeout", type=float, default=300.0, show_default=True, help="Seconds the script may run.")
@click.option("--allow-restart", is_flag=True, help="Let changes that need a restart restart what they need (never a database).")
@click.option("--user", "login_user", default=None,
              help="Log in as this user instead of the scanned one (use with --sudo; for a database, a DBA).")
@db_option
def apply(bundle_dir, timeout, allow_restart, login_user, db, oracle_client_lib, external_auth, **connection_options):
    """Apply an approved, unmodified bundle to its target, then rescan its rules and store the result.

    Refused when the bundle is unapproved, expired, modified in any byte, or the target drifted
    from the scanned state. Every step is recorded in the audit log. A database bundle runs its
    apply.sql over python-oracledb as --user, password from HARDENING_ORACLE_PASSWORD or --ask-pass.

    \b
    Examples:
      hardening apply remediation/s12-web01-1a2b3c4d --identity ~/.ssh/id_ed25519
      HARDENING_ORACLE_PASSWORD=... hardening apply remediation/s13-orclpdb1-5e6f7a8b --user dba_admin
    """
    _run("apply", bundle_dir, connection_options, timeout, allow_restart, db, login_user,
         {"oracle_client_lib": oracle_client_lib, "external_auth": external_auth})


@click.command()
@click.argument("bundle_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_options(remote_options)
@with_options(database_options)
@click.option("--timeout", type=float, default=300.0, show_default=True, help="Seconds the script may run.")
@click.option("--user", "login_user", default=None,
              help="Log in as this user instead of the scanned one (use with --sudo; for a database, a DBA).")
@db_option
def rollback(bundle_dir, timeout, login_user, db, oracle_client_lib, external_auth, **connection_options):
    """Restore what an applied bundle changed (byte-identical files and metadata; a database's prior
    profile limits, account states, grants and parameters as scanned), then rescan.

    \b
    Examples:
      hardening rollback remediation/s12-web01-1a2b3c4d --identity ~/.ssh/id_ed25519
      hardening rollback remediation/s12-web01-1a2b3c4d --user admin --sudo   # root login now disabled
      HARDENING_ORACLE_PASSWORD=... hardening rollback remediation/s13-orclpdb1-5e6f7a8b --user dba_admin
    """
    _run("rollback", bundle_dir, connection_options, timeout, False, db, login_user,
         {"oracle_client_lib": oracle_client_lib, "external_auth": external_auth})


@click.group("audit")
def audit_group():
    """Inspect and verify the hash-chained audit log of remediation steps.

    \b
    Example:
      hardening audit verify
    """


@audit_group.command("verify")
@db_option
def audit_verify(db):
    """Check that no entry of the audit log was removed, reordered or altered.

    \b
    Example:
      hardening audit verify
    """
    log = _state(db) / "audit.log"
    problems = audit.verify(log)
    for problem in problems:
        click.echo(problem)
    if problems:
        sys.exit(EXIT_REFUSED)
    click.echo(f"{log}: {len(audit.entries(log))} entries, chain intact")


@audit_group.command("list")
@db_option
def audit_list(db):
    """List the audit log entries.

    \b
    Example:
      hardening audit list
    """
    for entry in audit.entries(_state(db) / "audit.log"):
        click.echo(f"{entry['time']}  {entry['actor']:<12} {entry['action']:<9} {entry['result']:<8} "
                   f"{entry['target']:<16} {entry['bundle']}")
