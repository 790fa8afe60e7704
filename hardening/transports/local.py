"""Run the collector on this machine, without SSH."""

from __future__ import annotations

import os
import subprocess

from hardening.errors import TargetError
from hardening.transports.base import ScriptResult, Transport


def _without_secrets(environment) -> dict:
    """The collector needs no credential: keep the HARDENING_* secrets out of its environment."""
    return {k: v for k, v in environment.items() if not (k.startswith("HARDENING_") and
                                                          ("PASSWORD" in k or "PASSPHRASE" in k))}


class LocalTransport(Transport):
    label = "local"

    def __init__(self, sudo: bool = False):
        self.sudo = sudo and os.geteuid() != 0
        self.exec_count = 0

    def run_script(self, script: bytes, timeout: float) -> ScriptResult:
        command = ["sudo", "-n", "--", "sh", "-s"] if self.sudo else ["sh", "-s"]
        self.exec_count += 1
        try:
            done = subprocess.run(command, input=script, capture_output=True, timeout=timeout, check=False,
                                  env=_without_secrets(os.environ))
        except subprocess.TimeoutExpired:
            raise TargetError(f"command timeout: the collector ran longer than {timeout:g} s") from None
        except OSError as exc:
            raise TargetError(f"cannot run sh: {exc.strerror}") from None
        return ScriptResult(done.stdout, done.stderr, done.returncode)
