"""XLSX rendering with openpyxl: the inspection matrix as the users' 巡检结果表 (hosts as columns,
checks as rows, coloured cells, frozen headers, filters), and one sheet per other section.

openpyxl because it writes real .xlsx (styles, frozen panes, autofilter) that Excel and WPS
open as users expect, with no office suite installed; it is a declared dependency. The file is
made deterministic: fixed workbook dates and fixed ZIP entry times from the report date.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from hardening.report.pdf import STATUS_COLOURS

HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
HEADER_FONT = Font(color="FFFFFF", bold=True)
THIN = Side(style="thin", color="C5CCD4")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FILLS = {k: PatternFill("solid", fgColor=v.hexval()[2:].upper()) for k, v in STATUS_COLOURS.items()}
WRAP = Alignment(wrap_text=True, vertical="top")
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _clean(value):
    if isinstance(value, str):
        value = ILLEGAL.sub("\ufffd", value)
        if value[:1] in ("=", "+", "-", "@") and len(value) > 1:
            value = "'" + value  # never a formula: host names and evidence are data
        return value[:32000]
    return value


def _sheet_title(title: str, used: set) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:28] or "sheet"
    name, n = base, 2
    while name.lower() in used:
        name, n = f"{base[:26]} {n}", n + 1
    used.add(name.lower())
    return name


def _header(ws, row: int, columns: list) -> None:
    for c, text in enumerate(columns, start=1):
        cell = ws.cell(row=row, column=c, value=_clean(text))
        cell.fill, cell.font, cell.border, cell.alignment = HEADER_FILL, HEADER_FONT, BORDER, WRAP


def _table(ws, row: int, block: dict, labels: dict) -> int:
    _header(ws, row, block["columns"])
    first = row
    status_cols = set(block["status_cols"])
    for values in block["rows"]:
        row += 1
        for c, value in enumerate(values):
            cell = ws.cell(row=row, column=c + 1, value=_clean(labels.get(value, value) if c in status_cols else value))
            cell.border = BORDER
            if c in status_cols and value in FILLS:
                cell.fill = FILLS[value]
            elif isinstance(value, str):
                cell.alignment = WRAP
    if row > first:
        ws.auto_filter.ref = ws.auto_filter.ref or f"A{first}:{get_column_letter(len(block['columns']))}{row}"
    widths = block.get("widths") or [1] * len(block["columns"])
    for c, width in enumerate(widths, start=1):
        letter = get_column_letter(c)
        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, min(60, 8 + width * 9))
    return row + 2


def _matrix(ws, block: dict, labels: dict, legend: str) -> None:
    ws.cell(row=1, column=1, value=legend)
    columns = [block["columns"][0], "ID", block["columns"][1], block["columns"][2]] + block["hosts"]
    _header(ws, 2, columns)
    for i, check in enumerate(block["checks"]):
        r = i + 3
        for c, value in enumerate([i + 1, check["rule_id"], check["title"], check["severity"]], start=1):
            ws.cell(row=r, column=c, value=_clean(value)).border = BORDER
        for j, status in enumerate(block["cells"][i]):
            cell = ws.cell(row=r, column=5 + j, value=labels.get(status, "") if status else None)
            cell.border = BORDER
            cell.alignment = Alignment(horizontal="center")
            if status in FILLS:
                cell.fill = FILLS[status]
    ws.freeze_panes = "E3"
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 6, 36
    ws.column_dimensions["C"].width, ws.column_dimensions["D"].width = 40, 8
    for j in range(len(block["hosts"])):
        ws.column_dimensions[get_column_letter(5 + j)].width = 12
    ws.row_dimensions[2].height = 60
    if block["checks"] and block["hosts"]:
        ws.auto_filter.ref = f"A2:{get_column_letter(4 + len(block['hosts']))}{len(block['checks']) + 2}"


def render(document: dict) -> bytes:
    labels = document["status_labels"]
    wb = Workbook()
    used: set = set()
    cover = wb.active
    cover.title = _sheet_title(document["title"], used)
    cover.cell(row=1, column=1, value=document["title"]).font = Font(size=16, bold=True, color="1F3A5F")
    cover.cell(row=2, column=1, value=document["subtitle"])
    for r, (label, value) in enumerate(document["cover"], start=4):
        cover.cell(row=r, column=1, value=label).font = Font(bold=True)
        cover.cell(row=r, column=2, value=_clean(value))
    cover.column_dimensions["A"].width, cover.column_dimensions["B"].width = 18, 70
    finding_rows = []
    for section in document["sections"]:
        blocks = section["blocks"]
        matrix = next((b for b in blocks if b["type"] == "matrix"), None)
        if matrix:
            _matrix(wb.create_sheet(_sheet_title(section["title"], used)), matrix, labels, document["matrix_legend"])
            continue
        findings = [b for b in blocks if b["type"] == "finding"]
        for b in findings:
            fields = dict(b["fields"])
            finding_rows.append([b["host"], b["rule_id"], b["title"], b["severity"], b["status"]] +
                                [fields.get(label, "") for label in _finding_labels(document)])
        tables = [b for b in blocks if b["type"] in ("table", "para", "list")]
        if not tables or (section["level"] == 2 and all(b["type"] != "table" for b in tables)):
            continue
        if section["level"] == 2:  # per-host "passed" lists go to one sheet below
            continue
        ws = wb.create_sheet(_sheet_title(section["title"], used))
        row = 1
        for b in tables:
            if b["type"] == "para":
                ws.cell(row=row, column=1, value=_clean(b["text"]))
                row += 2
            elif b["type"] == "list":
                for item in b["items"]:
                    ws.cell(row=row, column=1, value=_clean("• " + item))
                    row += 1
                row += 1
            else:
                row = _table(ws, row, b, labels)
        ws.freeze_panes = None
    if finding_rows:
        columns = document["finding_columns"]
        block = {"columns": columns, "rows": finding_rows, "status_cols": [4],
                 "widths": [2, 3, 3, 0.6, 0.8] + [3] * (len(columns) - 5)}
        ws = wb.create_sheet(_sheet_title(document["findings_title"], used))
        _table(ws, 1, block, labels)
        ws.freeze_panes = "A2"
    when = dt.datetime.fromisoformat(document["date"][:10])
    wb.properties.creator = "hardening"
    wb.properties.title = document["title"]
    wb.properties.created = wb.properties.modified = when
    raw = io.BytesIO()
    wb.save(raw)
    return _normalise_zip(raw.getvalue(), when)


def _finding_labels(document: dict) -> list[str]:
    return document["finding_columns"][5:]


def _normalise_zip(data: bytes, when: dt.datetime) -> bytes:
    """Same content → same bytes: fixed entry times, and the save time openpyxl writes replaced."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>" + stamp.encode() + rb"\2",
                                 content)
            entry = zipfile.ZipInfo(info.filename, date_time=(max(1980, when.year), when.month, when.day, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()
