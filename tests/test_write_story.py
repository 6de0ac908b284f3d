"""The offline writer tells the whole brief: every action (noun-phrase commit subjects too), the
user's notes, lessons and next steps, within the checks and with the same numbers in both languages."""

from __future__ import annotations

import re

from social_publisher.config import Config
from social_publisher.enrich.redact import Redactor
from social_publisher.records import Brief
from social_publisher.write import check_context, checks
from social_publisher.write import text as measure
from social_publisher.write.offline.russian import cyrillic_share
from social_publisher.write.offline.actions import head_of
from social_publisher.write.offline import OfflineWriter

from test_write_offline import RICH_FACTS

NOUN_PHRASES = [
    "End-to-end tests for the demo through the real CLI (expected to pass once all stages land)",
    "CLI error tests: one-line messages, exit 2, help on every command",
    "Demo workspace: three scripted projects with real git history, transcripts, notes and config",
    "Demo workspace: end 3.5 h before now (select holds open sessions); tests for repos, notes, idempotence",
    "Status warns about transcripts aging out uncollected; collect --json CLI test",
    "Offline writer: note points, retry feedback, unit translation, title ranking, headline dedupe",
    "Enrich tests: redaction kinds, facts contract, secrets never reach a brief, jokes",
    "Checks and write-stage tests: sample-blog defects 1-6, invented numbers, retries, statuses, slugs",
    "Offline writer tests: shape, voice, Russian, numbers, determinism, property test",
    "Collect git: read git log output in a thread through a 1 MB pipe, memoise branch lists",
]
TEN_SUBJECTS = {
    "project": "publisher", "category": "feature", "tags": ["python"], "sources": ["git"], "languages": ["python"],
    "headline": NOUN_PHRASES[2], "goal": None, "problem": None,
    "actions": [{"text": text, "source": "commit"} for text in NOUN_PHRASES],
    "files": ["src/publisher/write/offline.py", "src/publisher/enrich/facts.py", "src/publisher/store.py",
              "tests/test_cli.py", "tests/test_demo.py", "src/publisher/write/render.py",
              "src/publisher/collect/git.py", "tests/test_write.py", "src/publisher/demo/gitrepo.py"],
    "commands": [], "numbers": [{"value": "3.5 h", "context": NOUN_PHRASES[3] + "."},
                                {"value": "1 MB", "context": NOUN_PHRASES[9] + "."}],
    "before_after": [], "lessons": [], "next": [], "note_points": [], "commit_notes": [], "note_titles": [],
    "redacted_fingerprints": [],
    "stats": {"commits": 62, "files_changed": 114, "lines_added": 19006, "lines_removed": 1566, "sessions": 0,
              "prompts": 0, "notes": 0},
}
RICHER_FACTS = {
    **RICH_FACTS,
    "note_points": ["Flaky networks are the normal case on the train, not the exception.",
                    "The old client opened a fresh connection for every request and never closed the idle ones.",
                    "Backoff without a cap would have made a long outage look like a hang."],
    "commit_notes": ["A connection without a timeout can wait forever.",
                     "The retry loop now gives up after the last attempt and logs why."],
    "lessons": ["The root cause was that the client never set a timeout, so a dead connection hung forever.",
                "It turns out the tests never covered a slow server, only a dead one."],
    "next": ["Next step: add jitter to the backoff.", "After that, move the retry settings into the config file."],
}


def draft(facts: dict, lang: str, joke_id: str | None = "network-had-logs"):
    return OfflineWriter(Config()).draft(Brief(story_id=1, facts=facts, joke_id=joke_id), lang)


def reasons(facts: dict, lang: str, post, joke_id: str | None = "network-had-logs") -> list[str]:
    context = check_context(Brief(1, facts, joke_id=joke_id), lang, Config(), Redactor())
    return checks.check_post(post.title, post.body_md, context)


def test_ten_noun_phrase_subjects_are_told_in_english_and_pass_every_check_in_russian() -> None:
    en, ru = draft(TEN_SUBJECTS, "en"), draft(TEN_SUBJECTS, "ru")
    flat = en.body_md.replace("`", "")
    told = [subject for subject in NOUN_PHRASES if subject in flat]
    assert len(told) >= 5, told  # whole where the Russian post can carry their numbers
    assert "Collect git: read git log output in a thread through a pipe, memoise branch lists" in flat  # "a 1 MB pipe": a setting, no result to carry
    assert all(subject.split(":")[0] in flat for subject in NOUN_PHRASES)  # the others without them
    assert "CLI error tests: one-line messages, help on every command" in flat
    assert reasons(TEN_SUBJECTS, "en", en) == [] and reasons(TEN_SUBJECTS, "ru", ru) == []
    assert checks.numbers_differ({"en": en.title + "\n" + en.body_md, "ru": ru.title + "\n" + ru.body_md}) is None
    assert re.search(r"^- ", en.body_md, re.MULTILINE)  # a list, not one long sentence of quotes
    # Russian quotes none of the English subjects: it tells their code names and counts the rest by kind,
    # and never points its reader at the English version.
    assert "«" not in ru.body_md and "CLI error tests" not in ru.body_md
    assert cyrillic_share(ru.body_md) >= 0.85 and "английской версии" not in ru.body_md
    assert measure.words(en.body_md) >= 150


def test_a_rich_brief_gives_a_full_length_post_in_both_languages() -> None:
    for lang in ("en", "ru"):
        post = draft(RICHER_FACTS, lang)
        assert measure.words(post.body_md) >= (200 if lang == "en" else 50), (lang, measure.words(post.body_md))
        assert reasons(RICHER_FACTS, lang, post) == []
    en = draft(RICHER_FACTS, "en").body_md
    for sentence in ("move the retry settings into the config file", "never closed the idle ones",
                     "only a dead one", "gives up after the last attempt"):
        assert sentence in en, sentence


def test_next_steps_close_the_post_just_before_the_joke() -> None:
    body = draft(RICHER_FACTS, "en").body_md
    paragraphs = body.strip().split("\n\n")
    assert paragraphs[-1].endswith("😄")
    assert "jitter" in "\n\n".join(paragraphs[-3:-1])
    assert any(p.startswith("## ") for p in paragraphs[-4:-1])
    russian = draft(RICHER_FACTS, "ru").body_md.strip().split("\n\n")  # next steps written in English
    assert "jitter" not in "".join(russian) and "английской версии" not in "".join(russian)


def test_english_tells_what_the_russian_page_cannot_quote_without_new_numbers() -> None:
    en, ru = draft(RICHER_FACTS, "en"), draft(RICHER_FACTS, "ru")
    assert measure.words(en.body_md) > measure.words(ru.body_md)
    assert measure.numbers(en.title + en.body_md) == measure.numbers(ru.title + ru.body_md)
    assert cyrillic_share(ru.body_md) >= 0.85


def test_a_thin_brief_gets_no_list_no_next_steps_and_stays_short() -> None:
    facts = {"project": "csvkit", "category": "feature", "tags": [], "headline": "Add CSV export",
             "actions": [{"text": "Add CSV export", "source": "commit"}], "files": ["src/export.py"],
             "stats": {"commits": 1, "files_changed": 1, "lines_added": 40, "lines_removed": 0}}
    for lang in ("en", "ru"):
        body = draft(facts, lang, joke_id=None).body_md
        assert measure.words(body) < 150
        assert not re.search(r"^- ", body, re.MULTILINE)
        assert "## Next" not in body and "## Планы" not in body and "## Куда дальше" not in body


def test_the_short_form_of_a_subject_keeps_its_name_and_every_number() -> None:
    assert head_of("CLI error tests: one-line messages, exit 2, help on every command") == "CLI error tests: … exit 2 …"
    assert head_of("Offline writer: note points, retry feedback") == "Offline writer"
    assert head_of("End-to-end tests for the demo through the real CLI (expected to pass)") == \
        "End-to-end tests for the demo…"
    assert head_of("Hash passwords with argon2id tuned to 74 ms") == "Hash passwords with argon2id tuned to 74 ms"
    for subject in NOUN_PHRASES:
        assert measure.numbers(head_of(subject)) == measure.numbers(subject), subject
