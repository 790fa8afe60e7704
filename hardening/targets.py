"""Parse target addresses given on the command line."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from hardening.errors import InputError


@dataclass(frozen=True)
class Target:
    kind: str  # local | ssh
    host: str = "localhost"
    port: int = 22
    user: str | None = None
    identity: str | None = None  # key file for this host (inventory), else the run's default

    @property
    def name(self) -> str:
        """The name findings and waivers refer to."""
        return "localhost" if self.kind == "local" else self.host

    @property
    def uri(self) -> str:
        if self.kind == "local":
            return "local://"
        user = f"{self.user}@" if self.user else ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = f":{self.port}" if self.port != 22 else ""
        return f"ssh://{user}{host}{port}"


def parse_target(text: str) -> Target:
    """``local``/``local://``, ``ssh://[user@]host[:port]`` or ``[user@]host[:port]``."""
    if text in ("local", "local://", "localhost://"):
        return Target("local")
    if "://" not in text:
        text = "ssh://" + text
    parts = urlsplit(text)
    if parts.scheme != "ssh":
        raise InputError(f"unsupported target {text!r}: use ssh://[user@]host[:port] or local")
    if parts.password is not None:
        raise InputError("never put a password in the target; use HARDENING_SSH_PASSWORD or --ask-pass")
    try:
        port = parts.port or 22
    except ValueError:
        raise InputError(f"bad port in target {text!r}") from None
    if not parts.hostname:
        raise InputError(f"target {text!r} names no host")
    return Target("ssh", parts.hostname, port, parts.username)
