"""Groups activity into work sessions: the raw material of one story.

Rules, per project:
- commits and AI-session turns closer than the session gap (default 3 hours) to the
  activity before them join one session;
- every turn of one AI session (same source and session_id) belongs to the same group,
  even when the developer paused longer than the gap in the middle of it;
- a session is then split into topics (topics.py): its commits and AI sessions that share no
  files, folders, identifiers or subject words make separate groups, so a batch command, image
  handling and a search feature done in one sitting are three stories, not one;
- a note joins the group of its project on the note's day that shares most of its words, file
  names and identifiers (the nearest one in time when none or several do equally); notes of a
  project and day with no session make a group of their own.

Days are UTC dates, plus the commit's local date when the collector recorded its offset,
so an evening commit at 23:30 +03:00 and a note dated that evening still meet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Iterable

from social_publisher.clock import iso, parse_iso
from social_publisher.records import NOTE, SESSION, Activity
from social_publisher.select.topics import split_topics, text_keys, unit_keys


@dataclass
class Group:
    """Activity of one project and one work session, in time order."""

    project: str
    rows: list[Activity]
    start: datetime
    end: datetime
    days: set[date] = field(default_factory=set)

    @property
    def started_at(self) -> str:
        return iso(self.start)

    @property
    def ended_at(self) -> str:
        return iso(self.end)

    @property
    def day(self) -> str:
        """The story's day for the daily cap: the UTC date it started."""
        return self.start.date().isoformat()

    def is_open(self, now: datetime, gap: timedelta) -> bool:
        """Still going on: its last activity is within the session gap of now (or after now)."""
        return self.end > now - gap


def group_activity(rows: Iterable[Activity], gap: timedelta, *, unreadable: list[Activity] | None = None,
                   split: bool = True) -> list[Group]:
    """Split activity into groups (see the module docstring); groups come in (start, project) order.

    A row whose `occurred_at` is not an ISO date-time belongs to no group; it is appended to
    `unreadable` when a list is given.
    """
    by_project = rows_by_project(rows, unreadable)
    groups: list[Group] = []
    for project in sorted(by_project):
        groups.extend(project_groups(project, by_project[project], gap, split))
    groups.sort(key=group_order)
    return groups


def rows_by_project(rows: Iterable[Activity], unreadable: list[Activity] | None = None) -> dict[str, list[Activity]]:
    """The rows with a readable time, per project (the others are appended to `unreadable`)."""
    by_project: dict[str, list[Activity]] = {}
    for row in rows:
        try:
            parse_iso(row.occurred_at)
        except (TypeError, ValueError, AttributeError):
            if unreadable is not None:
                unreadable.append(row)
            continue
        by_project.setdefault(row.project, []).append(row)
    return by_project


def group_order(group: Group):
    """The order groups come in: start, project, first row."""
    return (group.start, group.project, group.rows[0].fingerprint)


def project_groups(project: str, rows: list[Activity], gap: timedelta, split: bool) -> list[Group]:
    """The groups of one project's rows (readable times only), not yet in group order."""
    notes = [r for r in rows if r.kind == NOTE]
    work = sorted((r for r in rows if r.kind != NOTE), key=lambda r: (r.occurred_at, r.id or 0, r.fingerprint))

    clusters: list[list[tuple[Activity, datetime, datetime]]] = []
    cluster_end: datetime | None = None
    for row in work:
        start = parse_iso(row.occurred_at)
        end = max(start, _session_end(row) or start)
        if cluster_end is None or start - cluster_end > gap:
            clusters.append([])
            cluster_end = end
        clusters[-1].append((row, start, end))
        cluster_end = max(cluster_end, end)

    merged = _merge_by_session(clusters)
    if split:
        merged = [topic for members in merged for topic in _split(members)]
    groups = [_make_group(project, members) for members in merged]

    orphans: dict[date, list[tuple[Activity, datetime, datetime]]] = {}
    keys: dict[int, set[str]] = {}  # group index -> its keys, built when a note first needs them
    on_day: dict[date, list[int]] = {}  # day -> indices of the groups on it, in order
    for index, group in enumerate(groups):
        for day in group.days:
            on_day.setdefault(day, []).append(index)
    for note in sorted(notes, key=lambda r: (r.occurred_at, r.id or 0, r.fingerprint)):
        when = parse_iso(note.occurred_at)
        day = _note_day(note, when)
        home = _nearest_group(groups, on_day.get(day, []), when, note, keys)
        if home is None:
            orphans.setdefault(day, []).append((note, when, when))
        else:
            home.rows.append(note)
            home.rows.sort(key=lambda r: (r.occurred_at, r.id or 0, r.fingerprint))
    for day in sorted(orphans):
        groups.append(_make_group(project, orphans[day]))
    return groups


def _merge_by_session(clusters: list[list[tuple[Activity, datetime, datetime]]]):
    """Union clusters that share an AI session id, keeping first-seen order."""
    parent = list(range(len(clusters)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_cluster: dict[tuple[str, str], int] = {}
    for index, members in enumerate(clusters):
        for row, _, _ in members:
            session_id = row.meta.get("session_id") if row.kind == SESSION else None
            if not session_id:
                continue
            key = (row.source, str(session_id))
            if key in first_cluster:
                a, b = find(first_cluster[key]), find(index)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                first_cluster[key] = index
    merged: dict[int, list] = {}
    for index, members in enumerate(clusters):
        merged.setdefault(find(index), []).extend(members)
    return [merged[root] for root in sorted(merged)]


def _split(members: list[tuple[Activity, datetime, datetime]]) -> list[list[tuple[Activity, datetime, datetime]]]:
    by_row = {id(row): (row, start, end) for row, start, end in members}
    return [[by_row[id(row)] for row in topic] for topic in split_topics([m[0] for m in members])]


def _make_group(project: str, members: list[tuple[Activity, datetime, datetime]]) -> Group:
    members.sort(key=lambda m: (m[0].occurred_at, m[0].id or 0, m[0].fingerprint))
    days: set[date] = set()
    for row, start, _ in members:
        days.add(start.date())
        local = _local_date(row, start)
        if local:
            days.add(local)
    return Group(project=project, rows=[m[0] for m in members], start=min(m[1] for m in members),
                 end=max(m[2] for m in members), days=days)


def _nearest_group(groups: list[Group], same_day: list[int], when: datetime, note: Activity,
                   keys: dict[int, set[str]]) -> Group | None:
    """The group of the note's day (`same_day`: their indices) sharing most keys with the note,
    then the nearest in time."""
    candidates = [(index, groups[index]) for index in same_day]
    if not candidates:
        return None
    shared: dict[int, int] = {}
    if len(candidates) > 1:
        title = note.meta.get("title")
        note_keys = text_keys(f"{title if isinstance(title, str) else ''}\n{(note.text or '')[:2000]}")
        for index, group in candidates:
            if index not in keys:
                keys[index] = unit_keys(r for r in group.rows if r.kind != NOTE)
            shared[index] = len(note_keys & keys[index])
    best, best_rank = None, None
    for index, group in candidates:
        distance = max(group.start - when, when - group.end, timedelta(0))
        rank = (-shared.get(index, 0), distance)
        if best_rank is None or rank < best_rank:
            best, best_rank = group, rank
    return best


def _session_end(row: Activity) -> datetime | None:
    ended = row.meta.get("ended_at") if row.kind == SESSION else None
    if not isinstance(ended, str) or not ended:
        return None
    try:
        return parse_iso(ended)
    except ValueError:
        return None


def _note_day(note: Activity, when: datetime) -> date:
    raw = note.meta.get("date")
    if isinstance(raw, str) and len(raw) >= 10:
        try:
            return date.fromisoformat(raw[:10])
        except ValueError:
            pass
    return when.date()


def _local_date(row: Activity, when: datetime) -> date | None:
    offset = row.meta.get("tz")
    if not isinstance(offset, str):
        return None
    zone = _zone(offset)
    return when.astimezone(zone).date() if zone is not None else None


@lru_cache(maxsize=256)
def _zone(offset: str) -> timezone | None:
    """The time zone of a "+03:00" offset, or None when it is not one."""
    if len(offset) < 6 or offset[0] not in "+-":
        return None
    try:
        hours, minutes = int(offset[1:3]), int(offset[4:6])
    except ValueError:
        return None
    sign = 1 if offset[0] == "+" else -1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
