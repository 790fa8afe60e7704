"""The append-only, hash-chained event log.

``events.jsonl``: one JSON object per line; each carries ``seq`` (1, 2, ...) and ``prev``, the
sha256 of the exact bytes of the previous line (64 zeros for the first). Altering or removing
a line breaks the chain at the next one. ``events.head`` is the signed anchor of the last
line (its seq and sha256), rewritten after every append: removing lines from the end, or
replacing the whole log, no longer matches the signed head. Writers serialise on a lock file.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from hardening.watch.baseline import now
from hardening.watch.signing import KeyPair, UntrustedError

GENESIS = "0" * 64


def line_hash(line: bytes) -> str:
    return hashlib.sha256(line).hexdigest()


class EventLog:
    def __init__(self, directory: Path, keys: KeyPair):
        directory = Path(directory)
        self.path = directory / "events.jsonl"
        self.head_path = directory / "events.head"
        self.lock_path = directory / "events.lock"
        self.keys = keys

    @contextmanager
    def _locked(self):
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _tail(self) -> tuple[int, str]:
        """(seq, sha256) of the last complete line; (0, GENESIS) for an empty log."""
        try:
            with open(self.path, "rb") as f:
                f.seek(0, os.SEEK_END)
                size = f.tell()
                if size == 0:
                    return 0, GENESIS
                block = 1 << 16
                while True:
                    start = max(0, size - block)
                    f.seek(start)
                    data = f.read(size - start)
                    body = data[:-1] if data.endswith(b"\n") else data
                    cut = body.rfind(b"\n")
                    if cut >= 0 or start == 0:
                        last = body[cut + 1:]
                        break
                    block *= 4
        except FileNotFoundError:
            return 0, GENESIS
        return int(json.loads(last)["seq"]), line_hash(last)

    def append(self, records: list[dict]) -> list[dict]:
        """Chain, write (one O_APPEND write + fsync) and re-sign the head. Returns the records as logged."""
        if not records:
            return []
        with self._locked():
            seq, prev = self._tail()
            chunks, out = [], []
            for record in records:
                seq += 1
                record = {**record, "seq": seq, "prev": prev}
                record.setdefault("ts", now())
                line = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
                prev = line_hash(line)
                chunks.append(line + b"\n")
                out.append(record)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                os.write(fd, b"".join(chunks))
                os.fsync(fd)
            finally:
                os.close(fd)
            self._sign_head(seq, prev)
        return out

    def recover(self) -> str:
        """After a crash: drop a partial last line, and seal complete lines written after the last
        signed head. Returns what was done ('' if nothing), which the caller logs as an event."""
        notes = []
        with self._locked():
            try:
                with open(self.path, "rb+") as f:
                    f.seek(0, os.SEEK_END)
                    size = f.tell()
                    if size:
                        f.seek(max(0, size - (1 << 20)))
                        data = f.read()
                        if not data.endswith(b"\n"):
                            cut = data.rfind(b"\n")
                            keep = size - len(data) + cut + 1 if cut >= 0 else 0
                            f.truncate(keep)
                            notes.append(f"dropped a partial last line of {size - keep} bytes (crash while writing)")
            except FileNotFoundError:
                return ""
            seq, digest = self._tail()
            try:
                head = json.loads(self.head_path.read_text(encoding="utf-8"))
                head_seq = int(head["seq"])
            except (OSError, ValueError, KeyError, TypeError):
                head_seq = None
            if head_seq is not None and head_seq < seq:
                # only complete, correctly chained lines are sealed; verify() would show a broken chain anyway
                self._sign_head(seq, digest)
                notes.append(f"sealed events {head_seq + 1}..{seq} written before a crash")
        return "; ".join(notes)

    def _sign_head(self, seq: int, digest: str) -> None:
        head = {"seq": seq, "sha256": digest, "key": self.keys.fingerprint(), "ts": now(),
                "signature": self.keys.sign(f"hardening-watch-log:{seq}:{digest}".encode())}
        tmp = self.head_path.with_name(self.head_path.name + ".tmp")
        tmp.write_text(json.dumps(head, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, self.head_path)

    def records(self) -> Iterator[dict]:
        try:
            with open(self.path, "rb") as f:
                for line in f:
                    try:
                        yield json.loads(line)
                    except ValueError:
                        continue
        except FileNotFoundError:
            return

    def verify(self) -> tuple[int, list[str]]:
        """(events read, problems). Each problem names the line and what is wrong."""
        problems: list[str] = []
        prev, expected_seq, count = GENESIS, 1, 0
        try:
            f = open(self.path, "rb")
        except FileNotFoundError:
            return 0, [] if not self.head_path.exists() else [f"{self.path}: missing, but a signed head exists"]
        with f:
            for number, raw in enumerate(f, 1):
                line = raw.rstrip(b"\n")
                count += 1
                try:
                    record = json.loads(line)
                    seq, link = int(record["seq"]), record["prev"]
                except (ValueError, KeyError, TypeError):
                    problems.append(f"line {number}: not an event record (altered)")
                    prev = line_hash(line)
                    expected_seq += 1
                    continue
                if seq != expected_seq:
                    if seq > expected_seq:
                        problems.append(f"line {number}: events {expected_seq}..{seq - 1} removed")
                    else:
                        problems.append(f"line {number}: sequence {seq} out of order (expected {expected_seq})")
                if link != prev:
                    problems.append(f"line {number} (event {seq}): previous-hash mismatch: the line before it "
                                    "was altered or removed")
                prev, expected_seq = line_hash(line), seq + 1
        last_seq = expected_seq - 1
        try:
            head = json.loads(self.head_path.read_text(encoding="utf-8"))
            self.keys.verify(f"hardening-watch-log:{head['seq']}:{head['sha256']}".encode(), head["signature"],
                             str(self.head_path))
        except FileNotFoundError:
            if count:
                problems.append(f"{self.head_path}: missing (the log's signed anchor was removed)")
            return count, problems
        except (ValueError, KeyError, TypeError):
            problems.append(f"{self.head_path}: not a valid signed head (altered)")
            return count, problems
        except UntrustedError as exc:
            problems.append(str(exc))
            return count, problems
        if head["seq"] > last_seq:
            problems.append(f"events {last_seq + 1}..{head['seq']} removed from the end (the signed head names "
                            f"event {head['seq']}, the log ends at {last_seq})")
        elif head["seq"] == last_seq and head["sha256"] != prev:
            problems.append(f"event {last_seq}: differs from the signed head (the last event was altered)")
        elif head["seq"] < last_seq:
            problems.append(f"events {head['seq'] + 1}..{last_seq} are not covered by the signed head "
                            "(appended without the key, or written just before a crash)")
        return count, problems


def deviations(log: EventLog) -> dict[str, str]:
    """path → state digest of the last reported deviation, replayed from the log (accepts reset it)."""
    state: dict[str, str] = {}
    for record in log.records():
        event = record.get("event")
        if event in ("changed", "added", "removed"):
            state[record.get("path", "")] = record.get("state", "")
        elif event == "restored":
            state.pop(record.get("path", ""), None)
        elif event == "accepted":
            for key in record.get("paths", []):
                state.pop(key, None)
            if record.get("all"):
                state.clear()
        elif event == "baseline_created":
            state.clear()
    return state
