"""A cache of loaded rules, so a scan does not re-parse and re-validate every YAML file each run.

The key covers every rule file's path, size and mtime, the tool version and the fact modules;
any change loads afresh. Only a rule set without problems is cached. The cache is a pickle in the
user's own cache directory, trusted only when it is owned by this user and not writable by others.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from hardening import __version__
from hardening.facts import __file__ as _facts_init
from hardening.rules import Problems, load_rules, rule_files


FACTS = Path(_facts_init).parent


def _key(roots: list[Path]) -> str:
    digest = hashlib.sha256(__version__.encode())
    for module in sorted(FACTS.glob("*.py")):  # the fact registry, without importing it
        info = module.stat()
        digest.update(f"{module.name}|{info.st_size}|{info.st_mtime_ns}\n".encode())
    for root in roots:
        for path in rule_files(root) if root.exists() else []:
            info = path.stat()
            digest.update(f"{path}|{info.st_size}|{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _folder() -> Path:
    if os.environ.get("HARDENING_CACHE_DIR"):
        return Path(os.environ["HARDENING_CACHE_DIR"])
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("hardening"))


def _trusted(path: Path) -> bool:
    info = path.stat()
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def cached_rules(roots: list[Path], problems: Problems) -> dict:
    key = _key(roots)
    path = _folder() / f"rules-{key[:32]}.pickle"
    try:
        if path.is_file() and _trusted(path):
            with path.open("rb") as handle:
                return pickle.load(handle)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError):
        pass  # a damaged or stale cache is simply rebuilt
    rules = load_rules(roots, problems)
    if not problems:
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            for old in path.parent.glob("rules-*.pickle"):
                old.unlink(missing_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
                pickle.dump(rules, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except OSError:
            pass  # a read-only home still scans, just without the cache
    return rules
