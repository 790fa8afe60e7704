"""The signed baseline: one file, written atomically.

Line 1 is the signature record ``{"format", "key", "sha256", "signature"}``: ``sha256`` is the
digest of the exact bytes of everything after line 1, and the Ed25519 signature covers the format
name and that digest (so the body can be written and verified as a stream). Line 2 is the header (creation,
host, the expanded policy, counts, acceptance history). Then one line per object, sorted:
``"<path as a JSON string>"<TAB>{attributes}``. Entries stay as compact JSON bytes in memory
and are parsed on demand, which keeps 100,000 objects in a few tens of MB.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import socket
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from hardening import __version__
from hardening.watch.policy import Policy
from hardening.watch.signing import KeyPair, UntrustedError

FORMAT = "hardening-watch-baseline/1"


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


_decode = json.JSONDecoder().decode


def _signed_message(sha256_hex: str) -> bytes:
    """What the Ed25519 key signs: the format and the sha256 of the exact bytes after line 1."""
    return f"{FORMAT}\0sha256:{sha256_hex}".encode()


def _record(key: str, sha256_hex: str, signature: str) -> bytes:
    return json.dumps({"format": FORMAT, "key": key, "sha256": sha256_hex, "signature": signature},
                      sort_keys=True).encode() + b"\n"


_encode = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode


def _value(entry: dict) -> bytes:
    return _encode(entry).encode()


class Baseline:
    def __init__(self, header: dict, lines: dict[str, bytes], keys: list[str] | None = None):
        self.header = header
        self.lines = lines
        self.keys = keys if keys is not None else sorted(lines)
        self.policy = Policy.from_dict(header["policy"])

    # -- reading -----------------------------------------------------------------------------
    def get(self, path: str) -> dict | None:
        value = self.lines.get(path)
        return None if value is None else _decode(value.decode())

    def under(self, path: str) -> list[str]:
        """Keys equal to ``path`` or below it."""
        out = [path] if path in self.lines else []
        prefix = path.rstrip("/") + "/"
        lo = bisect.bisect_left(self.keys, prefix)
        hi = bisect.bisect_left(self.keys, prefix[:-1] + "0")   # '0' sorts right after '/'
        out.extend(self.keys[lo:hi])
        return out

    def file_keys(self) -> list[str]:
        return [k for k in self.keys if not k.startswith("@")]

    def system_keys(self) -> list[str]:
        return [k for k in self.keys if k.startswith("@")]

    # -- loading and saving ------------------------------------------------------------------
    @classmethod
    def load(cls, path: Path, keys: KeyPair, pin: str | None = None) -> "Baseline":
        """Read line by line (hashing the exact bytes as they come), verify the signature, and only
        then hand the entries out. Anything wrong: UntrustedError."""
        try:
            f = open(path, "rb")
        except FileNotFoundError:
            raise UntrustedError(f"{path}: no baseline (run `hardening watch init`)") from None
        with f:
            keys.check_pin(pin)
            first = f.readline()
            try:
                record = json.loads(first)
                assert isinstance(record, dict) and record.get("format") == FORMAT
            except (ValueError, AssertionError):
                raise UntrustedError(f"{path}: not a signed baseline (first line is not a signature record)") from None
            if record.get("key") != keys.fingerprint():
                raise UntrustedError(f"{path}: signed by key {record.get('key')}, not by this watcher's key "
                                     f"{keys.fingerprint()} (replaced)")
            digest = hashlib.sha256()
            header = None
            lines: dict[str, bytes] = {}
            ordered = []
            bad = False
            for raw in f:
                digest.update(raw)
                if bad:
                    continue
                try:
                    if header is None:
                        header = json.loads(raw)
                        continue
                    tab = raw.index(b"\t")
                    p = json.loads(raw[:tab])
                    lines[p] = raw[tab + 1:-1] if raw.endswith(b"\n") else raw[tab + 1:]
                    ordered.append(p)
                except ValueError:
                    bad = True          # unparseable: the digest check below says why
        if digest.hexdigest() != record.get("sha256"):
            raise UntrustedError(f"{path}: signature does not verify (modified or replaced): the content's "
                                 "sha256 is not the signed one")
        keys.verify(_signed_message(digest.hexdigest()), str(record.get("signature", "")), str(path))
        if bad or not isinstance(header, dict) or "policy" not in header:
            raise UntrustedError(f"{path}: signed, but not a baseline this version can read")
        baseline = cls(header, lines, ordered)
        baseline.signature = record
        return baseline

    @classmethod
    def build(cls, policy: Policy, entries: Iterable[tuple[str, dict]], extra: dict | None = None) -> "Baseline":
        lines = {p: _value(e) for p, e in entries}
        header = {"created": now(), "host": socket.gethostname(), "tool_version": __version__,
                  "policy": policy.to_dict(), "policy_digest": policy.digest(), "entries": len(lines),
                  "accepted": []}
        header.update(extra or {})
        return cls(header, lines)

    def set(self, path: str, entry: dict | None) -> None:
        if entry is None:
            if self.lines.pop(path, None) is not None:
                i = bisect.bisect_left(self.keys, path)
                if i < len(self.keys) and self.keys[i] == path:
                    del self.keys[i]
            return
        if path not in self.lines:
            bisect.insort(self.keys, path)
        self.lines[path] = _value(entry)

    def save(self, path: Path, keys: KeyPair) -> None:
        """Stream the body to a temporary file (hashing it as it goes), then overwrite the fixed-length
        first line with the signature record and rename: memory stays flat, the swap is atomic."""
        self.header["entries"] = len(self.lines)
        dumps, lines = json.dumps, self.lines
        placeholder = _record(keys.fingerprint(), "0" * 64, "A" * 86 + "==")
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        digest = hashlib.sha256()
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(placeholder)
            chunk = [dumps(self.header, sort_keys=True).encode() + b"\n"]
            for k in self.keys:
                chunk.append(dumps(k).encode() + b"\t" + lines[k] + b"\n")
                if len(chunk) >= 4096:
                    data = b"".join(chunk)
                    digest.update(data)
                    f.write(data)
                    chunk = []
            data = b"".join(chunk)
            digest.update(data)
            f.write(data)
            hexdigest = digest.hexdigest()
            signature = keys.sign(_signed_message(hexdigest))
            final = _record(keys.fingerprint(), hexdigest, signature)
            assert len(final) == len(placeholder)
            f.seek(0)
            f.write(final)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        record = json.loads(final)
        self.signature = record
