"""Transports run one collector script on a target and return its bytes. Nothing else."""

from hardening.transports.base import ScriptResult, Transport

__all__ = ["ScriptResult", "Transport"]
