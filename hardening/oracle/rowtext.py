"""One result row as one line of text: escaped values joined by CHR(31) (shared by SQL*Plus and batches).

``\\N`` is NULL; ``\\\\``, ``\\n``, ``\\r`` and ``\\u`` (the separator) are escaped, so a row is
always one line whatever the catalog holds.
"""

from __future__ import annotations

import re

SEP = "\x1f"


def escape_sql(column: str) -> str:
    """The SQL expression that renders ``column`` escaped (NULL as \\N)."""
    inner = (f"REPLACE(REPLACE(REPLACE(REPLACE(TO_CHAR({column}), '\\', '\\\\'), CHR(10), '\\n'), "
             f"CHR(13), '\\r'), CHR(31), '\\u')")
    return f"NVL2({column}, {inner}, '\\N')"


def row_sql(count: int, joiner: str = " || CHR(31) || ") -> str:
    """The expression for a whole row of a subquery with columns c0..c<count-1>."""
    return joiner.join(escape_sql(f"c{i}") for i in range(count))


def unescape(field: str):
    if field == "\\N":
        return None
    if "\\" not in field:
        return field
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "r": "\r", "u": SEP, "\\": "\\"}.get(m.group(1), m.group(0)), field)


def split_row(text: str) -> list:
    return [unescape(f) for f in text.split(SEP)]
