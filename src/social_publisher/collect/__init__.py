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
from typing import ClassVar

from social_publisher.config import Config, SourceConfig
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

    def summary(self) -> str:
        files = sum(s.files_read for s in self.sources)
        return (f"collect: {len(self.sources)} sources, {files} files read, "
                f"{self.new_activity} new activity, {self.skipped} skipped")


class Source(ABC):
    """A kind of source. Subclasses set `type` and implement `collect`."""

    type: ClassVar[str]

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
        """


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
        source_report = SourceReport(source=str(source_config.path), type=source_config.type)
        source.collect(store, source_report)
        report.sources.append(source_report)
        if source_report.skipped:
            report.warnings.append(
                f"{source_config.path}: skipped {source_report.skipped} bad line(s) or file(s); first: "
                + "; ".join(source_report.reasons[:3])
            )
    return report
