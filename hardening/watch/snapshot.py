"""Walk the paths of a policy, stat every object once and hash regular files in parallel
(forked processes for bulk runs, a thread pool for the daemon).

Paths are ``str`` decoded with ``surrogateescape`` (the OS default), so non-UTF-8 names survive
a round trip; ``show()`` gives the printable form used in messages and events.

Symlinks are recorded, never followed, so a symlink loop cannot trap the walk; a directory seen
twice (a bind-mount loop) is reported and not entered again. Metadata and hash always come from
the same open file (``fstat`` before and after reading, ``lstat`` of the path after): a file
replaced or written while being hashed is read again, up to three times, then reported.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import threading
from collections import deque
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Callable, Iterable, Iterator

from hardening.watch.policy import PathRule, Policy

_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_NOATIME = getattr(os, "O_NOATIME", 0)
_BUFSIZE = 1 << 20
_local = threading.local()
_TYPES = {stat.S_IFREG: "f", stat.S_IFDIR: "d", stat.S_IFLNK: "l", stat.S_IFCHR: "c", stat.S_IFBLK: "b",
          stat.S_IFIFO: "p", stat.S_IFSOCK: "s"}


def show(path: str) -> str:
    """A printable, valid-UTF-8 form of a path (undecodable bytes as \\xNN); the same object when clean."""
    if path.isascii():
        return path
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class Problems:
    """Objects that could not be checked, with the precise reason; the walk goes on."""

    def __init__(self):
        self.items: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def add(self, path: str, message: str) -> None:
        with self._lock:
            self.items.append((show(path), message))

    def __len__(self) -> int:
        return len(self.items)

    def lines(self) -> list[str]:
        return [f"{p}: {m}" for p, m in self.items]


def os_reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "too many levels of symbolic links (a symlink loop)"
    if exc.errno == errno.EACCES or exc.errno == errno.EPERM:
        return "permission denied"
    if exc.errno == errno.ENOENT:
        return "no such file or directory"
    return exc.strerror or str(exc)


def _same(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_ino == b.st_ino and a.st_dev == b.st_dev and a.st_size == b.st_size
            and a.st_mtime_ns == b.st_mtime_ns and a.st_ctime_ns == b.st_ctime_ns)


def _constructor(algorithm: str):
    named = getattr(hashlib, algorithm, None)
    return named if callable(named) else (lambda: hashlib.new(algorithm))


_CONSTRUCTORS: dict = {}


def hash_file(path: str, algorithm: str) -> tuple[os.stat_result | None, str | None, str | None]:
    """(stat of the hashed file, hex digest, problem). Metadata and digest describe the same inode.

    Reads exactly the size fstat reported (no extra read for EOF); a file that grows, shrinks or is
    replaced meanwhile fails the before/after comparison and is read again."""
    buf = getattr(_local, "buf", None)
    if buf is None:
        buf = _local.buf = bytearray(_BUFSIZE)
    view = memoryview(buf)
    new = _CONSTRUCTORS.get(algorithm)
    if new is None:
        new = _CONSTRUCTORS[algorithm] = _constructor(algorithm)
    readv, bufs = os.readv, [buf]
    st = None
    for _attempt in range(3):
        try:
            try:
                fd = os.open(path, _OPEN_FLAGS | _NOATIME)
            except PermissionError:
                fd = os.open(path, _OPEN_FLAGS)      # O_NOATIME needs ownership when not root
        except OSError as exc:
            return None, None, os_reason(exc)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                return st, None, None
            digest = new()
            remaining = st.st_size
            while remaining > 0:
                n = readv(fd, bufs)
                if not n:
                    break
                digest.update(buf if n == _BUFSIZE else view[:n])
                remaining -= n
        except OSError as exc:
            return st, None, f"read error: {os_reason(exc)}"
        finally:
            os.close(fd)
        try:
            now = os.lstat(path)
        except OSError:
            return None, None, "no such file or directory"
        # same inode, size, mtime and ctime after the read: nothing wrote to it or replaced it meanwhile
        # (any write moves ctime); a file that grew is caught by its size
        if _same(st, now):
            return st, digest.hexdigest(), None
    return st, None, "changed while being hashed (3 attempts)"


def _xattrs(path: str) -> dict[str, bytes]:
    try:
        names = os.listxattr(path, follow_symlinks=False)
    except OSError:
        return {}
    values = {}
    for name in names:
        try:
            values[name] = os.getxattr(path, name, follow_symlinks=False)
        except OSError:
            pass
    return values


def make_entry(rule: PathRule, path: str, st: os.stat_result, digest: str | None = None,
               problem: str | None = None) -> dict:
    """The recorded attributes of one object (only those the rule asks for, plus its type)."""
    kind = _TYPES.get(stat.S_IFMT(st.st_mode), "?")
    attrs = rule.attributes
    e: dict = {"t": kind}
    if "size" in attrs and kind != "d":
        e["s"] = st.st_size
    if "mode" in attrs:
        e["m"] = stat.S_IMODE(st.st_mode)
    if "owner" in attrs:
        e["u"] = st.st_uid
    if "group" in attrs:
        e["g"] = st.st_gid
    if "mtime" in attrs:
        e["mt"] = st.st_mtime_ns
    if "ctime" in attrs:
        e["ct"] = st.st_ctime_ns
    if "inode" in attrs:
        e["i"] = st.st_ino
    if "nlink" in attrs and kind != "d":
        e["n"] = st.st_nlink
    if "link" in attrs and kind == "l":
        try:
            e["l"] = os.readlink(path)
        except OSError as exc:
            problem = problem or f"readlink: {os_reason(exc)}"
    if "xattrs" in attrs or "acl" in attrs or "selinux" in attrs:
        xa = _xattrs(path)
        if "xattrs" in attrs and xa:
            e["x"] = {k: hashlib.sha256(v).hexdigest()[:16] for k, v in sorted(xa.items())}
        if "acl" in attrs:
            acl = {k: v.hex() for k, v in xa.items() if k.startswith("system.posix_acl_")}
            if acl:
                e["acl"] = acl
        if "selinux" in attrs and "security.selinux" in xa:
            e["se"] = xa["security.selinux"].rstrip(b"\0").decode("utf-8", "replace")
    algorithm = rule.hash
    if algorithm and kind == "f":
        if digest:
            e["h"] = digest
            e["fp"] = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        elif problem:
            e["err"] = problem
    elif problem:
        e["err"] = problem
    return e


def _hash_chunk(items: list[tuple[str, PathRule]]) -> list:
    out = []
    for path, rule in items:
        st, digest, problem = hash_file(path, rule.hash)
        if st is None:   # vanished or unreadable before any stat could be taken
            try:
                st = os.lstat(path)
            except OSError:
                out.append((path, rule, None, problem))
                continue
        out.append((path, rule, make_entry(rule, path, st, digest, problem), problem))
    return out


_FORKED_RULES: list = []


def _remote_chunk(items: list[tuple[str, int]]) -> list:
    """In a forked worker process: hash and describe files; the rule travels as its index."""
    return [(path, index, entry, problem) for (path, _rule, entry, problem), (_p, index) in
            zip(_hash_chunk([(p, _FORKED_RULES[i]) for p, i in items]), items)]


class _Remote:
    """A process-pool future whose results carry rule indexes instead of rules."""

    def __init__(self, future, rules):
        self.future, self.rules = future, rules

    def result(self):
        rules = self.rules
        return [(path, rules[index], entry, problem) for path, index, entry, problem in self.future.result()]


class Scanner:
    """Observes the objects a policy covers. ``reuse(path) -> baseline entry | None`` lets a quick
    check skip re-hashing files whose (size, mtime_ns, ctime_ns, inode) are unchanged."""

    def __init__(self, policy: Policy, problems: Problems, jobs: int | None = None,
                 reuse: Callable[[str], dict | None] | None = None, on_dir: Callable[[str], None] | None = None,
                 processes: bool = False):
        self.policy = policy
        # bulk runs (init, check) hash in forked processes: the per-file Python work then runs in
        # parallel too, not only the GIL-free read and hash; the daemon's small batches use threads
        self.processes = processes
        self.on_dir = on_dir
        self.unlisted: set[str] = set()     # directories that could not be listed: their baseline is not "removed"
        self.skip: Callable[[str], bool] | None = None
        self.problems = problems
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.reuse = reuse
        self.hashed = 0
        self.reused = 0
        self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    # -- walking -----------------------------------------------------------------------------
    def walk_rule(self, rule: PathRule, start: str | None = None) -> Iterator[tuple[str, PathRule, os.stat_result]]:
        """Objects under ``start`` (default the rule's root) that ``rule`` governs; other roots skipped."""
        start = start or rule.path
        roots = self.policy.roots
        try:
            st = os.lstat(start)
        except FileNotFoundError:
            if start == rule.path and not rule.optional:
                self.problems.add(start, "policy path does not exist")
            return
        except OSError as exc:
            self.problems.add(start, os_reason(exc))
            return
        is_dir = stat.S_ISDIR(st.st_mode)
        if is_dir and not rule.include or not is_dir and (start == rule.path or rule.included(start, start.rsplit("/", 1)[-1])):
            yield start, rule, st
        if not is_dir or not (rule.recursive or start == rule.path):
            return
        visited = {(st.st_dev, st.st_ino)}
        stack = [start]
        record_dirs = not rule.include
        while stack:
            directory = stack.pop()
            if self.on_dir is not None:
                self.on_dir(directory)
            try:
                it = os.scandir(directory)
            except FileNotFoundError:
                continue
            except OSError as exc:
                self.problems.add(directory, f"cannot list directory: {os_reason(exc)}")
                self.unlisted.add(directory)
                continue
            descend = rule.recursive
            with it:
                for entry in it:
                    path = entry.path if directory != "/" else "/" + entry.name
                    if path in roots or rule.excluded(path, entry.name) or (self.skip and self.skip(path)):
                        continue
                    try:
                        est = entry.stat(follow_symlinks=False)
                    except FileNotFoundError:
                        continue            # vanished since listing: not there now
                    except OSError as exc:
                        self.problems.add(path, os_reason(exc))
                        continue
                    if stat.S_ISDIR(est.st_mode):
                        if record_dirs:
                            yield path, rule, est
                        if descend:
                            key = (est.st_dev, est.st_ino)
                            if key in visited:
                                self.problems.add(path, "directory loop (already visited through another path)")
                                continue
                            visited.add(key)
                            stack.append(path)
                    elif rule.included(path, entry.name):
                        yield path, rule, est

    def walk_scope(self, path: str) -> Iterator[tuple[str, PathRule, os.stat_result]]:
        """Everything the policy covers at ``path`` and below it."""
        rule = self.policy.rule_for(path)
        if rule is not None:
            yield from self.walk_rule(rule, path)
        for sub in self.policy.roots_under(path):
            yield from self.walk_rule(sub)

    def walk_all(self) -> Iterator[tuple[str, PathRule, os.stat_result]]:
        for rule in self.policy.rules:
            yield from self.walk_rule(rule)

    # -- observing (stat + hash) ---------------------------------------------------------------
    def walk_one(self, path: str) -> Iterator[tuple[str, PathRule, os.stat_result]]:
        """Just ``path`` (if the policy covers it and it exists)."""
        rule = self.policy.rule_for(path)
        if rule is None or (self.skip and self.skip(path)):
            return
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            return
        except OSError as exc:
            self.problems.add(path, os_reason(exc))
            return
        is_dir = stat.S_ISDIR(st.st_mode)
        if path == rule.path or (is_dir and not rule.include) or (not is_dir and rule.included(path, path.rsplit("/", 1)[-1])):
            yield path, rule, st

    def observe(self, walked: Iterable[tuple[str, PathRule, os.stat_result]]) -> Iterator[tuple[str, PathRule, dict]]:
        """(path, rule, entry) for every walked object; files are hashed in the pool unless reusable."""
        pending: deque = deque()
        chunk: list = []
        chunk_bytes = 0
        for path, rule, st in walked:
            if rule.hash and stat.S_ISREG(st.st_mode):
                if self.reuse is not None:
                    old = self.reuse(path)
                    if (old is not None and "h" in old
                            and old.get("fp") == [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]):
                        self.reused += 1
                        yield path, rule, make_entry(rule, path, st, old["h"])
                        continue
                chunk.append((path, rule))
                chunk_bytes += st.st_size
                if len(chunk) >= 64 or chunk_bytes >= 32 << 20:
                    pending.append(self._submit(chunk))
                    chunk, chunk_bytes = [], 0
                    while len(pending) > 4 * self.jobs:
                        yield from self._results(pending.popleft())
            else:
                yield path, rule, make_entry(rule, path, st)
        if chunk:
            pending.append(self._submit(chunk))
        while pending:
            yield from self._results(pending.popleft())

    def _submit(self, chunk):
        self.hashed += len(chunk)
        if self.jobs == 1:
            return _hash_chunk(chunk)
        if self.processes and self._pool is None:
            global _FORKED_RULES
            _FORKED_RULES = self.policy.rules       # inherited by the forked workers
            self._index = {r.path: i for i, r in enumerate(self.policy.rules)}
            try:
                self._pool = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("fork"))
            except (OSError, ImportError, ValueError):   # no /dev/shm semaphores, no fork: threads will do
                self.processes = False
        if self.processes:
            index = self._index
            return _Remote(self._pool.submit(_remote_chunk, [(p, index[r.path]) for p, r in chunk]), self.policy.rules)
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.jobs, thread_name_prefix="hash")
        return self._pool.submit(_hash_chunk, chunk)

    def _results(self, future) -> Iterator[tuple[str, PathRule, dict]]:
        results = future if isinstance(future, list) else future.result()
        for path, rule, entry, problem in results:
            if problem and problem != "no such file or directory":
                self.problems.add(path, problem)
            if entry is not None:
                yield path, rule, entry
