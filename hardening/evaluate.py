"""Evaluation: a pure function of (facts, rule, parameters) → finding. No I/O here."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from hardening.facts import instance_key
from hardening.model import Check, Finding, Probe, Rule, Status
from hardening.operators import PRESENCE_OPERATORS, OperandError, apply, describe

_MISSING = object()


@dataclass
class FactResult:
    """A parsed fact for one host, or the reason it could not be determined."""

    value: Any = None
    sources: dict = field(default_factory=dict)
    error: str | None = None


class FactView:
    """Lookup of fact results by (fact, args) for one host."""

    def __init__(self, results: dict[str, FactResult], platforms: set[str]):
        self.results = results
        self.platforms = platforms

    def get(self, fact: str, args: dict) -> FactResult:
        return self.results.get(instance_key(fact, args)) or FactResult(error=f"{fact} was not collected")


@dataclass
class ProbeOutcome:
    status: Status
    observed: Any = None
    expected: str = ""
    evidence: list[str] = field(default_factory=list)
    reason: str = ""


def resolve(value: Any, params: dict) -> Any:
    """Replace ``$name`` parameter references by their values (recursively)."""
    if isinstance(value, str) and value.startswith("$") and value[1:] in params:
        return params[value[1:]]
    if isinstance(value, dict):
        return {k: resolve(v, params) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, params) for v in value]
    return value


def _path(key) -> list[str]:
    if key is None:
        return []
    return [str(p) for p in key] if isinstance(key, list) else key.split(".")


def select(value: Any, key) -> Any:
    for part in _path(key):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
    return value


def _matches_where(item: Any, where: dict, params: dict) -> bool:
    for field_name, cond in where.items():
        operator, operand = next(iter(cond.items()))
        observed = select(item, field_name)
        if observed is _MISSING:
            observed = None
            if operator not in PRESENCE_OPERATORS:
                return False
        try:
            if not apply(operator, observed, resolve(operand, params)):
                return False
        except OperandError:
            return False
    return True


def _label(item: Any) -> Any:
    return item.get("name", item) if isinstance(item, dict) else item


def _describe_key(probe: Probe) -> str:
    key = ".".join(_path(probe.key))
    if probe.where:
        conds = ", ".join(f"{k} {describe(*next(iter(v.items())))}" for k, v in probe.where.items())
        key = f"{key or probe.fact} where {conds}"
    return key or probe.fact


def evaluate_probe(probe: Probe, facts: FactView, params: dict) -> ProbeOutcome:
    args = resolve(probe.args, params)
    result = facts.get(probe.fact, args)
    operand = resolve(probe.operand, params)
    expected = f"{_describe_key(probe)} {describe(probe.operator, operand)}"
    if result.error:
        return ProbeOutcome(Status.ERROR, expected=expected, reason=f"{probe.fact}: {result.error}")
    value = select(result.value, probe.key)
    evidence: list[str] = []
    if probe.where is not None and value is not _MISSING:
        if not isinstance(value, list):
            return ProbeOutcome(Status.ERROR, expected=expected, reason=f"{probe.fact}: 'where' needs a list")
        value = [item for item in value if _matches_where(item, probe.where, params)]
        evidence = [result.sources.get(str(_label(item)), str(_label(item))) for item in value][:50]
    else:
        head = _path(probe.key)[:1]
        line = result.sources.get(".".join(_path(probe.key))) or (result.sources.get(head[0]) if head else None)
        if line:
            evidence = [line]
    note = result.sources.get("__note__")
    if value is _MISSING and probe.operator in PRESENCE_OPERATORS:
        value = None
    if value is _MISSING or (value is None and probe.operator not in PRESENCE_OPERATORS):
        status = Status(probe.missing)
        return ProbeOutcome(status, observed=None, expected=expected,
                            evidence=evidence or ([note] if note else []),
                            reason=f"{_describe_key(probe)} is not set" + (f" ({note})" if note else ""))
    try:
        ok = apply(probe.operator, value, operand)
    except OperandError as exc:
        return ProbeOutcome(Status.ERROR, observed=value, expected=expected, evidence=evidence,
                            reason=f"cannot compare {_describe_key(probe)}: {exc}")
    observed = [_label(i) for i in value] if probe.where is not None else value
    if not evidence:
        shown = json.dumps(observed, ensure_ascii=False)
        evidence = [f"{probe.fact}: {_describe_key(probe)} = {shown[:300]}"] if value is not None else (
            [f"{probe.fact}: {_describe_key(probe)} is absent" + (f" ({note})" if note else "")])
    return ProbeOutcome(Status.PASS if ok else Status.FAIL, observed=observed, expected=expected,
                        evidence=evidence)


def combine(condition: str, outcomes: list[ProbeOutcome]) -> Status:
    """Wazuh-style truth table: a definite fail decides ``all``; errors never turn into pass."""
    statuses = [o.status for o in outcomes]
    if condition == "none":
        flipped = {Status.PASS: Status.FAIL, Status.FAIL: Status.PASS}
        statuses = [flipped.get(s, s) for s in statuses]
        condition = "all"
    if not statuses:
        return Status.NOTAPPLICABLE
    if condition == "all":
        if Status.FAIL in statuses:
            return Status.FAIL
        if Status.ERROR in statuses:
            return Status.ERROR
        if all(s == Status.NOTAPPLICABLE for s in statuses):
            return Status.NOTAPPLICABLE
        return Status.PASS
    if Status.PASS in statuses:
        return Status.PASS
    if Status.ERROR in statuses:
        return Status.ERROR
    if all(s == Status.NOTAPPLICABLE for s in statuses):
        return Status.NOTAPPLICABLE
    return Status.FAIL


def run_check(check: Check, facts: FactView, params: dict) -> tuple[Status, list[ProbeOutcome]]:
    outcomes = [evaluate_probe(p, facts, params) for p in check.probes]
    return combine(check.condition, outcomes), outcomes


def evaluate_rule(rule: Rule, facts: FactView, params: dict) -> Finding:
    """Judge one rule for one host."""
    finding = Finding(rule_id=rule.id, status=Status.ERROR, severity=rule.severity, title=rule.title)
    if not facts.platforms:  # os-release unread: not knowing the platform must not read as "not applicable"
        finding.reason = "the host's platform could not be determined (system.OsRelease)"
        return finding
    if not set(rule.platform) & facts.platforms:
        finding.status = Status.NOTAPPLICABLE
        finding.reason = (f"rule applies to {', '.join(rule.platform)}; "
                          f"host is {', '.join(sorted(facts.platforms)) or 'unknown'}")
        return finding
    if rule.applicable is not None:
        status, outcomes = run_check(rule.applicable, facts, params)
        if status != Status.PASS:
            finding.status = Status.ERROR if status == Status.ERROR else Status.NOTAPPLICABLE
            finding.reason = "; ".join(o.reason or f"{o.expected}: not met" for o in outcomes if o.status != Status.PASS)
            finding.evidence = [line for o in outcomes for line in o.evidence]
            return finding
    status, outcomes = run_check(rule.check, facts, params)
    finding.expected = "; ".join(o.expected for o in outcomes)
    # evidence: what the verdict rests on (the failing probes for a fail), each line once
    decisive = [o for o in outcomes if o.status != Status.PASS] if status == Status.FAIL else outcomes
    finding.evidence = list(dict.fromkeys(line for o in decisive for line in o.evidence))
    if len(rule.check.probes) == 1:
        finding.observed = outcomes[0].observed
    else:
        finding.observed = {_describe_key(p): o.observed for p, o in zip(rule.check.probes, outcomes)}
    reasons = [o.reason for o in outcomes if o.reason]
    if rule.check.manual is not None:
        finding.status = Status.MANUAL
        finding.reason = rule.check.manual.en
        return finding
    finding.status = status
    finding.reason = "; ".join(dict.fromkeys(reasons))
    return finding


def stub_view(test: dict, platforms: set[str] | None = None) -> FactView:
    """A FactView from a rule's inline test: ``facts: {name: value}``, ``errors: {name: reason}``.

    A name may carry args as ``name(json)``; a bare name answers for any args.
    """
    results: dict[str, FactResult] = {}
    for name, value in (test.get("facts") or {}).items():
        results[name] = FactResult(value=value)
    for name, reason in (test.get("errors") or {}).items():
        results[name] = FactResult(error=str(reason))

    class _Stub(FactView):
        def get(self, fact: str, args: dict) -> FactResult:
            exact = f"{fact}({json.dumps(args, sort_keys=True)})" if args else fact
            return self.results.get(exact) or self.results.get(fact) or FactResult(error=f"{fact} not stubbed")

    return _Stub(results, platforms or {"linux", "debian", "rhel"})


def run_inline_tests(rule: Rule, defaults: dict) -> list[tuple[dict, str]]:
    """Run a rule's inline tests; returns (test, message) for each failing test."""
    failures = []
    for test in rule.tests:
        params = {**defaults, **(test.get("params") or {})}
        # the stubbed host is one the rule applies to (an Oracle rule is tested against a database)
        finding = evaluate_rule(rule, stub_view(test, set(rule.platform) | {"linux"}), params)
        if finding.status.value != test.get("expect"):
            failures.append((test, f"test {test.get('name', '?')!r} expected {test.get('expect')}, got "
                                   f"{finding.status.value} ({finding.reason or finding.expected})"))
    return failures
