"""Oracle remediation: apply.sql and rollback.sql from remediations/oracle_*/ templates.

What to change and the value to roll back to come from the facts stored with the scan, never
from a new query: a bundle reviewed and approved is exactly what runs, and its rollback restores
what the scan saw. Every name or value that came from the database reaches the SQL only through
the quoting filters below, so a hostile profile or user name cannot end its statement.
"""

from __future__ import annotations

import re

import jinja2

from hardening.errors import InputError
from hardening.evaluate import FactResult, FactView, evaluate_probe, resolve, select
from hardening.model import Rule, Status
from hardening.remediate.quoting import Quoted, control_characters, printable
from hardening.remediate.templates import Template, environment

_KEYWORD = re.compile(r"[A-Z][A-Z0-9_$#]*( [A-Z][A-Z0-9_$#]*)*")
_LIMIT = re.compile(r"UNLIMITED|DEFAULT|\d+(\.\d+)?|\.\d+")
_BARE_VALUE = re.compile(r"[A-Z0-9_.]+(,[A-Z0-9_.]+)*")


class Unplannable(Exception):
    """The stored scan lacks what a change needs (the rule is then left for manual work)."""


def is_oracle(target: dict) -> bool:
    """A database scanned by `hardening oracle scan` (oracle:// URI) or from a SQL*Plus bundle."""
    return target["uri"].startswith("oracle://") or (target.get("platform") or {}).get("family") == "oracle"


def _checked(value, what: str) -> str:
    text = str(value)
    if not text or control_characters(text):
        raise InputError(f"refusing {what} {printable(text)!r} from the database: empty or with control characters")
    return text


def ident(value) -> Quoted:
    """A quoted identifier: double quotes, embedded ones doubled, control characters refused."""
    return Quoted('"' + _checked(value, "identifier").replace('"', '""') + '"')


def literal(value) -> Quoted:
    """A string literal: single quotes, embedded ones doubled, control characters refused."""
    return Quoted("'" + _checked(value, "value").replace("'", "''") + "'")


def grantee(value) -> Quoted:
    return Quoted("PUBLIC") if value == "PUBLIC" else ident(value)


def keyword(value) -> Quoted:
    """A privilege, resource or parameter name: bare words only, never quoted text."""
    text = _checked(value, "keyword").upper()
    if not _KEYWORD.fullmatch(text):
        raise InputError(f"refusing {text!r}: not an Oracle keyword")
    return Quoted(text)


def limit(value) -> Quoted:
    """A profile limit: a number, UNLIMITED or DEFAULT."""
    text = _checked(value, "profile limit").upper()
    if not _LIMIT.fullmatch(text):
        raise InputError(f"refusing profile limit {text!r}: not a number, UNLIMITED or DEFAULT")
    return Quoted(text)


def param_value(value) -> Quoted:
    """Keywords and numbers (TRUE, 2000, DB,EXTENDED) bare; anything else as a literal."""
    text = re.sub(r"\s*,\s*", ",", _checked(value, "parameter value").strip())
    return Quoted(text.upper()) if _BARE_VALUE.fullmatch(text.upper()) else literal(text)


def _view(facts: dict) -> FactView:
    return FactView({key: FactResult(f.get("value"), f.get("sources") or {}, f.get("error"))
                     for key, f in facts.items()}, {"oracle"})


def offending(rule: Rule, facts: dict, params: dict) -> list[dict]:
    """The stored items that make the rule's ``where`` probes fail (the accounts, grants ... to change)."""
    view, items = _view(facts), []
    for probe in rule.check.probes:
        if probe.where is None:
            continue
        outcome = evaluate_probe(probe, view, params)
        if outcome.status != Status.FAIL:
            continue
        names = set(outcome.observed)
        listed = select(view.get(probe.fact, resolve(probe.args, params)).value, probe.key)
        items += [item for item in listed if item.get("name") in names]
    if not items:
        raise Unplannable("the stored scan names nothing this template changes (what fails is for another rule)")
    return items


def _profile_changes(rule, variables, facts, params) -> dict:
    changes = {}
    for item in offending(rule, facts, params):
        prior = "DEFAULT" if item.get("inherited") else item.get("limit")
        if prior is None:
            raise Unplannable(f"the scan did not record the limit of profile {item.get('profile')!r}")
        changes.setdefault(item["profile"], {"profile": item["profile"], "prior": prior})
    return {"changes": sorted(changes.values(), key=lambda c: (c["profile"] != "DEFAULT", c["profile"]))}


def _parameter_change(rule, variables, facts, params) -> dict:
    name = variables["name"].lower()
    stored = next((f for f in facts.values() if f.get("fact") == "oracle.Parameters" and not f.get("error")), None)
    if stored is None or stored["value"].get(name) is None:
        raise Unplannable(f"the scan did not record parameter {name}")
    prior = stored["value"][name]
    new = variables["value"]
    if variables["range"]:
        if not prior.isdigit():
            raise Unplannable(f"parameter {name} is {prior!r}, not a number")
        low, high = variables["range"]
        new = min(max(int(prior), low), high)  # the nearest compliant value
    # the Parameters fact keeps V$PARAMETER.ISDEFAULT in its evidence line: "... = FALSE (default)"
    return {"prior": prior, "new": new,
            "was_default": (stored.get("sources") or {}).get(name, "").endswith(" (default)")}


def _lock_accounts(rule, variables, facts, params) -> dict:
    return {"accounts": [{"name": item["name"], "was_unlocked": "LOCKED" not in (item.get("status") or "")}
                         for item in offending(rule, facts, params)]}


def _revoke_grants(rule, variables, facts, params) -> dict:
    return {"grants": offending(rule, facts, params)}


PLANNERS = {"oracle_profile_limit": _profile_changes, "oracle_parameter": _parameter_change,
            "oracle_static_parameter": _parameter_change, "oracle_account_lock": _lock_accounts,
            "oracle_revoke": _revoke_grants}


def plan(rule: Rule, template: Template, variables: dict, facts: dict, params: dict) -> dict:
    """The template's context: its variables plus the changes and prior values from the stored facts."""
    planner = PLANNERS.get(template.name)
    if planner is None:
        raise Unplannable(f"template {template.name} is not an Oracle SQL template")
    context = {**variables, **planner(rule, variables, facts, params)}
    try:
        rule_statements(template, context)  # a value no filter accepts leaves the rule to a person
    except InputError as exc:
        raise Unplannable(exc.message) from None
    return context


def render(template: Template, context: dict, script: str) -> str:
    env = environment(template.folder.parent, "sql")
    env.filters.update(ident=ident, literal=literal, grantee=grantee, keyword=keyword, limit=limit,
                       param_value=param_value)
    try:
        return env.get_template(f"{template.name}/{script}.sql.j2").render(**context)
    except jinja2.TemplateError as exc:
        raise InputError(f"template {template.name}: {exc}") from None


def _database(target: dict) -> tuple[str, str | None]:
    """(DB_NAME, CON_NAME or None before 12c) the scan saw; the scripts refuse any other database."""
    platform = target.get("platform") or {}
    if not platform.get("db_name"):
        raise InputError(f"the scan of {target['name']} did not record the database name; rescan it")
    con = platform.get("con_name") if (platform.get("major") or 0) >= 12 else None
    return platform["db_name"], con


def _where(target: dict) -> str:
    db_name, con_name = _database(target)
    return f"database {db_name}" + (f", container {con_name}" if con_name else "")


def guard(target: dict) -> str:
    return f"refuses to run on any database but {_where(target)} (checked in the session)"


def rule_statements(template: Template, context: dict) -> dict[str, list[str]]:
    """One rule's statements, for the manifest and the review (the scripts hold the same lines)."""
    return {script: [line for line in render(template, context, script).splitlines() if line.strip()]
            for script in ("apply", "rollback")}


def _header(bundle_id: str, target: dict, kind: str) -> str:
    db_name, con_name = _database(target)
    where = _where(target)
    test = f"UPPER(SYS_CONTEXT('USERENV', 'DB_NAME')) <> UPPER({literal(db_name)})"
    if con_name:
        test += f" OR SYS_CONTEXT('USERENV', 'CON_NAME') <> {literal(con_name)}"
    refusal = literal(f"REFUSED: this bundle is for {where}")
    return (f"-- hardening {kind} bundle {bundle_id} for {printable(where)}\n"
            "-- SQL has no dry run: `hardening review` shows every statement before approval.\n"
            "-- Run by `hardening apply`/`rollback`, or: sqlplus USER@DB @<this file>. DDL needs no COMMIT.\n"
            "SET DEFINE OFF\nSET ECHO ON\nWHENEVER SQLERROR EXIT FAILURE\nWHENEVER OSERROR EXIT FAILURE\n"
            f"BEGIN IF {test} THEN RAISE_APPLICATION_ERROR(-20001, {refusal}); END IF; END;\n/\n")


def scripts(bundle_id: str, target: dict, planned: list[tuple[Rule, Template, dict]]) -> dict[str, str]:
    """apply.sql (rules in order) and rollback.sql (rules in reverse order), each guarded by the database name."""
    texts = {}
    for script, order in (("apply", planned), ("rollback", list(reversed(planned)))):
        blocks = []
        for rule, template, context in order:
            note = ("-- takes effect at the next instance restart (SCOPE=SPFILE); hardening never restarts a database\n"
                    if template.restart != "none" and script == "apply" else "")
            blocks.append(f"-- rule {rule.id}\n{note}" + render(template, context, script).strip("\n") + "\n")
        texts[f"{script}.sql"] = _header(bundle_id, target, "remediation" if script == "apply" else "rollback") + \
            "".join(blocks) + "EXIT\n"
    return texts


_SQLPLUS_ONLY = re.compile(r"(SET|WHENEVER|EXIT|PROMPT)\b|/$|--", re.I)


def statements(text: str) -> list[str]:
    """The statements of a generated script as python-oracledb runs them: one per line, SQL*Plus lines skipped."""
    result = []
    for line in text.splitlines():
        line = line.strip()
        if not line or _SQLPLUS_ONLY.match(line):
            continue
        result.append(line if line.upper().startswith("BEGIN") else line.rstrip(";"))
    return result
