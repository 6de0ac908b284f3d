"""A store writer in a thread of its own, so a collector parses while its rows are written.

SQLite does its work (B-tree inserts, WAL pages) with the GIL released: on a second
connection in a second thread it runs beside the parsing, which has the main thread to
itself. Jobs run one at a time in the order given, each in one transaction, so what is stored
is exactly what a synchronous collector would have stored at the same point — rows and the
cursor that follows them together. The first error a job raises is raised again in the
collector's thread by the next `submit` or by `close`; later jobs are then dropped, as a
synchronous run would have stopped there.

After each statement the writer needs the GIL back, and a parsing thread that never blocks
hands it over only when the switch interval (5 ms by default) runs out: a writer waiting that
long a statement falls behind and the collector then waits for it. So while a writer runs the
interval is WRITER_SWITCH_INTERVAL, and the store's batches are few statements each.
"""

from __future__ import annotations

import queue
import sys
import threading
from pathlib import Path
from typing import Callable

from social_publisher.store import Store

Job = Callable[[Store], None]
QUEUED_JOBS = 4  # flushes waiting at most: bounds the memory held by rows not yet written
WRITER_SWITCH_INTERVAL = 0.0005  # seconds (short-turns bench: 5 ms 0.85-0.91 s, 1 ms 0.74-0.79 s, 0.5 ms 0.67-0.72 s)


class BackgroundWriter:
    def __init__(self, path: Path):
        self._jobs: queue.Queue[Job | None] = queue.Queue(maxsize=QUEUED_JOBS)
        self._error: BaseException | None = None  # to raise in the collector's thread (once)
        self._failed = False  # a job failed: every later one is dropped, even once the error is raised
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._switch_interval, WRITER_SWITCH_INTERVAL))
        self._thread = threading.Thread(target=self._run, args=(path,), name="store-writer", daemon=True)
        self._thread.start()

    def submit(self, job: Job) -> None:
        self._raise_error()
        self._jobs.put(job)

    def close(self) -> None:
        """Wait until every job is written; raise the first error one of them met."""
        self._stop()
        self._raise_error()

    def __enter__(self) -> "BackgroundWriter":
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.close()
        else:  # the collector failed: finish what was handed over, keep the collector's own error
            self._stop()

    def _stop(self) -> None:
        self._jobs.put(None)
        self._thread.join()
        sys.setswitchinterval(self._switch_interval)

    def _raise_error(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _run(self, path: Path) -> None:
        try:
            store = Store(path)
        except BaseException as exc:  # noqa: BLE001 - handed to the collector's thread
            self._error, self._failed = exc, True
            store = None
        try:
            while (job := self._jobs.get()) is not None:
                if store is not None and not self._failed:
                    try:
                        with store.transaction():
                            job(store)
                    except BaseException as exc:  # noqa: BLE001 - handed to the collector's thread
                        self._error, self._failed = exc, True
        finally:
            if store is not None:
                store.close()
