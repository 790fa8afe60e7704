"""Quarterly report benchmark: 3 months × 500 hosts × 100 rules from a generated history.

The history is written through the real Store API (begin_scan / add_target / finish_scan) with
synthetic findings (hardening.report.synthetic): one scan of every host per month. Then the
quarterly assessment is rendered as PDF, HTML, XLSX and JSON, each in a fresh process so that
peak memory (ru_maxrss) is that format's alone. Prints one table; not a timed test.

    python3 bench/report_quarterly.py [--hosts 500] [--rules 100] [--months 3] [--sign]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from hardening.store import Store
from hardening.report import render
db, fmt, out, lang = sys.argv[1:5]
started = time.perf_counter()
store = Store(Path(db))
data = render.build_data(store, "quarterly", start="2026-07-01", end="2026-09-30")
built = time.perf_counter()
key = None
if len(sys.argv) > 5:
    from hardening.report.signing import SigningKey
    key = SigningKey(Path(sys.argv[5]), None)
paths = render.produce(data, [fmt], lang, Path(out), key=key)
done = time.perf_counter()
print(json.dumps({"model_s": built - started, "total_s": done - started,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "bytes": Path(out).stat().st_size}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=500)
    parser.add_argument("--rules", type=int, default=100)
    parser.add_argument("--months", type=int, default=3, choices=[1, 2, 3])
    parser.add_argument("--sign", action="store_true", help="Also sign each file (key made for the run).")
    args = parser.parse_args()

    from hardening.report import synthetic
    from hardening.store import Store

    work = Path(tempfile.mkdtemp(prefix="bench-report-"))
    db = work / "history.db"
    started = time.perf_counter()
    store = Store(db)
    dates = ["2026-07-06", "2026-08-03", "2026-09-07"][:args.months]
    hosts = synthetic.host_names(args.hosts)
    synthetic.populate(store, dates, hosts, synthetic.make_rules(args.rules), unreachable={hosts[-1]})
    store.close()
    generated = time.perf_counter() - started
    findings = args.hosts * args.rules * args.months
    print(f"history: {args.months} month(s) × {args.hosts} hosts × {args.rules} rules = {findings} findings, "
          f"generated in {generated:.1f} s ({db.stat().st_size / 1e6:.1f} MB)")
    key_dir = None
    if args.sign:
        from hardening.report.signing import init_key

        key_dir = work / "keys"
        init_key(key_dir)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    print(f"{'format':<6} {'time (s)':>9} {'model (s)':>10} {'peak RSS (MB)':>14} {'size (MB)':>10}")
    for fmt in ("pdf", "html", "xlsx", "json"):
        out = work / f"q.{fmt}"
        cmd = [sys.executable, "-c", CHILD, str(db), fmt, str(out), "zh"] + ([str(key_dir)] if key_dir else [])
        done = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if done.returncode != 0:
            print(f"{fmt}: failed: {done.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{fmt:<6} {r['total_s']:>9.2f} {r['model_s']:>10.2f} {r['peak_mb']:>14.0f} {r['bytes'] / 1e6:>10.2f}")
    print(f"files in {work}")


if __name__ == "__main__":
    main()
