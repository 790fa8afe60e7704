"""Facts about login shell settings (idle timeout, umask) from the shell start-up files."""

from __future__ import annotations

import re

from hardening.facts.base import Fact, HostContext, Parsed, Raw
from hardening.facts.records import split_files, strip_comment

# The files a bash login shell reads, in order: /etc/profile sources profile.d/*.sh.
STARTUP_FILES = "/etc/profile /etc/profile.d/*.sh /etc/bashrc /etc/bash.bashrc"

_TMOUT = re.compile(r"^(?:(readonly|export|declare\s+-[a-zA-Z]+|typeset\s+-[a-zA-Z]+)\s+)?TMOUT=(\S*)$")
_READONLY = re.compile(r"^(?:readonly|declare\s+-[a-zA-Z]*r[a-zA-Z]*|typeset\s+-[a-zA-Z]*r[a-zA-Z]*)\s+(?:\S+\s+)*TMOUT(?:\s|$)")


def _makes_readonly(prefix: str | None) -> bool:
    """``readonly`` or ``declare``/``typeset`` with an ``r`` flag (``export`` has an r too)."""
    word, _, flags = (prefix or "").partition("-")
    return word == "readonly" or "r" in flags


def _unquote(word: str) -> str:
    return word[1:-1] if len(word) >= 2 and word[0] == word[-1] and word[0] in "\"'" else word


class Tmout(Fact):
    r"""The ``TMOUT`` a login shell ends up with, and whether it is read-only.

    Statements are read as bash runs them: split at ``;``, a read-only TMOUT refuses later
    assignments, and a CR line ending (a CRLF file) stays part of the last word, so
    ``TMOUT=600\r`` is no number (bash sets no timeout) and ``readonly TMOUT\r`` fails.
    """

    command = f"hf_files {STARTUP_FILES}"

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        value = {"set": False, "seconds": None, "readonly": False}
        sources: dict[str, str] = {}
        for name, content in split_files(raw.stdout):
            for number, line in enumerate(content.decode("utf-8", "replace").split("\n"), start=1):
                where = f"{name}:{number}: {line.strip()}"
                for statement in strip_comment(line.replace("\r", "\\r")).split(";"):
                    statement = statement.strip()
                    match = _TMOUT.match(statement)
                    if match and not value["readonly"]:
                        number_text = _unquote(match.group(2))
                        seconds = int(number_text) if re.fullmatch(r"[0-9]+", number_text) else None
                        value.update(set=True, seconds=seconds)
                        sources["seconds"] = where
                    if (match and _makes_readonly(match.group(1))) or _READONLY.match(statement):
                        value["readonly"] = True
                        sources["readonly"] = where
        if not value["set"]:
            sources["__note__"] = "TMOUT is not set in " + STARTUP_FILES
        elif value["seconds"] is None:
            sources["__note__"] = "TMOUT is not a number, so bash sets no timeout"
        else:
            sources["__note__"] = ""
        return Parsed(value, sources)
