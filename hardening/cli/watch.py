"""``hardening watch``: the integrity watcher (signed baseline, real-time and periodic detection)."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import click

from hardening import paths
from hardening.cli.common import EXIT_FAIL, EXIT_OK, EXIT_TARGET, EXIT_USAGE, db_option, format_option
from hardening.errors import HardeningError
from hardening.watch import DEFAULT_STATE_DIR
from hardening.watch.compare import summary

EXIT_INCOMPLETE = EXIT_TARGET   # 3: nothing changed, but some objects could not be checked


def _state_default() -> str:
    return os.environ.get("HARDENING_WATCH_STATE_DIR", DEFAULT_STATE_DIR)


state_option = click.option("--state-dir", type=click.Path(file_okay=False, readable=False, path_type=Path),
                            default=_state_default,
                            show_default="$HARDENING_WATCH_STATE_DIR or /var/lib/hardening/watch",
                            help="Key pair, signed baseline, event log.")
pin_option = click.option("--expect-key", metavar="FINGERPRINT", default=None,
                          help="Refuse a baseline not signed by this key (ed25519:...; also $HARDENING_WATCH_KEY).")
jobs_option = click.option("--jobs", "-j", type=click.IntRange(1, 256), default=None,
                           help="Hashing threads (default: the number of CPUs).")


def alert_options(f):
    f = click.option("--no-db", is_flag=True, help="Do not store events in the history database.")(f)
    f = db_option(f)
    f = click.option("--webhook", metavar="URL", default=None,
                     help="POST events as JSON (in the background, retried with backoff).")(f)
    f = click.option("--syslog", "syslog_address", is_flag=False, flag_value="default", default=None,
                     metavar="[SOCKET]", help="Send events to syslog (default socket /dev/log).")(f)
    f = click.option("--alerts-jsonl", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="Append events as JSON lines to this file.")(f)
    return f


def _alerts(alerts_jsonl, syslog_address, webhook, db, no_db, webhook_timeout: float = 5.0):
    from hardening.watch.alerts import Alerts

    alerts = Alerts(jsonl=alerts_jsonl, syslog=syslog_address, webhook=webhook,
                    db=None if no_db else (db or paths.default_db()), webhook_timeout=webhook_timeout)
    for problem in alerts.problems:
        click.echo(f"hardening: warning: {problem}", err=True)
    return alerts


def _state(state_dir, expect_key):
    from hardening.watch.engine import State

    return State(state_dir, expect_key)


def _problems(problems, limit: int = 50) -> None:
    lines = problems.lines()
    for line in lines[:limit]:
        click.echo(f"hardening: warning: {line}", err=True)
    if len(lines) > limit:
        click.echo(f"hardening: warning: ... and {len(lines) - limit} more problems (--format json lists all)", err=True)


def _untrusted(exc) -> None:
    click.echo(f"hardening: error: baseline not trusted: {exc}", err=True)
    sys.exit(EXIT_USAGE)


class _Group(click.Group):
    """OS errors (a state directory of another user, a full disk) become one line, exit 2."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except PermissionError as exc:
            raise HardeningError(f"{exc.filename or ''}: permission denied (the watcher normally runs as root)") from None
        except OSError as exc:
            raise HardeningError(f"{exc.filename or ''}: {exc.strerror or exc}") from None


@click.group(cls=_Group)
def watch():
    """Integrity watcher: signed baseline of files and system objects, checked in real time and periodically.

    \b
    Exit status: 0 no change, 1 changes found, 2 bad input or untrusted baseline,
    3 no change but some objects could not be checked. See docs/watch.md.
    \b
    Example:
      hardening watch init                      # baseline with the shipped Level-3 policy
      hardening watch check                     # like `aide --check`
      hardening watch run --alerts-jsonl /var/log/hardening-watch.jsonl
    """


@watch.command()
@click.option("--policy", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Policy YAML (default: the shipped Level-3 policy, hardening/watch/default_policy.yml).")
@click.option("--force", is_flag=True, help="Replace an existing baseline.")
@state_option
@pin_option
@jobs_option
@format_option
def init(policy, force, state_dir, expect_key, jobs, fmt):
    """Record the baseline: walk the policy's paths, hash files, read system objects, sign it.

    The first run creates the Ed25519 key pair (private half 0600; encrypted when
    $HARDENING_WATCH_PASSPHRASE is set). Note the key fingerprint it prints and pin it with
    --expect-key (or $HARDENING_WATCH_KEY) so a replaced key pair is refused too.

    \b
    Example:
      hardening watch init --policy my-policy.yml --state-dir /var/lib/hardening/watch
    """
    from hardening.watch import engine
    from hardening.watch.policy import load_policy
    from hardening.watch.signing import UntrustedError

    loaded = load_policy(policy)
    state = _state(state_dir, expect_key)
    started = time.monotonic()
    try:
        baseline, problems, stats = engine.init(state, loaded, jobs, force)
    except UntrustedError as exc:
        _untrusted(exc)
    elapsed = time.monotonic() - started
    if fmt == "json":
        click.echo(json.dumps({"baseline": str(state.baseline_path), "seconds": round(elapsed, 3), **stats,
                               "skipped": [{"path": p, "reason": r} for p, r in loaded.skipped],
                               "problems": [{"path": p, "message": m} for p, m in problems.items]}, indent=2))
    else:
        _problems(problems)
        for p, reason in loaded.skipped:
            click.echo(f"skipped (optional, not present): {p}: {reason}")
        click.echo(f"baseline {state.baseline_path}: {stats['entries']} objects, {stats['hashed']} files hashed "
                   f"in {elapsed:.1f} s")
        click.echo(f"signed with {stats['key']}" + (" (new key pair: record this fingerprint off this host)"
                                                    if stats["new_key"] else ""))
    sys.exit(EXIT_INCOMPLETE if problems else EXIT_OK)


@watch.command()
@click.option("--full", is_flag=True, help="Re-hash every file (default: re-hash only files whose size, mtime, "
                                           "ctime or inode changed).")
@click.option("--verbose", "-v", is_flag=True, help="Show before/after values.")
@state_option
@pin_option
@jobs_option
@format_option
@alert_options
def check(full, verbose, state_dir, expect_key, jobs, fmt, alerts_jsonl, syslog_address, webhook, db, no_db):
    """Compare everything with the signed baseline once (like `aide --check`).

    Exit status 0: no change; 1: changes found; 2: bad input or the baseline is not trusted;
    3: no change, but some objects could not be checked. New deviations are logged (hash chain),
    alerted and stored in the history database; ones already reported are not repeated.

    \b
    Example:
      hardening watch check --full --format json
    """
    from hardening.watch import engine
    from hardening.watch.signing import UntrustedError

    state = _state(state_dir, expect_key)
    alerts = _alerts(alerts_jsonl, syslog_address, webhook, db, no_db)
    started = time.monotonic()
    try:
        found, logged, problems, stats = engine.check(state, full=full, jobs=jobs, alerts=alerts)
    except UntrustedError as exc:
        alerts.close()
        _untrusted(exc)
    alerts.close()
    elapsed = time.monotonic() - started
    if fmt == "json":
        click.echo(json.dumps({"changes": found, "new_events": len(logged), "seconds": round(elapsed, 3),
                               "full": full, **stats,
                               "problems": [{"path": p, "message": m} for p, m in problems.items]},
                              indent=2, ensure_ascii=False))
    else:
        _problems(problems)
        for record in found:
            click.echo(summary(record))
            if verbose and record.get("changes"):
                for attr, (before, after) in record["changes"].items():
                    click.echo(f"    {attr}: {before} -> {after}")
        click.echo(f"{len(found)} change(s), {len(logged)} newly logged; {stats['objects']} objects checked, "
                   f"{stats['hashed']} files hashed, {stats['reused']} unchanged by size/mtime/ctime/inode "
                   f"({'full re-hash' if full else 'quick'}), {elapsed:.1f} s")
    sys.exit(EXIT_FAIL if found else EXIT_INCOMPLETE if problems else EXIT_OK)


@watch.command()
@click.option("--rescan-interval", type=click.IntRange(1), default=None,
              help="Seconds between full rescans (default: the policy's, 3600).")
@click.option("--system-interval", type=click.IntRange(1), default=None,
              help="Seconds between polls of units, modules, accounts, ports (default: the policy's, 60).")
@click.option("--max-watches", type=click.IntRange(1), default=None,
              help="Use at most this many inotify watches (the rest: periodic rescan only).")
@click.option("--webhook-timeout", type=click.FloatRange(0.1), default=5.0, show_default=True,
              help="Seconds per webhook attempt.")
@state_option
@pin_option
@jobs_option
@alert_options
def run(rescan_interval, system_interval, max_watches, webhook_timeout, state_dir, expect_key, jobs,
        alerts_jsonl, syslog_address, webhook, db, no_db):
    """Watch continuously: inotify for immediate detection plus a periodic full rescan.

    At start the baseline signature and the event log are verified, then everything is compared
    with the baseline, so changes made while the watcher was stopped (or killed) are reported.
    SIGTERM stops cleanly; SIGHUP reloads the baseline. Exit status 2: baseline not trusted.

    \b
    Example:
      hardening watch run --webhook https://siem.example/hook --syslog --alerts-jsonl /var/log/hardening-watch.jsonl
    """
    from hardening.watch.daemon import Daemon

    state = _state(state_dir, expect_key)
    if not state.dir.is_dir():
        raise HardeningError(f"state directory {state.dir} does not exist (run `hardening watch init`)")
    alerts = _alerts(alerts_jsonl, syslog_address, webhook, db, no_db, webhook_timeout)
    daemon = Daemon(state, alerts, jobs, rescan_interval, system_interval, max_watches,
                    log=lambda text: click.echo(text, err=True))
    try:
        code = daemon.run()
    finally:
        alerts.close(timeout=3.0)
    sys.exit(code)


@watch.command()
@click.argument("paths", nargs=-1)
@click.option("--reason", "-m", required=True, help="Why the change is approved (recorded, with who).")
@click.option("--by", default=None, help="Who approved it (default: the sudo/login user).")
@state_option
@pin_option
@jobs_option
@format_option
def accept(paths, reason, by, state_dir, expect_key, jobs, fmt):
    """Record approved changes in the baseline (PATHs and below them, or everything) and re-sign it.

    System objects are named like in events: @user:NAME, @unit:NAME, @module:NAME, @port:...
    A running watcher reloads the new baseline.

    \b
    Example:
      hardening watch accept /etc/ssh/sshd_config -m "CHG-1234: disable root login" --by alice
    """
    from hardening.watch import engine
    from hardening.watch.signing import UntrustedError

    state = _state(state_dir, expect_key)
    try:
        accepted, problems = engine.accept(state, list(paths), reason, by, jobs)
    except UntrustedError as exc:
        _untrusted(exc)
    if fmt == "json":
        click.echo(json.dumps({"accepted": accepted, "problems": [{"path": p, "message": m}
                                                                  for p, m in problems.items]},
                              indent=2, ensure_ascii=False))
    else:
        _problems(problems)
        for record in accepted:
            click.echo("accepted " + summary(record))
        click.echo(f"{len(accepted)} change(s) accepted into {state.baseline_path}")
    sys.exit(EXIT_OK)


@watch.command()
@state_option
@pin_option
@format_option
def status(state_dir, expect_key, fmt):
    """Baseline, signature, key, daemon and event log at a glance.

    \b
    Example:
      hardening watch status --format json
    """
    from hardening.watch.eventlog import deviations
    from hardening.watch.signing import UntrustedError

    state = _state(state_dir, expect_key)
    info: dict = {"state_dir": str(state.dir)}
    code = EXIT_OK
    try:
        baseline = state.baseline()
        info.update(baseline="trusted", created=baseline.header.get("created"),
                    created_by=baseline.header.get("created_by"), objects=len(baseline.keys),
                    policy=baseline.header["policy"].get("source"), key=state.keys.fingerprint(),
                    accepted=baseline.header.get("accepted", [])[-5:])
    except UntrustedError as exc:
        info.update(baseline="UNTRUSTED", error=str(exc))
        code = EXIT_USAGE
    count, broken = state.log.verify()
    info.update(log_events=count, log="intact" if not broken else "BROKEN", log_problems=broken[:10],
                open_deviations=len(deviations(state.log)))
    pid = state.daemon_pid()
    daemon = {"running": bool(pid), "pid": pid}
    if pid:
        try:
            daemon.update(json.loads(state.status_path.read_text()))
        except (OSError, ValueError):
            pass
    info["daemon"] = daemon
    if fmt == "json":
        click.echo(json.dumps(info, indent=2, ensure_ascii=False))
    else:
        for key, value in info.items():
            if key in ("accepted", "daemon", "log_problems"):
                continue
            click.echo(f"{key:<17} {value}")
        click.echo(f"{'daemon':<17} " + (f"running, pid {pid}, {daemon.get('watches', '?')} watches, "
                                         f"last rescan {daemon.get('last_rescan')}" if pid else "not running"))
        for a in info.get("accepted", []):
            click.echo(f"{'accepted':<17} {a['ts']} by {a['by']}: {a['reason']} ({a['changes']} changes)")
        for line in broken[:10]:
            click.echo(f"{'log problem':<17} {line}")
    sys.exit(code if code else (EXIT_FAIL if broken else EXIT_OK))


@watch.command("verify-log")
@state_option
@format_option
def verify_log(state_dir, fmt):
    """Verify the hash-chained event log and its signed head.

    Exit status 0: intact; 1: an event was altered or removed (each problem names the line);
    2: no log / bad input.

    \b
    Example:
      hardening watch verify-log --state-dir /var/lib/hardening/watch
    """
    state = _state(state_dir, None)
    if not state.log.path.exists() and not state.log.head_path.exists():
        raise HardeningError(f"no event log in {state.dir}")
    count, problems = state.log.verify()
    if fmt == "json":
        click.echo(json.dumps({"events": count, "intact": not problems, "problems": problems}, indent=2))
    else:
        for line in problems:
            click.echo(f"{state.log.path}: {line}")
        click.echo(f"{count} events, " + ("chain and signed head intact" if not problems else
                                          f"{len(problems)} problem(s): the log was tampered with"))
    sys.exit(EXIT_FAIL if problems else EXIT_OK)


@watch.command()
@click.option("--limit", "-n", type=click.IntRange(1), default=20, show_default=True, help="How many, newest last.")
@click.option("--all", "show_all", is_flag=True, help="Include watcher housekeeping events.")
@state_option
@format_option
def events(limit, show_all, state_dir, fmt):
    """Show the latest events from the log.

    \b
    Example:
      hardening watch events -n 50
    """
    from collections import deque

    state = _state(state_dir, None)
    tail = deque((r for r in state.log.records() if show_all or r.get("kind") not in ("watcher",)), maxlen=limit)
    if fmt == "json":
        click.echo(json.dumps(list(tail), indent=2, ensure_ascii=False))
    else:
        for r in tail:
            click.echo(f"{r.get('seq'):>6} {r.get('ts')} {summary(r)}")


@watch.command("install-service")
@click.option("--unit-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("/etc/systemd/system"),
              show_default=True, help="Where to write hardening-watch.service.")
@click.option("--no-enable", is_flag=True, help="Only write the unit file.")
@click.option("--rescan-interval", type=click.IntRange(1), default=None, help="Passed to `watch run`.")
@state_option
@pin_option
@alert_options
def install_service(unit_dir, no_enable, rescan_interval, state_dir, expect_key, alerts_jsonl, syslog_address,
                    webhook, db, no_db):
    """Install (and enable, when systemd runs) a systemd unit running `hardening watch run`.

    \b
    Example:
      hardening watch install-service --syslog --webhook https://siem.example/hook
    """
    from hardening.watch.service import install

    args = ["--state-dir", str(Path(state_dir).resolve())]
    if expect_key:
        args += ["--expect-key", expect_key]
    if rescan_interval:
        args += ["--rescan-interval", str(rescan_interval)]
    if alerts_jsonl:
        args += ["--alerts-jsonl", str(Path(alerts_jsonl).resolve())]
    if syslog_address:
        args += ["--syslog"] if syslog_address == "default" else [f"--syslog={syslog_address}"]
    if webhook:
        args += ["--webhook", webhook]
    if no_db:
        args += ["--no-db"]
    else:
        args += ["--db", str((db or paths.default_db()).resolve())]
    for line in install(unit_dir, args, enable=not no_enable):
        click.echo(line)
