"""A string type for credentials that never shows its value in logs, reprs or tracebacks."""

from __future__ import annotations

import os


class Secret:
    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)

    @classmethod
    def from_env(cls, variable: str) -> "Secret | None":
        value = os.environ.get(variable)
        return cls(value) if value else None
