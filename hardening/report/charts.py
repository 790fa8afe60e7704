"""Charts as inline SVG for HTML reports (the PDF draws the same data with reportlab.graphics).
Labels are escaped; the SVG has no scripts and no external references."""

from __future__ import annotations

from markupsafe import Markup, escape

W, H, LEFT, BOTTOM, TOP = 720, 260, 44, 58, 26


def svg(chart: dict) -> Markup:
    labels, values = chart["labels"], chart["values"]
    n = max(1, len(labels))
    plot_w, plot_h = W - LEFT - 16, H - BOTTOM - TOP
    y = lambda v: TOP + plot_h - (v / 100.0) * plot_h  # noqa: E731
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" class="chart" '
             f'aria-label="{escape(chart["title"])}">',
             f'<text x="{W / 2}" y="16" text-anchor="middle" class="chart-title">{escape(chart["title"])}</text>']
    for tick in range(0, 101, 20):
        parts.append(f'<line x1="{LEFT}" x2="{W - 16}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" class="grid"/>'
                     f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" class="tick">{tick}</text>')
    step = plot_w / n
    points = []
    for i, (label, value) in enumerate(zip(labels, values)):
        cx = LEFT + step * (i + 0.5)
        rotate = len(labels) > 6
        anchor = "end" if rotate else "middle"
        transform = f' transform="rotate(-30 {cx:.1f} {H - BOTTOM + 14})"' if rotate else ""
        parts.append(f'<text x="{cx:.1f}" y="{H - BOTTOM + 14}" text-anchor="{anchor}" class="tick"{transform}>'
                     f'{escape(label)}</text>')
        if value is None:
            continue
        if chart["kind"] == "bar":
            bw = step * 0.6
            parts.append(f'<rect x="{cx - bw / 2:.1f}" y="{y(value):.1f}" width="{bw:.1f}" '
                         f'height="{TOP + plot_h - y(value):.1f}" class="bar"/>')
        else:
            points.append((cx, y(value)))
            parts.append(f'<circle cx="{cx:.1f}" cy="{y(value):.1f}" r="4" class="dot"/>')
        parts.append(f'<text x="{cx:.1f}" y="{y(value) - 6:.1f}" text-anchor="middle" class="value">{value:.1f}</text>')
    if len(points) > 1:
        parts.insert(-2 * len(points), '<polyline class="line" points="' +
                     " ".join(f"{px:.1f},{py:.1f}" for px, py in points) + '"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
