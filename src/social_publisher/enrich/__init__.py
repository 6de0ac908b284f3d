"""Stage 3, enrich: one redacted brief per selected story.

For every story with status "selected" the stage gathers its activity, builds
the facts (`facts.py`, every text scrubbed by `redact.py` first), picks a joke
no earlier brief used (`jokes.py`), adds the Wikipedia fact about its main
technology (`wikipedia.py`: fetched for all stories of the run together, before
the loop, and cached) and a cover card (`covers.py`, `<store dir>/covers/`), saves
the brief and moves the story to "briefed". A story is briefed once: re-running
adds nothing. Without the network the briefs go on without facts (one warning).
"""

from __future__ import annotations

from dataclasses import dataclass

from social_publisher.config import Config
from social_publisher.enrich import covers, jokes, wikipedia
from social_publisher.write import checks
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
    wiki_facts: int = 0
    wiki_requests: int = 0
    covers: int = 0


def enrich(store: Store, config: Config) -> EnrichReport:
    report = EnrichReport()
    redactor = Redactor.for_config(config, store)
    used_jokes = store.used_joke_ids()
    out_of_jokes = False
    todo = []
    for story in store.stories(status=STORY_SELECTED):
        if store.brief(story.id) is not None:  # briefed before a crash, status not yet moved
            store.set_story_status(story.id, STORY_BRIEFED)
        else:
            todo.append(story)
    wiki = wikipedia.WikiResult()
    if config.enrich.wikipedia and todo:
        wiki = wikipedia.gather(store, config.enrich, todo)
        report.wiki_requests = wiki.requests
        if wikipedia.warning(wiki):
            report.warnings.append(wikipedia.warning(wiki))  # type: ignore[arg-type]
    for story in todo:
        log: list[tuple[int | None, str, str, str]] = []
        facts, redactions = build_facts(story, store.activity(ids=story.activity_ids), redactor, log)
        joke = None
        # a story `write` will drop as too thin gets no joke: the shipped ones run out on a long history
        if config.enrich.jokes and not checks.thin_story(facts, config.writer.min_words):
            joke = jokes.pick(jokes.story_terms(facts), used_jokes, seed=story.fingerprint or str(story.id))
            if joke is None:
                out_of_jokes = True
            else:
                used_jokes.add(joke.id)
                report.jokes += 1
        fact = wiki.facts.get(story.id)  # type: ignore[arg-type]
        report.wiki_facts += fact is not None
        image_path = _cover(store, config, story, facts) if config.enrich.cover_images else None
        report.covers += image_path is not None
        with store.transaction():
            store.save_brief(Brief(story_id=story.id, facts=facts, redactions=redactions, wiki=fact,
                                   joke_id=joke.id if joke else None, image_path=image_path))
            store.save_redactions(story.id, log)
            store.set_story_status(story.id, STORY_BRIEFED)
        report.briefs += 1
        report.redactions += redactions
    if out_of_jokes:
        report.warnings.append(
            f"every one of the {len(jokes.corpus())} shipped jokes is used; later posts close without a joke")
    return report


def _cover(store: Store, config: Config, story, facts: dict) -> str:
    """Make the story's card beside the store; its path as the brief keeps it."""
    path = covers.save_cover(store.path.parent / "covers" / f"story-{story.id}.png",
                             covers.cover_title(facts), story.project, story.tags)
    return covers.stored_path(path, config.base_dir)
