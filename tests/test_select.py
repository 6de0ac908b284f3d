"""The select stage judged as a person would judge the activity it reads (issue 4's acceptance)."""

from __future__ import annotations

from collections import Counter
import random
import shutil

import pytest

from social_publisher.config import Config, SelectConfig
from social_publisher.select import select
from social_publisher.store import Store
from test_select_support import at, bug_session, commit, note, trivial_day, turn

NOW = "2026-11-28T12:00:00+00:00"


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", NOW)


def config(**select_keys) -> Config:
    return Config(select=SelectConfig(**select_keys))


def kept(store: Store):
    return store.stories(status="selected")


def test_a_day_of_merges_bumps_and_typos_makes_no_story(store):
    rows = trivial_day("webapp", 20)
    store.add_activity(rows)
    report = select(store, config())
    assert store.stories() == []
    assert report.stories_selected == 0 and report.trivial_groups == 1
    assert report.activity_considered == len(rows)
    assert store.activity(unconsidered=True) == []  # looked at once, never again
    reasons = report.candidates[0].excluded
    assert {"merge", "version bump", "typo", "lockfile only", "revert", "reverted later", "formatting"} <= set(reasons)


def test_a_session_with_an_error_a_fix_and_a_measurement_makes_one_story(store):
    store.add_activity(bug_session("cache-tool", 21))
    report = select(store, config())
    stories = kept(store)
    assert len(stories) == 1
    story = stories[0]
    assert story.category in ("bug_fix", "experiment")
    assert {"python", "sqlite", "pytest"} <= set(story.tags)
    assert len(story.activity_ids) == 3
    features = story.explain["features"]
    assert features["problem_solved"]["points"] > 0
    assert "12.4 s → 3.1 s" in features["before_after"]["evidence"]
    assert story.explain["decision"] == "kept" and story.explain["reason"]
    assert report.stories_selected == 1


def test_trivial_commits_beside_real_work_do_not_join_the_story(store):
    store.add_activity(bug_session("cache-tool", 21) + [
        commit("cache-tool", at(21, 10, 30), "Merge branch 'fix-lock'", [("src/cache.py", 48, 17)], is_merge=True),
        commit("cache-tool", at(21, 10, 40), "bump version to 0.3.1", [("pyproject.toml", 1, 1)]),
    ])
    select(store, config())
    (story,) = kept(store)
    texts = [a.text for a in store.activity(ids=story.activity_ids)]
    assert not any(t.startswith(("Merge", "bump")) for t in texts)
    assert store.activity(unconsidered=True) == []


def test_two_sessions_telling_the_same_story_on_different_days_make_one_story(store):
    first = [
        turn("llm-analysis", "s-router-1", 0, at(18, 9),
             "Why do the CIFAR-10 experts not specialise? The router sends almost everything to expert 2.",
             "The router collapses onto one expert; an entropy term in the router loss should spread the load.",
             edited=["train/router.py"]),
        commit("llm-analysis", at(18, 11), "Add router entropy loss so CIFAR-10 experts specialise\n\n"
               "Expert accuracy on CIFAR-10 went from 83.7% to 85.0% and the oracle gap from 6.6% to 0.4%.",
               [("train/router.py", 60, 8), ("train/loss.py", 25, 0)], languages=["Python"]),
    ]
    second = [
        turn("llm-analysis", "s-router-2", 0, at(20, 14),
             "Write down the CIFAR-10 router specialisation result: the entropy loss made the experts specialise.",
             "Summary: with the router entropy loss, CIFAR-10 expert accuracy went from 83.7% to 85.0% "
             "and the oracle gap from 6.6% to 0.4%."),
        note("llm-analysis", at(20, 15), "Router experts specialise on CIFAR-10",
             "Router specialisation on CIFAR-10: the entropy loss fixed the collapse onto expert 2. "
             "Accuracy 83.7% → 85.0%, oracle gap 6.6% → 0.4%. Lesson: a router needs an entropy term."),
    ]
    store.add_activity(first)
    select(store, config())
    store.add_activity(second)
    report = select(store, config())
    assert len(kept(store)) == 1
    (dropped,) = store.stories(status="dropped")
    assert dropped.explain["reason"].startswith("near-duplicate")
    assert report.dropped_duplicate == 1 and "near-duplicate" in report.explain_text()


def test_the_same_story_twice_in_one_run_keeps_the_better_telling(store):
    store.add_activity(bug_session("cache-tool", 21, "s-a") + [
        note("cache-tool", at(23, 18), "Database is locked: the cache import fix",
             "The cache import into SQLite failed with database is locked. Fix: reuse one connection in WAL mode "
             "and batch the inserts in one transaction. Import of 100,000 rows 12.4 s → 3.1 s."),
    ])
    report = select(store, config())
    assert len(kept(store)) == 1
    assert report.dropped_duplicate == 1


def test_different_stories_of_one_project_are_both_kept(store):
    store.add_activity(bug_session("cache-tool", 21) + [
        turn("cache-tool", "s-tg", 0, at(22, 10),
             "Add a Telegram channel publisher that posts each new cache report, with retries on 429.",
             "Added publisher.py: sendMessage with parse_mode HTML; on 429 it waits retry_after seconds.",
             edited=["src/publisher.py", "tests/test_publisher.py"], commands=[("uv run pytest -q", False)]),
        commit("cache-tool", at(22, 11), "Add Telegram channel publisher with retry on 429\n\n"
               "Posts each cache report to the channel; honours retry_after from the Bot API and keeps the "
               "message under 4096 characters.",
               [("src/publisher.py", 140, 0), ("tests/test_publisher.py", 90, 0)], languages=["Python"]),
    ])
    select(store, config())
    stories = kept(store)
    assert len(stories) == 2
    telegram = [s for s in stories if "telegram" in s.tags]
    assert len(telegram) == 1 and telegram[0].category == "feature"


def test_at_most_max_stories_per_day_best_first_and_the_rest_explained(store):
    rows = []
    for n in range(4):  # four separate sessions on one day, in four projects, each a real story
        rows += bug_session(f"project-{n}", 21, f"s-{n}")
    rows.append(commit("project-0", at(21, 20), "Add CSV export of the cache\n\nExport every cached row to CSV "
                       "with a header line, streaming so that memory stays flat on large caches.",
                       [("src/export.py", 80, 0)]))
    store.add_activity(rows)
    report = select(store, config(max_stories_per_day=2))
    stories = kept(store)
    assert len(stories) == 2
    over_cap = [c for c in report.candidates if c.reason.startswith("over the daily cap")]
    assert len(over_cap) == report.dropped_over_cap >= 2
    assert min(s.score for s in stories) >= max(c.score for c in over_cap)
    text = report.explain_text()
    assert text.count("DROPPED (over the daily cap)") == len(over_cap)
    assert {s.status for s in store.stories()} == {"selected", "dropped"}


def test_the_daily_cap_counts_stories_kept_by_earlier_runs(store):
    store.add_activity(bug_session("a", 21, "s-a"))
    select(store, config(max_stories_per_day=1))
    store.add_activity(bug_session("b", 21, "s-b"))
    report = select(store, config(max_stories_per_day=1))
    assert len(kept(store)) == 1 and report.dropped_over_cap == 1


def test_below_min_score_is_dropped_with_its_reason(store):
    store.add_activity([commit("tiny", at(21, 9), "Rename a variable", [("src/a.py", 2, 2)])])
    report = select(store, config())
    assert kept(store) == []
    (candidate,) = report.candidates
    assert candidate.decision == "dropped" and candidate.reason.startswith("below min score")
    assert store.activity(unconsidered=True) == []


def test_a_second_select_with_no_new_activity_adds_nothing(store):
    store.add_activity(bug_session("cache-tool", 21) + trivial_day("cache-tool", 22))
    select(store, config())
    before = [(s.id, s.status, s.fingerprint) for s in store.stories()]
    report = select(store, config())
    assert [(s.id, s.status, s.fingerprint) for s in store.stories()] == before
    assert report.activity_read == 0 and report.candidates == []


def _mixed_activity():
    rows = bug_session("cache-tool", 21) + trivial_day("cache-tool", 22)
    for n in range(3):
        rows += bug_session(f"svc-{n}", 23, f"s-svc-{n}")
    rows.append(note("notes", at(24, 20), "What I learned about WAL mode",
                     "TIL: SQLite in WAL mode lets readers work while one writer writes. I read the docs to "
                     "understand why our importer locked; checkpoints run every 1000 pages."))
    return rows


def test_the_same_store_gives_the_same_stories_in_the_same_order(tmp_path):
    rows = _mixed_activity()
    results = []
    for n, order in enumerate((rows, list(reversed(rows)), random.Random(7).sample(rows, len(rows)))):
        with Store(tmp_path / f"store-{n}.db") as store:
            store.add_activity(order)
            report = select(store, config(max_stories_per_day=2))
            stories = [(s.fingerprint, s.status, s.score, s.category, s.tags, s.started_at) for s in store.stories()]
            decisions = [(c.fingerprint, c.decision, c.reason) for c in report.candidates]
            results.append((stories, decisions))
    assert results[0] == results[1] == results[2]
    assert any(status == "selected" for _, status, *_ in results[0][0])


def test_a_copied_store_selects_identically(tmp_path):
    with Store(tmp_path / "a.db") as store:
        store.add_activity(_mixed_activity())
    shutil.copy(tmp_path / "a.db", tmp_path / "b.db")
    outputs = []
    for name in ("a.db", "b.db"):
        with Store(tmp_path / name) as store:
            report = select(store, config())
            outputs.append((report.as_dict()["candidates"],
                            [(s.id, s.fingerprint, s.explain) for s in store.stories()]))
    assert outputs[0] == outputs[1]


def test_an_open_session_is_held_until_it_closes(store, monkeypatch):
    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", at(21, 11))  # the bug session's last activity is 10:15
    store.add_activity(bug_session("cache-tool", 21))
    report = select(store, config())
    assert kept(store) == [] and report.held_sessions == 1 and report.activity_held == 3
    assert len(store.activity(unconsidered=True)) == 3
    assert "session still open" in report.explain_text()
    # the session goes on: a later turn joins the same group instead of starting a second story
    store.add_activity([turn("cache-tool", "s-bug", 2, at(21, 12), "Add a regression test for the lock",
                             "Added test_parallel_import; 43 passed.", edited=["tests/test_cache.py"],
                             commands=[("uv run pytest -q", False)])])
    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", at(21, 16))
    report = select(store, config())
    (story,) = kept(store)
    assert len(story.activity_ids) == 4 and report.held_sessions == 0


def test_open_sessions_are_decided_at_once_when_holding_is_off(store, monkeypatch):
    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", at(21, 11))
    store.add_activity(bug_session("cache-tool", 21))
    select(store, config(hold_open_sessions=False))
    assert len(kept(store)) == 1


def test_someone_elses_commits_never_make_a_story(store):
    store.add_activity([
        commit("shared", at(21, 9), "Add OAuth login with refresh tokens\n\nStores refresh tokens encrypted and "
               "rotates them on every use; the login flow takes 2 requests instead of 5.",
               [("src/auth.py", 300, 20), ("tests/test_auth.py", 150, 0)], own=False),
    ])
    report = select(store, config())
    assert kept(store) == [] and report.trivial_groups == 1
    assert report.candidates[0].excluded == {"someone else's commit": 1}


def test_a_note_alone_is_a_strong_signal(store):
    store.add_activity([note("homelab", at(21, 21), "Why my backups silently stopped",
                             "The nightly restic backup stopped three weeks ago and nobody noticed. The problem: "
                             "the systemd timer ran as root but the repository password file moved. The fix was to "
                             "point the service at the new path and add an alert when a backup is older than 26 h.")])
    select(store, config())
    (story,) = kept(store)
    assert story.explain["features"]["user_notes"]["points"] >= 3
    assert "systemd" in story.tags


def test_building_on_every_core_gives_the_same_result(tmp_path, monkeypatch):
    from social_publisher.select import parallel

    rows = _mixed_activity()
    with Store(tmp_path / "a.db") as store:
        store.add_activity(rows)
    shutil.copy(tmp_path / "a.db", tmp_path / "b.db")
    outputs = []
    for name, min_rows in (("a.db", 10**9), ("b.db", 0)):
        monkeypatch.setattr(parallel, "PARALLEL_MIN_ROWS", min_rows)
        with Store(tmp_path / name) as store:
            report = select(store, config(max_stories_per_day=2))
            outputs.append((report.as_dict(), [(s.id, s.fingerprint, s.status, s.explain) for s in store.stories()]))
    assert outputs[0] == outputs[1]
    assert len(parallel._deal_projects(Counter(row.project for row in rows), 2)) == 2  # both paths really ran


def test_a_row_with_an_unreadable_time_is_skipped_with_one_warning(store):
    from social_publisher.records import Activity

    broken = Activity("git", "app", "commit", "yesterday", "", "Add things", {}, "fp-broken")
    store.add_activity(bug_session("cache-tool", 21) + [broken])
    report = select(store, config())
    assert len(kept(store)) == 1
    assert len(report.warnings) == 1 and "occurred_at='yesterday'" in report.warnings[0]
    assert store.activity(unconsidered=True) == []


def test_odd_meta_values_are_read_as_empty_not_as_a_crash(store):
    from social_publisher.records import Activity

    odd = Activity("claude-code", "app", "session", at(21, 9), "", "Fix the crash in the importer\n\nDone.",
                   {"session_id": 5, "prompt": None, "errors": "boom", "commands": "pytest", "files_edited": None,
                    "assistant_text": "Done.", "ended_at": 17, "languages": "python"}, "fp-odd")
    store.add_activity([odd])
    report = select(store, config())
    assert report.activity_considered == 1 and not report.warnings


def test_the_floor_follows_the_users_own_work(store, tmp_path):
    rows = []
    for n in range(5):  # the user's usual work: sessions with a problem, a fix and numbers
        rows += bug_session(f"svc-{n}", 21 + n % 2, f"s-{n}")
    thin = commit("svc-9", at(24, 9), "Add a CSV export\n\nExport every cached row to CSV with a header line, "
                  "streaming so that memory stays flat on large caches.", [("src/export.py", 30, 0)])
    store.add_activity(rows + [thin])
    report = select(store, config())
    (candidate,) = [c for c in report.candidates if c.project == "svc-9"]
    assert 1 <= candidate.score < report.score_floor  # above the absolute minimum, below the relative floor
    assert candidate.decision == "dropped" and "median" in candidate.reason
    with Store(tmp_path / "alone.db") as other:  # for a user whose work is all like it, it is a story
        other.add_activity([thin])
        assert select(other, config()).candidates[0].decision == "kept"
