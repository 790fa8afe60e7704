"""init, check and accept on a state directory; the comparison shared with the daemon.

A deviation is an object that differs from the signed baseline. Each deviation is logged once
per distinct state: the log itself (verified, replayed at start) remembers what was already
reported, so a restart after ``kill -9`` reports exactly what changed while it was down.
"""

from __future__ import annotations

import getpass
import os
import signal
import socket
from pathlib import Path
from typing import Iterator

from hardening.errors import InputError
from hardening.watch import system
from hardening.watch.baseline import Baseline, now
from hardening.watch.compare import event
from hardening.watch.eventlog import EventLog, deviations
from hardening.watch.policy import Policy
from hardening.watch.signing import KeyPair, UntrustedError
from hardening.watch.snapshot import Problems, Scanner, show


class State:
    """The state directory: key pair, signed baseline, event log, daemon pid and status."""

    def __init__(self, directory: Path | str, pin: str | None = None):
        self.dir = Path(directory)
        self.keys = KeyPair(self.dir)
        self.baseline_path = self.dir / "baseline.jsonl"
        self.log = EventLog(self.dir, self.keys)
        self.pid_path = self.dir / "watch.pid"
        self.status_path = self.dir / "watch.status"
        self.pin = pin or os.environ.get("HARDENING_WATCH_KEY") or None

    def create(self) -> None:
        try:
            self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise InputError(f"state directory {self.dir}: {exc.strerror}") from None
        if not os.access(self.dir, os.W_OK):
            raise InputError(f"state directory {self.dir}: not writable")

    def baseline(self) -> Baseline:
        if not self.dir.is_dir():
            raise InputError(f"state directory {self.dir} does not exist (run `hardening watch init`)")
        if not self.baseline_path.exists() and not self.keys.exists():
            raise InputError(f"no baseline in {self.dir} (run `hardening watch init`)")
        return Baseline.load(self.baseline_path, self.keys, self.pin)

    def daemon_pid(self) -> int | None:
        try:
            pid = int(self.pid_path.read_text().strip())
            os.kill(pid, 0)
            return pid
        except (OSError, ValueError):
            return None


def who() -> str:
    user = os.environ.get("SUDO_USER") or os.environ.get("LOGNAME") or os.environ.get("USER")
    if not user:
        try:
            user = getpass.getuser()
        except Exception:  # noqa: BLE001
            user = "?"
    return f"{user} (uid {os.getuid()})"


def system_entries(config: dict, problems: Problems) -> dict[str, dict]:
    return {k: {"a": v} for k, v in system.collect(config, problems).items()}


class Comparator:
    """Observes objects and compares them with the baseline."""

    def __init__(self, baseline: Baseline, problems: Problems, jobs: int | None = None, full: bool = False,
                 on_dir=None, skip=None, processes: bool = False):
        self.baseline = baseline
        self.policy: Policy = baseline.policy
        self.problems = problems
        self._parsed: dict = {}         # baseline entries parsed for the quick path, reused for the comparison
        self.scanner = Scanner(self.policy, problems, jobs, reuse=None if full else self._reuse, on_dir=on_dir,
                               processes=processes)
        self.scanner.skip = skip
        self.skip = skip

    def close(self) -> None:
        self.scanner.close()

    def _reuse(self, path: str) -> dict | None:
        old = self._parsed[path] = self.baseline.get(path)
        return old

    def _old(self, path: str) -> dict | None:
        try:
            return self._parsed.pop(path)
        except KeyError:
            return self.baseline.get(path)

    def _under_unlisted(self, path: str) -> bool:
        return any(path.startswith(d.rstrip("/") + "/") for d in self.scanner.unlisted)

    def files(self) -> Iterator[tuple[str, dict | None, dict | None]]:
        """(path, observed entry, event-or-None) for every file object in the policy; streams."""
        seen = set()
        self.scanner.unlisted.clear()
        self._parsed.clear()
        for path, rule, entry in self.scanner.observe(self.scanner.walk_all()):
            seen.add(path)
            yield path, entry, event(path, rule, self._old(path), entry)
        for path in self.baseline.file_keys():
            if path not in seen and not self._under_unlisted(path) and not (self.skip and self.skip(path)):
                yield path, None, event(path, self.policy.rule_for(path), self.baseline.get(path), None)

    def scope(self, path: str, subtree: bool) -> Iterator[tuple[str, dict | None, dict | None]]:
        """The same for ``path`` (and below it when ``subtree``)."""
        seen = set()
        self.scanner.unlisted.clear()
        self._parsed.clear()
        walked = self.scanner.walk_scope(path) if subtree else self.scanner.walk_one(path)
        for p, rule, entry in self.scanner.observe(walked):
            seen.add(p)
            yield p, entry, event(p, rule, self._old(p), entry)
        keys = self.baseline.under(path) if subtree else ([path] if path in self.baseline.lines else [])
        for p in keys:
            if p not in seen and not self._under_unlisted(p) and not (self.skip and self.skip(p)):
                yield p, None, event(p, self.policy.rule_for(p), self.baseline.get(p), None)

    def system(self) -> Iterator[tuple[str, dict | None, dict | None]]:
        current = system_entries(self.policy.system, self.problems)
        keys = set(current) | set(self.baseline.system_keys())
        for key in sorted(keys):
            yield key, current.get(key), event(key, None, self.baseline.get(key), current.get(key))


class Reporter:
    """Turns deviations into new events: once per distinct state, ``restored`` when back to baseline."""

    def __init__(self, state: State, alerts=None):
        self.state = state
        self.alerts = alerts
        self.reported = deviations(state.log)
        self.host = socket.gethostname()

    def consider(self, path: str, ev: dict | None, out: list) -> None:
        key = show(path)
        if ev is not None:
            if self.reported.get(key) != ev["state"]:
                self.reported[key] = ev["state"]
                out.append(ev)
        elif key in self.reported:
            del self.reported[key]
            kind = system.kind_of(path) if path.startswith("@") else "file"
            out.append({"event": "restored", "kind": kind, "path": key, "severity": "info",
                        "message": "back to the baseline state"})

    def restored_outside(self, checked: set[str], prefix: str | None, out: list, system_too: bool) -> None:
        """Deviations reported earlier for paths that no longer exist anywhere: restored."""
        for key in list(self.reported):
            if key in checked:
                continue
            if key.startswith("@"):
                if not system_too:
                    continue
            elif prefix is not None and not (key == prefix or key.startswith(prefix.rstrip("/") + "/")):
                continue
            self.consider(key, None, out)

    def emit(self, events: list[dict]) -> list[dict]:
        if not events:
            return []
        for e in events:
            e.setdefault("host", self.host)
            e.setdefault("ts", now())
        try:
            logged = self.state.log.append(events)
        except (UntrustedError, OSError) as exc:      # the log cannot be signed: still alert, say why
            logged = events
            for e in logged:
                e["log_error"] = str(exc)
        if self.alerts is not None:
            self.alerts.send(logged)
        return logged


def untrusted(state: State, exc: Exception, alerts=None) -> dict:
    """Alert (and log, if the log can still be signed) that the baseline is not trusted."""
    record = {"event": "baseline_untrusted", "kind": "baseline", "path": str(state.baseline_path),
              "severity": "critical", "message": str(exc), "host": socket.gethostname(), "ts": now()}
    try:
        if state.keys.exists():
            [record] = state.log.append([record])
    except Exception as err:  # noqa: BLE001 - alerting matters more than the log here
        record["log_error"] = str(err)
    if alerts is not None:
        alerts.send([record])
    return record


# ------------------------------------------------------------------------------------ operations
def init(state: State, policy: Policy, jobs: int | None = None, force: bool = False) -> tuple[Baseline, Problems, dict]:
    state.create()
    if state.baseline_path.exists() and not force:
        raise InputError(f"{state.baseline_path} already exists: use `hardening watch accept` to record approved "
                         "changes, or `init --force` to start over")
    new_key = False
    if not state.keys.exists():
        state.keys.create()
        new_key = True
    else:
        state.keys.private()          # refuses a replaced or mismatched key pair before signing anything
        state.keys.check_pin(state.pin)
    problems = Problems()
    scanner = Scanner(policy, problems, jobs, processes=True)
    try:
        baseline = Baseline.build(policy, ((p, e) for p, _rule, e in scanner.observe(scanner.walk_all())),
                                  {"created_by": who()})
    finally:
        scanner.close()
    for key, entry in system_entries(policy.system, problems).items():
        baseline.set(key, entry)
    entries = baseline.keys
    baseline.save(state.baseline_path, state.keys)
    record = {"event": "baseline_created", "kind": "baseline", "path": str(state.baseline_path), "severity": "info",
              "entries": len(entries), "policy": policy.source, "policy_digest": policy.digest(), "by": who(),
              "key": state.keys.fingerprint(), "problems": len(problems), "host": socket.gethostname()}
    state.log.append([record])
    return baseline, problems, {"entries": len(entries), "hashed": scanner.hashed, "new_key": new_key,
                                "key": state.keys.fingerprint()}


def check(state: State, full: bool = False, jobs: int | None = None, alerts=None,
          skip=None) -> tuple[list[dict], list[dict], Problems, dict]:
    """(all deviations, newly logged events, problems, counters). UntrustedError if the baseline is not trusted."""
    try:
        baseline = state.baseline()
    except UntrustedError as exc:
        untrusted(state, exc, alerts)
        raise
    problems = Problems()
    reporter = Reporter(state, alerts)
    comparator = Comparator(baseline, problems, jobs, full=full, skip=skip, processes=True)
    found, new, checked = [], [], set()
    try:
        for path, _entry, ev in comparator.files():
            checked.add(show(path))
            if ev is not None:
                found.append(ev)
            reporter.consider(path, ev, new)
        for key, _entry, ev in comparator.system():
            checked.add(key)
            if ev is not None:
                found.append(ev)
            reporter.consider(key, ev, new)
    finally:
        comparator.close()
    reporter.restored_outside(checked, None, new, system_too=True)
    logged = reporter.emit(new)
    return found, logged, problems, {"objects": len(checked), "hashed": comparator.scanner.hashed,
                                     "reused": comparator.scanner.reused}


def accept(state: State, paths: list[str], reason: str, by: str | None = None,
           jobs: int | None = None) -> tuple[list[dict], Problems]:
    """Record the current state of ``paths`` (all objects when empty) in the baseline, re-sign it,
    and log who accepted what and why. Returns the accepted deviations."""
    if not reason or not reason.strip():
        raise InputError("say why: --reason TEXT (recorded with the change)")
    try:
        baseline = state.baseline()
    except UntrustedError as exc:
        untrusted(state, exc)
        raise
    problems = Problems()
    comparator = Comparator(baseline, problems, jobs, full=True)
    accepted = []
    try:
        if paths:
            scopes = []
            for raw in paths:
                if raw.startswith("@"):
                    scopes.append(("system", raw))
                    continue
                p = "/" + os.path.normpath(os.path.abspath(raw)).lstrip("/")
                if baseline.policy.rule_for(p) is None and not baseline.under(p) and not baseline.policy.roots_under(p):
                    raise InputError(f"{show(p)}: not covered by the watch policy")
                scopes.append(("file", p))
            items = []
            for kind, p in scopes:
                if kind == "system":
                    items += [(k, e, ev) for k, e, ev in comparator.system() if k == p or k.startswith(p + ":")
                              or k.startswith(p) and p.endswith(":")]
                else:
                    items += list(comparator.scope(p, subtree=True))
        else:
            items = list(comparator.files()) + list(comparator.system())
    finally:
        comparator.close()
    for path, entry, ev in items:
        if ev is not None:
            baseline.set(path, entry)
            accepted.append(ev)
    by = by or who()
    baseline.header.setdefault("accepted", []).append(
        {"ts": now(), "by": by, "reason": reason, "paths": paths or ["(all)"], "changes": len(accepted)})
    baseline.save(state.baseline_path, state.keys)
    state.log.append([{"event": "accepted", "kind": "baseline", "path": str(state.baseline_path), "severity": "info",
                       "by": by, "reason": reason, "paths": [e["path"] for e in accepted], "all": not paths,
                       "count": len(accepted), "host": socket.gethostname()}])
    pid = state.daemon_pid()
    if pid:
        try:
            os.kill(pid, signal.SIGHUP)       # the daemon reloads (and re-verifies) the baseline
        except OSError:
            pass
    return accepted, problems
