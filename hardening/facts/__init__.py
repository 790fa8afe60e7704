"""The fact registry: importing this package imports every fact module, which registers its facts."""

import importlib
import pkgutil

from hardening.facts.base import REGISTRY, Fact, HostContext, Parsed, Raw, get_fact, instance_key

for _module in pkgutil.iter_modules(__path__):
    if _module.name not in ("base", "records"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["REGISTRY", "Fact", "HostContext", "Parsed", "Raw", "get_fact", "instance_key"]
