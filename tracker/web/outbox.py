"""Work an app process does after it has answered: e-mail a page must not wait for.

"Forgotten your password?" answers at once, the same words in the same time whether or not
an account has the address typed; looking the account up, making its link and sending the
e-mail happen here, on a thread of this process. Nothing another process needs is kept:
the link is a row in the database, and a send lost with its process is asked for again.
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
from collections.abc import Callable
from typing import Any

LOG = logging.getLogger("tracker.mail")
THREADS = 2  # a slow e-mail server holds one; the second keeps the queue moving


class Outbox:
    def __init__(self) -> None:
        self._pool = concurrent.futures.ThreadPoolExecutor(THREADS, "tracker-outbox")
        self._pending: set[concurrent.futures.Future[Any]] = set()
        self._lock = threading.Lock()

    def submit(self, work: Callable[..., Any], *args: Any) -> None:
        future = self._pool.submit(work, *args)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._done)

    def _done(self, future: concurrent.futures.Future[Any]) -> None:
        with self._lock:
            self._pending.discard(future)
        failed = future.exception()
        if failed is not None:  # never a page's: the clinic's log says it
            LOG.error("work after the answer failed", exc_info=failed)

    def wait(self, timeout: float = 60) -> None:
        """Until what was submitted so far is done (tests; a process stopping)."""
        with self._lock:
            pending = set(self._pending)
        concurrent.futures.wait(pending, timeout=timeout)
