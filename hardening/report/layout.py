"""Report data → a document in one language: cover, sections, tables, charts, findings.

Renderers (pdf, html, xlsx) only draw what this returns, so the three formats always say the
same thing. Texts here are plain (unescaped); each renderer escapes for its own format.
"""

from __future__ import annotations

import json

from hardening import __version__
from hardening.report.i18n import Strings
from hardening.report.model import SEVERITY_LIST, STATUSES

MATRIX_SYMBOLS = {"pass": "√", "fail": "×", "error": "?", "manual": "M", "waived": "W", "notapplicable": "-"}
EVIDENCE_LINES = 8
COMPACT_HOSTS = 20  # above this many hosts, passed checks are listed by id only
TEXT_LIMIT = 600


def _short(value, limit: int = TEXT_LIMIT) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _count_columns(t: Strings) -> list[str]:
    return [t("col.pass"), t("col.fail"), t("col.error"), t("col.manual"), t("col.waived"), t("col.notapplicable")]


def _count_cells(counts: dict) -> list:
    return [counts.get(s, 0) for s in STATUSES]


def _period_text(data: dict, t: Strings) -> str:
    period = data["period"]
    if data["kind"] == "quarterly":
        return f"{period['start']} — {period['end']}"
    if data["kind"] == "inspection" and len(data["scan_ids"]) > 1:
        return f"{period['start']} — {period['end']}"
    return f"{period['start'][:19].replace('T', ' ')} — {(period['end'] or '')[:19].replace('T', ' ')} UTC"


def build(data: dict, lang: str) -> dict:
    t = Strings(lang)
    kind = data["kind"]
    summary = data["summary"]
    baselines = sorted({s["baseline"] for s in data["scans"]})
    ids = data["scan_ids"]
    ids_text = ", ".join(str(i) for i in ids) if len(ids) <= 8 else f"{ids[0]} … {ids[-1]} ({len(ids)})"
    doc = {
        "lang": lang, "kind": kind, "title": t(f"title.{kind}"), "subtitle": t("subtitle"),
        "date": data["report_date"], "scan_ids": ids,
        "cover": [
            (t("cover.period"), _period_text(data, t)),
            (t("cover.scan_ids"), ids_text),
            (t("cover.baseline"), ", ".join(baselines)),
            (t("cover.hosts"), str(summary["hosts"])),
            (t("cover.rules"), str(summary["rules"])),
            (t("cover.rate"), t.rate(summary["counts"]["compliance_rate"])),
            (t("cover.report_date"), data["report_date"]),
            (t("cover.source"), t("cover.source_text")),
            (t("cover.tool"), f"hardening {__version__}"),
        ],
        "signature_note": t("cover.signature"),
        "generated_note": t("txt.generated"),
        "status_labels": {s: t.status(s) for s in list(STATUSES) + ["ok"]},
        "matrix_legend": t("txt.matrix_legend"),
        "findings_title": t("sec.findings"),
        "finding_columns": [t("col.host"), t("col.rule_id"), t("col.title"), t("col.severity"), t("col.status"),
                            t("f.observed"), t("f.expected"), t("f.reason"), t("f.evidence"), t("f.waiver"),
                            t("f.clauses"), t("f.fix")],
        "sections": [],
    }
    doc["header"] = f"{doc['title']} · {ids_text}"
    builder = {"scan": _scan_sections, "inspection": _inspection_sections, "quarterly": _quarterly_sections}[kind]
    doc["sections"] = builder(data, t)
    return doc


def _section(sid: str, title: str, blocks: list, level: int = 1) -> dict:
    return {"id": sid, "title": title, "level": level, "blocks": blocks}


def _para(text: str) -> dict:
    return {"type": "para", "text": text}


def _table(name: str, columns: list, rows: list, widths: list | None = None, status_cols=(), numeric_cols=()) -> dict:
    return {"type": "table", "name": name, "columns": columns, "rows": rows, "widths": widths,
            "status_cols": list(status_cols), "numeric_cols": list(numeric_cols)}


def _summary_blocks(data: dict, t: Strings) -> list:
    counts = data["summary"]["counts"]
    rows = [[t.status(s), counts[s]] for s in STATUSES] + [[t("col.total"), counts["total"]],
                                                           [t("col.rate"), t.rate(counts["compliance_rate"])]]
    blocks = [_table("summary", [t("col.status"), t("col.count")], rows, [3, 1], numeric_cols=[1])]
    sev_rows = []
    for sev in SEVERITY_LIST:
        by = data["summary"]["by_severity"][sev]
        sev_rows.append([t.severity(sev)] + [by.get(s, 0) for s in STATUSES])
    blocks.append(_table("severity", [t("col.severity")] + _count_columns(t), sev_rows, [2, 1, 1, 1, 1, 1, 1],
                         numeric_cols=range(1, 7)))
    blocks.append(_para(t("txt.rate_def")))
    return blocks


def _family_blocks(data: dict, t: Strings) -> list:
    rows = [[f["section"] or "", t.text(f["name"]), f["rules"]] + _count_cells(f["counts"]) +
            [t.rate(f["counts"]["compliance_rate"])] for f in data["families"]]
    chart = {"type": "chart", "kind": "bar", "title": t("chart.families"),
             "labels": [t.text(f["name"]) for f in data["families"]],
             "values": [None if f["counts"]["compliance_rate"] is None else round(f["counts"]["compliance_rate"] * 100, 1)
                        for f in data["families"]]}
    return [chart, _table("families", [t("col.clause"), t("col.family"), t("col.rules")] + _count_columns(t) + [t("col.rate")],
                          rows, [1.3, 2.6, 0.8, 0.8, 0.9, 0.9, 0.9, 0.9, 0.9, 1.1], numeric_cols=range(2, 10))]


def _host_blocks(data: dict, t: Strings, with_start: bool = False) -> list:
    columns = [t("col.host"), t("col.platform"), t("col.status")] + _count_columns(t) + [t("col.rate")]
    widths = [2.2, 2.4, 0.9, 0.7, 0.8, 0.8, 0.8, 0.8, 0.7, 0.9]
    if with_start:
        columns.append(t("col.start_rate"))
        widths.append(0.9)
    rows = []
    for h in data["hosts"]:
        row = [h["name"], h["platform"] or (h["error"] or "")[:80], h["status"]] + _count_cells(h["counts"]) + \
              [t.rate(h["counts"]["compliance_rate"])]
        if with_start:
            row.append(t.rate(h.get("start_compliance_rate")))
        rows.append(row)
    return [_table("hosts", columns, rows, widths, status_cols=[2], numeric_cols=range(3, 10))]


def _waiver_text(w: dict | None, t: Strings) -> str:
    if not w:
        return ""
    key = "waiver.active" if w.get("active") else "waiver.expired"
    return t(key, expires=w.get("expires", "?"), approver=w.get("approver", "?"),
             justification=w.get("justification", "")) + (f" [{w['source']}]" if w.get("source") else "")


def _finding_block(f: dict, rule: dict, t: Strings) -> dict:
    fields = []
    if f.get("observed") is not None:
        fields.append((t("f.observed"), _short(f["observed"])))
    if f.get("expected"):
        fields.append((t("f.expected"), _short(f["expected"])))
    if f.get("reason"):
        fields.append((t("f.reason"), _short(f["reason"])))
    evidence = f.get("evidence") or []
    if evidence:
        lines = [_short(line, 300) for line in evidence[:EVIDENCE_LINES]]
        if len(evidence) > EVIDENCE_LINES:
            lines.append(f"… (+{len(evidence) - EVIDENCE_LINES})")
        fields.append((t("f.evidence"), "\n".join(lines)))
    if f.get("waiver"):
        fields.append((t("f.waiver"), _waiver_text(f["waiver"], t)))
    if rule.get("clauses"):
        fields.append((t("f.clauses"), ", ".join(rule["clauses"])))
    advice = t.text(rule.get("fix")) or t("f.no_fix")
    if rule.get("catalogue") == "changed" and rule.get("fix"):
        advice += " " + t("txt.catalogue_changed")
    if f["status"] != "pass":
        fields.append((t("f.fix"), advice))
    return {"type": "finding", "host": f["host"], "rule_id": f["rule_id"], "title": t.text(rule.get("title")),
            "status": f["status"], "severity": t.severity(f["severity"]),
            "heading": f"[{t.severity(f['severity'])}] {f['rule_id']} — {t.text(rule.get('title'))}",
            "fields": fields}


# ------------------------------------------------------------------------------ scan report
def _scan_sections(data: dict, t: Strings) -> list:
    s = data["summary"]
    c = s["counts"]
    scan = data["scans"][0]
    text = t("txt.scan_summary", scan=scan["scan_id"], baseline=scan["baseline"], hosts=s["hosts"], rules=s["rules"],
             total=c["total"], rate=t.rate(c["compliance_rate"]), **{k: c[k] for k in STATUSES})
    blocks = [_para(text)]
    if s["hosts_failed"]:
        blocks.append(_para(t("txt.hosts_failed", n=s["hosts_failed"])))
    sections = [_section("summary", t("sec.summary"), blocks + _summary_blocks(data, t)),
                _section("families", t("sec.families"), _family_blocks(data, t)),
                _section("hosts", t("sec.hosts"), _host_blocks(data, t))]
    by_host: dict[str, list] = {}
    for f in data["findings"]:
        by_host.setdefault(f["host"], []).append(f)
    finding_sections = []
    for h in data["hosts"]:
        blocks = []
        if h["status"] == "error":
            blocks.append(_para(t("host.unreachable", error=h["error"] or "")))
        passed = []
        for f in by_host.get(h["name"], []):
            if f["status"] in ("pass", "notapplicable"):
                passed.append(f)
                continue
            blocks.append(_finding_block(f, data["rules"].get(f["rule_id"], {}), t))
        if passed and len(data["hosts"]) > COMPACT_HOSTS:  # a fleet: ids only, to keep the PDF small
            blocks.append(_para(t("txt.passed_list") + " " + ", ".join(
                f["rule_id"] + ("" if f["status"] == "pass" else f" ({t.status(f['status'])})") for f in passed)))
        elif passed:
            blocks.append(_para(t("txt.passed_list")))
            blocks.append(_table("passed", [t("col.rule_id"), t("col.title"), t("col.status")],
                                 [[f["rule_id"], t.text(data["rules"].get(f["rule_id"], {}).get("title")), f["status"]]
                                  for f in passed], [3, 5, 1], status_cols=[2]))
        finding_sections.append(_section(f"host-{h['name']}", h["name"], blocks, level=2))
    sections.append(_section("findings", t("sec.findings"), []))
    sections.extend(finding_sections)
    params = sorted((data.get("parameters") or {}).items())
    if params:
        sections.append(_section("parameters", t("sec.parameters"),
                                 [_table("parameters", [t("col.name"), t("col.value")],
                                         [[k, _short(v, 200)] for k, v in params], [3, 2])]))
    return sections


# ------------------------------------------------------------------------ inspection table
def _inspection_sections(data: dict, t: Strings) -> list:
    s, c = data["summary"], data["summary"]["counts"]
    period = data["period"].get("month") if len(data["scan_ids"]) > 1 else _period_text(data, t)
    blocks = [_para(t("txt.inspection_summary", period=period + " ", hosts=s["hosts"], rules=s["rules"],
                      rate=t.rate(c["compliance_rate"]), **{k: c[k] for k in STATUSES}))]
    rules = data["rules"]
    checks = [{"rule_id": r, "title": t.text(rules[r]["title"]), "severity": t.severity(rules[r]["severity"]),
               "counts": data["check_counts"][r]} for r in data["checks"]]
    matrix = {"type": "matrix", "name": "matrix", "checks": checks, "hosts": [h["name"] for h in data["hosts"]],
              "cells": [[h["results"].get(r) for h in data["hosts"]] for r in data["checks"]],
              "symbols": MATRIX_SYMBOLS, "legend": t("txt.matrix_legend"),
              "columns": [t("col.no"), t("col.rule"), t("col.severity"), t("col.result_summary")]}
    check_rows = [[i + 1, r, t.text(rules[r]["title"]), t.severity(rules[r]["severity"]), ", ".join(rules[r]["clauses"]),
                   t.text(rules[r]["fix"])] for i, r in enumerate(data["checks"])]
    return [
        _section("summary", t("sec.summary"), blocks + _summary_blocks(data, t)),
        _section("matrix", t("sec.matrix"), [_para(t("txt.matrix_legend")), matrix]),
        _section("hosts", t("sec.hosts"), _host_blocks(data, t)),
        _section("families", t("sec.families"), _family_blocks(data, t)),
        _section("checks", t("sec.checks"), [_table("checks", [t("col.no"), t("col.rule_id"), t("col.title"),
                                                               t("col.severity"), t("col.clause"), t("col.fix")],
                                                    check_rows, [0.5, 2.6, 3, 0.7, 1.2, 4])]),
    ]


# ------------------------------------------------------------------------ quarterly assessment
def _quarterly_sections(data: dict, t: Strings) -> list:
    e, s = data["executive"], data["summary"]
    start_rate, end_rate = e["start_compliance_rate"], e["end_compliance_rate"]
    if start_rate is None or end_rate is None:
        delta = t("txt.delta_unknown")
    else:
        d = round((end_rate - start_rate) * 100, 1)
        delta = t("txt.delta_up", d=d) if d > 0 else t("txt.delta_down", d=-d) if d < 0 else t("txt.delta_same")
    exec_blocks = [_para(t("txt.executive", start=data["period"]["start"], end=data["period"]["end"], scans=e["scans"],
                           hosts=s["hosts"], rules=s["rules"], end_rate=t.rate(end_rate), start_rate=t.rate(start_rate),
                           delta=delta, new=e["new"], fixed=e["fixed"], persistent=e["persistent"],
                           high_open=e["high_open"], waivers_active=e["waivers_active"],
                           waivers_expired=e["waivers_expired"]))]
    if e["hosts_unreachable"]:
        exec_blocks.append(_para(t("txt.unreachable", n=e["hosts_unreachable"])))
    rules = data["rules"]
    risks = data["top_risks"][:5]
    if risks:
        exec_blocks.append(_para(t("txt.top_risk_intro")))
        exec_blocks.append({"type": "list", "items": [
            f"[{t.severity(r['severity'])}] {t.text(rules.get(r['rule_id'], {}).get('title'))} ({r['rule_id']}): "
            + t("txt.hosts_n", n=r["hosts_failing"]) for r in risks]})
    trend_rows = [[m["month"], m["scans"], m["hosts"]] + _count_cells(m["counts"]) + [t.rate(m["counts"]["compliance_rate"])]
                  for m in data["trend"]]
    chart = {"type": "chart", "kind": "line", "title": t("chart.trend"), "labels": [m["month"] for m in data["trend"]],
             "values": [None if m["counts"]["compliance_rate"] is None else round(m["counts"]["compliance_rate"] * 100, 1)
                        for m in data["trend"]]}
    trend = [_para(t("txt.trend_def")), chart,
             _table("trend", [t("col.month"), t("col.scans"), t("col.hosts")] + _count_columns(t) + [t("col.rate")],
                    trend_rows, [1.2, 0.8, 0.8, 0.8, 0.9, 0.9, 0.9, 0.9, 0.9, 1], numeric_cols=range(1, 10))]
    change_rows = []
    for row in data["changes"]:
        r = rules.get(row["rule_id"], {})
        change_rows.append([row["rule_id"], t.text(r.get("title")), t.severity(r.get("severity", "")),
                            len(row["new"]), len(row["fixed"]), len(row["persistent"])])
    change_rows.sort(key=lambda x: (-x[5], -x[3], x[0]))
    changes = [_para(t("txt.changes_def"))]
    changes.append(_table("changes", [t("col.rule_id"), t("col.title"), t("col.severity"), t("col.new"), t("col.fixed"),
                                      t("col.persistent")], change_rows, [3, 4, 0.8, 0.8, 0.9, 1], numeric_cols=[3, 4, 5])
                   if change_rows else _para(t("txt.no_changes")))
    trail = data["remediations"]
    if not trail["available"]:
        remediation = [_para(t("txt.no_trail"))]
    else:
        remediation = [_para(t("txt.trail_ok" if trail["chain_ok"] else "txt.trail_broken", log=trail["log"]))]
        if trail["items"]:
            remediation.append(_table("remediations", [t("col.time"), t("col.action"), t("col.host"), t("col.actor"),
                                                       t("col.result"), t("col.bundle"), t("col.rescan")],
                                      [[i["time"], t(f"action.{i['action']}"), i["target"], i["actor"], i["result"],
                                        i["bundle"], i["rescan_scan_id"] or ""] for i in trail["items"]],
                                      [1.8, 0.8, 1.6, 1, 0.8, 2.2, 0.8]))
        else:
            remediation.append(_para(t("txt.no_remediations")))
    waiver_rows = [[w["rule"], t(f"state.{w['state']}"), w["expires"], w["approver"], len(w["hosts"]),
                    _short(w["justification"], 200), w["source"]] for w in data["waivers"]]
    waivers = [_table("waivers", [t("col.rule_id"), t("col.state"), t("col.expires"), t("col.approver"), t("col.hosts"),
                                  t("col.justification"), t("col.source")], waiver_rows, [2.6, 0.8, 1, 1, 0.7, 3, 1.8],
                      numeric_cols=[4])] if waiver_rows else [_para(t("txt.no_waivers"))]
    risk_rows = [[i + 1, r["rule_id"], t.text(rules.get(r["rule_id"], {}).get("title")), t.severity(r["severity"]),
                  r["hosts_failing"], r["hosts_persistent"], t.text(rules.get(r["rule_id"], {}).get("fix")) or t("f.no_fix")]
                 for i, r in enumerate(data["top_risks"])]
    risks_blocks = [_para(t("txt.top_risk_intro")),
                    _table("risks", [t("col.no"), t("col.rule_id"), t("col.title"), t("col.severity"),
                                     t("col.hosts_failing"), t("col.persistent"), t("col.fix")],
                           risk_rows, [0.4, 2.4, 2.6, 0.6, 0.9, 0.9, 3.6], numeric_cols=[4, 5])] if risk_rows \
        else [_para(t("txt.no_risks"))]
    scan_rows = [[sc["scan_id"], sc["started_at"][:19].replace("T", " "), sc["baseline"], sc["source"], sc["hosts"],
                  t.rate(sc["compliance_rate"])] for sc in data["scans"]]
    return [
        _section("executive", t("sec.executive"), exec_blocks),
        _section("summary", t("sec.summary"), _summary_blocks(data, t)),
        _section("trend", t("sec.trend"), trend),
        _section("families", t("sec.families"), _family_blocks(data, t)),
        _section("hosts", t("sec.hosts"), _host_blocks(data, t, with_start=True)),
        _section("changes", t("sec.changes"), changes),
        _section("remediations", t("sec.remediations"), remediation),
        _section("waivers", t("sec.waivers"), waivers),
        _section("risks", t("sec.risks"), risks_blocks),
        _section("scans", t("sec.scans"), [_table("scans", [t("col.scan"), t("col.started"), t("col.baseline"),
                                                            t("col.source"), t("col.hosts"), t("col.rate")], scan_rows,
                                                  [0.8, 2, 2, 1.4, 0.8, 1], numeric_cols=[0, 4])]),
    ]
