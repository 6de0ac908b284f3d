"""The shipped joke corpus: bilingual, safe to publish, matched to the story, never repeated."""

from __future__ import annotations

import re

from social_publisher.enrich import jokes
from social_publisher.enrich.redact import Redactor
from social_publisher.write import checks
from social_publisher.write import text as measure


def test_corpus_has_enough_bilingual_jokes_with_unique_ids() -> None:
    corpus = jokes.corpus()
    assert len(corpus) >= 40
    assert len({joke.id for joke in corpus}) == len(corpus)
    for joke in corpus:
        assert joke.en.strip() and joke.ru.strip() and joke.tags, joke.id
        assert measure.letters(joke.ru).share("ru") >= 0.75, joke.id  # real Russian, not English
        assert measure.letters(joke.en).share("en") >= 0.95, joke.id


def test_each_joke_carries_the_same_numbers_in_both_languages() -> None:
    for joke in jokes.corpus():
        assert measure.numbers(joke.en) == measure.numbers(joke.ru), joke.id


def test_no_joke_would_fail_a_post_check() -> None:
    redactor = Redactor()
    for joke in jokes.corpus():
        for text in (joke.en, joke.ru):
            assert checks.quotable(text), (joke.id, text)
            assert redactor.findings(text) == [], joke.id
            assert not re.search(r"😄", text)  # the writer adds the emoji


def test_pick_prefers_tags_and_skips_used_jokes() -> None:
    terms = jokes.story_terms({"tags": ["git"], "category": "feature", "languages": ["python"], "files": []})
    first = jokes.pick(terms, set(), seed="story-1")
    assert "git" in first.tags
    second = jokes.pick(terms, {first.id}, seed="story-1")
    assert second.id != first.id and "git" in second.tags
    assert jokes.pick(terms, set(), seed="story-1") == first  # deterministic


def test_tags_weigh_more_than_the_category() -> None:
    terms = jokes.story_terms({"tags": ["docker", "nginx"], "category": "experiment", "languages": [], "files": []})
    assert "docker" in jokes.pick(terms, set(), seed="s").tags


def test_aliases_map_story_words_to_corpus_tags() -> None:
    strong, weak = jokes.story_terms({"tags": ["sqlite", "telegram"], "category": "bug_fix", "languages": ["python"],
                                      "files": ["tests/test_x.py"], "problem": {"kind": "error", "text": "x"}})
    assert {"database", "bots", "telegram"} <= strong
    assert {"debugging", "testing", "python"} <= weak


def test_pick_returns_none_when_everything_is_used() -> None:
    used = {joke.id for joke in jokes.corpus()}
    assert jokes.pick((set(), set()), used, seed="x") is None
    assert jokes.get("no-such-joke") is None and jokes.get(None) is None
