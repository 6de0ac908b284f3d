"""The offline writer's "worth knowing" paragraph from brief.wiki: each language its own extract, checks pass."""

from __future__ import annotations

from social_publisher.config import Config
from social_publisher.enrich.redact import Redactor
from social_publisher.publish.render import render_post
from social_publisher.records import Brief
from social_publisher.write import check_context, checks
from social_publisher.write import text as measure
from social_publisher.write.offline import OfflineWriter
from social_publisher.write.offline.worth_knowing import paragraph

FACTS = {
    "project": "fetchbot", "category": "bug_fix", "tags": ["python"],
    "period": {"start": "2026-11-20T09:00:00+00:00", "end": "2026-11-20T11:00:00+00:00"},
    "sources": ["git"], "languages": ["python"],
    "headline": "Add retry with exponential backoff", "goal": "The fetcher keeps dying on flaky networks.",
    "problem": None,
    "actions": [{"text": "Add retry with exponential backoff", "source": "commit"},
                {"text": "Fix timeout handling in the HTTP client", "source": "commit"}],
    "files": ["src/fetchbot/fetcher.py"], "commands": [],
    "numbers": [{"value": "850 ms", "context": "Latency went from 850 ms to 240 ms."},
                {"value": "240 ms", "context": "Latency went from 850 ms to 240 ms."}],
    "before_after": [{"before": "850 ms", "after": "240 ms", "context": "Latency went from 850 ms to 240 ms."}],
    "lessons": ["The root cause was that the client never set a timeout, so a dead connection hung forever."],
    "next": [], "note_points": [], "commit_notes": [], "note_titles": [], "redacted_fingerprints": [],
    "stats": {"commits": 2, "files_changed": 1, "lines_added": 80, "lines_removed": 12, "sessions": 0,
              "prompts": 0, "notes": 0},
}
WIKI = {
    "tag": "python",
    "en": {"title": "Python (programming language)", "description": "General-purpose programming language",
           "extract": "Python is a high-level, general-purpose programming language. Its design philosophy "
                      "emphasizes code readability with the use of significant indentation. Python is dynamically "
                      "type-checked and garbage-collected. It was first released in 1991.",
           "url": "https://en.wikipedia.org/wiki/Python_(programming_language)"},
    "ru": {"title": "Python", "description": "язык программирования",
           "extract": "Python (МФА: [ˈpʌɪθ(ə)n]; в русском языке встречаются названия пито́н или па́йтон) — "
                      "высокоуровневый язык программирования общего назначения с динамической строгой типизацией и "
                      "автоматическим управлением памятью. Первая версия вышла в 1991 году.",
           "url": "https://ru.wikipedia.org/wiki/Python"},
}


def posts(wiki: dict | None) -> dict:
    brief = Brief(story_id=1, facts=FACTS, wiki=wiki, joke_id="network-had-logs")
    writer = OfflineWriter(Config())
    return {lang: writer.draft(brief, lang) for lang in ("en", "ru")}, brief


def test_each_post_tells_its_own_languages_extract_and_links_the_source():
    drafted, _ = posts(WIKI)
    en, ru = drafted["en"].body_md, drafted["ru"].body_md
    assert ("**Worth knowing.** Python is a high-level, general-purpose programming language. Its design philosophy "
            "emphasizes code readability with the use of significant indentation. ([Wikipedia: Python (programming "
            "language)](<https://en.wikipedia.org/wiki/Python_(programming_language)>), CC BY-SA)") in en
    assert ("**Полезно знать.** Python — высокоуровневый язык программирования общего назначения с динамической "
            "строгой типизацией и автоматическим управлением памятью. ([Википедия: Python]"
            "(<https://ru.wikipedia.org/wiki/Python>), CC BY-SA)") in ru
    assert "1991" not in en + ru and "МФА" not in ru and "\u0301" not in ru
    assert "Полезно знать" not in en and "Worth knowing" not in ru
    html = render_post(en, drafted["en"].title).html
    assert 'href="https://en.wikipedia.org/wiki/Python_(programming_language)"' in html


def test_posts_with_the_paragraph_pass_every_check_and_carry_the_same_numbers():
    drafted, brief = posts(WIKI)
    for lang, post in drafted.items():
        assert checks.check_post(post.title, post.body_md, check_context(brief, lang, Config(), Redactor())) == []
    assert checks.numbers_differ({lang: p.title + "\n" + p.body_md for lang, p in drafted.items()}) is None
    without, _ = posts(None)
    assert measure.numbers(drafted["en"].body_md) == measure.numbers(without["en"].body_md)


def test_without_a_russian_page_the_russian_post_leaves_the_paragraph_out():
    english_only = {"tag": "python", "en": WIKI["en"]}
    drafted, brief = posts(english_only)
    assert "Worth knowing" in drafted["en"].body_md
    assert "Полезно знать" not in drafted["ru"].body_md and "Википедия" not in drafted["ru"].body_md
    short = []
    for lang, post in drafted.items():
        reasons = checks.check_post(post.title, post.body_md, check_context(brief, lang, Config(), Redactor()))
        assert [r for r in reasons if not r.startswith("too short")] == [], (lang, reasons)
        short += [lang for r in reasons if r.startswith("too short")]
    # without the Russian paragraph the Russian post may fall short: then the stage drops the story whole
    thin = OfflineWriter(Config()).too_thin(brief, ["en", "ru"])
    assert (thin is not None) == bool(short) and (not short or "in Russian" in thin), (short, thin)


def test_without_a_fact_the_posts_are_as_before():
    drafted, _ = posts(None)
    assert "Worth knowing" not in drafted["en"].body_md and "Полезно знать" not in drafted["ru"].body_md


def test_sentences_with_numbers_or_words_a_check_rejects_are_left_out():
    wiki = {"en": {"title": "X", "url": "https://en.wikipedia.org/wiki/X",
                   "extract": "X was released in 2013. The password is stored in /etc/x/root.txt by default."}}
    assert paragraph(wiki, "en") is None
    wiki["en"]["extract"] = "X was released in 2013. X is a tool for shipping software."
    assert paragraph(wiki, "en") == ("**Worth knowing.** X is a tool for shipping software. "
                                     "([Wikipedia: X](<https://en.wikipedia.org/wiki/X>), CC BY-SA)")
    wiki["en"]["url"] = "javascript:alert(1)"
    assert paragraph(wiki, "en") == "**Worth knowing.** X is a tool for shipping software. (Wikipedia, CC BY-SA)"
