"""Baselines: which rules to run, with which parameter values, and which findings are waived."""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from hardening.errors import InputError
from hardening.model import Finding, Rule, Status
from hardening.rules import check_type
from hardening.yamlio import LineDict, line_of, load_file

BASELINE_KEYS = {"id", "title", "description", "extends", "rules", "variables", "waivers"}
WAIVER_KEYS = {"rule", "hosts", "justification", "approver", "expires"}


@dataclass(frozen=True)
class Waiver:
    rule: str
    justification: str
    approver: str
    expires: dt.date
    hosts: tuple[str, ...] = ()
    source: str = ""

    def covers(self, rule_id: str, host: str) -> bool:
        return self.rule == rule_id and (not self.hosts or any(fnmatch.fnmatch(host, h) for h in self.hosts))

    def as_dict(self) -> dict:
        return {"rule": self.rule, "hosts": list(self.hosts), "justification": self.justification,
                "approver": self.approver, "expires": self.expires.isoformat(), "source": self.source}


@dataclass
class Baseline:
    id: str
    path: str
    title: dict
    rules: list[str] = field(default_factory=list)
    variables: dict = field(default_factory=dict)
    waivers: list[Waiver] = field(default_factory=list)
    digest: str = ""
    chain: list[str] = field(default_factory=list)  # this baseline and those it extends


def find_baseline(name: str, roots: list[Path]) -> Path:
    """A baseline by name (searched in the roots) or by path to a YAML file."""
    candidate = Path(name)
    if candidate.suffix in (".yml", ".yaml") and candidate.is_file():
        return candidate
    for root in roots:
        path = root / f"{name}.yml"
        if path.is_file():
            return path
    known = sorted({p.stem for root in roots for p in root.glob("*.yml")})
    raise InputError(f"unknown baseline {name!r} (known: {', '.join(known) or 'none'})")


def load_baseline(name: str, roots: list[Path], rules: dict[str, Rule], _seen: tuple = ()) -> Baseline:
    path = find_baseline(name, roots)
    doc = load_file(path)
    where = str(path)
    if not isinstance(doc, LineDict):
        raise InputError("a baseline must be a YAML mapping", where, 1)
    for key in doc:
        if key not in BASELINE_KEYS:
            raise InputError(f"unknown key {key!r} in baseline", where, line_of(doc, key))
    base_id = doc.get("id")
    if base_id != path.stem:
        raise InputError(f"id {base_id!r} differs from the file name {path.stem!r}", where, line_of(doc, "id"))
    if base_id in _seen:
        raise InputError(f"baseline extends itself through {' → '.join(_seen + (base_id,))}", where, line_of(doc, "extends"))
    title = doc.get("title")
    if not isinstance(title, dict) or not title.get("zh") or not title.get("en"):
        raise InputError("baseline title needs zh and en texts", where, line_of(doc, "title"))
    if doc.get("extends"):
        parent = load_baseline(str(doc["extends"]), roots + [path.parent], rules, _seen + (base_id,))
        selected, variables, waivers, chain = list(parent.rules), dict(parent.variables), list(parent.waivers), parent.chain
    else:
        selected, variables, waivers, chain = [], {}, [], []
    selected = _select(doc.get("rules") or [], selected, rules, where, doc)
    variables.update(_variables(doc.get("variables") or {}, selected, rules, where, doc))
    waivers.extend(_waivers(doc.get("waivers") or [], rules, where, doc))
    return Baseline(id=base_id, path=where, title=dict(title), rules=selected, variables=variables,
                    waivers=waivers, digest=hashlib.sha256(path.read_bytes()).hexdigest(),
                    chain=[base_id] + chain)


def _select(entries, selected: list[str], rules: dict[str, Rule], where: str, doc) -> list[str]:
    if not isinstance(entries, list):
        raise InputError("rules must be a list of selectors", where, line_of(doc, "rules"))
    result = list(selected)
    for i, entry in enumerate(entries):
        line = line_of(entries, i)
        if not isinstance(entry, str) or not entry.strip():
            raise InputError("a rule selector must be a rule id, a folder/, tag:NAME or !id", where, line)
        exclude = entry.startswith("!")
        matched = match_selector(entry.lstrip("!"), rules)
        if not matched:
            raise InputError(f"selector {entry!r} matches no rule", where, line)
        for rule_id in matched:
            if exclude and rule_id in result:
                result.remove(rule_id)
            elif not exclude and rule_id not in result:
                result.append(rule_id)
    return result


def match_selector(selector: str, rules: dict[str, Rule]) -> list[str]:
    if selector.startswith("tag:"):
        tag = selector[4:]
        return sorted(r.id for r in rules.values() if tag in r.tags)
    if selector.endswith("/") or "/" in selector:
        folder = selector.rstrip("/")
        return sorted(r.id for r in rules.values() if r.folder == folder or r.folder.startswith(folder + "/"))
    return [selector] if selector in rules else []


def _variables(variables, selected: list[str], rules: dict[str, Rule], where: str, doc) -> dict:
    if not isinstance(variables, dict):
        raise InputError("variables must be a mapping of parameter: value", where, line_of(doc, "variables"))
    declared = {name: p for rule_id in selected for name, p in rules[rule_id].parameters.items()}
    for name, value in variables.items():
        if name not in declared:
            raise InputError(f"variable {name!r} is not a parameter of any selected rule", where, line_of(variables, name))
        if not check_type(value, declared[name].type):
            raise InputError(f"variable {name!r} must be a {declared[name].type}", where, line_of(variables, name))
    return dict(variables)


def _waivers(entries, rules: dict[str, Rule], where: str, doc) -> list[Waiver]:
    if not isinstance(entries, list):
        raise InputError("waivers must be a list", where, line_of(doc, "waivers"))
    waivers = []
    for i, entry in enumerate(entries):
        line = line_of(entries, i)
        if not isinstance(entry, dict):
            raise InputError("a waiver is a mapping: rule, justification, approver, expires", where, line)
        for key in entry:
            if key not in WAIVER_KEYS:
                raise InputError(f"unknown key {key!r} in waiver", where, line_of(entry, key))
        for key in ("rule", "justification", "approver", "expires"):
            if not entry.get(key):
                raise InputError(f"waiver needs {key}", where, line)
        if not isinstance(entry["rule"], str) or entry["rule"] not in rules:
            raise InputError(f"waiver names unknown rule {entry['rule']!r}", where, line_of(entry, "rule"))
        expires = entry["expires"]
        if isinstance(expires, str):
            try:
                expires = dt.date.fromisoformat(expires)
            except ValueError:
                raise InputError(f"waiver expiry {expires!r} is not a date (YYYY-MM-DD)", where, line_of(entry, "expires")) from None
        if isinstance(expires, dt.datetime):  # YAML reads "2025-06-30 18:00" as a datetime
            expires = expires.date()
        if not isinstance(expires, dt.date):
            raise InputError("waiver expiry must be a date (YYYY-MM-DD)", where, line_of(entry, "expires"))
        hosts = entry.get("hosts") or []
        hosts = [hosts] if isinstance(hosts, str) else hosts
        waivers.append(Waiver(rule=entry["rule"], justification=str(entry["justification"]),
                              approver=str(entry["approver"]), expires=expires,
                              hosts=tuple(str(h) for h in hosts), source=f"{where}:{line}"))
    return waivers


def parameters_for(baseline: Baseline, rules: dict[str, Rule], overrides: dict[str, str] | None = None,
                   also: list[str] = ()) -> dict:
    """Parameter values: rule defaults ← baseline variables (inherited) ← command-line overrides.

    ``also`` names rules run outside the baseline (``--rule``), whose defaults are needed too.
    Overrides are the texts given to ``--var`` and are read by the parameter's declared type, so
    a str parameter keeps "0600" as typed (YAML would read it as the octal number 384).
    """
    declared = {name: p for rule_id in dict.fromkeys([*baseline.rules, *also])
                for name, p in rules[rule_id].parameters.items()}
    params = {name: p.default for name, p in declared.items()}
    params.update(baseline.variables)
    for name, text in (overrides or {}).items():
        if name not in declared:
            raise InputError(f"--var {name}: not a parameter of any rule in baseline {baseline.id}")
        ptype = declared[name].type
        value = text if ptype == "str" else _scalar(text)
        if not check_type(value, ptype):
            raise InputError(f"--var {name}={text}: must be a {ptype}")
        params[name] = value
    return params


def _scalar(text: str):
    """A --var value read as a YAML scalar: 90 → int, true → bool, [a, b] → list."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def apply_waivers(findings: list[Finding], waivers: list[Waiver], host: str, today: dt.date) -> None:
    """Mark failing findings covered by a live waiver as waived; say so when a waiver has expired.

    A live waiver wins over an expired one, and a later one (a child baseline's) over an
    earlier one, so renewing a lapsed waiver in a tailoring baseline works.
    """
    for finding in findings:
        if finding.status in (Status.PASS, Status.NOTAPPLICABLE):
            continue
        covering = [w for w in waivers if w.covers(finding.rule_id, host)]
        live = [w for w in covering if w.expires >= today]
        if live:
            finding.waiver = {**live[-1].as_dict(), "active": True, "original_status": finding.status.value}
            finding.status = Status.WAIVED
        elif covering:
            waiver = covering[-1]
            finding.waiver = {**waiver.as_dict(), "active": False}
            finding.reason = (f"waiver expired on {waiver.expires.isoformat()} ({waiver.source}); "
                              + finding.reason).rstrip("; ")
