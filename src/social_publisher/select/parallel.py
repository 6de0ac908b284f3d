"""Reads, groups and builds the candidates of new activity, on every core when there is a lot.

Projects are independent: grouping is per project, and the one thing a builder remembers
between groups, the technologies a project has seen, is per project. So the projects are
dealt out to this process and forked worker processes; each reads its own projects' rows
from the store (on a connection of its own), groups them and builds (and masks) their
candidates in time order. Only the candidates and a summary of each group come back (the
rows stay in the process that read them), put back in group order: the output is the same
as reading, grouping and building everything here. Below `PARALLEL_MIN_ROWS` rows, on one
core, or where processes cannot be forked, everything is done in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from social_publisher.records import Activity
from social_publisher.select.candidates import Built, CandidateBuilder
from social_publisher.select.facts import reverted_hashes
from social_publisher.select.grouping import group_order, project_groups, rows_by_project
from social_publisher.store import Store

PARALLEL_MIN_ROWS = 20_000
MAX_WORKERS = 4


@dataclass(frozen=True)
class Grouped:
    """One group's candidate, with what select still asks of the group itself."""

    built: Built
    start: datetime
    end: datetime
    rows: int
    order: tuple  # grouping.group_order of the group

    def is_open(self, now: datetime, gap: timedelta) -> bool:
        """Still going on: its last activity is within the session gap of now (or after now)."""
        return self.end > now - gap


@dataclass
class _Work:
    """What the forked workers read: set just before the pool starts, cleared when it is done."""

    builder: CandidateBuilder
    store_path: Path
    gap: timedelta
    split: bool


_work: _Work | None = None


def group_and_build(builder: CandidateBuilder, store: Store, gap: timedelta, *, split: bool = True,
                    unreadable: list[Activity] | None = None) -> list[Grouped]:
    """Every group of the store's unconsidered rows (see grouping.group_activity) with its
    candidate, in group order. Rows whose time cannot be read are appended to `unreadable`,
    in the store's order."""
    sizes = store.unconsidered_per_project()
    buckets = _deal_projects(sizes, min(MAX_WORKERS, os.cpu_count() or 1))
    if sum(sizes.values()) < PARALLEL_MIN_ROWS or len(buckets) < 2 \
            or "fork" not in multiprocessing.get_all_start_methods():
        grouped, skipped = _read_and_build(builder, store, None, gap, split)
    else:
        global _work
        _work = _Work(builder, store.path, gap, split)
        try:
            with multiprocessing.get_context("fork").Pool(len(buckets) - 1) as pool:
                pending = pool.map_async(_build_bucket, buckets[1:])
                grouped, skipped = _read_and_build(builder, store, buckets[0], gap, split)  # this process's share
                for part, part_skipped in pending.get():
                    grouped += part
                    skipped += part_skipped
        finally:
            _work = None
        grouped.sort(key=lambda item: item.order)
        skipped.sort(key=lambda row: (row.occurred_at, row.id or 0))
    if unreadable is not None:
        unreadable += skipped
    return grouped


def _read_and_build(builder: CandidateBuilder, store: Store, projects: list[str] | None, gap: timedelta,
                    split: bool) -> tuple[list[Grouped], list[Activity]]:
    skipped: list[Activity] = []
    by_project = rows_by_project(store.activity(unconsidered=True, projects=projects), skipped)
    # A revert names a commit of its own repository: each project's reverts are its own.
    reverted = {project: reverted_hashes(rows) for project, rows in by_project.items()}
    groups = sorted((group for project in sorted(by_project) for group in project_groups(project, by_project[project],
                                                                                          gap, split)),
                    key=group_order)
    return [Grouped(builder.build(group, reverted[group.project]), group.start, group.end, len(group.rows),
                    group_order(group))
            for group in groups], skipped


def _build_bucket(projects: list[str]) -> tuple[list[Grouped], list[Activity]]:
    assert _work is not None, "workers are started by group_and_build"
    # A connection is never carried over a fork: each worker opens its own, to read only.
    with Store(_work.store_path) as store:
        return _read_and_build(_work.builder, store, projects, _work.gap, _work.split)


def _deal_projects(sizes: dict[str, int], workers: int) -> list[list[str]]:
    """Projects per worker, weighed by their number of rows, biggest first to the least loaded worker."""
    buckets: list[list[str]] = [[] for _ in range(min(workers, len(sizes)))]
    loads = [0] * len(buckets)
    for project in sorted(sizes, key=lambda p: (-sizes[p], p)):
        lightest = loads.index(min(loads))
        buckets[lightest].append(project)
        loads[lightest] += sizes[project]
    return [bucket for bucket in buckets if bucket]
