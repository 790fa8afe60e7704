"""Error types that the CLI turns into one-line messages instead of tracebacks."""

from __future__ import annotations


class HardeningError(Exception):
    """Any error a user can act on; its text is shown as is."""


class InputError(HardeningError):
    """Bad input data (rule, baseline, bundle, inventory), located by file and line."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        self.message = message
        self.path = path
        self.line = line
        super().__init__(self.location_text())

    def location_text(self) -> str:
        if self.path and self.line:
            return f"{self.path}:{self.line}: {self.message}"
        if self.path:
            return f"{self.path}: {self.message}"
        return self.message


class TargetError(HardeningError):
    """A target could not be scanned (unreachable, refused, garbage output...)."""


class Refused(HardeningError):
    """A safety rule refuses this step (unapproved or modified bundle, drift, same person, bad password...)."""


class FactError(Exception):
    """A fact could not be determined from what the host returned."""
