"""What time it is for the pipeline: `SOCIAL_PUBLISHER_NOW` overrides the wall clock.

Budgets, digests and scheduling use `now()` so tests and users can replay a day.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timezone

from social_publisher.errors import UsageError

NOW_ENV = "SOCIAL_PUBLISHER_NOW"


def now() -> datetime:
    """Return an aware datetime: the override when set, else the current UTC time."""
    raw = os.environ.get(NOW_ENV)
    if not raw:
        return datetime.now(timezone.utc)
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise UsageError(f"{NOW_ENV}={raw!r} is not an ISO date-time (e.g. 2026-11-26T09:00:00+00:00)") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value


def today() -> date:
    return now().date()


def iso(value: datetime) -> str:
    """Store timestamps as ISO-8601 strings in UTC so they sort as text."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat(timespec="seconds")


def parse_iso(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value
