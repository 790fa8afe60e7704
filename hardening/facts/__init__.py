"""The fact registry: importing this package registers every fact class."""

from hardening.facts import accounts, files, packages, shell, sshd, system  # noqa: F401
from hardening.facts.base import REGISTRY, Fact, HostContext, Parsed, Raw, get_fact, instance_key

__all__ = ["REGISTRY", "Fact", "HostContext", "Parsed", "Raw", "get_fact", "instance_key"]
