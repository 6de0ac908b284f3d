"""Stage 2, select: turn new activity into a few stories worth reading, explainably.

    activity (unconsidered) -> groups (grouping.py) -> candidates (candidates.py: facts.py,
    tags.py, features.py, categories.py; masked by enrich.redact) -- both steps on every core
    for large inputs: parallel.py
    -> decisions (dedupe.py + the daily cap, below) -> stories (status "selected" or
    "dropped") + activity marked considered

Decisions are made best first (score, then start time, then fingerprint, so the same
store always gives the same stories in the same order):
- a candidate whose rows are all trivial is never a story and is not stored;
- a story with nothing done (AI turns that changed no file, ran no command and made no commit;
  test-fixture prompts such as "Lorem ipsum"; see features.idle_reason) keeps a tenth of its
  points and is dropped, with that reason;
- below the score floor -> dropped. The floor is `select.min_score`, or, when higher,
  `select.relative_min_score` times the median score of the user's own recent candidates
  (this run's substantial ones and the last `_FLOOR_HISTORY` stored stories), so what counts
  as thin is measured against how this user's work usually scores;
- a near-duplicate of a stored story that is not dropped, or of one kept earlier in this
  run (same project, shared tag, similar text) -> dropped;
- over `select.max_stories_per_day` for its day (the UTC date it started), counting the
  stories already stored for that day -> dropped;
- otherwise kept, status "selected".
Dropped candidates are stored with status "dropped" and the reason in `explain`, so they
show in `status` and their activity is never reconsidered.

Open sessions: with `select.hold_open_sessions` on (the default), a group whose last
activity is within `session_gap_hours` of now (`clock.now()`, so `SOCIAL_PUBLISHER_NOW`
replays work) is still going on; its rows are left unconsidered and it is decided on a
later run, once the session has closed, so a session is never cut into two stories. The
report counts such sessions and `--explain` lists them as HELD. With it off, everything
is decided at once, and work that continues a session already selected becomes a new
group, which the near-duplicate check drops when it only retells the same story.

Everything is written in one transaction: stories and considered marks land together.
A row whose time cannot be read is considered too (never retried) and named once in the
report's warnings.
"""

from __future__ import annotations

import gc
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta
from statistics import median
from typing import Iterator

from social_publisher import clock
from social_publisher.config import Config
from social_publisher.enrich.redact import Redactor
from social_publisher.records import STORY_DROPPED, STORY_SELECTED, Story
from social_publisher.select.candidates import Built, CandidateBuilder, signature_of
from social_publisher.select.dedupe import DuplicateIndex, Signature, cross_language_similarity
from social_publisher.select.facts import reverted_hashes, row_facts
from social_publisher.select.parallel import group_and_build
from social_publisher.select.report import DROPPED, HELD, KEPT, TRIVIAL, Candidate, SelectReport
from social_publisher.store import Store

__all__ = ["select", "SelectReport", "Candidate"]


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Select holds every new activity row in memory at once; Python's cyclic collector would
    rescan all of them again and again while select allocates (it tripled the time on 100,000
    rows). Nothing select builds needs the cycle collector, so it waits until the stage ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def select(store: Store, config: Config) -> SelectReport:
    with _cyclic_gc_paused():
        return _select(store, config)


def _select(store: Store, config: Config) -> SelectReport:
    settings = config.select
    gap = timedelta(hours=settings.session_gap_hours)
    now = clock.now()
    report = SelectReport()
    report.activity_read = sum(store.unconsidered_per_project().values())
    if not report.activity_read:
        return report

    stored = store.stories()
    known_tags: dict[str, set[str]] = {}
    for story in stored:
        known_tags.setdefault(story.project, set()).update(story.tags)
    redactor = Redactor.for_config(config)  # what select stores (explain_json) and prints keeps no secret
    builder = CandidateBuilder(known_tags, redactor)

    decided: list[Built] = []
    held: list[Candidate] = []
    unreadable: list = []
    grouped = group_and_build(builder, store, gap, unreadable=unreadable, split=settings.split_topics)
    if unreadable:
        first = unreadable[0]
        report.warnings.append(f"{len(unreadable)} activity row(s) with an unreadable time were skipped; first: "
                               f"activity {first.id} ({first.source}, {first.project}): occurred_at={first.occurred_at!r}")
    for group in grouped:
        built = group.built
        if settings.hold_open_sessions and group.is_open(now, gap):
            built.candidate.decision = HELD
            built.candidate.reason = (f"session still open: last activity {built.candidate.ended_at}, within "
                                      f"{settings.session_gap_hours:g} h of now ({clock.iso(now)}); decided next run")
            held.append(built.candidate)
            report.held_sessions += 1
            report.activity_held += group.rows
            continue
        decided.append(built)

    _decide(decided, stored, store, settings, report)

    considered = [i for b in decided for i in b.candidate.considered_ids] + [r.id for r in unreadable]
    with store.transaction():
        _store_stories(store, decided, report)
        store.mark_considered(considered)
    report.activity_considered = len(considered)
    report.candidates = [b.candidate for b in _decision_order(decided)] + held
    return report


def _decision_order(built: list[Built]) -> list[Built]:
    return sorted(built, key=lambda b: (-b.candidate.score, b.candidate.started_at, b.candidate.fingerprint))


_FLOOR_HISTORY = 200  # stored stories the relative floor looks back on
_FLOOR_SAMPLES = 5  # fewer scores than this say too little about the user's work: min_score alone


def score_floor(built: list[Built], stored: list[Story], settings) -> tuple[float, str]:
    """The floor (see the module docstring) and how it was found, for `--explain`."""
    scores = [b.candidate.score for b in built if b.substantial and not b.candidate.idle]
    recent = sorted((s for s in stored if not (isinstance(s.explain, dict) and s.explain.get("idle"))),
                    key=lambda s: s.started_at)[-_FLOOR_HISTORY:]
    scores += [s.score for s in recent]
    if settings.relative_min_score <= 0 or len(scores) < _FLOOR_SAMPLES:
        return settings.min_score, f"min {settings.min_score:g}"
    typical = median(scores)
    relative = round(settings.relative_min_score * typical, 2)
    if relative <= settings.min_score:
        return settings.min_score, f"min {settings.min_score:g}"
    return relative, (f"floor {relative:g} = {settings.relative_min_score:g} × median {typical:g} "
                      f"of your {len(scores)} recent candidates")


def _decide(built: list[Built], stored: list[Story], store: Store, settings, report: SelectReport) -> None:
    index = DuplicateIndex(settings.duplicate_threshold)
    floor, floor_text = score_floor(built, stored, settings)
    report.score_floor = floor
    per_day: Counter[str] = Counter()
    for story in stored:
        if story.status == STORY_DROPPED:
            continue
        per_day[story.started_at[:10]] += 1
        index.add(story.project, f"story {story.id} ({story.started_at[:10]})", story.tags,
                  _stored_signature(store, story))

    cap = settings.max_stories_per_day
    for item in _decision_order(built):
        c = item.candidate
        if not item.substantial:
            c.decision = TRIVIAL
            c.reason = "only trivial work: " + ", ".join(f"{n} {why}" for why, n in c.excluded.items())
            report.trivial_groups += 1
            continue
        report.candidates_found += 1
        if c.idle:
            c.decision, c.reason = DROPPED, f"nothing done: {c.idle}; score {c.score:g}"
            report.dropped_idle += 1
            continue
        if c.score < floor:
            c.decision, c.reason = DROPPED, f"below min score: {c.score:g} < {floor_text}"
            report.dropped_low_score += 1
            continue
        duplicate = index.find(c.project, c.tags, item.signature)
        if duplicate is not None:
            known, score = duplicate
            c.decision = DROPPED
            c.duplicate_of, c.similarity = known.label, round(score, 1)
            shared = sorted(known.tags & set(c.tags))
            c.reason = (f"near-duplicate: {score:.0f}% like {known.label} of the same project"
                        + (f", shared tags {', '.join(shared)}" if shared else ""))
            if known.signature.lang != item.signature.lang and score == cross_language_similarity(item.signature,
                                                                                                 known.signature):
                met = sorted(item.signature.anchors & known.signature.anchors)
                c.reason += f"; told in another language, the same names and numbers: {', '.join(met[:8])}"
            report.dropped_duplicate += 1
            continue
        if per_day[c.day] >= cap:
            c.decision = DROPPED
            c.reason = f"over the daily cap: {cap} better stories already kept for {c.day}"
            report.dropped_over_cap += 1
            continue
        per_day[c.day] += 1
        c.decision = KEPT
        c.reason = (f"score {c.score:g} >= {floor_text}; no near-duplicate; "
                    f"story {per_day[c.day]} of at most {cap} on {c.day}")
        index.add(c.project, f"the {c.day} story “{c.headline[:50]}”", c.tags, item.signature)


def _stored_signature(store: Store, story: Story) -> Signature:
    key = story.explain.get("signature") if isinstance(story.explain, dict) else None
    if isinstance(key, str):
        return Signature.from_key(key)
    # A story stored without a signature (written by another tool): rebuild it from its activity.
    rows = store.activity(ids=story.activity_ids)
    reverted = reverted_hashes(rows)
    return signature_of([f for f in (row_facts(r, reverted) for r in rows) if not f.excluded])


def _store_stories(store: Store, decided: list[Built], report: SelectReport) -> None:
    """Store the kept and dropped candidates as stories, in time order (so ids follow time)."""
    chosen = sorted((b for b in decided if b.candidate.decision in (KEPT, DROPPED)),
                    key=lambda b: (b.candidate.started_at, b.candidate.fingerprint))
    stories = []
    for built in chosen:
        c = built.candidate
        stories.append(Story(
            project=c.project, started_at=c.started_at, ended_at=c.ended_at, score=c.score, category=c.category,
            tags=c.tags, activity_ids=c.activity_ids, status=STORY_SELECTED if c.decision == KEPT else STORY_DROPPED,
            # a dropped story is never compared with again: its anchors are not worth reading
            explain=c.explain(built.signature.stored_key if c.decision == KEPT else built.signature.key),
            fingerprint=c.fingerprint))
    for built, story_id in zip(chosen, store.add_stories(stories)):
        c = built.candidate
        c.story_id = story_id
        if story_id is None:
            report.warnings.append(f"story {c.fingerprint} for {c.project} {c.day} was already stored; kept as it was")
        elif c.decision == KEPT:
            report.stories_selected += 1
