"""What a fact is: a shell command run on the host plus a pure parser run here.

A fact class is named ``module.Class`` automatically and registers itself on definition.
Platform differences live here (per-family commands and parsers), never in rules.
"""

from __future__ import annotations

import importlib
import json
import shlex
from dataclasses import dataclass, field
from typing import Any, ClassVar

from hardening.errors import FactError

REGISTRY: dict[str, type["Fact"]] = {}

DEFAULT_OUTPUT_CAP = 4 * 1024 * 1024  # bytes of stdout kept per fact


@dataclass(frozen=True)
class Raw:
    """What the host returned for one fact: bytes, exit status, truncation flag."""

    stdout: bytes
    stderr: bytes = b""
    rc: int = 0
    truncated: bool = False

    def text(self) -> str:
        return self.stdout.decode("utf-8", "replace")


@dataclass(frozen=True)
class HostContext:
    """What the parsers may need to know about the host (from os.Release)."""

    family: str = "unknown"  # debian | rhel | suse | unknown
    os_id: str = ""
    version_id: str = ""


@dataclass
class Parsed:
    """A parsed value with the evidence line behind each key (e.g. ``file:line: text``)."""

    value: Any
    sources: dict = field(default_factory=dict)


class Fact:
    """Base class; subclasses set ``command`` (a string or a per-family dict) and ``parse``."""

    name: ClassVar[str]
    command: ClassVar[str | dict[str, str]] = ""
    arguments: ClassVar[dict[str, type]] = {}  # allowed args and their types
    ok_codes: ClassVar[tuple[int, ...]] = (0,)
    output_cap: ClassVar[int] = DEFAULT_OUTPUT_CAP
    # the collector runs facts in two lanes side by side: ``alone`` facts run before the lanes
    # start (they look at processes, and would see the other lane's); ``cost``, rough
    # milliseconds on a small server, balances the lanes
    alone: ClassVar[bool] = False
    cost: ClassVar[int] = 3

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        module = cls.__module__.rsplit(".", 1)[-1]
        cls.name = f"{module}.{cls.__name__}"
        if not cls.__name__.startswith("_"):  # ``_Base`` shares code between facts, is none itself
            REGISTRY[cls.name] = cls

    # -- collection side -------------------------------------------------------------------
    def shell(self, args: dict) -> str | dict[str, str]:
        """The command for these args; quoting of args is the fact's job (``q``)."""
        return self.command

    # -- evaluation side -------------------------------------------------------------------
    def parse_raw(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        if raw.truncated:
            raise FactError(f"output larger than {self.output_cap} bytes was cut off")
        if raw.rc not in self.ok_codes:
            raise FactError(self.failure_reason(raw))
        result = self.parse(raw, args, ctx)
        return result if isinstance(result, Parsed) else Parsed(result)

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Any:
        raise NotImplementedError

    def failure_reason(self, raw: Raw) -> str:
        detail = (raw.stderr or raw.stdout).decode("utf-8", "replace").strip().splitlines()
        first = detail[0][:200] if detail else "no message"
        return f"command exited with status {raw.rc}: {first}"


def q(value: Any) -> str:
    """Shell-quote one argument for a fact command."""
    return shlex.quote(str(value))


def instance_key(fact: str, args: dict) -> str:
    """Stable identity of a (fact, args) pair: the same pair is collected once per host."""
    if not args:
        return fact
    return f"{fact}{json.dumps(args, sort_keys=True, separators=(',', ':'), ensure_ascii=False)}"


def get_fact(name: str) -> Fact:
    """An instance of the fact ``module.Class``, importing its module on first use."""
    if name not in REGISTRY:
        module = name.split(".", 1)[0]
        if module.isidentifier() and module not in ("base", "records"):
            try:
                importlib.import_module(f"hardening.facts.{module}")
            except ModuleNotFoundError:
                pass
    try:
        return REGISTRY[name]()
    except KeyError:
        raise FactError(f"unknown fact {name!r}") from None
