"""The daily LLM budget: `[writer] daily_budget` calls per calendar day, reserved before each call.

A call is reserved in the store in one transaction before it is made (`Store.reserve_llm_call`),
so two processes writing at once can never overspend, and a call that then fails still counts.
`plan` tells `status` and `write --dry-run` what today's budget covers: the waiting stories best
first, the calls they need (a cached first answer needs none) and which would wait.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from social_publisher import clock
from social_publisher.config import Config
from social_publisher.records import STORY_BRIEFED, Story
from social_publisher.write.base import BudgetSpent

if TYPE_CHECKING:
    from social_publisher.store import Store


def today() -> str:
    """The budget's day: the local calendar day, or the day SOCIAL_PUBLISHER_NOW names."""
    if os.environ.get(clock.NOW_ENV):
        return clock.now().date().isoformat()
    return datetime.now().astimezone().date().isoformat()


def reserve(store: "Store", config: Config, *, story_id: int | None, backend: str, prompt_key: str) -> int:
    """Reserve one call for today, or BudgetSpent."""
    day = today()
    reservation = store.reserve_llm_call(day, config.writer.daily_budget, story_id=story_id, backend=backend,
                                         prompt_key=prompt_key)
    if reservation is None:
        raise BudgetSpent(f"the daily LLM budget of {config.writer.daily_budget} calls is spent for {day}; "
                          "the remaining stories wait for tomorrow")
    return reservation


def waiting_stories(store: "Store") -> list[Story]:
    """Briefed stories in the order they are written: best score first, then oldest."""
    return sorted(store.stories(status=STORY_BRIEFED), key=lambda s: (-s.score, s.started_at, s.id or 0))


@dataclass
class BudgetPlan:
    day: str
    used: int
    limit: int
    backend: str
    uses_llm: bool
    waiting: list[int] = field(default_factory=list)  # story ids, best first
    needed: int = 0  # calls the waiting stories need at least (one each unless cached; a retry adds one)
    would_write: list[int] = field(default_factory=list)
    would_wait: list[int] = field(default_factory=list)
    failures: dict[int, str] = field(default_factory=dict)  # story id -> why its last write failed

    def as_dict(self) -> dict:
        return {"day": self.day, "used": self.used, "limit": self.limit, "backend": self.backend,
                "needed": self.needed, "waiting": self.waiting, "would_write": self.would_write,
                "would_wait": self.would_wait, "failures": {str(k): v for k, v in self.failures.items()}}

    def lines(self) -> list[str]:
        if not self.uses_llm:
            return [f"LLM budget {self.day}: not used by the {self.backend} writer"]
        out = [f"LLM budget {self.day}: {self.used} of {self.limit} calls used; "
               f"{len(self.waiting)} waiting stories need {self.needed} call(s) (up to {2 * self.needed} with retries)"]
        if self.would_wait:
            out.append(f"  would wait for tomorrow: stories {', '.join(map(str, self.would_wait))}")
        for story_id, reason in self.failures.items():
            out.append(f"  story {story_id} last failed: {reason}")
        return out


def plan(store: "Store", config: Config, cached: "set[int] | None" = None) -> BudgetPlan:
    """What today's budget covers. `cached`: ids of stories whose first answer is in the cache."""
    day = today()
    uses_llm = config.writer.backend != "offline"
    result = BudgetPlan(day=day, used=store.llm_calls_on(day), limit=config.writer.daily_budget,
                        backend=config.writer.backend, uses_llm=uses_llm)
    failures = store.write_failures()
    left = max(0, result.limit - result.used)
    for story in waiting_stories(store):
        result.waiting.append(story.id)  # type: ignore[arg-type]
        if story.id in failures:
            result.failures[story.id] = failures[story.id]["reason"]  # type: ignore[index]
        need = 0 if (cached and story.id in cached) or not uses_llm else 1
        result.needed += need
        if need <= left:
            left -= need
            result.would_write.append(story.id)  # type: ignore[arg-type]
        else:
            result.would_wait.append(story.id)  # type: ignore[arg-type]
    return result
