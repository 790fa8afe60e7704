"""The ``hardening`` command line. Errors become one line and an exit status, never a traceback."""

from __future__ import annotations

import importlib
import os
import sys

import click

from hardening import __version__
from hardening.cli.common import EXIT_REFUSED, EXIT_USAGE
from hardening.errors import HardeningError, InputError, Refused

# name -> "module:attribute"; a command's module is imported only when that command runs,
# so `hardening scan` does not pay for the watcher, reports, Oracle or remediation code.
COMMANDS = {
    "scan": "hardening.cli.scan:scan",
    "collect-script": "hardening.cli.scan:collect_script",
    "evaluate": "hardening.cli.scan:evaluate",
    "rules": "hardening.cli.catalog:rules",
    "baselines": "hardening.cli.catalog:baselines",
    "history": "hardening.cli.history:history",
    "show": "hardening.cli.history:show",
    "diff": "hardening.cli.history:diff",
    "inventory": "hardening.cli.inventory:inventory",
    "schedule": "hardening.cli.schedule:schedule",
    "remediate": "hardening.cli.remediate:remediate",
    "review": "hardening.cli.remediate:review",
    "approve": "hardening.cli.remediate:approve",
    "apply": "hardening.cli.remediate:apply",
    "rollback": "hardening.cli.remediate:rollback",
    "audit": "hardening.cli.remediate:audit_group",
    "report": "hardening.cli.report:report",
    "keys": "hardening.cli.report:keys",
    "verify": "hardening.cli.report:verify",
    "watch": "hardening.cli.watch:watch",
    "oracle": "hardening.cli.oracle:oracle",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module, attribute = COMMANDS[name].split(":")
        return getattr(importlib.import_module(module), attribute)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, prog_name="hardening")
def cli():
    """Security hardening and MLPS 2.0 Level 3 (等保2.0 三级) compliance scanning.

    \b
    Examples:
      hardening scan                                   # this machine, baseline mlps_l3_linux
      hardening scan ssh://root@host -i ~/.ssh/id_ed25519
      hardening rules list --lang zh
      hardening history; hardening diff previous latest
      hardening report latest --sign                   # signed PDF report of the last scan
    """


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("hardening: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except InputError as exc:
        click.echo(f"hardening: error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except Refused as exc:
        click.echo(f"hardening: refused: {exc}", err=True)
        sys.exit(EXIT_REFUSED)
    except HardeningError as exc:
        click.echo(f"hardening: error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        click.echo("hardening: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # the last line of defence: one line, no traceback, unless asked
        if os.environ.get("HARDENING_DEBUG"):
            raise
        click.echo(f"hardening: internal error: {type(exc).__name__}: {exc} "
                   "(set HARDENING_DEBUG=1 for the traceback, and please report it)", err=True)
        sys.exit(4)
    sys.exit(0)
