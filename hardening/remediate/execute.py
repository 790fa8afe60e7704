"""Run a bundle's script on its target, with a drift check before and a rescan after."""

from __future__ import annotations

import datetime as dt
import time

from hardening.baselines import Baseline
from hardening.errors import TargetError
from hardening.model import Rule
from hardening.errors import Refused
from hardening.remediate.bundle import Bundle
from hardening.remediate.oracle_sql import statements
from hardening.scan import TargetResult, scan_one
from hardening.transports.base import ScriptResult

RECONNECT_ATTEMPTS = 5


def _rules_and_baseline(bundle: Bundle, rules: dict[str, Rule]) -> tuple[list[Rule], Baseline]:
    chosen = [rules[r["rule_id"]] for r in bundle.manifest["rules"] if r["rule_id"] in rules]
    return chosen, Baseline(id=bundle.manifest["baseline"], path="", title={})


def rescan(bundle: Bundle, factory, rules: dict[str, Rule], params: dict, timeout: float) -> TargetResult:
    """Scan just the bundle's rules on its target, without waivers (raw verdicts)."""
    target = bundle.manifest["target"]
    chosen, baseline = _rules_and_baseline(bundle, rules)
    for attempt in range(RECONNECT_ATTEMPTS):
        result = scan_one(target["name"], target["uri"], factory, chosen, params, baseline, dt.date.today(), timeout)
        # a just-reloaded sshd re-executes itself and refuses connections for a moment
        if result.status == "ok" or "unreachable" not in (result.error or ""):
            break
        time.sleep(1)
    return result


def check_drift(bundle: Bundle, current: TargetResult) -> None:
    """Refuse when the target no longer looks as it did when the bundle was written."""
    if current.status != "ok":
        raise TargetError(f"cannot check the target before applying: {current.error}")
    now = {f.rule_id: f for f in current.findings}
    drifted = []
    for entry in bundle.manifest["rules"]:
        finding = now.get(entry["rule_id"])
        before = entry["finding"]
        if finding is None:
            drifted.append(f"{entry['rule_id']}: no longer evaluated")
        elif finding.status.value != before["status"] or finding.observed != before["observed"]:
            drifted.append(f"{entry['rule_id']}: was {before['status']} ({before['observed']!r}), "
                           f"now {finding.status.value} ({finding.observed!r})")
    if drifted:
        raise Refused("the target drifted since the scan; rescan and generate a new bundle: " + "; ".join(drifted))


def run_script(bundle: Bundle, name: str, factory, timeout: float, extra_args: tuple[str, ...] = ()) -> ScriptResult:
    """Send the verified script unchanged, preceded only by its arguments, over one exec."""
    text = (bundle.folder / name).read_bytes()
    arguments = " ".join(["--apply", *extra_args])
    transport = factory()
    try:
        return transport.run_script(f"set -- {arguments}\n".encode() + text, timeout)
    finally:
        transport.close()


def run_database(action: str, bundle: Bundle, target, password, rules: dict[str, Rule], params: dict,
                 connect, **options) -> tuple[ScriptResult, TargetResult]:
    """A database bundle: drift check (apply only), the verified SQL in one session, then a rescan.

    ``connect(target, password, **options)`` opens a python-oracledb session; the rescans go through
    the Oracle collector with the same options. The first failing statement stops the script.
    """
    from hardening.oracle.collect import scan_database
    from hardening.oracle.session import _first_line

    chosen, baseline = _rules_and_baseline(bundle, rules)

    def scan() -> TargetResult:
        return scan_database(target, password, chosen, params, baseline, dt.date.today(), connector=connect, **options)

    if action == "apply":
        check_drift(bundle, scan())
    session = connect(target, password, **options)
    lines, rc = [], 0
    try:
        cursor = session.connection.cursor()
        for statement in statements((bundle.folder / f"{action}.sql").read_text(encoding="utf-8")):
            try:
                cursor.execute(statement)
            except Exception as exc:  # noqa: BLE001 - the database's error, reported as one line
                lines.append(f"FAILED: {statement}\n  {_first_line(exc)}")
                rc = 1
                break
            lines.append(f"done: {statement}")
    finally:
        session.close()
    return ScriptResult("\n".join(lines).encode(), b"", rc), scan()
