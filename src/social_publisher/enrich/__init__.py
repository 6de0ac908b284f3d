"""Stage 3, enrich: one redacted brief per selected story.

For every story with status "selected" the stage gathers its activity, builds
the facts (`facts.py`, every text scrubbed by `redact.py` first), picks a joke
no earlier brief used (`jokes.py`), saves the brief and moves the story to
"briefed". A story is briefed once: re-running adds nothing. Wikipedia
enrichment needs the network and is not done here yet (`brief.wiki` stays None).
"""

from __future__ import annotations

from dataclasses import dataclass

from social_publisher.config import Config
from social_publisher.enrich import jokes
from social_publisher.enrich.facts import build_facts
from social_publisher.enrich.redact import Redactor
from social_publisher.records import STORY_BRIEFED, STORY_SELECTED, Brief
from social_publisher.report import StageReport
from social_publisher.store import Store

__all__ = ["EnrichReport", "enrich"]


@dataclass
class EnrichReport(StageReport):
    stage: str = "enrich"
    briefs: int = 0
    redactions: int = 0
    jokes: int = 0


def enrich(store: Store, config: Config) -> EnrichReport:
    report = EnrichReport()
    redactor = Redactor.for_config(config, store)
    used_jokes = store.used_joke_ids()
    out_of_jokes = False
    for story in store.stories(status=STORY_SELECTED):
        if store.brief(story.id) is not None:  # briefed before a crash, status not yet moved
            store.set_story_status(story.id, STORY_BRIEFED)
            continue
        log: list[tuple[int | None, str, str, str]] = []
        facts, redactions = build_facts(story, store.activity(ids=story.activity_ids), redactor, log)
        joke = None
        if config.enrich.jokes:
            joke = jokes.pick(jokes.story_terms(facts), used_jokes, seed=story.fingerprint or str(story.id))
            if joke is None:
                out_of_jokes = True
            else:
                used_jokes.add(joke.id)
                report.jokes += 1
        with store.transaction():
            store.save_brief(Brief(story_id=story.id, facts=facts, redactions=redactions,
                                   joke_id=joke.id if joke else None))
            store.save_redactions(story.id, log)
            store.set_story_status(story.id, STORY_BRIEFED)
        report.briefs += 1
        report.redactions += redactions
    if out_of_jokes:
        report.warnings.append(
            f"every one of the {len(jokes.corpus())} shipped jokes is used; later posts close without a joke")
    return report
