"""Sandbox hosts: throw-away SSH targets for the scenario tests (needs root).

A sandbox host is a copy-on-write overlay of ``/`` (real Debian userland, writes kept
in ``<folder>/up``; or of another Debian release's tree, ``rootfs=release_rootfs("11")``) inside private mount, UTS and PID namespaces, running its own
``sshd`` on its own loopback address (``127.0.10.N:22`` and up; only 127.0.0.0/8 is
ever used)::

    host = create_host("web1", users=[SandboxUser("alice", "pw", sudo="password")])
    host.run("echo 'PermitRootLogin yes' >> /etc/ssh/sshd_config")   # as root, not via SSH
    # ... connect with paramiko: host.address, host.key_path, host.known_hosts_path
    host.destroy()

Layout of ``/tmp/hardening-sandbox/<address>/`` (the folder is named after the
address, which is unique among live hosts and reserved atomically by ``mkdir``, so
parallel pytest-xdist workers and concurrent test runs may reuse host names freely):
``up/ work/ root/`` (overlay upper, work and mount point), ``id id.pub`` (client key
that logs in as root and as every extra user), ``known_hosts``, ``sshd.log``
(``sshd -D -e`` at LogLevel VERBOSE), ``setup.log`` (output of user creation and of
the ``setup`` script), ``owner`` (pid and start time of the creating process).

Inside a host: its own hostname, ``/etc/hostname``, ``/etc/hosts`` entry and
``/etc/machine-id``; only the ed25519 host key; a clean ``/root`` (the given
``.bashrc``, a Debian ``.profile``, ``.ssh/authorized_keys``) and an empty ``/tmp``;
its own ``/proc`` (only its own processes), ``/dev/shm`` and ``/dev/pts``; ``sshd``
with PAM as configured by Debian (``UsePAM yes``). No systemd runs inside.

Not isolated, so guarded: the network namespace, the kernel and ``/dev`` are the real
machine's. ``/proc/sys``, ``/proc/sysrq-trigger`` and ``/sys`` are read-only, and every
process inside lacks CAP_NET_ADMIN, CAP_SYS_MODULE, CAP_SYS_BOOT, CAP_SYS_TIME and
CAP_SYS_RAWIO, so ``sysctl -w``, ``nft``/``iptables``, ``modprobe``, ``reboot`` and
``date -s`` fail inside a host instead of changing the machine running the tests.

Clean-up: ``destroy()`` kills the host's PID-namespace init (``sshd``), which takes
every process of the host with it; the mount namespace, and so every mount, dies with
its last process. Hosts still alive when the creating process exits are destroyed by
an ``atexit`` hook; hosts left by crashed runs are removed by ``sweep_stale()``, which
the first ``create_host`` of every process runs.
"""

from __future__ import annotations

import atexit
import ipaddress
import itertools
import os
import re
import secrets
import select
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

__all__ = [
    "SANDBOX_ROOT",
    "SSH_PORT",
    "DROPPED_CAPABILITIES",
    "SandboxError",
    "SandboxCommandError",
    "SandboxUser",
    "SandboxHost",
    "HungListener",
    "create_host",
    "create_hung_listener",
    "check_environment",
    "sweep_stale",
    "destroy_all",
    "RELEASES",
    "release_rootfs",
]

SANDBOX_ROOT = Path("/tmp/hardening-sandbox")
SSH_PORT = 22
SSHD_START_TIMEOUT = 5.0  # seconds from the end of setup until sshd listens
SETUP_TIMEOUT = 120.0  # seconds for mounts, user creation and the setup script
# Taken from every process inside a host: they act on the real machine's kernel.
DROPPED_CAPABILITIES = "-net_admin,-sys_module,-sys_boot,-sys_time,-sys_rawio"
_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
_ENV = {"PATH": _PATH, "HOME": "/root", "USER": "root", "LOGNAME": "root", "LANG": "C.UTF-8"}
_NAME_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")  # a DNS label
_USER_RE = re.compile(r"^[a-z_][a-z0-9_-]{0,30}$")  # also a valid sudoers.d file name
_OPTION_RE = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
_ROOT_PROFILE = (
    "# ~/.profile: executed by Bourne-compatible login shells.\n"
    'if [ "$BASH" ]; then\n  if [ -f ~/.bashrc ]; then\n    . ~/.bashrc\n  fi\nfi\n'
    "mesg n 2> /dev/null || true\n"
)

_ARGV0 = "hardening-sandbox"  # $0 of the boot script; marks a host's processes with its folder
# Runs as init of the new PID namespace, already without DROPPED_CAPABILITIES:
# $1 = host folder, "$@" after shift = sshd's arguments.
_BOOT_SCRIPT = r"""
set -eu
B=$1; shift; R=$B/root
hostname "$SANDBOX_NAME"
mount -t overlay overlay -o "lowerdir=$SANDBOX_LOWER,upperdir=$B/up,workdir=$B/work" "$R"
mount -t proc -o nosuid,nodev,noexec proc "$R/proc"
for p in sys sysrq-trigger; do
  [ -e "$R/proc/$p" ] || continue
  mount --bind "$R/proc/$p" "$R/proc/$p"
  mount -o remount,bind,ro "$R/proc/$p"
done
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$R/sys"
mount --rbind /dev "$R/dev"
mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs "$R/dev/shm"
mount -t devpts -o newinstance,nosuid,noexec,gid=5,mode=0620,ptmxmode=0666 devpts "$R/dev/pts"
mount --bind "$R/dev/pts/ptmx" "$R/dev/ptmx"
rm -f "$R"/etc/ssh/ssh_host_*
install -m 0600 "$B/host_key" "$R/etc/ssh/ssh_host_ed25519_key"
install -m 0644 "$B/host_key.pub" "$R/etc/ssh/ssh_host_ed25519_key.pub"
chroot "$R" /bin/sh -eu -c "$(cat "$B/prepare.sh")" >"$B/setup.log" 2>&1 </dev/null
if [ -e "$B/setup.sh" ]; then
  chroot "$R" /bin/sh -c "$(cat "$B/setup.sh")" >>"$B/setup.log" 2>&1 </dev/null ||
    { echo "sandbox: the setup script exited with status $?" >&2; exit 97; }
fi
: >"$B/setup.done"
exec chroot "$R" /usr/sbin/sshd -D -e "$@"
"""


class SandboxError(RuntimeError):
    """A sandbox host could not be created, reached or removed."""


class SandboxCommandError(subprocess.CalledProcessError):
    """``SandboxHost.run(check=True)`` saw a non-zero exit status; shows the output."""

    def __str__(self) -> str:
        return (
            f"{super().__str__()}\n--- stdout ---\n{_tail(self.stdout or '')}"
            f"\n--- stderr ---\n{_tail(self.stderr or '')}"
        )


@dataclass(frozen=True)
class SandboxUser:
    """An extra login user. ``sudo``: None (no sudo), "password" or "nopasswd".

    The user logs in with the host's client key (``SandboxHost.key_path``); with
    ``password=None`` the account has no usable password (``*``) but can use the key.
    """

    name: str
    password: str | None = None
    sudo: str | None = None

    def __post_init__(self) -> None:
        if not _USER_RE.match(self.name) or self.name == "root":
            raise ValueError(f"bad sandbox user name: {self.name!r}")
        if self.sudo not in (None, "password", "nopasswd"):
            raise ValueError(f"sudo must be None, 'password' or 'nopasswd', not {self.sudo!r}")
        if self.password is not None and ("\n" in self.password or "\r" in self.password):
            raise ValueError("a password cannot contain a line break")
        if self.sudo == "password" and not self.password:
            raise ValueError(f"user {self.name}: sudo='password' needs a password")


class SandboxHost:
    """A running sandbox host. Create with :func:`create_host`; end with :meth:`destroy`."""

    name: str
    address: str
    port: int
    folder: Path
    key_path: Path
    known_hosts_path: Path
    host_key_line: str
    sshd_pid: int

    def __init__(self, *, name: str, address: str, folder: Path, host_key_line: str) -> None:
        self.name = name
        self.address = address
        self.port = SSH_PORT
        self.folder = folder
        self.key_path = folder / "id"
        self.known_hosts_path = folder / "known_hosts"
        self.host_key_line = host_key_line
        self.sshd_pid = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._destroyed = False

    def __repr__(self) -> str:
        state = "destroyed" if self._destroyed else f"sshd_pid={self.sshd_pid}"
        return f"<SandboxHost {self.name} {self.address}:{self.port} {state}>"

    def run(self, script: str, *, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """Run ``sh -c script`` inside the host as root (not via SSH); capture text output.

        Returns when the script exits; background processes it started (daemons) keep
        running until the host is destroyed. Raises :class:`SandboxCommandError` on a
        non-zero status when ``check`` is true, and ``subprocess.TimeoutExpired`` on
        timeout, after killing the script's process group.
        """
        result = self._exec(["/bin/sh", "-c", script], timeout=timeout)
        completed = subprocess.CompletedProcess(
            result.args,
            result.returncode,
            result.stdout.decode("utf-8", "replace"),
            result.stderr.decode("utf-8", "replace"),
        )
        if check and completed.returncode != 0:
            raise SandboxCommandError(completed.returncode, script, completed.stdout, completed.stderr)
        return completed

    def read_bytes(self, path: str) -> bytes:
        """The content of ``path`` as seen inside the host (symlinks resolve inside)."""
        result = self._exec(["cat", "--", path], timeout=30)
        if result.returncode != 0:
            message = result.stderr.decode("utf-8", "replace").strip()
            if "No such file" in message:
                raise FileNotFoundError(2, f"not in sandbox host {self.name}", path)
            raise OSError(f"cannot read {path} in sandbox host {self.name}: {message}")
        return result.stdout

    def sshd_log(self) -> str:
        """Everything the host's sshd has logged so far (LogLevel VERBOSE)."""
        try:
            return (self.folder / "sshd.log").read_text("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def count_sessions(self) -> int:
        """How many exec/shell/subsystem channels sshd has started ("Starting session:").

        sshd logs that line at VERBOSE, the default here; it counts nothing if
        ``sshd_options`` lowered LogLevel.
        """
        return sum(1 for line in self.sshd_log().splitlines() if "Starting session:" in line)

    def destroy(self) -> None:
        """Kill sshd and every process of the host, then remove its folder. Idempotent."""
        with self._lock:
            if self._destroyed:
                return
            self._destroyed = True
        try:
            if self._proc is not None:
                # Killing the PID namespace's init kills all of the host's processes;
                # unshare then reaps it and exits, so no zombie is left behind.
                if self._proc.poll() is None:
                    if self.sshd_pid and _parent_pid(self.sshd_pid) == self._proc.pid:
                        os.kill(self.sshd_pid, signal.SIGKILL)
                    else:  # not started yet: unshare --kill-child takes its child along
                        self._proc.kill()
                try:
                    self._proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait(timeout=5)
            _kill_sandbox_processes(self.folder)  # anything else rooted in the overlay
            _remove_folder(self.folder)
        finally:
            with _registry_lock:
                _live_hosts.pop(str(self.folder), None)

    def _exec(self, argv: Sequence[str], *, timeout: float) -> subprocess.CompletedProcess[bytes]:
        if self._destroyed:
            raise SandboxError(f"sandbox host {self.name} has been destroyed")
        command = [
            "nsenter", "--target", str(self.sshd_pid), "--mount", "--uts", "--pid",
            "--root", "--wd",
            "setpriv", f"--bounding-set={DROPPED_CAPABILITIES}", *argv,
        ]  # fmt: skip
        return _run_killing_group(command, timeout=timeout)


class HungListener:
    """A TCP listener on ``address:22`` that accepts connections and never answers.

    Calling the object (or :meth:`close`) stops it and closes the accepted connections.
    """

    address: str
    port: int

    def __init__(self, address: str, sock: socket.socket, folder: Path | None) -> None:
        self.address = address
        self.port = SSH_PORT
        self._sock = sock
        self._folder = folder
        self._stop = threading.Event()
        self._accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, name=f"hung-listener-{address}", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self._sock], [], [], 0.05)
                if ready:
                    conn, _ = self._sock.accept()
                    self._accepted.append(conn)  # held open, never read or written
            except OSError:
                return

    def close(self) -> None:
        """Stop listening and drop every accepted connection. Idempotent."""
        if self._stop.is_set():
            return
        self._stop.set()
        self._thread.join(timeout=5)
        for conn in [self._sock, *self._accepted]:
            conn.close()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
        with _registry_lock:
            _live_listeners.discard(self)

    __call__ = close


# --------------------------------------------------------------------------- creation


def create_host(
    name: str | None = None,
    *,
    bashrc: str = "# sandbox host\n",
    users: Iterable[SandboxUser] = (),
    sshd_options: Mapping[str, str] | None = None,
    setup: str | None = None,
    address: str | None = None,
    netns: str | None = None,
    extra_listen: Sequence[str] = (),
    rootfs: Path | None = None,
) -> SandboxHost:
    """Start a sandbox host and wait until its sshd listens.

    name: hostname inside (default ``sandbox-<c>-<d>`` from the address 127.0.c.d).
    bashrc: root's ``~/.bashrc`` (sshd runs every command through bash, which reads it).
    users: extra users (``useradd -m``, password, sudoers.d rule checked by visudo, the
      client key in ``~/.ssh/authorized_keys``).
    sshd_options: extra ``sshd -o Key=Value`` options; they win over the defaults
      (HostKey, ListenAddress, LogLevel=VERBOSE) and over ``/etc/ssh/sshd_config``,
      which stays untouched so that ``sshd -T`` inside shows the configuration file.
    setup: shell script run by ``sh -c`` inside the host as root after the users are
      created and before sshd starts; a non-zero exit status fails the creation.
    address: a loopback address to use (default: the next free 127.0.c.d).
    netns: a network namespace (``ip netns add``) to run the host in; its loopback is then
      private to that namespace (used to build a target only a bastion can reach).
    extra_listen: more ``ListenAddress`` values for sshd (e.g. a veth address in ``netns``).
    rootfs: the lower layer of the overlay (default ``/``, this machine): another Debian
      release's root file system from :func:`release_rootfs`.
    """
    environment_problems = check_environment()
    if environment_problems:
        raise SandboxError("cannot create sandbox hosts: " + "; ".join(environment_problems))
    _sweep_once()
    users = list(users)
    if len({user.name for user in users}) != len(users):
        raise ValueError("duplicate sandbox user names")
    options = {"HostKey": "/etc/ssh/ssh_host_ed25519_key", "LogLevel": "VERBOSE"}
    for key, value in (sshd_options or {}).items():
        if not _OPTION_RE.match(key) or "\n" in value:
            raise ValueError(f"bad sshd option {key!r}={value!r}")
        options[key] = value

    folder = _reserve_address(address)
    address = folder.name
    if name is None:
        name = "sandbox-" + "-".join(address.split(".")[2:])
    if not _NAME_RE.match(name):
        _remove_folder(folder)
        raise ValueError(f"bad sandbox host name (need a DNS label): {name!r}")
    options["ListenAddress"] = f"{address}:{SSH_PORT}"

    host: SandboxHost | None = None
    try:
        client_private, client_public = _ed25519_pair(f"sandbox-client@{name}")
        host_private, host_public = _ed25519_pair(f"root@{name}")
        host_key_line = f"{address} {_strip_comment(host_public)}"
        _write(folder / "id", client_private, 0o600)
        _write(folder / "id.pub", client_public + "\n", 0o644)
        _write(folder / "host_key", host_private, 0o600)
        _write(folder / "host_key.pub", host_public + "\n", 0o644)
        _write(folder / "known_hosts", host_key_line + "\n", 0o644)
        _prepare_upper(folder / "up", bashrc=bashrc, authorized_key=client_public)
        (folder / "work").mkdir()
        (folder / "root").mkdir()
        _write(folder / "prepare.sh", _prepare_script(name, address, users), 0o600)
        if setup is not None:
            _write(folder / "setup.sh", setup, 0o600)

        host = SandboxHost(name=name, address=address, folder=folder, host_key_line=host_key_line)
        with _registry_lock:
            _live_hosts[str(folder)] = host
        sshd_args = [f"-o{key}={value}" for key, value in options.items()]
        sshd_args += [f"-oListenAddress={listen}" for listen in extra_listen]
        in_netns = ["ip", "netns", "exec", netns] if netns else []
        with open(folder / "sshd.log", "ab") as log:
            host._proc = subprocess.Popen(
                [*in_netns, "unshare", "--mount", "--uts", "--pid", "--fork", "--kill-child",
                 "--propagation", "private", "setpriv", f"--bounding-set={DROPPED_CAPABILITIES}",
                 "/bin/sh", "-c", _BOOT_SCRIPT, _ARGV0, str(folder), *sshd_args],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env={**_ENV, "SANDBOX_NAME": name, "SANDBOX_LOWER": str(rootfs or "/")},
                start_new_session=True, close_fds=True,
            )  # fmt: skip
        host.sshd_pid = _wait_for_child(host._proc)
        _wait_until_listening(host)
        return host
    except BaseException:
        if host is not None:
            host.destroy()
        else:
            _remove_folder(folder)
        raise


def create_hung_listener(address: str | None = None) -> HungListener:
    """Accept TCP on ``address:22`` (default: a free sandbox address) and never answer."""
    _sweep_once()
    folder = _reserve_address(address)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((folder.name, SSH_PORT))
        sock.listen(64)
    except BaseException:
        sock.close()
        _remove_folder(folder)
        raise
    listener = HungListener(folder.name, sock, folder)
    with _registry_lock:
        _live_listeners.add(listener)
    return listener


ROOTFS_CACHE = Path(os.environ.get("HARDENING_ROOTFS_CACHE", "/var/cache/hardening/rootfs"))
# Debian releases besides this machine's own (12), as sandbox host root file systems
RELEASES = {"11": "bullseye", "13": "trixie"}


def release_rootfs(version: str) -> Path:
    """The root file system of Debian ``version`` built by ``scripts/build-rootfs.sh``."""
    path = ROOTFS_CACHE / RELEASES[version]
    if not (path / ".hardening-rootfs").is_file():
        raise SandboxError(f"no Debian {version} root file system in {path}: "
                           f"run sh scripts/build-rootfs.sh {RELEASES[version]} (scripts/install-test-deps.sh does)")
    return path


def check_environment() -> list[str]:
    """What is missing to run sandbox hosts (empty when all is well)."""
    problems = []
    if os.geteuid() != 0:
        problems.append("sandbox hosts need root (namespaces, overlay mounts, port 22)")
    for tool in ("unshare", "nsenter", "setpriv", "chroot", "mount", "useradd", "chpasswd", "visudo"):
        if shutil.which(tool, path=_PATH) is None:
            problems.append(f"{tool} is missing")
    if not os.access("/usr/sbin/sshd", os.X_OK):
        problems.append("/usr/sbin/sshd is missing (package openssh-server)")
    if problems:
        problems.append("install them with scripts/install-test-deps.sh (as root)")
    return problems


# --------------------------------------------------------------------------- clean-up

_registry_lock = threading.Lock()
_live_hosts: dict[str, SandboxHost] = {}
_live_listeners: set[HungListener] = set()
_swept = False


def destroy_all() -> None:
    """Destroy every host and listener this process created and has not yet removed."""
    with _registry_lock:
        hosts = list(_live_hosts.values())
        listeners = list(_live_listeners)
    for listener in listeners:
        listener.close()
    for host in hosts:
        host.destroy()


atexit.register(destroy_all)


def sweep_stale() -> list[Path]:
    """Remove hosts left by processes that died (crashed test runs); return their folders.

    A folder is stale when the process named in its ``owner`` file is gone. Hosts of
    live processes (other pytest-xdist workers, other runs) are never touched.
    """
    removed = []
    try:
        entries = sorted(SANDBOX_ROOT.iterdir())
    except FileNotFoundError:
        return removed
    for folder in entries:
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        owner = _read_owner(folder)
        if owner is None:
            try:
                if time.time() - folder.stat().st_mtime < 60:
                    continue  # being created right now
            except FileNotFoundError:
                continue
        elif _process_alive(*owner):
            continue
        _kill_sandbox_processes(folder)
        _remove_folder(folder)
        removed.append(folder)
    return removed


def _sweep_once() -> None:
    global _swept
    with _registry_lock:
        if _swept:
            return
        _swept = True
    sweep_stale()


def _sandbox_pids(folder: Path) -> list[int]:
    """Processes that belong to the host in ``folder``: rooted in its overlay, or whose
    argv holds ``hardening-sandbox <folder>`` (unshare, setpriv and the boot script
    before it chroots)."""
    overlay_root = str(folder / "root")
    marker = b"\0" + _ARGV0.encode() + b"\0" + str(folder).encode() + b"\0"
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            root = os.readlink(f"/proc/{entry}/root")
            if root == overlay_root or root.startswith(overlay_root + "/"):
                pids.append(int(entry))
                continue
        except OSError:
            pass
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                if marker in cmdline.read():
                    pids.append(int(entry))
        except OSError:
            pass
    return pids


def _kill_sandbox_processes(folder: Path, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        pids = _sandbox_pids(folder)
        if not pids:
            return
        if time.monotonic() > deadline:
            raise SandboxError(f"processes of sandbox {folder} survive SIGKILL: {pids}")
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.01)


def _remove_folder(folder: Path) -> None:
    """Remove a host folder, refusing if anything is still mounted below it here."""
    prefix = str(folder)
    with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as mountinfo:
        for line in mountinfo:
            mount_point = line.split()[4].replace("\\040", " ")
            if mount_point == prefix or mount_point.startswith(prefix + "/"):
                raise SandboxError(f"refusing to remove {folder}: {mount_point} is mounted")
    shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------- helpers


_allocation_counter = itertools.count()


def _candidate_addresses() -> Iterable[str]:
    """127.0.c.d, starting in this xdist worker's own block c = 10 + worker number."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    block = int(worker[2:]) + 1 if re.fullmatch(r"gw\d+", worker) else 0
    start = next(_allocation_counter) + os.getpid()  # spreads repeated/concurrent runs
    for c_offset in range(241):
        c = 10 + (block + c_offset) % 241
        for d_offset in range(254):
            yield f"127.0.{c}.{1 + (start + d_offset) % 254}"


def _reserve_address(address: str | None) -> Path:
    """Reserve an address: create its folder (atomic mkdir) and check port 22 is free."""
    SANDBOX_ROOT.mkdir(mode=0o755, exist_ok=True)
    if address is not None:
        if not ipaddress.IPv4Address(address).is_loopback:
            raise ValueError(f"sandbox addresses must be in 127.0.0.0/8, not {address}")
        candidates: Iterable[str] = [address]
    else:
        candidates = _candidate_addresses()
    for candidate in candidates:
        folder = SANDBOX_ROOT / candidate
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue
        pid = os.getpid()
        _write(folder / "owner", f"{pid} {_start_time(pid)}\n", 0o644)
        if _port_free(candidate):
            return folder
        _remove_folder(folder)
    raise SandboxError(f"no free sandbox address ({address or 'any'}:{SSH_PORT} is taken)")


def _port_free(address: str) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as sshd binds
        try:
            probe.bind((address, SSH_PORT))
        except OSError:
            return False
    return True


def _start_time(pid: int) -> str:
    with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
        return stat.read().rsplit(")", 1)[1].split()[19]  # field 22: starttime


def _read_owner(folder: Path) -> tuple[int, str] | None:
    try:
        pid, start = (folder / "owner").read_text().split()
        return int(pid), start
    except (OSError, ValueError):
        return None


def _process_alive(pid: int, start: str) -> bool:
    try:
        return _start_time(pid) == start
    except OSError:
        return False


def _ed25519_pair(comment: str) -> tuple[str, str]:
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
    ).decode()
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    return private, f"{public.decode()} {comment}"


def _strip_comment(public_line: str) -> str:
    return " ".join(public_line.split()[:2])


def _write(path: Path, text: str, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with open(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, mode)


def _opaque_dir(path: Path, mode: int) -> None:
    """A directory in the overlay's upper layer that hides the real one below it."""
    path.mkdir(parents=True)
    os.chmod(path, mode)
    os.setxattr(path, "trusted.overlay.opaque", b"y")


def _prepare_upper(upper: Path, *, bashrc: str, authorized_key: str) -> None:
    upper.mkdir()
    _opaque_dir(upper / "root", 0o700)  # no developer dotfiles (pyenv, tokens) inside
    _write(upper / "root" / ".bashrc", bashrc, 0o644)
    _write(upper / "root" / ".profile", _ROOT_PROFILE, 0o644)
    (upper / "root" / ".ssh").mkdir(mode=0o700)
    _write(upper / "root" / ".ssh" / "authorized_keys", authorized_key + "\n", 0o600)
    _opaque_dir(upper / "tmp", 0o1777)  # an empty /tmp, not the machine's


def _prepare_script(name: str, address: str, users: Sequence[SandboxUser]) -> str:
    q = shlex.quote
    lines = [
        "install -d -m 0755 /run/sshd",
        f"printf '%s\\n' {q(name)} >/etc/hostname",
        f"printf '%s\\t%s\\n' {q(address)} {q(name)} >>/etc/hosts",
        f"printf '%s\\n' {secrets.token_hex(16)} >/etc/machine-id",
    ]
    for user in users:
        n = q(user.name)
        lines += [
            f"useradd --create-home --shell /bin/bash {n}",
            f'home=$(getent passwd {n} | cut -d: -f6)',
            f'install -d -m 0700 -o {n} -g {n} "$home/.ssh"',
            f'install -m 0600 -o {n} -g {n} /root/.ssh/authorized_keys "$home/.ssh/authorized_keys"',
        ]
        if user.password is None:
            lines.append(f"usermod -p '*' {n}")  # no password, not locked: key login works
        else:
            lines.append(f"printf '%s\\n' {q(user.name + ':' + user.password)} | chpasswd")
        if user.sudo is not None:
            tag = "NOPASSWD: " if user.sudo == "nopasswd" else ""
            rule = f"{user.name} ALL=(ALL:ALL) {tag}ALL"
            draft = f"/etc/sudoers.d/.{user.name}.draft"  # sudo ignores names with a dot
            lines += [
                f"printf '%s\\n' {q(rule)} >{draft}",
                f"visudo -cqf {draft}",
                f"chmod 0440 {draft}",
                f"mv {draft} /etc/sudoers.d/{user.name}",
            ]
    return "\n".join(lines) + "\n"


def _parent_pid(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def _wait_for_child(proc: subprocess.Popen[bytes], timeout: float = 5.0) -> int:
    """The pid (as seen here) of unshare's forked child: the host's init, later sshd."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for entry in os.listdir("/proc"):
            if entry.isdigit() and _parent_pid(int(entry)) == proc.pid:
                return int(entry)
        if proc.poll() is not None:
            break
        time.sleep(0.002)
    raise SandboxError(f"unshare did not start the sandbox (exit status {proc.poll()})")


def _wait_until_listening(host: SandboxHost) -> None:
    assert host._proc is not None
    ready = f"Server listening on {host.address} port {host.port}."
    deadline = time.monotonic() + SETUP_TIMEOUT
    phase = "setup"
    while True:
        if phase == "setup" and (host.folder / "setup.done").exists():
            phase, deadline = "sshd", time.monotonic() + SSHD_START_TIMEOUT
        if phase == "sshd" and ready in host.sshd_log():
            return
        if host._proc.poll() is not None:
            problem = f"exited with status {host._proc.returncode} during {phase}"
            break
        if time.monotonic() > deadline:
            problem = f"timed out during {phase}"
            break
        time.sleep(0.005)
    try:
        setup_log = (host.folder / "setup.log").read_text("utf-8", "replace")
    except FileNotFoundError:
        setup_log = ""
    raise SandboxError(
        f"sandbox host {host.name} ({host.address}) {problem}\n"
        f"--- sshd.log (tail) ---\n{_tail(host.sshd_log())}\n"
        f"--- setup.log (tail) ---\n{_tail(setup_log)}"
    )


def _run_killing_group(command: Sequence[str], *, timeout: float) -> subprocess.CompletedProcess[bytes]:
    """Like subprocess.run, but returns when the command exits even if it left background
    processes holding its output open (daemons), and a timeout kills its process group."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=_ENV, start_new_session=True,
        )  # fmt: skip
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired as expired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            out.seek(0)
            err.seek(0)
            expired.output, expired.stderr = out.read(), err.read()
            raise
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(list(command), proc.returncode, out.read(), err.read())


def _tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.splitlines()[-lines:])

