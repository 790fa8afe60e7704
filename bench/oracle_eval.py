"""Benchmark: evaluate the full Oracle packs on a large recorded catalog.

    python3 bench/oracle_eval.py [--users 5000] [--profiles 200] [--grants 100000]

Builds a synthetic catalog (the 19c PDB snapshot scaled up: USERS accounts spread over PROFILES
profiles with DEFAULT inheritance and UNLIMITED limits, GRANTS system/role/PUBLIC grants, and
health views at the row caps of their queries: 2,000 tablespaces, 500 blocked sessions and held
locks, 2,000 transactions, 3,000 invalid-object groups, 1,000 unusable indexes), then
times, for mlps_l3_oracle + oracle_health:

- live path:    query results -> Raw per fact -> parse -> evaluate (what follows the network)
- offline path: SQL*Plus output text -> read_sqlplus_bundle -> parse -> evaluate

and reports wall time and peak Python memory (tracemalloc) and the process's max RSS.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from hardening import paths  # noqa: E402
from hardening.baselines import load_baseline, parameters_for  # noqa: E402
from hardening.oracle.collect import evaluate_results, oracle_plan, run_queries  # noqa: E402
from hardening.oracle.sqlplus import build_sqlplus_script, read_sqlplus_bundle  # noqa: E402
from hardening.rules import load_rules  # noqa: E402
from oracle_sim import SnapshotSession, load_snapshot, run_sqlplus  # noqa: E402


def big_catalog(n_users: int, n_profiles: int, n_grants: int, seed: int = 7) -> dict:
    rnd = random.Random(seed)
    snap = load_snapshot("19c_pdb")
    q = snap["queries"]
    resources = sorted({r[1] for r in q["profiles"]["rows"]})
    rows = [r for r in q["profiles"]["rows"] if r[0] == "DEFAULT"]
    choices = {"FAILED_LOGIN_ATTEMPTS": ["DEFAULT", "3", "6", "10", "UNLIMITED"],
               "PASSWORD_LIFE_TIME": ["DEFAULT", "60", "90", "180", "UNLIMITED"],
               "PASSWORD_REUSE_MAX": ["DEFAULT", "5", "UNLIMITED"], "PASSWORD_REUSE_TIME": ["DEFAULT", "90", "365", "UNLIMITED"],
               "PASSWORD_GRACE_TIME": ["DEFAULT", "5", "30", "UNLIMITED"], "IDLE_TIME": ["DEFAULT", "10", "30", "UNLIMITED"],
               "PASSWORD_VERIFY_FUNCTION": ["DEFAULT", "ORA12C_STRONG_VERIFY_FUNCTION", "ORA12C_VERIFY_FUNCTION", "NULL"]}
    profiles = [f"PROF_{i:03d}" for i in range(n_profiles - 1)]
    for p in profiles:
        rows += [[p, r, rnd.choice(choices.get(r, ["DEFAULT"]))] for r in resources]
    q["profiles"]["rows"] = rows
    statuses = ["OPEN"] * 6 + ["LOCKED", "EXPIRED & LOCKED", "EXPIRED", "LOCKED(TIMED)"]
    users = [r for r in q["users"]["rows"] if r[8] == "Y"]
    for i in range(n_users - len(users)):
        users.append([f"USER_{i:05d}", rnd.choice(statuses), rnd.choice(profiles + ["DEFAULT"]), "PASSWORD", "11G 12C ",
                      rnd.randint(1, 3000), None, None, "N", "NO", rnd.choice([None, rnd.randint(0, 400)])])
    q["users"]["rows"] = users
    roles = [f"ROLE_{i:03d}" for i in range(300)]
    q["roles"]["rows"] += [[r, "N"] for r in roles]
    privs = ["CREATE SESSION", "CREATE TABLE", "CREATE VIEW", "SELECT ANY TABLE", "CREATE PROCEDURE", "ALTER SESSION"]
    names = [u[0] for u in users]
    third = n_grants // 3
    q["sys_privs"]["rows"] = [[rnd.choice(names + roles), rnd.choice(privs), rnd.choice(["NO"] * 20 + ["YES"])]
                              for _ in range(third)]
    q["role_privs"]["rows"] = [[rnd.choice(names), rnd.choice(roles + ["CONNECT", "DBA"] if rnd.random() < 0.001 else roles),
                                "NO"] for _ in range(third)]
    q["public_exec"]["rows"] = [["SYS", f"PKG_{i:05d}", "EXECUTE"] for i in range(n_grants - 2 * third)] + [
        ["SYS", "UTL_FILE", "EXECUTE"]]
    # health views at the sizes their queries allow (ROWNUM caps) or a big database has
    q["tablespaces"]["rows"] = [[f"TS_{i:04d}", "PERMANENT", rnd.randint(1, 30000), 32767, round(rnd.uniform(0, 99), 2)]
                                for i in range(2000)]
    q["asm"]["rows"] = [[f"DG{i}", "CONNECTED", "EXTERN", 1_000_000, rnd.randint(0, 1_000_000), 1000] for i in range(20)]
    q["blocking"]["rows"] = [[i, i, "APP", i + 1, rnd.randint(0, 900), "enq: TX - row lock contention"] for i in range(500)]
    q["held_locks"]["rows"] = [[i, "APP", "TX", 6, rnd.randint(60, 9000)] for i in range(500)]
    q["transactions"]["rows"] = [[i, i, "APP", "2026-11-27T10:00:00", rnd.randint(0, 600), 5] for i in range(2000)]
    q["invalid_objects"]["rows"] = [[f"OWNER{i}", "PACKAGE BODY", rnd.randint(1, 9)] for i in range(3000)]
    q["unusable_indexes"]["rows"] = [["APP", f"IX_{i}", f"P{i}", "UNUSABLE"] for i in range(1000)]
    return snap


def measure(label, func):
    started = time.perf_counter()
    value = func()
    elapsed = time.perf_counter() - started  # timed without tracemalloc (it slows Python down ~2x)
    tracemalloc.start()
    func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label:<44} {elapsed:8.3f} s   peak {peak / 1048576:7.1f} MiB")
    return value, elapsed, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--profiles", type=int, default=200)
    parser.add_argument("--grants", type=int, default=100_000)
    args = parser.parse_args()
    snap = big_catalog(args.users, args.profiles, args.grants)
    rules_all = load_rules(paths.rule_roots())
    print(f"catalog: {len(snap['queries']['users']['rows'])} users, "
          f"{len({r[0] for r in snap['queries']['profiles']['rows']})} profiles, "
          f"{sum(len(snap['queries'][n]['rows']) for n in ('sys_privs', 'role_privs', 'public_exec'))} grants")
    report = {}
    for baseline_name in ("mlps_l3_oracle", "oracle_health"):
        baseline = load_baseline(baseline_name, paths.baseline_roots(), rules_all)
        params = parameters_for(baseline, rules_all)
        rules = [rules_all[r] for r in baseline.rules]
        plan = oracle_plan(rules, params)
        results, major = run_queries(SnapshotSession(snap).run, plan)

        def live():
            return evaluate_results("big", "oracle://bench", rules, params, baseline, plan, results, major,
                                    dt.date(2026, 11, 27))

        result, t_live, m_live = measure(f"{baseline_name}: evaluate ({len(rules)} rules)", live)
        text = run_sqlplus(build_sqlplus_script(plan, baseline.id), snap)

        def offline():
            plan2, _raws, meta = read_sqlplus_bundle(text, "bundle.txt")
            return evaluate_results("big", "bundle", rules, params, baseline, plan2, meta["results"], meta["major"],
                                    dt.date(2026, 11, 27))

        result2, t_off, m_off = measure(f"{baseline_name}: SQL*Plus bundle {len(text) / 1048576:.1f} MiB -> findings",
                                        offline)
        same = [(f.rule_id, f.status.value) for f in result.findings] == [(f.rule_id, f.status.value) for f in result2.findings]
        counts = {}
        for f in result.findings:
            counts[f.status.value] = counts.get(f.status.value, 0) + 1
        print(f"  findings {counts}; offline == live: {same}")
        report[baseline_name] = {"rules": len(rules), "evaluate_s": round(t_live, 3), "evaluate_peak_mib": round(m_live / 1048576, 1),
                                 "bundle_s": round(t_off, 3), "bundle_peak_mib": round(m_off / 1048576, 1),
                                 "bundle_mib": round(len(text) / 1048576, 2), "offline_equals_live": same}
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"max RSS of this process: {rss:.0f} MiB")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
