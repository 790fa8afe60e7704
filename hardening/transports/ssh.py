"""Run the collector over SSH with paramiko: one connection, one exec channel per script.

Host keys are verified against known_hosts; an unknown key is refused unless the caller
opted into trust-on-first-use, and a changed key is always refused.
"""

from __future__ import annotations

import base64
import hashlib
import os
import select
import socket
import sys
import threading
import time
import types
from importlib.util import find_spec
from pathlib import Path


def _import_paramiko():
    """paramiko, without two start-up costs a scan does not need (a whole scan takes ~0.5 s).

    * ``invoke`` (about 70 ms): paramiko uses it only to run ``Match exec`` lines of ssh_config,
      which this transport never parses; the inventory code, which does, imports it beforehand.
    * ``importlib.metadata`` (about 40 ms of imports plus a walk of sys.path): paramiko 4+ asks
      it for its own version, which the name of its ``.dist-info`` folder already says. Only
      that question is answered here; the real module is imported for any other.
    """
    sys.modules.setdefault("invoke", None)
    if "importlib.metadata" in sys.modules:
        import paramiko
        return paramiko
    spec = find_spec("paramiko")
    found = sorted(Path(spec.origin).parent.parent.glob("paramiko-*.dist-info")) if spec and spec.origin else []
    if len(found) != 1:
        import paramiko
        return paramiko
    version = found[0].name[len("paramiko-"):-len(".dist-info")]

    def real():
        if sys.modules.get("importlib.metadata") is stand_in:
            del sys.modules["importlib.metadata"]
        import importlib.metadata
        return importlib.metadata

    stand_in = types.ModuleType("importlib.metadata")
    stand_in.version = lambda name: version if name == "paramiko" else real().version(name)
    stand_in.__getattr__ = lambda name: getattr(real(), name)
    sys.modules["importlib.metadata"] = stand_in
    try:
        import paramiko
    finally:
        if sys.modules.get("importlib.metadata") is stand_in:
            del sys.modules["importlib.metadata"]
    return paramiko


paramiko = _import_paramiko()

from hardening.errors import TargetError  # noqa: E402
from hardening.secrets import Secret  # noqa: E402
from hardening.targets import Target  # noqa: E402
from hardening.transports.base import ScriptResult, Transport  # noqa: E402

MAX_OUTPUT = 64 * 1024 * 1024


class _TrustOnFirstUse(paramiko.MissingHostKeyPolicy):
    """Record an unknown host key in known_hosts (the user asked for it explicitly)."""

    def __init__(self, known_hosts: Path, notice):
        self.known_hosts = known_hosts
        self.notice = notice

    def missing_host_key(self, client, hostname, key):
        self.known_hosts.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.known_hosts, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a") as handle:
            handle.write(f"{hostname} {key.get_name()} {key.get_base64()}\n")
        client.get_host_keys().add(hostname, key.get_name(), key)
        self.notice(f"trusted new host key for {hostname}: {key.get_name()} "
                    f"SHA256:{_fingerprint(key)} (saved to {self.known_hosts})")


class _Refuse(paramiko.MissingHostKeyPolicy):
    def __init__(self, known_hosts: Path):
        self.known_hosts = known_hosts

    def missing_host_key(self, client, hostname, key):
        raise TargetError(
            f"unknown host key for {hostname} ({key.get_name()} SHA256:{_fingerprint(key)}); "
            f"not in {self.known_hosts}. Verify it and add it, or pass --trust-on-first-use")


def _fingerprint(key) -> str:
    return base64.b64encode(hashlib.sha256(key.asbytes()).digest()).decode().rstrip("=")


class SshConnector:
    """How to open one verified, authenticated SSH connection (shared by every hop and host)."""

    def __init__(self, *, identity: str | None = None, password: Secret | None = None,
                 passphrase: Secret | None = None, known_hosts: Path, trust_on_first_use: bool = False,
                 connect_timeout: float = 10.0, notice=lambda message: None):
        self.identity = identity
        self.password = password
        self.passphrase = passphrase
        self.known_hosts = known_hosts
        self.trust_on_first_use = trust_on_first_use
        self.connect_timeout = connect_timeout
        self.notice = notice
        self._known_hosts_lock = threading.Lock()

    def open(self, target: Target, sock=None, identity: str | None = None) -> paramiko.SSHClient:
        """Connect and authenticate to ``target``, over ``sock`` (a jump channel) if given."""
        client = paramiko.SSHClient()
        with self._known_hosts_lock:  # TOFU appends to the file; keep readers and writers apart
            if self.known_hosts.is_file():
                try:
                    client.load_host_keys(str(self.known_hosts))
                except (OSError, paramiko.SSHException) as exc:
                    raise TargetError(f"cannot read known_hosts {self.known_hosts}: {exc}") from None
        policy = _TrustOnFirstUse(self.known_hosts, self.notice) if self.trust_on_first_use else _Refuse(self.known_hosts)
        client.set_missing_host_key_policy(policy)
        key_file = identity or target.identity or self.identity
        where = f"{target.host}:{target.port}"
        try:
            client.connect(
                target.host, port=target.port, username=target.user or "root", sock=sock,
                key_filename=key_file, password=self.password.reveal() if self.password else None,
                passphrase=self.passphrase.reveal() if self.passphrase else None,
                look_for_keys=key_file is None, allow_agent=True,
                timeout=self.connect_timeout, banner_timeout=self.connect_timeout,
                auth_timeout=self.connect_timeout, channel_timeout=self.connect_timeout)
            return client
        except TargetError:
            client.close()
            raise
        except paramiko.BadHostKeyException as exc:
            client.close()
            raise TargetError(
                f"host key for {where} has CHANGED (known_hosts has SHA256:{_fingerprint(exc.expected_key)}, "
                f"the host offers SHA256:{_fingerprint(exc.key)}); refusing to connect. If the change is "
                f"expected, remove the old entry: ssh-keygen -f {self.known_hosts} -R {target.host}") from None
        except paramiko.AuthenticationException:
            client.close()
            raise TargetError(f"authentication refused for {target.user or 'root'}@{where}") from None
        except (socket.timeout, TimeoutError):
            client.close()
            raise TargetError(f"connection to {where} timed out after {self.connect_timeout:g} s") from None
        except paramiko.ssh_exception.NoValidConnectionsError as exc:
            client.close()
            reason = next(iter(exc.errors.values())).strerror if exc.errors else "refused"
            raise TargetError(f"unreachable: {where}: {reason}") from None
        except paramiko.PasswordRequiredException:
            client.close()
            raise TargetError(f"the key {key_file} is encrypted: set HARDENING_SSH_KEY_PASSPHRASE") from None
        except (paramiko.SSHException, EOFError) as exc:
            client.close()
            text = str(exc)
            if "banner" in text or "No existing session" in text:  # TCP accepted, SSH never answered
                raise TargetError(f"connection to {where} timed out: accepted but no SSH answer within "
                                  f"{self.connect_timeout:g} s") from None
            raise TargetError(f"SSH error with {where}: {text or type(exc).__name__}") from None
        except OSError as exc:
            client.close()
            raise TargetError(f"unreachable: {where}: {exc.strerror or exc}") from None

    def tunnel(self, via: paramiko.SSHClient, target: Target, hop: str):
        """A direct-tcpip channel through ``via`` to ``target`` (what ssh's ProxyJump does)."""
        try:
            return via.get_transport().open_channel("direct-tcpip", (target.host, target.port), ("127.0.0.1", 0),
                                                    timeout=self.connect_timeout)
        except (paramiko.SSHException, OSError, EOFError) as exc:
            raise TargetError(f"unreachable through {hop}: {target.host}:{target.port}: "
                              f"{str(exc) or type(exc).__name__}") from None


class JumpPool:
    """Jump-host connections shared by every target behind them (one login per bastion per scan)."""

    def __init__(self, connector: SshConnector):
        self.connector = connector
        self.clients: dict[tuple, paramiko.SSHClient] = {}
        self.locks: dict[tuple, threading.Lock] = {}
        self.lock = threading.Lock()

    def client_for(self, chain: tuple[Target, ...]) -> paramiko.SSHClient:
        """A live connection to the last host of ``chain`` (through the hosts before it)."""
        with self.lock:
            lock = self.locks.setdefault(chain, threading.Lock())
        with lock:
            client = self.clients.get(chain)
            if client is not None and client.get_transport() is not None and client.get_transport().is_active():
                return client
            sock = None
            if len(chain) > 1:
                sock = self.connector.tunnel(self.client_for(chain[:-1]), chain[-1], chain[-2].uri)
            client = self.connector.open(chain[-1], sock=sock)
            self.clients[chain] = client
            return client

    def close(self) -> None:
        with self.lock:
            for client in reversed(list(self.clients.values())):
                client.close()
            self.clients.clear()


class SshTransport(Transport):
    label = "ssh"

    def __init__(self, target: Target, connector: SshConnector, *, jumps: tuple[Target, ...] = (),
                 pool: JumpPool | None = None, identity: str | None = None, sudo: bool = False,
                 sudo_password: Secret | None = None):
        self.target = target
        self.connector = connector
        self.jumps = tuple(jumps)
        self.pool = pool or JumpPool(connector)
        self.owns_pool = pool is None
        self.identity = identity
        self.sudo = sudo and (target.user or "root") != "root"
        self.sudo_password = sudo_password
        self.client: paramiko.SSHClient | None = None
        self.exec_count = 0

    def connect(self) -> None:
        sock = None
        if self.jumps:
            sock = self.connector.tunnel(self.pool.client_for(self.jumps), self.target, self.jumps[-1].uri)
        self.client = self.connector.open(self.target, sock=sock, identity=self.identity)

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.owns_pool:
            self.pool.close()

    # -- execution -----------------------------------------------------------------------------
    def _command_and_stdin(self, script: bytes) -> tuple[str, bytes]:
        if not self.sudo:
            return "sh -s", script
        if self.sudo_password is None:
            return "sudo -n -- sh -s", script
        # sudo -S reads the password line byte by byte; if it needs none, `read` swallows the
        # line instead, so the password is never executed or echoed either way.
        return ("sudo -S -p '' -- sh -c 'IFS= read -r hf_pad; exec sh -s'",
                self.sudo_password.reveal().encode() + b"\n#\n" + script)

    def run_script(self, script: bytes, timeout: float) -> ScriptResult:
        if self.client is None:
            self.connect()
        command, stdin = self._command_and_stdin(script)
        where = f"{self.target.host}:{self.target.port}"
        try:
            channel = self.client.get_transport().open_session(timeout=self.connector.connect_timeout)
            self.exec_count += 1
            channel.exec_command(command)
        except (paramiko.SSHException, OSError, EOFError) as exc:
            raise TargetError(f"cannot open a session on {where}: {exc}") from None
        sender = threading.Thread(target=self._send, args=(channel, stdin), daemon=True)
        sender.start()
        try:
            out, err = self._drain(channel, timeout, where)
            rc = channel.recv_exit_status()
        finally:
            channel.close()
        return ScriptResult(bytes(out), bytes(err), rc)

    @staticmethod
    def _send(channel, data: bytes) -> None:
        try:
            channel.sendall(data)
            channel.shutdown_write()
        except (OSError, paramiko.SSHException, EOFError):
            pass  # the reader reports what went wrong

    @staticmethod
    def _drain(channel, timeout: float, where: str) -> tuple[bytearray, bytearray]:
        out, err = bytearray(), bytearray()
        deadline = time.monotonic() + timeout
        while True:
            busy = False
            while channel.recv_ready():
                out += channel.recv(1 << 16)
                busy = True
            while channel.recv_stderr_ready():
                err += channel.recv_stderr(1 << 16)
                busy = True
            if len(out) > MAX_OUTPUT:
                raise TargetError(f"output too large: more than {MAX_OUTPUT // (1024 * 1024)} MiB from {where}")
            if channel.exit_status_ready() and not channel.recv_ready() and not channel.recv_stderr_ready():
                if channel.eof_received or channel.closed:
                    return out, err
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TargetError(f"command timeout: {where} did not finish within {timeout:g} s")
            if not busy:
                select.select([channel], [], [], min(remaining, 0.05))
