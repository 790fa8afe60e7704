"""Groups, children and host variables, resolved the way Ansible does (child groups win)."""

from __future__ import annotations

from dataclasses import dataclass, field

from hardening.errors import InputError


@dataclass
class _Group:
    name: str
    variables: dict = field(default_factory=dict)
    children: list[str] = field(default_factory=list)
    line: int = 0


@dataclass
class _Host:
    name: str
    groups: list[str] = field(default_factory=list)
    variables: dict = field(default_factory=dict)
    line: int = 0


class GroupTree:
    def __init__(self, path: str):
        self.path = path
        self.defaults: dict = {}
        self.groups: dict[str, _Group] = {}
        self.hosts: dict[str, _Host] = {}

    def add_group(self, name: str, variables: dict, line: int) -> None:
        group = self.groups.setdefault(name, _Group(name, line=line))
        for key, value in variables.items():
            if key in group.variables and group.variables[key] != value:
                raise InputError(f"group {name!r} sets {key!r} twice with different values", self.path, line)
            group.variables[key] = value

    def add_child(self, parent: str, child: str, line: int) -> None:
        self.groups.setdefault(parent, _Group(parent, line=line))
        self.groups.setdefault(child, _Group(child, line=line))
        if child not in self.groups[parent].children:
            self.groups[parent].children.append(child)
        self._check_cycle(child, [parent], line)

    def _check_cycle(self, name: str, trail: list[str], line: int) -> None:
        if name in trail:
            raise InputError(f"group cycle: {' → '.join(trail + [name])}", self.path, line)
        for child in self.groups.get(name, _Group(name)).children:
            self._check_cycle(child, trail + [name], line)

    def add_host(self, name: str, group: str | None, variables: dict, line: int) -> None:
        host = self.hosts.get(name)
        if host is None:
            host = self.hosts[name] = _Host(name, line=line)
        for key, value in variables.items():
            if key in host.variables and host.variables[key] != value:
                raise InputError(f"host {name!r} is listed twice with conflicting {key!r} "
                                 f"({host.variables[key]!r} here before, {value!r} now)", self.path, line)
            host.variables[key] = value
        if group is not None:
            self.groups.setdefault(group, _Group(group, line=line))
            if group not in host.groups:
                host.groups.append(group)

    def parents(self) -> dict[str, set[str]]:
        result: dict[str, set[str]] = {}
        for group in self.groups.values():
            for child in group.children:
                result.setdefault(child, set()).add(group.name)
        return result

    def ancestry(self, group: str, parents: dict[str, set[str]], depth: int = 0, seen=None) -> dict[str, int]:
        """Every group a group belongs to, with its depth (the group itself is deepest)."""
        seen = {} if seen is None else seen
        for parent in parents.get(group, ()):
            self.ancestry(parent, parents, depth - 1, seen)
        seen[group] = max(seen.get(group, depth), depth)
        return seen

    def resolved(self) -> list[tuple[str, list[str], dict, int]]:
        """(host, groups, merged variables, line) for every host; tags are unioned."""
        parents = self.parents()
        result = []
        for host in self.hosts.values():
            depths: dict[str, int] = {}
            for group in host.groups:
                for name, depth in self.ancestry(group, parents).items():
                    depths[name] = max(depths.get(name, depth), depth)
            ordered = sorted(depths, key=lambda g: (depths[g], g))
            merged = dict(self.defaults)
            tags = set(self.defaults.get("tags", []))
            for group in ordered:
                merged.update(self.groups[group].variables)
                tags |= set(self.groups[group].variables.get("tags", []))
            merged.update(host.variables)
            tags |= set(host.variables.get("tags", []))
            merged["tags"] = sorted(tags)
            result.append((host.name, ordered, merged, host.line))
        return result
