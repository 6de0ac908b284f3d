"""Titles and openings of the offline writer on real-shaped briefs (commit subjects as a real
history writes them: sqlite-utils, this project's own log): every title names its topic from the
sources in natural English or in Russian words, and the set of titles does not read as one template."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from social_publisher.config import Config
from social_publisher.enrich.redact import Redactor
from social_publisher.records import Brief
from social_publisher.write import check_context, checks
from social_publisher.write import text as measure
from social_publisher.write.offline import OfflineWriter
from social_publisher.write.offline.phrases import EN, RU


def facts(project: str, category: str, subjects: list[str], headline: str | None = None) -> dict:
    return {
        "project": project, "category": category, "tags": ["python"],
        "period": {"start": "2026-11-20T09:00:00+00:00", "end": "2026-11-20T11:00:00+00:00"},
        "sources": ["git"], "languages": ["python"], "headline": headline or subjects[0], "goal": None,
        "problem": None, "actions": [{"text": s, "source": "commit"} for s in subjects],
        "files": ["sqlite_utils/db.py", "tests/test_create.py", "docs/python-api.rst"], "commands": [],
        "numbers": [], "before_after": [], "lessons": [], "next": [], "note_points": [], "commit_notes": [],
        "note_titles": [], "redacted_fingerprints": [],
        "stats": {"commits": len(subjects), "files_changed": 3, "lines_added": 120, "lines_removed": 10,
                  "sessions": 0, "prompts": 0, "notes": 0},
    }


def draft(brief_facts: dict, lang: str, story_id: int = 1):
    return OfflineWriter(Config()).draft(Brief(story_id=story_id, facts=brief_facts, joke_id=None), lang)


def opening(body: str) -> str:
    return body.strip().split("\n\n")[0]


# Headlines the lead's run on real histories turned into broken titles or openings, with what must not appear.
BROKEN = [
    ("Fix for missing csv Pygments support, refs #551", "bug_fix", ["Fixed for", "fixed for", "Csv", "refs"]),
    ("Fixes for Ruff>=0.16.0 (#814)", "bug_fix", ["Fixed for", "fixed for", "#814"]),
    ("Fix for table.insert(..., pk=..., ignore=True), closes #554", "bug_fix", ["Fixing for", "fixed for", "closes"]),
    ("Migrate --stop-before: validate names and fix legacy compatibility", "feature", ["Migrated", "migrated"]),
    ("Database as a context manager, fixed many pytest warnings", "bug_fix", ["Pytest", "Fixed Many"]),
    ("Applied Black 20.8b1, refs #142", "feature", ["refs", "Refs"]),
]


@pytest.mark.parametrize("headline, category, wrong", BROKEN)
def test_a_real_subject_gives_a_grammatical_title_and_opening(headline, category, wrong) -> None:
    brief_facts = facts("sqlite-utils", category, [headline, "Documented bash/zsh completion"])
    post = draft(brief_facts, "en")
    for text in (post.title, opening(post.body_md)):
        for bad in wrong:
            assert bad not in text, (bad, text)
    assert checks.bad_title(post.title, "sqlite-utils") is None


def test_identifiers_keep_their_case_and_the_topic_is_the_subjects() -> None:
    post = draft(facts("sqlite-utils", "bug_fix", ["Fix for table.insert(..., pk=..., ignore=True), closes #554"]), "en")
    assert "table.insert(..., pk=..., ignore=True)" in post.title
    post = draft(facts("sqlite-utils", "bug_fix", ["Fix for missing csv Pygments support, refs #551"]), "en")
    assert "missing csv Pygments support" in post.title  # not "Missing Csv Pygments Support"
    assert "fix for missing csv Pygments support" in opening(post.body_md)


def test_a_list_of_features_is_titled_by_its_first_topic() -> None:
    subjects = ["Site channel, channel registry, Atom feeds, sitemap, atomic site output",
                "Channel contract tests, render/path unit tests; CSS spacing fixes"]
    title = draft(facts("social-publisher", "feature", subjects), "en").title
    assert title.startswith("Site channel") and title.count(",") == 0, title
    subjects = ["Config, store with migrations, records, CLI, pipeline order, collect interface"]
    title = draft(facts("social-publisher", "feature", subjects), "en").title
    assert "Config" in title and "pipeline order" not in title, title


def test_a_long_subject_is_never_cut_after_a_preposition_or_inside_what_it_names() -> None:
    subjects = ["Fix for bug with extra columns in later chunks, closes #234",
                "Drop-table and drop-view now refuse to drop the wrong object type"]
    for headline in subjects:
        title = draft(facts("sqlite-utils", "bug_fix", subjects, headline=headline), "en").title
        assert not re.search(r"\b(?:in|to|with|of|for|the|a) (?:in sqlite-utils)?$", title.replace(" in sqlite-utils", "")), title
        assert measure.words(title) <= 12


# Real subjects of stories with different topics (sqlite-utils, this project's own history).
STORIES = [
    ("sqlite-utils", "feature", ["Create tables with compound foreign keys, refs #594",
                                 "Transform() now round-trips compound foreign keys, refs #594"]),
    ("sqlite-utils", "feature", ["Add db.begin(), db.commit() and db.rollback() methods",
                                 "Fix delete_where() leaving the connection in an open transaction"]),
    ("sqlite-utils", "feature", ["Option to add triggers when enabling FTS (#57)",
                                 "Db.triggers and table.triggers introspection (#60)"]),
    ("sqlite-utils", "bug_fix", ["Fix failed db.execute() write leaves a phantom transaction open",
                                 "Transaction cleanup no longer masks transaction errors"]),
    ("sqlite-utils", "docs", ["Give db.query() SQL restrictions top billing in upgrading docs"]),
    ("sqlite-utils", "feature", ["Added pluggy and first hook, register_commands - refs #569, #567",
                                 "Sqlite-utils install -e, closes #570"]),
    ("sqlite-utils", "bug_fix", ["Fixes for Ruff>=0.16.0 (#814)"]),
    ("sqlite-utils", "feature", ["Ability to add descending order indexes (#262)", "Handle BOM in CSV files, closes #250"]),
    ("sqlite-utils", "feature", ["Migrate --stop-before: validate names and fix legacy compatibility",
                                 "Run each migration inside a transaction"]),
    ("social-publisher", "feature", ["Site channel, channel registry, Atom feeds, sitemap, atomic site output"]),
    ("social-publisher", "feature", ["Claude Code transcripts as turn groups, first codex and notes sources",
                                     "Git source (streamed git log, incremental by branch tips) with tests"]),
    ("social-publisher", "feature", ["Writer contract and registry, offline bilingual writer, post checks"]),
]


def _skeleton(title: str, masked: set[str], project: str) -> str:
    words = []
    for word in re.findall(r"[\w.+#'-]+|[:→—]", title.lower()):
        word = "P" if word == project.lower() else "X" if word in masked else word
        if not (word == "X" and words and words[-1] == "X"):
            words.append(word)
    return " ".join(words)


def test_every_title_names_its_topic_and_the_titles_are_not_one_template() -> None:
    from social_publisher.write.offline.russian import GLOSSARY
    topic_words = {w for _, topic in GLOSSARY for w in re.findall(r"\w+", topic.lower())}
    kind_only = {t.lower() for key, frames in EN.items() if key.startswith("title_kind:") for t in frames}
    generic_ru = {f.split(" {P}")[0] for key, frames in RU.items() if key.startswith("title_kind:") for f in frames}
    skeletons: dict[str, Counter[str]] = {"en": Counter(), "ru": Counter()}
    for index, (project, category, subjects) in enumerate(STORIES):
        brief_facts = facts(project, category, subjects)
        source_words = {w for s in subjects for w in re.findall(r"[\w.+#'-]+", s.lower())} - {"in", "a", "the", "and"}
        for lang in ("en", "ru"):
            post = draft(brief_facts, lang, story_id=index + 1)
            context = check_context(Brief(index + 1, brief_facts), lang, Config(), Redactor())
            assert checks.bad_title(post.title, project) is None, post.title
            assert checks.wrong_language(post.title, post.body_md, lang, context.names) is None, post.title
            if lang == "en":
                assert not any(k in post.title.lower() for k in kind_only), post.title  # a topic, not a kind
                assert set(re.findall(r"[\w.+#'-]+", post.title.lower())) & (source_words - {project}), post.title
                skeletons["en"][_skeleton(post.title, source_words, project)] += 1
            else:
                assert not any(post.title.startswith(g) for g in generic_ru), post.title
                assert set(re.findall(r"\w+", post.title.lower())) & topic_words, post.title  # a Russian topic
                skeletons["ru"][_skeleton(post.title, topic_words, project)] += 1
    for lang, counts in skeletons.items():  # no one shape for most titles
        assert counts.most_common(1)[0][1] <= len(STORIES) // 3, (lang, counts.most_common(3))


def test_the_opening_and_the_section_heads_follow_the_category() -> None:
    fix_words = ("I fixed a bug", "A fix I made", "## How I fixed it", "исправлял ошибку", "чинил ошибку",
                 "## Как я исправил")
    for index, (project, category, subjects) in enumerate(STORIES):
        posts = {lang: draft(facts(project, category, subjects), lang, story_id=index + 1) for lang in ("en", "ru")}
        text = posts["en"].body_md + posts["ru"].body_md
        if category == "bug_fix":
            continue
        assert not any(words in text for words in fix_words), (category, text)
        heads = [line for line in posts["en"].body_md.splitlines() if line.startswith("## ")]
        if category == "docs" and heads:
            assert heads[0] in EN["head_work:docs"], heads
        if category == "feature" and heads:
            assert heads[0] in EN["head_work:feature"], heads


def test_an_english_title_never_shows_a_bare_count_pair_without_what_it_counts() -> None:
    subjects = ["Keep upstream connections to Authelia alive", "Add the compose stack"]
    pair = {"before": "6,277", "after": "2,745",
            "context": "Throughput falls from 6,277 to 2,745 requests per second through auth_request."}
    for headline in ("Put Grafana and whoami behind Authelia forward auth", "Add forward auth"):
        brief_facts = {**facts("homelab-auth", "infra", subjects, headline), "before_after": [pair]}
        title = draft(brief_facts, "en").title
        assert "6,277" not in title or "requests per second" in title, title
    short = {**facts("homelab-auth", "infra", subjects, "Add forward auth"), "before_after": [pair]}
    assert "6,277 → 2,745 requests per second" in draft(short, "en").title or "From 6,277 to 2,745 requests per second" in draft(short, "en").title
