"""Scans over real SSH against sandbox hosts: one round trip, host keys, auth, sudo, bad hosts."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time

import pytest

import sandbox
from sandbox import SandboxUser
from scenario_runner import REPO, findings_by_rule, scan_over_ssh

SUDO_PASSWORD = "Sudo-Pass-7f3a91"


def hardening(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hardening", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=timeout, env={**os.environ, **(env or {})})


def ssh_args(host, known_hosts=None) -> list[str]:
    return ["--identity", str(host.key_path), "--known-hosts", str(known_hosts or host.known_hosts_path)]


def test_full_baseline_scan_uses_one_exec_channel(sandbox_host, tmp_path):
    before = sandbox_host.count_sessions()
    done = hardening("scan", f"ssh://root@{sandbox_host.address}", *ssh_args(sandbox_host),
                     "--format", "json", "--db", str(tmp_path / "h.db"))
    assert done.returncode in (0, 1), done.stderr
    document = json.loads(done.stdout)
    target = document["targets"][0]
    assert target["status"] == "ok"
    assert target["timings"]["exec_channels"] == 1
    assert sandbox_host.count_sessions() - before == 1  # sshd's own count of sessions
    assert len(target["findings"]) == len(document["rules"]) >= 12
    assert target["platform"]["hostname"] == sandbox_host.name


def test_unknown_host_key_is_refused_without_trust_on_first_use(sandbox_host, tmp_path):
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    done = hardening("scan", f"ssh://root@{sandbox_host.address}", *ssh_args(sandbox_host, empty), "--no-store")
    assert done.returncode == 3
    assert "unknown host key" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert empty.read_text() == ""


def test_trust_on_first_use_records_the_key_then_verifies_it(sandbox_host, tmp_path):
    known = tmp_path / "ssh" / "known_hosts"
    first = hardening("scan", f"ssh://root@{sandbox_host.address}", *ssh_args(sandbox_host, known),
                      "--trust-on-first-use", "--no-store", "--rule", "accounts_password_warn_age")
    assert first.returncode in (0, 1), first.stderr
    assert "trusted new host key" in first.stderr
    assert sandbox_host.host_key_line.split()[-1] in known.read_text()
    assert oct(known.stat().st_mode & 0o777) == "0o600"
    second = hardening("scan", f"ssh://root@{sandbox_host.address}", *ssh_args(sandbox_host, known),
                       "--no-store", "--rule", "accounts_password_warn_age")
    assert second.returncode in (0, 1), second.stderr
    assert "trusted new host key" not in second.stderr


def test_changed_host_key_is_always_refused(sandbox_factory, tmp_path):
    one, other = sandbox_factory(), sandbox_factory()
    forged = tmp_path / "known_hosts"
    key_type, key = other.host_key_line.split()[1:3]
    forged.write_text(f"{one.address} {key_type} {key}\n")
    done = hardening("scan", f"ssh://root@{one.address}", *ssh_args(one, forged), "--trust-on-first-use", "--no-store")
    assert done.returncode == 3
    assert "CHANGED" in done.stdout
    assert forged.read_text().count("\n") == 1  # never rewritten


def test_refused_key_unreachable_and_hung_hosts_do_not_stop_the_others(sandbox_factory, tmp_path):
    good = sandbox_factory()
    wrong_key = tmp_path / "wrong_id"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(wrong_key)], check=True)
    hung = sandbox.create_hung_listener()
    closed = sandbox.create_hung_listener()  # reserve a free address, then leave nothing listening there
    closed.close()
    unreachable = closed.address
    try:
        known = tmp_path / "known_hosts"
        known.write_text(good.known_hosts_path.read_text())
        db = tmp_path / "h.db"
        started = time.monotonic()
        done = hardening("scan", f"ssh://root@{good.address}", f"ssh://root@{unreachable}", f"ssh://root@{hung.address}",
                         "--identity", str(good.key_path), "--known-hosts", str(known), "--connect-timeout", "2",
                         "--format", "json", "--db", str(db))
        elapsed = time.monotonic() - started
    finally:
        hung.close()
    assert done.returncode == 3
    targets = {t["name"]: t for t in json.loads(done.stdout)["targets"]}
    assert targets[good.address]["status"] == "ok" and targets[good.address]["findings"]
    assert "unreachable" in targets[unreachable]["error"]
    assert "timed out" in targets[hung.address]["error"]
    assert elapsed < 20
    stored = sqlite3.connect(db).execute("SELECT name, status FROM targets").fetchall()
    assert sorted(stored) == sorted([(good.address, "ok"), (unreachable, "error"), (hung.address, "error")])
    refused = hardening("scan", f"ssh://root@{good.address}", "--identity", str(wrong_key),
                        "--known-hosts", str(known), "--no-store")
    assert refused.returncode == 3 and "authentication refused" in refused.stdout


def test_bad_baseline_exits_at_once_while_a_hung_host_is_still_connecting(tmp_path):
    """Connections open while the rules load; bad input found meanwhile still exits 2 at once."""
    hung = sandbox.create_hung_listener()
    try:
        started = time.monotonic()
        done = hardening("scan", f"ssh://root@{hung.address}", "--baseline", "no_such_baseline",
                         "--known-hosts", str(tmp_path / "known_hosts"), "--connect-timeout", "30", "--no-store")
        elapsed = time.monotonic() - started
    finally:
        hung.close()
    assert done.returncode == 2 and "no_such_baseline" in done.stderr
    assert "Traceback" not in done.stderr
    assert elapsed < 10


def test_noisy_login_shell_does_not_confuse_the_collector(sandbox_factory):
    host = sandbox_factory(bashrc="echo 'Welcome! HF0000 0 0 0 5 0 fake header'\nprintf 'junk without newline'\n")
    document, _ = scan_over_ssh(host, ["accounts_password_warn_age", "sshd_permit_empty_passwords_disabled"])
    findings = findings_by_rule(document)
    assert findings["accounts_password_warn_age"]["status"] == "pass"
    assert findings["sshd_permit_empty_passwords_disabled"]["status"] == "pass"


@pytest.mark.parametrize("bashrc, message", [
    ("echo 'this is not a collector'; exit 0\n", "garbage output"),
    ("head -c 70000000 /dev/zero; exit 0\n", "output too large"),
])
def test_hostile_host_output_is_a_host_error(sandbox_factory, bashrc, message):
    host = sandbox_factory(bashrc=bashrc)
    done = hardening("scan", f"ssh://root@{host.address}", *ssh_args(host), "--no-store", "--format", "json")
    assert done.returncode == 3, done.stderr
    target = json.loads(done.stdout)["targets"][0]
    assert target["status"] == "error" and message in target["error"]


def test_non_root_login_collects_through_sudo_and_never_leaks_the_password(sandbox_factory, tmp_path):
    host = sandbox_factory(users=[SandboxUser("auditor", SUDO_PASSWORD, sudo="password")])
    db = tmp_path / "h.db"
    done = hardening("scan", f"ssh://auditor@{host.address}", *ssh_args(host), "--sudo", "--format", "json",
                     "--db", str(db), env={"HARDENING_SUDO_PASSWORD": SUDO_PASSWORD})
    assert done.returncode in (0, 1), done.stderr
    target = json.loads(done.stdout)["targets"][0]
    assert target["platform"]["uid"] == 0
    shadow = {f["rule_id"]: f for f in target["findings"]}["accounts_no_empty_passwords"]
    assert shadow["status"] == "pass"  # /etc/shadow was readable: sudo worked
    assert SUDO_PASSWORD not in done.stdout + done.stderr
    assert SUDO_PASSWORD.encode() not in b"".join(p.read_bytes() for p in tmp_path.glob("h.db*"))
    wrong = hardening("scan", f"ssh://auditor@{host.address}", *ssh_args(host), "--sudo", "--no-store",
                      env={"HARDENING_SUDO_PASSWORD": "not-the-password"})
    assert wrong.returncode == 3 and "sudo" in wrong.stdout
    assert "not-the-password" not in wrong.stdout + wrong.stderr


def test_offline_bundle_gives_the_same_findings_as_the_ssh_scan(sandbox_host, tmp_path):
    sandbox_host.run("sed -i 's/^PASS_MAX_DAYS.*/PASS_MAX_DAYS 90/' /etc/login.defs; chmod 666 /etc/group")
    script = hardening("collect-script")
    assert script.returncode == 0, script.stderr
    bundle = sandbox_host.run(script.stdout).stdout
    (tmp_path / "bundle.json").write_text(bundle)
    offline = hardening("evaluate", str(tmp_path / "bundle.json"), "--format", "json", "--no-store")
    assert offline.returncode in (0, 1), offline.stderr
    live, _ = scan_over_ssh(sandbox_host, [])
    findings = lambda doc: {f["rule_id"]: f for f in doc["targets"][0]["findings"]}  # noqa: E731
    offline_findings, live_findings = findings(json.loads(offline.stdout)), findings(live)
    assert {r: f["status"] for r, f in offline_findings.items()} == {r: f["status"] for r, f in live_findings.items()}
    # observed values too, except where the machine itself moves between the two runs (the
    # sandboxes share the network namespace, so other tests' listeners come and go)
    volatile = {"network_listening_ports_inventory", "network_high_risk_ports_closed", "process_zombies_absent",
                "disk_usage_below_threshold"}
    for rule_id in set(live_findings) - volatile:
        assert offline_findings[rule_id]["observed"] == live_findings[rule_id]["observed"], rule_id
    assert live_findings["file_permissions_etc_group"]["status"] == "fail"
    assert live_findings["accounts_password_max_age"]["status"] == "pass"


def _without_keys(tmp_path) -> dict:
    """An environment where paramiko finds no key file and no agent."""
    home = tmp_path / "home"
    home.mkdir()
    return {"HOME": str(home), "SSH_AUTH_SOCK": ""}


def test_password_from_the_environment(sandbox_factory, tmp_path):
    password = "Login-Pass-5b2e"
    host = sandbox_factory(users=[SandboxUser("operator1", password, sudo="nopasswd")])
    env = {**_without_keys(tmp_path), "HARDENING_SSH_PASSWORD": password}
    done = hardening("scan", f"ssh://operator1@{host.address}", "--known-hosts", str(host.known_hosts_path),
                     "--sudo", "--format", "json", "--db", str(tmp_path / "h.db"), env=env)
    assert done.returncode in (0, 1), done.stderr
    assert json.loads(done.stdout)["targets"][0]["platform"]["uid"] == 0  # NOPASSWD sudo, no password sent
    assert password not in done.stdout + done.stderr
    assert password.encode() not in b"".join(p.read_bytes() for p in tmp_path.glob("h.db*"))
    refused = hardening("scan", f"ssh://operator1@{host.address}", "--known-hosts", str(host.known_hosts_path),
                        "--no-store", env={**env, "HARDENING_SSH_PASSWORD": "wrong"})
    assert refused.returncode == 3 and "authentication refused" in refused.stdout


def test_key_from_ssh_agent(sandbox_host, tmp_path):
    env = _without_keys(tmp_path)
    agent = subprocess.run(["ssh-agent", "-s"], capture_output=True, text=True, check=True).stdout
    env["SSH_AUTH_SOCK"] = agent.split("SSH_AUTH_SOCK=")[1].split(";")[0]
    pid = int(agent.split("SSH_AGENT_PID=")[1].split(";")[0])
    try:
        subprocess.run(["ssh-add", str(sandbox_host.key_path)], env={**os.environ, **env}, check=True,
                       capture_output=True)
        done = hardening("scan", f"ssh://root@{sandbox_host.address}", "--known-hosts",
                         str(sandbox_host.known_hosts_path), "--no-store", "--rule", "accounts_password_warn_age",
                         "--format", "json", env=env)
        assert done.returncode in (0, 1), done.stderr + done.stdout
        assert json.loads(done.stdout)["targets"][0]["status"] == "ok"
    finally:
        os.kill(pid, 15)
