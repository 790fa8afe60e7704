"""Report data built from the scan history: plain dicts, the JSON document of a report.

Everything here comes from the store (and, for remediation advice and tags, from the rule
catalogue by rule id), never from the clock, so rendering the same scans twice gives the
same document. See docs/reports.md for the schema.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from collections import Counter, defaultdict

from hardening.diff import classify
from hardening.errors import InputError
from hardening.model import Rule
from hardening.report import REPORT_SCHEMA
from hardening.report.families import NAMES, ORDER, SECTIONS, families_of
from hardening.store import Store

STATUSES = ("pass", "fail", "error", "manual", "waived", "notapplicable")
BAD = {"fail", "error"}
SEVERITY_WEIGHT = {"low": 1, "medium": 3, "high": 9, "critical": 27}
SEVERITY_LIST = ["critical", "high", "medium", "low"]
TOP_RISKS = 15


def rate(counts: dict) -> float | None:
    judged = counts.get("pass", 0) + counts.get("fail", 0)
    return round(counts.get("pass", 0) / judged, 4) if judged else None


def _counts(counter: Counter) -> dict:
    counts = {s: counter.get(s, 0) for s in STATUSES}
    counts["total"] = sum(counts.values())
    counts["compliance_rate"] = rate(counts)
    return counts


def _platform_name(platform: dict) -> str:
    return platform.get("pretty_name") or platform.get("id") or ""


def rule_table(meta: dict[str, dict], catalog: dict[str, Rule] | None) -> dict[str, dict]:
    """Per rule: stored title, severity and clauses; tags, advice and rationale from the catalogue."""
    rules = {}
    for rule_id in sorted(meta):
        m = meta[rule_id]
        current = (catalog or {}).get(rule_id)
        tags = list(current.tags) if current else []
        rules[rule_id] = {
            "title": {"zh": m["title_zh"], "en": m["title_en"]},
            "severity": m["severity"],
            "clauses": list(m["clauses"]),
            "families": families_of(m["clauses"], tags, _other_references(current)),
            "tags": tags,
            "fix": current.fix.as_dict() if current and current.fix else None,
            "rationale": current.rationale.as_dict() if current else None,
            "digest": m["digest"],
            "catalogue": "same" if current and current.digest == m["digest"] else ("changed" if current else "missing"),
        }
    return rules


def _other_references(rule: Rule | None) -> list[str]:
    other = (rule.references or {}).get("other") if rule else None
    return [str(x) for x in other] if isinstance(other, list) else ([str(other)] if other else [])


def _family_rows(per_rule: dict[str, Counter], rules: dict[str, dict]) -> list[dict]:
    totals: dict[str, Counter] = defaultdict(Counter)
    rule_sets: dict[str, set] = defaultdict(set)
    for rule_id, counter in per_rule.items():
        for family in rules.get(rule_id, {}).get("families", ["other"]):
            totals[family].update(counter)
            rule_sets[family].add(rule_id)
    return [{"key": key, "section": SECTIONS[key], "name": NAMES[key], "rules": len(rule_sets[key]),
             "counts": _counts(totals[key])} for key in ORDER if key in totals]


def _severity_table(findings_by_sev: dict[str, Counter]) -> dict:
    return {sev: {s: findings_by_sev[sev].get(s, 0) for s in STATUSES} for sev in SEVERITY_LIST}


def _scan_meta(scan: dict) -> dict:
    return {k: scan.get(k) for k in ("scan_id", "started_at", "finished_at", "baseline", "baseline_digest",
                                     "source", "tool_version", "exit_code")}


def _date(text: str | None) -> str:
    return (text or "")[:10]


# ------------------------------------------------------------------------------ scan report
def scan_report(store: Store, scan_id: int, catalog: dict[str, Rule] | None = None) -> dict:
    scan = store.scan(scan_id)
    if scan.get("finished_at") is None:
        raise InputError(f"scan {scan_id} did not finish; nothing to report")
    rules = rule_table(store.scan_rule_meta([scan_id]), catalog)
    total, by_sev = Counter(), defaultdict(Counter)
    per_rule: dict[str, Counter] = defaultdict(Counter)
    hosts, findings = [], []
    for target in scan["targets"]:
        counter = Counter()
        for f in target["findings"]:
            counter[f["status"]] += 1
            per_rule[f["rule_id"]][f["status"]] += 1
            by_sev[f["severity"]][f["status"]] += 1
            findings.append({"host": target["name"], "rule_id": f["rule_id"], "status": f["status"],
                             "severity": f["severity"], "observed": f["observed"], "expected": f["expected"],
                             "evidence": f["evidence"], "reason": f["reason"], "waiver": f["waiver"]})
        total.update(counter)
        hosts.append({"name": target["name"], "uri": target["uri"], "status": target["status"],
                      "error": target["error"], "platform": _platform_name(target["platform"]),
                      "counts": _counts(counter)})
    return {
        "schema": REPORT_SCHEMA, "kind": "scan", "scan_ids": [scan_id],
        "period": {"start": scan["started_at"], "end": scan["finished_at"]},
        "report_date": _date(scan["finished_at"]),
        "scans": [_scan_meta(scan)],
        "parameters": scan.get("parameters") or {},
        "summary": {"hosts": len(hosts), "hosts_failed": sum(h["status"] == "error" for h in hosts),
                    "rules": len(rules), "counts": _counts(total), "by_severity": _severity_table(by_sev)},
        "families": _family_rows(per_rule, rules),
        "hosts": hosts,
        "rules": rules,
        "findings": findings,
    }


# ------------------------------------------------------------------------ latest state per host
def _state(store: Store, scan_ids: list[int]) -> tuple[dict, dict, dict]:
    """For every (host, rule) seen in scan_ids (ascending): the latest and the earliest finding
    tuple, and host → target info from its latest scan. Merging per (host, rule) keeps partial
    scans (``--rule``, remediation rescans) from hiding the other rules of a host."""
    latest: dict[str, dict] = {}
    earliest: dict[str, dict] = {}
    info: dict[str, dict] = {}
    targets = store.target_rows(scan_ids)
    by_scan = defaultdict(list)
    for t in targets:
        by_scan[t["scan_id"]].append(t)
    for scan_id in scan_ids:
        names = {t["id"]: t["name"] for t in by_scan[scan_id]}
        for t in by_scan[scan_id]:
            latest.setdefault(t["name"], {})
            earliest.setdefault(t["name"], {})
            info[t["name"]] = {"name": t["name"], "uri": t["uri"], "status": t["status"], "error": t["error"],
                               "platform": _platform_name(t["platform"]) or info.get(t["name"], {}).get("platform", ""),
                               "scan_id": scan_id}
        for row in store.finding_rows(scan_id):
            host = names[row[0]]
            latest[host][row[1]] = row
            earliest[host].setdefault(row[1], row)
    return latest, earliest, info


def _host_rows(latest: dict, info: dict) -> tuple[list[dict], Counter, dict, dict]:
    rows, total, per_rule, by_sev = [], Counter(), defaultdict(Counter), defaultdict(Counter)
    for host in sorted(latest):
        counter = Counter()
        for rule_id, row in latest[host].items():
            counter[row[2]] += 1
            per_rule[rule_id][row[2]] += 1
            by_sev[row[3]][row[2]] += 1
        total.update(counter)
        rows.append({**info[host], "counts": _counts(counter)})
    return rows, total, per_rule, by_sev


def month_bounds(month: str) -> tuple[str, str]:
    try:
        first = dt.date.fromisoformat(month + "-01")
    except ValueError:
        raise InputError(f"{month!r} is not a month (YYYY-MM)") from None
    nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first.isoformat(), nxt.isoformat()


# ------------------------------------------------------------------------ inspection table
def inspection_report(store: Store, catalog: dict[str, Rule] | None = None, scan_id: int | None = None,
                      month: str | None = None) -> dict:
    """Hosts × checks: one scan, or the latest result of every host scanned in a month."""
    if month:
        start, end = month_bounds(month)
        scans = store.scans_between(start, end)
        if not scans:
            raise InputError(f"no finished scans in {month} in {store.path}")
        period = {"start": start, "end": (dt.date.fromisoformat(end) - dt.timedelta(days=1)).isoformat(),
                  "month": month}
        report_date = period["end"]
    else:
        scan = store.scan(scan_id)
        if scan.get("finished_at") is None:
            raise InputError(f"scan {scan_id} did not finish; nothing to report")
        scans = [scan]
        period = {"start": scan["started_at"], "end": scan["finished_at"], "month": scan["started_at"][:7]}
        report_date = _date(scan["finished_at"])
    scan_ids = [s["scan_id"] for s in scans]
    rules = rule_table(store.scan_rule_meta(scan_ids), catalog)
    latest, _earliest, info = _state(store, scan_ids)
    host_rows, total, per_rule, by_sev = _host_rows(latest, info)
    checks = _ordered_checks(rules)
    for row in host_rows:
        row["results"] = {rule_id: latest[row["name"]][rule_id][2] for rule_id in checks if rule_id in latest[row["name"]]}
    return {
        "schema": REPORT_SCHEMA, "kind": "inspection", "scan_ids": scan_ids, "period": period,
        "report_date": report_date, "scans": [_scan_meta(s) for s in scans],
        "summary": {"hosts": len(host_rows), "hosts_failed": sum(h["status"] == "error" for h in host_rows),
                    "rules": len(rules), "counts": _counts(total), "by_severity": _severity_table(by_sev)},
        "families": _family_rows(per_rule, rules),
        "checks": checks,
        "check_counts": {rule_id: _counts(per_rule[rule_id]) for rule_id in checks},
        "hosts": host_rows,
        "rules": rules,
    }


def _ordered_checks(rules: dict[str, dict]) -> list[str]:
    """Checks grouped by their first family (standard order), then by clause and id."""
    def key(rule_id):
        r = rules[rule_id]
        return (ORDER.index(r["families"][0]), sorted(r["clauses"])[:1], rule_id)
    return sorted(rules, key=key)


# ------------------------------------------------------------------------ quarterly assessment
def quarter_bounds(quarter: str) -> tuple[str, str]:
    text = quarter.upper().replace("-", "")
    if len(text) != 6 or text[4] != "Q" or not text[:4].isdigit() or text[5] not in "1234":
        raise InputError(f"{quarter!r} is not a quarter (YYYYQn, e.g. 2026Q3)")
    year, number = int(text[:4]), int(text[5])
    start = dt.date(year, 3 * number - 2, 1)
    end = dt.date(year + (number == 4), 1 if number == 4 else 3 * number + 1, 1) - dt.timedelta(days=1)
    return start.isoformat(), end.isoformat()


def quarterly_report(store: Store, start: str, end: str, catalog: dict[str, Rule] | None = None) -> dict:
    """All finished scans whose start date is in [start, end] (dates, inclusive)."""
    try:
        first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    except ValueError:
        raise InputError(f"dates must be YYYY-MM-DD, got {start!r} and {end!r}") from None
    if last < first:
        raise InputError(f"empty date range: {start} is after {end}")
    scans = store.scans_between(first.isoformat(), (last + dt.timedelta(days=1)).isoformat())
    if not scans:
        raise InputError(f"no finished scans between {start} and {end} in {store.path}")
    scan_ids = [s["scan_id"] for s in scans]
    rules = rule_table(store.scan_rule_meta(scan_ids), catalog)

    # trend: per month, the latest result of every host scanned that month
    months = defaultdict(list)
    for s in scans:
        months[s["started_at"][:7]].append(s["scan_id"])
    trend = []
    month_list = _months(first, last)
    for month in month_list:
        ids = months.get(month, [])
        if not ids:
            trend.append({"month": month, "scans": 0, "hosts": 0, "counts": _counts(Counter())})
            continue
        latest, _e, _i = _state(store, ids)
        counter = Counter(row[2] for host in latest.values() for row in host.values())
        trend.append({"month": month, "scans": len(ids), "hosts": len(latest), "counts": _counts(counter)})

    latest, earliest, info = _state(store, scan_ids)
    host_rows, total, per_rule, by_sev = _host_rows(latest, info)
    for row in host_rows:
        row["start_compliance_rate"] = rate(Counter(r[2] for r in earliest[row["name"]].values()))

    # new / fixed / persistent per (host, rule): first observation in the range → last
    changes = {"newly_failing": Counter(), "fixed": Counter(), "still_failing": Counter()}
    change_hosts: dict[str, dict[str, list]] = defaultdict(lambda: {"new": [], "fixed": [], "persistent": []})
    names = {"newly_failing": "new", "fixed": "fixed", "still_failing": "persistent"}
    for host in sorted(latest):
        before_map, after_map = earliest[host], latest[host]
        for rule_id in sorted(set(before_map) | set(after_map)):
            before = before_map[rule_id][2] if rule_id in before_map else None
            after = after_map[rule_id][2] if rule_id in after_map else None
            category = classify(before, after)
            if category == "new_rule" and after in BAD:
                category = "newly_failing"
            if category in changes:
                changes[category][rule_id] += 1
                change_hosts[rule_id][names[category]].append(host)
    change_rows = [{"rule_id": rule_id, **{k: sorted(v) for k, v in change_hosts[rule_id].items()}}
                   for rule_id in sorted(change_hosts)]

    # waivers seen in the latest state
    period_end = last.isoformat()
    waivers: dict[tuple, dict] = {}
    for host in sorted(latest):
        for rule_id, row in latest[host].items():
            w = row[4]
            if not w:
                continue
            key = (w.get("rule", rule_id), w.get("source", ""), w.get("expires", ""), w.get("justification", ""),
                   w.get("approver", ""))
            entry = waivers.setdefault(key, {"rule": key[0], "source": key[1], "expires": key[2],
                                             "justification": key[3], "approver": key[4], "hosts": [],
                                             "state": "active"})
            entry["hosts"].append(host)
            if not w.get("active") or (w.get("expires") or "9999") < period_end:
                entry["state"] = "expired"
    waiver_rows = sorted(waivers.values(), key=lambda w: (w["state"], w["expires"], w["rule"], w["source"]))

    # top risks: failing now, weighted by severity and hosts; persistent first on ties
    risks = []
    for rule_id, counter in per_rule.items():
        failing = counter.get("fail", 0) + counter.get("error", 0)
        if not failing:
            continue
        sev = rules.get(rule_id, {}).get("severity", "low")
        risks.append({"rule_id": rule_id, "severity": sev, "hosts_failing": failing,
                      "hosts_persistent": changes["still_failing"].get(rule_id, 0),
                      "score": SEVERITY_WEIGHT.get(sev, 1) * failing})
    risks.sort(key=lambda r: (-r["score"], -r["hosts_persistent"], r["rule_id"]))

    counts = _counts(total)
    rated = [t for t in trend if t["counts"]["compliance_rate"] is not None]
    start_rate = rate(Counter(r[2] for host in earliest.values() for r in host.values()))
    high_open = sum(1 for h in latest.values() for r in h.values()
                    if r[2] in BAD and r[3] in ("high", "critical"))
    return {
        "schema": REPORT_SCHEMA, "kind": "quarterly", "scan_ids": scan_ids,
        "period": {"start": first.isoformat(), "end": last.isoformat()},
        "report_date": last.isoformat(),
        "scans": [{**_scan_meta(s), "hosts": s["target_count"],
                   "compliance_rate": (s.get("summary") or {}).get("compliance_rate")} for s in scans],
        "summary": {"hosts": len(host_rows), "hosts_failed": sum(h["status"] == "error" for h in host_rows),
                    "rules": len(rules), "counts": counts, "by_severity": _severity_table(by_sev)},
        "executive": {
            "scans": len(scans), "months_with_scans": len(rated),
            "start_compliance_rate": start_rate, "end_compliance_rate": counts["compliance_rate"],
            "new": sum(changes["newly_failing"].values()), "fixed": sum(changes["fixed"].values()),
            "persistent": sum(changes["still_failing"].values()), "high_open": high_open,
            "waivers_active": sum(w["state"] == "active" for w in waiver_rows),
            "waivers_expired": sum(w["state"] == "expired" for w in waiver_rows),
            "hosts_unreachable": sum(h["status"] == "error" for h in host_rows),
        },
        "trend": trend,
        "families": _family_rows(per_rule, rules),
        "hosts": host_rows,
        "changes": change_rows,
        "remediations": remediation_trail(store, first.isoformat(), last.isoformat()),
        "waivers": waiver_rows,
        "top_risks": risks[:TOP_RISKS],
        "rules": rules,
    }


def _months(first: dt.date, last: dt.date) -> list[str]:
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current.strftime("%Y-%m"))
        current = (current.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


REMEDIATION_ACTIONS = ("approve", "apply", "rollback")


def remediation_trail(store: Store, start: str, end: str) -> dict:
    """Remediation steps in the period, from the hash-chained audit log beside the history
    database (hardening.remediate.audit): approvals, applies and rollbacks, with the chain's state."""
    log = Path(store.path).resolve().parent / "audit.log"
    try:
        from hardening.remediate import audit
    except ImportError:
        return {"available": False, "log": None, "chain_ok": None, "items": []}
    if not log.is_file():
        return {"available": False, "log": str(log.name), "chain_ok": None, "items": []}
    try:
        entries = audit.entries(log)
        problems = audit.verify(log)
    except (OSError, ValueError) as exc:
        return {"available": False, "log": str(log.name), "chain_ok": False, "problem": str(exc)[:200], "items": []}
    items = []
    for entry in entries:
        day = str(entry.get("time", ""))[:10]
        if entry.get("action") not in REMEDIATION_ACTIONS or not (start <= day <= end):
            continue
        rescan = None
        try:
            rescan = json.loads(entry.get("detail") or "{}").get("rescan_scan_id")
        except (ValueError, AttributeError):
            pass
        items.append({"time": entry.get("time"), "actor": entry.get("actor"), "action": entry.get("action"),
                      "bundle": entry.get("bundle"), "target": entry.get("target"), "result": entry.get("result"),
                      "rescan_scan_id": rescan})
    return {"available": True, "log": log.name, "chain_ok": not problems, "problems": problems[:5], "items": items}
