"""Stage 4, write: a checked post per (briefed story, configured language).

The configured writer (`base.writer_for`) drafts every language of a story;
`checks.py` judges each draft and the pair (same numbers in en and ru). When a
check fails the writer gets one retry with another variant; a draft that still
fails is stored as "rejected" with its reasons and is never published. A story
whose sources are too thin for a post (`checks.thin_story`) is dropped with that
reason before anything is written. Passing
posts are "checked", then "approved" when `[review] auto_approve` is on. The
story then moves to "written", so re-running the stage adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from typing import Any, Iterator

from slugify import slugify

from social_publisher import clock
from social_publisher.config import Config
from social_publisher.enrich import covers, jokes
from social_publisher.enrich.redact import Redactor
from social_publisher.errors import BackendUnavailable
from social_publisher.records import (
    POST_APPROVED,
    SESSION_TOOLS,
    POST_CHECKED,
    POST_REJECTED,
    STORY_BRIEFED,
    STORY_DROPPED,
    STORY_WRITTEN,
    Brief,
    Post,
)
from social_publisher.report import StageReport
from social_publisher.store import Store
from social_publisher.write import checks
from social_publisher.write.base import WRITERS, Draft, Writer, register, writer_for

__all__ = ["Draft", "WRITERS", "WriteReport", "Writer", "check_context", "register", "unique_slug", "write", "writer_for"]

ATTEMPTS = 2  # the first draft and one retry with another variant
MAX_REJECTION_WARNINGS = 5  # the rest are counted in the report and listed by `posts --json`
TOOL_NAMES = tuple(SESSION_TOOLS.values())


@dataclass
class WriteReport(StageReport):
    stage: str = "write"
    posts: int = 0
    checked: int = 0
    approved: int = 0
    rejected: int = 0
    retries: int = 0
    llm_calls: int = 0
    thin: int = 0  # stories dropped before writing: their sources hold too little for a post


def write(store: Store, config: Config) -> WriteReport:
    report = WriteReport()
    try:
        writer = writer_for(config)
    except BackendUnavailable as exc:
        report.warnings.append(f"writing disabled: {exc}")
        return report
    redactor = Redactor.for_config(config, store)
    day = clock.today().isoformat()
    for story in store.stories(status=STORY_BRIEFED):
        brief = store.brief(story.id)
        if brief is None:
            report.warnings.append(f"story {story.id} has no brief; run `social-publisher enrich`")
            continue
        thin = checks.thin_story(brief.facts, config.writer.min_words)
        if thin:
            report.thin += 1
            report.warnings.append(f"story {story.id} dropped: {thin}")
            store.set_story_status(story.id, STORY_DROPPED)
            continue
        if writer.uses_llm and store.llm_calls_on(day) >= config.writer.daily_budget:
            report.warnings.append(f"daily LLM budget of {config.writer.daily_budget} calls is used up for {day}; "
                                   "the remaining stories wait for tomorrow")
            break
        calls_before = report.llm_calls
        _write_story(store, config, writer, brief, redactor, report)
        if report.llm_calls > calls_before:  # counted per story, so a crash never loses spent calls
            store.count_llm_call(day, report.llm_calls - calls_before)
        store.set_story_status(story.id, STORY_WRITTEN)
    return report


def _write_story(store: Store, config: Config, writer: Writer, brief: Brief, redactor: Redactor,
                 report: WriteReport) -> None:
    existing = {post.lang: Draft(post.title, post.body_md) for post in store.posts(story_id=brief.story_id)}
    todo = [lang for lang in config.writer.languages if lang not in existing]
    if not todo:
        return
    contexts = {lang: check_context(brief, lang, config, redactor) for lang in todo}
    drafts: dict[str, Draft] = {}
    reasons: dict[str, list[str]] = {}
    for attempt in range(ATTEMPTS):
        feedback = sorted({reason for found in reasons.values() for reason in found})
        if attempt:
            report.retries += 1
        drafts = {lang: writer.draft(brief, lang, attempt=attempt, feedback=feedback) for lang in todo}
        report.llm_calls += sum(d.llm_calls for d in drafts.values())
        reasons = {lang: checks.check_post(d.title, d.body_md, contexts[lang]) for lang, d in drafts.items()}
        every_version = {**existing, **drafts}
        differ = checks.numbers_differ({lang: f"{d.title}\n{d.body_md}" for lang, d in every_version.items()})
        if differ:
            for lang in todo:
                reasons[lang].append(differ)
        if not any(reasons.values()):
            break
    for lang in todo:
        _store_post(store, config, writer, brief, lang, drafts[lang], reasons[lang], report)
    covers.make_post_covers(store, config, brief.story_id)  # a card per language with the post's title


def _store_post(store: Store, config: Config, writer: Writer, brief: Brief, lang: str, draft: Draft,
                reasons: list[str], report: WriteReport) -> None:
    status = POST_REJECTED if reasons else POST_CHECKED
    post = Post(story_id=brief.story_id, lang=lang, title=draft.title.strip(), slug=unique_slug(store, lang, draft.title),
                body_md=draft.body_md, status=status, llm_calls=draft.llm_calls, backend=writer.name)
    post_id = store.add_post(post, check_errors=reasons or None)
    if post_id is None:
        return
    report.posts += 1
    if reasons:
        report.rejected += 1
        if len(report.warnings) < MAX_REJECTION_WARNINGS:
            report.warnings.append(f"post {post_id} ({lang}, story {brief.story_id}) rejected: {reasons[0]}")
        return
    report.checked += 1
    if config.review.auto_approve:
        store.set_post_status(post_id, POST_APPROVED)
        report.approved += 1


def unique_slug(store: Store, lang: str, title: str) -> str:
    """A URL slug for the title (Cyrillic transliterated), unique among this language's posts."""
    base = slugify(title, max_length=80, word_boundary=True) or "post"
    slug, suffix = base, 2
    while store.slug_taken(lang, slug):
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def check_context(brief: Brief, lang: str, config: Config, redactor: Redactor) -> checks.CheckContext:
    """What the checks need for one post of this brief."""
    facts = brief.facts
    joke = jokes.get(brief.joke_id)
    shown_facts = {k: v for k, v in facts.items() if k not in ("redacted_fingerprints", "period")}
    allowed = "\n".join([*_strings(shown_facts), *_strings(brief.wiki), *(joke.en, joke.ru) * bool(joke)])
    return checks.CheckContext(
        lang=lang, facts=facts, allowed_text=allowed,
        min_words=checks.required_words(facts, config.writer.min_words, lang), max_words=config.writer.max_words,
        redactor=redactor, names=(facts.get("project", ""), *TOOL_NAMES),
    )


def _strings(value: Any) -> Iterator[str]:
    """Every string and number inside a JSON-like value, one by one."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
        yield str(value)
