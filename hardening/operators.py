"""The closed set of operators a probe may use, each a pure predicate with a readable form."""

from __future__ import annotations

import re
from typing import Any, Callable


class OperandError(ValueError):
    """The observed value cannot be compared with this operator (wrong type)."""


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise OperandError(f"{value!r} is not a number")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip(), 0) if value.strip().lower().startswith("0x") else float(value.strip())
        except ValueError:
            pass
    raise OperandError(f"{value!r} is not a number")


def _same(a: Any, b: Any) -> bool:
    """Equality that treats "5" and 5 alike and compares strings case-insensitively."""
    if isinstance(a, str) and isinstance(b, str):
        return a.strip().lower() == b.strip().lower()
    if isinstance(a, (int, float, str)) and isinstance(b, (int, float, str)) and not isinstance(a, bool) and not isinstance(b, bool):
        try:
            return _number(a) == _number(b)
        except OperandError:
            return str(a).strip().lower() == str(b).strip().lower()
    return a == b


def _mode(value: Any) -> int:
    text = str(value).strip()
    if not text or any(c not in "01234567" for c in text):
        raise OperandError(f"{value!r} is not an octal mode")
    return int(text, 8)


def _contains(container: Any, item: Any) -> bool:
    if isinstance(container, str):
        return str(item).lower() in container.lower()
    if isinstance(container, (list, tuple, set, dict)):
        return any(_same(x, item) for x in container)
    raise OperandError(f"{container!r} is not a text or a list")


def _size(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, (list, tuple, dict, str, set)):
        return len(value)
    raise OperandError(f"{value!r} has no length")


def _matches(value: Any, pattern: str) -> bool:
    return re.search(pattern, str(value)) is not None


# name -> (predicate(observed, operand), human form of the expectation)
OPERATORS: dict[str, tuple[Callable[[Any, Any], bool], str]] = {
    "eq": (_same, "= {}"),
    "ne": (lambda v, o: not _same(v, o), "≠ {}"),
    "lt": (lambda v, o: _number(v) < _number(o), "< {}"),
    "le": (lambda v, o: _number(v) <= _number(o), "≤ {}"),
    "gt": (lambda v, o: _number(v) > _number(o), "> {}"),
    "ge": (lambda v, o: _number(v) >= _number(o), "≥ {}"),
    "in": (lambda v, o: any(_same(v, x) for x in o), "one of {}"),
    "not_in": (lambda v, o: not any(_same(v, x) for x in o), "none of {}"),
    "matches": (lambda v, o: _matches(v, o), "matches /{}/"),
    "not_matches": (lambda v, o: not _matches(v, o), "does not match /{}/"),
    "contains": (_contains, "contains {}"),
    "not_contains": (lambda v, o: not _contains(v, o), "does not contain {}"),
    "empty": (lambda v, o: (_size(v) == 0) == bool(o), "empty"),
    "count_le": (lambda v, o: _size(v) <= _number(o), "at most {} item(s)"),
    "count_ge": (lambda v, o: _size(v) >= _number(o), "at least {} item(s)"),
    "mode_within": (lambda v, o: _mode(v) & ~_mode(o) == 0, "permissions {} or stricter"),
    "present": (lambda v, o: (v is not None) == bool(o), "present"),
}

# Operators that judge presence themselves, so a missing value is not "missing".
PRESENCE_OPERATORS = {"present", "empty"}


def describe(operator: str, operand: Any) -> str:
    """Human form of an expectation, e.g. ``≤ 90`` or ``permissions 0640 or stricter``."""
    if operator == "present":
        return "present" if operand else "absent"
    if operator == "empty":
        return "empty (none)" if operand else "not empty"
    return OPERATORS[operator][1].format(operand)


def apply(operator: str, observed: Any, operand: Any) -> bool:
    """Evaluate one operator; raises OperandError when the value has the wrong type."""
    predicate = OPERATORS[operator][0]
    try:
        return bool(predicate(observed, operand))
    except (TypeError, re.error) as exc:
        raise OperandError(str(exc)) from None
