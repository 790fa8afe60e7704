"""Discover scenario scripts and scan sandbox hosts over SSH for their verdicts.

A scenario is ``tests/scenarios/<rule_id>/<state>.<pass|fail|notapplicable|error|manual>.sh``.
Header lines ``# params = name=value,name=value`` become ``--var`` options of the scan,
``# include = NAME`` puts ``tests/scenarios/_include/NAME.sh`` (a shared starting state) first, and
``# debian = 11,12`` limits a scenario to the Debian releases whose defaults it is written for.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
INCLUDES = SCENARIOS / "_include"
REPO = SCENARIOS.parent.parent
VERDICTS = ("pass", "fail", "notapplicable", "error", "manual")
_NAME = re.compile(r"^(?P<state>[A-Za-z0-9_-]+)\.(?P<verdict>" + "|".join(VERDICTS) + r")\.sh$")


@dataclass(frozen=True)
class Scenario:
    rule_id: str
    state: str
    verdict: str
    path: Path

    @property
    def id(self) -> str:
        return f"{self.rule_id}/{self.state}.{self.verdict}"

    def script(self) -> str:
        text = self.path.read_text(encoding="utf-8")
        included = [(INCLUDES / f"{name.strip()}.sh").read_text(encoding="utf-8")
                    for name in re.findall(r"^#\s*include\s*=\s*(\S+)\s*$", text, re.MULTILINE)]
        return "".join(included) + text

    def debian(self, releases: list[str]) -> list[str]:
        """The Debian releases (of ``releases``) the scenario is written for: a header line
        ``# debian = 11,12`` where a release's defaults change the verdict; all of them without."""
        match = re.search(r"^#\s*debian\s*=\s*(.+)$", self.path.read_text(encoding="utf-8"), re.MULTILINE)
        if not match:
            return list(releases)
        wanted = {v.strip() for v in match.group(1).split(",")}
        return [release for release in releases if release in wanted]

    def params(self) -> list[str]:
        for line in self.script().splitlines():
            match = re.match(r"^#\s*params\s*=\s*(.+)$", line)
            if match:
                return [p.strip() for p in match.group(1).split(",") if p.strip()]
        return []


def discover() -> list[Scenario]:
    found = []
    for path in sorted(SCENARIOS.glob("*/*.sh")):
        if path.parent == INCLUDES:
            continue
        match = _NAME.match(path.name)
        if not match:
            raise ValueError(f"{path}: scenario names are <state>.<{'|'.join(VERDICTS)}>.sh")
        found.append(Scenario(path.parent.name, match["state"], match["verdict"], path))
    return found


def scan_over_ssh(host, rule_ids: list[str], variables: list[str] = (), extra: list[str] = ()) -> tuple[dict, subprocess.CompletedProcess]:
    """Run the real CLI against a sandbox host; returns (JSON document, process)."""
    command = [sys.executable, "-m", "hardening", "scan", f"ssh://root@{host.address}",
               "--identity", str(host.key_path), "--known-hosts", str(host.known_hosts_path),
               "--format", "json", "--no-store", *extra]
    for rule_id in rule_ids:
        command += ["--rule", rule_id]
    for variable in variables:
        command += ["--var", variable]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=120)
    if done.returncode not in (0, 1, 3) or not done.stdout.strip():
        raise AssertionError(f"scan failed with {done.returncode}: {done.stderr[-2000:]}")
    return json.loads(done.stdout), done


def findings_by_rule(document: dict) -> dict[str, dict]:
    target = document["targets"][0]
    if target["status"] != "ok":
        raise AssertionError(f"host could not be scanned: {target['error']}")
    return {f["rule_id"]: f for f in target["findings"]}


INDEX = SCENARIOS / "INDEX.md"


def index_text(scenarios: list[Scenario]) -> str:
    """The committed table of which rule is proven by which scenarios (kept current by a test)."""
    rows: dict[str, list[str]] = {}
    for scenario in scenarios:
        rows.setdefault(scenario.rule_id, []).append(f"{scenario.state}.{scenario.verdict}")
    lines = ["# Scenarios per rule", "",
             "Generated from the folders here; `tests/test_scenarios.py` fails when it is out of date",
             "(regenerate: `python3 -c 'import sys; sys.path.insert(0, \"tests\"); import scenario_runner as s; "
             "s.INDEX.write_text(s.index_text(s.discover()))'`).", "",
             "| rule | scenarios |", "|---|---|"]
    lines += [f"| {rule_id} | {', '.join(states)} |" for rule_id, states in sorted(rows.items())]
    return "\n".join(lines) + "\n"

