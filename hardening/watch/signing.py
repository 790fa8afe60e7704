"""The watcher's Ed25519 key pair: the private half a 0600 file (optionally encrypted with the
passphrase in $HARDENING_WATCH_PASSPHRASE), the public half beside it, and its fingerprint to pin.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from hardening.errors import HardeningError

PASSPHRASE_ENV = "HARDENING_WATCH_PASSPHRASE"


class UntrustedError(HardeningError):
    """The baseline, the key or the event log is not what was signed: do not trust it."""


def fingerprint(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519:" + hashlib.sha256(raw).hexdigest()[:32]


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


class KeyPair:
    def __init__(self, directory: Path):
        self.private_path = Path(directory) / "signing.key"
        self.public_path = Path(directory) / "signing.pub"
        self._private: Ed25519PrivateKey | None = None
        self._public: Ed25519PublicKey | None = None

    def exists(self) -> bool:
        return self.public_path.exists()

    def create(self) -> str:
        key = Ed25519PrivateKey.generate()
        passphrase = os.environ.get(PASSPHRASE_ENV)
        encryption = (serialization.BestAvailableEncryption(passphrase.encode()) if passphrase
                      else serialization.NoEncryption())
        _write_private(self.private_path, key.private_bytes(serialization.Encoding.PEM,
                                                            serialization.PrivateFormat.PKCS8, encryption))
        self.public_path.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                                   serialization.PublicFormat.SubjectPublicKeyInfo))
        self._private, self._public = key, key.public_key()
        return fingerprint(key.public_key())

    def public(self) -> Ed25519PublicKey:
        if self._public is None:
            try:
                key = serialization.load_pem_public_key(self.public_path.read_bytes())
            except FileNotFoundError:
                raise UntrustedError(f"{self.public_path}: the public key is missing") from None
            except ValueError:
                raise UntrustedError(f"{self.public_path}: not a valid public key") from None
            if not isinstance(key, Ed25519PublicKey):
                raise UntrustedError(f"{self.public_path}: not an Ed25519 key")
            self._public = key
        return self._public

    def private(self) -> Ed25519PrivateKey:
        if self._private is None:
            try:
                st = self.private_path.stat()
                data = self.private_path.read_bytes()
            except FileNotFoundError:
                raise UntrustedError(f"{self.private_path}: the signing key is missing") from None
            except PermissionError:
                raise HardeningError(f"{self.private_path}: permission denied (run as root)") from None
            if st.st_mode & 0o077:
                raise UntrustedError(f"{self.private_path}: mode {st.st_mode & 0o777:04o}, must be 0600")
            passphrase = os.environ.get(PASSPHRASE_ENV)
            try:
                key = serialization.load_pem_private_key(data, passphrase.encode() if passphrase else None)
            except TypeError:
                raise HardeningError(f"{self.private_path} is passphrase-protected: set {PASSPHRASE_ENV}") from None
            except ValueError:
                raise UntrustedError(f"{self.private_path}: cannot load the signing key (wrong passphrase?)") from None
            if fingerprint(key.public_key()) != fingerprint(self.public()):
                raise UntrustedError(f"{self.public_path} does not match {self.private_path}: a key was replaced")
            self._private = key
        return self._private

    def fingerprint(self) -> str:
        return fingerprint(self.public())

    def sign(self, data: bytes) -> str:
        return base64.b64encode(self.private().sign(data)).decode()

    def verify(self, data: bytes, signature: str, what: str) -> None:
        try:
            self.public().verify(base64.b64decode(signature, validate=True), data)
        except (InvalidSignature, ValueError):
            raise UntrustedError(f"{what}: signature does not verify (modified or replaced)") from None

    def check_pin(self, expected: str | None) -> None:
        if expected and expected != self.fingerprint():
            raise UntrustedError(f"{self.public_path}: key {self.fingerprint()} is not the pinned key {expected}")
