"""Our own inventory YAML: defaults, groups (with vars, tags, hosts, children) and hosts.

    defaults: {user: root, identity: ~/.ssh/id_ed25519}
    groups:
      linux:
        vars: {sudo: true, jump: bastion}
        tags: [prod]
        children: [web]
        hosts: {app1: {address: 10.1.1.5}}
      web:
        hosts: {web1: {address: 10.1.2.1, port: 2222}}
    hosts:
      bastion: {address: 10.1.0.1}
"""

from __future__ import annotations

from hardening.errors import InputError
from hardening.inventory.tree import GroupTree
from hardening.inventory.model import HOST_VARIABLES
from hardening.yamlio import line_of

TOP_KEYS = {"defaults", "groups", "hosts", "databases"}  # databases: read by `hardening oracle scan`
GROUP_KEYS = {"vars", "tags", "hosts", "children"}


def check_vars(variables, path: str, container, key) -> dict:
    if variables is None:
        return {}
    if not isinstance(variables, dict):
        raise InputError("variables must be a mapping", path, line_of(container, key))
    for name, value in variables.items():
        if name not in HOST_VARIABLES:
            raise InputError(f"unknown variable {name!r} (known: {', '.join(HOST_VARIABLES)})", path,
                             line_of(variables, name))
        if not isinstance(value, HOST_VARIABLES[name]) or isinstance(value, bool) != (HOST_VARIABLES[name] is bool):
            raise InputError(f"variable {name!r} has the wrong type", path, line_of(variables, name))
    return dict(variables)


def parse_native(doc, path: str) -> GroupTree:
    if not isinstance(doc, dict):
        raise InputError("an inventory must be a YAML mapping", path, 1)
    for key in doc:
        if key not in TOP_KEYS:
            raise InputError(f"unknown key {key!r} (expected defaults, groups, hosts)", path, line_of(doc, key))
    tree = GroupTree(path)
    tree.defaults = check_vars(doc.get("defaults"), path, doc, "defaults")
    groups = doc.get("groups") or {}
    if not isinstance(groups, dict):
        raise InputError("groups must be a mapping", path, line_of(doc, "groups"))
    for group_name, group in groups.items():
        group = group or {}
        if not isinstance(group, dict):
            raise InputError(f"group {group_name!r} must be a mapping", path, line_of(groups, group_name))
        for key in group:
            if key not in GROUP_KEYS:
                raise InputError(f"unknown key {key!r} in group {group_name!r}", path, line_of(group, key))
        variables = check_vars(group.get("vars"), path, group, "vars")
        if "tags" in group:
            variables["tags"] = list(group["tags"] or [])
        tree.add_group(str(group_name), variables, line_of(groups, group_name))
        for child in group.get("children") or []:
            tree.add_child(str(group_name), str(child), line_of(group, "children"))
        _add_hosts(tree, group.get("hosts"), str(group_name), path, group)
    _add_hosts(tree, doc.get("hosts"), None, path, doc)
    return tree


def _add_hosts(tree: GroupTree, hosts, group: str | None, path: str, container) -> None:
    if hosts is None:
        return
    if not isinstance(hosts, dict):
        raise InputError("hosts must be a mapping of name: {variables}", path, line_of(container, "hosts"))
    for name, variables in hosts.items():
        variables = check_vars(variables or {}, path, hosts, name)
        tree.add_host(str(name), group, variables, line_of(hosts, name))
