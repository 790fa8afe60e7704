"""Facts about login shell settings (idle timeout, umask) from the shell start-up files."""

from __future__ import annotations

import re

from hardening.facts.base import Fact, HostContext, Parsed, Raw
from hardening.facts.records import split_files, strip_comment, text_lines

# The files a bash login shell reads, in order: /etc/profile sources profile.d/*.sh.
STARTUP_FILES = "/etc/profile /etc/profile.d/*.sh /etc/bashrc /etc/bash.bashrc"

_TMOUT = re.compile(r"^(?:(readonly|export|declare\s+-[a-zA-Z]+|typeset\s+-[a-zA-Z]+)\s+)?TMOUT=([\"']?)(\d+)\2\s*(?:;.*)?$")
_READONLY = re.compile(r"^(?:readonly|(?:declare|typeset)\s+-[a-zA-Z]*r[a-zA-Z]*)\s+TMOUT\b")


class Tmout(Fact):
    """The ``TMOUT`` a login shell ends up with, and whether it is read-only."""

    command = f"hf_files {STARTUP_FILES}"

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        value = {"set": False, "seconds": None, "readonly": False}
        sources: dict[str, str] = {}
        for name, content in split_files(raw.stdout):
            for number, line in enumerate(text_lines(content), start=1):
                statement = strip_comment(line)
                match = _TMOUT.match(statement)
                if match:
                    value.update(set=True, seconds=int(match.group(3)))
                    if match.group(1) and _READONLY.match(statement):
                        value["readonly"] = True
                    sources["seconds"] = f"{name}:{number}: {line.strip()}"
                elif _READONLY.match(statement):
                    value["readonly"] = True
                    sources["readonly"] = f"{name}:{number}: {line.strip()}"
        sources["__note__"] = "TMOUT is not set in " + STARTUP_FILES if not value["set"] else ""
        return Parsed(value, sources)
