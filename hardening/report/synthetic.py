"""Generated scan histories for tests and benchmarks, written through the real Store API
(begin_scan / add_target / finish_scan) with synthetic findings. Deterministic for a seed."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field

from hardening.model import Finding, Status, Text
from hardening.scan import TargetResult, summarize
from hardening.store import Store

FAMILY_CLAUSES = ["8.1.4.1 a)", "8.1.4.1 b)", "8.1.4.2 a)", "8.1.4.2 d)", "8.1.4.3 a)", "8.1.4.4 b)", "8.1.4.5 a)",
                  "8.1.4.6 a)", "8.1.4.7 a)", "8.1.4.9 a)", "8.1.4.10 a)"]
SEVERITIES = ["low", "medium", "medium", "high", "critical"]


@dataclass
class FakeRule:
    id: str
    severity: str
    title: Text
    clauses: list
    digest: str = ""
    tags: tuple = ()

    def mlps_clauses(self):
        return list(self.clauses)


@dataclass
class FakeBaseline:
    id: str = "mlps_l3_linux"
    digest: str = "0" * 64
    chain: list = field(default_factory=lambda: ["mlps_l3_linux"])


def make_rules(count: int, real_rules: list | None = None) -> list:
    rules = list(real_rules or [])[:count]
    for i in range(len(rules), count):
        clause = FAMILY_CLAUSES[i % len(FAMILY_CLAUSES)]
        rules.append(FakeRule(id=f"synthetic_check_{i:03d}", severity=SEVERITIES[i % len(SEVERITIES)],
                              title=Text(zh=f"合成检查项 {i:03d}（{clause}）", en=f"Synthetic check {i:03d} ({clause})"),
                              clauses=[clause], digest=hashlib.sha256(f"rule{i}".encode()).hexdigest()))
    return rules


def host_names(count: int) -> list[str]:
    return [f"host-{i:04d}.example.cn" for i in range(count)]


def populate(store: Store, dates: list[str], hosts: list[str], rules: list, seed: int = 7,
             unreachable: set | None = None, waiver_rules: int = 2) -> list[int]:
    """One scan per date (``YYYY-MM-DD``) of every host; failures get rarer over time.
    Returns the scan ids."""
    rnd = random.Random(seed)
    baseline = FakeBaseline()
    unreachable = unreachable or set()
    ids = []
    # each (host, rule) has a base tendency to fail, so findings persist across scans
    tendency = {(h, r.id): rnd.random() for h in hosts for r in rules}
    for n, date in enumerate(dates):
        started = f"{date}T02:00:00+00:00"
        scan_id = store.begin_scan(started, baseline, {"password_max_age_days": 90}, "ssh", rules)
        all_findings = []
        fail_share = max(0.05, 0.35 - 0.08 * n)
        for h in hosts:
            result = TargetResult(name=h, uri=f"ssh://root@{h}")
            if h in unreachable:
                result.status, result.error = "error", "unreachable: connection refused"
                store.add_target(scan_id, result)
                continue
            result.platform = {"id": "debian", "version_id": "12", "pretty_name": "Debian GNU/Linux 12 (bookworm)",
                               "family": "debian"}
            for i, r in enumerate(rules):
                x = tendency[(h, r.id)]
                jitter = rnd.random()
                if jitter < 0.01:
                    status = Status.ERROR
                elif x < fail_share or jitter < 0.02:
                    status = Status.FAIL
                elif i % 17 == 5:
                    status = Status.NOTAPPLICABLE
                else:
                    status = Status.PASS
                waiver = None
                if status == Status.FAIL and i < waiver_rules:
                    expired = i == 1
                    waiver = {"rule": r.id, "hosts": [], "justification": "业务系统依赖，计划下季度整改",
                              "approver": "张三", "expires": "2026-08-31" if expired else "2027-06-30",
                              "source": f"baselines/mlps_l3_linux.yml:{40 + i}", "active": not expired}
                    if not expired:
                        waiver["original_status"] = "fail"
                        status = Status.WAIVED
                result.findings.append(Finding(
                    rule_id=r.id, status=status, severity=r.severity, title=r.title,
                    observed="0644" if status != Status.PASS else "0600", expected="mode 0600 or stricter",
                    evidence=[f"/etc/example/{r.id}.conf:3: Setting {i}"],
                    reason="" if status != Status.ERROR else "command exited with status 1", waiver=waiver))
            all_findings += result.findings
            store.add_target(scan_id, result)
        summary = summarize(all_findings)
        summary.update(hosts=len(hosts), hosts_failed=len(unreachable & set(hosts)))
        store.finish_scan(scan_id, f"{date}T02:30:00+00:00", 1, summary)
        ids.append(scan_id)
    return ids
