"""One scan: for each target, collect once, evaluate locally, hand results to the store."""

from __future__ import annotations

import datetime as dt
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Callable

from hardening.baselines import Baseline, apply_waivers
from hardening.collect import PlannedFact, build_script, make_plan, new_marker, parse_stream
from hardening.errors import FactError, TargetError
from hardening.evaluate import FactResult, FactView, evaluate_rule, resolve
from hardening.facts import HostContext, Raw, get_fact
from hardening.facts.system import context_from
from hardening.model import Finding, Rule, Status
from hardening.transports.base import Transport


@dataclass
class TargetResult:
    name: str
    uri: str
    status: str = "ok"  # ok | error
    error: str | None = None
    platform: dict = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)


def needed_facts(rules: list[Rule], params: dict) -> list[tuple[str, dict]]:
    """The (fact, args) pairs the selected rules ask about, with parameters resolved."""
    needed = []
    for rule in rules:
        checks = [rule.check] + ([rule.applicable] if rule.applicable else [])
        for check in checks:
            for probe in check.probes:
                needed.append((probe.fact, resolve(probe.args, params)))
    return needed


def parse_facts(plan: list[PlannedFact], raws: dict[str, Raw]) -> tuple[dict[str, FactResult], HostContext, dict]:
    """Run each fact's parser on what the host returned; parser failures become fact errors."""
    results: dict[str, FactResult] = {}
    ctx = HostContext()
    platform: dict = {}
    for planned in plan:
        raw = raws.get(planned.key)
        if raw is None:
            results[planned.key] = FactResult(error="no output was returned for this fact")
            continue
        try:
            parsed = get_fact(planned.fact).parse_raw(raw, planned.args, ctx)
            results[planned.key] = FactResult(value=parsed.value, sources=parsed.sources)
        except FactError as exc:
            results[planned.key] = FactResult(error=str(exc))
        except Exception as exc:  # a parser bug must not hide the other findings
            results[planned.key] = FactResult(error=f"parser failed: {type(exc).__name__}: {exc}")
        if planned.fact == "system.OsRelease" and results[planned.key].error is None:
            platform = results[planned.key].value
            ctx = context_from(platform)
    return results, ctx, platform


def platforms_of(platform: dict) -> set[str]:
    family = platform.get("family", "unknown")
    return {"linux", family} if platform else set()


def evaluate_target(rules: list[Rule], results: dict[str, FactResult], platform: dict, params: dict,
                    baseline: Baseline, host: str, today: dt.date) -> list[Finding]:
    view = FactView(results, platforms_of(platform))
    findings = [evaluate_rule(rule, view, params) for rule in rules]
    apply_waivers(findings, baseline.waivers, host, today)
    return findings


def facts_record(plan: list[PlannedFact], results: dict[str, FactResult]) -> dict:
    """The facts bundle stored with the scan: parsed values and errors, keyed by instance."""
    return {p.key: {"fact": p.fact, "args": p.args, "value": results[p.key].value,
                    "sources": results[p.key].sources, "error": results[p.key].error} for p in plan}


def scan_one(name: str, uri: str, transport_factory: Callable[[], Transport], rules: list[Rule],
             params: dict, baseline: Baseline, today: dt.date, timeout: float) -> TargetResult:
    result = TargetResult(name=name, uri=uri)
    plan = make_plan(needed_facts(rules, params))
    marker = new_marker()
    script = build_script(plan, marker).encode()
    started = time.perf_counter()
    transport = None
    try:
        transport = transport_factory()
        output = transport.run_script(script, timeout)
        result.timings["collect_s"] = round(time.perf_counter() - started, 4)
        try:
            raws = parse_stream(output.stdout, plan, marker)
        except TargetError as exc:
            detail = output.stderr.decode("utf-8", "replace").strip().splitlines()
            if "sudo" in " ".join(detail[:3]):
                raise TargetError(f"sudo refused: {detail[0][:200]}") from None
            if output.rc != 0 and detail:
                raise TargetError(f"collector failed (status {output.rc}): {detail[-1][:200]}") from None
            raise exc
    except TargetError as exc:
        result.status, result.error = "error", str(exc)
        result.timings["collect_s"] = round(time.perf_counter() - started, 4)
        return result
    finally:
        if transport is not None:
            result.timings["exec_channels"] = transport.exec_count
            transport.close()
    evaluated = time.perf_counter()
    results, _ctx, platform = parse_facts(plan, raws)
    result.platform = platform
    result.findings = evaluate_target(rules, results, platform, params, baseline, name, today)
    result.facts = facts_record(plan, results)
    result.timings["evaluate_s"] = round(time.perf_counter() - evaluated, 4)
    return result


class Interrupted(Exception):
    """Ctrl-C during a fleet scan; ``results`` holds the targets that finished (already handed on)."""

    def __init__(self, results: list[TargetResult]):
        super().__init__("interrupted")
        self.results = results


def scan_many(jobs: list[tuple[str, str, Callable[[], Transport]]], rules: list[Rule], params: dict,
              baseline: Baseline, today: dt.date, timeout: float, forks: int,
              on_done: Callable[[TargetResult], None], on_start: Callable[[str], None] = lambda name: None,
              deadline: float | None = None) -> list[TargetResult]:
    """Scan targets in a bounded pool; one target's failure never stops the others.

    ``deadline`` (a time.monotonic() value) bounds the whole run: hosts not started by then are
    reported as not scanned, running ones get what is left of it as their command timeout.
    """
    results: list[TargetResult] = []
    active: set[Transport] = set()
    lock = threading.Lock()

    def run(job) -> TargetResult:
        name, uri, factory = job
        left = timeout if deadline is None else min(timeout, deadline - time.monotonic())
        if left <= 0:
            return TargetResult(name=name, uri=uri, status="error", error="not scanned: the overall deadline passed")
        on_start(name)

        opened: list[Transport] = []

        def tracked() -> Transport:
            transport = factory()
            opened.append(transport)
            with lock:
                active.add(transport)
            return transport

        try:
            return scan_one(name, uri, tracked, rules, params, baseline, today, left)
        finally:
            with lock:
                active.difference_update(opened)

    pool = ThreadPoolExecutor(max_workers=max(1, min(forks, len(jobs))))
    try:
        futures = [pool.submit(run, job) for job in jobs]
        for future in as_completed(futures):
            result = future.result()
            on_done(result)
            results.append(result)
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)
        with lock:
            for transport in list(active):
                transport.close()  # unblocks scans waiting on the network
        raise Interrupted(results) from None
    finally:
        pool.shutdown(wait=False)
    return results


def summarize(findings: list[Finding]) -> dict:
    counts = {status.value: 0 for status in Status}
    for finding in findings:
        counts[finding.status.value] += 1
    judged = counts["pass"] + counts["fail"]
    counts["compliance_rate"] = round(counts["pass"] / judged, 4) if judged else None
    return counts
