"""The fact registry. Fact modules are imported when a fact of theirs is first needed
(``get_fact``), or all at once when the whole registry is asked for (``REGISTRY``, rule
validation): a scan then loads only the modules its plan uses."""

import importlib
import pkgutil

from hardening.facts import base
from hardening.facts.base import Fact, HostContext, Parsed, Raw, get_fact, instance_key

MODULES = tuple(m.name for m in pkgutil.iter_modules(__path__) if m.name not in ("base", "records"))


def load_all() -> dict:
    """Every registered fact, importing every fact module."""
    for module in MODULES:
        importlib.import_module(f"{__name__}.{module}")
    return base.REGISTRY


def __getattr__(name):
    if name == "REGISTRY":  # `from hardening.facts import REGISTRY` means the complete registry
        return load_all()
    raise AttributeError(name)


__all__ = ["MODULES", "REGISTRY", "Fact", "HostContext", "Parsed", "Raw", "get_fact", "instance_key", "load_all"]
