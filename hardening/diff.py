"""Compare two stored scans per host and rule: what newly fails, what got fixed, what stayed."""

from __future__ import annotations

BAD = {"fail", "error"}
REPAIRED = {"pass", "notapplicable", "ok"}  # "ok": a host that can be scanned again


def classify(before: str | None, after: str | None) -> str:
    if before is None:
        return "new_rule" if after is not None else "unchanged"
    if after is None:
        return "removed"
    if after in BAD and before not in BAD:
        return "newly_failing"
    if before in BAD and after not in BAD:
        # waived or manual means accepted or handed to a person, not repaired
        return "fixed" if after in REPAIRED else "changed"
    if before in BAD and after in BAD:
        return "still_failing"
    return "unchanged" if before == after else "changed"


def diff_scans(scan_a: dict, scan_b: dict) -> list[dict]:
    """One row per (host, rule) present in either scan, with its category."""
    def index(scan):
        table = {}
        for target in scan["targets"]:
            for finding in target["findings"]:
                table[(target["name"], finding["rule_id"])] = finding
            # every host gets a row, so a host that goes down reads as newly failing, not as a new rule
            table[(target["name"], "*host*")] = {"status": target["status"], "reason": target["error"] or "",
                                                "title": {"zh": "主机可扫描", "en": "host can be scanned"}}
        return table

    a, b = index(scan_a), index(scan_b)
    rows = []
    for key in sorted(set(a) | set(b)):
        before, after = a.get(key), b.get(key)
        rows.append({
            "host": key[0], "rule_id": key[1],
            "before": before["status"] if before else None,
            "after": after["status"] if after else None,
            "category": classify(before["status"] if before else None, after["status"] if after else None),
            "title": (after or before)["title"],
            "reason": (after or before).get("reason", ""),
        })
    return rows
