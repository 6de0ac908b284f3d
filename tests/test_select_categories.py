"""Each category, judged on activity a person would file under it; features on their own."""

from __future__ import annotations

import pytest

from social_publisher.config import Config
from social_publisher.select import select
from test_select_support import at, bug_session, commit, note, turn


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", "2026-11-28T12:00:00+00:00")


def only_story(store, rows):
    store.add_activity(rows)
    report = select(store, Config())
    stories = store.stories(status="selected")
    assert len(stories) == 1, report.explain_text()
    return stories[0]


def test_bug_fix(store):
    assert only_story(store, bug_session("cache-tool", 21)).category == "bug_fix"


def test_a_reported_failure_fixed_by_a_commit_is_a_bug_fix(store):
    story = only_story(store, [
        turn("bot", "s", 0, at(21, 21),
             "Tonight's digest was rejected with 400 'Bad Request: message is too long' for every subscriber, "
             "although split_message keeps parts under 4096. Find out why and fix the splitter.",
             "Telegram counts UTF-16 code units; emoji count twice.", edited=["bot/digest.py"]),
        commit("bot", at(21, 22), "Split digests by UTF-16 length, not len()\n\nTelegram limits a message to 4096 "
               "UTF-16 code units. Tonight's first part was 4,071 characters but 4,133 units, and every send came "
               "back 400 Bad Request.", [("bot/digest.py", 7, 2), ("tests/test_digest.py", 8, 1)]),
    ])
    assert story.category == "bug_fix"


def test_experiment(store):
    story = only_story(store, [
        turn("llm", "s", 0, at(21, 9), "Compare the baseline with curriculum data on GSM8K and measure accuracy",
             "Phase 29a: accuracy 76.8% → 73.0% with the borderline solutions; perplexity 1.60 → 2.16.",
             commands=[("python train.py --phase 29a", False), ("python eval.py --bench gsm8k", False)],
             edited=["train.py", "configs/phase29a.yaml"]),
        commit("llm", at(21, 12), "Phase 29a: curriculum experiment with borderline solutions\n\n"
               "Trained 500 steps on 89 borderline solutions; accuracy on GSM8K dropped from 76.8% to 73.0%.",
               [("train.py", 30, 4), ("configs/phase29a.yaml", 20, 0), ("results/phase29a.json", 12, 0)]),
    ])
    assert story.category == "experiment"
    assert "76.8% → 73.0%" in story.explain["features"]["before_after"]["evidence"]


def test_refactor(store):
    story = only_story(store, [
        commit("app", at(21, 9), "Refactor the storage layer: extract a Repository class\n\n"
               "Split the 900-line db.py into repository.py and queries.py, simplify the callers and remove the "
               "duplicated connection handling that lived in three places.",
               [("src/db.py", 20, 640), ("src/repository.py", 210, 0), ("src/queries.py", 180, 0),
                ("src/api/handlers.py", 40, 90)]),
    ])
    assert story.category == "refactor"


def test_infrastructure(store):
    story = only_story(store, [
        commit("homelab", at(21, 9), "Deploy the bot with Docker Compose behind nginx\n\n"
               "Add a Dockerfile, a compose file with the bot and nginx as a TLS proxy, and a CI workflow that "
               "builds the image on every push.",
               [("Dockerfile", 25, 0), ("docker-compose.yml", 40, 0), ("nginx/bot.conf", 30, 0),
                (".github/workflows/build.yml", 35, 0)]),
    ])
    assert story.category == "infrastructure"
    assert {"docker", "nginx", "github-actions"} <= set(story.tags)


def test_docs(store):
    story = only_story(store, [
        commit("lib", at(21, 9), "docs: write the configuration guide\n\nDocument every key of publisher.toml "
               "with an example, the defaults and what each source type reads from disk.",
               [("docs/configuration.md", 220, 5), ("README.md", 30, 10)]),
    ])
    assert story.category == "docs"


def test_learning(store):
    story = only_story(store, [
        turn("notes", "s", 0, at(21, 20), "How does SQLite WAL mode let readers and a writer work at once?",
             "In WAL mode writes go to a separate log; readers keep reading the main file..."),
        note("notes", at(21, 21), "TIL: how SQLite WAL works",
             "I wanted to understand why our readers never block. In WAL mode a writer appends pages to the "
             "write-ahead log and readers see a snapshot; a checkpoint copies pages back every 1000 pages."),
    ])
    assert story.category == "learning"
    assert "sqlite" in story.tags


def test_feature(store):
    story = only_story(store, [
        turn("bot", "s", 0, at(21, 9), "Add a /digest command that sends the day's posts to the Telegram channel",
             "Added the /digest handler and its test.", edited=["bot/digest.py", "tests/test_digest.py"],
             commands=[("pytest -q", False)]),
        commit("bot", at(21, 10), "Add /digest command for the daily summary",
               [("bot/digest.py", 120, 0), ("tests/test_digest.py", 60, 0)]),
    ])
    assert story.category == "feature"
    assert "telegram" in story.tags


def test_new_technology_for_a_project_scores(store):
    store.add_activity(bug_session("cache-tool", 20, "s-old"))
    select(store, Config())
    store.add_activity([
        turn("cache-tool", "s-new", 0, at(23, 9), "Add a Redis layer in front of the SQLite cache to cut read latency",
             "Installed redis; reads went from 40 ms to 2 ms.", commands=[("uv pip install redis", False)],
             edited=["src/cache.py"]),
    ])
    select(store, Config())
    newest = store.stories(status="selected")[-1]
    assert newest.explain["features"]["new_technologies"]["evidence"] == ["redis"]
    assert "redis" in newest.tags


def test_a_feature_day_with_one_small_fix_commit_is_a_feature_day(store):
    """A real day of sqlite-utils (commits as written): options, a TUI and completion docs, plus a
    two-line "Fix for ..." in the docs. The category follows most of the work, not the word "fix".
    The completion docs share no file with the rest: they are a story of their own."""
    store.add_activity([
        commit("sqlite-utils", at(21, 9), "Analyze tables options: --common-limit, --no-most, --no-least\n\nCloses #544",
               [("docs/cli-reference.rst", 7, 4), ("docs/cli.rst", 7, 3), ("docs/python-api.rst", 20, 5),
                ("sqlite_utils/cli.py", 16, 3), ("sqlite_utils/db.py", 32, 22), ("tests/test_analyze_tables.py", 96, 3)]),
        commit("sqlite-utils", at(21, 10), "No need to show common values if everything is null\n\nCloses #547",
               [("sqlite_utils/cli.py", 5, 3), ("sqlite_utils/db.py", 14, 10), ("tests/test_analyze_tables.py", 25, 1)]),
        commit("sqlite-utils", at(21, 10, 30), "Validate column names in analyze-columns, closes #548",
               [("sqlite_utils/cli.py", 9, 0), ("tests/test_analyze_tables.py", 37, 0)]),
        commit("sqlite-utils", at(21, 11), "Experimental TUI powered by Trogon\n\n* sqlite-utils tui command if Trogon "
               "is installed, closes #545\r\n* Documentation for trogon TUI\r\n* Screenshot of TUI\r\n* Ignore trogon "
               "mypy error\r\n* only run flake8 on Python 3.8 or higher, closes #550",
               [(".github/workflows/publish.yml", 1, 1), (".github/workflows/test.yml", 3, 2),
                ("docs/_static/img/tui.png", None, None), ("docs/cli-reference.rst", 18, 0), ("docs/cli.rst", 22, 0),
                ("setup.py", 1, 0), ("sqlite_utils/cli.py", 9, 0), ("tests/test_docs.py", 1, 1)]),
        commit("sqlite-utils", at(21, 12), "Fix for missing csv Pygments support, refs #551", [("docs/cli.rst", 2, 2)]),
        commit("sqlite-utils", at(21, 13), "Documented bash/zsh completion, closes #552",
               [("docs/installation.rst", 24, 0)]),
    ])
    report = select(store, Config())
    stories = sorted(store.stories(status="selected"), key=lambda s: -len(s.activity_ids))
    assert [len(s.activity_ids) for s in stories] == [5, 1], report.explain_text()
    assert stories[0].category == "feature", stories[0].explain["category_points"]
    assert stories[1].category == "docs"


def test_a_day_of_new_modules_whose_bodies_talk_about_errors_is_a_feature_day(store):
    """Real shape (this project's own history): big commits that add a stage, with bodies that
    describe the errors the new code reports. No commit fixes anything."""
    story = only_story(store, [
        commit("social-publisher", at(21, 9), "select: group activity into sessions, score, categorise, tag, dedupe "
               "and cap stories\n\nBad input fails with one clear error; a wrong config value is rejected; errors "
               "name the file.", [("src/social_publisher/select/__init__.py", 158, 0),
                                 ("src/social_publisher/select/candidates.py", 106, 0)]),
        commit("social-publisher", at(21, 10), "select: acceptance tests (trivial day, bug session, same story twice)"
               "\n\nThe failing cases: a crash on an empty day, a wrong category.",
               [("tests/test_select.py", 249, 0), ("src/social_publisher/select/dedupe.py", 2, 4)]),
        commit("social-publisher", at(21, 11), "signals: a 4xx/5xx status with a plural s is not a time in seconds",
               [("src/social_publisher/signals.py", 4, 0), ("tests/test_select_signals.py", 7, 0)]),
    ])
    assert story.category == "feature", story.explain["category_points"]


def test_a_day_of_release_notes_and_docs_is_a_docs_day(store):
    """Doc clarifications and the release notes (which share no file): every story of it is docs."""
    store.add_activity([
        commit("sqlite-utils", at(21, 9), "Clarify transaction documentation\n\nExplain when db.query() opens a "
               "transaction, what happens on an error inside one and how to commit by hand.",
               [("docs/python-api.rst", 40, 12)]),
        commit("sqlite-utils", at(21, 10), "Add cross-reference notes between CLI and Python API documentation (#791)",
               [("docs/cli.rst", 30, 2), ("docs/python-api.rst", 28, 0)]),
        commit("sqlite-utils", at(21, 11), "Release notes for 4.0\n\nThe upgrade guide lists every breaking "
               "change: db.query() restrictions, the new transaction rules and the dropped Python versions.",
               [("docs/changelog.rst", 60, 0)]),
        commit("sqlite-utils", at(21, 12), "Fix typo in test name", [("tests/test_cli.py", 1, 1)]),
    ])
    report = select(store, Config())
    stories = store.stories(status="selected")
    assert stories, report.explain_text()
    assert {s.category for s in stories} == {"docs"}, [s.explain["category_points"] for s in stories]
