"""The LLM writer's parts on their own: the response contract, the prompt, retries, the budget
reservation across processes, the sources footer and the two checks made for LLM answers."""

from __future__ import annotations

import multiprocessing
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone

import pytest

from social_publisher.records import Activity, Brief
from social_publisher.store import Store
from social_publisher.write import checks, provenance
from social_publisher.write.llm.parse import AnswerError, parse_answer
from social_publisher.write.llm.prompt import MAX_PROMPT_TOKENS, build_prompt, instruction_sentences
from social_publisher.write.llm.retry import Retryable, call_with_retries, retry_after_seconds

GOOD = '{"en": {"title": "Retries that wait", "body_md": "I did it."}, "ru": {"title": "Повторы", "body_md": "Я."}}'


# -- the response contract ---------------------------------------------------------------------

def test_a_well_formed_answer_parses_with_or_without_a_json_fence() -> None:
    expected = {"en": ("Retries that wait", "I did it."), "ru": ("Повторы", "Я.")}
    assert parse_answer(GOOD, ["en", "ru"]) == expected
    assert parse_answer(f"```json\n{GOOD}\n```", ["en", "ru"]) == expected
    assert parse_answer(f"  ```\n{GOOD}\n```\n", ["en", "ru"]) == expected


@pytest.mark.parametrize("answer, reason", [
    (f"Here is the post:\n{GOOD}", "not one JSON object"),
    (f"{GOOD}\nHope this helps!", "not one JSON object"),
    ("[1, 2]", "not an object"),
    ('{"en": {"title": "A title here", "body_md": "x"}}', "no 'ru' version"),
    (GOOD[:-1] + ', "de": {"title": "t", "body_md": "b"}}', "not asked for: 'de'"),
    ('{"en": {"title": "t", "body_md": ""}, "ru": {"title": "т", "body_md": "б"}}', "'en' has no body_md"),
    ('{"en": {"title": "t", "body_md": "b", "tags": []}, "ru": {"title": "т", "body_md": "б"}}', "unexpected fields"),
    ('{"en": "just text", "ru": {"title": "т", "body_md": "б"}}', "'en' is not an object"),
    ("", "empty"),
])
def test_anything_else_is_refused_with_the_reason(answer: str, reason: str) -> None:
    with pytest.raises(AnswerError, match=reason):
        parse_answer(answer, ["en", "ru"])


# -- the prompt -------------------------------------------------------------------------------------

def big_brief() -> Brief:
    """A large story: 50 commits, 3 sessions, 40 numbers, long lists everywhere."""
    facts = {
        "project": "bigproj", "category": "feature", "tags": ["python"],
        "period": {"start": "2026-11-20T08:00:00+00:00", "end": "2026-11-20T20:00:00+00:00"},
        "sources": ["claude-code", "git"], "goal": "Make the importer survive a 2 GB file. " * 8,
        "headline": "Stream the importer",
        "problem": {"kind": "error", "text": "MemoryError while loading rows " * 10},
        "actions": [{"text": f"Rework importer stage {i} to stream rows in batches of {i * 100}", "source": "commit"}
                    for i in range(50)],
        "numbers": [{"value": f"{i}.5 s", "context": f"Stage {i} took {i}.5 s on the big file, down from {i + 9} s. " * 2}
                    for i in range(40)],
        "before_after": [{"before": f"{i + 9} s", "after": f"{i}.5 s", "context": f"stage {i}"} for i in range(10)],
        "lessons": ["Streaming beats loading everything " * 5] * 5, "next": ["Try the 10 GB file next week"] * 3,
        "note_points": ["A long note sentence about the importer and its memory use " * 3] * 8,
        "commit_notes": ["Commit body text explaining the batching in detail " * 3] * 20,
        "files": [f"src/importer/stage_{i}.py" for i in range(15)],
        "commands": [{"command": f"python -m importer --stage {i}", "failed": i % 3 == 0} for i in range(8)],
        "stats": {"commits": 50, "files_changed": 15, "lines_added": 2000, "lines_removed": 300, "sessions": 3},
        "redacted_fingerprints": ["2:deadbeef"],
    }
    wiki = {"tag": "streaming", "en": {"title": "Stream processing", "extract": "Stream processing is " * 60,
                                      "description": "", "url": "https://en.wikipedia.org/wiki/Stream_processing"}}
    return Brief(story_id=1, facts=facts, wiki=wiki)


def test_the_prompt_of_a_large_story_stays_within_the_token_limit_and_keeps_the_essentials() -> None:
    prompt = build_prompt(big_brief(), ["en", "ru"], min_words=150, max_words=900)
    assert prompt.tokens <= MAX_PROMPT_TOKENS
    assert "Stream the importer" in prompt.text and "MemoryError" in prompt.text and '"worth_knowing"' in prompt.text
    assert prompt.text.count("Rework importer stage") >= 3 and "deadbeef" not in prompt.text
    assert '"category"' not in prompt.text and '"tags"' not in prompt.text  # pipeline fields never go out


def test_a_retry_prompt_asks_for_one_language_with_the_reasons_and_proofread_is_one_instruction() -> None:
    brief = Brief(story_id=1, facts={"project": "p", "actions": [{"text": "Add retries", "source": "commit"}]})
    retry = build_prompt(brief, ["ru"], min_words=150, max_words=900, proofread=True,
                         feedback={"ru": ["too short: 90 words (at least 150)"]})
    assert '{"ru": {"title": "...", "body_md": "..."}}' in retry.text and '"en": {' not in retry.text
    assert "too short: 90 words" in retry.text and "proofread" in retry.text
    assert "proofread" not in build_prompt(brief, ["en", "ru"], min_words=150, max_words=900).text


def test_a_wiki_fact_of_any_shape_becomes_worth_knowing_and_a_missing_one_is_left_out() -> None:
    facts = {"project": "p"}
    wiki = {"tag": "backoff", "en": {"title": "Backoff", "extract": "Exponential backoff doubles the wait.",
                                     "url": "https://en.wikipedia.org/wiki/Exponential_backoff"},
            "ru": {"title": "Экспоненциальная задержка", "extract": "Задержка удваивается.", "url": "javascript:x"}}
    text = build_prompt(Brief(1, facts, wiki=wiki), ["en", "ru"], min_words=1, max_words=900).text
    assert "Exponential backoff doubles the wait." in text and "Задержка удваивается." in text
    assert "https://en.wikipedia.org/wiki/Exponential_backoff" in text and "javascript:" not in text
    for wiki in (None, {}, {"en": None}, {"en": {"extract": 42}}, {"title": "x", "extract": "y"}, "text"):
        assert "worth_knowing" not in build_prompt(Brief(1, facts, wiki=wiki), ["en"], min_words=1, max_words=900).text.split("The brief:")[1]


# -- retries ------------------------------------------------------------------------------------------

def test_retries_wait_what_retry_after_says_and_give_up_after_the_last_attempt() -> None:
    slept: list[float] = []
    answers = iter([Retryable("429", retry_after=1.5), Retryable("500", retry_after=None), "ok"])

    def send():
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert call_with_retries(send, 2, sleep=slept.append) == "ok"
    assert slept[0] == 1.5 and 0 < slept[1] <= 60
    with pytest.raises(Retryable, match="500"):
        call_with_retries(lambda: (_ for _ in ()).throw(Retryable("500")), 1, sleep=slept.append)
    slept.clear()
    with pytest.raises(Retryable):  # an hour's wait is not slept: the story waits for a later run
        call_with_retries(lambda: (_ for _ in ()).throw(Retryable("429", retry_after=3600)), 3, sleep=slept.append)
    assert slept == []


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after_seconds("7") == 7.0 and retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    later = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
    assert 25 <= retry_after_seconds(later) <= 31  # type: ignore[operator]


# -- the budget across processes ---------------------------------------------------------------------

def _reserve_many(path: str, tries: int, queue) -> None:
    granted = 0
    with Store(path) as store:
        for _ in range(tries):
            if store.reserve_llm_call("2026-11-27", 25, story_id=None, backend="test", prompt_key="k") is not None:
                granted += 1
    queue.put(granted)


def test_two_processes_reserving_at_once_never_overspend(tmp_path) -> None:
    path = str(tmp_path / "publisher.db")
    Store(path).close()
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_reserve_many, args=(path, 40, queue)) for _ in range(2)]
    for worker in workers:
        worker.start()
    granted = [queue.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    with Store(path) as store:
        assert sum(granted) == 25 == store.llm_calls_on("2026-11-27") == len(store.llm_reservations())


# -- the sources footer ---------------------------------------------------------------------------------

def _row(kind: str, source: str, when: str, **meta) -> Activity:
    return Activity(source, "p", kind, when, "", "", meta, f"{kind}{when}")


def test_the_footer_names_project_dates_hashes_and_sessions_and_checks_ignore_it() -> None:
    rows = [_row("commit", "git", "2026-11-20T10:00:00+00:00", hash="a1b2c3d4e5f6" + "0" * 28),
            _row("session", "claude-code", "2026-11-19T09:00:00+00:00"),
            _row("note", "notes", "2026-11-20T12:00:00+00:00")]
    en, ru = provenance.footer("p", rows, "en"), provenance.footer("p", rows, "ru")
    assert en == "*Sources: `p` · 2026-11-19 – 2026-11-20 · commits `a1b2c3d` · sessions 2026-11-19 · notes 2026-11-20*"
    assert ru == "*Источники: `p` · 2026-11-19 – 2026-11-20 · коммиты `a1b2c3d` · сессии 2026-11-19 · заметки 2026-11-20*"
    body = "I measured it twice and I kept the faster one."
    stored = provenance.with_footer(body, en)
    assert stored.endswith(en) and provenance.strip_footer(stored) == body
    assert provenance.with_footer(stored, en) == stored  # never appended twice
    many = [_row("commit", "git", f"2026-11-20T10:{i:02d}:00+00:00", hash=f"{i:07x}" + "f" * 33) for i in range(9)]
    assert "(+3 more)" in provenance.footer("p", many, "en") and "(+3 ещё)" in provenance.footer("p", many, "ru")


# -- the checks made for LLM answers ---------------------------------------------------------------------

def test_an_answer_echoing_the_schema_or_the_prompt_is_rejected_and_a_plain_post_passes() -> None:
    sentences = instruction_sentences()
    assert "never repeat the title inside the body" in sentences
    assert checks.echoed_prompt('I fixed it.\n\n{"title": "...", "body_md": "..."}', sentences)
    assert "schema" in checks.echoed_prompt("The body_md field holds the post.", sentences)
    leaked = "I fixed it. Use only the facts in the brief. Every number you write must appear in the brief, with its meaning"
    assert "echoes the prompt" in checks.echoed_prompt(leaked, sentences)
    assert checks.echoed_prompt("I fixed the fetcher: the title of the page now shows the count.", sentences) is None


def test_a_body_repeating_the_title_as_a_heading_is_rejected_and_other_headings_pass() -> None:
    title = "Retrying the Fetcher Without Losing Messages"
    assert checks.title_as_heading(title, f"I started here.\n\n## {title}\n\nMore.")
    assert checks.title_as_heading(title, "Intro.\n\n### Retrying the fetcher without losing messages!\n\nMore.")
    assert checks.title_as_heading(title, "I started here.\n\n## What I measured\n\nMore.") is None
