"""Run a bundle's script on its target, with a drift check before and a rescan after."""

from __future__ import annotations

import datetime as dt
import time

from hardening.baselines import Baseline
from hardening.errors import TargetError
from hardening.model import Rule
from hardening.errors import Refused
from hardening.remediate.bundle import Bundle
from hardening.scan import TargetResult, scan_one
from hardening.transports.base import ScriptResult

RECONNECT_ATTEMPTS = 5


def rescan(bundle: Bundle, factory, rules: dict[str, Rule], params: dict, timeout: float) -> TargetResult:
    """Scan just the bundle's rules on its target, without waivers (raw verdicts)."""
    target = bundle.manifest["target"]
    chosen = [rules[r["rule_id"]] for r in bundle.manifest["rules"] if r["rule_id"] in rules]
    baseline = Baseline(id=bundle.manifest["baseline"], path="", title={})
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
