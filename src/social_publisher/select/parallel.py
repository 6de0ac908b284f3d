"""Groups new activity and builds the candidates of its groups, on every core when there is a lot.

Projects are independent: grouping is per project, and the one thing a builder remembers
between groups, the technologies a project has seen, is per project. So the projects are
dealt out to this process and forked worker processes; each groups its projects' rows and
builds (and masks) their candidates in time order, and the results are put back in group
order: the output is the same as grouping and building everything here. Below
`PARALLEL_MIN_ROWS` rows, on one core, or where processes cannot be forked, everything is
done in this process.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from datetime import timedelta

from social_publisher.records import Activity
from social_publisher.select.candidates import Built, CandidateBuilder
from social_publisher.select.grouping import Group, group_order, project_groups, rows_by_project

PARALLEL_MIN_ROWS = 20_000
MAX_WORKERS = 4

# What the forked workers read: set just before the pool starts, cleared when it is done.
_work: tuple[CandidateBuilder, dict[str, list[Activity]], timedelta, bool] | None = None


def group_and_build(builder: CandidateBuilder, rows: list[Activity], gap: timedelta, *, split: bool = True,
                    unreadable: list[Activity] | None = None) -> list[tuple[Group, Built]]:
    """Every group of `rows` (see grouping.group_activity) with its candidate, in group order."""
    by_project = rows_by_project(rows, unreadable)
    readable = [row for project_rows in by_project.values() for row in project_rows]
    workers = min(MAX_WORKERS, os.cpu_count() or 1)
    buckets = _deal_projects(readable, workers)
    if len(readable) < PARALLEL_MIN_ROWS or len(buckets) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return _group_and_build(builder, by_project, sorted(by_project), gap, split)
    global _work
    _work = (builder, by_project, gap, split)
    try:
        with multiprocessing.get_context("fork").Pool(len(buckets) - 1) as pool:
            pending = pool.map_async(_build_bucket, buckets[1:])
            built = _group_and_build(builder, by_project, buckets[0], gap, split)  # this process takes a share too
            parts = pending.get()
    finally:
        _work = None
    # Workers send each group's rows back as positions in its project's rows (see _build_bucket).
    built += [(dataclasses.replace(group, rows=[by_project[group.project][i] for i in group.rows]), item)
              for part in parts for group, item in part]
    built.sort(key=lambda pair: group_order(pair[0]))
    return built


def _group_and_build(builder: CandidateBuilder, by_project: dict[str, list[Activity]], projects: list[str],
                     gap: timedelta, split: bool) -> list[tuple[Group, Built]]:
    groups = sorted((group for project in projects for group in project_groups(project, by_project[project], gap, split)),
                    key=group_order)
    return [(group, builder.build(group)) for group in groups]


def _build_bucket(projects: list[str]) -> list[tuple[Group, Built]]:
    assert _work is not None, "workers are started by group_and_build"
    builder, by_project, gap, split = _work
    position = {id(row): index for project in projects for index, row in enumerate(by_project[project])}
    # The rows themselves are already in the parent: only their positions travel back, not their text.
    return [(dataclasses.replace(group, rows=[position[id(row)] for row in group.rows]), built)
            for group, built in _group_and_build(builder, by_project, sorted(projects), gap, split)]


def _deal_projects(items: list, workers: int) -> list[list[str]]:
    """Projects per worker: the projects of `items` (activity rows or groups), weighed by their
    number of items, biggest first to the least loaded worker."""
    size: dict[str, int] = {}
    for item in items:
        size[item.project] = size.get(item.project, 0) + 1
    buckets: list[list[str]] = [[] for _ in range(min(workers, len(size)))]
    loads = [0] * len(buckets)
    for project in sorted(size, key=lambda p: (-size[p], p)):
        lightest = loads.index(min(loads))
        buckets[lightest].append(project)
        loads[lightest] += size[project]
    return [bucket for bucket in buckets if bucket]
