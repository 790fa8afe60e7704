"""Tier 3: every scenario puts a fresh sandbox host into a state; a real SSH scan must agree."""

from __future__ import annotations

import os

import pytest

import sandbox

from hardening import paths
from hardening.rules import load_rules
from scenario_runner import INDEX, discover, findings_by_rule, index_text, scan_over_ssh

SCENARIOS = discover()
# Debian 12 is this machine; 11 and 13 are debootstrap trees (scripts/build-rootfs.sh), run with
# `scripts/test.sh --full` (HARDENING_FULL_MATRIX=1)
DEBIAN = ["12", *(sandbox.RELEASES if os.environ.get("HARDENING_FULL_MATRIX") == "1" else [])]


MATRIX = [(scenario, debian) for scenario in SCENARIOS for debian in scenario.debian(DEBIAN)]


@pytest.mark.parametrize(("scenario", "debian"), MATRIX, ids=[f"{s.id}-{d}" for s, d in MATRIX])
def test_scenario_verdict(scenario, debian, sandbox_factory):
    host = sandbox_factory(rootfs=None if debian == "12" else sandbox.release_rootfs(debian))
    host.run(scenario.script(), timeout=120)
    document, _ = scan_over_ssh(host, [scenario.rule_id], scenario.params())
    finding = findings_by_rule(document)[scenario.rule_id]
    assert finding["status"] == scenario.verdict, (
        f"{scenario.id}: got {finding['status']}; reason: {finding['reason']}; "
        f"expected: {finding['expected']}; evidence: {finding['evidence']}")


def test_every_rule_has_pass_and_fail_scenarios():
    rules = load_rules(paths.rule_roots())
    verdicts: dict[str, set[str]] = {}
    for scenario in SCENARIOS:
        verdicts.setdefault(scenario.rule_id, set()).add(scenario.verdict)
    unknown = sorted(set(verdicts) - set(rules))
    assert not unknown, f"scenario folders for unknown rules: {unknown}"
    # Oracle rules have no sandbox (no database server here): they are proven against recorded
    # catalog snapshots in tests/test_oracle*.py instead.
    missing = sorted(rule_id for rule_id, rule in rules.items()
                     if rule.check.manual is None and rule.platform != ("oracle",)
                     and not {"pass", "fail"} <= verdicts.get(rule_id, set()))
    assert not missing, f"rules without a pass and a fail scenario: {missing}"


def test_scenario_index_is_current():
    assert INDEX.read_text(encoding="utf-8") == index_text(SCENARIOS), "regenerate tests/scenarios/INDEX.md"
