"""history, show and diff: read the scan history."""

from __future__ import annotations

import json

import click

from hardening.cli.common import db_option, format_option, lang_option, open_store
from hardening.cli.output import echo_scan, scan_json
from hardening.diff import diff_scans


@click.command()
@click.option("--limit", "-n", type=click.IntRange(1), default=20, show_default=True, help="How many scans.")
@format_option
@db_option
def history(limit, fmt, db):
    """List past scans, newest first.

    \b
    Example:
      hardening history -n 5
    """
    scans = open_store(db).scans(limit)
    if fmt == "json":
        click.echo(json.dumps(scans, ensure_ascii=False, indent=2))
        return
    if not scans:
        click.echo("no scans yet: run `hardening scan`")
        return
    click.echo(f"{'id':>5}  {'started (UTC)':<25} {'baseline':<22} {'hosts':>5} {'pass':>5} {'fail':>5} {'error':>5}  exit")
    for s in scans:
        summary = s.get("summary") or {}
        hosts = f"{s['target_count'] - s['target_errors']}/{s['target_count']}"
        click.echo(f"{s['scan_id']:>5}  {s['started_at']:<25} {s['baseline']:<22} {hosts:>5} {summary.get('pass', 0):>5} "
                   f"{summary.get('fail', 0):>5} {summary.get('error', 0):>5}  "
                   f"{s['exit_code'] if s['exit_code'] is not None else 'unfinished'}")


@click.command()
@click.argument("scan_ref", default="latest")
@click.option("--verbose", "-v", is_flag=True, help="Show passing and not-applicable findings too.")
@format_option
@lang_option
@db_option
def show(scan_ref, verbose, fmt, lang, db):
    """Show one stored scan (an id, `latest` or `previous`).

    \b
    Example:
      hardening show latest --format json
    """
    store = open_store(db)
    scan = store.scan(store.resolve_scan_id(scan_ref))
    if fmt == "json":
        click.echo(scan_json(scan))
    else:
        echo_scan(scan, lang, verbose)


@click.command()
@click.argument("scan_a")
@click.argument("scan_b", default="latest")
@click.option("--all", "show_all", is_flag=True, help="Also list unchanged findings.")
@format_option
@lang_option
@db_option
def diff(scan_a, scan_b, show_all, fmt, lang, db):
    """Compare two scans per host and rule: newly failing, fixed, still failing, unchanged.

    \b
    Examples:
      hardening diff previous latest
      hardening diff 12 15 --format json
    """
    store = open_store(db)
    a_id, b_id = store.resolve_scan_id(scan_a), store.resolve_scan_id(scan_b)
    rows = diff_scans(store.scan(a_id), store.scan(b_id))
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["category"]] = counts.get(row["category"], 0) + 1
    if fmt == "json":
        click.echo(json.dumps({"schema": "hardening-diff/1", "scan_a": a_id, "scan_b": b_id, "counts": counts,
                               "rows": rows}, ensure_ascii=False, indent=2))
        return
    order = ["newly_failing", "fixed", "still_failing", "changed", "new_rule", "removed", "unchanged"]
    for category in order:
        for row in rows:
            if row["category"] != category or (category == "unchanged" and not show_all):
                continue
            click.echo(f"{category:<14} {row['host']:<20} {row['rule_id']:<44} {row['before'] or '-':>13} → "
                       f"{row['after'] or '-':<13} {row['title'][lang]}")
    click.echo(f"scan {a_id} → {b_id}: " + ", ".join(f"{counts.get(c, 0)} {c.replace('_', ' ')}" for c in order))
