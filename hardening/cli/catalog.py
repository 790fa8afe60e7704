"""rules and baselines: browse and check the shipped and local rule data."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from hardening import paths
from hardening.baselines import load_baseline, parameters_for
from hardening.cli.common import (EXIT_USAGE, baselines_dir_option, format_option, lang_option, load_catalog,
                                  rules_dir_option)
from hardening.errors import InputError
from hardening.evaluate import resolve, run_inline_tests
from hardening.operators import describe
from hardening.rules import Problems, load_rules
from hardening.yamlio import line_of


@click.group()
def rules():
    """List, show and lint rules.

    \b
    Examples:
      hardening rules list --lang zh
      hardening rules show sshd_idle_timeout
      hardening rules lint my_rules/
    """


@rules.command("list")
@click.option("--baseline", "-b", default=None, help="Only the rules a baseline selects.")
@click.option("--tag", default=None, help="Only rules with this tag.")
@rules_dir_option
@baselines_dir_option
@format_option
@lang_option
def rules_list(baseline, tag, rules_dir, baselines_dir, fmt, lang):
    """List rules with severity, MLPS clauses and title.

    \b
    Example:
      hardening rules list --baseline mlps_l3_linux --lang zh
    """
    catalog = load_catalog(rules_dir)
    ids = sorted(catalog)
    if baseline:
        ids = load_baseline(baseline, paths.baseline_roots(baselines_dir), catalog).rules
    selected = [catalog[i] for i in ids if not tag or tag in catalog[i].tags]
    if fmt == "json":
        click.echo(json.dumps([{"id": r.id, "severity": r.severity, "clauses": r.mlps_clauses(), "platform": list(r.platform),
                                "title": r.title.as_dict(), "path": r.path, "tags": list(r.tags)} for r in selected],
                              ensure_ascii=False, indent=2))
        return
    for rule in selected:
        click.echo(f"{rule.id:<48} {rule.severity:<8} {','.join(rule.mlps_clauses()):<14} {rule.title.get(lang)}")
    click.echo(f"{len(selected)} rule(s)")


@rules.command("show")
@click.argument("rule_id")
@rules_dir_option
@format_option
def rules_show(rule_id, rules_dir, fmt):
    """Show one rule in full: titles, rationale, references, parameters, check, tests.

    \b
    Example:
      hardening rules show sshd_permit_root_login_disabled
    """
    catalog = load_catalog(rules_dir)
    if rule_id not in catalog:
        raise InputError(f"unknown rule {rule_id!r}")
    rule = catalog[rule_id]
    if fmt == "json":
        click.echo(json.dumps(_rule_dict(rule), ensure_ascii=False, indent=2, default=str))
        return
    click.echo(f"{rule.id}  [{rule.severity}]  {rule.path}")
    click.echo(f"  zh: {rule.title.zh}\n  en: {rule.title.en}")
    click.echo(f"  platform: {', '.join(rule.platform)}   tags: {', '.join(rule.tags) or '-'}")
    for ref in rule.references.get("mlps", []):
        click.echo(f"  MLPS GB/T 22239-2019 {ref['clause']}" + (f" ({ref['unit']})" if ref.get("unit") else ""))
    click.echo(f"  rationale (zh): {rule.rationale.zh}\n  rationale (en): {rule.rationale.en}")
    for name, param in rule.parameters.items():
        unit = f" {param.unit}" if param.unit else ""
        click.echo(f"  parameter ${name}: {param.type} = {param.default}{unit}")
    if rule.applicable:
        click.echo(f"  applicable when {rule.applicable.condition} of:")
        for probe in rule.applicable.probes:
            click.echo(f"    - {_probe_text(probe)}")
    if rule.check.manual:
        click.echo(f"  manual check: {rule.check.manual.en}")
    click.echo(f"  check ({rule.check.condition} of):")
    for probe in rule.check.probes:
        click.echo(f"    - {_probe_text(probe)}")
    if rule.fix:
        click.echo(f"  fix (zh): {rule.fix.zh}\n  fix (en): {rule.fix.en}")
    click.echo(f"  remediation: {rule.remediation['template'] if rule.remediation else 'none'}")
    click.echo(f"  inline tests: {', '.join(t.get('name', '?') + '→' + t.get('expect', '?') for t in rule.tests)}")


def _probe_text(probe) -> str:
    args = f"({json.dumps(probe.args, ensure_ascii=False)})" if probe.args else ""
    key = probe.key if isinstance(probe.key, str) or probe.key is None else ".".join(map(str, probe.key))
    where = f" where {json.dumps(probe.where, ensure_ascii=False)}" if probe.where else ""
    return f"{probe.fact}{args} {key or ''}{where} {describe(probe.operator, probe.operand)}".replace("  ", " ")


def _rule_dict(rule) -> dict:
    return {"id": rule.id, "path": rule.path, "title": rule.title.as_dict(), "rationale": rule.rationale.as_dict(),
            "severity": rule.severity, "references": rule.references, "platform": list(rule.platform),
            "tags": list(rule.tags), "parameters": {n: {"type": p.type, "default": p.default, "unit": p.unit}
                                                    for n, p in rule.parameters.items()},
            "check": {"condition": rule.check.condition, "probes": [_probe_text(p) for p in rule.check.probes]},
            "remediation": rule.remediation, "digest": rule.digest}


@rules.command("lint")
@click.argument("targets", nargs=-1, type=click.Path(exists=True))
def rules_lint(targets):
    """Check rule files: schema, ids, titles, references, parameters, facts, operators, inline tests.

    Prints every problem as path:line: message and exits 2 if there is any.

    \b
    Examples:
      hardening rules lint
      hardening rules lint rules/linux/ssh/ my_rules/
    """
    roots = [Path(t) for t in targets] or paths.rule_roots()
    problems = Problems()
    catalog = load_rules(roots, problems)
    from hardening.remediate.templates import load_templates  # jinja2 only for lint, not every command

    templates = load_templates()
    for rule in catalog.values():
        defaults = {n: p.default for n, p in rule.parameters.items()}
        expects = {t.get("expect") for t in rule.tests}
        where = str(next((r / rule.path for r in roots if (r / rule.path).is_file()), Path(rule.path)))
        if not rule.check.manual and not {"pass", "fail"} <= expects:
            line = line_of(rule.tests[0], "name") if rule.tests else 1
            problems.add(where, line, "needs at least one inline test expecting pass and one expecting fail")
        for test, failure in run_inline_tests(rule, defaults):
            problems.add(where, line_of(test, "expect"), failure)
        if rule.remediation:
            _lint_remediation(rule, defaults, templates, where, problems)
    for line in problems.lines():
        click.echo(line)
    if problems:
        click.echo(f"{len(problems.items)} problem(s)", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"{len(catalog)} rule(s) OK")


def _lint_remediation(rule, defaults: dict, templates: dict, where: str, problems: Problems) -> None:
    """The remediation names a template that exists, with exactly the variables it declares."""
    name = rule.remediation.get("template")
    if name not in templates:
        problems.add(where, 0, f"remediation names unknown template {name!r} (known: {', '.join(sorted(templates))})")
        return
    try:
        templates[name].check_vars(resolve(dict(rule.remediation.get("vars") or {}), defaults), f"rule {rule.id}")
    except InputError as exc:
        problems.add(where, 0, exc.message)


@click.group()
def baselines():
    """List and show baselines.

    \b
    Examples:
      hardening baselines list
      hardening baselines show mlps_l3_linux --format json
    """


@baselines.command("list")
@rules_dir_option
@baselines_dir_option
@lang_option
def baselines_list(rules_dir, baselines_dir, lang):
    """List the baselines that can be used with --baseline.

    \b
    Example:
      hardening baselines list
    """
    catalog = load_catalog(rules_dir)
    seen = set()
    for root in paths.baseline_roots(baselines_dir):
        for path in sorted(root.glob("*.yml")):
            if path.stem in seen:
                continue
            seen.add(path.stem)
            base = load_baseline(str(path), paths.baseline_roots(baselines_dir), catalog)
            click.echo(f"{base.id:<28} {len(base.rules):>4} rules  {base.title.get(lang, '')}")


@baselines.command("show")
@click.argument("name")
@rules_dir_option
@baselines_dir_option
@format_option
@lang_option
def baselines_show(name, rules_dir, baselines_dir, fmt, lang):
    """Show a baseline: what it extends, its rules, parameter values and waivers.

    \b
    Example:
      hardening baselines show mlps_l3_linux
    """
    catalog = load_catalog(rules_dir)
    base = load_baseline(name, paths.baseline_roots(baselines_dir), catalog)
    params = parameters_for(base, catalog)
    today = dt.date.today()
    if fmt == "json":
        click.echo(json.dumps({"id": base.id, "path": base.path, "title": base.title, "extends": base.chain[1:],
                               "rules": base.rules, "parameters": params,
                               "waivers": [dict(w.as_dict(), active=w.expires >= today) for w in base.waivers]},
                              ensure_ascii=False, indent=2, default=str))
        return
    click.echo(f"{base.id}: {base.title.get(lang, '')}  ({base.path})")
    if len(base.chain) > 1:
        click.echo(f"  extends: {' → '.join(base.chain[1:])}")
    click.echo(f"  rules ({len(base.rules)}):")
    for rule_id in base.rules:
        click.echo(f"    {rule_id:<48} {catalog[rule_id].title.get(lang)}")
    click.echo("  parameters:")
    for pname, value in sorted(params.items()):
        click.echo(f"    {pname} = {value}")
    if base.waivers:
        click.echo("  waivers:")
        for w in base.waivers:
            state = "active" if w.expires >= today else "EXPIRED"
            hosts = f" on {', '.join(w.hosts)}" if w.hosts else ""
            click.echo(f"    {w.rule}{hosts}: {state} until {w.expires} (approved by {w.approver}) — {w.justification}")
