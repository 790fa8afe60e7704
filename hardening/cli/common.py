"""Options and helpers shared by the commands (defined once, used everywhere)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from hardening import paths
from hardening.errors import InputError
from hardening.rulecache import cached_rules
from hardening.rules import Problems
from hardening.store import Store

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_TARGET, EXIT_REFUSED, EXIT_INTERRUPTED = 0, 1, 2, 3, 5, 130


def default_lang() -> str:
    locale = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    return "zh" if locale.lower().startswith("zh") else "en"


lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), default=default_lang,
                           show_default="zh if the locale is Chinese, else en", help="Language of titles and texts.")
format_option = click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
                             show_default=True, help="Human table or JSON (schema in docs/json-output.md).")
db_option = click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
                         help="History database (default: $HARDENING_DB or the user's data directory).")
rules_dir_option = click.option("--rules-dir", multiple=True, type=click.Path(exists=True, file_okay=False),
                                help="Extra folder of rules (repeatable); also $HARDENING_RULES_PATH.")
baselines_dir_option = click.option("--baselines-dir", multiple=True, type=click.Path(exists=True, file_okay=False),
                                    help="Extra folder of baselines searched first (repeatable).")


def load_catalog(rules_dirs: tuple[str, ...] = ()) -> dict:
    """All rules, or exit 2 listing every problem (a scan never runs on a broken rule set)."""
    problems = Problems()
    rules = cached_rules(paths.rule_roots(rules_dirs), problems)
    if problems:
        for line in problems.lines():
            click.echo(line, err=True)
        raise InputError(f"{len(problems.items)} problem(s) in the rules; fix them or run `hardening rules lint`")
    return rules


def open_store(db: Path | None) -> Store:
    return Store(db or paths.default_db())


def use_colour() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


STATUS_COLOURS = {"pass": "green", "fail": "red", "error": "magenta", "manual": "yellow",
                  "waived": "cyan", "notapplicable": None}


def status_label(status: str) -> str:
    label = f"{status.upper():<13}"
    colour = STATUS_COLOURS.get(status)
    return click.style(label, fg=colour, bold=status == "fail") if colour and use_colour() else label


def parse_vars(items: tuple[str, ...]) -> dict[str, str]:
    """``--var name=value`` pairs as texts; parameters_for reads each by its parameter's type."""
    result = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", param_hint="--var")
        result[name] = value
    return result
