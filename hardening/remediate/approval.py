"""Two-person approval: the approver proves who they are through PAM and signs the bundle digest.

Each approver has an Ed25519 key (a 0600 file, created at their first approval); its public half
is registered once in approvers.json, so a later approval made with another key is rejected.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from hardening.errors import Refused
from hardening.remediate.bundle import Bundle
from hardening.secrets import Secret

APPROVAL = "approval.json"


def pam_authenticate(user: str, password: Secret, service: str) -> None:
    import pam

    handle = pam.pam()
    if not handle.authenticate(user, password.reveal(), service=service):
        raise Refused(f"PAM refused {user!r} (service {service}): {handle.reason}")


def _key_path(state: Path, approver: str) -> Path:
    return state / "approvers" / f"{approver}.key"


def approver_key(state: Path, approver: str) -> Ed25519PrivateKey:
    path = _key_path(state, approver)
    if path.is_file():
        return serialization.load_pem_private_key(path.read_bytes(), password=None)
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return key


def _raw(public: Ed25519PublicKey) -> str:
    return base64.b64encode(public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()


def _registry(state: Path) -> dict:
    path = state / "approvers.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def register(state: Path, approver: str, public: Ed25519PublicKey) -> None:
    registry = _registry(state)
    if approver in registry and registry[approver] != _raw(public):
        raise Refused(f"approver {approver!r} is registered with another key; refusing to approve")
    registry[approver] = _raw(public)
    (state / "approvers.json").write_text(json.dumps(registry, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _signed_part(record: dict) -> bytes:
    return json.dumps({k: record[k] for k in ("bundle", "bundle_digest", "approver", "approved_at", "expires_at")},
                      sort_keys=True).encode()


def approve(bundle: Bundle, state: Path, approver: str, valid_days: int) -> dict:
    if approver == bundle.manifest["author"]:
        raise Refused(f"two-person rule: {approver!r} wrote this bundle and cannot approve it")
    modified = bundle.modified_files()
    if modified:
        raise Refused(f"bundle was modified ({', '.join(modified)} no longer match the manifest)")
    key = approver_key(state, approver)
    register(state, approver, key.public_key())
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    record = {"bundle": bundle.id, "bundle_digest": bundle.digest(), "approver": approver,
              "approved_at": now.isoformat(), "expires_at": (now + dt.timedelta(days=valid_days)).isoformat(),
              "public_key": _raw(key.public_key())}
    record["signature"] = base64.b64encode(key.sign(_signed_part(record))).decode()
    (bundle.folder / APPROVAL).write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return record


def check_approved(bundle: Bundle, state: Path) -> dict:
    """The valid approval of an unmodified bundle, or Refused saying why not."""
    modified = bundle.modified_files()
    if modified:
        raise Refused(f"bundle was modified after it was written ({', '.join(modified)} no longer match the manifest)")
    path = bundle.folder / APPROVAL
    if not path.is_file():
        raise Refused("bundle is not approved: run `hardening approve` as a second person first")
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        signature = base64.b64decode(record["signature"])
    except (json.JSONDecodeError, KeyError, ValueError):
        raise Refused("approval.json is damaged") from None
    if record.get("bundle_digest") != bundle.digest():
        raise Refused("bundle was modified after approval (its digest no longer matches the approval)")
    if record["approver"] == bundle.manifest["author"]:
        raise Refused("two-person rule: the approval was made by the bundle's author")
    registered = _registry(state).get(record["approver"])
    if registered is None or registered != record.get("public_key"):
        raise Refused(f"approver {record['approver']!r} is not registered with this key")
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(registered))
    try:
        public.verify(signature, _signed_part(record))
    except InvalidSignature:
        raise Refused("the approval signature is invalid") from None
    if dt.datetime.fromisoformat(record["expires_at"]) < dt.datetime.now(dt.timezone.utc):
        raise Refused(f"the approval expired on {record['expires_at']}")
    return record
