"""`hardening rules lint`: every broken rule is reported as path:line: message, exit 2, no traceback.

Each folder under tests/data/bad_rules holds one small rule broken in one way; the line numbers
below are the lines of those files where the problem is.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from hardening.cli import cli
from hardening.rules import Problems, load_rules

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
BAD = DATA / "bad_rules"

# case -> (file inside the case folder, line, part of the message)
CASES = {
    "unknown_key": ("unknown_key_rule.yml", 9, "unknown key 'colour' in rule"),
    "missing_title_language": ("missing_title_language_rule.yml", 3, "title is missing its en text"),
    "duplicate_id": ("b/dup_rule.yml", 1, "duplicate id 'dup_rule'"),
    "id_not_stem": ("id_not_stem_rule.yml", 1, "id 'another_name' differs from the file name 'id_not_stem_rule'"),
    "undeclared_parameter": ("undeclared_parameter_rule.yml", 18, "undeclared parameter $max_tries_undeclared"),
    "unknown_fact": ("unknown_fact_rule.yml", 16, "unknown fact 'sshd.NoSuchFact'"),
    "unknown_operator": ("unknown_operator_rule.yml", 18, "unknown operator 'roughly'"),
    "malformed_yaml": ("malformed_yaml_rule.yml", 8, "malformed YAML"),
    "bad_severity": ("bad_severity_rule.yml", 8, "severity must be one of"),
    "missing_mlps_reference": ("missing_mlps_reference_rule.yml", 10, "at least one MLPS clause"),
    "bad_clause_format": ("bad_clause_format_rule.yml", 11, "MLPS clause must look like '8.1.4.1 a)'"),
    "failing_inline_test": ("failing_inline_test_rule.yml", 20, "test 'few' expected pass, got fail"),
    "no_fail_test": ("no_fail_test_rule.yml", 20, "test expecting pass and one expecting fail"),
    "wrong_fact_argument": ("wrong_fact_argument_rule.yml", 17, "fact sshd.EffectiveConfig takes no argument 'file'"),
    "condition_not_a_word": ("condition_not_a_word_rule.yml", 14, "condition must be all, any or none"),
    "test_errors_not_a_mapping": ("test_errors_not_a_mapping_rule.yml", 21, "test errors must be a mapping"),
    "not_a_mapping": ("not_a_mapping_rule.yml", 1, "a rule must be a YAML mapping"),
}


def lint(*targets: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "hardening", "rules", "lint", *targets],
                          capture_output=True, text=True, cwd=REPO, env=env, timeout=60)


def test_every_case_folder_is_covered():
    assert sorted(p.name for p in BAD.iterdir() if p.is_dir()) == sorted(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_problem_is_reported_at_its_line(case, monkeypatch):
    """In-process for speed (the subprocess tests below cover the real exit path)."""
    monkeypatch.chdir(REPO)
    file, line, message = CASES[case]
    result = CliRunner().invoke(cli, ["rules", "lint", str(BAD.relative_to(REPO) / case)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    expected_prefix = f"{BAD.relative_to(REPO) / case / file}:{line}: "
    lines = result.stdout.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(expected_prefix), (lines[0], expected_prefix)
    assert message in lines[0]
    assert "1 problem(s)" in result.stderr


def test_all_bad_cases_at_once_report_each_problem():
    result = lint(str(BAD.relative_to(REPO)))
    assert result.returncode == 2
    for case, (file, line, message) in CASES.items():
        assert any(out.startswith(f"{BAD.relative_to(REPO) / case / file}:{line}: ") and message in out
                   for out in result.stdout.splitlines()), case


def test_good_rules_lint_clean():
    result = lint(str((DATA / "rules").relative_to(REPO)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 rule(s) OK" in result.stdout


def test_shipped_rules_lint_clean():
    result = lint()
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("rule(s) OK")


def test_lint_of_a_missing_path_is_a_usage_error():
    result = lint("tests/data/no_such_folder")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_loader_collects_problems_and_skips_broken_rules():
    problems = Problems()
    rules = load_rules([BAD / "unknown_fact", DATA / "rules"], problems)
    assert "unknown_fact_rule" not in rules
    assert "test_file_mode" in rules
    assert [(Path(p).name, n) for p, n, _ in problems.items] == [("unknown_fact_rule.yml", 16)]


@pytest.mark.parametrize("mutation", [
    ("condition: all", "condition: {all: 1}"),
    ("fact: sshd.EffectiveConfig", "fact: [sshd.EffectiveConfig]"),
    ("platform: [linux]", "platform: [[linux]]"),
    ("{name: few, expect: pass,", "{name: few, expect: [pass],"),
    ("{name: few, expect: pass,", "{name: few, expect: pass, params: [1],"),
    ("facts: {sshd.EffectiveConfig: {maxauthtries: \"3\"}}", "facts: {1: {maxauthtries: \"3\"}}"),
    ("      key: maxauthtries", "      key: maxauthtries\n      missing: [fail]"),
    ("platform: [linux]", "platform: [linux]\nparameters: {p: {type: [int], default: 1}}"),
    ("title:", "title: [1]\nx:"),
    ("      expect: {le: 5}", "      expect: 5"),
    ('{clause: "8.1.4.1 a)"}', '{clause: "8.1.4.5 a"}'),
])
def test_values_of_the_wrong_shape_are_problems_not_crashes(tmp_path, mutation):
    source = (BAD / "bad_severity" / "bad_severity_rule.yml").read_text(encoding="utf-8")
    source = source.replace("severity: urgent", "severity: low")
    assert mutation[0] in source
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "bad_severity_rule.yml").write_text(source.replace(mutation[0], mutation[1], 1), encoding="utf-8")
    problems = Problems()
    assert load_rules([folder], problems) == {}
    assert problems and all(line > 0 for _p, line, _m in problems.items), problems.items


def test_one_item_sections_are_cited_without_a_letter(tmp_path):
    source = (DATA / "rules" / "linux" / "files" / "test_file_mode.yml").read_text(encoding="utf-8")
    (tmp_path / "test_file_mode.yml").write_text(source.replace('"8.1.4.2 f)"', '"8.1.4.5"'), encoding="utf-8")
    problems = Problems()
    assert load_rules([tmp_path], problems)["test_file_mode"].mlps_clauses() == ["8.1.4.5"]
    assert not problems
