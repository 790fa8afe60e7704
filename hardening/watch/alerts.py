"""Where events go after the hash-chained log: a JSON lines file and syslog (fast, inline), a
webhook and the history database (background threads with bounded queues: a slow or hanging
receiver never delays detection; the webhook retries with exponential backoff)."""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import queue
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from hardening.watch.compare import summary

SYSLOG_LEVELS = {"critical": logging.CRITICAL, "high": logging.WARNING, "medium": logging.WARNING,
                 "low": logging.NOTICE if hasattr(logging, "NOTICE") else logging.INFO, "info": logging.INFO}


class _SysLog(logging.handlers.SysLogHandler):
    """The stdlib handler, but a send failure is counted instead of printing a traceback."""

    failures = 0
    last_error = ""

    def handleError(self, record) -> None:  # noqa: N802 - the stdlib's name
        import sys

        self.failures += 1
        self.last_error = str(sys.exc_info()[1])


class _Worker(threading.Thread):
    """Drains a bounded queue in batches; when the queue is full the oldest batch is dropped and counted."""

    def __init__(self, name: str, handle, maxsize: int = 1000):
        super().__init__(name=name, daemon=True)
        self.queue: queue.Queue = queue.Queue(maxsize)
        self.handle = handle
        self.dropped = 0
        self.delivered = 0
        self.failures = 0
        self.last_error = ""
        self._halt = threading.Event()

    def put(self, batch: list[dict]) -> None:
        while True:
            try:
                self.queue.put_nowait(batch)
                return
            except queue.Full:
                try:
                    old = self.queue.get_nowait()
                    self.dropped += len(old)
                except queue.Empty:
                    pass

    def run(self) -> None:
        while True:
            batch = self.queue.get()
            if batch is None:
                return
            try:
                self.handle(batch, self._halt)
                self.delivered += len(batch)
            except Exception as exc:  # noqa: BLE001 - a sink failing must not kill the thread
                self.failures += 1
                self.last_error = f"{type(exc).__name__}: {exc}"

    def close(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        try:
            self.queue.put(None, timeout=max(0.0, timeout))
        except queue.Full:
            pass
        self.join(max(0.0, deadline - time.monotonic()))
        if self.is_alive():
            self._halt.set()


class Webhook:
    def __init__(self, url: str, timeout: float = 5.0, retries: int = 5, backoff: float = 0.5):
        self.url, self.timeout, self.retries, self.backoff = url, timeout, retries, backoff
        self.attempts = 0

    def __call__(self, batch: list[dict], stop: threading.Event) -> None:
        body = json.dumps({"source": "hardening-watch", "host": socket.gethostname(), "events": batch},
                          ensure_ascii=False).encode("utf-8")
        delay = self.backoff
        for attempt in range(self.retries + 1):
            self.attempts += 1
            try:
                request = urllib.request.Request(self.url, data=body, method="POST",
                                                 headers={"Content-Type": "application/json"})
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                    if 200 <= response.status < 300:
                        return
            except (urllib.error.URLError, OSError, ValueError):
                pass
            if attempt == self.retries or stop.wait(delay):
                break
            delay = min(delay * 2, 60.0)
        raise ConnectionError(f"webhook {self.url}: gave up after {self.retries + 1} attempts")


class Alerts:
    def __init__(self, jsonl: Path | None = None, syslog: str | None = None, webhook: str | None = None,
                 db: Path | None = None, webhook_timeout: float = 5.0, webhook_retries: int = 5,
                 webhook_backoff: float = 0.5):
        self.problems: list[str] = []
        self.jsonl = Path(jsonl) if jsonl else None
        self._syslog = None
        if syslog:
            address = syslog if syslog != "default" else "/dev/log"
            try:
                import stat as _stat

                if not _stat.S_ISSOCK(os.stat(address).st_mode):
                    raise OSError(f"{address} is not a socket")
                handler = _SysLog(address=address, facility=logging.handlers.SysLogHandler.LOG_AUTHPRIV)
                handler.setFormatter(logging.Formatter("hardening-watch[%(process)d]: %(message)s"))
                logger = logging.getLogger(f"hardening.watch.syslog.{id(self)}")
                logger.propagate = False
                logger.setLevel(logging.INFO)
                logger.addHandler(handler)
                self._syslog = logger
            except OSError as exc:
                self.problems.append(f"syslog {address}: {exc.strerror or exc}; syslog alerts off")
                self._syslog = None
        self.webhook = _Worker("webhook", Webhook(webhook, webhook_timeout, webhook_retries, webhook_backoff)) \
            if webhook else None
        self.store = _Worker("history-db", self._store_batch, maxsize=10000) if db else None
        self._db_path = db
        for worker in (self.webhook, self.store):
            if worker:
                worker.start()

    def _store_batch(self, batch: list[dict], stop) -> None:
        from hardening.store import Store

        store = Store(self._db_path)
        try:
            store.add_integrity_events(batch)
        finally:
            store.close()

    def send(self, events: list[dict]) -> None:
        if not events:
            return
        if self.jsonl:
            data = "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in events).encode("utf-8")
            fd = os.open(self.jsonl, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)
        if self._syslog:
            for e in events:
                self._syslog.log(SYSLOG_LEVELS.get(e.get("severity", "high"), logging.WARNING),
                                 "%s %s", summary(e), json.dumps(e, ensure_ascii=False, sort_keys=True))
        for worker in (self.webhook, self.store):
            if worker:
                for start in range(0, len(events), 500):
                    worker.put(events[start:start + 500])

    def close(self, timeout: float = 5.0) -> None:
        for worker in (self.store, self.webhook):
            if worker:
                worker.close(timeout if worker is self.store else min(timeout, 2.0))
        if self._syslog:
            for h in self._syslog.handlers:
                h.close()

    def stats(self) -> dict:
        out = {}
        for name, worker in (("webhook", self.webhook), ("history_db", self.store)):
            if worker:
                out[name] = {"delivered": worker.delivered, "dropped": worker.dropped, "failures": worker.failures,
                             "last_error": worker.last_error}
        return out
