"""Load rule YAML files into Rule objects, reporting every problem as ``path:line: message``."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hardening.errors import InputError
from hardening.facts import load_all
from hardening.model import SEVERITIES, Check, Parameter, Probe, Rule, Text
from hardening.operators import OPERATORS
from hardening.yamlio import LineDict, line_of, load_file

RULE_KEYS = {"id", "title", "rationale", "severity", "references", "platform", "tags", "parameters",
             "applicable", "check", "remediation", "tests", "description", "fix"}
REQUIRED_KEYS = ("id", "title", "rationale", "severity", "references", "platform", "check")
CHECK_KEYS = {"condition", "probes", "manual"}
PROBE_KEYS = {"fact", "args", "key", "where", "expect", "missing", "description"}
PARAMETER_KEYS = {"type", "default", "unit", "description"}
REFERENCE_KEYS = {"mlps", "cis", "stig", "other"}
MLPS_KEYS = {"clause", "levels", "unit"}
TEST_KEYS = {"name", "expect", "params", "facts", "errors"}
REMEDIATION_KEYS = {"template", "vars"}
PLATFORMS = {"linux", "debian", "rhel", "suse", "oracle"}
CONDITIONS = {"all", "any", "none"}
PARAM_TYPES = {"int": int, "float": (int, float), "str": str, "bool": bool, "list": list}
MISSING_STATUSES = {"fail", "pass", "notapplicable", "error"}
TEST_STATUSES = {"pass", "fail", "notapplicable", "error", "manual"}
MLPS_CLAUSE = re.compile(r"^8\.1\.\d+\.\d+( [a-k]\))?$")  # a bare 8.1.4.5: a section with one item
RULE_ID = re.compile(r"^[a-z][a-z0-9_]*$")
PARAM_REF = re.compile(r"^\$([a-z][a-z0-9_]*)$")


@dataclass
class Problems:
    """Collected problems; lint prints them all, scan refuses to start if there are any."""

    items: list[tuple[str, int, str]] = field(default_factory=list)

    def add(self, path: str, line: int, message: str) -> None:
        self.items.append((path, line, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def lines(self) -> list[str]:
        return [f"{p}:{n}: {m}" if n else f"{p}: {m}" for p, n, m in sorted(self.items)]


class _RuleReader:
    """Validates one parsed rule document and builds the Rule; problems go to ``problems``."""

    def __init__(self, path: str, rel: str, doc: Any, problems: Problems, digest: str):
        self.path, self.rel, self.doc, self.problems, self.digest = path, rel, doc, problems, digest

    def problem(self, container, key, message: str) -> None:
        self.problems.add(self.path, line_of(container, key) if container is not None else 0, message)

    def unknown_keys(self, mapping: dict, allowed: set, where: str) -> None:
        for key in mapping:
            if key not in allowed:
                self.problem(mapping, key, f"unknown key {key!r} in {where}")

    def text(self, mapping: dict, key: str, required: bool = True) -> Text | None:
        value = mapping.get(key)
        if value is None:
            if required:
                self.problem(mapping, key, f"missing {key}")
            return None
        if not isinstance(value, dict):
            self.problem(mapping, key, f"{key} must have zh and en texts")
            return None
        for lang in ("zh", "en"):
            if not isinstance(value.get(lang), str) or not value[lang].strip():
                self.problem(value, lang, f"{key} is missing its {lang} text")
        self.unknown_keys(value, {"zh", "en"}, key)
        return Text(str(value.get("zh", "")), str(value.get("en", "")))

    def read(self) -> Rule | None:
        doc = self.doc
        if not isinstance(doc, dict):
            self.problems.add(self.path, 1, "a rule must be a YAML mapping")
            return None
        self.unknown_keys(doc, RULE_KEYS, "rule")
        for key in REQUIRED_KEYS:
            if key not in doc:
                self.problems.add(self.path, doc.line if isinstance(doc, LineDict) else 1, f"missing {key}")
        stem = Path(self.path).stem
        rule_id = doc.get("id")
        if not isinstance(rule_id, str) or not RULE_ID.match(rule_id):
            self.problem(doc, "id", f"id must be snake_case, got {rule_id!r}")
        elif rule_id != stem:
            self.problem(doc, "id", f"id {rule_id!r} differs from the file name {stem!r}")
        title = self.text(doc, "title")
        rationale = self.text(doc, "rationale")
        self.text(doc, "description", required=False)
        fix = self.text(doc, "fix", required=False)
        severity = doc.get("severity")
        if "severity" in doc and severity not in SEVERITIES:
            self.problem(doc, "severity", f"severity must be one of {', '.join(SEVERITIES)}")
        references = self.references(doc.get("references"))
        platform = self.platform(doc.get("platform"))
        tags = doc.get("tags") or []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            self.problem(doc, "tags", "tags must be a list of words")
            tags = []
        parameters = self.parameters(doc.get("parameters") or {})
        check = self.check(doc.get("check"), "check", parameters)
        applicable = self.check(doc.get("applicable"), "applicable", parameters) if "applicable" in doc else None
        remediation = self.remediation(doc.get("remediation"), parameters)
        tests = self.tests(doc.get("tests") or [], parameters)
        if any(p[0] == self.path for p in self.problems.items) or check is None or title is None:
            return None
        return Rule(id=rule_id, path=self.rel, title=title, rationale=rationale, severity=severity,
                    references=references, platform=tuple(platform), parameters=parameters,
                    check=check, applicable=applicable, remediation=remediation, tags=tuple(tags),
                    tests=tuple(tests), digest=self.digest, fix=fix)

    def references(self, refs) -> dict:
        if not isinstance(refs, dict):
            if refs is not None:
                self.problem(self.doc, "references", "references must be a mapping")
            return {}
        self.unknown_keys(refs, REFERENCE_KEYS, "references")
        mlps = refs.get("mlps")
        if not isinstance(mlps, list) or not mlps:
            self.problem(refs, "mlps", "references need at least one MLPS clause (references.mlps)")
            return dict(refs)
        for i, ref in enumerate(mlps):
            if not isinstance(ref, dict):
                self.problem(mlps, i, "an MLPS reference is a mapping with a clause")
                continue
            self.unknown_keys(ref, MLPS_KEYS, "an MLPS reference")
            clause = ref.get("clause")
            if not isinstance(clause, str) or not MLPS_CLAUSE.match(clause):
                self.problem(ref, "clause", "MLPS clause must look like '8.1.4.1 a)' (or '8.1.4.5' for a one-item "
                                            f"section), got {clause!r}")
        return dict(refs)

    def platform(self, platform) -> list[str]:
        if not isinstance(platform, list) or not platform:
            if platform is not None:
                self.problem(self.doc, "platform", "platform must be a non-empty list")
            return []
        for i, name in enumerate(platform):
            if not known(name, PLATFORMS):
                self.problem(platform, i, f"unknown platform {name!r} (known: {', '.join(sorted(PLATFORMS))})")
        return list(platform)

    def parameters(self, params) -> dict[str, Parameter]:
        result: dict[str, Parameter] = {}
        if not isinstance(params, dict):
            self.problem(self.doc, "parameters", "parameters must be a mapping")
            return result
        for name, spec in params.items():
            if not isinstance(spec, dict):
                self.problem(params, name, f"parameter {name!r} must be a mapping with type and default")
                continue
            self.unknown_keys(spec, PARAMETER_KEYS, f"parameter {name!r}")
            ptype = spec.get("type")
            if not known(ptype, PARAM_TYPES):
                self.problem(spec, "type", f"parameter {name!r} has unknown type {ptype!r}")
                continue
            if "default" not in spec:
                self.problem(spec, "type", f"parameter {name!r} has no default")
                continue
            if not check_type(spec["default"], ptype):
                self.problem(spec, "default", f"default of {name!r} is not a {ptype}")
            description = self.text(spec, "description", required=False)
            result[name] = Parameter(name, ptype, spec["default"], spec.get("unit"), description)
        return result

    def refs_declared(self, value, container, key, parameters) -> None:
        for ref in param_refs(value):
            if ref not in parameters:
                self.problem(container, key, f"undeclared parameter ${ref}")

    def check(self, check, where: str, parameters) -> Check | None:
        if not isinstance(check, dict):
            if check is not None:
                self.problem(self.doc, where, f"{where} must be a mapping with condition and probes")
            return None
        self.unknown_keys(check, CHECK_KEYS, where)
        condition = check.get("condition", "all")
        if not known(condition, CONDITIONS):
            self.problem(check, "condition", f"condition must be all, any or none, got {condition!r}")
        manual = self.text(check, "manual", required=False)
        probes_doc = check.get("probes") or []
        if not isinstance(probes_doc, list) or (not probes_doc and manual is None):
            self.problem(check, "probes", f"{where} needs a list of probes")
            return None
        probes = [p for p in (self.probe(item, parameters) for item in probes_doc) if p is not None]
        return Check(condition=condition, probes=tuple(probes), manual=manual)

    def probe(self, item, parameters) -> Probe | None:
        if not isinstance(item, dict):
            self.problem(self.doc, "check", "a probe must be a mapping")
            return None
        self.unknown_keys(item, PROBE_KEYS, "probe")
        fact = item.get("fact")
        REGISTRY = load_all()
        if not known(fact, REGISTRY):
            self.problem(item, "fact", f"unknown fact {fact!r}")
            return None
        args = item.get("args") or {}
        allowed = REGISTRY[fact].arguments
        if not isinstance(args, dict):
            self.problem(item, "args", "args must be a mapping")
            args = {}
        for name, value in args.items():
            if name not in allowed:
                self.problem(args, name, f"fact {fact} takes no argument {name!r}")
            elif not isinstance(value, allowed[name]):
                self.problem(args, name, f"argument {name!r} of {fact} has the wrong type")
        self.refs_declared(args, item, "args", parameters)
        expect = item.get("expect")
        operator, operand = "present", True
        if not isinstance(expect, dict) or len(expect) != 1:
            self.problem(item, "expect", "expect must hold exactly one operator, e.g. {le: 90}")
        else:
            operator, operand = next(iter(expect.items()))
            if operator not in OPERATORS:
                self.problem(expect, operator, f"unknown operator {operator!r}")
            self.refs_declared(operand, expect, operator, parameters)
        where = item.get("where")
        if where is not None:
            if not isinstance(where, dict):
                self.problem(item, "where", "where must map fields to {operator: value}")
                where = None
            else:
                for field_name, cond in where.items():
                    if not isinstance(cond, dict) or len(cond) != 1 or next(iter(cond)) not in OPERATORS:
                        self.problem(where, field_name, f"where.{field_name} must be one known operator")
                    else:
                        self.refs_declared(cond, where, field_name, parameters)
        missing = item.get("missing", "fail")
        if not known(missing, MISSING_STATUSES):
            self.problem(item, "missing", f"missing must be one of {', '.join(sorted(MISSING_STATUSES))}")
        key = item.get("key")
        if key is not None and not isinstance(key, (str, list)):
            self.problem(item, "key", "key must be a text or a list of path parts")
        return Probe(fact=fact, args=dict(args), key=key, where=dict(where) if where else None,
                     operator=operator, operand=operand, missing=missing,
                     description=self.text(item, "description", required=False))

    def remediation(self, remediation, parameters) -> dict | None:
        if remediation is None:
            return None
        if not isinstance(remediation, dict):
            self.problem(self.doc, "remediation", "remediation must be a mapping with template and vars")
            return None
        self.unknown_keys(remediation, REMEDIATION_KEYS, "remediation")
        self.refs_declared(remediation.get("vars"), remediation, "vars", parameters)
        return dict(remediation)

    def tests(self, tests, parameters) -> list[dict]:
        if not isinstance(tests, list):
            self.problem(self.doc, "tests", "tests must be a list")
            return []
        for i, test in enumerate(tests):
            if not isinstance(test, dict):
                self.problem(tests, i, "a test must be a mapping")
                continue
            self.unknown_keys(test, TEST_KEYS, "test")
            if not known(test.get("expect"), TEST_STATUSES):
                self.problem(test, "expect", f"test expect must be one of {', '.join(sorted(TEST_STATUSES))}")
            parts = {part: test.get(part) or {} for part in ("params", "facts", "errors")}
            for part, mapping in parts.items():
                if not isinstance(mapping, dict):
                    self.problem(test, part, f"test {part} must be a mapping")
                    parts[part] = {}
            for name in parts["params"]:
                if name not in parameters:
                    self.problem(parts["params"], name, f"undeclared parameter {name!r} in test")
            for part in ("facts", "errors"):
                for name in parts[part]:
                    if not known(str(name).split("(")[0], load_all()):
                        self.problem(parts[part], name, f"unknown fact {name!r} in test")
        # kept as LineDicts, so lint can name the line of a failing test
        return [t for t in tests if isinstance(t, dict)]


def param_refs(value) -> list[str]:
    """Names of the ``$param`` references inside a (nested) value."""
    if isinstance(value, str):
        match = PARAM_REF.match(value)
        return [match.group(1)] if match else []
    if isinstance(value, dict):
        return [r for v in value.values() for r in param_refs(v)]
    if isinstance(value, list):
        return [r for v in value for r in param_refs(v)]
    return []


def known(value, names) -> bool:
    """Membership that is False, not a TypeError, for a list or mapping where a word belongs."""
    return isinstance(value, str) and value in names


def check_type(value, ptype: str) -> bool:
    expected = PARAM_TYPES[ptype]
    if ptype in ("int", "float") and isinstance(value, bool):
        return False
    return isinstance(value, expected)


def rule_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*.yml") if p.is_file())


def load_rules(roots: list[Path], problems: Problems | None = None) -> dict[str, Rule]:
    """Load every rule under the roots. Problems are collected; rules with problems are skipped."""
    problems = problems if problems is not None else Problems()
    rules: dict[str, Rule] = {}
    first_seen: dict[str, str] = {}
    for root in roots:
        base = root if root.is_dir() else root.parent
        for path in rule_files(root):
            data = path.read_bytes()
            try:
                doc = load_file(path)
            except InputError as exc:
                problems.add(str(path), exc.line or 0, exc.message)
                continue
            rel = str(path.relative_to(base))
            reader = _RuleReader(str(path), rel, doc, problems, hashlib.sha256(data).hexdigest())
            rule = reader.read()
            rule_id = doc.get("id") if isinstance(doc, dict) else None
            if isinstance(rule_id, str):
                if rule_id in first_seen:
                    problems.add(str(path), line_of(doc, "id"), f"duplicate id {rule_id!r} (also in {first_seen[rule_id]})")
                    continue
                first_seen[rule_id] = str(path)
            if rule is not None:
                rules[rule.id] = rule
    check_parameter_types(rules, problems)
    return rules


def check_parameter_types(rules: dict[str, Rule], problems: Problems) -> None:
    """Parameters share one namespace across rules, so one name must keep one type."""
    seen: dict[str, tuple[str, str]] = {}
    for rule in rules.values():
        for name, param in rule.parameters.items():
            if name in seen and seen[name][0] != param.type:
                problems.add(rule.path, 0, f"parameter {name!r} is {param.type} here but {seen[name][0]} in {seen[name][1]}")
            seen.setdefault(name, (param.type, rule.id))
