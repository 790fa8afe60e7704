"""Ansible inventories as they are: INI and YAML, with group_vars/ and host_vars/ beside them.

Only the connection variables matter here; every other Ansible variable is ignored.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from hardening.errors import InputError
from hardening.inventory.tree import GroupTree
from hardening.yamlio import line_of, load_file

_RANGE = re.compile(r"\[(\d+):(\d+)\]")


def translate(variables: dict, path: str, line: int) -> dict:
    """Ansible connection variables → ours."""
    result: dict = {}
    for key, value in variables.items():
        if key == "ansible_host":
            result["address"] = str(value)
        elif key == "ansible_port":
            try:
                result["port"] = int(value)
            except (TypeError, ValueError):
                raise InputError(f"ansible_port {value!r} is not a number", path, line) from None
        elif key == "ansible_user":
            result["user"] = str(value)
        elif key == "ansible_ssh_private_key_file":
            result["identity"] = str(value)
        elif key == "ansible_become":
            result["sudo"] = str(value).lower() in ("true", "yes", "1")
        elif key == "ansible_ssh_common_args":
            jump = proxy_jump(str(value))
            if jump:
                result["jump"] = jump
        elif key == "hardening_baseline":
            result["baseline"] = str(value)
        elif key == "hardening_tags":
            result["tags"] = [str(v) for v in value] if isinstance(value, list) else str(value).split(",")
    return result


def proxy_jump(args: str) -> list[str]:
    """The ProxyJump chain from ssh arguments (``-J a,b`` or ``-o ProxyJump=a,b``)."""
    words = shlex.split(args)
    for i, word in enumerate(words):
        value = None
        if word == "-J" and i + 1 < len(words):
            value = words[i + 1]
        elif word.startswith("-J") and len(word) > 2:
            value = word[2:]
        elif word == "-o" and i + 1 < len(words) and words[i + 1].lower().startswith("proxyjump"):
            value = re.split(r"[= ]", words[i + 1], maxsplit=1)[1]
        elif word.lower().startswith("-oproxyjump"):
            value = re.split(r"[= ]", word[2:], maxsplit=1)[1]
        if value:
            return [hop.strip() for hop in value.split(",") if hop.strip()]
    return []


def expand(pattern: str) -> list[str]:
    """``web[01:03]`` → web01, web02, web03 (Ansible's numeric ranges)."""
    match = _RANGE.search(pattern)
    if not match:
        return [pattern]
    start, end = match.group(1), match.group(2)
    width = len(start) if start.startswith("0") else 0
    names = []
    for number in range(int(start), int(end) + 1):
        names.extend(expand(pattern[:match.start()] + str(number).zfill(width) + pattern[match.end():]))
    return names


def parse_ini(text: str, path: str) -> GroupTree:
    tree = GroupTree(path)
    section, kind = "ungrouped", "hosts"
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            if not line.endswith("]"):
                raise InputError("malformed section header", path, number)
            name = line[1:-1].strip()
            section, _, kind = name.partition(":")
            kind = kind or "hosts"
            if kind not in ("hosts", "vars", "children"):
                raise InputError(f"unknown section kind {kind!r}", path, number)
            tree.add_group(section, {}, number)
            continue
        try:
            words = shlex.split(line, comments=True)
        except ValueError as exc:
            raise InputError(f"cannot parse line: {exc}", path, number) from None
        if kind == "children":
            tree.add_child(section, words[0], number)
        elif kind == "vars":
            key, sep, value = line.partition("=")
            if not sep:
                raise InputError("expected key=value in a :vars section", path, number)
            tree.add_group(section, translate({key.strip(): value.strip().strip("'\"")}, path, number), number)
        else:
            variables = {}
            for word in words[1:]:
                key, sep, value = word.partition("=")
                if not sep:
                    raise InputError(f"expected key=value, got {word!r}", path, number)
                variables[key] = value
            for name in expand(words[0]):
                tree.add_host(name, None if section == "ungrouped" else section, translate(variables, path, number), number)
    return tree


def parse_yaml(doc, path: str) -> GroupTree:
    tree = GroupTree(path)
    if not isinstance(doc, dict):
        raise InputError("an Ansible YAML inventory is a mapping of groups", path, 1)

    def walk(name: str, group, line: int) -> None:
        group = group or {}
        if not isinstance(group, dict):
            raise InputError(f"group {name!r} must be a mapping", path, line)
        tree.add_group(name, translate(group.get("vars") or {}, path, line_of(group, "vars")), line)
        for host, variables in (group.get("hosts") or {}).items():
            for expanded in expand(str(host)):
                tree.add_host(expanded, None if name == "all" else name,
                              translate(variables or {}, path, line_of(group["hosts"], host)),
                              line_of(group["hosts"], host))
        for child, child_group in (group.get("children") or {}).items():
            tree.add_child(name, str(child), line_of(group["children"], child))
            walk(str(child), child_group, line_of(group["children"], child))

    for name, group in doc.items():
        walk(str(name), group, line_of(doc, name))
    return tree


def apply_vars_folders(tree: GroupTree, inventory: Path) -> None:
    """group_vars/<group>(.yml|/*.yml) and host_vars/<host>(.yml|/*.yml) beside the inventory."""
    base = inventory.parent
    for kind, names in (("group_vars", list(tree.groups) + ["all"]), ("host_vars", list(tree.hosts))):
        for name in names:
            for path in _vars_files(base / kind, name):
                doc = load_file(path) or {}
                if not isinstance(doc, dict):
                    raise InputError("a vars file must be a mapping", str(path), 1)
                variables = translate(doc, str(path), 1)
                if kind == "host_vars":
                    tree.add_host(name, None, variables, 1)
                elif name == "all":
                    tree.defaults.update(variables)
                else:
                    tree.groups[name].variables.update(variables)


def _vars_files(folder: Path, name: str) -> list[Path]:
    files = [folder / f"{name}{suffix}" for suffix in ("", ".yml", ".yaml") if (folder / f"{name}{suffix}").is_file()]
    if (folder / name).is_dir():
        files += sorted(p for p in (folder / name).iterdir() if p.suffix in (".yml", ".yaml"))
    return files
