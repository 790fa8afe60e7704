"""Read an inventory file into HostEntry objects, filling gaps from ~/.ssh/config."""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

from hardening.errors import InputError
from hardening.inventory.ansible import apply_vars_folders, parse_ini, parse_yaml
from hardening.inventory.model import HostEntry
from hardening.inventory.native import TOP_KEYS, parse_native
from hardening.inventory.tree import GroupTree
from hardening.targets import Target
from hardening.yamlio import load_file


def _tree(path: Path) -> GroupTree:
    if not path.is_file():
        raise InputError("inventory file not found", str(path))
    if path.suffix in (".yml", ".yaml"):
        doc = load_file(path)
        if isinstance(doc, dict) and set(doc) <= TOP_KEYS:
            return parse_native(doc, str(path))
        tree = parse_yaml(doc, str(path))
    else:
        try:
            tree = parse_ini(path.read_text(encoding="utf-8"), str(path))
        except UnicodeDecodeError:
            raise InputError("not UTF-8 text", str(path)) from None
    apply_vars_folders(tree, path)
    return tree


def ssh_config(path: Path | None = None):
    """The user's ssh client configuration, parsed by paramiko (empty if there is none)."""
    import paramiko  # only now: the rest of the CLI should not pay for importing it

    path = path or Path(os.environ.get("HARDENING_SSH_CONFIG", Path.home() / ".ssh" / "config"))
    if not path.is_file():
        return paramiko.SSHConfig()
    try:
        return paramiko.SSHConfig.from_path(str(path))
    except Exception as exc:  # paramiko raises several types for a bad file
        raise InputError(f"cannot parse ssh config: {exc}", str(path)) from None


def _from_ssh_config(config, name: str, variables: dict) -> dict:
    found = config.lookup(name)
    merged = dict(variables)
    if "address" not in merged and found.get("hostname"):
        merged["address"] = found["hostname"]
    if "user" not in merged and found.get("user"):
        merged["user"] = found["user"]
    if "port" not in merged and found.get("port"):
        merged["port"] = int(found["port"])
    if "identity" not in merged and found.get("identityfile"):
        candidates = [p for p in found["identityfile"] if Path(p).expanduser().is_file()]
        if candidates:
            merged["identity"] = candidates[0]
    if "jump" not in merged and found.get("proxyjump") and found["proxyjump"].lower() != "none":
        merged["jump"] = [hop.strip() for hop in found["proxyjump"].split(",")]
    return merged


def load_inventory(path: Path, config=None) -> list[HostEntry]:
    tree = _tree(path)
    config = config if config is not None else ssh_config()
    entries = []
    for name, groups, variables, line in tree.resolved():
        variables = _from_ssh_config(config, name, variables)
        jump = variables.get("jump") or []
        jump = [jump] if isinstance(jump, str) else list(jump)
        identity = variables.get("identity")
        entries.append(HostEntry(
            name=name, address=variables.get("address", name), port=int(variables.get("port", 22)),
            user=variables.get("user"), identity=str(Path(identity).expanduser()) if identity else None,
            jump=jump, sudo=bool(variables.get("sudo", False)), tags=set(variables.get("tags", [])),
            baseline=variables.get("baseline"), groups=groups, source=f"{path}:{line}"))
    return entries


def jump_targets(entry: HostEntry, entries: list[HostEntry], config) -> tuple[Target, ...]:
    """Resolve each ProxyJump hop: an inventory host, an ssh_config alias, or [user@]host[:port]."""
    by_name = {e.name: e for e in entries}
    hops = []
    for hop in entry.jump:
        user, _, rest = hop.rpartition("@")
        host, _, port = rest.partition(":")
        if host in by_name:
            known = by_name[host]
            hops.append(Target("ssh", known.address, int(port or known.port), user or known.user, known.identity))
            continue
        found = _from_ssh_config(config, host, {})
        hops.append(Target("ssh", found.get("address", host), int(port or found.get("port", 22)),
                           user or found.get("user"), found.get("identity")))
    return tuple(hops)


def select_hosts(entries: list[HostEntry], limit: str | None, tags: tuple[str, ...]) -> list[HostEntry]:
    """``--limit`` (groups, hosts or globs, comma separated, ``!`` excludes) and ``--tags`` (any)."""
    selected = entries
    if limit:
        patterns = [p.strip() for p in limit.replace(":", ",").split(",") if p.strip()]
        include = [p for p in patterns if not p.startswith("!")]
        exclude = [p[1:] for p in patterns if p.startswith("!")]

        def matches(entry: HostEntry, pattern: str) -> bool:
            return (fnmatch.fnmatch(entry.name, pattern) or fnmatch.fnmatch(entry.address, pattern)
                    or any(fnmatch.fnmatch(g, pattern) for g in entry.groups))

        selected = [e for e in selected if (not include or any(matches(e, p) for p in include))
                    and not any(matches(e, p) for p in exclude)]
    if tags:
        wanted = {t for tag in tags for t in tag.split(",")}
        selected = [e for e in selected if e.tags & wanted]
    return selected
