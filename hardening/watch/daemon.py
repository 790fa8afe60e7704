"""``watch run``: inotify for immediate detection, a periodic full rescan for whatever inotify
missed (queue overflow, directories beyond the watch limit, changes while stopped), and a
periodic poll of system objects. Blocks in select() when idle; SIGTERM/SIGINT stop cleanly,
SIGHUP reloads the baseline (``watch accept`` sends it).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import select
import signal
import time
from pathlib import Path

from inotify_simple import INotify, flags as F

from hardening.errors import HardeningError
from hardening.watch import system
from hardening.watch.baseline import now
from hardening.watch.engine import Comparator, Reporter, State, untrusted
from hardening.watch.signing import UntrustedError
from hardening.watch.snapshot import Problems, show

MASK = (F.MODIFY | F.ATTRIB | F.CLOSE_WRITE | F.MOVED_FROM | F.MOVED_TO | F.CREATE | F.DELETE | F.DELETE_SELF
        | F.MOVE_SELF | F.DONT_FOLLOW | F.EXCL_UNLINK)
TREE_CHANGES = F.CREATE | F.MOVED_TO | F.MOVED_FROM | F.DELETE
LIMIT_FILE = "/proc/sys/fs/inotify/max_user_watches"


class Stop(Exception):
    pass


class Daemon:
    def __init__(self, state: State, alerts, jobs: int | None = None, rescan_interval: int | None = None,
                 system_interval: int | None = None, max_watches: int | None = None, log=print):
        self.state = state
        self.alerts = alerts
        self.jobs = jobs
        self.rescan_override = rescan_interval
        self.system_override = system_interval
        self.max_watches_override = max_watches
        self.say = log
        self.inotify: INotify | None = None
        self.wds: dict[int, str] = {}
        self.state_wd = -2
        self.limit_hit = False
        self._limit_reported = False
        self.unwatched = 0
        self.stopping = False
        self.reload = False
        self.counters = {"events": 0, "rescans": 0, "overflows": 0, "batches": 0}
        self._last_status = 0.0
        self.ignored = {str(state.dir)}
        if alerts is not None and getattr(alerts, "jsonl", None):
            self.ignored.add(str(Path(alerts.jsonl).resolve()))

    # -- set-up ---------------------------------------------------------------------------------
    def _lock(self) -> None:
        fd = os.open(self.state.dir / "watch.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise HardeningError(f"another `hardening watch run` already uses {self.state.dir} "
                                 f"(pid {self.state.daemon_pid()})") from None
        self._lock_fd = fd
        self.state.pid_path.write_text(f"{os.getpid()}\n")

    def _skip(self, path: str) -> bool:
        for ignored in self.ignored:
            if path == ignored or path.startswith(ignored + "/"):
                return True
        return False

    def _load(self) -> None:
        self.baseline = self.state.baseline()
        policy = self.baseline.policy
        self.rescan_interval = self.rescan_override or policy.rescan_interval_seconds or 3600
        self.system_interval = self.system_override or policy.system_interval_seconds or 60
        self.max_watches = self.max_watches_override or policy.max_inotify_watches or 0
        self.problems = Problems()
        self.comparator = Comparator(self.baseline, self.problems, self.jobs, on_dir=self._watch, skip=self._skip)
        self._baseline_stat = self._stat_baseline()

    def _stat_baseline(self):
        try:
            st = os.stat(self.state.baseline_path)
            return (st.st_ino, st.st_size, st.st_mtime_ns)
        except OSError:
            return None

    def _raise_limit(self) -> bool:
        if not self.baseline.policy.raise_inotify_limit:
            return False
        try:
            current = int(Path(LIMIT_FILE).read_text())
            wanted = min(max(current * 2, 65536), 4 * 1024 * 1024)
            if wanted <= current:
                return False
            Path(LIMIT_FILE).write_text(f"{wanted}\n")
        except (OSError, ValueError):
            return False
        self._emit([{"event": "watch_limit_raised", "kind": "watcher", "path": LIMIT_FILE, "severity": "info",
                     "message": f"raised fs.inotify.max_user_watches from {current} to {wanted}"}])
        return True

    def _watch(self, directory: str) -> None:
        if self.inotify is None or self.limit_hit:
            if self.limit_hit:
                self.unwatched += 1
            return
        if self.max_watches and len(self.wds) >= self.max_watches and directory not in self.wds.values():
            self._limit(f"the configured maximum of {self.max_watches} inotify watches")
            self.unwatched += 1
            return
        for _attempt in range(2):
            try:
                wd = self.inotify.add_watch(directory, MASK)
                self.wds[wd] = directory
                return
            except OSError as exc:
                if exc.errno == errno.ENOSPC:
                    if _attempt == 0 and self._raise_limit():
                        continue
                    self._limit(f"the kernel limit fs.inotify.max_user_watches ({len(self.wds)} watches in use)")
                    self.unwatched += 1
                    return
                if exc.errno in (errno.ENOENT, errno.ENOTDIR):
                    return
                self.problems.add(directory, f"cannot watch: {exc.strerror}")
                return

    def _limit(self, why: str) -> None:
        if not self.limit_hit:
            self.limit_hit = True
            if self._limit_reported:
                return            # said once; `watch status` keeps showing it
            self._limit_reported = True
            self._emit([{"event": "watch_limit", "kind": "watcher", "path": "", "severity": "medium",
                         "message": f"inotify watch limit reached: {why}; directories beyond it are checked only "
                                    f"by the periodic full rescan every {self.rescan_interval} s"}])

    def _watch_roots(self) -> None:
        """Parents of file roots and of missing roots, so their creation or replacement is seen."""
        for rule in self.baseline.policy.rules:
            if not os.path.isdir(rule.path) or os.path.islink(rule.path):
                parent = os.path.dirname(rule.path)
                if os.path.isdir(parent):
                    self._watch(parent)

    # -- events ---------------------------------------------------------------------------------
    def _emit(self, events: list[dict]) -> list[dict]:
        logged = self.reporter.emit(events) if hasattr(self, "reporter") else []
        self.counters["events"] += len(logged)
        return logged

    def _problems(self) -> None:
        if self.problems.items:
            items, self.problems.items = self.problems.items, []
            fresh = [(p, m) for p, m in items if (p, m) not in self._known_problems]
            self._known_problems.update(fresh)
            if fresh:
                self._emit([{"event": "problem", "kind": "watcher", "path": p, "severity": "medium",
                             "message": m} for p, m in fresh[:1000]])

    def full_rescan(self, reason: str) -> None:
        """Everything against the baseline (quick: unchanged size/mtime/ctime/inode are not re-hashed)."""
        self.limit_hit, self.unwatched = False, 0
        out, checked = [], set()
        for path, _entry, ev in self.comparator.files():
            checked.add(show(path))
            self.reporter.consider(path, ev, out)
            if len(out) >= 5000:
                self._emit(out)
                out = []
        self._emit(out)
        out = []
        self.reporter.restored_outside(checked, None, out, system_too=False)
        self._emit(out)
        self.counters["rescans"] += 1
        self.last_rescan = time.monotonic()
        self.last_rescan_at = now()
        self.last_rescan_reason = reason
        self._problems()

    def system_poll(self) -> None:
        out = []
        for key, _entry, ev in self.comparator.system():
            self.reporter.consider(key, ev, out)
        self._emit(out)
        self.last_system = time.monotonic()
        self._problems()

    def _handle(self, events) -> None:
        dirty: dict[str, bool] = {}
        overflow = False
        system_touched = False
        for ev in events:
            if ev.mask & F.Q_OVERFLOW:
                overflow = True
                continue
            directory = self.wds.get(ev.wd)
            if directory is None and ev.wd != self.state_wd:
                continue
            if ev.mask & F.IGNORED:
                self.wds.pop(ev.wd, None)
                continue
            if ev.wd == self.state_wd:
                if ev.name == self.state.baseline_path.name:
                    self.reload = True
                continue
            path = directory if not ev.name else (directory.rstrip("/") + "/" + ev.name)
            if self._skip(path):
                continue
            if ev.mask & (F.DELETE_SELF | F.MOVE_SELF):
                dirty[path] = True
                continue
            tree = bool(ev.mask & F.ISDIR and ev.mask & TREE_CHANGES)
            if ev.mask & F.MOVED_FROM and ev.mask & F.ISDIR:
                prefix = path.rstrip("/") + "/"
                for wd, d in list(self.wds.items()):
                    if d == path or d.startswith(prefix):
                        self.wds.pop(wd, None)
                        try:
                            self.inotify.rm_watch(wd)
                        except OSError:
                            pass
            dirty[path] = dirty.get(path, False) or tree
            if ev.name:
                dirty.setdefault(directory, False)         # the directory's own mtime/ctime/nlink
            if not system_touched and path.startswith(system.SOURCES):
                system_touched = True
        if overflow:
            self.counters["overflows"] += 1
            self._emit([{"event": "overflow", "kind": "watcher", "path": "", "severity": "medium",
                         "message": "inotify queue overflowed: events were lost; running a full rescan now"}])
            # let the storm pass (a rescan now would only overflow again), then compare everything once
            deadline = time.monotonic() + 5.0
            while time.monotonic() < deadline and not self.stopping:
                more = self.inotify.read(timeout=200)
                if not more:
                    break
                if any(e.wd == self.state_wd and e.name == self.state.baseline_path.name for e in more):
                    self.reload = True
            self.full_rescan("inotify queue overflow")
            return
        out = []
        for path, tree in dirty.items():
            seen = set()
            for p, _entry, ev in self.comparator.scope(path, tree):
                seen.add(show(p))
                self.reporter.consider(p, ev, out)
            # objects reported as added earlier and gone again (not in the baseline): restored
            key = show(path)
            if tree:
                prefix = key.rstrip("/") + "/"
                candidates = [k for k in self.reporter.reported if k == key or k.startswith(prefix)]
            else:
                candidates = [key] if key in self.reporter.reported else []
            for k in candidates:
                if k not in seen and not k.startswith("@"):
                    self.reporter.consider(k, None, out)
        self._emit(out)
        self.counters["batches"] += 1
        if system_touched and self.baseline.policy.system:
            self.system_poll()
        self._problems()

    # -- status ---------------------------------------------------------------------------------
    def write_status(self, force: bool = False) -> None:
        if not force and time.monotonic() - self._last_status < 5:
            return
        self._last_status = time.monotonic()
        status = {"pid": os.getpid(), "started": self.started_at, "ready": self.ready, "watches": len(self.wds),
                  "unwatched_directories": self.unwatched, "watch_limit_reached": self.limit_hit,
                  "rescan_interval_seconds": self.rescan_interval, "system_interval_seconds": self.system_interval,
                  "last_rescan": getattr(self, "last_rescan_at", None),
                  "last_rescan_reason": getattr(self, "last_rescan_reason", None),
                  "deviations": len(self.reporter.reported), "alerts": self.alerts.stats() if self.alerts else {},
                  **self.counters, "updated": now()}
        tmp = self.state.status_path.with_name("watch.status.tmp")
        tmp.write_text(json.dumps(status, indent=1) + "\n")
        os.replace(tmp, self.state.status_path)

    # -- main loop ------------------------------------------------------------------------------
    def run(self) -> int:
        self.started_at = now()
        self.ready = False
        self._known_problems: set = set()
        self._lock()
        self.reporter = Reporter(self.state, self.alerts)
        try:
            self._load()
        except UntrustedError as exc:
            untrusted(self.state, exc, self.alerts)
            self.say(f"hardening: error: baseline not trusted: {exc}")
            return 2
        self.state.keys.private()      # the log head is signed: fail now, not at the first event
        recovered = self.state.log.recover()
        count, broken = self.state.log.verify()
        if recovered:
            self._emit([{"event": "log_recovered", "kind": "watcher", "path": str(self.state.log.path),
                         "severity": "medium", "message": recovered}])
        if broken:
            self._emit([{"event": "log_tampered", "kind": "watcher", "path": str(self.state.log.path),
                         "severity": "critical", "message": "; ".join(broken[:20])}])
        self.reporter = Reporter(self.state, self.alerts)
        self.inotify = INotify()
        read_fd, write_fd = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        old_wakeup = signal.set_wakeup_fd(write_fd)
        handlers = {}

        def on_stop(signum, frame):
            self.stopping = True

        def on_hup(signum, frame):
            self.reload = True

        for sig, handler in ((signal.SIGTERM, on_stop), (signal.SIGINT, on_stop), (signal.SIGHUP, on_hup)):
            handlers[sig] = signal.signal(sig, handler)
        try:
            self._emit([{"event": "watch_started", "kind": "watcher", "path": str(self.state.dir), "severity": "info",
                         "message": f"pid {os.getpid()}; baseline of {len(self.baseline.keys)} objects",
                         "log_events": count}])
            self.state_wd = self.inotify.add_watch(self.state.dir, F.CLOSE_WRITE | F.MOVED_TO | F.DELETE | F.ATTRIB)
            self._watch_roots()
            self.full_rescan("start (finds what changed while the watcher was stopped)")
            if self.baseline.policy.system:
                self.system_poll()
            else:
                self.last_system = time.monotonic()
            self.ready = True
            self._emit([{"event": "watch_ready", "kind": "watcher", "path": str(self.state.dir), "severity": "info",
                         "message": f"{len(self.wds)} directories watched in real time"
                                    + (f", {self.unwatched} only by the periodic rescan" if self.unwatched else "")}])
            self.write_status(force=True)
            self.say(f"hardening watch: ready, {len(self.wds)} directories watched, rescan every "
                     f"{self.rescan_interval} s")
            while not self.stopping:
                timeout = min(self.last_rescan + self.rescan_interval, self.last_system + self.system_interval) \
                    - time.monotonic()
                ready, _, _ = select.select([self.inotify.fileno(), read_fd], [], [], max(0.0, timeout))
                if read_fd in ready:
                    try:
                        while os.read(read_fd, 512):
                            pass
                    except BlockingIOError:
                        pass
                if self.stopping:
                    break
                if self.inotify.fileno() in ready:
                    events = self.inotify.read(timeout=0, read_delay=5)
                    if events:
                        self._handle(events)
                if self.reload:
                    self.reload = False
                    self._reload()
                now_m = time.monotonic()
                if now_m >= self.last_rescan + self.rescan_interval:
                    self.full_rescan("periodic")
                if now_m >= self.last_system + self.system_interval:
                    if self.baseline.policy.system:
                        self.system_poll()
                    else:
                        self.last_system = now_m
                self.write_status()
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
            signal.set_wakeup_fd(old_wakeup)
            os.close(read_fd)
            os.close(write_fd)
            self._emit([{"event": "watch_stopped", "kind": "watcher", "path": str(self.state.dir), "severity": "info",
                         "message": "clean shutdown" if self.stopping else "stopped"}])
            self.ready = False
            self.write_status(force=True)
            self.comparator.close()
            self.inotify.close()
            try:
                self.state.pid_path.unlink()
            except OSError:
                pass
        return 0

    def _reload(self) -> None:
        current = self._stat_baseline()
        if current == self._baseline_stat:
            return
        try:
            old_wds = self.wds
            self.comparator.close()
            self._load()
            self.wds = old_wds
            self.reporter = Reporter(self.state, self.alerts)
            self._emit([{"event": "baseline_reloaded", "kind": "baseline", "path": str(self.state.baseline_path),
                         "severity": "info", "message": f"{len(self.baseline.keys)} objects"}])
        except UntrustedError as exc:
            # keep watching against the copy verified earlier, and say loudly that the file was tampered with
            self._baseline_stat = current
            untrusted(self.state, exc, self.alerts)
            self.comparator = Comparator(self.baseline, self.problems, self.jobs, on_dir=self._watch, skip=self._skip)
