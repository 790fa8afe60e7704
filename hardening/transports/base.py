"""The transport contract: run one script, get stdout/stderr/status back."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScriptResult:
    stdout: bytes
    stderr: bytes
    rc: int


class Transport:
    """Subclasses open a connection lazily and count the exec channels they open."""

    label = "transport"
    exec_count = 0

    def run_script(self, script: bytes, timeout: float) -> ScriptResult:
        raise NotImplementedError

    def close(self) -> None:
        """Release the connection (no-op by default)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
