"""The one way a value reaches a generated script.

Host names, database names, profile and user names come from scanned hosts and databases,
which may be hostile: a host named ``x$(touch /root/P)`` must stay a string in every bundle
that names it. Every value therefore enters a script through one of these functions, and the
template environments enforce it (see ``templates.environment``): a shell template quotes any
value a template author forgot to quote, a SQL template refuses it.
"""

from __future__ import annotations

import shlex

from hardening.errors import InputError


class Quoted(str):
    """Text already quoted for the script it goes into; passed through unchanged."""


def control_characters(text: str) -> list[str]:
    """The control characters in ``text`` (line breaks, escapes, NUL ...), as escapes for a message."""
    return sorted({repr(c)[1:-1] for c in text if ord(c) < 32 or 0x7F <= ord(c) < 0xA0})


def shell(value: object) -> Quoted:
    """One shell word whatever the value holds: $(...), backticks, quotes, line breaks, escapes."""
    text = str(value)
    if "\0" in text:
        raise InputError(f"refusing {printable(text)!r} in a script: it contains a NUL byte")
    return Quoted(shlex.quote(text))


def printable(value: object) -> str:
    """``value`` for a comment or a message: control characters (a line break ends a comment, an
    ANSI escape rewrites the reviewer's terminal) shown as escapes, everything else as it is."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(value))


def no_control_characters(value: object, where: str) -> None:
    """Refuse strings with control characters other than a tab anywhere in ``value`` (a setting
    written into a configuration file must not be able to start a second line)."""
    if isinstance(value, str):
        bad = [c for c in control_characters(value) if c != "\\t"]
        if bad:
            raise InputError(f"{where}: refusing {printable(value)!r}: control characters ({' '.join(bad)})")
    elif isinstance(value, dict):
        for key, item in value.items():
            no_control_characters(key, where)
            no_control_characters(item, where)
    elif isinstance(value, (list, tuple)):
        for item in value:
            no_control_characters(item, where)
