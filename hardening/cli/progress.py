"""Progress of a fleet scan on stderr: a live line on a TTY, plain lines otherwise, nothing with --quiet."""

from __future__ import annotations

import sys
import threading
import time

import click


class Progress:
    def __init__(self, total: int, quiet: bool = False, stream=None):
        self.total = total
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() and not quiet
        self.done = self.failed = self.running = 0
        self.started = time.monotonic()
        self.lock = threading.Lock()

    def start(self, name: str) -> None:
        with self.lock:
            self.running += 1
            self._draw()

    def finish(self, result) -> None:
        with self.lock:
            self.running = max(0, self.running - 1)
            self.done += 1
            self.failed += result.status == "error"
            if self.quiet:
                return
            if self.live:
                self._draw()
                return
            failing = sum(1 for f in result.findings if f.status.value == "fail")
            outcome = (f"error: {result.error}" if result.status == "error"
                       else f"ok ({failing} failing, {result.timings.get('collect_s', 0):.2f} s)")
            click.echo(f"hardening: [{self.done}/{self.total}] {result.name} {outcome}", err=True)

    def _draw(self) -> None:
        if not self.live or self.total < 2:
            return
        elapsed = time.monotonic() - self.started
        eta = f"{elapsed / self.done * (self.total - self.done):.0f}s" if self.done else "?"
        self.stream.write(f"\r\x1b[K{self.done}/{self.total} hosts done, {self.failed} failed, "
                          f"{self.running} running, ETA {eta}")
        self.stream.flush()

    def close(self) -> None:
        if self.live and self.total >= 2:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
