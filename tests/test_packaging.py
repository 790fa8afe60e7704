"""`pip install .` ships rules, baselines and templates in the wheel; `hardening` works from any directory."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_wheel_ships_the_data_and_runs_outside_the_checkout(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(REPO),
                    "-w", str(tmp_path / "dist")], check=True, capture_output=True)
    wheel = next((tmp_path / "dist").glob("hardening-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped_rules = {n for n in names if n.startswith("hardening/data/rules/") and n.endswith(".yml")}
    source_rules = {"hardening/data/rules/" + str(p.relative_to(REPO / "rules")) for p in (REPO / "rules").rglob("*.yml")}
    assert shipped_rules == source_rules
    assert "hardening/data/baselines/mlps_l3_linux.yml" in names
    modules = {str(p.relative_to(REPO)) for p in (REPO / "hardening").rglob("*.py") if "data" not in p.parts}
    assert modules <= names, f"modules missing from the wheel: {sorted(modules - names)}"
    assert "hardening/data/remediations/_lib/apply-lib.sh" in names
    assert "hardening/schemas/scan.schema.json" in names
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run([sys.executable, "-m", "hardening", "baselines", "list"], cwd=elsewhere, capture_output=True,
                          text=True, env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert "mlps_l3_linux" in done.stdout
    located = subprocess.run([sys.executable, "-c", "import hardening.paths as p; print(p.data_root('rules'))"],
                             cwd=elsewhere, capture_output=True, text=True, env={"PYTHONPATH": str(target)})
    assert located.stdout.strip().startswith(str(target))
