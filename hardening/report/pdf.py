"""PDF rendering with reportlab: cover, table of contents, bookmarks, page numbers, charts,
an embedded subset of a CJK TrueType font. Deterministic: dates come from the report data."""

from __future__ import annotations

import calendar
import datetime as dt
import io
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfdoc import TimeStamp
from reportlab.platypus import (BaseDocTemplate, CondPageBreak, Frame, KeepTogether, NextPageTemplate, PageBreak,
                                PageTemplate, Paragraph, Spacer, Table, TableStyle)
from reportlab.platypus.tableofcontents import TableOfContents

from hardening.report import fonts

PAGE_W, PAGE_H = A4
MARGIN = 18 * mm
BODY_W = PAGE_W - 2 * MARGIN
# where the visible signature goes on the cover page (points, PDF user space: x1, y1, x2, y2)
SIGNATURE_BOX = (int(MARGIN), int(30 * mm), int(MARGIN + 95 * mm), int(55 * mm))
MATRIX_HOSTS_PER_TABLE = 12

STATUS_COLOURS = {"pass": colors.HexColor("#d8f0d8"), "fail": colors.HexColor("#f7d4d4"),
                  "error": colors.HexColor("#ecd9f2"), "manual": colors.HexColor("#fff1c2"),
                  "waived": colors.HexColor("#d6eef5"), "notapplicable": colors.HexColor("#eeeeee"),
                  "ok": colors.HexColor("#d8f0d8")}
HEADER_BG = colors.HexColor("#1f3a5f")


def _styles(font: str) -> dict:
    base = dict(fontName=font, wordWrap="CJK", leading=13, fontSize=9.5)
    return {
        "body": ParagraphStyle("body", **base, spaceAfter=4),
        "small": ParagraphStyle("small", **{**base, "fontSize": 7.5, "leading": 9.5}),
        "cell": ParagraphStyle("cell", **{**base, "fontSize": 7.5, "leading": 9.2}),
        "cellhead": ParagraphStyle("cellhead", **{**base, "fontSize": 7.5, "leading": 9.2, "textColor": colors.white}),
        "h1": ParagraphStyle("h1", **{**base, "fontSize": 15, "leading": 20, "spaceBefore": 6, "spaceAfter": 8,
                                      "textColor": HEADER_BG}),
        "h2": ParagraphStyle("h2", **{**base, "fontSize": 11.5, "leading": 15, "spaceBefore": 8, "spaceAfter": 4,
                                      "textColor": HEADER_BG}),
        "finding": ParagraphStyle("finding", **{**base, "fontSize": 9, "leading": 12}),
        "title": ParagraphStyle("title", **{**base, "fontSize": 24, "leading": 32, "alignment": TA_CENTER}),
        "subtitle": ParagraphStyle("subtitle", **{**base, "fontSize": 12, "leading": 18, "alignment": TA_CENTER,
                                                  "textColor": colors.HexColor("#444444")}),
        "toc1": ParagraphStyle("toc1", **{**base, "fontSize": 11, "leading": 16, "leftIndent": 0}),
        "toc2": ParagraphStyle("toc2", **{**base, "fontSize": 9, "leading": 12, "leftIndent": 14}),
    }


def _p(text, style) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


class _Heading(Paragraph):
    def __init__(self, text, style, level, key):
        super().__init__(escape(text), style)
        self.toc = (level, text, key)


class _Doc(BaseDocTemplate):
    def __init__(self, buffer, document: dict, font: str, **kw):
        super().__init__(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN + 4 * mm,
                         bottomMargin=MARGIN, title=document["title"], author="hardening",
                         subject=document["subtitle"], creator="hardening", invariant=1, pageCompression=1, initialFontName=font,
                         lang="zh-CN" if document["lang"] == "zh" else "en", **kw)
        self.document, self.font = document, font
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate("cover", [frame], onPage=self._cover_page),
                               PageTemplate("body", [frame], onPage=self._body_page)])

    def beforeDocument(self):
        # every date in the file comes from the data (the report date), never the clock
        stamp = TimeStamp(invariant=1)
        when = dt.datetime.fromisoformat(self.document["date"][:10]).replace(tzinfo=dt.timezone.utc)
        stamp.t = calendar.timegm(when.timetuple())
        stamp.lt = when.timetuple()
        stamp.YMDhms = tuple(stamp.lt)[:6]
        self.canv._doc._timeStamp = stamp

    def afterFlowable(self, flowable):
        toc = getattr(flowable, "toc", None)
        if toc:
            level, text, key = toc
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=level - 1, closed=level > 1)
            self.notify("TOCEntry", (level - 1, text, self.page, key))

    def _cover_page(self, canvas, doc):
        canvas.saveState()
        canvas.setStrokeColor(HEADER_BG)
        canvas.setLineWidth(3)
        canvas.line(MARGIN, PAGE_H - MARGIN, PAGE_W - MARGIN, PAGE_H - MARGIN)
        x1, y1, x2, y2 = SIGNATURE_BOX
        canvas.setFont(self.font, 8)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(x1, y2 + 4, self.document["signature_note"])
        canvas.setStrokeColor(colors.HexColor("#999999"))
        canvas.setLineWidth(0.5)
        canvas.setDash(2, 2)
        canvas.rect(x1, y1, x2 - x1, y2 - y1)
        canvas.restoreState()

    def _body_page(self, canvas, doc):
        canvas.saveState()
        canvas.setFont(self.font, 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(MARGIN, PAGE_H - MARGIN + 2, self.document["header"])
        canvas.drawRightString(PAGE_W - MARGIN, PAGE_H - MARGIN + 2, self.document["date"])
        canvas.setStrokeColor(colors.HexColor("#bbbbbb"))
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN, PAGE_H - MARGIN, PAGE_W - MARGIN, PAGE_H - MARGIN)
        canvas.drawCentredString(PAGE_W / 2, MARGIN - 8 * mm, self.document["page_label"].format(n=doc.page))
        canvas.restoreState()


def _table_flowable(block: dict, st: dict, labels: dict) -> Table:
    widths = block.get("widths") or [1] * len(block["columns"])
    scale = BODY_W * (0.5 if len(widths) <= 2 else 1) / sum(widths)
    col_widths = [w * scale for w in widths]
    status_cols, numeric = set(block["status_cols"]), set(block["numeric_cols"])
    data = [[_p(c, st["cellhead"]) for c in block["columns"]]]
    styles = [("BACKGROUND", (0, 0), (-1, 0), HEADER_BG), ("VALIGN", (0, 0), (-1, -1), "TOP"),
              ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#9aa5b1")), ("FONTNAME", (0, 0), (-1, -1), st["cell"].fontName),
              ("FONTSIZE", (0, 0), (-1, -1), 7.5), ("TOPPADDING", (0, 0), (-1, -1), 2),
              ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
    for r, row in enumerate(block["rows"], start=1):
        cells = []
        for c, value in enumerate(row):
            if c in status_cols:
                colour = STATUS_COLOURS.get(value)
                if colour is not None:
                    styles.append(("BACKGROUND", (c, r), (c, r), colour))
                cells.append(labels.get(value, value or ""))
            elif c in numeric or isinstance(value, (int, float)):
                cells.append(str(value))
            else:
                cells.append(_p(value, st["cell"]))
        data.append(cells)
    for c in numeric:
        styles.append(("ALIGN", (c, 1), (c, -1), "RIGHT"))
    table = Table(data, colWidths=col_widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(styles))
    return table


def _matrix_flowables(block: dict, st: dict, labels: dict) -> list:
    out = []
    hosts, checks, cells, symbols = block["hosts"], block["checks"], block["cells"], block["symbols"]
    if not hosts:
        return out
    for start in range(0, len(hosts), MATRIX_HOSTS_PER_TABLE):
        chunk = hosts[start:start + MATRIX_HOSTS_PER_TABLE]
        host_w = 11.5 * mm
        head = [_p(block["columns"][0], st["cellhead"]), _p(block["columns"][1], st["cellhead"])] + \
               [_p(h, ParagraphStyle("mh", parent=st["cellhead"], fontSize=6, leading=7)) for h in chunk]
        data = [head]
        styles = [("BACKGROUND", (0, 0), (-1, 0), HEADER_BG), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                  ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#9aa5b1")),
                  ("FONTNAME", (0, 0), (-1, -1), st["cell"].fontName), ("FONTSIZE", (0, 0), (-1, -1), 8),
                  ("ALIGN", (2, 1), (-1, -1), "CENTER"), ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                  ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]
        for i, check in enumerate(checks):
            row = [str(i + 1), _p(f"{check['title']}\n{check['rule_id']}", st["small"])]
            for j in range(start, start + len(chunk)):
                status = cells[i][j]
                row.append(symbols.get(status, "") if status else "")
                if status in STATUS_COLOURS:
                    styles.append(("BACKGROUND", (2 + j - start, i + 1), (2 + j - start, i + 1), STATUS_COLOURS[status]))
            data.append(row)
        first = 8 * mm
        check_w = BODY_W - first - host_w * len(chunk)
        table = Table(data, colWidths=[first, check_w] + [host_w] * len(chunk), repeatRows=1)
        table.setStyle(TableStyle(styles))
        out += [table, Spacer(1, 5 * mm)]
    return out


def _chart(block: dict, font: str) -> Drawing:
    width, height = BODY_W, 62 * mm
    drawing = Drawing(width, height)
    values = [v if v is not None else 0 for v in block["values"]] or [0]
    labels = block["labels"] or [""]
    chart = HorizontalLineChart() if block["kind"] == "line" else VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 32, width - 50, height - 52
    chart.data = [values]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 6.5 if len(labels) > 6 else 7.5
    if len(labels) > 6:
        chart.categoryAxis.labels.angle = 30
        chart.categoryAxis.labels.boxAnchor = "ne"
    if block["kind"] == "line":
        chart.lines[0].strokeColor = HEADER_BG
        chart.lines[0].strokeWidth = 2
        from reportlab.graphics.widgets.markers import makeMarker
        chart.lines[0].symbol = makeMarker("FilledCircle")
        chart.lineLabelFormat = "%.1f"
        chart.lineLabels.fontName = font
        chart.lineLabels.fontSize = 7
    else:
        chart.bars[0].fillColor = colors.HexColor("#3d6fa5")
        chart.barLabelFormat = "%.1f"
        chart.barLabels.fontName = font
        chart.barLabels.fontSize = 6.5
        chart.barLabels.nudge = 6
    drawing.add(chart)
    drawing.add(String(width / 2, height - 10, block["title"], fontName=font, fontSize=9, textAnchor="middle"))
    return drawing


def _finding(block: dict, st: dict, labels: dict) -> KeepTogether:
    status = block["status"]
    head = Table([[_p(block["heading"], st["finding"]), labels.get(status, status)]],
                 colWidths=[BODY_W - 22 * mm, 22 * mm])
    head.setStyle(TableStyle([("BACKGROUND", (1, 0), (1, 0), STATUS_COLOURS.get(status, colors.white)),
                              ("BACKGROUND", (0, 0), (0, 0), colors.HexColor("#eef2f7")),
                              ("FONTNAME", (0, 0), (-1, -1), st["cell"].fontName), ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                              ("ALIGN", (1, 0), (1, 0), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                              ("BOX", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1"))]))
    rows = [[_p(label, st["cell"]), _p(value, st["cell"])] for label, value in block["fields"]]
    parts = [head]
    if rows:
        body = Table(rows, colWidths=[22 * mm, BODY_W - 22 * mm])
        body.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), st["cell"].fontName),
                                  ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#c5ccd4")),
                                  ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f6f8fa")),
                                  ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
        parts.append(body)
    parts.append(Spacer(1, 3 * mm))
    return KeepTogether(parts)


def render(document: dict, font_file: str | None = None) -> bytes:
    font, _path = fonts.register(font_file)
    st = _styles(font)
    labels = document["status_labels"]
    from hardening.report.i18n import Strings
    t = Strings(document["lang"])
    document = {**document, "page_label": t("page")}
    story = [Spacer(1, 45 * mm), _p(document["title"], st["title"]), Spacer(1, 4 * mm),
             _p(document["subtitle"], st["subtitle"]), Spacer(1, 16 * mm)]
    cover = Table([[_p(k, st["body"]), _p(v, st["body"])] for k, v in document["cover"]],
                  colWidths=[40 * mm, BODY_W - 60 * mm])
    cover.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#c5ccd4")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TEXTCOLOR", (0, 0), (0, -1), HEADER_BG)]))
    story += [cover, Spacer(1, 6 * mm), _p(document["generated_note"], st["small"]),
              NextPageTemplate("body"), PageBreak()]
    toc = TableOfContents()
    toc.levelStyles = [st["toc1"], st["toc2"]]
    toc.dotsMinLevel = 0
    toc.tableStyle = TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                 ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)])
    story += [_p(t("toc"), st["h1"]), toc, PageBreak()]
    number = 0
    for index, section in enumerate(document["sections"]):
        if section["level"] == 1:
            number += 1
            if index:
                story.append(CondPageBreak(60 * mm))
            story.append(_Heading(f"{number}. {section['title']}", st["h1"], 1, f"s{index}"))
        else:
            story.append(CondPageBreak(30 * mm))
            story.append(_Heading(section["title"], st["h2"], 2, f"s{index}"))
        for block in section["blocks"]:
            kind = block["type"]
            if kind == "para":
                story.append(_p(block["text"], st["body"]))
            elif kind == "list":
                story += [_p("• " + item, st["body"]) for item in block["items"]]
            elif kind == "table":
                story += [_table_flowable(block, st, labels), Spacer(1, 4 * mm)]
            elif kind == "matrix":
                story += _matrix_flowables(block, st, labels)
            elif kind == "chart":
                story += [_chart(block, font), Spacer(1, 3 * mm)]
            elif kind == "finding":
                story.append(_finding(block, st, labels))
    buffer = io.BytesIO()
    doc = _Doc(buffer, document, font)
    from reportlab.graphics import shapes

    default_font = shapes.STATE_DEFAULTS["fontName"]
    shapes.STATE_DEFAULTS["fontName"] = font  # charts start in the CJK font too: no unembedded Helvetica
    try:
        doc.multiBuild(story)
    finally:
        shapes.STATE_DEFAULTS["fontName"] = default_font
    return buffer.getvalue()
