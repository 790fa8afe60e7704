#!/usr/bin/env python3
"""Integrity watcher vs AIDE on the same tree with the same attributes (sha256 + perms, owner,
group, size, mtime, inode). Not a test: run it by hand, as root, with `aide` installed
(`apt-get install -y aide`):

    python3 bench/watch_vs_aide.py [--tree /usr] [--workers 2] [--changes 1000] [--out figures.json]

Measures, each as a separate process (wall time and peak RSS from wait4):

- init:  `aide --init`            vs `hardening watch init`
- check: `aide --check`           vs `hardening watch check` (quick: files whose size, mtime,
         ctime and inode are unchanged are not re-hashed) and `watch check --full` (every file
         re-hashed, the like-for-like comparison with AIDE, which always re-hashes)
- the daemon on the same tree: start-up to ready, peak RSS, idle CPU over 20 s
- real-time latency write → alert (JSON lines file) over N changes on a small tree: median, p99

The page cache is warmed first (one full read of the tree), so both tools read from memory;
the order is AIDE first, then ours, for every step.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ENV = {**{k: v for k, v in os.environ.items() if not k.startswith("HARDENING_")}, "PYTHONPATH": str(REPO)}
HW = [sys.executable, "-m", "hardening", "watch"]


def measured(cmd: list[str], ok=(0,)) -> dict:
    """Wall seconds, peak RSS (MiB) and CPU seconds of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if code not in ok:
        raise SystemExit(f"{' '.join(cmd)} exited {code}: {err[-2000:]}")
    return {"seconds": round(wall, 2), "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2), "exit": code}


def warm(tree: str) -> float:
    started = time.perf_counter()
    for d, _dirs, files in os.walk(tree):
        for f in files:
            p = os.path.join(d, f)
            try:
                if os.path.isfile(p) and not os.path.islink(p):
                    with open(p, "rb") as fh:
                        while fh.read(1 << 20):
                            pass
            except OSError:
                pass
    return time.perf_counter() - started


def count(tree: str) -> tuple[int, int]:
    n = size = 0
    for d, dirs, files in os.walk(tree):
        n += len(dirs) + len(files)
        for f in files:
            try:
                st = os.lstat(os.path.join(d, f))
                size += st.st_size
            except OSError:
                pass
    return n, size


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def vm(pid: int, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1]) / 1024
    return 0.0


def wait_alert(alerts: Path, needle: str, offset: int, timeout: float = 30) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(alerts, "rb") as f:
            f.seek(offset)
            data = f.read()
        at = data.find(needle.encode())
        if at >= 0:
            return offset + data.rfind(b"\n", 0, at) + 1
        time.sleep(0.0005)
    raise SystemExit(f"no alert for {needle} within {timeout} s")


def start_daemon(state: Path, alerts: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([*HW, "run", "--state-dir", str(state), "--alerts-jsonl", str(alerts), "--no-db", *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)


def wait_ready(alerts: Path, proc: subprocess.Popen, timeout: float = 600) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if alerts.exists() and b'"event": "watch_ready"' in alerts.read_bytes():
            return time.monotonic() - started
        if proc.poll() is not None:
            raise SystemExit(f"watch run exited {proc.returncode}")
        time.sleep(0.05)
    raise SystemExit("daemon not ready")


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def latency(work: Path, changes: int) -> dict:
    tree = work / "lat"
    tree.mkdir()
    for i in range(changes):
        (tree / f"f{i}").write_text("initial\n")
    policy = work / "lat.yml"
    policy.write_text(json.dumps({"paths": [{"path": str(tree)}]}))
    state, alerts = work / "lat-state", work / "lat-alerts.jsonl"
    subprocess.run([*HW, "init", "--policy", str(policy), "--state-dir", str(state)], check=True, env=ENV,
                   stdout=subprocess.DEVNULL)
    proc = start_daemon(state, alerts)
    try:
        wait_ready(alerts, proc)
        offset = alerts.stat().st_size
        samples = []
        for i in range(changes):
            path = tree / f"f{i}"
            started = time.perf_counter()
            with open(path, "w") as f:
                f.write(f"changed {i}\n")
            offset = wait_alert(alerts, json.dumps(str(path)) + ",", offset)
            samples.append(time.perf_counter() - started)
        time.sleep(2)
        before = cpu_seconds(proc.pid)
        time.sleep(20)
        idle = (cpu_seconds(proc.pid) - before) / 20 * 100
    finally:
        stop(proc)
    samples.sort()
    return {"changes": changes, "median_ms": round(statistics.median(samples) * 1000, 2),
            "p99_ms": round(samples[int(len(samples) * 0.99) - 1] * 1000, 2),
            "max_ms": round(samples[-1] * 1000, 2), "idle_cpu_percent_small_tree": round(idle, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tree", default="/usr")
    parser.add_argument("--workers", type=int, default=2, help="AIDE num_workers and our hashing threads")
    parser.add_argument("--changes", type=int, default=1000)
    parser.add_argument("--out", default=None, help="Also write the figures to this JSON file.")
    parser.add_argument("--skip-aide", action="store_true")
    args = parser.parse_args()
    aide = shutil.which("aide")
    if not aide and not args.skip_aide:
        raise SystemExit("aide is not installed: apt-get install -y aide (or --skip-aide)")
    work = Path(tempfile.mkdtemp(prefix="watch-bench-"))
    result: dict = {"tree": args.tree, "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                                    "kernel": platform.release()},
                    "attributes": "sha256 + perms, owner, group, size, mtime, inode"}
    try:
        objects, size = count(args.tree)
        result["objects"], result["gib"] = objects, round(size / 2**30, 2)
        print(f"tree {args.tree}: {objects} objects, {size / 2**30:.2f} GiB; warming the page cache ...", flush=True)
        result["warm_read_seconds"] = round(warm(args.tree), 1)
        # -- AIDE -----------------------------------------------------------------------------------
        if not args.skip_aide:
            version = subprocess.run([aide, "--version"], capture_output=True, text=True)
            result["aide_version"] = (version.stdout + version.stderr).split("\n")[0]
            conf = work / "aide.conf"
            conf.write_text(f"""database_in=file:{work}/aide.db
database_out=file:{work}/aide.db.new
gzip_dbout=no
num_workers={args.workers}
report_url=file:{work}/aide.report
Bench = p+u+g+s+m+i+sha256
{args.tree} Bench
""")
            print("aide --init ...", flush=True)
            result["aide_init"] = measured([aide, "--init", "-c", str(conf)])
            os.replace(work / "aide.db.new", work / "aide.db")
            print("aide --check ...", flush=True)
            result["aide_check"] = measured([aide, "--check", "-c", str(conf)], ok=(0, 1, 2, 3, 4, 5, 6, 7))
            print(f"  {result['aide_init']} {result['aide_check']}", flush=True)
        # -- ours -------------------------------------------------------------------------------------
        policy = work / "policy.yml"
        policy.write_text(json.dumps({"paths": [{"path": args.tree, "attributes": [
            "sha256", "mode", "owner", "group", "size", "mtime", "inode"]}]}))
        state = work / "state"
        print("hardening watch init ...", flush=True)
        result["watch_init"] = measured([*HW, "init", "--policy", str(policy), "--state-dir", str(state),
                                         "--jobs", str(args.workers)])
        print("hardening watch check (quick) ...", flush=True)
        result["watch_check_quick"] = measured([*HW, "check", "--state-dir", str(state), "--no-db",
                                                "--jobs", str(args.workers)], ok=(0, 1, 3))
        print("hardening watch check --full ...", flush=True)
        result["watch_check_full"] = measured([*HW, "check", "--full", "--state-dir", str(state), "--no-db",
                                               "--jobs", str(args.workers)], ok=(0, 1, 3))
        print(f"  {result['watch_init']} {result['watch_check_quick']} {result['watch_check_full']}", flush=True)
        if not args.skip_aide:
            a_init, a_check = result["aide_init"]["seconds"], result["aide_check"]["seconds"]
            result["ratios"] = {
                "init_aide_over_watch": round(a_init / result["watch_init"]["seconds"], 2),
                "check_aide_over_watch_quick": round(a_check / result["watch_check_quick"]["seconds"], 2),
                "check_aide_over_watch_full": round(a_check / result["watch_check_full"]["seconds"], 2),
                "init_peak_rss_aide_over_watch": round(result["aide_init"]["peak_rss_mib"]
                                                       / result["watch_init"]["peak_rss_mib"], 2),
            }
        # -- the daemon on the whole tree -------------------------------------------------------------
        print("hardening watch run on the tree (memory, idle CPU) ...", flush=True)
        alerts = work / "alerts.jsonl"
        proc = start_daemon(state, alerts, "--jobs", str(args.workers))
        try:
            ready = wait_ready(alerts, proc)
            time.sleep(2)
            before = cpu_seconds(proc.pid)
            time.sleep(20)
            idle = (cpu_seconds(proc.pid) - before) / 20 * 100
            result["daemon_tree"] = {"ready_seconds": round(ready, 2), "peak_rss_mib": round(vm(proc.pid, "VmHWM"), 1),
                                     "rss_mib": round(vm(proc.pid, "VmRSS"), 1), "idle_cpu_percent": round(idle, 3),
                                     "watches": json.loads((state / "watch.status").read_text())["watches"]}
        finally:
            stop(proc)
        print(f"  {result['daemon_tree']}", flush=True)
        # -- latency ----------------------------------------------------------------------------------
        print(f"latency over {args.changes} changes ...", flush=True)
        result["latency"] = latency(work, args.changes)
        print(f"  {result['latency']}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
