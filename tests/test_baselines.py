"""Baselines: rule selection, extends, variables, waivers, and errors that name file:line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hardening.baselines import apply_waivers, load_baseline, parameters_for
from hardening.errors import InputError
from hardening.evaluate import stub_view
from hardening.model import Finding, Status, Text
from hardening.rules import load_rules
from hardening.scan import evaluate_target

DATA = Path(__file__).resolve().parent / "data"
ROOTS = [DATA / "baselines"]
RULES = load_rules([DATA / "rules"])
ALL = ["test_file_mode", "test_password_max_age", "test_ssh_max_auth_tries", "test_ssh_root_login_disabled"]
TODAY = dt.date(2030, 6, 1)


def load(name: str):
    return load_baseline(name, ROOTS, RULES)


def finding(rule_id: str, status: Status) -> Finding:
    return Finding(rule_id=rule_id, status=status, severity="high", title=Text("测试", "test"), reason="r")


def test_fixture_rules_load():
    assert sorted(RULES) == ALL


@pytest.mark.parametrize("name, expected", [
    ("select_id", ["test_file_mode"]),
    ("select_folder", ["test_ssh_max_auth_tries", "test_ssh_root_login_disabled"]),
    ("select_tag", ["test_password_max_age", "test_ssh_max_auth_tries"]),
    ("select_exclude", ["test_file_mode", "test_password_max_age", "test_ssh_max_auth_tries"]),
])
def test_selectors(name, expected):
    assert sorted(load(name).rules) == expected


def test_baseline_by_path_and_unknown_name():
    assert load(str(DATA / "baselines" / "select_id.yml")).rules == ["test_file_mode"]
    with pytest.raises(InputError, match="unknown baseline 'nope'"):
        load("nope")


def test_extends_inherits_rules_variables_and_waivers_and_child_overrides():
    parent, child = load("parent"), load("child")
    assert child.chain == ["child", "parent"]
    assert set(parent.rules) < set(child.rules)
    assert "test_password_max_age" in child.rules
    assert parent.variables == {"test_ssh_max_tries": 3}
    assert child.variables == {"test_ssh_max_tries": 6, "test_password_max_days": 60}
    assert [w.rule for w in child.waivers] == [w.rule for w in parent.waivers] + ["test_ssh_max_auth_tries"]
    params = parameters_for(child, RULES)
    assert params["test_ssh_max_tries"] == 6 and params["test_password_max_days"] == 60
    assert parameters_for(parent, RULES)["test_ssh_max_tries"] == 3


def test_child_can_exclude_an_inherited_rule():
    assert load("child_excludes").rules == ["test_ssh_max_auth_tries"]


def test_child_renewal_overrides_an_expired_parent_waiver():
    parent, child = load("parent"), load("child")
    lapsed = [finding("test_ssh_max_auth_tries", Status.FAIL)]
    apply_waivers(lapsed, parent.waivers, "db01", TODAY)
    assert lapsed[0].status == Status.FAIL and "waiver expired on 2000-01-01" in lapsed[0].reason
    renewed = [finding("test_ssh_max_auth_tries", Status.FAIL)]
    apply_waivers(renewed, child.waivers, "db01", TODAY)
    assert renewed[0].status == Status.WAIVED
    assert renewed[0].waiver["justification"] == "Renewed for another year"


@pytest.mark.parametrize("name, line, message", [
    ("bad_unknown_rule", 5, "selector 'no_such_rule' matches no rule"),
    ("bad_unknown_variable", 7, "variable 'no_such_parameter' is not a parameter"),
    ("bad_variable_type", 6, "variable 'test_ssh_max_tries' must be a int"),
    ("bad_unknown_key", 5, "unknown key 'exclusions' in baseline"),
    ("bad_waiver_rule", 6, "waiver names unknown rule"),
    ("cycle_a", 3, "extends itself through cycle_a → cycle_b → cycle_a"),
])
def test_bad_baselines_name_file_and_line(name, line, message):
    with pytest.raises(InputError) as caught:
        load(name)
    assert Path(caught.value.path).name == f"{name}.yml"
    assert caught.value.line == line
    assert message in caught.value.message
    assert str(caught.value).startswith(f"{caught.value.path}:{line}: ")


def test_malformed_baseline_yaml(tmp_path):
    (tmp_path / "broken.yml").write_text("id: broken\ntitle: {zh: x, en: y\nrules: [a]\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_baseline("broken", [tmp_path], RULES)
    assert caught.value.line == 3 and "malformed YAML" in caught.value.message


def test_waiver_expiry_written_with_a_time_is_a_date():
    waiver = load("waiver_datetime").waivers[0]
    assert waiver.expires == dt.date(2999, 1, 1)
    findings = [finding("test_file_mode", Status.FAIL)]
    apply_waivers(findings, [waiver], "h", TODAY)
    assert findings[0].status == Status.WAIVED


def test_live_waiver_applies_per_host_glob():
    waivers = load("parent").waivers
    web = [finding("test_ssh_root_login_disabled", Status.FAIL)]
    db = [finding("test_ssh_root_login_disabled", Status.FAIL)]
    apply_waivers(web, waivers, "web01", TODAY)
    apply_waivers(db, waivers, "db01", TODAY)
    assert web[0].status == Status.WAIVED
    assert web[0].waiver["active"] is True and web[0].waiver["original_status"] == "fail"
    assert web[0].waiver["hosts"] == ["web*"] and web[0].waiver["source"].endswith("parent.yml:8")
    assert db[0].status == Status.FAIL and db[0].waiver is None


def test_waiver_without_hosts_covers_every_host_until_its_last_day():
    waiver = load("child").waivers[-1]
    assert waiver.hosts == ()
    for host in ("web01", "db01", "10.0.0.7"):
        findings = [finding("test_ssh_max_auth_tries", Status.FAIL)]
        apply_waivers(findings, [waiver], host, dt.date(2999, 1, 1))
        assert findings[0].status == Status.WAIVED
    after = [finding("test_ssh_max_auth_tries", Status.FAIL)]
    apply_waivers(after, [waiver], "db01", dt.date(2999, 1, 2))
    assert after[0].status == Status.FAIL


def test_expired_waiver_keeps_the_fail_and_says_so():
    waivers = load("parent").waivers
    findings = [finding("test_ssh_max_auth_tries", Status.FAIL)]
    apply_waivers(findings, waivers, "any", TODAY)
    assert findings[0].status == Status.FAIL
    assert findings[0].waiver["active"] is False
    assert findings[0].reason.startswith("waiver expired on 2000-01-01 (")
    assert findings[0].reason.endswith("; r")


def test_waiver_does_not_touch_passing_or_notapplicable_findings():
    waivers = load("parent").waivers
    findings = [finding("test_ssh_root_login_disabled", Status.PASS),
                finding("test_ssh_root_login_disabled", Status.NOTAPPLICABLE)]
    apply_waivers(findings, waivers, "web01", TODAY)
    assert [f.status for f in findings] == [Status.PASS, Status.NOTAPPLICABLE]
    assert all(f.waiver is None and f.reason == "r" for f in findings)


def test_waivers_applied_in_evaluation_of_a_target():
    """End to end through evaluate_target: facts → fail → waived on web01, fail on db01."""
    base = load("parent")
    rules = [RULES[r] for r in base.rules]
    params = parameters_for(base, RULES)
    view = stub_view({"facts": {"sshd.EffectiveConfig": {"permitrootlogin": "yes", "maxauthtries": "3"}}})
    platform = {"family": "debian"}
    for host, expected in (("web01", "waived"), ("db01", "fail")):
        findings = evaluate_target(rules, view.results, platform, params, base, host, TODAY)
        by_rule = {f.rule_id: f.status.value for f in findings}
        assert by_rule == {"test_ssh_root_login_disabled": expected, "test_ssh_max_auth_tries": "pass"}


@pytest.mark.parametrize("text, value", [("7", 7), ("0x10", 16)])
def test_var_override_is_read_by_type(text, value):
    assert parameters_for(load("parent"), RULES, {"test_ssh_max_tries": text})["test_ssh_max_tries"] == value


def test_var_override_of_a_str_parameter_keeps_the_text():
    params = parameters_for(load("select_id"), RULES, {"test_file_mode": "0640"})
    assert params["test_file_mode"] == "0640"


@pytest.mark.parametrize("overrides, message", [
    ({"test_ssh_max_tries": "many"}, "must be a int"),
    ({"test_ssh_max_tries": "true"}, "must be a int"),
    ({"no_such_parameter": "1"}, "not a parameter of any rule in baseline parent"),
])
def test_bad_var_override(overrides, message):
    with pytest.raises(InputError, match=message):
        parameters_for(load("parent"), RULES, overrides)


def test_rules_outside_the_baseline_get_their_defaults():
    params = parameters_for(load("select_id"), RULES, also=["test_ssh_max_auth_tries"])
    assert params["test_ssh_max_tries"] == 4


def test_shipped_example_tailoring_extends_the_level3_baseline():
    from hardening import paths
    from hardening.rules import load_rules

    catalog = load_rules(paths.rule_roots())
    example = Path(__file__).resolve().parent.parent / "docs" / "examples" / "tailoring.yml"
    tailored = load_baseline(str(example), paths.baseline_roots(), catalog)
    level3 = load_baseline("mlps_l3_linux", paths.baseline_roots(), catalog)
    assert tailored.chain == ["tailoring", "mlps_l3_linux"]
    assert set(tailored.rules) == set(level3.rules) - {"system_login_banner_set"}
    assert tailored.variables["password_min_length_chars"] == 12
    assert tailored.variables["password_max_age_days"] == 90
    assert [w.rule for w in tailored.waivers] == ["network_firewall_enabled"]
