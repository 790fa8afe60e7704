"""Meta-tests over every shipped rule: schema, names, both languages, MLPS clauses, tests."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from hardening import paths
from hardening.evaluate import run_inline_tests
from hardening.facts import REGISTRY
from hardening.rules import Problems, load_rules, param_refs, rule_files

ROOTS = [paths.data_root("rules")]
PROBLEMS = Problems()
RULES = load_rules(ROOTS, PROBLEMS)
FILES = [p for root in ROOTS for p in rule_files(root)]

# Section A of /work/shared/reference/mlps-level3.md: the Level-3 computing-environment clauses.
# 8.1.4.5 (malicious code) and 8.1.4.6 (trusted verification) have one unlettered item each.
MLPS_CLAUSES = {
    "8.1.4.5", "8.1.4.6",
    *(f"8.1.4.1 {c})" for c in "abcd"),
    *(f"8.1.4.2 {c})" for c in "abcdefg"),
    *(f"8.1.4.3 {c})" for c in "abcd"),
    *(f"8.1.4.4 {c})" for c in "abcdef"),
    *(f"8.1.4.7 {c})" for c in "ab"),
    *(f"8.1.4.8 {c})" for c in "ab"),
    *(f"8.1.4.9 {c})" for c in "abc"),
    *(f"8.1.4.10 {c})" for c in "ab"),
    *(f"8.1.4.11 {c})" for c in "ab"),
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_clause_list_is_the_reference_list():
    assert len(MLPS_CLAUSES) == 34
    assert {"8.1.4.1 a)", "8.1.4.11 b)", "8.1.4.2 g)", "8.1.4.4 f)", "8.1.4.5"} <= MLPS_CLAUSES
    assert not {"8.1.4.2 h)", "8.1.4.4 g)", "8.1.4.5 a)", "8.1.4.6 a)"} & MLPS_CLAUSES


def test_shipped_rules_load_without_problems():
    assert not PROBLEMS, PROBLEMS.lines()
    assert len(RULES) == len(FILES) >= 10


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_file_is_a_valid_rule_named_after_its_file(path: Path):
    assert path.stem in RULES, f"{path} did not load"
    assert RULES[path.stem].path.endswith(path.name)


@pytest.fixture(params=sorted(RULES), name="rule")
def _rule(request):
    return RULES[request.param]


def test_texts_exist_in_both_languages(rule):
    """Title, rationale and fix (what a person does when no bundle can: remediation manifests
    and reports show it) in Chinese and English."""
    assert rule.fix is not None, f"{rule.id} has no fix text"
    for text in (rule.title, rule.rationale, rule.fix):
        assert text.zh.strip() and text.en.strip()
    assert CJK.search(rule.title.zh), f"zh title has no Chinese: {rule.title.zh!r}"
    assert CJK.search(rule.rationale.zh) and CJK.search(rule.fix.zh)
    assert not CJK.search(rule.title.en), f"en title is not English: {rule.title.en!r}"


def test_mlps_references_exist_in_the_standard(rule):
    clauses = rule.mlps_clauses()
    assert clauses, "needs at least one MLPS reference"
    for clause in clauses:
        assert clause in MLPS_CLAUSES, f"{clause!r} is not a Level-3 clause of section A"


def test_parameters_are_declared_and_facts_exist(rule):
    probes = list(rule.check.probes) + (list(rule.applicable.probes) if rule.applicable else [])
    for probe in probes:
        assert probe.fact in REGISTRY
        for arg in probe.args:
            assert arg in REGISTRY[probe.fact].arguments
        used = param_refs([probe.args, probe.operand, probe.where or {}])
        for name in used:
            assert name in rule.parameters, f"${name} is not declared"
    for name, param in rule.parameters.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", name)
        assert param.default is not None


def test_inline_tests_cover_pass_and_fail_and_all_pass(rule):
    expects = [t["expect"] for t in rule.tests]
    if rule.check.manual is None:
        assert "pass" in expects and "fail" in expects, expects
    defaults = {n: p.default for n, p in rule.parameters.items()}
    failures = run_inline_tests(rule, defaults)
    assert failures == [], [message for _test, message in failures]


def test_parameter_names_keep_one_type_across_rules():
    seen: dict[str, str] = {}
    for rule in RULES.values():
        for name, param in rule.parameters.items():
            assert seen.setdefault(name, param.type) == param.type, name


def test_inline_test_runner_reports_a_wrong_expectation():
    """The meta-test above would notice a rule whose inline test is wrong."""
    rule = RULES["file_permissions_etc_shadow"]
    broken = [dict(t, expect="pass") if t["expect"] == "fail" else t for t in rule.tests]
    failures = run_inline_tests(replace(rule, tests=tuple(broken)), {"file_mode_etc_shadow": "0640"})
    assert failures and all("expected pass, got fail" in message for _t, message in failures)
