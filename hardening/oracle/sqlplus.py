"""The offline collector: a SQL*Plus script an operator runs by hand, and the parser of its output.

    hardening oracle collect-script > collect.sql
    sqlplus -s mlps_scan@//db:1521/ORCLPDB1 @collect.sql > bundle.txt
    hardening oracle evaluate bundle.txt

Every line that matters starts with a per-run random marker, so a login banner, a password
prompt or anything else SQL*Plus prints cannot be mistaken for data::

    <M>:H:<chunk of the JSON header>        (header, possibly split over several lines)
    <M>:B:<query>@<release>                 (a query begins)
    <M>:R:<v1>\\x1f<v2>\\x1f...               (one row; \\N = NULL; \\\\, \\n, \\r, \\u escaped)
    <M>:E:<query>@<release>                 (a query ended; ORA-/SP2- lines in between are its error)
    <M>:END

SQL*Plus cannot branch on the release, so every variant of every query runs; the reader keeps
the variant that matches the release it finds (the others' "invalid identifier" errors are ignored).
"""

from __future__ import annotations

import json
import re

from hardening import __version__
from hardening.collect import PlannedFact, new_marker
from hardening.errors import InputError
from hardening.facts.oracle import QUERIES
from hardening.oracle.collect import major_of, needed_queries, raws_for
from hardening.oracle.rowtext import row_sql, split_row

BUNDLE_FORMAT = "hardening-oracle-bundle/1"
MAX_LINE = 200  # SQL*Plus limits a script line to 2499 characters; stay far below


def _wrap(sql: str) -> list[str]:
    """Break SQL into short lines at spaces outside string literals (a newline in a literal changes it)."""
    spaced, in_quote = [], False
    for ch in sql:  # a break is possible after every comma outside a literal
        spaced.append(ch)
        if ch == "'":
            in_quote = not in_quote
        elif ch == "," and not in_quote:
            spaced.append(" ")
    sql = "".join(spaced).replace(",  ", ", ")
    spaces, in_quote = [], False
    for i, ch in enumerate(sql):
        if ch == "'":
            in_quote = not in_quote
        elif ch == " " and not in_quote:
            spaces.append(i)
    lines, start, last = [], 0, None
    for pos in spaces + [len(sql)]:
        if pos - start > MAX_LINE and last is not None and last > start:
            lines.append(sql[start:last])
            start = last + 1
        last = pos
    lines.append(sql[start:])
    # a line starting with # / @ ! would be read by SQL*Plus as its own command
    return [" " + ln if ln.lstrip()[:1] in ("#", "/", "@", "!") else ln for ln in lines if ln.strip()]


def wrapped_query(marker: str, name: str, columns: tuple[str, ...], sql: str) -> str:
    aliases = [f"c{i}" for i in range(len(columns))]
    row = row_sql(len(columns), " || CHR(31) ||\n  ")
    body = "\n".join(_wrap(sql))
    return (f"PROMPT {marker}:B:{name}\n"
            f"WITH q ({', '.join(aliases)}) AS (\n{body}\n)\n"
            f"SELECT '{marker}:R:' ||\n  {row}\nFROM q;\n"
            f"PROMPT {marker}:E:{name}\n")


def build_sqlplus_script(plan: list[PlannedFact], baseline: str, marker: str | None = None) -> str:
    """The SQL*Plus script for the SQL facts of ``plan`` (it only reads the catalog)."""
    marker = marker or new_marker()
    names = ["version"] + [n for n in needed_queries(plan) if n != "version"]
    header = json.dumps({"format": BUNDLE_FORMAT, "baseline": baseline, "tool_version": __version__,
                         "plan": [{"index": p.index, "fact": p.fact, "args": p.args} for p in plan]},
                        ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    out = [
        "-- hardening offline collector for Oracle Database: reads the catalog, changes nothing.",
        "-- Run:  sqlplus -s AUDIT_USER@//host:port/service @collect.sql > bundle.txt",
        "-- then: hardening oracle evaluate bundle.txt   (or: hardening evaluate bundle.txt)",
        "SET ECHO OFF FEEDBACK OFF HEADING OFF PAGESIZE 0 NEWPAGE NONE VERIFY OFF TERMOUT ON",
        "SET LINESIZE 32767 LONG 100000 TRIMOUT ON TRIMSPOOL ON TAB OFF WRAP ON",
        "SET DEFINE OFF SQLBLANKLINES ON SERVEROUTPUT OFF TIMING OFF",
        "WHENEVER SQLERROR CONTINUE",
        "WHENEVER OSERROR CONTINUE",
        "ALTER SESSION SET NLS_NUMERIC_CHARACTERS = '.,';",
        "ALTER SESSION SET NLS_LANGUAGE = 'AMERICAN';",
    ]
    for i in range(0, len(header), 150):
        out.append(f"PROMPT {marker}:H:{header[i:i + 150]}")
    for name in names:
        query = QUERIES[name]
        for release, sql in sorted(query.variants.items()):
            out.append(wrapped_query(marker, f"{name}@{release}", query.columns, sql).rstrip("\n"))
    out.append(f"PROMPT {marker}:END")
    out.append("EXIT")
    return "\n".join(out) + "\n"


def decode_bundle(data: bytes) -> str:
    """SQL*Plus writes in the client's NLS_LANG character set: UTF-8, or GB18030/GBK on many CN sites."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


_MARKER = re.compile(r"^(HF[0-9a-f]{32}):H:")


def is_sqlplus_bundle(text: str) -> bool:
    """Does this text look like the output of the SQL*Plus collector?"""
    for line in text.splitlines()[:200]:
        if _MARKER.match(line.strip()):
            return BUNDLE_FORMAT in text[:20000]
    return False


def read_sqlplus_bundle(text: str, path: str) -> tuple[list[PlannedFact], dict, dict]:
    """Parse the collector's output: (plan, raws per fact, meta with baseline, release and results)."""
    marker = None
    for line in text.splitlines():
        m = _MARKER.match(line.strip())
        if m:
            marker = m.group(1)
            break
    if marker is None:
        raise InputError("not a hardening SQL*Plus bundle (no collector marker found)", path)
    header_parts, variants, current, rows, errors, ended = [], {}, None, [], [], False
    prefix = marker + ":"
    for number, raw_line in enumerate(text.splitlines(), 1):
        line = raw_line.rstrip("\r")
        if not line.startswith(prefix):
            stripped = line.strip()
            if current is not None and re.match(r"^(ORA|SP2|PLS)-\d{4,5}", stripped):
                errors.append(stripped)
            continue
        kind, body = line[len(prefix):len(prefix) + 1], line[len(prefix) + 2:]
        if line[len(prefix):] == "END":
            ended = True
            break
        if kind == "H":
            header_parts.append(body)
        elif kind == "B":
            current, rows, errors = body.strip(), [], []
        elif kind == "R":
            if current is None:
                raise InputError("a row outside any query", path, number)
            rows.append(split_row(body))
        elif kind == "E":
            if current is None or body.strip() != current:
                raise InputError(f"query framing is broken near {body.strip()!r}", path, number)
            name, _, release = current.partition("@")
            if name not in QUERIES or not release.isdigit():
                raise InputError(f"unknown query {current!r} in the bundle", path, number)
            query = QUERIES[name]
            if errors:
                variants.setdefault(name, {})[int(release)] = {"error": errors[0]}
            else:
                bad = [r for r in rows if len(r) != len(query.columns)]
                if bad:
                    raise InputError(f"query {current}: a row has {len(bad[0])} values for {len(query.columns)} columns",
                                     path, number)
                variants.setdefault(name, {})[int(release)] = {"columns": list(query.columns), "rows": rows}
            current = None
        else:
            raise InputError(f"unknown line type {kind!r}", path, number)
    if not ended:
        raise InputError("the bundle ends early (no END line): the SQL*Plus run was cut off", path)
    try:
        header = json.loads("".join(header_parts))
        if header.get("format") != BUNDLE_FORMAT:
            raise ValueError(f"format {header.get('format')!r}")
        plan = [PlannedFact(int(p["index"]), str(p["fact"]), dict(p.get("args") or {})) for p in header["plan"]]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"malformed bundle header: {exc}", path) from None
    version = variants.get("version", {}).get(11)
    if not version or version.get("error") or not version.get("rows"):
        reason = version.get("error") if version else "the query did not run"
        raise InputError(f"the bundle has no release from V$INSTANCE ({reason}): was the script run by an account "
                         "with SELECT_CATALOG_ROLE on an open database?", path)
    major = major_of(version["rows"][0][0])
    results = {}
    for name in needed_queries(plan):
        chosen = QUERIES[name].for_release(major)
        got = variants.get(name, {})
        if chosen is None:
            results[name] = {"error": f"{QUERIES[name].views} does not exist in release {major}"}
        elif chosen[0] in got:
            results[name] = got[chosen[0]]
    raws = raws_for(plan, results, major)
    meta = {"format": BUNDLE_FORMAT, "baseline": header.get("baseline", ""), "marker": marker, "major": major,
            "results": results, "tool_version": header.get("tool_version")}
    return plan, raws, meta
