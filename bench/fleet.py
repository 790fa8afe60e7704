"""Benchmark: a fleet scan of N sandbox hosts (default 100) with the full baseline, and oscap-ssh beside it.

Reports total wall time, hosts per second, the scanner's peak RSS, machine CPU saturation during
the run, and the per-host time of `oscap-ssh ... xccdf eval` over --oscap-hosts of the same hosts
(openscap-scanner must be installed on this machine: the sandbox hosts are copies of it).
Needs root. Not a timed test: run it by hand.

    python3 bench/fleet.py [--hosts 100] [--forks 32] [--oscap-hosts 10]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent / "tests"))

import sandbox  # noqa: E402
from scan_one_host import debian12_ssg_copy, installed_like_env, installed_like_python  # noqa: E402

REPO = BENCH.parent


def cpu_ticks() -> tuple[int, int]:
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def run_fleet(hosts, forks: int, workdir: Path) -> dict:
    inventory = {"defaults": {"user": "root"},
                 "hosts": {h.name: {"address": h.address, "identity": str(h.key_path)} for h in hosts}}
    (workdir / "inventory.yml").write_text(yaml.safe_dump(inventory))
    (workdir / "known_hosts").write_text("\n".join(h.host_key_line for h in hosts) + "\n")
    python = installed_like_python(workdir)
    command = [python, "-m", "hardening", "scan", "-I", str(workdir / "inventory.yml"), "--known-hosts",
               str(workdir / "known_hosts"), "--forks", str(forks), "--format", "json", "--quiet",
               "--db", str(workdir / "fleet.db")]
    subprocess.run([python, "-m", "hardening", "--version"], env=installed_like_env(), cwd=REPO,
                   capture_output=True)  # byte-compile once, as an installed package is
    busy0, total0 = cpu_ticks()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=REPO,
                               env=installed_like_env())
    out = process.stdout.read()
    _, _, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    busy1, total1 = cpu_ticks()
    document = json.loads(out)
    ok = sum(1 for t in document["targets"] if t["status"] == "ok")
    return {"hosts": len(hosts), "hosts_ok": ok, "rules_per_host": len(document["rules"]),
            "wall_s": round(wall, 2), "hosts_per_s": round(len(hosts) / wall, 1),
            "scanner_peak_rss_mib": usage.ru_maxrss // 1024,
            "scanner_cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "machine_cpu_saturation": round((busy1 - busy0) / max(1, total1 - total0), 2),
            "per_host_s": round(wall / len(hosts), 3)}


def run_oscap_ssh(hosts, workdir: Path) -> dict | None:
    if not shutil.which("oscap-ssh"):
        return None
    prepared = debian12_ssg_copy(workdir)
    if prepared is None:
        return None
    content, profiles = prepared
    profile = next((p for p in profiles if p.endswith("_standard")), profiles[0])
    walls = []
    for host in hosts:
        env = {**os.environ, "SSH_ADDITIONAL_OPTIONS":
               f"-i {host.key_path} -o UserKnownHostsFile={host.known_hosts_path} -o BatchMode=yes"}
        started = time.perf_counter()
        subprocess.run(["oscap-ssh", f"root@{host.address}", "22", "xccdf", "eval", "--profile", profile,
                        "--results", str(workdir / f"oscap-{host.name}.xml"), str(content)],
                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
        walls.append(time.perf_counter() - started)
    return {"hosts": len(hosts), "profile": profile, "total_s": round(sum(walls), 2),
            "per_host_s": round(sum(walls) / len(walls), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--forks", type=int, default=32)
    parser.add_argument("--oscap-hosts", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        started = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            hosts = list(pool.map(lambda i: sandbox.create_host(f"fleet{i:03d}"), range(args.hosts)))
        created = time.perf_counter() - started
        try:
            fleet = run_fleet(hosts, args.forks, workdir)
            fleet["sandbox_creation_s"] = round(created, 2)
            oscap = run_oscap_ssh(hosts[:args.oscap_hosts], workdir) if args.oscap_hosts else None
        finally:
            for host in hosts:
                host.destroy()
    result = {"hardening": fleet, "oscap_ssh": oscap}
    if oscap:
        result["per_host_ratio_oscap_over_hardening"] = round(oscap["per_host_s"] / fleet["per_host_s"], 1)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
