"""From rules to findings for one database: plan -> queries (one session) -> Raw per fact -> findings.

The same functions serve a live session, the offline SQL*Plus bundle and recorded catalog
snapshots in the tests, so all three give the same findings for the same catalog.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Callable

from hardening.baselines import Baseline, apply_waivers
from hardening.collect import PlannedFact
from hardening.errors import FactError, TargetError
from hardening.evaluate import FactResult, FactView, evaluate_rule, resolve
from hardening.facts import Raw, get_fact, instance_key
from hardening.facts.oracle import QUERIES
from hardening.model import Rule
from hardening.oracle.rowtext import row_sql, split_row
from hardening.scan import TargetResult, facts_record, parse_facts

PLATFORM = "oracle"


def is_sql_fact(name: str) -> bool:
    try:
        return bool(getattr(get_fact(name), "sql", False))
    except FactError:
        return False


def rule_facts(rule: Rule) -> list[str]:
    checks = [rule.check] + ([rule.applicable] if rule.applicable else [])
    return [p.fact for c in checks for p in c.probes]


def is_database_rule(rule: Rule) -> bool:
    """A rule judged over the database session (all its facts are SQL facts)."""
    facts = rule_facts(rule)
    return bool(facts) and all(is_sql_fact(f) for f in facts)


def split_rules(rules: list[Rule]) -> tuple[list[Rule], list[Rule]]:
    """(rules for the database session, rules for the database's host over SSH)."""
    db = [r for r in rules if is_database_rule(r)]
    host = [r for r in rules if not is_database_rule(r)]
    return db, host


def oracle_plan(rules: list[Rule], params: dict) -> list[PlannedFact]:
    """The deduplicated SQL facts the rules need; ``oracle.Instance`` always first."""
    seen: dict[str, PlannedFact] = {}
    needed = [("oracle.Instance", {})]
    for rule in rules:
        checks = [rule.check] + ([rule.applicable] if rule.applicable else [])
        for check in checks:
            for probe in check.probes:
                if is_sql_fact(probe.fact):
                    needed.append((probe.fact, resolve(probe.args, params)))
    for fact, args in needed:
        key = instance_key(fact, args)
        if key not in seen:
            seen[key] = PlannedFact(len(seen), fact, dict(args))
    return list(seen.values())


def needed_queries(plan: list[PlannedFact]) -> list[str]:
    names: list[str] = []
    for planned in plan:
        for name in get_fact(planned.fact).queries:
            if name not in names:
                names.append(name)
    return names


def major_of(version: str | None) -> int | None:
    if not version:
        return None
    digits = ""
    for ch in str(version).strip():
        if not ch.isdigit():
            break
        digits += ch
    return int(digits) if digits else None


def raws_for(plan: list[PlannedFact], results: dict[str, dict], major: int | None) -> dict[str, Raw]:
    """One Raw per planned fact: the JSON of the query results it needs."""
    raws = {}
    for planned in plan:
        fact = get_fact(planned.fact)
        doc = {"major": major, "queries": {n: results[n] for n in fact.queries if n in results}}
        raws[planned.key] = Raw(stdout=json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return raws


BATCH_TAG = "WITH /* hardening batch:"  # the first keyword stays WITH: drivers see a query


def batch_sql(wanted: list[tuple[str, int, str]]) -> str:
    """ONE statement for all queries: each row comes back as (query name, escaped row text)."""
    withs, selects = [], []
    for i, (name, _release, sql) in enumerate(wanted):
        count = len(QUERIES[name].columns)
        withs.append(f"q{i} ({', '.join(f'c{j}' for j in range(count))}) AS ({sql})")
        selects.append(f"SELECT '{name}', {row_sql(count)} FROM q{i}")
    tag = f"{BATCH_TAG} {' '.join(f'{n}@{r}' for n, r, _ in wanted)} */"
    return f"{tag} {', '.join(withs)} {' UNION ALL '.join(selects)}"


def _split_batch(got: dict, wanted: list[tuple[str, int, str]]) -> dict[str, dict] | None:
    """Per-query results from a batch result, or None when it is not what was asked for."""
    results = {name: {"columns": list(QUERIES[name].columns), "rows": []} for name, _r, _s in wanted}
    for row in got.get("rows") or []:
        if len(row) != 2 or not isinstance(row[0], str) or row[0].strip() not in results or not isinstance(row[1], str):
            return None
        name = row[0].strip()
        values = split_row(row[1])
        if len(values) != len(QUERIES[name].columns):
            return None
        results[name]["rows"].append(values)
    return results


def run_queries(run: Callable[[str], dict], plan: list[PlannedFact], batch: bool = True) -> tuple[dict[str, dict], int | None]:
    """Run the plan's queries through ``run(sql) -> result``: the release first, then all queries.

    All queries go in ONE statement (one execute; the rows follow in as few fetches as their
    number needs). When that statement fails - a view the account cannot read, a release
    difference - each query runs on its own, so a missing grant costs only the rules that need it.
    """
    results: dict[str, dict] = {}
    version = run(QUERIES["version"].variants[11])
    if version.get("error"):
        raise TargetError(f"cannot read the release from V$INSTANCE ({version['error']}): "
                          "GRANT SELECT_CATALOG_ROLE TO the audit account")
    rows = version.get("rows") or []
    major = major_of(rows[0][0] if rows and rows[0] else None)
    if major is None:
        raise TargetError("V$INSTANCE returned no release")
    wanted = []
    for name in needed_queries(plan):
        chosen = QUERIES[name].for_release(major)
        if chosen is None:
            results[name] = {"error": f"{QUERIES[name].views} does not exist before release "
                                      f"{min(QUERIES[name].variants)} (this is {major})"}
        else:
            wanted.append((name, chosen[0], chosen[1]))
    if batch and len(wanted) > 1:
        got = run(batch_sql(wanted))
        split = None if got.get("error") else _split_batch(got, wanted)
        if split is not None:
            results.update(split)
            return results, major
    for name, _release, sql in wanted:
        results[name] = run(sql)
    return results, major


def platform_of(results: dict[str, FactResult], plan: list[PlannedFact]) -> dict:
    inst = next((results[p.key] for p in plan if p.fact == "oracle.Instance"), None)
    if inst is None or inst.error:
        return {"id": PLATFORM, "family": PLATFORM, "pretty_name": "Oracle Database (release unknown)",
                "kernel": "n/a", "error": inst.error if inst else "not collected"}
    v = inst.value
    where = {"pdb": f"PDB {v.get('con_name')} of CDB {v.get('db_name')}",
             "root": f"CDB root of {v.get('db_name')} (its PDBs are not scanned)",
             "non-cdb": f"non-CDB {v.get('db_name')}"}.get(v.get("container"), "")
    return {"id": PLATFORM, "family": PLATFORM, "version": v.get("version"), "major": v.get("major"),
            "pretty_name": f"Oracle Database {v.get('version')}, {where}, {v.get('database_role')} "
                           f"{v.get('open_mode')}",
            "kernel": "n/a", "hostname": v.get("host_name"), "container": v.get("container"),
            "con_name": v.get("con_name"), "db_name": v.get("db_name"), "database_role": v.get("database_role"),
            "open_mode": v.get("open_mode")}


def evaluate_results(name: str, uri: str, rules: list[Rule], params: dict, baseline: Baseline,
                     plan: list[PlannedFact], results: dict[str, dict], major: int | None,
                     today: dt.date) -> TargetResult:
    """Query results -> parsed facts -> findings, as a TargetResult the Store accepts."""
    started = time.perf_counter()
    raws = raws_for(plan, results, major)
    parsed, _ctx, _platform = parse_facts(plan, raws)
    platform = platform_of(parsed, plan)
    view = FactView(parsed, {PLATFORM})  # engine platforms: the database is "oracle", never "linux"
    findings = [evaluate_rule(rule, view, params) for rule in rules]
    apply_waivers(findings, baseline.waivers, name, today)
    result = TargetResult(name=name, uri=uri, platform=platform, findings=findings, facts=facts_record(plan, parsed))
    result.timings["evaluate_s"] = round(time.perf_counter() - started, 4)
    return result


def scan_database(target, password, rules: list[Rule], params: dict, baseline: Baseline, today: dt.date, *,
                  connect_timeout: float = 10.0, call_timeout: float = 60.0, client_lib: str | None = None,
                  wallet_password=None, external_auth: bool = False, connector=None) -> TargetResult:
    """Scan one database in one session. A connection failure is a TargetResult with status error."""
    from hardening.oracle.session import connect

    plan = oracle_plan(rules, params)
    started = time.perf_counter()
    session = None
    try:
        session = (connector or connect)(target, password, connect_timeout=connect_timeout, call_timeout=call_timeout,
                                         client_lib=client_lib, wallet_password=wallet_password,
                                         external_auth=external_auth)
        results, major = run_queries(session.run, plan)
    except TargetError as exc:
        result = TargetResult(name=target.name, uri=target.uri, status="error", error=str(exc),
                              platform={"id": PLATFORM, "family": PLATFORM})
        result.timings["collect_s"] = round(time.perf_counter() - started, 4)
        return result
    finally:
        if session is not None:
            session.close()
    result = evaluate_results(target.name, target.uri, rules, params, baseline, plan, results, major, today)
    result.timings["collect_s"] = round(time.perf_counter() - started, 4)
    result.timings["queries"] = session.queries
    result.timings["round_trips"] = session.round_trips + 1  # + the logon
    result.timings["sessions"] = 1
    return result
