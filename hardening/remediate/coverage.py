"""How many rules of each pack have an automatic remediation: the figure docs/remediation.md reports."""

from __future__ import annotations

from hardening.model import Rule


def coverage(rules: dict[str, Rule]) -> dict[str, dict[str, list[str]]]:
    """{pack: {"automatic": [rule ids], "manual": [rule ids]}}, the pack being the rule's top folder."""
    packs: dict[str, dict[str, list[str]]] = {}
    for rule in sorted(rules.values(), key=lambda r: r.id):
        pack = packs.setdefault(rule.folder.split("/")[0], {"automatic": [], "manual": []})
        pack["automatic" if rule.remediation else "manual"].append(rule.id)
    return packs
