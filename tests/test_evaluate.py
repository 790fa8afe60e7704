"""Evaluation semantics: operators, where filters, condition truth tables, honest statuses."""

from __future__ import annotations

import pytest

from hardening.evaluate import FactResult, FactView, ProbeOutcome, combine, evaluate_probe, evaluate_rule, stub_view
from hardening.model import Check, Probe, Rule, Status, Text
from hardening.operators import OPERATORS, OperandError, apply, describe

P, F, E, N = Status.PASS, Status.FAIL, Status.ERROR, Status.NOTAPPLICABLE


def make_rule(*probes: Probe, condition="all", platform=("linux",), applicable=None, manual=None) -> Rule:
    return Rule(id="t_rule", path="linux/t/t_rule.yml", title=Text("测试", "test"), rationale=Text("理由", "why"),
                severity="high", references={"mlps": [{"clause": "8.1.4.1 a)"}]}, platform=tuple(platform),
                parameters={}, check=Check(condition, tuple(probes), manual), applicable=applicable)


def view(facts: dict | None = None, errors: dict | None = None, platforms=("linux", "debian")) -> FactView:
    results = {name: FactResult(value=value) for name, value in (facts or {}).items()}
    results.update({name: FactResult(error=reason) for name, reason in (errors or {}).items()})
    return FactView(results, set(platforms))


def probe(key=None, op="eq", operand=None, **kw) -> Probe:
    return Probe(fact="sshd.EffectiveConfig", key=key, operator=op, operand=operand, **kw)


# --------------------------------------------------------------------------------- operators
@pytest.mark.parametrize("op, observed, operand, expected", [
    ("eq", "no", "NO", True), ("eq", "5", 5, True), ("eq", "5.0", 5, True), ("eq", "yes", "no", False),
    ("eq", True, True, True), ("eq", "true", True, False),
    ("ne", "yes", "no", True), ("ne", "5", 5, False),
    ("lt", "4", 5, True), ("lt", 5, 5, False), ("le", "5", 5, True), ("le", 6, "5", False),
    ("gt", "0x10", 15, True), ("gt", 1, 1, False), ("ge", 1, 1, True), ("ge", "0", 1, False),
    ("in", "Shadow", ["root", "shadow"], True), ("in", "adm", ["root", "shadow"], False),
    ("not_in", "adm", ["root"], True), ("not_in", "root", ["root"], False),
    ("matches", "pam_faillock.so deny=5", r"deny=[1-5]\b", True), ("matches", "deny=9", r"deny=[1-5]\b", False),
    ("not_matches", "nullok", "try_first_pass", True), ("not_matches", "nullok", "null", False),
    ("contains", "Hello World", "world", True), ("contains", ["a", "B"], "b", True), ("contains", ["a"], "c", False),
    ("not_contains", ["a", "b"], "c", True), ("not_contains", "abc", "B", False),
    ("empty", [], True, True), ("empty", ["x"], True, False), ("empty", ["x"], False, True), ("empty", None, True, True),
    ("count_le", [1, 2], 2, True), ("count_le", [1, 2, 3], 2, False),
    ("count_ge", [1], 1, True), ("count_ge", {}, 1, False),
    ("mode_within", "0640", "0640", True), ("mode_within", "0600", "0640", True), ("mode_within", "400", "0640", True),
    ("mode_within", "0644", "0640", False), ("mode_within", "0660", "0640", False),
    ("mode_within", "4755", "0755", False), ("mode_within", "0000", "0600", True),
    ("present", "x", True, True), ("present", None, True, False), ("present", None, False, True),
    ("present", "", True, True),
])
def test_operator(op, observed, operand, expected):
    assert apply(op, observed, operand) is expected


@pytest.mark.parametrize("op, observed, operand", [
    ("le", "unlimited", 5), ("gt", True, 0), ("mode_within", "rw-r--r--", "0644"), ("mode_within", "0644", "0x1"),
    ("contains", 5, "x"), ("count_le", 5, 1), ("matches", "x", "("),
])
def test_operator_wrong_type_raises_operand_error(op, observed, operand):
    with pytest.raises(OperandError):
        apply(op, observed, operand)


def test_every_operator_has_a_readable_form():
    for op in OPERATORS:
        assert describe(op, 1)
    assert describe("mode_within", "0640") == "permissions 0640 or stricter"
    assert describe("present", False) == "absent"


# ------------------------------------------------------------------------------- probes
def test_probe_compares_the_selected_key_and_resolves_parameters():
    facts = view({"sshd.EffectiveConfig": {"maxauthtries": "4"}})
    outcome = evaluate_probe(probe("maxauthtries", "le", "$limit"), facts, {"limit": 5})
    assert (outcome.status, outcome.observed, outcome.expected) == (P, "4", "maxauthtries ≤ 5")
    assert evaluate_probe(probe("maxauthtries", "le", "$limit"), facts, {"limit": 3}).status == F


def test_probe_key_as_a_path_into_nested_values():
    facts = view({"sshd.EffectiveConfig": {"match": {"users": ["a", "b"]}}})
    assert evaluate_probe(probe("match.users.1", "eq", "b"), facts, {}).status == P
    assert evaluate_probe(probe(["match", "users"], "count_ge", 2), facts, {}).status == P


@pytest.mark.parametrize("missing", ["fail", "pass", "notapplicable", "error"])
def test_missing_value_takes_the_probes_missing_status(missing):
    facts = view({"sshd.EffectiveConfig": {"other": "1"}})
    outcome = evaluate_probe(probe("maxauthtries", "le", 5, missing=missing), facts, {})
    assert outcome.status == Status(missing)
    assert outcome.observed is None and "maxauthtries is not set" in outcome.reason


def test_null_value_is_missing_too():
    facts = view({"sshd.EffectiveConfig": {"maxauthtries": None}})
    assert evaluate_probe(probe("maxauthtries", "le", 5), facts, {}).status == F


def test_presence_operators_judge_absence_themselves():
    facts = view({"sshd.EffectiveConfig": {"x": "1"}})
    assert evaluate_probe(probe("absent_key", "present", False), facts, {}).status == P
    assert evaluate_probe(probe("absent_key", "present", True), facts, {}).status == F
    assert evaluate_probe(probe("absent_key", "empty", True), facts, {}).status == P
    assert evaluate_probe(probe("x", "present", True), facts, {}).status == P


def test_wrong_type_observed_is_an_error_not_a_fail():
    facts = view({"sshd.EffectiveConfig": {"maxauthtries": "lots"}})
    outcome = evaluate_probe(probe("maxauthtries", "le", 5), facts, {})
    assert outcome.status == E and "cannot compare" in outcome.reason


def test_fact_error_is_an_error():
    outcome = evaluate_probe(probe("x"), view(errors={"sshd.EffectiveConfig": "Permission denied"}), {})
    assert outcome.status == E and "Permission denied" in outcome.reason


def test_uncollected_fact_is_an_error():
    assert evaluate_probe(probe("x"), view({}), {}).status == E


USERS = [{"name": "root", "uid": 0, "shell": "/bin/bash"}, {"name": "toor", "uid": 0, "shell": "/bin/sh"},
         {"name": "daemon", "uid": 1, "shell": "/usr/sbin/nologin"}, {"name": "odd"}]


def users_probe(where, op="empty", operand=True, key=None) -> Probe:
    return Probe(fact="accounts.Passwd", key=key, where=where, operator=op, operand=operand)


def test_where_filters_records_and_reports_the_matches():
    facts = view({"accounts.Passwd": USERS})
    outcome = evaluate_probe(users_probe({"uid": {"eq": 0}, "name": {"ne": "root"}}), facts, {})
    assert outcome.status == F and outcome.observed == ["toor"]
    assert evaluate_probe(users_probe({"uid": {"eq": 0}}, "count_le", 1), facts, {}).status == F
    assert evaluate_probe(users_probe({"shell": {"matches": "nologin$"}}, "count_ge", 1), facts, {}).status == P


def test_where_skips_records_without_the_field_unless_asking_for_absence():
    facts = view({"accounts.Passwd": USERS})
    assert evaluate_probe(users_probe({"uid": {"ge": 0}}, "count_le", 3), facts, {}).status == P
    outcome = evaluate_probe(users_probe({"uid": {"present": False}}, "empty", False), facts, {})
    assert outcome.status == P and outcome.observed == ["odd"]


def test_where_parameter_and_bad_operand_in_where():
    facts = view({"accounts.Passwd": USERS})
    assert evaluate_probe(users_probe({"uid": {"lt": "$min_uid"}}, "count_le", 2), facts, {"min_uid": 1}).status == P
    # a record whose field cannot be compared does not match (it is not a crash)
    assert evaluate_probe(users_probe({"shell": {"gt": 3}}, "empty", True), facts, {}).status == P


def test_where_over_a_non_list_is_an_error():
    outcome = evaluate_probe(users_probe({"uid": {"eq": 0}}), view({"accounts.Passwd": {"root": 0}}), {})
    assert outcome.status == E and "'where' needs a list" in outcome.reason


# ---------------------------------------------------------------------------- truth tables
@pytest.mark.parametrize("condition, statuses, expected", [
    ("all", [P, P], P), ("all", [P, F], F), ("all", [F, E], F), ("all", [P, E], E), ("all", [P, N], P),
    ("all", [N, N], N), ("all", [E, N], E), ("all", [], N),
    ("any", [F, P], P), ("any", [E, P], P), ("any", [F, E], E), ("any", [F, F], F), ("any", [F, N], F),
    ("any", [N, N], N), ("any", [E, N], E), ("any", [], N),
    ("none", [F, F], P), ("none", [F, P], F), ("none", [P, E], F), ("none", [F, E], E), ("none", [F, N], P),
    ("none", [N], N), ("none", [E], E),
])
def test_combine(condition, statuses, expected):
    assert combine(condition, [ProbeOutcome(s) for s in statuses]) == expected


def test_error_never_becomes_pass_or_fail_through_a_rule():
    rule = make_rule(probe("a", "eq", "1"), probe("b", "eq", "1"))
    partial = view(errors={"sshd.EffectiveConfig": "timeout"})
    assert evaluate_rule(rule, partial, {}).status == E
    assert evaluate_rule(make_rule(probe("a", "eq", "1"), condition="none"), partial, {}).status == E


# ------------------------------------------------------------------------------ rules
def test_rule_pass_and_fail_with_evidence():
    facts = view({"sshd.EffectiveConfig": {"permitrootlogin": "yes"}})
    rule = make_rule(probe("permitrootlogin", "eq", "no"))
    finding = evaluate_rule(rule, facts, {})
    assert finding.status == F and finding.observed == "yes"
    assert finding.expected == "permitrootlogin = no"
    assert finding.evidence and "yes" in finding.evidence[0]
    facts.results["sshd.EffectiveConfig"].value["permitrootlogin"] = "no"
    assert evaluate_rule(rule, facts, {}).status == P


def test_platform_mismatch_is_notapplicable_with_reason():
    finding = evaluate_rule(make_rule(probe("x"), platform=("rhel",)), view({}, platforms=("linux", "debian")), {})
    assert finding.status == N
    assert finding.reason == "rule applies to rhel; host is debian, linux"


def test_unknown_platform_is_an_error_not_notapplicable():
    """A bundle whose os-release was lost must not turn every rule into notapplicable."""
    finding = evaluate_rule(make_rule(probe("x", "eq", 1)), view({"sshd.EffectiveConfig": {"x": 1}}, platforms=()), {})
    assert finding.status == E and "platform could not be determined" in finding.reason


def test_applicable_check_failing_makes_the_rule_notapplicable():
    applicable = Check("all", (probe("installed", "eq", True),))
    rule = make_rule(probe("maxauthtries", "le", 5), applicable=applicable)
    not_installed = evaluate_rule(rule, view({"sshd.EffectiveConfig": {"installed": False}}), {})
    assert not_installed.status == N and "installed = True" in not_installed.reason
    installed = evaluate_rule(rule, view({"sshd.EffectiveConfig": {"installed": True, "maxauthtries": "9"}}), {})
    assert installed.status == F


def test_applicable_check_error_is_an_error():
    rule = make_rule(probe("maxauthtries", "le", 5), applicable=Check("all", (probe("installed", "eq", True),)))
    finding = evaluate_rule(rule, view(errors={"sshd.EffectiveConfig": "sshd -T failed"}), {})
    assert finding.status == E and "sshd -T failed" in finding.reason


@pytest.mark.parametrize("facts", [{"x": "1"}, {"x": "2"}, None])
def test_manual_rule_is_manual_whatever_the_evidence(facts):
    rule = make_rule(probe("x", "eq", "1"), manual=Text("提供备份策略", "Show the backup policy"))
    facts_view = view({"sshd.EffectiveConfig": facts}) if facts else view(errors={"sshd.EffectiveConfig": "x"})
    finding = evaluate_rule(rule, facts_view, {})
    assert finding.status == Status.MANUAL and finding.reason == "Show the backup policy"


def test_multi_probe_rule_shows_each_observed_value():
    rule = make_rule(probe("a", "eq", "1"), probe("b", "eq", "2"))
    finding = evaluate_rule(rule, view({"sshd.EffectiveConfig": {"a": "1", "b": "3"}}), {})
    assert finding.status == F and finding.observed == {"a": "1", "b": "3"}


def test_stub_view_matches_args_exactly_or_by_bare_name():
    stub = stub_view({"facts": {'files.Metadata({"path": "/a"})': {"mode": "0600"}, "files.Metadata": {"mode": "0777"}}})
    assert stub.get("files.Metadata", {"path": "/a"}).value == {"mode": "0600"}
    assert stub.get("files.Metadata", {"path": "/b"}).value == {"mode": "0777"}
    assert stub.get("accounts.Shadow", {}).error
