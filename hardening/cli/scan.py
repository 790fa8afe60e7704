"""scan, collect-script and evaluate: the commands that produce findings."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import click

from hardening import paths
from hardening.baselines import load_baseline, parameters_for
from hardening.cli.common import (EXIT_FAIL, EXIT_INTERRUPTED, EXIT_OK, EXIT_TARGET, baselines_dir_option, db_option, format_option,
                                  lang_option, load_catalog, open_store, parse_vars, rules_dir_option)
from hardening.cli.connect import Connections, ssh_options, with_options
from hardening.cli.output import echo_scan, scan_json
from hardening.cli.progress import Progress
from hardening.collect import build_offline_script, make_plan, new_marker, read_bundle
from hardening.errors import HardeningError, InputError
from hardening.inventory.load import jump_targets, load_inventory, select_hosts, ssh_config
from hardening.scan import (Interrupted, TargetResult, evaluate_target, facts_record, needed_facts, parse_facts,
                            scan_many, summarize)
from hardening.targets import parse_target

DEFAULT_BASELINE = "mlps_l3_linux"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def _prepare(baseline_name: str, rules_dir, baselines_dir, var, only_rules):
    """Rules, baseline and parameters for a run; any bad input stops here with exit 2."""
    catalog = load_catalog(rules_dir)
    baseline = load_baseline(baseline_name, paths.baseline_roots(baselines_dir), catalog)
    selected = baseline.rules
    if only_rules:
        unknown = [r for r in only_rules if r not in catalog]
        if unknown:
            raise InputError(f"unknown rule(s): {', '.join(unknown)}")
        selected = list(dict.fromkeys(only_rules))  # a rule named twice is run (and stored) once
    params = parameters_for(baseline, catalog, parse_vars(var), also=selected)
    return [catalog[r] for r in selected], baseline, params


def _exit_code(results: list[TargetResult]) -> int:
    if any(r.status == "error" for r in results):
        return EXIT_TARGET
    if any(f.status.value in ("fail", "error") for r in results for f in r.findings):
        return EXIT_FAIL
    return EXIT_OK


def _store_and_report(store, scan_id, results, fmt, lang, verbose, output, quiet=False, interrupted=False) -> int:
    findings = [f for r in results for f in r.findings]
    summary = summarize(findings)
    summary["hosts"] = len(results)
    summary["hosts_failed"] = sum(1 for r in results if r.status == "error")
    summary["interrupted"] = interrupted
    code = EXIT_INTERRUPTED if interrupted else _exit_code(results)
    store.finish_scan(scan_id, _now(), code, summary)
    scan = store.scan(scan_id)
    if output:
        try:
            Path(output).write_text(scan_json(scan) + "\n", encoding="utf-8")
        except OSError as exc:
            raise HardeningError(f"cannot write {output}: {exc.strerror} (the scan is stored as {scan_id})") from None
    if fmt == "json":
        click.echo(scan_json(scan))
    elif not quiet:
        echo_scan(scan, lang, verbose)
    return code


def selection_options(default_baseline: str) -> list:
    """Which rules and values a run uses: --baseline, --rule, --var and extra rule/baseline folders."""
    return [
        click.option("--baseline", "-b", default=default_baseline, show_default=True,
                     help="Baseline name or YAML file."),
        click.option("--rule", "only_rules", multiple=True, help="Only these rule ids (repeatable)."),
        click.option("--var", multiple=True, metavar="NAME=VALUE", help="Override a baseline parameter (repeatable)."),
        rules_dir_option, baselines_dir_option,
    ]


common_scan_options = selection_options(DEFAULT_BASELINE)


@click.command()
@click.argument("targets", nargs=-1)
@with_options(common_scan_options)
@click.option("--inventory", "-I", type=click.Path(dir_okay=False, path_type=Path),
              help="Inventory: our YAML, or an Ansible INI/YAML inventory (group_vars/host_vars honoured).")
@click.option("--limit", "-l", default=None, help="Inventory hosts: groups, names or globs, comma separated; !x excludes.")
@click.option("--tags", multiple=True, help="Inventory hosts having any of these tags (repeatable or comma separated).")
@with_options(ssh_options)
@click.option("--timeout", type=float, default=300.0, show_default=True, help="Seconds the collector may run on a host.")
@click.option("--deadline", type=float, default=None, help="Seconds for the whole run; hosts not done by then are errors.")
@click.option("--forks", "-f", type=click.IntRange(1, 512), default=32, show_default=True, help="Hosts scanned at once.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Also write the JSON document to this file.")
@click.option("--no-store", is_flag=True, help="Do not record the scan in the history database.")
@click.option("--quiet", "-q", is_flag=True, help="No progress and no table, for cron (the exit status still tells).")
@click.option("--verbose", "-v", is_flag=True, help="Show passing and not-applicable findings too.")
@format_option
@lang_option
@db_option
def scan(targets, baseline, only_rules, var, rules_dir, baselines_dir, inventory, limit, tags, identity, ask_pass,
         sudo, ask_sudo_pass, jump, known_hosts, trust_on_first_use, connect_timeout, timeout, deadline, forks, output,
         no_store, quiet, verbose, fmt, lang, db):
    """Scan targets against a baseline, store the result and print a summary.

    With no TARGET and no --inventory, scans this machine (local). A TARGET is
    ssh://[user@]host[:port]. Hosts are scanned in parallel; one that fails never stops the others.
    Exit status: 0 all pass, 1 failures or undetermined findings, 2 bad input, 3 a host could not be
    scanned, 130 interrupted (what finished is stored).

    \b
    Examples:
      hardening scan
      hardening scan ssh://root@127.0.10.1 --identity ~/.ssh/id_ed25519 --format json
      hardening scan ssh://admin@db1 --sudo --ask-sudo-pass --baseline my_tailoring.yml
      hardening scan -I inventory.ini --limit web --forks 64 --quiet
    """
    hosts = _hosts(targets, inventory, limit, tags, jump, identity, sudo)
    connections = Connections(identity, ask_pass, sudo, ask_sudo_pass, jump, known_hosts, trust_on_first_use,
                              connect_timeout)
    store = open_store(Path(":memory:") if no_store else db)
    ends_at = time.monotonic() + deadline if deadline else None
    codes = []
    groups = _by_baseline(hosts, baseline)
    try:
        first = next(iter(groups.values()))[:forks]  # the hosts the pool starts with
        connections.connect_early([(h.target, h.identity, h.jumps, h.sudo) for h in first])
        for baseline_name, group in groups.items():
            rules, base, params = _prepare(baseline_name, rules_dir, baselines_dir, var, only_rules)
            jobs = [(h.name, h.target.uri, connections.factory(h.target, h.identity, h.jumps, h.sudo)) for h in group]
            source = "local" if all(h.target.kind == "local" for h in group) else "ssh"
            scan_id = store.begin_scan(_now(), base, params, source, rules)
            progress = Progress(len(jobs), quiet=quiet)
            try:
                results = scan_many(jobs, rules, params, base, dt.date.today(), timeout, forks,
                                    on_done=lambda r, sid=scan_id, p=progress: (store.add_target(sid, r), p.finish(r)),
                                    on_start=progress.start, deadline=ends_at)
            except Interrupted as stopped:
                progress.close()
                _store_and_report(store, scan_id, stopped.results, fmt, lang, verbose, output, quiet, interrupted=True)
                click.echo(f"hardening: interrupted: {len(stopped.results)} of {len(jobs)} host(s) finished and are "
                           f"stored in scan {scan_id}", err=True)
                sys.stdout.flush()
                os._exit(EXIT_INTERRUPTED)  # worker threads may still wait on the network
            progress.close()
            codes.append(_store_and_report(store, scan_id, results, fmt, lang, verbose, output, quiet))
    finally:
        connections.close()
    sys.exit(max(codes, key=lambda c: (c == EXIT_TARGET, c)))


@dataclass(frozen=True)
class _Host:
    name: str
    target: object
    identity: str | None = None
    jumps: tuple = ()
    sudo: bool = False
    baseline: str | None = None


def _hosts(targets, inventory, limit, tags, jump, identity, sudo) -> list[_Host]:
    """The hosts of this run: command-line targets, inventory entries, or this machine."""
    hosts: list[_Host] = []
    jumps = tuple(parse_target(hop) for hop in jump.split(",")) if jump else ()
    for text in targets:
        target = parse_target(text)
        hosts.append(_Host(target.name, target, identity, jumps if target.kind == "ssh" else (), sudo))
    if inventory is not None:
        config = ssh_config()
        entries = load_inventory(inventory, config)
        chosen = select_hosts(entries, limit, tags)
        if not chosen:
            raise InputError(f"no inventory host matches --limit {limit!r} --tags {','.join(tags)!r}", str(inventory))
        for entry in chosen:
            hosts.append(_Host(entry.name, entry.target(), entry.identity or identity,
                               jump_targets(entry, entries, config), entry.sudo or sudo, entry.baseline))
    elif limit or tags:
        raise InputError("--limit and --tags select inventory hosts: give --inventory")
    if not hosts:
        hosts.append(_Host("localhost", parse_target("local"), sudo=sudo))
    names = [h.name for h in hosts]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise InputError(f"target(s) given twice: {', '.join(duplicates)}")
    return hosts


def _by_baseline(hosts: list[_Host], default: str) -> dict[str, list[_Host]]:
    groups: dict[str, list[_Host]] = {}
    for host in hosts:
        groups.setdefault(host.baseline or default, []).append(host)
    return groups


@click.command("collect-script")
@with_options(common_scan_options)
@click.option("--oracle", is_flag=True, help="A SQL*Plus script for an Oracle database (baseline mlps_l3_oracle).")
def collect_script(baseline, only_rules, var, rules_dir, baselines_dir, oracle):
    """Print a POSIX sh collector to run by hand on a host you cannot reach (e.g. behind a bastion).

    The script only reads; it prints one JSON bundle for `hardening evaluate`.

    \b
    Example:
      hardening collect-script --baseline mlps_l3_linux > collect.sh
      # on the host, as root:  sh collect.sh > bundle.json
      hardening evaluate bundle.json
      hardening collect-script --oracle > collect.sql   # sqlplus -s user@db @collect.sql > bundle.txt
    """
    if oracle:
        from hardening.cli.oracle import DEFAULT_ORACLE_BASELINE, oracle_script_text

        chosen = DEFAULT_ORACLE_BASELINE if baseline == DEFAULT_BASELINE else baseline
        click.echo(oracle_script_text(chosen, only_rules, var, rules_dir, baselines_dir), nl=False)
        return
    rules, base, params = _prepare(baseline, rules_dir, baselines_dir, var, only_rules)
    plan = make_plan(needed_facts(rules, params))
    click.echo(build_offline_script(plan, new_marker(), base.id), nl=False)


@click.command()
@click.argument("bundle", type=click.Path(exists=True, dir_okay=False))
@click.option("--baseline", "-b", default=None, help="Baseline (default: the one the bundle was made for).")
@click.option("--rule", "only_rules", multiple=True, help="Only these rule ids (repeatable).")
@click.option("--var", multiple=True, metavar="NAME=VALUE", help="Override a baseline parameter (repeatable).")
@rules_dir_option
@baselines_dir_option
@click.option("--name", default=None, help="Host name to record (default: the host's own name from the bundle).")
@click.option("--no-store", is_flag=True, help="Do not record the result in the history database.")
@click.option("--verbose", "-v", is_flag=True, help="Show passing and not-applicable findings too.")
@format_option
@lang_option
@db_option
def evaluate(bundle, baseline, only_rules, var, rules_dir, baselines_dir, name, no_store, verbose, fmt, lang, db):
    """Evaluate a facts bundle made by a `collect-script` run, and store it like a scan.

    Takes the JSON bundle of the shell collector or the output of the SQL*Plus collector
    (`collect-script --oracle`); the kind is recognised from the content.

    \b
    Examples:
      hardening evaluate bundle.json --format json
      hardening evaluate bundle.txt                     # from sqlplus -s user@db @collect.sql
    """
    text = Path(bundle).read_text(encoding="utf-8", errors="replace")
    from hardening.oracle.sqlplus import decode_bundle, is_sqlplus_bundle

    if is_sqlplus_bundle(text):  # the output of `collect-script --oracle` run through SQL*Plus
        from hardening.cli.oracle import evaluate_and_store

        sys.exit(evaluate_and_store(decode_bundle(Path(bundle).read_bytes()), bundle, baseline, only_rules, var,
                                    rules_dir, baselines_dir, name, no_store, verbose, fmt, lang, db))
    plan, raws, _marker, bundle_baseline = read_bundle(text, bundle)
    rules, base, params = _prepare(baseline or bundle_baseline or DEFAULT_BASELINE, rules_dir, baselines_dir,
                                   var, only_rules)
    results, _ctx, platform = parse_facts(plan, raws)
    host = name or platform.get("hostname") or Path(bundle).stem
    result = TargetResult(name=host, uri=f"bundle:{Path(bundle).name}", platform=platform,
                          findings=evaluate_target(rules, results, platform, params, base, host, dt.date.today()),
                          facts=facts_record(plan, results))
    store = open_store(Path(":memory:") if no_store else db)
    scan_id = store.begin_scan(_now(), base, params, "bundle", rules)
    store.add_target(scan_id, result)
    sys.exit(_store_and_report(store, scan_id, [result], fmt, lang, verbose, None))
