"""Tier 1: the one-script collector, its framing, the offline bundle, and hostile hosts.

These run the generated script on this machine with ``sh`` (LocalTransport): fast, no SSH.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from hardening.collect import (STDERR_CAP, build_offline_script, build_script, make_plan, new_marker, parse_stream,
                               read_bundle)
from hardening.errors import InputError, TargetError
from hardening.facts import REGISTRY, HostContext, get_fact
from hardening.facts.accounts import Shadow
from hardening.facts.base import Fact, Raw
from hardening.facts.files import KeyValue
from hardening.scan import parse_facts
from hardening.transports.local import LocalTransport

TIMEOUT = 60
# Facts that take arguments get these; a fact with arguments not listed here is left out.
SAMPLE_ARGS = {
    "files.KeyValue": [{"path": "/etc/login.defs"}, {"path": ["/etc/ssh/sshd_config", "/etc/ssh/sshd_config.d/*.conf"]}],
    "files.Metadata": [{"path": "/etc/passwd"}, {"path": "/etc/shadow"}, {"path": "/nonexistent/hf"}],
    "network.ServiceStates": [{"units": ["ssh.service", "sshd.service"]}],
    "backup.Jobs": [{"agents": ["rsync"]}], "backup.RecentArchive": [{"dirs": ["/var/backups"]}],
    "filesystem.Paths": [{"paths": ["/etc", "/tmp"]}], "filesystem.SpecialFiles": [{"paths": ["/etc"]}],
    "resources.DiskUsage": [{"paths": ["/"]}],
}
# Facts present since the first version; their parsed values must not depend on the transport.
CORE_FACTS = {"system.OsRelease", "accounts.Passwd", "accounts.Shadow", "files.KeyValue", "files.Metadata",
              "packages.Installed", "shell.Tmout", "sshd.EffectiveConfig"}


def full_needed() -> list[tuple[str, dict]]:
    needed = []
    for name, cls in sorted(REGISTRY.items()):
        if name.startswith("hftest.") or getattr(cls, "sql", False):  # Oracle facts are read over SQL
            continue
        if not cls.arguments:
            needed.append((name, {}))
        needed.extend((name, args) for args in SAMPLE_ARGS.get(name, []))
    return needed


def run_live(plan, marker, prefix: str = "") -> bytes:
    transport = LocalTransport()
    result = transport.run_script((prefix + build_script(plan, marker)).encode(), TIMEOUT)
    assert transport.exec_count == 1
    assert result.rc == 0, result.stderr
    return result.stdout


def frame(marker: str, index: int, stdout: bytes = b"", stderr: bytes = b"", rc: int = 0, truncated: int = 0) -> bytes:
    """One framed record as the script's ``hf_emit`` prints it."""
    return b"\n%s %d %d %d %d %d\n" % (marker.encode(), index, rc, truncated, len(stdout), len(stderr)) + stdout + stderr


def end(marker: str) -> bytes:
    return b"\n%s END\n" % marker.encode()


@pytest.fixture
def temp_fact():
    """``temp_fact(name, base, **attributes)`` registers a throw-away fact ``hftest.<name>``."""
    made: list[str] = []

    def make(name: str, base: type = Fact, **attributes) -> str:
        attributes.setdefault("parse", lambda self, raw, args, ctx: raw.text())
        cls = type(name, (base,), {"__module__": "hftest", **attributes})
        made.append(cls.name)
        return cls.name

    yield make
    for name in made:
        REGISTRY.pop(name, None)


@pytest.fixture(scope="module")
def full_plan():
    return make_plan(full_needed())


@pytest.fixture(scope="module")
def live(full_plan):
    marker = new_marker()
    stdout = run_live(full_plan, marker)
    return marker, stdout, parse_stream(stdout, full_plan, marker)


# ------------------------------------------------------------------------------ the script
@pytest.mark.parametrize("shell", ["sh", "dash", "bash", "busybox"])
@pytest.mark.parametrize("kind", ["live", "offline"])
def test_script_is_valid_posix_sh(shell: str, kind: str, full_plan, tmp_path: Path):
    command = {"sh": ["sh"], "dash": ["dash"], "bash": ["bash", "--posix"], "busybox": ["busybox", "sh"]}[shell]
    if shutil.which(command[0]) is None:
        if shell == "busybox":
            pytest.skip("busybox is not installed")
        pytest.fail(f"{command[0]} is not installed")
    marker = new_marker()
    script = build_script(full_plan, marker) if kind == "live" else build_offline_script(full_plan, marker, "b")
    path = tmp_path / "collect.sh"
    path.write_text(script)
    done = subprocess.run(command + ["-n", str(path)], capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr


def test_plan_deduplicates_and_starts_with_os_release():
    plan = make_plan([("accounts.Passwd", {}), ("files.KeyValue", {"path": "/a"}), ("accounts.Passwd", {}),
                      ("files.KeyValue", {"path": "/a"}), ("system.OsRelease", {})])
    assert [(p.index, p.key) for p in plan] == [(0, "system.OsRelease"), (1, "accounts.Passwd"),
                                                (2, 'files.KeyValue{"path":"/a"}')]


def test_local_run_returns_every_planned_fact(live, full_plan):
    _marker, _stdout, raws = live
    assert set(raws) == {p.key for p in full_plan}
    results, ctx, platform = parse_facts(full_plan, raws)
    assert ctx.family == platform["family"] == "debian"
    assert any(a["name"] == "root" and a["uid"] == 0 for a in results["accounts.Passwd"].value)
    assert results['files.Metadata{"path":"/etc/passwd"}'].value["mode"] == "0644"
    assert results['files.Metadata{"path":"/nonexistent/hf"}'].value == {"exists": False}
    assert "PASS_MAX_DAYS" in results['files.KeyValue{"path":"/etc/login.defs"}'].value
    crashed = {key: r.error for key, r in results.items() if r.error and r.error.startswith("parser failed")}
    assert not crashed, crashed


def test_record_format_is_what_parse_stream_reads(temp_fact):
    """Pins the framing the helpers above build to what the script really prints."""
    name = temp_fact("Status3", command="printf 'out\\n'; printf 'err' >&2; exit 3")
    plan = make_plan([(name, {})])
    marker = new_marker()
    stdout = run_live(plan, marker)
    assert stdout.endswith(frame(marker, 1, b"out\n", b"err", rc=3) + end(marker))
    raw = parse_stream(stdout, plan, marker)[name]
    assert (raw.stdout, raw.stderr, raw.rc, raw.truncated) == (b"out\n", b"err", 3, False)


def test_record_sizes_without_stat(temp_fact):
    """hf_emit falls back to wc -c where stat -c is missing (a shell function shadows it here)."""
    name = temp_fact("Both", command="printf 'out'; printf 'err' >&2")
    plan = make_plan([(name, {}), ("accounts.Passwd", {})])
    marker = new_marker()
    stdout = run_live(plan, marker, prefix="stat() { return 127; }\n")
    raws = parse_stream(stdout, plan, marker)
    assert (raws[name].stdout, raws[name].stderr) == (b"out", b"err")
    assert raws["accounts.Passwd"].stdout.startswith(b"root:")


# ------------------------------------------------------------------------------ framing
def test_noisy_login_shell_before_the_first_marker(full_plan, live):
    """A .bashrc that prints a banner, a line without newline and a header with another marker."""
    marker, _, clean = live
    noise = ("echo 'Welcome to prod-db-01'; printf 'no newline here'; "
             "printf '\\nHF00000000000000000000000000000000 0 0 0 5 0\\nhello'; printf '\\n\\0\\377 junk\\n'\n")
    stdout = run_live(full_plan, marker, prefix=noise)
    assert stdout.startswith(b"Welcome to prod-db-01\n")
    noisy = parse_stream(stdout, full_plan, marker)
    assert set(noisy) == set(clean)
    for key in ("accounts.Passwd", "system.OsRelease", 'files.KeyValue{"path":"/etc/login.defs"}'):
        assert noisy[key] == clean[key]


def _small():
    plan = make_plan([("accounts.Passwd", {})])
    marker = new_marker()
    good = (b"banner\n" + frame(marker, 0, b"ID=debian\nHF_FAMILY=debian\n")
            + frame(marker, 1, b"root:x:0:0:root:/root:/bin/bash\n", b"warn\n") + end(marker))
    return plan, marker, good


def test_parse_stream_reads_a_good_stream_and_ignores_bytes_after_end():
    plan, marker, good = _small()
    raws = parse_stream(good + b"logout\nConnection to h1 closed.\n\x00\xff", plan, marker)
    assert raws["accounts.Passwd"].stdout == b"root:x:0:0:root:/root:/bin/bash\n"
    assert raws["accounts.Passwd"].stderr == b"warn\n"
    assert raws["system.OsRelease"].rc == 0


@pytest.mark.parametrize("mutate, message", [
    pytest.param(lambda g, m: b"Permission denied (publickey).\n", "marker was not found", id="no_marker"),
    pytest.param(lambda g, m: g.replace(m.encode(), b"HF" + b"0" * 32), "marker was not found", id="forged_other_marker"),
    pytest.param(lambda g, m: g[:g.index(b"root:") + 10], "truncated", id="cut_inside_record"),
    pytest.param(lambda g, m: g[:g.rindex(end(m))], "truncated", id="cut_at_record_boundary"),
    pytest.param(lambda g, m: g[:g.rindex(end(m)) + 5], "truncated", id="cut_inside_end_marker"),
    pytest.param(lambda g, m: g[:g.rindex(end(m)) + 1 + len(m) + 3], "truncated", id="cut_inside_end_line"),
    pytest.param(lambda g, m: g.replace(b" 1 0 0 32 5\n", b" 1 0 0 32\n"), "malformed result header", id="header_4_fields"),
    pytest.param(lambda g, m: g.replace(b" 1 0 0 32 5\n", b" 1 0 0 3x 5\n"), "malformed result header", id="header_not_number"),
    pytest.param(lambda g, m: g.replace(b" 1 0 0 32 5\n", b" 7 0 0 32 5\n"), "not asked for", id="unknown_index"),
    pytest.param(lambda g, m: g.replace(b" 1 0 0 32 5\n", b" 1 0 0 29 5\n"), "framing is broken", id="wrong_size"),
    pytest.param(lambda g, m: g.replace(end(m), b"\nlogout\n"), "framing is broken", id="junk_instead_of_end"),
])
def test_parse_stream_refuses_broken_output(mutate, message):
    plan, marker, good = _small()
    assert b" 1 0 0 32 5\n" in good
    with pytest.raises(TargetError, match=message):
        parse_stream(mutate(good, marker), plan, marker)


def test_forged_negative_size_cannot_loop():
    """A header whose size points back at itself must be refused, not followed for ever."""
    plan = make_plan([])
    marker = "HF" + "a" * 32
    forged = f"\n{marker} 0 0 0 -{len(marker) + 12} 0\n"
    data = frame(marker, 0, b"x") + forged.encode()
    outcome: list = []

    def parse():
        try:
            parse_stream(data, plan, marker)
        except TargetError as exc:
            outcome.append(exc)

    worker = threading.Thread(target=parse, daemon=True)
    worker.start()
    worker.join(5)
    assert not worker.is_alive(), "parse_stream loops on a negative size"
    assert outcome and "malformed" in str(outcome[0])


def test_marker_inside_fact_output_is_only_data(temp_fact, tmp_path: Path):
    """File contents that carry the scan's own marker cannot forge records: sizes frame them."""
    marker = new_marker()
    evil = tmp_path / "evil.conf"
    evil.write_bytes(b"KEY one\n" + frame(marker, 0, b"ID=evil\n") + end(marker) + b"\nLATE two\n")
    plan = make_plan([("files.KeyValue", {"path": str(evil)}), ("accounts.Passwd", {})])
    raws = parse_stream(run_live(plan, marker), plan, marker)
    results, ctx, _ = parse_facts(plan, raws)
    assert results[plan[1].key].value["LATE"] == "two"
    assert ctx.family == "debian"
    assert results["accounts.Passwd"].error is None


# ------------------------------------------------------------------------------ order and sharing
def test_facts_with_the_same_command_run_once_and_each_gets_the_output(temp_fact, tmp_path: Path):
    runs = tmp_path / "runs"
    command = f"echo x >> {runs}; echo shared; exit 3"
    first = temp_fact("SharedOne", command=command, ok_codes=(3,))
    second = temp_fact("SharedTwo", command=command, ok_codes=(3,))
    plan = make_plan([(first, {}), ("accounts.Passwd", {}), (second, {})])
    marker = new_marker()
    raws = parse_stream(run_live(plan, marker), plan, marker)
    assert runs.read_text() == "x\n"
    assert raws[first] == raws[second] == Raw(b"shared\n", b"", 3, False)


def test_two_lanes_run_side_by_side_and_keep_each_status(temp_fact, tmp_path: Path):
    """Each fact marks that it started, then waits (up to 5 s) for the fact of the other lane to
    have started: both meet only when the lanes run at the same time."""
    flag = tmp_path / "flag"
    waits = (": > {mine}; i=0; while [ ! -e {other} ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; "
             "[ -e {other} ] && echo met; exit {rc}")
    left = temp_fact("LaneLeft", command=waits.format(mine=f"{flag}.a", other=f"{flag}.b", rc=4), ok_codes=(4,), cost=50)
    right = temp_fact("LaneRight", command=waits.format(mine=f"{flag}.b", other=f"{flag}.a", rc=5), ok_codes=(5,), cost=50)
    plan = make_plan([(left, {}), (right, {})])
    marker = new_marker()
    raws = parse_stream(run_live(plan, marker), plan, marker)
    assert (raws[left].stdout, raws[left].rc) == (b"met\n", 4)
    assert (raws[right].stdout, raws[right].rc) == (b"met\n", 5)


def test_a_fact_that_reads_processes_runs_before_the_lanes(temp_fact):
    """resources.Processes counts zombies: a fact of the other lane, exited and not yet reaped,
    must not be one. Here every laned fact leaves a zombie for a second; none may be seen."""
    zombie = "sh -c 'sleep 0 & exec sleep 1' & wait"  # the inner sleep 0 is a zombie while sleep 1 runs
    slow = [temp_fact(f"Zombie{i}", command=zombie) for i in range(3)]
    plan = make_plan([(name, {}) for name in slow] + [("resources.Processes", {})])
    marker = new_marker()
    raws = parse_stream(run_live(plan, marker), plan, marker)
    results, _, _ = parse_facts(plan, raws)
    assert get_fact("resources.Processes").alone
    assert results["resources.Processes"].value["zombies"] == []


def test_shared_helpers_run_once_for_all_facts(tmp_path: Path):
    """sshd -T runs once for sshd.EffectiveConfig and network.LoginBanner (a shell function
    stands in for sshd: functions come before PATH, which the script resets)."""
    calls = tmp_path / "calls"
    fake_sshd = (f"sshd() {{ echo call >> {calls}; printf '%s\\n' 'port 22' 'banner /etc/issue.net' "
                 "'permitrootlogin no' 'maxauthtries 4' 'x11forwarding no' 'ciphers aes256-ctr'; }\n")
    plan = make_plan([("sshd.EffectiveConfig", {}), ("network.LoginBanner", {})])
    marker = new_marker()
    raws = parse_stream(run_live(plan, marker, prefix=fake_sshd), plan, marker)
    assert calls.read_text() == "call\n"
    results, _, _ = parse_facts(plan, raws)
    assert results["sshd.EffectiveConfig"].value["permitrootlogin"] == "no"
    assert results["network.LoginBanner"].value["ssh_banner"] == "/etc/issue.net"


# ------------------------------------------------------------------------------ per-fact failures
def test_output_over_the_cap_is_a_fact_error(temp_fact, tmp_path: Path):
    big = tmp_path / "big.conf"
    big.write_text("KEY " + "x" * 1000 + "\n")
    small_kv = temp_fact("SmallKeyValue", base=KeyValue, output_cap=64, parse=KeyValue.parse)
    noisy = temp_fact("NoisyStderr", command="printf ok; head -c 10000 /dev/zero | tr '\\0' e >&2")
    plan = make_plan([(small_kv, {"path": str(big)}), (noisy, {}), ("accounts.Passwd", {})])
    marker = new_marker()
    raws = parse_stream(run_live(plan, marker), plan, marker)
    raw = raws[plan[1].key]
    assert raw.truncated and len(raw.stdout) == 64
    assert raws[plan[2].key].stdout == b"ok" and len(raws[plan[2].key].stderr) == STDERR_CAP
    results, _, _ = parse_facts(plan, raws)
    assert "cut off" in results[plan[1].key].error
    assert results[plan[2].key].error is None
    assert results["accounts.Passwd"].error is None


def test_failing_command_is_an_error_for_that_fact_only(temp_fact):
    missing = temp_fact("Missing", command="hf_no_such_command_3141 --version")
    reads_stdin = temp_fact("ReadsStdin", command="cat; echo done")
    plan = make_plan([(missing, {}), (reads_stdin, {}), ("accounts.Passwd", {}), ("files.Metadata", {"path": "/etc/passwd"})])
    marker = new_marker()
    raws = parse_stream(run_live(plan, marker), plan, marker)
    assert raws[missing].rc == 127
    assert raws[reads_stdin].stdout == b"done\n"  # a command reading stdin does not eat the script
    results, _, _ = parse_facts(plan, raws)
    assert "status 127" in results[missing].error and "not found" in results[missing].error
    assert all(results[p.key].error is None for p in plan if p.fact != missing)


def test_unreadable_file_is_an_error_not_a_missing_file():
    """cat fails on /proc/self/mem even for root: hf_files must say so, not list no file."""
    plan = make_plan([("files.KeyValue", {"path": ["/etc/login.defs", "/proc/self/mem"]})])
    marker = new_marker()
    raws = parse_stream(run_live(plan, marker), plan, marker)
    results, _, _ = parse_facts(plan, raws)
    error = results[plan[1].key].error
    assert error and "status 1" in error and "/proc/self/mem" in error


# ------------------------------------------------------------------------------ hostile file names
CANARIES = {"canary_name", "canary_bt", "canary_dir", "canary_dir2", "canary_content"}
HOSTILE_NAMES = ["a\nb.conf", "it's \"q\".conf", "$(touch canary_name).conf", "`touch canary_bt`.conf",
                 "semi;colon&amp|pipe >x.conf", "-n.conf", os.fsdecode(b"\xff\xfe.conf")]


def test_hostile_file_names_and_contents_are_read_intact_and_never_run(tmp_path: Path, monkeypatch):
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)  # a relative `touch` in a name would land here
    canary = tmp_path / "canary_content"
    folder = tmp_path / "conf $(touch canary_dir) `touch canary_dir2` 'q'"
    folder.mkdir()
    for number, name in enumerate(HOSTILE_NAMES):
        (folder / name).write_bytes(f"KEY{number} $(touch {canary})\nCMD{number} `touch {canary}`\n".encode())
    literal = str(tmp_path / f"$(touch {canary}).conf")  # a path argument with shell syntax, not a glob
    plan = make_plan([("files.KeyValue", {"path": [str(folder) + "/*.conf", literal]})])
    marker = new_marker()
    raws = parse_stream(run_live(plan, marker), plan, marker)
    ran = [p for p in tmp_path.rglob("canary*") if p.name in CANARIES]
    assert not ran, f"shell syntax was executed: {ran}"
    results, _, _ = parse_facts(plan, raws)
    result = results[plan[1].key]
    assert result.error is None
    assert result.value == {**{f"KEY{n}": f"$(touch {canary})" for n in range(len(HOSTILE_NAMES))},
                            **{f"CMD{n}": f"`touch {canary}`" for n in range(len(HOSTILE_NAMES))}}
    expected_names = {os.fsencode(folder / name).decode("utf-8", "replace") for name in HOSTILE_NAMES}
    read_names = {source.rsplit(":", 2)[0] for key, source in result.sources.items() if key.startswith("KEY")}
    assert read_names == expected_names


# ------------------------------------------------------------------------------ offline bundle
def test_offline_bundle_parses_like_the_live_stream(full_plan, tmp_path: Path):
    """Both runs back to back, so a package apt is configuring meanwhile does not differ."""
    live_marker = new_marker()
    live_raws = parse_stream(run_live(full_plan, live_marker), full_plan, live_marker)
    script = tmp_path / "collect.sh"
    baseline = "mlps_l3_linux 'q' $(id) `id`"  # printed by the script: must come back as is
    script.write_text(build_offline_script(full_plan, new_marker(), baseline))
    done = subprocess.run(["sh", str(script)], capture_output=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    bundle_path = str(tmp_path / "bundle.json")
    plan, raws, _marker, read_baseline = read_bundle(done.stdout.decode("ascii"), bundle_path)
    assert read_baseline == baseline
    assert [(p.index, p.key) for p in plan] == [(p.index, p.key) for p in full_plan]
    assert set(raws) == set(live_raws)
    offline_results, offline_ctx, _ = parse_facts(plan, raws)
    live_results, live_ctx, _ = parse_facts(full_plan, live_raws)
    assert offline_ctx == live_ctx
    for p in full_plan:
        if p.fact in CORE_FACTS:
            assert offline_results[p.key].value == live_results[p.key].value, p.key
            assert offline_results[p.key].error == live_results[p.key].error, p.key


def _bundle(**changes) -> str:
    plan = make_plan([])
    marker = "HF" + "b" * 32
    bundle = {"format": "hardening-bundle/1", "baseline": "x", "marker": marker,
              "plan": [{"index": p.index, "fact": p.fact, "args": p.args} for p in plan],
              "stream_b64": base64.b64encode(frame(marker, 0, b"ID=debian\n") + end(marker)).decode()}
    bundle.update(changes)
    return json.dumps(bundle)


def test_good_bundle_reads():
    plan, raws, _, baseline = read_bundle(_bundle(), "/tmp/b.json")
    assert baseline == "x" and raws["system.OsRelease"].stdout == b"ID=debian\n"


@pytest.mark.parametrize("text, message", [
    pytest.param('{"format": "hardening-bundle/1",\n "plan": [', "not valid JSON", id="cut_json"),
    pytest.param("", "not valid JSON", id="empty"),
    pytest.param("[1, 2]", "malformed bundle", id="not_an_object"),
    pytest.param(_bundle(format="something-else/9"), "not a hardening bundle", id="wrong_format"),
    pytest.param(_bundle(stream_b64="!!!not base64!!!"), "malformed bundle", id="bad_base64"),
    pytest.param(_bundle(stream_b64=12), "malformed bundle", id="stream_not_text"),
    pytest.param(_bundle(plan=[{"fact": "system.OsRelease"}]), "malformed bundle", id="plan_without_index"),
    pytest.param(_bundle(stream_b64=base64.b64encode(b"just junk").decode()), "bundle content: garbage output",
                 id="stream_without_marker"),
    pytest.param(_bundle(stream_b64=base64.b64encode(frame("HF" + "b" * 32, 0, b"ID=x")).decode()),
                 "bundle content: output ended early", id="stream_cut"),
])
def test_bad_bundle_is_an_input_error_with_the_path(text: str, message: str):
    with pytest.raises(InputError) as caught:
        read_bundle(text, "/srv/in/bundle.json")
    assert caught.value.path == "/srv/in/bundle.json"
    assert str(caught.value).startswith("/srv/in/bundle.json")
    assert message in caught.value.message


# ------------------------------------------------------------------------------ password hashes
FAKE_SHADOW = """root:$y$j9T$F5Jx5fExrKuJdjYHEXQAw.$oNVAHsTqQyIsYJtCKTNnAbwsBdFlpBFUyLb6wvrGcoC:19700:0:99999:7:::
alice:$6$rounds=5000$Gh7sWq1L$3kVb9Zr0p2Qy8uT5wXcAeD1fG4hJ6kL7mN9oP0qR2sT3uV4wX5yZ6a7b8c9d0e1f2g3h4i5j6k7l8m9n0:19700:1:90:7:30::
bob:!$6$YqB2cK9d$Zx8Wv7Ut6Sr5Qp4On3Ml2Kj1Ih0Gf9Ed8Cb7Aa6Zz5Yy4Xx3Ww2Vv1Uu0Tt9Ss8Rr7Qq6Pp5Oo4Nn3Mm2Ll1Kk0Jj9Ii8:19700:0:99999:7:::
carol:$1$Wq3eRt5y$Ui7oP9aS1dF3gH5jK7lZx.:19700:0:99999:7:::
dave:$2b$12$Qw8eRt6yUi4oPa2sDf0gHuJkLzXcVbNm1234567890abcdefghij:19700:0:99999:7:::

# a comment with $6$commentsalt$commenthash
legacy:abDEf0123gHiJ:19700:0:99999:7:::
odd:$onlyonedollarhashvaluelongerthansix:19700:0:99999:7:::
$6$strayline$hashonalinebyitselfwithnoname
$6$namelesssalt$namelesshash:19700:0:99999:7:::
sshd:!!:19700::::::
daemon:*:19700:0:99999:7:::
guest::19700:0:99999:7:::
"""
SECRET_FRAGMENTS = ["$6$", "$y$", "$1$", "$2b$", "F5Jx5fExrKuJdjYHEXQAw", "oNVAHsTqQy", "Gh7sWq1L", "3kVb9Zr0p2",
                    "YqB2cK9d", "Zx8Wv7Ut6", "Wq3eRt5y", "Ui7oP9aS1d", "Qw8eRt6yUi", "abDEf0123gHiJ",
                    "onlyonedollarhash", "strayline", "hashonalinebyitself", "commentsalt", "commenthash",
                    "namelesssalt", "namelesshash"]


def test_shadow_command_never_prints_a_hash(tmp_path: Path):
    fake = tmp_path / "shadow"
    fake.write_text(FAKE_SHADOW)
    fact = get_fact("accounts.Shadow")
    fact.path = str(fake)
    done = subprocess.run(["sh", "-c", fact.shell({})], capture_output=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    output = (done.stdout + done.stderr).decode("utf-8", "replace")
    leaked = [s for s in SECRET_FRAGMENTS if s in output]
    assert not leaked, f"hash material left the host: {leaked}"
    parsed = fact.parse_raw(Raw(done.stdout), {}, HostContext("debian"))
    kinds = {a["name"]: (a["password"], a["algorithm"]) for a in parsed.value}
    assert kinds == {"root": ("hash", "y"), "alice": ("hash", "6"), "bob": ("locked", "6"), "carol": ("hash", "1"),
                     "dave": ("hash", "2b"), "legacy": ("hash", ""), "odd": ("hash", "unknown"),
                     "sshd": ("locked", ""), "daemon": ("locked", ""), "guest": ("empty", "")}
    assert parsed.sources["guest"].startswith("/etc/shadow:14: ")  # line numbers stay the file's


def test_collector_stream_carries_no_hash(tmp_path: Path, monkeypatch):
    fake = tmp_path / "shadow"
    fake.write_text(FAKE_SHADOW)
    monkeypatch.setattr(Shadow, "path", str(fake))
    plan = make_plan([("accounts.Shadow", {})])
    marker = new_marker()
    stdout = run_live(plan, marker)
    assert not [s for s in SECRET_FRAGMENTS if s.encode() in stdout]
    results, _, _ = parse_facts(plan, parse_stream(stdout, plan, marker))
    assert {a["name"] for a in results["accounts.Shadow"].value} >= {"root", "alice", "guest"}


FAKE_PASSWD = """root:x:0:0:root:/root:/bin/bash
legacy:$6$passwdsalt$passwdhashvalue:1001:1001::/home/legacy:/bin/bash
$6$strayinpasswd$strayhash
"""
FAKE_GSHADOW = "root:*::\nadmins:$6$groupsalt$grouphashvalue::alice\n"


def test_no_fact_sends_a_hash(tmp_path: Path):
    """Every registered fact, run on a host whose passwd, shadow and gshadow hold hashes (the
    files bind-mounted over the real ones in a private mount namespace): no hash in the stream."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare for a private mount namespace")
    mounts = []
    for name, text in (("passwd", FAKE_PASSWD), ("shadow", FAKE_SHADOW), ("gshadow", FAKE_GSHADOW)):
        (tmp_path / name).write_text(text)
        mounts.append(f"mount --bind {tmp_path / name} /etc/{name}")
    plan = make_plan(full_needed())
    marker = new_marker()
    done = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", " && ".join(mounts) + " && exec sh -s"],
                          input=build_script(plan, marker).encode(), capture_output=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    raws = parse_stream(done.stdout, plan, marker)
    assert "legacy" in raws["accounts.Passwd"].stdout.decode()  # the fake files were read
    fragments = SECRET_FRAGMENTS + ["passwdsalt", "passwdhashvalue", "strayinpasswd", "strayhash", "groupsalt", "grouphashvalue"]
    leaks = {key: [f for f in fragments if f.encode() in raw.stdout + raw.stderr] for key, raw in raws.items()}
    assert not {key: found for key, found in leaks.items() if found}
