"""A resolved scan target from an inventory."""

from __future__ import annotations

from dataclasses import dataclass, field

from hardening.targets import Target

# Variables a host or group may set in our own format, with their types.
HOST_VARIABLES = {"address": str, "port": int, "user": str, "identity": str, "jump": (str, list),
                  "sudo": bool, "tags": list, "baseline": str}


@dataclass
class HostEntry:
    name: str
    address: str
    port: int = 22
    user: str | None = None
    identity: str | None = None
    jump: list[str] = field(default_factory=list)  # ProxyJump chain, each [user@]host[:port] or an inventory name
    sudo: bool = False
    tags: set[str] = field(default_factory=set)
    baseline: str | None = None
    groups: list[str] = field(default_factory=list)
    source: str = ""  # file:line where the host was defined

    def target(self) -> Target:
        return Target("ssh", self.address, self.port, self.user, self.identity)

    def as_dict(self) -> dict:
        return {"name": self.name, "address": self.address, "port": self.port, "user": self.user,
                "identity": self.identity, "jump": self.jump, "sudo": self.sudo, "tags": sorted(self.tags),
                "baseline": self.baseline, "groups": self.groups, "source": self.source}
