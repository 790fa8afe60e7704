"""Render stored scans for people (tables) and programs (JSON)."""

from __future__ import annotations

import json

import click

from hardening.cli.common import status_label

SCAN_SCHEMA = "hardening-scan/1"
SHOWN_BY_DEFAULT = {"fail", "error", "manual", "waived"}


def scan_json(scan: dict) -> str:
    return json.dumps({"schema": SCAN_SCHEMA, **scan}, ensure_ascii=False, indent=2, sort_keys=False, default=str)


def _short(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 120 else text[:117] + "…"


def echo_scan(scan: dict, lang: str, verbose: bool) -> None:
    for target in scan["targets"]:
        click.echo(click.style(f"== {target['name']} ({target['uri']})", bold=True) if target else "")
        if target["status"] == "error":
            click.echo(f"   {status_label('error')} host could not be scanned: {target['error']}")
            continue
        platform = target["platform"]
        click.echo(f"   {platform.get('pretty_name') or platform.get('id', '?')}, "
                   f"kernel {platform.get('kernel', '?')}, family {platform.get('family', '?')}")
        for finding in target["findings"]:
            if not verbose and finding["status"] not in SHOWN_BY_DEFAULT:
                continue
            click.echo(f"   {status_label(finding['status'])} {finding['severity']:<8} {finding['rule_id']}"
                       f"  {finding['title'][lang]}")
            if finding["status"] in ("pass", "notapplicable") and not finding.get("reason"):
                continue
            if finding.get("expected"):
                click.echo(f"{'':17}expected: {_short(finding['expected'])}")
            if finding["status"] in ("fail", "waived") and finding.get("observed") is not None:
                click.echo(f"{'':17}observed: {_short(finding['observed'])}")
            if finding.get("reason"):
                click.echo(f"{'':17}reason:   {_short(finding['reason'])}")
            if finding.get("waiver"):
                waiver = finding["waiver"]
                state = "active" if waiver.get("active") else "EXPIRED"
                click.echo(f"{'':17}waiver:   {state} until {waiver['expires']}, approved by {waiver['approver']}:"
                           f" {_short(waiver['justification'])}")
            for line in finding.get("evidence", [])[:5]:
                click.echo(f"{'':17}| {_short(line)}")
    summary = scan.get("summary") or {}
    rate = summary.get("compliance_rate")
    click.echo(
        f"scan {scan['scan_id']} ({scan['baseline']}): " +
        ", ".join(f"{summary.get(k, 0)} {k}" for k in ("pass", "fail", "error", "manual", "waived", "notapplicable")) +
        (f"; compliance {rate * 100:.1f}%" if rate is not None else "") +
        (f"; {summary.get('hosts_failed', 0)} host(s) could not be scanned" if summary.get("hosts_failed") else ""))
