"""The plain data the engine passes around: rules, probes, findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Status(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    NOTAPPLICABLE = "notapplicable"
    ERROR = "error"
    MANUAL = "manual"
    WAIVED = "waived"


SEVERITIES = ("low", "medium", "high", "critical")


@dataclass(frozen=True)
class Text:
    """A bilingual text; every user-visible word of a rule exists in zh and en."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def as_dict(self) -> dict:
        return {"zh": self.zh, "en": self.en}


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str  # int | float | str | bool | list
    default: Any
    unit: str | None = None
    description: Text | None = None


@dataclass(frozen=True)
class Probe:
    """One question asked of one fact: select a value, then test it with one operator."""

    fact: str
    args: dict = field(default_factory=dict)
    key: str | None = None
    where: dict | None = None  # {field: {operator: operand}} filter over a list of records
    operator: str = "eq"
    operand: Any = None
    missing: str = "fail"  # status when the selected value is absent
    description: Text | None = None


@dataclass(frozen=True)
class Check:
    condition: str  # all | any | none
    probes: tuple[Probe, ...]
    manual: Text | None = None  # set: the verdict needs human evidence; probes are evidence only


@dataclass(frozen=True)
class Rule:
    id: str
    path: str
    title: Text
    rationale: Text
    severity: str
    references: dict
    platform: tuple[str, ...]
    parameters: dict[str, Parameter]
    check: Check
    applicable: Check | None = None  # when this check does not pass, the rule is notapplicable
    remediation: dict | None = None
    tags: tuple[str, ...] = ()
    tests: tuple[dict, ...] = ()
    fix: Text | None = None  # remediation advice shown in reports
    digest: str = ""  # sha256 of the rule file: the rule "version" stored with each scan

    @property
    def folder(self) -> str:
        """Folder of the rule relative to the rules root, e.g. ``linux/ssh``."""
        parts = self.path.replace("\\", "/").split("/")
        return "/".join(parts[:-1])

    def mlps_clauses(self) -> list[str]:
        return [ref["clause"] for ref in self.references.get("mlps", [])]


@dataclass
class Finding:
    rule_id: str
    status: Status
    severity: str
    title: Text
    observed: Any = None
    expected: str = ""
    evidence: list[str] = field(default_factory=list)
    reason: str = ""
    waiver: dict | None = None

    def as_dict(self) -> dict:
        return {
            "rule_id": self.rule_id,
            "status": self.status.value,
            "severity": self.severity,
            "title": self.title.as_dict(),
            "observed": self.observed,
            "expected": self.expected,
            "evidence": self.evidence,
            "reason": self.reason,
            "waiver": self.waiver,
        }
