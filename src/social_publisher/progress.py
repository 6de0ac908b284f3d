"""Progress display for long work: a rich progress bar on a terminal, nothing otherwise."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn


class _Silent:
    def advance(self, amount: float = 1) -> None:
        pass

    def update(self, *, total: float | None = None, description: str | None = None) -> None:
        pass


class _Bar:
    def __init__(self, progress: Progress, task_id: int):
        self._progress, self._task = progress, task_id

    def advance(self, amount: float = 1) -> None:
        self._progress.advance(self._task, amount)

    def update(self, *, total: float | None = None, description: str | None = None) -> None:
        kwargs = {k: v for k, v in (("total", total), ("description", description)) if v is not None}
        self._progress.update(self._task, **kwargs)


@contextmanager
def progress_bar(description: str, total: float | None = None) -> Iterator[_Bar | _Silent]:
    """Yield an object with .advance(n) and .update(total=, description=).

    Shown on stderr only when stderr is a terminal, so pipes, CI and --json output stay clean.
    """
    if not sys.stderr.isatty():
        yield _Silent()
        return
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        transient=True, console=Console(stderr=True),
    )
    with progress:
        yield _Bar(progress, progress.add_task(description, total=total))
