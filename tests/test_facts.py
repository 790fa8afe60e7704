"""Tier 1: fact parsers against recorded outputs (``tests/facts/<module.Class>/<case>.json``).

Each case is plain data: what the host printed (``stdout`` or ``stdout_b64`` for bytes that
are not text), its exit status, stderr and truncation flag, and either the expected value
or a substring of the expected ``FactError``. A case named ``debian12_*`` was recorded on
a Debian 12 machine; ``rhel8_*``/``rhel9_*`` cases are written from the RHEL formats.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from hardening.errors import FactError
from hardening.facts import REGISTRY, HostContext, Raw, get_fact
from hardening.facts.records import split_files

FIXTURES = Path(__file__).resolve().parent / "facts"
CASE_KEYS = {"args", "family", "stdout", "stdout_b64", "rc", "stderr", "truncated",
             "expect", "expect_error", "expect_sources", "note"}
FAMILIES = {"debian", "rhel", "suse", "unknown"}


def hf_stream(files: list[tuple[str | bytes, str | bytes]]) -> bytes:
    """What the collector's ``hf_files`` prints: ``<size>\\0<name>\\0<bytes>`` per file."""
    out = b""
    for name, content in files:
        name = name.encode() if isinstance(name, str) else name
        content = content.encode() if isinstance(content, str) else content
        out += str(len(content)).encode() + b"\0" + name + b"\0" + content
    return out


def load_case(path: Path) -> dict:
    case = json.loads(path.read_text(encoding="utf-8"))
    unknown = set(case) - CASE_KEYS
    assert not unknown, f"{path}: unknown keys {sorted(unknown)}"
    assert ("stdout" in case) != ("stdout_b64" in case), f"{path}: give exactly one of stdout, stdout_b64"
    assert ("expect" in case) != ("expect_error" in case), f"{path}: give exactly one of expect, expect_error"
    assert case.get("family", "debian") in FAMILIES, f"{path}: unknown family"
    return case


def raw_of(case: dict) -> Raw:
    stdout = (base64.b64decode(case["stdout_b64"], validate=True) if "stdout_b64" in case
              else case["stdout"].encode("utf-8"))
    return Raw(stdout=stdout, stderr=case.get("stderr", "").encode("utf-8"),
               rc=case.get("rc", 0), truncated=case.get("truncated", False))


def all_cases() -> list[Path]:
    return sorted(FIXTURES.glob("*/*.json"))


@pytest.mark.parametrize("path", all_cases(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_recorded_output(path: Path):
    case = load_case(path)
    fact_name = path.parent.name
    assert fact_name in REGISTRY, f"fixture folder {fact_name} names no registered fact"
    fact = get_fact(fact_name)
    args = case.get("args", {})
    assert set(args) <= set(fact.arguments), f"arguments {sorted(set(args) - set(fact.arguments))} are not declared"
    ctx = HostContext(family=case.get("family", "debian"))
    raw = raw_of(case)
    if "expect_error" in case:
        with pytest.raises(FactError, match=re.escape(case["expect_error"])):
            fact.parse_raw(raw, args, ctx)
        return
    parsed = fact.parse_raw(raw, args, ctx)
    # through JSON, as the facts bundle and the store see the value
    assert json.loads(json.dumps(parsed.value)) == case["expect"]
    for key, text in case.get("expect_sources", {}).items():
        assert key in parsed.sources, f"no source for {key!r}"
        assert parsed.sources[key] == text


@pytest.mark.parametrize("fact_name", sorted(REGISTRY))
def test_every_fact_has_fixtures(fact_name: str):
    """Each fact has parsed Debian and RHEL-family cases, an error case and a truncated one."""
    folder = FIXTURES / fact_name
    cases = [load_case(p) for p in sorted(folder.glob("*.json"))]
    assert cases, f"no fixtures in {folder}"
    families = {c.get("family", "debian") for c in cases if "expect" in c}
    assert {"debian", "rhel"} <= families, f"{fact_name}: need parsed Debian and RHEL cases, have {families}"
    assert any("expect_error" in c for c in cases), f"{fact_name}: no junk/error case"
    assert any(c.get("truncated") for c in cases), f"{fact_name}: no truncated case"


def test_fixture_folders_name_registered_facts():
    stray = [p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name not in REGISTRY]
    assert not stray, f"fixture folders for unknown facts: {stray}"


def test_hf_stream_helper_round_trips():
    files = [("/etc/a\nb", b"x\0y"), (b"/etc/\xff", b""), ("/etc/c", "k v\n")]
    assert split_files(hf_stream(files)) == [("/etc/a\nb", b"x\0y"), ("/etc/\ufffd", b""), ("/etc/c", b"k v\n")]


@pytest.mark.parametrize("data, message", [
    (b"12\0/etc/x", "truncated"),          # name not terminated
    (b"x1\0/etc/x\0abc", "malformed"),     # size is not a number
    (b"-1\0/etc/x\0", "malformed"),        # a negative size must not move backwards
    (b"99\0/etc/x\0short", "/etc/x is truncated"),
])
def test_split_files_refuses_bad_streams(data: bytes, message: str):
    with pytest.raises(FactError, match=re.escape(message)):
        split_files(data)


# Arguments for facts that need them in the robustness test below.
SAMPLE_ARGS = {"files.KeyValue": {"path": "/etc/login.defs"}, "files.Metadata": {"path": "/etc/passwd"},
               "network.ServiceStates": {"units": ["sshd.service"]}, "backup.Jobs": {"agents": ["rsync"]},
               "backup.RecentArchive": {"dirs": ["/backup"]}, "filesystem.Paths": {"paths": ["/etc"]},
               "filesystem.SpecialFiles": {"paths": ["/"]}, "resources.DiskUsage": {"paths": ["/"]},
               "oracle.ProfileLimit": {"resource": "FAILED_LOGIN_ATTEMPTS"}}
HOSTILE_OUTPUTS = {
    "huge_line": b"A" * 2_000_000 + b"\n",
    "binary": bytes(range(256)) * 64,
    "crlf": b"key value\r\nPASS_MAX_DAYS 90\r\nport 22\r\n" * 200,
    "shell_syntax": b"$(touch /tmp/pwned) `id` 'q\" ; | & \\\n" * 200,
    "hf_files_lookalike": b"12\x00/etc/x\x00short",
    "blank_lines": b"\n" * 10_000,
    "many_words": b"readonly " + b"A " * 200_000 + b"TMOUT\n",
}


@pytest.mark.parametrize("output", sorted(HOSTILE_OUTPUTS))
@pytest.mark.parametrize("fact_name", sorted(REGISTRY))
def test_parser_survives_hostile_output(fact_name: str, output: str):
    """Whatever a host prints, a parser returns a value or raises FactError - never crashes."""
    fact = get_fact(fact_name)
    args = SAMPLE_ARGS.get(fact_name, {})
    if set(fact.arguments) and not args:
        pytest.skip(f"no sample arguments for {fact_name}")
    for family in ("debian", "rhel"):
        try:
            fact.parse_raw(Raw(HOSTILE_OUTPUTS[output]), args, HostContext(family=family))
        except FactError:
            pass
