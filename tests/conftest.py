"""Shared pytest fixtures."""

from __future__ import annotations

# ============================================================================ sandbox hosts
# Fixtures for sandbox hosts (tests/sandbox.py): copy-on-write copies of this machine,
# each with its own sshd on a loopback address. They need root and the packages of
# scripts/install-test-deps.sh; without them the tests using these fixtures ERROR
# (never skip), so a CI that forgot to install them cannot pass silently.
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

if str(Path(__file__).resolve().parent) not in sys.path:  # `import sandbox` in any import mode
    sys.path.insert(0, str(Path(__file__).resolve().parent))

import sandbox  # noqa: E402
from sandbox import SandboxHost  # noqa: E402


@pytest.fixture(scope="session")
def sandbox_environment() -> Iterator[None]:
    """Checks root and tools once, removes hosts of crashed earlier runs, and destroys
    whatever this worker left at the end of the session."""
    problems = sandbox.check_environment()
    if problems:
        pytest.fail("sandbox hosts unavailable: " + "; ".join(problems), pytrace=False)
    sandbox.sweep_stale()
    yield
    sandbox.destroy_all()


@pytest.fixture
def sandbox_host(sandbox_environment: None) -> Iterator[SandboxHost]:
    """A fresh sandbox host with default settings, destroyed after the test."""
    host = sandbox.create_host()
    try:
        yield host
    finally:
        host.destroy()


@pytest.fixture
def sandbox_factory(sandbox_environment: None) -> Iterator[Callable[..., SandboxHost]]:
    """``sandbox_factory(**create_host_kwargs)`` makes hosts; all are destroyed after the test."""
    hosts: list[SandboxHost] = []

    def factory(*args: Any, **kwargs: Any) -> SandboxHost:
        host = sandbox.create_host(*args, **kwargs)
        hosts.append(host)
        return host

    try:
        yield factory
    finally:
        for host in reversed(hosts):
            host.destroy()


# ======================================================================== end sandbox hosts
