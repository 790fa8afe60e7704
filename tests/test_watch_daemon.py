"""Integrity watcher daemon (`hardening watch run`) as a real process on real files: real-time
detection, SIGTERM, kill -9 and restart, watch limits, a 100,000-event flood, webhook and syslog."""

from __future__ import annotations

import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_watch_helpers import Watcher, hw, read_events, write_policy  # noqa: E402

from hardening.store import Store  # noqa: E402


@pytest.fixture
def setup(tmp_path):
    tree = tmp_path / "tree"
    (tree / "etc").mkdir(parents=True)
    for i in range(20):
        (tree / "etc" / f"f{i}.conf").write_text(f"value={i}\n")
    policy = write_policy(tmp_path / "policy.yml", [{"path": str(tree)}])
    state = tmp_path / "state"
    hw("init", "--policy", policy, "--state-dir", state, check_rc=0)
    return tree, state, tmp_path / "alerts.jsonl", tmp_path


def is_event(kind: str, path: Path):
    return lambda e: e["event"] == kind and e.get("path") == str(path)


def test_real_time_detection_and_clean_shutdown(setup):
    tree, state, alerts, tmp = setup
    w = Watcher(state, alerts, "--db", tmp / "h.db")
    try:
        w.ready()
        time.sleep(0.5)
        cpu = lambda: sum(int(x) for x in Path(f"/proc/{w.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()[11:13])
        before = cpu()
        time.sleep(2)
        assert (cpu() - before) / os.sysconf("SC_CLK_TCK") < 0.02, "idle means (nearly) no CPU: it sleeps in select()"
        target = tree / "etc" / "f1.conf"
        started = time.monotonic()
        target.write_text("value=tampered\n")
        e = w.wait_for(is_event("changed", target), timeout=5)
        assert time.monotonic() - started < 1.0, "write → alert must take less than a second"
        assert "sha256" in e["changes"] and e["severity"] == "high" and e["seq"] > 0
        os.chmod(tree / "etc" / "f2.conf", 0o600)
        w.wait_for(lambda e: e.get("path") == str(tree / "etc" / "f2.conf") and "mode" in e.get("changes", {}))
        os.rename(tree / "etc" / "f3.conf", tree / "etc" / "f3.moved")
        w.wait_for(is_event("removed", tree / "etc" / "f3.conf"))
        w.wait_for(is_event("added", tree / "etc" / "f3.moved"))
        os.symlink("f4.conf", tree / "etc" / "lnk")
        w.wait_for(is_event("added", tree / "etc" / "lnk"))
        (tree / "etc" / "lnk").unlink()
        os.symlink("f5.conf", tree / "etc" / "lnk")
        (tree / "etc" / "f6.conf").unlink()
        w.wait_for(is_event("removed", tree / "etc" / "f6.conf"))
        (tree / "new" / "deep").mkdir(parents=True)
        (tree / "new" / "deep" / "x.sh").write_text("#!/bin/sh\n")
        w.wait_for(is_event("added", tree / "new" / "deep" / "x.sh"))
        # an added file removed again: back to the baseline
        (tree / "new" / "deep" / "x.sh").unlink()
        w.wait_for(lambda e: e["event"] == "restored" and e["path"] == str(tree / "new" / "deep" / "x.sh"))
    finally:
        rc = w.stop(signal.SIGTERM)
    assert rc == 0
    assert read_events(alerts)[-1]["event"] == "watch_stopped"
    assert read_events(alerts)[-1]["message"] == "clean shutdown"
    hw("verify-log", "--state-dir", state, check_rc=0)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any(
            e["path"] == str(tree / "etc" / "f1.conf") for e in Store(tmp / "h.db").integrity_events()):
        time.sleep(0.1)
    assert any(e["path"] == str(tree / "etc" / "f1.conf") and e["event"] == "changed"
               for e in Store(tmp / "h.db").integrity_events())


def test_kill_9_during_events_then_restart_finds_every_change(setup):
    tree, state, alerts, tmp = setup
    w = Watcher(state, alerts, "--no-db")
    w.ready()
    writer = subprocess.Popen([sys.executable, "-c", f"""
import os, time
for round in range(200):
    for i in range(20):
        with open(os.path.join({str(tree / 'etc')!r}, f'f{{i}}.conf'), 'a') as f:
            f.write('x')
    time.sleep(0.002)
"""])
    time.sleep(0.3)
    w.proc.kill()                                  # kill -9 in the middle of the event stream
    w.stop()
    writer.wait()
    # changes while it is down
    (tree / "etc" / "f0.conf").unlink()
    (tree / "etc" / "down.conf").write_text("made while down\n")
    os.chmod(tree / "etc" / "f7.conf", 0o666)
    w2 = Watcher(state, alerts, "--no-db")
    try:
        w2.ready()
        w2.wait_for(is_event("removed", tree / "etc" / "f0.conf"))
        w2.wait_for(is_event("added", tree / "etc" / "down.conf"))
    finally:
        assert w2.stop() == 0
    # every deviation from the baseline is in the log with its current state
    deviations = json.loads(hw("check", "--state-dir", state, "--no-db", "--format", "json", check_rc=1).stdout)
    assert deviations["new_events"] == 0, "everything was already reported by the daemon"
    last = {}
    for record in (json.loads(x) for x in (state / "events.jsonl").read_text().splitlines()):
        if record.get("state"):
            last[record["path"]] = record["state"]
    for change in deviations["changes"]:
        assert last.get(change["path"]) == change["state"], change["path"]
    assert len([c for c in deviations["changes"] if c["path"].endswith(".conf")]) == 21
    hw("verify-log", "--state-dir", state, check_rc=0)


def test_watch_limit_falls_back_to_the_periodic_rescan_and_says_so(setup):
    tree, state, alerts, tmp = setup
    for d in ("a", "b", "c"):
        (tree / d).mkdir()
    policy = write_policy(tmp / "policy2.yml", [{"path": str(tree)}])
    hw("init", "--policy", policy, "--state-dir", state, "--force", check_rc=0)
    w = Watcher(state, alerts, "--no-db", "--max-watches", "2", "--rescan-interval", "2")
    try:
        w.ready()
        limit = w.wait_for(lambda e: e["event"] == "watch_limit")
        assert "periodic full rescan every 2 s" in limit["message"]
        changed = [tree / d / "new" for d in ("a", "b", "c")]
        for path in changed:
            path.write_text("x")
        for path in changed:            # watched or not, each is found (the unwatched ones by the rescan)
            w.wait_for(is_event("added", path), timeout=10)
        status = json.loads(hw("status", "--state-dir", state, "--format", "json", check_rc=0).stdout)
        assert status["daemon"]["running"] and status["daemon"]["watch_limit_reached"]
    finally:
        assert w.stop() == 0


def test_flood_of_100000_events(setup):
    tree, state, alerts, tmp = setup
    flood = tree / "flood"
    flood.mkdir()
    policy = write_policy(tmp / "policy3.yml", [{"path": str(tree), "attributes": ["sha256", "size", "mode", "inode"]}])
    hw("init", "--policy", policy, "--state-dir", state, "--force", check_rc=0)
    w = Watcher(state, alerts, "--no-db")
    try:
        w.ready()
        started = time.monotonic()
        subprocess.run([sys.executable, "-c", f"""
import os
d = {str(flood)!r}
for i in range(100000):
    fd = os.open(f"{{d}}/{{i}}", os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, b"x")
    os.close(fd)
"""], check=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:       # count without parsing 100,000 lines each time
            if alerts.read_bytes().count(b'"event": "added"') >= 100000:
                break
            time.sleep(0.5)
        events = w.new_events()
        added = {e["path"] for e in events if e["event"] == "added"}
        assert len(added) == 100000 and all(p.startswith(str(flood) + "/") for p in added)
        assert any(e["event"] == "overflow" for e in events), "the kernel queue (16384) must have overflowed"
        elapsed = time.monotonic() - started
        rss_kb = int(next(line.split()[1] for line in Path(f"/proc/{w.proc.pid}/status").read_text().splitlines()
                          if line.startswith("VmHWM")))
        print(f"flood: 100000 files reported in {elapsed:.1f} s, peak RSS {rss_kb // 1024} MiB")
        assert rss_kb < 600 * 1024
    finally:
        assert w.stop() == 0
    hw("verify-log", "--state-dir", state, check_rc=0)


class FlakyHook(http.server.BaseHTTPRequestHandler):
    calls: list = []
    fail_first = 2

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        FlakyHook.calls.append(body)
        self.send_response(500 if len(FlakyHook.calls) <= FlakyHook.fail_first else 200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_webhook_retries_with_backoff_and_a_hanging_one_never_blocks_detection(setup):
    tree, state, alerts, tmp = setup
    FlakyHook.calls = []
    server = http.server.HTTPServer(("127.0.0.1", 0), FlakyHook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    hanging = socket.socket()
    hanging.bind(("127.0.0.1", 0))
    hanging.listen(16)                      # accepts connections, never answers
    try:
        url = f"http://127.0.0.1:{server.server_port}/hook"
        target = tree / "etc" / "f1.conf"
        target.write_text("changed\n")
        hw("check", "--state-dir", state, "--no-db", "--webhook", url, check_rc=1)
        assert len(FlakyHook.calls) == 3, "two failures, then delivered"
        delivered = json.loads(FlakyHook.calls[-1])
        assert any(e["path"] == str(target) for e in delivered["events"])
        # a receiver that hangs: detection and the JSON lines alerts go on at full speed
        w = Watcher(state, alerts, "--no-db", "--webhook", f"http://127.0.0.1:{hanging.getsockname()[1]}/",
                    "--webhook-timeout", "30")
        try:
            w.ready()
            for i in range(5, 10):
                path = tree / "etc" / f"f{i}.conf"
                started = time.monotonic()
                path.write_text("again\n")
                w.wait_for(is_event("changed", path), timeout=5)
                assert time.monotonic() - started < 1.0
        finally:
            started = time.monotonic()
            assert w.stop() == 0
            assert time.monotonic() - started < 15, "shutdown must not wait for the hanging webhook"
    finally:
        server.shutdown()
        hanging.close()


def test_syslog_to_a_local_datagram_socket(setup):
    tree, state, alerts, tmp = setup
    address = str(tmp / "log.sock")
    receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    receiver.bind(address)
    receiver.settimeout(10)
    try:
        (tree / "etc" / "f1.conf").write_text("changed\n")
        hw("check", "--state-dir", state, "--no-db", f"--syslog={address}", check_rc=1)
        messages = []
        receiver.settimeout(0.5)
        try:
            while True:
                messages.append(receiver.recv(65536).decode())
        except socket.timeout:
            pass
        assert any("hardening-watch[" in m and str(tree / "etc" / "f1.conf") in m and m.startswith("<") for m in messages)
        # no syslog socket: one warning, the check still works
        done = hw("check", "--state-dir", state, "--no-db", f"--syslog={tmp / 'absent.sock'}", check_rc=1)
        assert "syslog alerts off" in done.stderr
    finally:
        receiver.close()


def test_baseline_tampered_while_running_and_accept_while_running(setup):
    tree, state, alerts, tmp = setup
    w = Watcher(state, alerts, "--no-db")
    try:
        w.ready()
        (tree / "etc" / "f1.conf").write_text("approved\n")
        w.wait_for(is_event("changed", tree / "etc" / "f1.conf"))
        hw("accept", tree / "etc" / "f1.conf", "--state-dir", state, "-m", "CHG-7", check_rc=0)
        w.wait_for(lambda e: e["event"] == "baseline_reloaded")
        baseline = state / "baseline.jsonl"
        data = baseline.read_bytes()
        baseline.write_bytes(data.replace(b'"m":420', b'"m":493', 1))
        alert = w.wait_for(lambda e: e["event"] == "baseline_untrusted")
        assert alert["severity"] == "critical"
        # still watching, against the copy it verified before
        (tree / "etc" / "f2.conf").write_text("after tamper\n")
        w.wait_for(is_event("changed", tree / "etc" / "f2.conf"))
    finally:
        assert w.stop() == 0
