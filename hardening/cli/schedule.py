"""schedule install/remove: a systemd timer (or a cron line) for the monthly fleet scan."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click

from hardening.errors import InputError

UNIT = "hardening-scan"
CALENDARS = {"monthly": "*-*-01 02:00:00", "weekly": "Mon *-*-* 02:00:00", "daily": "*-*-* 02:00:00"}
CRON = {"monthly": "0 2 1 * *", "weekly": "0 2 * * 1", "daily": "0 2 * * *"}


def _scan_command(inventory: Path | None, baseline: str, db: Path | None, extra: tuple[str, ...]) -> list[str]:
    executable = shutil.which("hardening") or f"{sys.executable} -m hardening"
    command = executable.split() + ["scan", "--quiet", "--baseline", baseline]
    if inventory:
        command += ["--inventory", str(inventory.resolve())]
    if db:
        command += ["--db", str(db.resolve())]
    return command + list(extra)


@click.group()
def schedule():
    """Run the fleet scan on a schedule (systemd timer, or a cron line).

    \b
    Example:
      hardening schedule install --monthly --inventory /etc/hardening/inventory.yml
    """


@schedule.command("install")
@click.option("--monthly", "period", flag_value="monthly", default=True, help="On the 1st of every month at 02:00 (default).")
@click.option("--weekly", "period", flag_value="weekly", help="Every Monday at 02:00.")
@click.option("--daily", "period", flag_value="daily", help="Every day at 02:00.")
@click.option("--inventory", "-I", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Inventory to scan.")
@click.option("--baseline", "-b", default="mlps_l3_linux", show_default=True)
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), help="History database for the scheduled scans.")
@click.option("--report/--no-report", default=True, show_default=True,
              help="Write a signed report after the scan, when the report command is available.")
@click.option("--arg", "extra", multiple=True, help="Extra argument for `hardening scan` (repeatable).")
@click.option("--unit-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("/etc/systemd/system"),
              show_default=True, help="Where to write the units.")
def schedule_install(period, inventory, baseline, db, report, extra, unit_dir):
    """Write hardening-scan.service and .timer, enable the timer if systemd runs, print a cron alternative.

    The service runs `hardening scan --quiet` (exit status 1 = findings, 3 = unreachable hosts are
    both treated as success for systemd, so a failed scan does not hide the next one) and then, with
    --report, `hardening report latest --sign`.

    \b
    Example:
      hardening schedule install --monthly --inventory /etc/hardening/inventory.yml
    """
    scan = _scan_command(inventory, baseline, db, extra)
    lines = ["[Unit]", "Description=hardening: MLPS Level 3 compliance scan of the fleet",
             "Wants=network-online.target", "After=network-online.target", "", "[Service]", "Type=oneshot",
             "SuccessExitStatus=1 3", f"ExecStart={shlex.join(scan)}"]
    from hardening.cli import COMMANDS

    if report and "report" in COMMANDS:
        report_command = scan[:scan.index("scan")] + ["report", "latest", "--sign"] + (["--db", str(db.resolve())] if db else [])
        lines.append(f"ExecStartPost={shlex.join(report_command)}")
    service = "\n".join(lines + ["Nice=10", "IOSchedulingClass=idle", ""])
    timer = "\n".join(["[Unit]", f"Description=hardening: {period} compliance scan", "", "[Timer]",
                       f"OnCalendar={CALENDARS[period]}", "Persistent=true", "RandomizedDelaySec=15min", "",
                       "[Install]", "WantedBy=timers.target", ""])
    try:
        unit_dir.mkdir(parents=True, exist_ok=True)
        (unit_dir / f"{UNIT}.service").write_text(service, encoding="utf-8")
        (unit_dir / f"{UNIT}.timer").write_text(timer, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write the units: {exc.strerror}", str(unit_dir)) from None
    click.echo(f"wrote {unit_dir / (UNIT + '.service')} and {unit_dir / (UNIT + '.timer')}")
    if _systemd_running() and unit_dir == Path("/etc/systemd/system"):
        subprocess.run(["systemctl", "daemon-reload"], check=False)
        subprocess.run(["systemctl", "enable", "--now", f"{UNIT}.timer"], check=False)
        click.echo(f"enabled {UNIT}.timer; see `systemctl list-timers {UNIT}.timer`")
    else:
        click.echo("systemd is not running here: enable the timer later with "
                   f"`systemctl enable --now {UNIT}.timer`, or use cron:")
    click.echo(f"cron alternative: {CRON[period]} root {shlex.join(scan)}")


@schedule.command("remove")
@click.option("--unit-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("/etc/systemd/system"),
              show_default=True)
def schedule_remove(unit_dir):
    """Disable and delete the scheduled scan.

    \b
    Example:
      hardening schedule remove
    """
    if _systemd_running() and unit_dir == Path("/etc/systemd/system"):
        subprocess.run(["systemctl", "disable", "--now", f"{UNIT}.timer"], check=False, capture_output=True)
    removed = [p for p in (unit_dir / f"{UNIT}.service", unit_dir / f"{UNIT}.timer") if p.exists()]
    for path in removed:
        path.unlink()
    click.echo(f"removed {', '.join(map(str, removed))}" if removed else "no scheduled scan was installed")


def _systemd_running() -> bool:
    return Path("/run/systemd/system").is_dir() and shutil.which("systemctl") is not None
