"""The orchestrator: fixes the stage order and runs stages over one store.

Stages never call each other; each reads its input from the store and writes its
output there, so any stage can be re-run alone and a killed run resumes.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Callable, Iterator

from social_publisher.config import Config
from social_publisher.errors import PublisherError
from social_publisher.report import StageReport
from social_publisher.store import Store

# "review" sends waiting posts to the owner's Telegram chat and applies the answers, so an
# approved post is published in the same run; it does nothing unless [review] telegram_chat_id is set.
STAGE_ORDER = ("collect", "select", "enrich", "write", "review", "publish")


def stage_function(name: str) -> Callable[[Store, Config], StageReport | None]:
    """The function that runs stage `name` (imported lazily: a stage's deps load only when used)."""
    if name == "collect":
        from social_publisher.collect import collect as function
    elif name == "select":
        from social_publisher.select import select as function
    elif name == "enrich":
        from social_publisher.enrich import enrich as function
    elif name == "write":
        from social_publisher.write import write as function
    elif name == "review":
        from social_publisher.ops.telegram_review import review as function
    elif name == "publish":
        from social_publisher.publish import publish as function
    else:
        raise KeyError(name)
    return function


def open_store(config: Config) -> Store:
    return Store(config.store.path)


class RunInProgress(PublisherError):
    """Raised by `exclusive_run` when another process is already running stages on the same store."""


@contextmanager
def exclusive_run(config: Config) -> Iterator[None]:
    """Hold a lock beside the store file while stages run, so two runs (an overlapping cron job,
    a second terminal) never work on the same store at once. The OS drops the lock if we die."""
    lock_path = config.store.path.with_name(config.store.path.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as lock_file:
        try:
            _lock(lock_file)
        except OSError:
            lock_file.seek(0)
            holder = lock_file.read().strip() or "another process"
            raise RunInProgress(f"{config.store.path}: another run is in progress (pid {holder}); "
                                "try again when it ends") from None
        lock_file.seek(0)
        lock_file.truncate()
        lock_file.write(str(os.getpid()))
        lock_file.flush()
        try:
            yield
        finally:
            _unlock(lock_file)


if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(lock_file) -> None:
        lock_file.seek(0)
        msvcrt.locking(lock_file.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(lock_file) -> None:
        lock_file.seek(0)
        msvcrt.locking(lock_file.fileno(), msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(lock_file) -> None:
        fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(lock_file) -> None:
        fcntl.flock(lock_file, fcntl.LOCK_UN)


def run_stages(store: Store, config: Config, stages: tuple[str, ...] = STAGE_ORDER,
               on_report: Callable[[StageReport], None] | None = None) -> list[StageReport]:
    """Run the given stages in pipeline order; call on_report after each."""
    reports = []
    for name in STAGE_ORDER:
        if name not in stages:
            continue
        report = stage_function(name)(store, config)
        if report is None:  # the stage has nothing to do with this config
            continue
        reports.append(report)
        if on_report:
            on_report(report)
    return reports
