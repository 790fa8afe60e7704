"""Inventories: our YAML, Ansible INI/YAML with group_vars/host_vars, ~/.ssh/config, limits and bad input."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import paramiko
import pytest

import sandbox
from hardening.errors import InputError
from hardening.inventory import load_inventory, select_hosts
from hardening.inventory.ansible import proxy_jump
from scenario_runner import REPO

NO_CONFIG = paramiko.SSHConfig()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def by_name(entries):
    return {e.name: e for e in entries}


def test_native_yaml_merges_defaults_groups_children_and_hosts(tmp_path):
    path = write(tmp_path / "inv.yml", """\
defaults: {user: ops, port: 22}
groups:
  linux:
    vars: {sudo: true, jump: bastion}
    tags: [prod]
    children: [web]
  web:
    vars: {port: 2222}
    tags: [http]
    hosts:
      web1: {address: 10.9.0.1}
      web2: {address: 10.9.0.2, user: admin, baseline: custom}
hosts:
  bastion: {address: 10.9.0.254, jump: []}
""")
    hosts = by_name(load_inventory(path, NO_CONFIG))
    assert hosts["web1"].port == 2222 and hosts["web1"].user == "ops" and hosts["web1"].sudo
    assert hosts["web1"].jump == ["bastion"] and hosts["web1"].tags == {"prod", "http"}
    assert hosts["web1"].groups == ["linux", "web"]
    assert hosts["web2"].user == "admin" and hosts["web2"].baseline == "custom"
    assert hosts["bastion"].jump == [] and hosts["bastion"].port == 22


def test_ansible_ini_with_ranges_children_vars_and_vars_folders(tmp_path):
    path = write(tmp_path / "hosts", """\
# comment
[web]
web[01:03] ansible_host=10.1.0.1 ansible_user=admin
[db]
db1 ansible_host=10.2.0.1 ansible_ssh_common_args='-o ProxyJump=jump@gw:2200'
[linux:children]
web
db
[linux:vars]
ansible_become=true
""")
    write(tmp_path / "group_vars" / "db.yml", "ansible_port: 1522\nunrelated_var: 1\n")
    write(tmp_path / "host_vars" / "web02" / "main.yml", "ansible_ssh_private_key_file: /keys/web02\n")
    hosts = by_name(load_inventory(path, NO_CONFIG))
    assert sorted(hosts) == ["db1", "web01", "web02", "web03"]
    assert all(h.sudo for h in hosts.values())
    assert hosts["db1"].port == 1522 and hosts["db1"].jump == ["jump@gw:2200"]
    assert hosts["web02"].identity == "/keys/web02" and hosts["web01"].identity is None


def test_ansible_yaml_inventory(tmp_path):
    path = write(tmp_path / "inventory.yaml", """\
all:
  vars: {ansible_user: root}
  children:
    app:
      hosts:
        app1: {ansible_host: 10.3.0.1, ansible_port: 2201}
      vars: {ansible_become: yes, ansible_ssh_common_args: "-J bastion1,bastion2"}
""")
    hosts = by_name(load_inventory(path, NO_CONFIG))
    assert hosts["app1"].address == "10.3.0.1" and hosts["app1"].port == 2201 and hosts["app1"].user == "root"
    assert hosts["app1"].sudo and hosts["app1"].jump == ["bastion1", "bastion2"]


def test_ssh_config_fills_what_the_inventory_leaves_open(tmp_path):
    key = write(tmp_path / "keys" / "db", "not a real key\n")
    config = paramiko.SSHConfig.from_text(f"Host db*\n  HostName 10.4.0.9\n  User dba\n  Port 2022\n"
                                          f"  IdentityFile {key}\n  ProxyJump gw\n")
    path = write(tmp_path / "inv.yml", "hosts:\n  db1: {}\n  db2: {user: root}\n")
    hosts = by_name(load_inventory(path, config))
    assert (hosts["db1"].address, hosts["db1"].user, hosts["db1"].port) == ("10.4.0.9", "dba", 2022)
    assert hosts["db1"].identity == str(key) and hosts["db1"].jump == ["gw"]
    assert hosts["db2"].user == "root"  # the inventory wins


def test_limit_and_tags(tmp_path):
    path = write(tmp_path / "inv.yml", """\
groups:
  web: {tags: [prod], hosts: {web1: {}, web2: {}, web3: {}}}
  db: {hosts: {db1: {tags: [prod, oracle]}}}
""")
    entries = load_inventory(path, NO_CONFIG)
    names = lambda chosen: sorted(e.name for e in chosen)  # noqa: E731
    assert names(select_hosts(entries, "web,!web2", ())) == ["web1", "web3"]
    assert names(select_hosts(entries, "db", ())) == ["db1"]
    assert names(select_hosts(entries, "web[12]", ())) == ["web1", "web2"]
    assert names(select_hosts(entries, None, ("oracle",))) == ["db1"]


@pytest.mark.parametrize("text, line, message", [
    ("groups:\n  web:\n    hosts: {a: {adress: x}}\n", 3, "unknown variable 'adress'"),
    ("groups:\n  a:\n    children: [b]\n  b:\n    children: [a]\n", 5, "group cycle"),
    ("groups:\n  a:\n    hosts: {h1: {address: 10.0.0.1}}\n  b:\n    hosts: {h1: {address: 10.0.0.2}}\n", 5,
     "listed twice with conflicting 'address'"),
    ("groups:\n  a: [\n", 3, "malformed YAML"),
    ("hosts:\n  h1: {port: many}\n", 2, "wrong type"),
])
def test_bad_inventory_names_file_and_line_and_connects_to_nothing(tmp_path, text, line, message):
    path = write(tmp_path / "inv.yml", text)
    with pytest.raises(InputError) as caught:
        load_inventory(path, NO_CONFIG)
    assert caught.value.line == line and message in caught.value.message
    done = subprocess.run([sys.executable, "-m", "hardening", "scan", "-I", str(path), "--no-store"],
                          capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.returncode == 2 and f"{path}:{line}:" in done.stderr and "Traceback" not in done.stderr


def test_proxy_jump_forms():
    assert proxy_jump("-o ProxyJump=a,b") == ["a", "b"]
    assert proxy_jump("-J u@a:2222") == ["u@a:2222"]
    assert proxy_jump("-o StrictHostKeyChecking=no") == []


def test_inventory_show_cli(tmp_path):
    path = write(tmp_path / "hosts.ini", "[web]\nweb1 ansible_host=10.5.0.1 ansible_user=admin\n")
    done = subprocess.run([sys.executable, "-m", "hardening", "inventory", "show", str(path), "--format", "json"],
                          capture_output=True, text=True, cwd=REPO, env={**os.environ, "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["address"] == "10.5.0.1"


def test_schedule_writes_timer_and_service_and_removes_them(tmp_path):
    units = tmp_path / "units"
    inventory = write(tmp_path / "inv.yml", "hosts:\n  h1: {}\n")
    done = subprocess.run([sys.executable, "-m", "hardening", "schedule", "install", "--monthly", "-I", str(inventory),
                           "--unit-dir", str(units)], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    timer = (units / "hardening-scan.timer").read_text()
    service = (units / "hardening-scan.service").read_text()
    assert "OnCalendar=*-*-01 02:00:00" in timer and "Persistent=true" in timer
    assert "scan --quiet" in service and str(inventory) in service and "SuccessExitStatus=1 3" in service
    assert "cron alternative: 0 2 1 * * root" in done.stdout
    removed = subprocess.run([sys.executable, "-m", "hardening", "schedule", "remove", "--unit-dir", str(units)],
                             capture_output=True, text=True, cwd=REPO)
    assert removed.returncode == 0 and not list(units.iterdir())


def test_ctrl_c_stops_cleanly_and_stores_what_finished(sandbox_factory, tmp_path):
    good = sandbox_factory()
    hung = sandbox.create_hung_listener()
    try:
        (tmp_path / "known_hosts").write_text(good.host_key_line + "\n")
        process = subprocess.Popen(
            [sys.executable, "-m", "hardening", "scan", f"ssh://root@{good.address}", f"ssh://root@{hung.address}",
             "--identity", str(good.key_path), "--known-hosts", str(tmp_path / "known_hosts"),
             "--connect-timeout", "60", "--db", str(tmp_path / "h.db"), "--rule", "accounts_password_warn_age"],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(3)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    finally:
        hung.close()
    assert process.returncode == 130, err
    assert "interrupted: 1 of 2 host(s) finished" in err
    history = subprocess.run([sys.executable, "-m", "hardening", "history", "--format", "json", "--db",
                              str(tmp_path / "h.db")], capture_output=True, text=True, cwd=REPO)
    scans = json.loads(history.stdout)
    assert scans[0]["exit_code"] == 130 and scans[0]["target_count"] == 1
