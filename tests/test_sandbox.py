"""Tests of the sandbox hosts themselves (tests/sandbox.py); they need root."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import paramiko
import pytest

import sandbox
from sandbox import SandboxHost, SandboxUser

Factory = Callable[..., SandboxHost]
TESTS_DIR = Path(__file__).resolve().parent


def connect(host: SandboxHost, username: str = "root", known_hosts: Path | None = None) -> paramiko.SSHClient:
    """A strict paramiko client: only the key in known_hosts is accepted."""
    client = paramiko.SSHClient()
    client.load_host_keys(str(known_hosts or host.known_hosts_path))
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect(
        host.address, port=host.port, username=username, key_filename=str(host.key_path),
        look_for_keys=False, allow_agent=False, timeout=5, banner_timeout=5, auth_timeout=5,
    )  # fmt: skip
    return client


def execute(client: paramiko.SSHClient, command: str, stdin_text: str | None = None) -> tuple[int, str, str]:
    stdin, stdout, stderr = client.exec_command(command, timeout=15)
    if stdin_text is not None:
        stdin.write(stdin_text)
        stdin.flush()
    stdin.channel.shutdown_write()
    out, err = stdout.read().decode(), stderr.read().decode()
    return stdout.channel.recv_exit_status(), out, err


def mount_namespace(pid: int) -> str:
    return os.readlink(f"/proc/{pid}/ns/mnt")


def processes_in_namespace(namespace: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.readlink(f"/proc/{entry}/ns/mnt") == namespace:
                    found.append(int(entry))
            except OSError:
                pass
    return found


def host_processes(namespace: str, folder: Path) -> list[int]:
    """Processes in that mount namespace and rooted in the host's overlay (namespace ids
    are reused, so a concurrent test run may own a new namespace with the same id)."""
    found = []
    for pid in processes_in_namespace(namespace):
        try:
            if os.readlink(f"/proc/{pid}/root").startswith(str(folder / "root")):
                found.append(pid)
        except OSError:
            pass
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def mounts_mentioning(text: str) -> list[str]:
    return [line for line in Path("/proc/self/mountinfo").read_text().splitlines() if text in line]


def test_ssh_exec_with_strict_known_hosts(sandbox_factory: Factory) -> None:
    host = sandbox_factory("strict-probe")
    assert host.known_hosts_path.read_text() == host.host_key_line + "\n"
    assert host.host_key_line.startswith(f"{host.address} ssh-ed25519 AAAA")
    with connect(host) as client:
        status, out, _ = execute(client, "hostname; id -u")
    assert (status, out) == (0, "strict-probe\n0\n")


def test_writes_stay_inside_and_destroy_leaves_nothing(sandbox_host: SandboxHost) -> None:
    probe = "/etc/hardening-sandbox-probe"
    assert not Path(probe).exists()
    sandbox_host.run(f"echo x > {probe}")
    assert sandbox_host.read_bytes(probe) == b"x\n"
    assert sandbox_host.run(f"cat {probe}").stdout == "x\n"
    with connect(sandbox_host) as client:
        assert execute(client, f"cat {probe}")[:2] == (0, "x\n")
    assert not Path(probe).exists()  # not on the real machine

    namespace, sshd_pid, folder = mount_namespace(sandbox_host.sshd_pid), sandbox_host.sshd_pid, sandbox_host.folder
    assert namespace != mount_namespace(os.getpid())
    assert sshd_pid in host_processes(namespace, folder)
    assert not mounts_mentioning(str(folder))  # the overlay is never visible here
    sandbox_host.destroy()
    assert host_processes(namespace, folder) == []  # the namespace and its mounts are gone
    assert not Path(f"/proc/{sshd_pid}").exists()  # killed and reaped
    assert not folder.exists()
    assert not mounts_mentioning(str(sandbox.SANDBOX_ROOT / sandbox_host.address))
    sandbox_host.destroy()  # idempotent
    with pytest.raises(sandbox.SandboxError):
        sandbox_host.run("true")


def test_two_hosts_differ_and_sessions_are_counted(sandbox_factory: Factory) -> None:
    first, second = sandbox_factory(), sandbox_factory()
    assert first.address != second.address and first.name != second.name
    assert first.host_key_line.split()[1:] != second.host_key_line.split()[1:]
    assert first.read_bytes("/etc/ssh/ssh_host_ed25519_key.pub").split()[1] == first.host_key_line.split()[2].encode()
    assert first.run("ls /etc/ssh | grep ssh_host_").stdout.split() == [
        "ssh_host_ed25519_key", "ssh_host_ed25519_key.pub",
    ]  # fmt: skip

    before, second_before = first.count_sessions(), second.count_sessions()
    with connect(first) as client:
        for expected in range(1, 4):
            assert execute(client, "true")[0] == 0
            assert first.count_sessions() == before + expected
    assert second.count_sessions() == second_before

    # strictness: the first host's key, claimed for the second's address, is rejected
    wrong = first.folder / "known_hosts.wrong"
    wrong.write_text(f"{second.address} {' '.join(first.host_key_line.split()[1:])}\n")
    with pytest.raises(paramiko.BadHostKeyException):
        connect(second, known_hosts=wrong)
    assert second.count_sessions() == second_before


def test_sudo_users(sandbox_factory: Factory) -> None:
    host = sandbox_factory(
        users=[
            SandboxUser("alice", password="Al1ce-pw", sudo="password"),
            SandboxUser("bob", sudo="nopasswd"),
            SandboxUser("carol", password="Car0l-pw"),
        ]
    )
    with connect(host, "alice") as client:
        assert execute(client, "id -un")[:2] == (0, "alice\n")
        assert execute(client, "sudo -S -p '' id -u", "Al1ce-pw\n")[:2] == (0, "0\n")
        status, out, _ = execute(client, "sudo -k; sudo -S -p '' id -u", "wrong-pw\n")
        assert status != 0 and out == ""
    with connect(host, "bob") as client:
        assert execute(client, "sudo -n id -u")[:2] == (0, "0\n")
    with connect(host, "carol") as client:
        status, out, _ = execute(client, "sudo -n id -u")
        assert status != 0 and out == ""
    assert host.run("visudo -c").returncode == 0


def test_noisy_bashrc_does_not_break_exec(sandbox_factory: Factory) -> None:
    host = sandbox_factory(bashrc='echo "Welcome to a noisy host"\necho "rc junk" >&2\n')
    with connect(host) as client:
        status, out, err = execute(client, "echo marker; id -u")
    assert status == 0
    assert out == "Welcome to a noisy host\nmarker\n0\n"  # the .bashrc really ran
    assert "rc junk" in err


def test_setup_users_and_pty(sandbox_factory: Factory) -> None:
    host = sandbox_factory(setup="echo configured > /etc/setup-probe; echo 'setup says hi'")
    assert host.read_bytes("/etc/setup-probe") == b"configured\n"
    assert "setup says hi" in (host.folder / "setup.log").read_text()
    with connect(host) as client:
        channel = client.get_transport().open_session(timeout=5)  # type: ignore[union-attr]
        channel.get_pty()
        channel.exec_command("tty; cat /proc/self/loginuid; echo")
        output = channel.makefile("rb").read().decode()  # until EOF
        assert channel.recv_exit_status() == 0, output
    tty, loginuid = output.split()
    assert tty.startswith("/dev/pts/")
    assert loginuid == "0"  # PAM (pam_loginuid) ran for the session


def test_host_cannot_change_the_real_kernel(sandbox_factory: Factory) -> None:
    sandbox_host = sandbox_factory(setup="grep CapBnd /proc/self/status")
    sysctl = sandbox_host.run("sysctl -w kernel.hostname=changed", check=False)
    assert sysctl.returncode != 0
    assert sandbox_host.run("hostname").stdout == sandbox_host.name + "\n"
    assert socket.gethostname() != "changed"
    net_admin = 1 << 12
    for capabilities in [
        sandbox_host.run("grep CapBnd /proc/self/status").stdout.split()[1],  # run()
        (sandbox_host.folder / "setup.log").read_text().split()[1],  # the setup script
        Path(f"/proc/{sandbox_host.sshd_pid}/status").read_text().split("CapBnd:")[1].split()[0],  # sshd
    ]:
        assert int(capabilities, 16) & net_admin == 0
    link = sandbox_host.run("ip link add sbxprobe0 type dummy", check=False)
    if link.returncode == 0:  # the guard is broken: undo it on the real machine
        subprocess.run(["ip", "link", "del", "sbxprobe0"], check=False)
    assert link.returncode != 0
    assert sandbox_host.run("ps -e -o comm=").stdout.split()[0] == "sshd"  # own PID namespace
    assert sandbox_host.run("ls -A /root; ls -A /tmp").stdout.split() == [".bashrc", ".profile", ".ssh"]


def test_failed_setup_raises_and_cleans_up(sandbox_environment: None) -> None:
    def mine() -> set[Path]:  # folders owned by this process (other runs may be active)
        owned = set()
        for folder in sandbox.SANDBOX_ROOT.iterdir():
            try:
                if (folder / "owner").read_text().split()[0] == str(os.getpid()):
                    owned.add(folder)
            except (OSError, IndexError):
                pass  # being created or removed by another run
        return owned

    before = mine()
    with pytest.raises(sandbox.SandboxError, match="(?s)setup script exited with status 3.*doomed"):
        sandbox.create_host(setup="echo doomed; exit 3")
    assert mine() == before


def test_run_check_and_timeout(sandbox_host: SandboxHost) -> None:
    with pytest.raises(sandbox.SandboxCommandError, match="oops"):
        sandbox_host.run("echo oops >&2; exit 4")
    assert sandbox_host.run("exit 4", check=False).returncode == 4
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired):
        sandbox_host.run("sleep 30", timeout=0.5)
    assert time.monotonic() - started < 5
    time.sleep(0.1)
    assert "sleep" not in sandbox_host.run("ps -e -o comm=").stdout.split()
    # a background process (a daemon) does not hold run() up, and lives on
    assert sandbox_host.run("sleep 1000 & echo started", timeout=5).stdout == "started\n"
    assert "sleep" in sandbox_host.run("ps -e -o comm=").stdout.split()


def test_hung_listener_accepts_and_never_answers(sandbox_environment: None) -> None:
    listener = sandbox.create_hung_listener()
    try:
        with socket.create_connection((listener.address, listener.port), timeout=2) as conn:
            conn.settimeout(0.3)
            with pytest.raises(socket.timeout):
                conn.recv(1)
        client = paramiko.SSHClient()
        client.set_missing_host_key_policy(paramiko.RejectPolicy())
        with pytest.raises((paramiko.SSHException, socket.timeout, EOFError)):
            client.connect(listener.address, username="root", timeout=1, banner_timeout=0.5,
                           auth_timeout=0.5, look_for_keys=False, allow_agent=False, password="x")
        client.close()
    finally:
        listener()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((listener.address, listener.port), timeout=2).close()


CHILD = """
import os, sys
sys.path.insert(0, {tests!r})
import sandbox
host = sandbox.create_host()
print(host.folder, host.sshd_pid, flush=True)
if sys.argv[1] == "crash":
    os._exit(1)  # no atexit: the host is left behind
"""


@pytest.mark.parametrize("how", ["exit", "crash"])
def test_left_over_hosts_are_removed(sandbox_environment: None, how: str) -> None:
    child = subprocess.run(
        [sys.executable, "-c", CHILD.format(tests=str(TESTS_DIR)), how],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    folder_text, pid_text = child.stdout.split()
    folder, sshd_pid = Path(folder_text), int(pid_text)
    if how == "exit":  # the atexit hook destroyed it
        assert not folder.exists() and not Path(f"/proc/{sshd_pid}").exists()
        return
    assert folder.exists() and alive(sshd_pid)
    namespace = mount_namespace(sshd_pid)
    assert folder in sandbox.sweep_stale()
    assert not folder.exists()
    assert not alive(sshd_pid)
    assert host_processes(namespace, folder) == []
