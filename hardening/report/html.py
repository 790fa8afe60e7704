"""HTML rendering: jinja2 templates from the top-level ``reports/`` folder (shipped in the wheel
as hardening.data.reports), autoescaped, self-contained (inline CSS and SVG, no scripts, no
external resources)."""

from __future__ import annotations

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from hardening import paths
from hardening.report.charts import svg
from hardening.report.pdf import STATUS_COLOURS

_env: Environment | None = None


def environment() -> Environment:
    global _env
    if _env is None:
        _env = Environment(loader=FileSystemLoader(str(paths.data_root("reports"))),
                           autoescape=select_autoescape(default=True, default_for_string=True),
                           undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
        _env.globals["svg"] = svg
    return _env


def render(document: dict) -> bytes:
    css = (paths.data_root("reports") / "report.css").read_text(encoding="utf-8")
    colours = {k: v.hexval().replace("0x", "#") for k, v in STATUS_COLOURS.items()}
    text = environment().get_template("report.html.j2").render(doc=document, css=css, colours=colours)
    return text.encode("utf-8")
