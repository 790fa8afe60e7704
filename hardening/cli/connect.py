"""How commands reach targets: the SSH options shared by scan, apply and rollback, defined once."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from pathlib import Path

import click

from hardening import paths
from hardening.secrets import Secret
from hardening.targets import parse_target

ASK_SSH_PASS = "Prompt for the SSH password (or set HARDENING_SSH_PASSWORD)."


def ssh_option_list(ask_pass_help: str = ASK_SSH_PASS) -> list:
    """The SSH options; a command that also reaches databases says what --ask-pass asks for there."""
    return [
        click.option("--identity", "-i", type=click.Path(exists=True, dir_okay=False), help="SSH private key file."),
        click.option("--ask-pass", is_flag=True, help=ask_pass_help),
        click.option("--sudo", is_flag=True, help="Work through sudo when logging in as a non-root user."),
        click.option("--ask-sudo-pass", is_flag=True, help="Prompt for the sudo password (or set HARDENING_SUDO_PASSWORD)."),
        click.option("--jump", "-J", default=None, metavar="[USER@]HOST[:PORT],...",
                     help="Jump host(s) for targets given on the command line, like ssh -J."),
        click.option("--known-hosts", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="known_hosts file for host key checks (default: ~/.ssh/known_hosts or $HARDENING_KNOWN_HOSTS)."),
        click.option("--trust-on-first-use", is_flag=True,
                     help="Accept and record the key of a host not yet in known_hosts (a changed key is still refused)."),
        click.option("--connect-timeout", type=float, default=10.0, show_default=True,
                     help="Seconds for TCP connect, banner and auth."),
    ]


ssh_options = ssh_option_list()


def with_options(options):
    def decorate(func):
        for option in reversed(options):
            func = option(func)
        return func
    return decorate


class Connections:
    """Builds transport factories for targets; owns the shared jump-host pool."""

    def __init__(self, identity=None, ask_pass=False, sudo=False, ask_sudo_pass=False, jump=None, known_hosts=None,
                 trust_on_first_use=False, connect_timeout=10.0):
        self.identity = identity
        self.sudo = sudo
        self.jumps = tuple(parse_target(hop) for hop in jump.split(",")) if jump else ()
        self.password = (Secret(click.prompt("SSH password", hide_input=True)) if ask_pass
                         else Secret.from_env("HARDENING_SSH_PASSWORD"))
        self.sudo_password = (Secret(click.prompt("sudo password", hide_input=True)) if ask_sudo_pass
                              else Secret.from_env("HARDENING_SUDO_PASSWORD"))
        self.known_hosts = known_hosts or paths.known_hosts_default()
        self.trust_on_first_use = trust_on_first_use
        self.connect_timeout = connect_timeout
        self._connector = self._pool = None
        self._early: dict = {}  # key -> (transport, Future of its connect())

    def _ssh(self):
        if self._connector is None:
            from hardening.transports.ssh import JumpPool, SshConnector

            self._connector = SshConnector(
                identity=self.identity, password=self.password,
                passphrase=Secret.from_env("HARDENING_SSH_KEY_PASSPHRASE"), known_hosts=self.known_hosts,
                trust_on_first_use=self.trust_on_first_use, connect_timeout=self.connect_timeout,
                notice=lambda message: click.echo(f"hardening: {message}", err=True))
            self._pool = JumpPool(self._connector)
        return self._connector, self._pool

    def factory(self, target, identity=None, jumps=None, sudo=None):
        """A zero-argument callable returning a fresh transport to ``target`` (the connection
        :meth:`connect_early` opened for it, if there is one)."""
        sudo = self.sudo if sudo is None else sudo
        if target.kind == "local":
            from hardening.transports.local import LocalTransport

            return lambda: LocalTransport(sudo=sudo)
        jumps = self.jumps if jumps is None else jumps

        def make():
            early = self._early.pop((target.uri, identity, jumps, sudo), None)
            if early is None:
                return self._ssh_transport(target, identity, jumps, sudo)
            transport, connected = early
            try:
                connected.result()
            except BaseException:
                transport.close()
                raise
            return transport
        return make

    def _ssh_transport(self, target, identity, jumps, sudo):
        from hardening.transports.ssh import SshTransport

        connector, pool = self._ssh()
        return SshTransport(target, connector, jumps=jumps, pool=pool, identity=identity or target.identity,
                            sudo=sudo, sudo_password=self.sudo_password)

    def connect_early(self, hosts) -> None:
        """Start connecting to ``hosts`` ((target, identity, jumps, sudo) each) in the background.

        A scan of one host spends about as long connecting (the host's sshd starting a session,
        key exchange, authentication) as loading its rules; this lets the two overlap. Errors
        surface where they would have: when the scan takes the transport from :meth:`factory`.
        The threads are daemons: bad input found meanwhile exits at once, not after a hung host.
        """
        for target, identity, jumps, sudo in hosts:
            if target.kind == "local":
                continue
            jumps = self.jumps if jumps is None else jumps
            sudo = self.sudo if sudo is None else sudo
            transport = self._ssh_transport(target, identity, jumps, sudo)
            connected = Future()
            threading.Thread(target=_connect_into, args=(transport, connected), daemon=True).start()
            self._early[(target.uri, identity, jumps, sudo)] = (transport, connected)

    def close(self) -> None:
        for transport, _connected in self._early.values():
            transport.close()
        self._early.clear()
        if self._pool is not None:
            self._pool.close()


def _connect_into(transport, connected: Future) -> None:
    try:
        transport.connect()
    except BaseException as exc:  # handed to the scan that takes this transport
        connected.set_exception(exc)
    else:
        connected.set_result(None)
