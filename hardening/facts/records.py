"""Small parsing helpers shared by fact parsers (pure functions over bytes and text)."""

from __future__ import annotations

from hardening.errors import FactError


def split_files(data: bytes) -> list[tuple[str, bytes]]:
    """Decode the ``hf_files`` stream: ``<size>\\0<name>\\0<size bytes>`` repeated.

    Sizes make the framing immune to whatever the files contain.
    """
    files: list[tuple[str, bytes]] = []
    pos = 0
    while pos < len(data):
        size_end = data.find(b"\0", pos)
        name_end = data.find(b"\0", size_end + 1) if size_end >= 0 else -1
        if size_end < 0 or name_end < 0:
            raise FactError("file listing is truncated")
        size_text = data[pos:size_end].strip()
        if not size_text.isdigit():
            raise FactError("file listing is malformed")
        size = int(size_text)
        name = data[size_end + 1:name_end].decode("utf-8", "replace")
        start = name_end + 1
        if start + size > len(data):
            raise FactError(f"content of {name} is truncated")
        files.append((name, data[start:start + size]))
        pos = start + size
    return files


def text_lines(content: bytes) -> list[str]:
    """Lines of a config file, tolerant of CRLF and non-UTF-8 bytes."""
    return content.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def strip_comment(line: str) -> str:
    """Drop a ``#`` comment that starts a line or follows white space."""
    stripped = line.strip()
    if stripped.startswith("#"):
        return ""
    for i, ch in enumerate(stripped):
        if ch == "#" and i > 0 and stripped[i - 1] in " \t":
            return stripped[:i].rstrip()
    return stripped


def joined_lines(lines: list[str], uncomment) -> list[tuple[int, str]]:
    """Logical lines: ``uncomment(line, first)`` drops comments (``first``: the line starts a
    logical line), then ``\\``-continued lines are joined; each with the line it starts on."""
    result, buffer, start = [], "", 0
    for number, line in enumerate(lines, start=1):
        line = line.replace("\r", "")
        if not buffer:
            start = number
        line = uncomment(line, not buffer)
        if line is None:
            continue
        if line.rstrip().endswith("\\"):
            buffer += line.rstrip()[:-1] + " "
            continue
        buffer += line
        if buffer.strip():
            result.append((start, buffer.strip()))
        buffer = ""
    if buffer.strip():
        result.append((start, buffer.strip()))
    return result
