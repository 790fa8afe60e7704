"""The audit trail: an append-only JSON-lines log where each entry carries the hash of the one before.

Removing, reordering or editing any entry breaks the chain, which `hardening audit verify` reports.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
from pathlib import Path

GENESIS = "0" * 64


def _digest(entry: dict) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _last_hash(path: Path) -> str:
    if not path.is_file() or path.stat().st_size == 0:
        return GENESIS
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - 65536))
        last = handle.read().splitlines()[-1]
    return json.loads(last)["hash"]


def append(path: Path, action: str, bundle: str, target: str, result: str, detail: str = "",
           actor: str | None = None) -> dict:
    """Append one entry (who, when, what, result) under an exclusive lock."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
    with os.fdopen(fd, "a+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        entry = {"time": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                 "actor": actor or os.environ.get("SUDO_USER") or getpass.getuser(), "action": action,
                 "bundle": bundle, "target": target, "result": result, "detail": detail[-4000:],
                 "prev": _last_hash(path)}
        entry["hash"] = _digest(entry)
        handle.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return entry


def entries(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def verify(path: Path) -> list[str]:
    """Problems found in the chain (empty when intact)."""
    problems = []
    previous = GENESIS
    if not path.is_file():
        return problems
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            problems.append(f"{path}:{number}: not a JSON entry")
            previous = None
            continue
        if entry.get("hash") != _digest(entry):
            problems.append(f"{path}:{number}: entry was altered (its hash does not match its content)")
        if previous is not None and entry.get("prev") != previous:
            problems.append(f"{path}:{number}: chain broken (an entry before it was removed, reordered or altered)")
        previous = entry.get("hash")
    return problems
