"""Compliance reports rendered from the scan history: scan report, monthly inspection table
(巡检结果表) and quarterly assessment, as PDF, HTML, XLSX and JSON, optionally signed.

The pipeline is ``model`` (store → plain data, the JSON document) → ``layout`` (data → titled
sections and tables in one language) → one renderer per format → ``signing``.
"""

REPORT_SCHEMA = "hardening-report/1"
KINDS = ("scan", "inspection", "quarterly")
FORMATS = ("pdf", "html", "xlsx", "json")
