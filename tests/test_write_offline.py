"""The offline writer: post shape, one voice, real Russian, numbers only from the brief, determinism."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from social_publisher.config import Config
from social_publisher.enrich.redact import Redactor
from social_publisher.records import Brief
from social_publisher.write import check_context, checks
from social_publisher.write import text as measure
from social_publisher.write.offline.actions import parse, past
from social_publisher.write.offline.metrics import metric_label
from social_publisher.write.offline import OfflineWriter

RICH_FACTS = {
    "project": "fetchbot", "category": "bug_fix", "tags": ["python", "http"],
    "period": {"start": "2026-11-20T09:00:00+00:00", "end": "2026-11-20T11:00:00+00:00"},
    "sources": ["claude-code", "git"], "languages": ["python"],
    "headline": "Add retry with exponential backoff",
    "goal": "The fetcher keeps dying on flaky networks.",
    "problem": {"kind": "error", "text": "TimeoutError: read timed out after 30 s"},
    "actions": [{"text": "Add retry with exponential backoff", "source": "commit"},
                {"text": "Fix timeout handling in the HTTP client", "source": "commit"},
                {"text": "Polish the CLI output", "source": "commit"}],
    "files": ["src/fetchbot/fetcher.py", "tests/test_fetcher.py", "src/fetchbot/http.py"],
    "commands": [{"command": "pytest -q", "failed": True}, {"command": "pytest -q", "failed": False}],
    "numbers": [{"value": "42", "context": "All 42 tests pass now."},
                {"value": "850 ms", "context": "Latency went from 850 ms to 240 ms."},
                {"value": "240 ms", "context": "Latency went from 850 ms to 240 ms."}],
    "before_after": [{"before": "850 ms", "after": "240 ms", "context": "Latency went from 850 ms to 240 ms."}],
    "lessons": ["The root cause was that the client never set a timeout, so a dead connection hung forever."],
    "next": ["Next step: add jitter to the backoff."],
    "note_points": ["Flaky networks are the normal case on the train, not the exception."],
    "commit_notes": ["A connection without a timeout can wait forever."],
    "note_titles": [], "redacted_fingerprints": [],
    "stats": {"commits": 3, "files_changed": 3, "lines_added": 200, "lines_removed": 22, "sessions": 1,
              "prompts": 2, "notes": 1},
}


def draft(facts: dict, lang: str, joke_id: str | None = "network-had-logs", attempt: int = 0):
    return OfflineWriter(Config()).draft(Brief(story_id=1, facts=facts, joke_id=joke_id), lang, attempt=attempt)


def test_post_follows_the_target_shape() -> None:
    for lang in ("en", "ru"):
        post = draft(RICH_FACTS, lang)
        body = post.body_md
        assert not body.lstrip().startswith("#")  # the page shows the title
        headings = [line for line in body.splitlines() if line.startswith("#")]
        assert len(headings) >= 2 and all(h.startswith("## ") for h in headings)
        for heading in headings:  # every heading stands alone between blank lines
            before, after = body.split(heading + "\n", 1)
            assert before.endswith("\n\n") and after.startswith("\n")
        assert "**fetchbot**" in body and "**850 ms**" in body.replace("мс", "ms")
        assert "→" in body
        assert body.rstrip().endswith("😄")
        assert measure.words(body) >= (100 if lang == "en" else 50)  # README "Length of a post"
        assert checks.voice(body, lang) is None


def test_english_title_names_the_work_with_its_number() -> None:
    title = draft(RICH_FACTS, "en").title
    assert 4 <= measure.words(title) <= 12  # titles.EN_WORDS: the whole action rather than a cut one
    assert "850 ms" in title and "retry with exponential backoff" in title  # sentence case, words as written


def test_russian_post_is_written_in_russian() -> None:
    post = draft(RICH_FACTS, "ru")
    letters = measure.letters(post.body_md, ignore=["fetchbot", "Claude Code"])
    assert letters.share("ru") >= 0.9 and letters.native_share >= 0.6
    assert re.search(r"[А-Яа-я]", post.title) and checks.wrong_language(post.title, post.body_md, "ru",
                                                                         ["fetchbot"]) is None
    assert "я " in post.body_md.lower() and "мс" in post.body_md


def test_russian_title_names_the_measured_result_when_the_action_cannot_be_said_in_russian() -> None:
    facts = {**RICH_FACTS, "headline": "Route hard prompts to the math expert",
             "actions": [{"text": "Route hard prompts to the math expert", "source": "commit"}],
             "before_after": [{"before": "73.0%", "after": "76.8%", "context": "Accuracy went from 73.0% to 76.8%."}],
             "numbers": [{"value": "73.0%", "context": "Accuracy went from 73.0% to 76.8%."},
                         {"value": "76.8%", "context": "Accuracy went from 73.0% to 76.8%."}]}
    title = draft(facts, "ru").title
    assert title == "Точность в fetchbot: 73.0% → 76.8%"


def test_both_languages_carry_the_same_numbers_and_only_the_briefs() -> None:
    en, ru = draft(RICH_FACTS, "en"), draft(RICH_FACTS, "ru")
    assert measure.numbers(en.title + en.body_md) == measure.numbers(ru.title + ru.body_md)
    context = check_context(Brief(1, RICH_FACTS, joke_id="network-had-logs"), "en", Config(), Redactor())
    assert checks.invented_numbers(en.title + en.body_md, context.allowed_text) is None


def test_the_posts_pass_every_check() -> None:
    brief = Brief(1, RICH_FACTS, joke_id="network-had-logs")
    for lang in ("en", "ru"):
        post = draft(RICH_FACTS, lang)
        assert checks.check_post(post.title, post.body_md, check_context(brief, lang, Config(), Redactor())) == []


def test_the_writer_is_deterministic_and_the_retry_differs() -> None:
    assert draft(RICH_FACTS, "en") == draft(RICH_FACTS, "en")
    first, retry = draft(RICH_FACTS, "en"), draft(RICH_FACTS, "en", attempt=1)
    assert retry != first and retry.llm_calls == 0


def test_wording_varies_between_stories() -> None:
    openings = set()
    for index in range(12):
        facts = {**RICH_FACTS, "project": f"project-{index}"}
        openings.add(re.sub(r"\*\*project-\d+\*\*", "P", draft(facts, "en").body_md.split("\n", 1)[0]))
    assert len(openings) >= 2


def test_no_narrated_metadata_or_title_inside_the_body() -> None:
    for lang in ("en", "ru"):
        post = draft(RICH_FACTS, lang)
        text = post.body_md.lower()
        for word in ("category", "bug_fix", "tags", "категори", "теги"):
            assert word not in text
        assert checks.second_title(post.title, post.body_md) is None


def test_a_thin_brief_is_not_worth_a_post_and_the_writer_pads_nothing() -> None:
    facts = {"project": "csvkit", "category": "feature", "tags": [], "headline": "Add CSV export",
             "actions": [{"text": "Add CSV export", "source": "commit"}], "files": ["src/export.py"],
             "stats": {"commits": 1, "files_changed": 1, "lines_added": 40, "lines_removed": 0}}
    assert checks.thin_story(facts, 150) is not None  # the write stage drops it with this reason
    for lang in ("en", "ru"):
        post = draft(facts, lang, joke_id=None)
        assert measure.words(post.body_md) < 50  # nothing invented to reach a length
        assert "😄" not in post.body_md and "That's it" not in post.body_md  # no joke: no closing line of filler
        assert measure.numbers(post.body_md) == set()  # no line counts


def test_each_post_tells_its_own_language_and_never_points_at_the_other_version() -> None:
    facts = {**RICH_FACTS, "goal": "Сделай так, чтобы бот не падал на пустом дне.",
             "lessons": ["Оказалось, что пустой список — тоже нормальный вход."]}
    en = draft(facts, "en").body_md
    assert "Сделай" not in en and "пустой список" not in en  # no Russian quoted in the English post
    assert "Russian version" not in en and "sentences" not in en  # a reader of one version does not care
    ru = draft(facts, "ru").body_md
    assert "сделай так, чтобы бот не падал на пустом дне." in ru  # the user's Russian, told as prose
    assert "пустой список — тоже нормальный вход" in ru
    assert "Flaky networks" not in ru and "английской версии" not in ru


def test_actions_become_first_person_phrases() -> None:
    assert past(parse("Add retry with backoff to fetcher.py"), "en") == "added retry with backoff to `fetcher.py`"
    assert past(parse("Add retry with backoff"), "ru") == "добавил «retry with backoff»"
    assert past(parse("speed up the parser"), "en") == "sped up the parser"
    assert past(parse("Исправил падение на пустом дне"), "ru") == "исправил падение на пустом дне"
    assert past(parse("Исправил падение на пустом дне"), "en") is None  # quoted, never guessed
    assert past(parse("Retry logic for the uploader"), "en") is None


def test_numbers_get_labels_only_from_words_beside_them() -> None:
    assert metric_label("GSM8K dev accuracy goes from 73.0% to 76.8%", "76.8%") == ("accuracy", "точность")
    assert metric_label("Routing accuracy reached 79.5%", "79.5%") == ("accuracy", "точность")
    assert metric_label("All 42 tests pass now.", "42") == ("tests", "тестов")
    assert metric_label("(wrk, 20 connections, 30 s)", "30 s") is None  # a duration is not a count
    assert metric_label("| long | 1000 steps | 75.2% |", "75.2%") is None


# -- property: whatever the brief, the posts keep the invariants --------------------------------

_words = st.sampled_from(["cache", "parser", "retry", "router", "queue", "digest", "index", "schema", "timeout"])
_verbs = st.sampled_from(["Add", "Fix", "Refactor", "Speed up", "Remove", "Document", "Polish", "Make", "Route"])
_actions = st.builds(lambda v, a, b: {"text": f"{v} the {a} {b}", "source": "commit"}, _verbs, _words, _words)
_numbers = st.builds(lambda v, w: {"value": v, "context": f"The {w} went to {v} after the change."},
                     st.sampled_from(["76.8%", "120 ms", "3.5 s", "42", "1,000", "0.4%"]), _words)
_lessons = st.sampled_from(["It turns out the cache was stale all along.", "Оказалось, что очередь была пустой.",
                            "The root cause was a missing timeout in the client."])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions=st.lists(_actions, max_size=6), numbers=st.lists(_numbers, max_size=5),
       lessons=st.lists(_lessons, max_size=3, unique=True), files=st.lists(_words.map(lambda w: f"src/{w}.py"),
                                                                          max_size=6, unique=True),
       category=st.sampled_from(["feature", "bug_fix", "refactor", "experiment", "docs", "learning", "x"]),
       goal=st.one_of(st.none(), st.just("Make the digest arrive before nine."),
                      st.just("Сделай так, чтобы дайджест приходил до девяти.")))
def test_any_brief_gives_posts_that_keep_the_invariants(actions, numbers, lessons, files, category, goal) -> None:
    facts = {"project": "demo-proj", "category": category, "tags": ["python"], "sources": ["git"],
             "headline": actions[0]["text"] if actions else None, "goal": goal, "problem": None,
             "actions": actions, "files": files, "commands": [], "numbers": numbers, "before_after": [],
             "lessons": lessons, "next": [], "note_points": [], "commit_notes": [], "redacted_fingerprints": [],
             "stats": {"commits": len(actions), "files_changed": len(files), "lines_added": 10, "lines_removed": 2}}
    brief = Brief(1, facts, joke_id="cache-remembering")
    posts = {lang: draft(facts, lang, joke_id="cache-remembering") for lang in ("en", "ru")}
    assert measure.numbers(posts["en"].title + posts["en"].body_md) == \
        measure.numbers(posts["ru"].title + posts["ru"].body_md)
    for lang, post in posts.items():
        context = check_context(brief, lang, Config(), Redactor())
        reasons = checks.check_post(post.title, post.body_md, context)
        assert [r for r in reasons if not r.startswith("too short")] == [], (lang, reasons, post)


def test_the_phrasebook_never_says_what_a_check_forbids() -> None:
    from social_publisher.write.offline.phrases import EN, RU

    forbidden = re.compile(r"\bcategory\b|\btags?\b|code_change|категори|тег|return only|what to fix|rules:|proofread"
                           r"|\bthe developer\b|разработчик", re.IGNORECASE)
    for book in (EN, RU):
        for key, frames in book.items():
            for frame in frames:
                shown = re.sub(r"\{\w+\}", "X", frame)  # placeholders are filled, never shown
                assert not forbidden.search(shown), (key, frame)
                assert checks.prompt_leak(shown) is None and checks.narrated_metadata(shown) is None


def test_commit_scope_prefixes_and_noun_lists_are_not_read_as_verbs() -> None:
    assert parse("feat(api)!: add retry to the fetcher").verb == "add"
    assert past(parse("store: run migrations inside one transaction"), "en") == "ran migrations inside one transaction"
    assert parse("checks and write-stage tests: sample-blog defects").verb is None


def test_an_aider_session_is_credited_to_aider() -> None:
    facts = {**RICH_FACTS, "sources": ["aider", "git"]}
    english, russian = draft(facts, "en"), draft(facts, "ru")
    assert "Aider" in english.body_md and "Aider" in russian.body_md
    assert "Claude Code" not in english.body_md


def test_dotted_identifiers_are_one_code_span() -> None:
    from social_publisher.write.offline.actions import mark_code

    assert mark_code("It sleeps for parameters.retry_after now.") == "It sleeps for `parameters.retry_after` now."
