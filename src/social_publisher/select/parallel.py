"""Builds the candidates of many groups, on every core when there is a lot of new activity.

Candidates of different projects are independent (the one thing a builder remembers
between groups, the technologies a project has seen, is per project), so the projects
are dealt out to forked worker processes, each building its projects' groups in time
order, and the results are put back in group order: the output is the same as building
them one by one. Below `PARALLEL_MIN_ROWS` rows, on one core, or where processes cannot
be forked, everything is built here, in this process.
"""

from __future__ import annotations

import multiprocessing
import os

from social_publisher.select.candidates import Built, CandidateBuilder
from social_publisher.select.grouping import Group

PARALLEL_MIN_ROWS = 20_000
MAX_WORKERS = 4

# What the forked workers read: set just before the pool starts, cleared when it is done.
_work: tuple[CandidateBuilder, list[Group]] | None = None


def build_all(builder: CandidateBuilder, groups: list[Group]) -> list[Built]:
    rows = sum(len(g.rows) for g in groups)
    workers = min(MAX_WORKERS, os.cpu_count() or 1)
    buckets = _deal_projects(groups, workers)
    if rows < PARALLEL_MIN_ROWS or len(buckets) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [builder.build(group) for group in groups]
    global _work
    _work = (builder, groups)
    try:
        with multiprocessing.get_context("fork").Pool(len(buckets)) as pool:
            parts = pool.map(_build_bucket, buckets)
    finally:
        _work = None
    built: list[Built | None] = [None] * len(groups)
    for part in parts:
        for index, item in part:
            built[index] = item
    return built  # type: ignore[return-value]


def _build_bucket(indices: list[int]) -> list[tuple[int, Built]]:
    assert _work is not None, "workers are started by build_all"
    builder, groups = _work
    return [(index, builder.build(groups[index])) for index in indices]


def _deal_projects(groups: list[Group], workers: int) -> list[list[int]]:
    """Group indices per worker: whole projects, biggest first to the least loaded worker,
    each project's groups kept in time order."""
    by_project: dict[str, list[int]] = {}
    for index, group in enumerate(groups):
        by_project.setdefault(group.project, []).append(index)
    size = {project: sum(len(groups[i].rows) for i in indices) for project, indices in by_project.items()}
    buckets: list[list[int]] = [[] for _ in range(min(workers, len(by_project)))]
    loads = [0] * len(buckets)
    for project in sorted(by_project, key=lambda p: (-size[p], p)):
        lightest = loads.index(min(loads))
        buckets[lightest].extend(by_project[project])
        loads[lightest] += size[project]
    return [sorted(bucket) for bucket in buckets if bucket]
