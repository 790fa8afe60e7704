"""Benchmark: one full-baseline scan of a sandbox host over SSH, side by side with the peers.

Runs, in one go on this machine:
  * `hardening scan ssh://root@<sandbox>` with the whole baseline (the whole command: Python
    start-up from a virtual environment as scripts/install.sh makes it, rule loading, SSH connect +
    auth, one exec, evaluation, storing);
  * `oscap xccdf eval` with Debian's SCAP content (ssg-debian), locally, if installed: the
    `standard` profile taking turns with hardening run by run (this VM's speed drifts), then the
    most complete profile once;
  * `lynis audit system --quick`, locally, if installed (once: it takes about a minute).
Reports wall time (median, min and max of --runs), peak RSS of each command, rules evaluated,
SSH exec channels, and the ratios. Needs root (sandbox hosts). Not a timed test: run it by hand.

    python3 bench/scan_one_host.py [--runs 11] [--baseline mlps_l3_linux] [--no-peers]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import sandbox  # noqa: E402

SSG_DIR = Path("/usr/share/xml/scap/ssg/content")


def measure(command: list[str], env: dict | None = None, cwd: Path | None = None) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in MiB, stdout of one command run."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=cwd)
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - started, usage.ru_maxrss // 1024, out.decode("utf-8", "replace")


def installed_like_env() -> dict:
    """Byte-compiled modules, as `pip install` leaves them (this workplace sets PYTHONDONTWRITEBYTECODE)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def installed_like_python(workdir: Path) -> str:
    """An interpreter started the way the installed `hardening` command starts: from a virtual
    environment (scripts/install.sh makes one), so only its own site-packages' .pth files run.

    The environment gets no copies: one .pth line names the folder this interpreter has the
    dependencies in, one the checkout. (This workplace's own interpreter runs a .pth that imports
    certifi at every start, ~0.09 s that an installed hardening never pays.)
    """
    venv = workdir / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "hardening-bench.pth").write_text(f"{sysconfig.get_paths()['purelib']}\n{REPO}\n")
    return str(venv / "bin" / "python")


def interleaved(jobs: dict[str, tuple[list[str], dict]], runs: int) -> dict[str, dict]:
    """Run the commands in turn for ``runs`` rounds (after one warm-up each), so a slow spell of
    this VM, whose speed drifts by tens of percent within a minute, hits every tool alike."""
    for command, kwargs in jobs.values():
        measure(command, **kwargs)  # warm the page cache (and .pyc files) once
    walls: dict[str, list[float]] = {name: [] for name in jobs}
    peaks: dict[str, int] = {name: 0 for name in jobs}
    outs: dict[str, str] = {}
    for _ in range(runs):
        for name, (command, kwargs) in jobs.items():
            wall, rss, outs[name] = measure(command, **kwargs)
            walls[name].append(wall)
            peaks[name] = max(peaks[name], rss)
    return {name: {"wall_s": round(statistics.median(walls[name]), 3), "min_s": round(min(walls[name]), 3),
                   "max_s": round(max(walls[name]), 3), "peak_rss_mib": peaks[name], "out": outs[name]}
            for name in jobs}


def hardening_job(host, baseline: str, db: Path) -> tuple[list[str], dict]:
    command = [installed_like_python(db.parent), "-m", "hardening", "scan", f"ssh://root@{host.address}", "--identity",
               str(host.key_path), "--known-hosts", str(host.known_hosts_path), "--baseline", baseline, "--format", "json",
               "--db", str(db)]
    return command, {"env": installed_like_env(), "cwd": REPO}


def hardening_row(measured: dict, exec_channels: float) -> dict:
    target = json.loads(measured.pop("out"))["targets"][0]
    statuses: dict[str, int] = {}
    for finding in target["findings"]:
        statuses[finding["status"]] = statuses.get(finding["status"], 0) + 1
    return {"tool": "hardening", **measured, "rules": len(target["findings"]), "statuses": statuses,
            "exec_channels_per_scan": exec_channels, "collect_s": target["timings"].get("collect_s"),
            "evaluate_s": target["timings"].get("evaluate_s")}


def debian12_ssg_copy(workdir: Path) -> tuple[Path, str] | None:
    """Debian's ssg ships Debian 10/11 content only: widen its CPE check to 12 in a copy."""
    candidates = sorted(SSG_DIR.glob("ssg-debian11-ds*.xml")) or sorted(SSG_DIR.glob("ssg-debian*-ds*.xml"))
    if not candidates or not shutil.which("oscap"):
        return None
    text = candidates[-1].read_text(encoding="utf-8")
    # installed_OS_is_debian11 tests /etc/debian_version against ^11; accept 12 too
    text = re.sub(r"(<ind:pattern[^>]*>)\^11(\[\^0-9\]|\\\.|\.)", r"\1^1[12]\2", text)
    text = text.replace("^11.", "^1[12].").replace("^11$", "^1[12]$")
    # this machine has /.dockerenv, so the content would judge it a container and skip most
    # rules: point the container probes at files that do not exist (installed_env_is_a_machine)
    text = text.replace(">/.dockerenv</", ">/.no-dockerenv</").replace(">/run/.containerenv</", ">/run/.no-containerenv</")
    copy = workdir / "ssg-debian12-widened-ds.xml"
    copy.write_text(text, encoding="utf-8")
    profiles = re.findall(r'<xccdf-1.2:Profile id="([^"]+)"', text) or re.findall(r'<Profile id="([^"]+)"', text)
    return copy, profiles


def oscap_job(workdir: Path, profile_suffix: str) -> tuple[list[str], str] | None:
    prepared = debian12_ssg_copy(workdir)
    if prepared is None:
        return None
    content, profiles = prepared
    matching = [p for p in profiles if p.endswith(profile_suffix)]
    if not matching:
        return None
    results = workdir / f"oscap-results{profile_suffix}.xml"
    return ["oscap", "xccdf", "eval", "--profile", matching[0], "--results", str(results), str(content)], matching[0]


def oscap_row(measured: dict, profile: str) -> dict:
    out = measured.pop("out")
    verdicts = re.findall(r"^Result\s+(\w+)", out, re.MULTILINE)
    counted = {v: verdicts.count(v) for v in set(verdicts)}
    evaluated = sum(n for v, n in counted.items() if v in ("pass", "fail", "error", "unknown"))
    return {"tool": f"oscap {profile.rsplit('_profile_', 1)[-1]}", "profile": profile, **measured,
            "rules": evaluated, "statuses": counted,
            "note": "local eval; ssg-debian11 content copied with its Debian-11 CPE check widened to 12 and "
                    "its container probes disabled (this machine has /.dockerenv)"}


def lynis_job() -> tuple[list[str], dict] | None:
    if not shutil.which("lynis"):
        return None
    return ["lynis", "audit", "system", "--quick", "--no-colors", "--no-log"], {}


def lynis_row(measured: dict) -> dict:
    tests = re.search(r"Tests performed\s*:\s*(\d+)", measured.pop("out"))
    return {"tool": "lynis", **measured, "rules": int(tests.group(1)) if tests else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--baseline", default="mlps_l3_linux")
    parser.add_argument("--no-peers", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        host = sandbox.create_host("bench1")
        try:
            # hardening and oscap's standard profile take turns, run by run; the most complete
            # profile (anssi_np_nt28_high) and Lynis (about a minute) then run once each
            jobs = {"hardening": hardening_job(host, args.baseline, workdir / "bench.db")}
            standard = None if args.no_peers else oscap_job(workdir, "_standard")
            if standard:
                jobs["oscap"] = (standard[0], {})
            sessions_before = host.count_sessions()
            measured = interleaved(jobs, args.runs)
            channels = (host.count_sessions() - sessions_before) / (args.runs + 1)
        finally:
            host.destroy()
        rows = [hardening_row(measured["hardening"], channels)]
        if standard:
            rows.append(oscap_row(measured["oscap"], standard[1]))
        if not args.no_peers:
            complete = oscap_job(workdir, "_anssi_np_nt28_high")
            if complete:
                rows.append(oscap_row(interleaved({"oscap": (complete[0], {})}, 1)["oscap"], complete[1]))
            lynis = lynis_job()
            if lynis:
                rows.append(lynis_row(interleaved({"lynis": lynis}, 1)["lynis"]))
    ours = rows[0]
    for row in rows[1:]:
        row["hardening_speedup"] = round(row["wall_s"] / ours["wall_s"], 1)
    print(json.dumps(rows, indent=2, ensure_ascii=False))
    print()
    print(f"{'tool':<26} {'median s':>9} {'min-max s':>13} {'peak MiB':>9} {'rules':>6} {'ratio':>7}")
    for row in rows:
        ratio = row.get("hardening_speedup")
        spread = f"{row['min_s']}-{row['max_s']}"
        print(f"{row['tool']:<26} {row['wall_s']:>9} {spread:>13} {row['peak_rss_mib']:>9} {str(row['rules']):>6} "
              f"{(str(ratio) + 'x') if ratio else '':>7}")


if __name__ == "__main__":
    main()
