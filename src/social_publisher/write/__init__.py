"""Stage 4, write: a checked post per (briefed story, configured language).

Stories are written best first (score, then age). The configured writer
(`base.writer_for`) drafts every language of a story at once (`draft_story`: one
LLM call for all of them); `checks.py` judges each draft and the pair (same
numbers in en and ru). A language that fails a check is asked again once, with
the reasons (an LLM writer asks for that language only); a draft that still fails
is stored as "rejected" with its reasons and is never published. Passing posts are
"checked", then "approved" when `[review] auto_approve` is on — except beside a rejected
sibling: a story goes out in every language or in none, so its other languages stay
"checked" for `review` (the owner may fix the rejected one with `review --edit`, or approve
a language alone). Every post gets the sources footer (`provenance.py`) after its checks.

A story whose sources are too thin for a post (`checks.thin_story`), or that the writer
cannot tell at the checked length in every language without padding (`Writer.too_thin`), is
dropped with that reason before anything is written. A story's posts are stored together in one transaction, or not at all: when the
writer fails (`WriteFailed`: backend error, broken answer) the story stays
"briefed" with the reason (shown by `status`), and when today's LLM budget is spent
(`BudgetSpent`) it and the stories after it wait for a later run. Re-running the
stage adds nothing for written stories, and costs no LLM call for answers the
store has cached.
"""

from __future__ import annotations

from dataclasses import dataclass

from typing import Any, Iterator, Sequence

from slugify import slugify

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
    Story,
)
from social_publisher.report import StageReport
from social_publisher.store import Store
from social_publisher.write import checks, provenance
from social_publisher.write.base import WRITERS, BudgetSpent, Draft, WriteFailed, Writer, register, writer_for
from social_publisher.write.llm import budget, series
from social_publisher.write.llm.prompt import instruction_sentences

__all__ = ["Draft", "WRITERS", "WriteReport", "Writer", "check_context", "plan", "register", "unique_slug", "write",
           "writer_for"]

ATTEMPTS = 2  # the first draft and one retry
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
    failed: int = 0  # stories left unwritten because the writer failed; a later run retries them
    waiting: int = 0  # stories left for tomorrow's LLM budget
    thin: int = 0  # stories dropped before writing: their sources hold too little for a post


def write(store: Store, config: Config) -> WriteReport:
    report = WriteReport()
    try:
        writer = writer_for(config, store)
    except BackendUnavailable as exc:
        report.warnings.append(f"writing disabled: {exc}")
        return report
    redactor = Redactor.for_config(config, store)
    day = budget.today()
    reserves = getattr(writer, "reserves_budget", False)
    stories = budget.waiting_stories(store)
    for index, story in enumerate(stories):
        brief = store.brief(story.id)  # type: ignore[arg-type]
        if brief is None:
            report.warnings.append(f"story {story.id} has no brief; run `social-publisher enrich`")
            continue
        thin = checks.thin_story(brief.facts, config.writer.min_words)
        if not thin and not store.posts(story_id=story.id):
            thin = writer.too_thin(brief, config.writer.languages)
        if thin:
            report.thin += 1
            report.warnings.append(f"story {story.id} dropped: {thin}")
            store.set_story_status(story.id, STORY_DROPPED)
            continue
        if writer.uses_llm and not reserves and store.llm_calls_on(day) >= config.writer.daily_budget:
            report.waiting = len(stories) - index
            report.warnings.append(f"daily LLM budget of {config.writer.daily_budget} calls is used up for {day}; "
                                   "the remaining stories wait for tomorrow")
            break
        calls_before = report.llm_calls
        try:
            _write_story(store, config, writer, story, brief, redactor, report)
        except BudgetSpent as exc:
            report.waiting = len(stories) - index
            report.warnings.append(f"{exc} ({report.waiting} waiting, best first)")
            break
        except WriteFailed as exc:
            store.record_write_failure(story.id, str(exc))  # type: ignore[arg-type]
            report.failed += 1
            report.warnings.append(f"story {story.id} left unwritten, a later run retries it: {exc}")
            continue
        finally:
            if writer.uses_llm and not reserves and report.llm_calls > calls_before:
                store.count_llm_call(day, report.llm_calls - calls_before)  # per story: a crash never loses calls
        store.clear_write_failure(story.id)  # type: ignore[arg-type]
        store.set_story_status(story.id, STORY_WRITTEN)  # type: ignore[arg-type]
    if reserves:
        report.llm_calls = getattr(writer, "calls_made", report.llm_calls)
    return report


def plan(store: Store, config: Config) -> budget.BudgetPlan:
    """What `write` would do now, without writing or calling anything (`write --dry-run`, `status`)."""
    cached: set[int] = set()
    try:
        writer = writer_for(config, store)
    except BackendUnavailable:
        writer = None
    if writer is not None and hasattr(writer, "is_cached"):
        for story in budget.waiting_stories(store):
            brief = store.brief(story.id)  # type: ignore[arg-type]
            if brief is not None and writer.is_cached(brief, config.writer.languages):  # type: ignore[attr-defined]
                cached.add(story.id)  # type: ignore[arg-type]
    return budget.plan(store, config, cached)


def _write_story(store: Store, config: Config, writer: Writer, story: Story, brief: Brief, redactor: Redactor,
                 report: WriteReport) -> None:
    existing = {post.lang: Draft(post.title, provenance.strip_footer(post.body_md))
                for post in store.posts(story_id=brief.story_id)}
    todo = [lang for lang in config.writer.languages if lang not in existing]
    if not todo:
        if set(existing) - set(brief.covers):  # a run killed after storing the posts made no cards
            covers.make_post_covers(store, config, brief.story_id)
        return
    earlier = series.earlier_posts(store, brief.facts.get("project", ""), brief.story_id, config.writer.languages)
    told_before = [text for post in earlier for text in (post["title"], post["gist"], *post["links"].values())]
    contexts = {lang: check_context(brief, lang, config, redactor, told_before) for lang in todo}
    drafts: dict[str, Draft] = {}
    calls: dict[str, int] = dict.fromkeys(todo, 0)
    single: dict[str, list[str]] = {}
    reasons: dict[str, list[str]] = {}
    ask = todo
    for attempt in range(ATTEMPTS):
        if attempt:
            report.retries += 1
        fresh = writer.draft_story(brief, ask, attempt=attempt,
                                   feedback={lang: reasons[lang] for lang in ask} if attempt else None)
        for lang in ask:
            drafts[lang] = fresh[lang]
            calls[lang] += fresh[lang].llm_calls
            report.llm_calls += fresh[lang].llm_calls
            single[lang] = checks.check_post(fresh[lang].title, fresh[lang].body_md, contexts[lang])
        every_version = {**existing, **drafts}
        pair = checks.numbers_missing({lang: f"{d.title}\n{d.body_md}" for lang, d in every_version.items()})
        reasons = {lang: single[lang] + ([pair[lang]] if lang in pair else []) for lang in todo}
        failed = [lang for lang in todo if reasons[lang]]
        if not failed:
            break
        ask = todo if writer.retry_all_languages else failed
    sources = provenance.footer
    activity = store.activity(ids=story.activity_ids)
    rejected = [lang for lang in todo if reasons[lang]]
    held = f"its {'/'.join(rejected)} version was rejected ({reasons[rejected[0]][0]})" if rejected else None
    with store.transaction():  # every language of the story, or none
        for lang in todo:
            draft = drafts[lang]
            body = provenance.with_footer(draft.body_md, sources(brief.facts.get("project", story.project), activity, lang))
            _store_post(store, config, writer, brief, lang, Draft(draft.title, body, calls[lang]), reasons[lang], report,
                        held=held)
    covers.make_post_covers(store, config, brief.story_id)  # a card per language with the post's title


def _store_post(store: Store, config: Config, writer: Writer, brief: Brief, lang: str, draft: Draft,
                reasons: list[str], report: WriteReport, *, held: str | None = None) -> None:
    """Store one language's post; `held`: why a passing post waits for review instead of being approved."""
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
    if held:
        report.warnings.append(f"post {post_id} ({lang}, story {brief.story_id}) held for review: {held}; "
                               f"`social-publisher review --edit ID` the rejected one, or approve this one alone")
    elif config.review.auto_approve:
        store.set_post_status(post_id, POST_APPROVED)
        report.approved += 1


def unique_slug(store: Store, lang: str, title: str) -> str:
    """A URL slug for the title (Cyrillic transliterated), unique among this language's posts."""
    base = slugify(title, max_length=80, word_boundary=True) or "post"
    slug, suffix = base, 2
    while store.slug_taken(lang, slug):
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def check_context(brief: Brief, lang: str, config: Config, redactor: Redactor,
                  also_allowed: Sequence[str] = ()) -> checks.CheckContext:
    """What the checks need for one post of this brief (`also_allowed`: earlier posts it may cite)."""
    facts = brief.facts
    joke = jokes.get(brief.joke_id)
    shown_facts = {k: v for k, v in facts.items() if k not in ("redacted_fingerprints", "period")}
    allowed = "\n".join([*_strings(shown_facts), *_strings(brief.wiki), *((joke.en, joke.ru) if joke else ()),
                         *also_allowed])
    return checks.CheckContext(
        lang=lang, facts=facts, allowed_text=allowed,
        min_words=checks.required_words(facts, config.writer.min_words, lang), max_words=config.writer.max_words,
        redactor=redactor, names=(facts.get("project", ""), *TOOL_NAMES), instructions=instruction_sentences(),
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
