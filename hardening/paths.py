"""Where the shipped data (rules, baselines, templates) and the user's data live."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

_SOURCE_TREE = Path(__file__).resolve().parent.parent


def data_root(kind: str) -> Path:
    """The shipped folder for ``kind`` (rules, baselines, remediations, reports).

    In a source checkout this is the top-level folder people edit; in an installed wheel it
    is the copy packaged under ``hardening/data``.
    """
    source = _SOURCE_TREE / kind
    if source.is_dir() and (_SOURCE_TREE / "pyproject.toml").is_file():
        return source
    return Path(str(resources.files("hardening.data") / kind))


def rule_roots(extra: tuple[str, ...] = ()) -> list[Path]:
    return [data_root("rules")] + [Path(p) for p in extra] + _env_paths("HARDENING_RULES_PATH")


def baseline_roots(extra: tuple[str, ...] = ()) -> list[Path]:
    return [Path(p) for p in extra] + _env_paths("HARDENING_BASELINES_PATH") + [data_root("baselines")]


def _env_paths(variable: str) -> list[Path]:
    return [Path(p) for p in os.environ.get(variable, "").split(os.pathsep) if p]


def default_db() -> Path:
    """The history database: $HARDENING_DB, else the user's data directory."""
    if os.environ.get("HARDENING_DB"):
        return Path(os.environ["HARDENING_DB"])
    from platformdirs import user_data_dir

    return Path(user_data_dir("hardening")) / "history.db"


def known_hosts_default() -> Path:
    return Path(os.environ.get("HARDENING_KNOWN_HOSTS", str(Path.home() / ".ssh" / "known_hosts")))
