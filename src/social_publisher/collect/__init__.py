"""Stage 1, collect: read the configured sources and store new `activity` rows.

Each source type is a `Source` subclass registered by name (`@register`); the
stage builds one per `[[sources]]` entry and lets it stream activity into the
store. Sources are incremental (a cursor per source in the store), streaming
(files are read line by line) and tolerant (a bad line is counted in the report
as `path:line: reason` and skipped).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import ClassVar

from social_publisher import clock
from social_publisher.config import Config, SourceConfig
from social_publisher.records import Activity
from social_publisher.report import StageReport
from social_publisher.store import Store

MAX_REASONS = 5  # first reasons kept per source in the report; the rest are only counted


@dataclass
class SourceReport:
    """What one source did in one collect run."""

    source: str
    type: str
    files_read: int = 0
    new_activity: int = 0
    skipped: int = 0
    too_old: int = 0  # activity older than the source's history cutoff, left out
    reasons: list[str] = field(default_factory=list)

    def skip(self, reason: str) -> None:
        """Count a skipped line/file; keep the first few reasons (`path:line: reason`)."""
        self.skipped += 1
        if len(self.reasons) < MAX_REASONS:
            self.reasons.append(reason)


@dataclass
class CollectReport(StageReport):
    stage: str = "collect"
    sources: list[SourceReport] = field(default_factory=list)

    @property
    def new_activity(self) -> int:
        return sum(s.new_activity for s in self.sources)

    @property
    def skipped(self) -> int:
        return sum(s.skipped for s in self.sources)

    @property
    def too_old(self) -> int:
        return sum(s.too_old for s in self.sources)

    def summary(self) -> str:
        files = sum(s.files_read for s in self.sources)
        older = f", {self.too_old} older than [collect] history_days left out" if self.too_old else ""
        return (f"collect: {len(self.sources)} sources, {files} files read, "
                f"{self.new_activity} new activity, {self.skipped} skipped{older}")


class Source(ABC):
    """A kind of source. Subclasses set `type` and implement `collect`."""

    type: ClassVar[str]

    cutoff: datetime | None = None  # activity before it is left out (`[collect] history_days`)

    def __init__(self, config: SourceConfig):
        self.config = config

    @property
    def name(self) -> str:
        """Key for this source's cursor in the store."""
        return self.config.name

    @abstractmethod
    def collect(self, store: Store, report: SourceReport) -> None:
        """Store new activity (store.add_activity) and advance the cursor (store.set_cursor).

        Must never raise for bad data: call report.skip("path:line: reason") and go on.
        Rows go through `recent` on their way to the store.
        """

    def recent(self, rows: list[Activity], report: SourceReport) -> list[Activity]:
        """The rows at or after the history cutoff; the others are counted in the report."""
        if self.cutoff is None:
            return rows
        kept = [row for row in rows if datetime.fromisoformat(row.occurred_at) >= self.cutoff]
        report.too_old += len(rows) - len(kept)
        return kept


SOURCES: dict[str, type[Source]] = {}


def register(cls: type[Source]) -> type[Source]:
    """Class decorator: make a Source available by its `type` name in the config."""
    SOURCES[cls.type] = cls
    return cls


def _load_builtin_sources() -> None:
    # Imported for their @register side effect.
    from social_publisher.collect import aider, claude_code, codex, git, notes  # noqa: F401


def collect(store: Store, config: Config) -> CollectReport:
    _load_builtin_sources()
    report = CollectReport()
    for source_config in config.sources:
        source = SOURCES[source_config.type](source_config)
        source.cutoff = history_cutoff(store, config, source_config)
        source_report = SourceReport(source=str(source_config.path), type=source_config.type)
        source.collect(store, source_report)
        report.sources.append(source_report)
        if source_report.skipped:
            report.warnings.append(
                f"{source_config.path}: skipped {source_report.skipped} bad line(s) or file(s); first: "
                + "; ".join(source_report.reasons[:3])
            )
    return report


def history_cutoff(store: Store, config: Config, source: SourceConfig) -> datetime | None:
    """When `[collect] history_days` is set: the source's first collection time less that many
    days, fixed in the store on that first run so later runs never reach further back."""
    if not config.collect.history_days:
        return None
    key = f"history-cutoff:{source.name}"
    if (stored := store.cursor(key)) is None:
        stored = clock.iso(clock.now() - timedelta(days=config.collect.history_days))
        store.set_cursor(key, stored)
    return datetime.fromisoformat(stored)
