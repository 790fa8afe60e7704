"""The remediation lifecycle on sandbox hosts, for every rule with an automatic remediation:
fail scenario → generate → dry run changes nothing → approve (real PAM, second person) → apply →
rescan passes → applying again changes nothing → rollback → rescan fails and files are byte-identical."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hardening import paths
from hardening.rules import load_rules
from scenario_runner import REPO, discover

AUTHOR, APPROVER = "hardening-author", "hardening-approver"
PASSWORDS = {AUTHOR: "Author-Pass-2026", APPROVER: "Approver-Pass-2026"}
RULES = load_rules(paths.rule_roots())
REMEDIABLE = sorted(r.id for r in RULES.values()  # the shell templates; SQL ones: tests/test_oracle_remediation.py
                    if r.remediation and not r.remediation["template"].startswith("oracle_"))
FAIL_SCENARIO = {s.rule_id: s for s in reversed(discover()) if s.verdict == "fail"}
WATCHED = ("/etc/login.defs /etc/passwd /etc/group /etc/shadow /etc/gshadow /etc/ssh /etc/profile /etc/profile.d "
           "/etc/crontab /etc/audit /etc/security")


def hardening(*args, env=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "hardening", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=timeout, env={**os.environ, **(env or {})})


def upper_snapshot(host) -> dict:
    """Every file the host has written (its overlay upper layer), with content and metadata."""
    snapshot = {}
    upper = host.folder / "up"
    for path in sorted(upper.rglob("*")):
        relative = "/" + str(path.relative_to(upper))
        if relative.startswith(("/tmp", "/run")):
            continue
        info = path.lstat()
        content = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() and not path.is_symlink() else None
        snapshot[relative] = (info.st_mode, info.st_uid, info.st_gid, content)
    return snapshot


def merged_snapshot(host) -> str:
    """Content, mode, owner and mtime of the configuration a remediation may touch, as the host sees it."""
    return host.run(f"find {WATCHED} -xdev \\( -type f -o -type l \\) -exec stat -c '%n %a %u %g %Y %s' {{}} + "
                    f"2>/dev/null | sort; find {WATCHED} -xdev -type f -exec sha256sum {{}} + 2>/dev/null | sort").stdout


def approve(bundle: Path, db: Path, approver=APPROVER, password=None):
    return hardening("approve", str(bundle), "--approver", approver, "--db", str(db),
                     env={"HARDENING_APPROVER_PASSWORD": password or PASSWORDS.get(approver, "x")})


def generate(host, rule_id, tmp_path) -> tuple[Path, Path]:
    db = tmp_path / "h.db"
    ssh = ["--identity", str(host.key_path), "--known-hosts", str(host.known_hosts_path)]
    scanned = hardening("scan", f"ssh://root@{host.address}", *ssh, "--rule", rule_id, "--db", str(db), "-q")
    assert scanned.returncode == 1, scanned.stderr
    made = hardening("remediate", "latest", "--out", str(tmp_path / "bundles"), "--author", AUTHOR, "--db", str(db))
    assert made.returncode == 0, made.stderr
    return next((tmp_path / "bundles").iterdir()), db


def test_every_remediable_rule_has_a_fail_scenario():
    assert len(REMEDIABLE) >= 12
    assert not [r for r in REMEDIABLE if r not in FAIL_SCENARIO]


@pytest.mark.parametrize("rule_id", REMEDIABLE)
def test_lifecycle(rule_id, sandbox_factory, tmp_path):
    admin = "setup-admin"
    host = sandbox_factory()
    # an administrator with a key, so that the root-login guard lets the change through
    host.run(f"useradd -m -G sudo {admin} && mkdir -p /home/{admin}/.ssh && cp /root/.ssh/authorized_keys "
             f"/home/{admin}/.ssh/ && chown -R {admin} /home/{admin}/.ssh && "
             f"echo '{admin} ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/{admin} && chmod 0440 /etc/sudoers.d/{admin}")
    host.run(FAIL_SCENARIO[rule_id].script())
    ssh = ["--identity", str(host.key_path), "--known-hosts", str(host.known_hosts_path)]
    bundle, db = generate(host, rule_id, tmp_path)
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert [r["rule_id"] for r in manifest["rules"]] == [rule_id]

    before_upper, before = upper_snapshot(host), merged_snapshot(host)
    dry = host.run((bundle / "apply.sh").read_text())
    assert "would change" in dry.stdout and "dry run: nothing was changed" in dry.stdout
    assert upper_snapshot(host) == before_upper  # the dry run wrote nothing at all

    assert approve(bundle, db).returncode == 0
    # as the administrator through sudo, as an operator would: root may not log in after some changes
    as_admin = [*ssh, "--user", admin, "--sudo"]
    applied = hardening("apply", str(bundle), *as_admin, "--db", str(db))
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert f"{rule_id}: fail → pass" in applied.stdout

    again = host.run("cat > /tmp/apply.sh <<'HF_EOF'\n" + (bundle / "apply.sh").read_text() + "HF_EOF\n"
                     "sh /tmp/apply.sh --apply")
    assert f"-- {rule_id}: already compliant" in again.stdout
    assert merged_snapshot(host) != before

    rolled = hardening("rollback", str(bundle), *as_admin, "--db", str(db))
    assert rolled.returncode == 0, rolled.stdout + rolled.stderr
    assert f"{rule_id}: fail → fail" in rolled.stdout
    assert merged_snapshot(host) == before  # byte-identical content, mode, owner and mtime

    log = hardening("audit", "verify", "--db", str(db))
    assert log.returncode == 0 and "chain intact" in log.stdout
    actions = [json.loads(line)["action"] for line in (tmp_path / "audit.log").read_text().splitlines()]
    assert actions == ["generate", "approve", "apply", "rollback"]


@pytest.fixture
def pending_bundle(sandbox_factory, tmp_path):
    """A fresh host failing PASS_MAX_DAYS and the (unapproved) bundle that fixes it."""
    host = sandbox_factory()
    host.run(FAIL_SCENARIO["accounts_password_max_age"].script())
    bundle, db = generate(host, "accounts_password_max_age", tmp_path)
    ssh = ["--identity", str(host.key_path), "--known-hosts", str(host.known_hosts_path), "--db", str(db)]
    return host, bundle, db, ssh


def audit_results(tmp_path) -> list[tuple[str, str]]:
    return [(e["action"], e["result"]) for e in map(json.loads, (tmp_path / "audit.log").read_text().splitlines())]


def test_unapproved_bundle_is_refused_and_logged(pending_bundle, tmp_path):
    host, bundle, db, ssh = pending_bundle
    done = hardening("apply", str(bundle), *ssh)
    assert done.returncode == 5 and "not approved" in done.stderr
    assert audit_results(tmp_path)[-1] == ("apply", "refused")
    assert "PASS_MAX_DAYS   99999" in host.run("grep ^PASS_MAX_DAYS /etc/login.defs").stdout


def test_author_cannot_approve_and_wrong_password_is_refused(pending_bundle, tmp_path):
    _, bundle, db, _ = pending_bundle
    by_author = approve(bundle, db, approver=AUTHOR)
    assert by_author.returncode == 5 and "two-person rule" in by_author.stderr
    wrong = approve(bundle, db, password="not-the-password")
    assert wrong.returncode == 5 and "PAM refused" in wrong.stderr
    assert "not-the-password" not in (tmp_path / "audit.log").read_text()
    assert audit_results(tmp_path)[-2:] == [("approve", "refused"), ("approve", "refused")]
    assert not (bundle / "approval.json").exists()


def test_a_byte_changed_after_approval_is_refused(pending_bundle, tmp_path):
    host, bundle, db, ssh = pending_bundle
    assert approve(bundle, db).returncode == 0
    script = bundle / "apply.sh"
    script.write_bytes(script.read_bytes().replace(b"PASS_MAX_DAYS", b"PASS_MAX_DAYZ", 1))
    done = hardening("apply", str(bundle), *ssh)
    assert done.returncode == 5 and "modified" in done.stderr
    assert audit_results(tmp_path)[-1] == ("apply", "refused")


def test_a_bundle_run_on_another_host_refuses_itself(pending_bundle, sandbox_factory):
    _, bundle, _, _ = pending_bundle
    other = sandbox_factory()
    done = other.run("cat > /tmp/a.sh <<'HF_EOF'\n" + (bundle / "apply.sh").read_text() + "HF_EOF\nsh /tmp/a.sh --apply",
                     check=False)
    assert done.returncode == 3 and "REFUSED: this bundle is for host" in done.stderr
    assert "PASS_MAX_DAYS\t90" not in other.run("cat /etc/login.defs").stdout


def test_drift_since_the_scan_is_refused(pending_bundle, tmp_path):
    host, bundle, db, ssh = pending_bundle
    assert approve(bundle, db).returncode == 0
    host.run("sed -i 's/^PASS_MAX_DAYS.*/PASS_MAX_DAYS 120/' /etc/login.defs")  # someone changed it meanwhile
    done = hardening("apply", str(bundle), *ssh)
    assert done.returncode == 5 and "drifted" in done.stderr and "120" in done.stderr
    assert "PASS_MAX_DAYS 120" in host.run("grep ^PASS_MAX_DAYS /etc/login.defs").stdout


def test_host_gone_before_apply_is_a_clear_error(pending_bundle, tmp_path):
    host, bundle, db, _ = pending_bundle
    assert approve(bundle, db).returncode == 0
    key, known = tmp_path / "id", tmp_path / "known_hosts"
    key.write_bytes(host.key_path.read_bytes())
    key.chmod(0o600)
    known.write_bytes(host.known_hosts_path.read_bytes())
    host.destroy()
    done = hardening("apply", str(bundle), "--identity", str(key), "--known-hosts", str(known), "--db", str(db),
                     "--connect-timeout", "2")
    assert done.returncode == 2 and "run `hardening rollback" in done.stderr and "Traceback" not in done.stderr
    assert audit_results(tmp_path)[-1] == ("apply", "error")


def test_root_login_guard_refuses_without_another_admin_key(sandbox_factory, tmp_path):
    host = sandbox_factory()
    host.run(FAIL_SCENARIO["sshd_permit_root_login_disabled"].script())
    bundle, db = generate(host, "sshd_permit_root_login_disabled", tmp_path)
    ssh = ["--identity", str(host.key_path), "--known-hosts", str(host.known_hosts_path), "--db", str(db)]
    assert approve(bundle, db).returncode == 0
    done = hardening("apply", str(bundle), *ssh)
    assert done.returncode == 1
    assert "REFUSED: no administrator other than root" in done.stdout
    assert "sshd_permit_root_login_disabled: fail → fail" in done.stdout


def test_audit_verify_detects_a_removed_or_altered_entry(pending_bundle, tmp_path):
    _, bundle, db, _ = pending_bundle
    approve(bundle, db)
    hardening("review", str(bundle), "--db", str(db))
    log = tmp_path / "audit.log"
    lines = log.read_text().splitlines()
    assert len(lines) == 3
    log.write_text("\n".join([lines[0], lines[2]]) + "\n")
    removed = hardening("audit", "verify", "--db", str(db))
    assert removed.returncode == 5 and "chain broken" in removed.stdout
    log.write_text("\n".join([lines[0], lines[1].replace('"ok"', '"refused"'), lines[2]]) + "\n")
    altered = hardening("audit", "verify", "--db", str(db))
    assert altered.returncode == 5 and "altered" in altered.stdout


def test_review_shows_risks_and_approval_state(pending_bundle, tmp_path):
    _, bundle, db, _ = pending_bundle
    before = hardening("review", str(bundle), "--db", str(db), "--lang", "zh")
    assert before.returncode == 0
    assert "操作风险" in before.stdout and "数据丢失" in before.stdout and "not approved" in before.stdout
    approve(bundle, db)
    after = hardening("review", str(bundle), "--db", str(db))
    assert "approved by hardening-approver" in after.stdout and "intact" in after.stdout
