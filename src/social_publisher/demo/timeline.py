"""When the demo's days fall: the latest calendar days whose work has all ended before "now".

Blocks are placed by (day index, local clock time) so the history reads like real
working days (sessions in the morning, chores after lunch); this module picks the
first day so that the last block ends shortly before `clock.now()`, which keeps
the demo valid under `SOCIAL_PUBLISHER_NOW` replays.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from typing import Iterable, Protocol

from social_publisher.config import SelectConfig
from social_publisher.demo.script import Project

# Everything must have happened at least this long before "now": with [select]
# hold_open_sessions on, a work session whose last activity is within session_gap_hours
# of now counts as still going on and is held back.
MARGIN = timedelta(hours=SelectConfig().session_gap_hours, minutes=30)


class Dated(Protocol):
    """Anything placed on the demo's days: a block, or a note (which takes no time)."""

    day: int
    at: str


def block_start(block: Dated, first_day: date, tz: tzinfo) -> datetime:
    """The aware local datetime at which a block starts."""
    return datetime.combine(first_day + timedelta(days=block.day), time.fromisoformat(block.at), tzinfo=tz)


def _events(projects: Iterable[Project], extra: Iterable[tuple[Dated, tzinfo]]) -> list[tuple[Dated, tzinfo]]:
    return [(block, project.tz) for project in projects for block in project.blocks] + list(extra)


def last_moment(events: list[tuple[Dated, tzinfo]], first_day: date) -> datetime:
    return max(block_start(item, first_day, tz) + getattr(item, "duration", timedelta(0))
               for item, tz in events)


def choose_first_day(projects: Iterable[Project], now: datetime,
                     extra: Iterable[tuple[Dated, tzinfo]] = ()) -> date:
    """The latest first day for which every block (and extra item) ends at least MARGIN before `now`."""
    events = _events(projects, extra)
    span = max(item.day for item, _ in events)
    # Start a day ahead so timezones east of UTC (whose local date may be tomorrow) are covered.
    first_day = now.date() + timedelta(days=1) - timedelta(days=span)
    while last_moment(events, first_day) > now - MARGIN:
        first_day -= timedelta(days=1)
    return first_day
