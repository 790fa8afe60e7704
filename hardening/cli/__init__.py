"""The ``hardening`` command line. Errors become one line and an exit status, never a traceback."""

from __future__ import annotations

import os
import sys

import click

from hardening import __version__
from hardening.cli.catalog import baselines, rules
from hardening.cli.common import EXIT_REFUSED, EXIT_USAGE
from hardening.cli.history import diff, history, show
from hardening.cli.inventory import inventory
from hardening.cli.oracle import oracle
from hardening.cli.remediate import apply, approve, audit_group, remediate, review, rollback
from hardening.cli.schedule import schedule
from hardening.cli.scan import collect_script, evaluate, scan
from hardening.cli.report import keys, report, verify
from hardening.cli.watch import watch
from hardening.errors import HardeningError, InputError, Refused


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, prog_name="hardening")
def cli():
    """Security hardening and MLPS 2.0 Level 3 (等保2.0 三级) compliance scanning.

    \b
    Examples:
      hardening scan                                   # this machine, baseline mlps_l3_linux
      hardening scan ssh://root@host -i ~/.ssh/id_ed25519
      hardening rules list --lang zh
      hardening history; hardening diff previous latest
    """


for command in (scan, collect_script, evaluate, rules, baselines, history, show, diff, inventory, schedule, watch,
                remediate, review, approve, apply, rollback, audit_group, report, keys, verify, oracle):
    cli.add_command(command)


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
