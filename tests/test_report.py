"""Reports rendered from a generated history: content checked with independent tools
(pdftotext, pdffonts, pdftoppm from poppler; openpyxl; jsonschema), rebuildability, hostile
input, the quarterly arithmetic on a hand-made history, and the command line's bad-input errors."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from hardening.model import Finding, Status, Text
from hardening.report import fonts, layout, model, render, synthetic
from hardening.report.families import families_of
from hardening.scan import TargetResult
from hardening.store import Store

REPO = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((REPO / "reports" / "report.schema.json").read_text(encoding="utf-8"))
HOSTILE = "<script>alert('x')</script>"
FORMULA = "=HYPERLINK(\"http://evil\")"


def run(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("HARDENING_")}
    base.update(PYTHONPATH=str(REPO), NO_COLOR="1", LANG="C.UTF-8", HARDENING_DB=str(cwd / "history.db"),
                HARDENING_KEY_DIR=str(cwd / "keys"))
    base.update(env or {})
    done = subprocess.run([sys.executable, "-m", "hardening", *args], capture_output=True, text=True, cwd=cwd,
                          env=base, timeout=300)
    assert "Traceback" not in done.stderr, done.stderr
    assert "internal error" not in done.stderr, done.stderr
    return done


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    """Three monthly scans of 6 hosts (one hostile name, one formula, one unreachable) × 14 rules."""
    root = tmp_path_factory.mktemp("history")
    store = Store(root / "history.db")
    hosts = synthetic.host_names(4) + [HOSTILE, FORMULA]
    synthetic.populate(store, ["2026-07-06", "2026-08-03", "2026-09-07"], hosts, synthetic.make_rules(14),
                       unreachable={hosts[3]})
    store.close()
    return root


@pytest.fixture(scope="module")
def store(history) -> Store:
    return Store(history / "history.db")


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


# ------------------------------------------------------------------------------------- model
def test_families_from_clauses_and_tags():
    assert families_of(["8.1.4.1 a)", "8.1.4.2 d)"]) == ["identification", "access_control"]
    assert families_of(["8.1.4.10 b)"]) == ["residual_information"]
    assert families_of(["8.1.4.11 a)"]) == ["personal_information"]
    assert families_of([], ["limits", "resource_control"]) == ["resource_control"]
    assert families_of(["8.1.4.4 f)"], [], ["GB/T 22239-2008 7.1.4.7 资源控制"]) == ["intrusion_prevention",
                                                                                   "resource_control"]
    assert families_of(["9.9.9 z)"]) == ["other"]
    assert families_of([]) == ["other"]


def test_every_shipped_rule_maps_to_a_family():
    from hardening import paths
    from hardening.rules import Problems, load_rules

    rules = load_rules(paths.rule_roots(), Problems())
    assert rules
    for rule in rules.values():
        assert families_of(rule.mlps_clauses(), rule.tags) != ["other"] or not rule.mlps_clauses(), rule.id


def _finding(rule_id: str, status: Status, waiver=None) -> Finding:
    return Finding(rule_id=rule_id, status=status, severity="high", title=Text("标题", "title"), observed="x",
                   expected="y", evidence=["/etc/x:1: y"], waiver=waiver)


def test_quarterly_arithmetic_on_a_hand_made_history(tmp_path):
    """r1 fixed, r2 newly failing, r3 persistent; a partial (remediation) rescan does not hide the
    other rules; an active and an expired waiver; a month with no scan."""
    store = Store(tmp_path / "h.db")
    rules = synthetic.make_rules(4)
    r1, r2, r3, r4 = (r.id for r in rules)
    waiver = {"rule": r4, "hosts": [], "justification": "j", "approver": "a", "expires": "2026-12-31",
              "source": "b.yml:3", "active": True, "original_status": "fail"}
    expired = {**waiver, "rule": r3, "expires": "2026-07-31", "active": False}
    baseline = synthetic.FakeBaseline()

    def scan(day, statuses, rule_subset=rules):
        sid = store.begin_scan(f"{day}T01:00:00+00:00", baseline, {}, "ssh", rule_subset)
        t = TargetResult(name="web1", uri="ssh://web1", platform={"pretty_name": "Debian 12"})
        t.findings = [_finding(r, s, w) for r, (s, w) in statuses.items()]
        store.add_target(sid, t)
        store.finish_scan(sid, f"{day}T01:05:00+00:00", 1, {})
        return sid

    scan("2026-07-02", {r1: (Status.FAIL, None), r2: (Status.PASS, None), r3: (Status.FAIL, None),
                        r4: (Status.WAIVED, waiver)})
    scan("2026-09-20", {r1: (Status.PASS, None), r2: (Status.FAIL, None), r3: (Status.FAIL, expired),
                        r4: (Status.WAIVED, waiver)})
    scan("2026-09-21", {r1: (Status.PASS, None)}, rules[:1])  # a rescan of one rule only
    data = model.quarterly_report(store, "2026-07-01", "2026-09-30")
    jsonschema.validate(data, SCHEMA)
    assert [m["month"] for m in data["trend"]] == ["2026-07", "2026-08", "2026-09"]
    assert data["trend"][1]["scans"] == 0 and data["trend"][1]["counts"]["compliance_rate"] is None
    assert data["trend"][0]["counts"]["compliance_rate"] == pytest.approx(1 / 3, abs=1e-4)
    changes = {c["rule_id"]: c for c in data["changes"]}
    assert changes[r1]["fixed"] == ["web1"] and changes[r2]["new"] == ["web1"] and changes[r3]["persistent"] == ["web1"]
    assert data["executive"]["new"] == 1 and data["executive"]["fixed"] == 1 and data["executive"]["persistent"] == 1
    assert data["hosts"][0]["counts"]["total"] == 4  # the partial rescan merged, not replacing the host
    states = {w["rule"]: w["state"] for w in data["waivers"]}
    assert states == {r4: "active", r3: "expired"}
    assert [r["rule_id"] for r in data["top_risks"]] == [r3, r2]  # same score: the persistent one first
    assert data["remediations"]["available"] is False


def test_quarterly_reads_the_remediation_audit_log(tmp_path, history):
    import shutil

    from hardening.remediate import audit

    shutil.copy(history / "history.db", tmp_path / "history.db")
    log = tmp_path / "audit.log"
    audit.append(log, "approve", "bundle-1", "host-0000.example.cn", "ok", "valid", "李四")
    audit.append(log, "apply", "bundle-1", "host-0000.example.cn", "ok", json.dumps({"rescan_scan_id": 9}), "王五")
    trail = model.quarterly_report(Store(tmp_path / "history.db"), "2026-07-01", "2026-12-31")["remediations"]
    assert trail["available"] and trail["chain_ok"]
    assert [(i["action"], i["actor"], i["rescan_scan_id"]) for i in trail["items"]] == [
        ("approve", "李四", None), ("apply", "王五", 9)]


@pytest.mark.parametrize("kind", ["scan", "inspection", "quarterly"])
def test_json_matches_the_documented_schema(store, kind):
    data = render.build_data(store, kind, "latest", start="2026-07-01", end="2026-09-30")
    jsonschema.validate(json.loads(render.render(data, "json", "zh")), SCHEMA)


# ------------------------------------------------------------------------------------- PDF
@pytest.fixture(scope="module")
def pdfs(store, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pdf")
    files = {}
    for kind in ("scan", "inspection", "quarterly"):
        data = render.build_data(store, kind, "latest", start="2026-07-01", end="2026-09-30")
        for lang in ("zh", "en"):
            path = out / f"{kind}-{lang}.pdf"
            path.write_bytes(render.render(data, "pdf", lang))
            files[f"{kind}-{lang}"] = path
    return files


def test_pdftotext_finds_chinese_headings_and_the_numbers(pdfs, store):
    data = render.build_data(store, "scan", "latest")
    text = pdftotext(pdfs["scan-zh"])
    for heading in ("安全合规扫描报告", "目录", "概述", "按控制类别统计", "身份鉴别", "访问控制", "安全审计", "入侵防范",
                    "恶意代码防范", "按主机统计", "检查结果明细", "整改建议"):
        assert heading in text, heading
    assert re.search(r"第\s*3\s*页", text)  # page numbers
    counts = data["summary"]["counts"]
    assert f"合规率 {counts['compliance_rate'] * 100:.1f}%" in re.sub(r"\s+", " ", text)
    assert re.search(rf"不符合\s+{counts['fail']}\b", text)
    assert HOSTILE in text.replace("\n", "")  # the hostile name is printed as text
    quarterly = pdftotext(pdfs["quarterly-zh"])
    for heading in ("季度安全评估报告", "执行摘要", "合规率月度趋势", "问题变化", "豁免", "主要风险", "2026-07", "2026-09"):
        assert heading in quarterly, heading
    assert "安全巡检结果表" in pdftotext(pdfs["inspection-zh"])
    assert "Quarterly security assessment" in pdftotext(pdfs["quarterly-en"])


def test_pdf_embeds_only_the_cjk_font_subset(pdfs):
    for path in pdfs.values():
        lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
        assert lines
        for line in lines:
            assert "WenQuanYi" in line or "+" in line.split()[0], line
            assert re.search(r"\byes\s+yes\s+yes\b", line), f"not embedded+subset+unicode: {line}"


def test_every_character_has_a_glyph_and_pages_render(pdfs, tmp_path):
    font_path = fonts.find_font()
    face = fonts._load(font_path).face
    for name in ("scan-zh", "quarterly-zh", "inspection-zh"):
        text = pdftotext(pdfs[name])
        missing = {ch for ch in text if not ch.isspace() and ord(ch) not in face.charToGlyph}
        assert not missing, missing
        done = subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "3", str(pdfs[name]),
                               str(tmp_path / name)], capture_output=True, text=True)
        assert done.returncode == 0 and not done.stderr.strip(), done.stderr
        pages = sorted(tmp_path.glob(f"{name}-*.png"))
        assert len(pages) == 3 and all(p.stat().st_size > 5000 for p in pages)


def test_missing_font_is_one_clear_error(tmp_path):
    with pytest.raises(fonts.FontError, match="fonts-wqy-microhei"):
        fonts.find_font(str(tmp_path / "nope.ttf"))
    bad = tmp_path / "bad.ttf"
    bad.write_bytes(b"not a font")
    with pytest.raises(fonts.FontError, match="cannot be embedded"):
        fonts.register(str(bad))


# ------------------------------------------------------------------------------- rebuildable
@pytest.mark.parametrize("fmt", ["pdf", "html", "xlsx", "json"])
def test_rendering_the_same_scans_twice_gives_the_same_bytes(store, fmt):
    for kind in ("scan", "quarterly"):
        first = render.render(render.build_data(store, kind, "latest", start="2026-07-01", end="2026-09-30"), fmt, "zh")
        second = render.render(render.build_data(store, kind, "latest", start="2026-07-01", end="2026-09-30"), fmt, "zh")
        assert first == second


# ------------------------------------------------------------------------------------- HTML
def test_html_with_a_hostile_host_name_stays_inert(store):
    for kind in ("scan", "inspection", "quarterly"):
        text = render.render(render.build_data(store, kind, "latest", start="2026-07-01", end="2026-09-30"),
                             "html", "zh").decode()
        assert "<script" not in text.lower()
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in text
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", text, re.I)  # self-contained
        assert "Content-Security-Policy" in text and "default-src 'none'" in text


def test_html_templates_live_in_reports_and_autoescape():
    from hardening.report import html

    env = html.environment()
    assert Path(env.loader.searchpath[0]).resolve() == (REPO / "reports").resolve()
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"


# ------------------------------------------------------------------------------------- XLSX
def test_xlsx_inspection_matrix(store, tmp_path):
    from openpyxl import load_workbook

    data = render.build_data(store, "inspection", "latest")
    path = tmp_path / "i.xlsx"
    path.write_bytes(render.render(data, "xlsx", "zh"))
    wb = load_workbook(path)
    ws = wb["巡检结果矩阵"]
    header = [c.value for c in ws[2]]
    assert header[:4] == ["序号", "ID", "检查项", "风险等级"]
    hosts = header[4:]
    assert HOSTILE in hosts and "'" + FORMULA in hosts  # a host name is never a formula
    assert ws.freeze_panes == "E3"
    first = data["checks"][0]
    row = [c.value for c in ws[3]]
    assert row[1] == first
    expected = {h["name"]: h["results"].get(first) for h in data["hosts"]}
    labels = layout.build(data, "zh")["status_labels"]
    for host, value in zip(hosts, row[4:]):
        host = host[1:] if host.startswith("'=") else host
        assert value == (labels[expected[host]] if expected[host] else None)
    assert all(cell.data_type != "f" for r in ws.iter_rows() for cell in r)


# ------------------------------------------------------------------------------------- CLI
def test_report_after_scan_with_defaults(history):
    done = run("report", "latest", "-f", "pdf,html", cwd=history)
    assert done.returncode == 0, done.stderr
    assert (history / "hardening-scan-3.pdf").is_file() and (history / "hardening-scan-3.html").is_file()
    done = run("report", "--quarter", "2026Q3", "--format", "all", "-o", str(history / "q3"), "--lang", "en", cwd=history)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in history.glob("q3.*")) == ["q3.html", "q3.json", "q3.pdf", "q3.xlsx"]


def _no_new_files(folder: Path, before: set) -> None:
    assert set(folder.rglob("*")) == before, set(folder.rglob("*")) - before


@pytest.mark.parametrize("args, message", [
    (["--from", "2026-09-30", "--to", "2026-07-01"], "empty date range"),
    (["--quarter", "2025Q1"], "no finished scans between 2025-01-01 and 2025-03-31"),
    (["--month", "2025-02"], "no finished scans in 2025-02"),
    (["999"], "no scan 999"),
    (["--quarter", "2026Q5"], "not a quarter"),
    (["--font", "/nonexistent/font.ttf"], "font /nonexistent/font.ttf does not exist"),
    (["latest", "--format", "doc"], "'doc' is not one of"),
    (["latest", "--sign"], "no signing key"),
])
def test_bad_input_is_one_line_and_leaves_no_file(history, tmp_path, args, message):
    out = tmp_path / "out"
    out.mkdir()
    before = set(out.rglob("*"))
    done = run("report", *args, "-o", str(out), cwd=history)
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], done.stderr
    _no_new_files(out, before)


def test_no_cjk_font_at_all_is_one_line(history, tmp_path, monkeypatch):
    monkeypatch.setattr(fonts, "CANDIDATES", [])
    monkeypatch.setenv("PATH", str(tmp_path))  # no fc-match either
    monkeypatch.delenv("HARDENING_REPORT_FONT", raising=False)
    with pytest.raises(fonts.FontError, match="no Chinese \\(CJK\\) font found.*apt-get install fonts-wqy-microhei"):
        fonts.find_font()


def test_a_failing_format_leaves_no_partial_files(store, tmp_path, monkeypatch):
    from hardening.report import xlsx

    def broken(document):
        raise RuntimeError("disk full in the middle")

    monkeypatch.setattr(xlsx, "render", broken)
    data = render.build_data(store, "scan", "latest")
    with pytest.raises(RuntimeError):
        render.produce(data, ["pdf", "html", "xlsx", "json"], "zh", tmp_path / "r")
    assert list(tmp_path.iterdir()) == []


def test_wheel_ships_the_report_package_and_templates(tmp_path, history):
    import zipfile

    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(REPO), "-w", str(tmp_path / "dist")],
                   check=True, capture_output=True)
    wheel = next((tmp_path / "dist").glob("hardening-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("hardening/report/pdf.py", "hardening/report/signing.py", "hardening/cli/report.py",
                 "hardening/data/reports/report.html.j2", "hardening/data/reports/report.css",
                 "hardening/data/reports/report.schema.json"):
        assert name in names, name
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
           "HARDENING_DB": str(history / "history.db")}
    done = subprocess.run([sys.executable, "-m", "hardening", "report", "latest", "-f", "html,pdf", "-o", "r"],
                          cwd=elsewhere, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "安全合规扫描报告" in (elsewhere / "r.html").read_text(encoding="utf-8")
    assert (elsewhere / "r.pdf").read_bytes().startswith(b"%PDF-")
