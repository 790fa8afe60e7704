"""A fleet of 22 sandbox hosts scanned in one run: bastion-only targets, bad keys, a hung host."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import yaml

import sandbox
from scenario_runner import REPO


@pytest.fixture
def private_network():
    """A network namespace joined to this one by a veth pair on a link-local /30 (nothing is routed)."""
    tag = os.getpid() % 200 + 20
    name, outside, inside = f"hf-int-{os.getpid()}", f"hfo{os.getpid()}", f"hfi{os.getpid()}"
    outer, inner = f"169.254.{tag}.1", f"169.254.{tag}.2"
    commands = [["ip", "netns", "add", name], ["ip", "link", "add", outside, "type", "veth", "peer", "name", inside],
                ["ip", "link", "set", inside, "netns", name], ["ip", "addr", "add", f"{outer}/30", "dev", outside],
                ["ip", "link", "set", outside, "up"],
                ["ip", "netns", "exec", name, "ip", "addr", "add", f"{inner}/30", "dev", inside],
                ["ip", "netns", "exec", name, "ip", "link", "set", inside, "up"],
                ["ip", "netns", "exec", name, "ip", "link", "set", "lo", "up"]]
    try:
        for command in commands:
            subprocess.run(command, check=True, capture_output=True)
        yield name, inner
    finally:
        subprocess.run(["ip", "netns", "del", name], capture_output=True)
        subprocess.run(["ip", "link", "del", outside], capture_output=True)


def test_fleet_of_22_hosts_with_bastion_only_targets_and_broken_hosts(sandbox_factory, private_network, tmp_path):
    netns, bastion_address = private_network
    normal = [sandbox_factory() for _ in range(16)]
    bastion = sandbox_factory(netns=netns, extra_listen=[f"{bastion_address}:22"])
    internal = [sandbox_factory(netns=netns) for _ in range(2)]  # their loopback exists only in the namespace
    wrong_key_host, refused_host = sandbox_factory(), sandbox_factory()
    hung = sandbox.create_hung_listener()
    other_key = tmp_path / "other_id"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(other_key)], check=True)

    known_hosts = [h.host_key_line for h in normal + internal + [refused_host]]
    known_hosts.append(f"{bastion_address} " + " ".join(bastion.host_key_line.split()[1:]))
    known_hosts.append(f"{wrong_key_host.address} " + " ".join(normal[0].host_key_line.split()[1:]))
    (tmp_path / "known_hosts").write_text("\n".join(known_hosts) + "\n")

    host = lambda h, **extra: {"address": h.address, "identity": str(h.key_path), **extra}  # noqa: E731
    inventory = {
        "defaults": {"user": "root"},
        "groups": {
            "web": {"tags": ["prod"], "hosts": {f"web{i:02d}": host(h) for i, h in enumerate(normal)}},
            "internal": {"vars": {"jump": "bastion"},
                         "hosts": {f"db{i}": host(h) for i, h in enumerate(internal)}},
            "broken": {"hosts": {"wrongkey": host(wrong_key_host), "hung": {"address": hung.address},
                                 "refused": host(refused_host, identity=str(other_key))}},
        },
        "hosts": {"bastion": {"address": bastion_address, "identity": str(bastion.key_path)}},
    }
    (tmp_path / "inventory.yml").write_text(yaml.safe_dump(inventory))
    try:
        done = subprocess.run(
            [sys.executable, "-m", "hardening", "scan", "--inventory", str(tmp_path / "inventory.yml"),
             "--known-hosts", str(tmp_path / "known_hosts"), "--connect-timeout", "3", "--format", "json",
             "--db", str(tmp_path / "h.db")], capture_output=True, text=True, cwd=REPO, timeout=180)
    finally:
        hung.close()
    assert done.returncode == 3, done.stderr
    targets = {t["name"]: t for t in json.loads(done.stdout)["targets"]}
    assert len(targets) == 22
    ok = {name for name, t in targets.items() if t["status"] == "ok"}
    assert ok == {f"web{i:02d}" for i in range(16)} | {"db0", "db1", "bastion"}
    assert "CHANGED" in targets["wrongkey"]["error"]
    assert "timed out" in targets["hung"]["error"]
    assert "authentication refused" in targets["refused"]["error"]
    assert targets["db0"]["platform"]["hostname"] == internal[0].name
    # one login on the bastion for its own scan, one shared by both targets behind it
    assert bastion.sshd_log().count("Accepted publickey") == 2
    # ... and the internal hosts are reachable only through it
    direct = subprocess.run(
        [sys.executable, "-m", "hardening", "scan", f"ssh://root@{internal[0].address}", "--identity",
         str(internal[0].key_path), "--known-hosts", str(tmp_path / "known_hosts"), "--no-store", "--connect-timeout",
         "2"], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert direct.returncode == 3 and "unreachable" in direct.stdout


def test_progress_lines_when_not_a_tty_and_quiet_mode(sandbox_factory, tmp_path):
    hosts = [sandbox_factory() for _ in range(3)]
    (tmp_path / "known_hosts").write_text("\n".join(h.host_key_line for h in hosts) + "\n")
    inventory = tmp_path / "hosts.ini"
    inventory.write_text("[all_hosts]\n" + "".join(
        f"h{i} ansible_host={h.address} ansible_user=root ansible_ssh_private_key_file={h.key_path}\n"
        for i, h in enumerate(hosts)))
    base = [sys.executable, "-m", "hardening", "scan", "-I", str(inventory), "--known-hosts",
            str(tmp_path / "known_hosts"), "--db", str(tmp_path / "h.db"), "--rule", "accounts_password_warn_age"]
    loud = subprocess.run(base, capture_output=True, text=True, cwd=REPO, timeout=120)
    assert loud.returncode in (0, 1), loud.stderr
    assert sorted(line.split()[2] for line in loud.stderr.splitlines() if line.startswith("hardening: [")) == ["h0", "h1", "h2"]
    quiet = subprocess.run(base + ["--quiet"], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert quiet.returncode == loud.returncode and quiet.stdout == "" and quiet.stderr == ""
    limited = subprocess.run(base + ["--limit", "h1", "--format", "json"], capture_output=True, text=True, cwd=REPO)
    assert [t["name"] for t in json.loads(limited.stdout)["targets"]] == ["h1"]
