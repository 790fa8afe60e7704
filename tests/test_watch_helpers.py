"""Helpers (no tests here) for the integrity watcher tests: run `hardening watch` as a real process, start the daemon,
wait for events in its JSON lines alert file. Real files in tmp dirs, real processes, no mocks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def env() -> dict:
    e = {k: v for k, v in os.environ.items() if not k.startswith("HARDENING_")}
    e.update(PYTHONPATH=str(REPO), NO_COLOR="1", LANG="C.UTF-8")
    return e


def hw(*args, check_rc: int | None = None, timeout: float = 120, unprivileged: bool = False,
       extra_env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m hardening watch ARGS`; never a traceback. ``unprivileged``: root without the
    capabilities that bypass file permissions (so a file of another user with mode 0600 is unreadable)."""
    cmd = [sys.executable, "-m", "hardening", "watch", *map(str, args)]
    if unprivileged:
        cmd = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *cmd]
    done = subprocess.run(cmd, capture_output=True, text=True, env={**env(), **(extra_env or {})}, timeout=timeout,
                          cwd=str(REPO))
    assert "Traceback" not in done.stderr, done.stderr
    assert "internal error" not in done.stderr, done.stderr
    if check_rc is not None:
        assert done.returncode == check_rc, (args, done.returncode, done.stdout[-3000:], done.stderr[-3000:])
    return done


def write_policy(path: Path, paths: list, system: dict | None = None, **top) -> Path:
    doc = {"paths": paths, "system": system or {}}
    doc.update(top)
    path.write_text(json.dumps(doc), encoding="utf-8")     # JSON is YAML
    return path


def read_events(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


class Watcher:
    """A real `hardening watch run` process writing alerts to a JSON lines file."""

    def __init__(self, state: Path, alerts: Path, *extra: str):
        self.state, self.alerts = state, alerts
        self._skip = len(read_events(alerts))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "hardening", "watch", "run", "--state-dir", str(state), "--alerts-jsonl",
             str(alerts), *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env(), cwd=str(REPO))

    def new_events(self) -> list[dict]:
        return read_events(self.alerts)[self._skip:]

    def wait_for(self, predicate, timeout: float = 20.0) -> dict:
        """The first alert of this run that satisfies predicate."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for e in self.new_events():
                if predicate(e):
                    return e
            if self.proc.poll() is not None:
                raise AssertionError(f"watcher exited {self.proc.returncode}: {self.proc.stderr.read()[-3000:]}")
            time.sleep(0.02)
        raise AssertionError(f"no matching alert within {timeout} s; got {self.new_events()[-10:]}")

    def ready(self, timeout: float = 60.0) -> dict:
        return self.wait_for(lambda e: e["event"] == "watch_ready", timeout)

    def stop(self, sig=signal.SIGTERM, timeout: float = 20.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            for stream in (self.proc.stdout, self.proc.stderr):
                stream.close()
