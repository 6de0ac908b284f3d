"""Grouping: per project, per work session; notes of the day join; an AI session stays whole."""

from __future__ import annotations

from datetime import timedelta

from social_publisher.select.grouping import group_activity
from test_select_support import at, commit, note, turn

GAP = timedelta(hours=3)


def fingerprints(groups):
    return [[row.fingerprint for row in g.rows] for g in groups]


def test_activity_closer_than_the_gap_is_one_session_and_a_longer_pause_splits():
    rows = [commit("p", at(20, 9), "a"), commit("p", at(20, 11), "b"), commit("p", at(20, 15, 30), "c")]
    groups = group_activity(rows, GAP)
    assert [len(g.rows) for g in groups] == [2, 1]
    assert [len(g.rows) for g in group_activity(rows, timedelta(hours=5))] == [3]


def test_projects_never_share_a_group():
    rows = [commit("a", at(20, 9), "x"), commit("b", at(20, 9, 5), "y")]
    groups = group_activity(rows, GAP)
    assert sorted(g.project for g in groups) == ["a", "b"]


def test_the_gap_counts_from_the_end_of_a_long_turn():
    rows = [turn("p", "s", 0, at(20, 9), "Long work", minutes=200), commit("p", at(20, 14), "Done")]
    assert len(group_activity(rows, GAP)) == 1


def test_an_ai_session_resumed_after_a_long_pause_stays_one_group():
    rows = [turn("p", "s1", 0, at(20, 9), "start"), turn("p", "s1", 1, at(20, 17), "resume"),
            turn("p", "s2", 0, at(20, 20), "other session")]
    # s1 spans 9:00-17:20 across a long pause; s2 at 20:00 starts within 3 h of 17:20
    assert [len(g.rows) for g in group_activity(rows, GAP, split=False)] == [3]
    # ... yet, sharing no file or word with s1, it is a topic, hence a story, of its own
    assert [len(g.rows) for g in group_activity(rows, GAP)] == [2, 1]
    rows[2] = turn("p", "s2", 0, at(20, 20, 30), "other session")
    assert [len(g.rows) for g in group_activity(rows, GAP, split=False)] == [2, 1]


def test_a_note_joins_the_nearest_session_of_its_project_and_day():
    morning = commit("p", at(20, 9), "morning")
    evening = commit("p", at(20, 19), "evening")
    written = note("p", at(20, 21), "What I learned", "text")
    other_day = note("p", at(22, 10), "Another day", "text")
    other_project = note("q", at(20, 21), "Elsewhere", "text")
    groups = group_activity([morning, evening, written, other_day, other_project], GAP)
    by_first = {g.rows[0].fingerprint: g for g in groups}
    assert [r.fingerprint for r in by_first[evening.fingerprint].rows] == [evening.fingerprint, written.fingerprint]
    assert len(by_first[morning.fingerprint].rows) == 1
    assert [g.project for g in groups if g.rows == [other_day]] == ["p"]
    assert any(g.rows == [other_project] for g in groups)


def test_groups_come_in_time_order_whatever_the_input_order():
    rows = [commit("b", at(21, 9), "x"), commit("a", at(20, 9), "y"), note("c", at(19, 9), "n", "t")]
    assert fingerprints(group_activity(rows, GAP)) == fingerprints(group_activity(list(reversed(rows)), GAP))
    assert [g.project for g in group_activity(rows, GAP)] == ["c", "a", "b"]


def test_a_group_knows_its_day_and_whether_it_is_still_open():
    (group,) = group_activity([turn("p", "s", 0, at(20, 9), "x", minutes=30)], GAP)
    assert group.day == "2026-11-20" and group.ended_at == at(20, 9, 30)
    from social_publisher.clock import parse_iso
    assert group.is_open(parse_iso(at(20, 12)), GAP)
    assert not group.is_open(parse_iso(at(20, 12, 31)), GAP)


def test_unrelated_work_in_one_sitting_splits_into_topics_and_tests_follow_their_module():
    rows = [
        commit("p", at(20, 9), "Add full-text search", [("src/app/search.py", 80, 0)]),
        commit("p", at(20, 9, 20), "Generate thumbnails", [("src/app/thumbnails.py", 60, 0)]),
        commit("p", at(20, 9, 40), "search: rank by bm25", [("src/app/search.py", 10, 2), ("tests/test_search.py", 30, 0)]),
        commit("p", at(20, 10), "thumbnails: keep the colour profile", [("tests/test_thumbnails.py", 20, 0)]),
        commit("p", at(20, 10, 10), "bump version to 1.2.0", [("pyproject.toml", 1, 1)]),  # follows, never leads
    ]
    groups = group_activity(rows, GAP)
    subjects = sorted(sorted(r.text for r in g.rows) for g in groups)
    assert subjects == [["Add full-text search", "search: rank by bm25"],
                        ["Generate thumbnails", "bump version to 1.2.0", "thumbnails: keep the colour profile"]]
    assert len(group_activity(rows, GAP, split=False)) == 1


def test_two_commits_sharing_only_the_package_folder_docs_and_a_verb_are_two_topics():
    """Real shape (httpx, 2019-11-30 and 2020-09-04): squash-merged pull requests in one sitting,
    every one under the package folder, several touching docs/, two opening with "Drop"."""
    rows = [
        commit("httpx", at(20, 9), "Drop nox in favor of vanilla scripts (#566)",
               [("noxfile.py", 0, 40), ("scripts/test", 12, 0), ("scripts/lint", 9, 0), ("docs/contributing.md", 10, 8)]),
        commit("httpx", at(20, 10), "Drop MessageLoggerASGIMiddleware. (#573)", [("httpx/dispatch/asgi.py", 2, 60)]),
        commit("httpx", at(20, 11), "Add Response.is_error (#574)",
               [("httpx/models.py", 6, 0), ("docs/api.md", 1, 0), ("tests/models/test_responses.py", 12, 0)]),
        commit("httpx", at(20, 11, 30), "Add Response.stream_lines (#575)",
               [("httpx/decoders.py", 40, 0), ("httpx/models.py", 8, 0), ("tests/models/test_responses.py", 20, 0)]),
    ]
    subjects = sorted(sorted(r.text.split(" (#")[0] for r in g.rows) for g in group_activity(rows, GAP))
    assert subjects == [["Add Response.is_error", "Add Response.stream_lines"],
                        ["Drop MessageLoggerASGIMiddleware."], ["Drop nox in favor of vanilla scripts"]]
    pair = [commit("httpx", at(21, 9), "Drop urllib3 in favor of public gist (#1182)",
                   [("httpx/_transports/urllib3.py", 0, 90), ("docs/third-party-packages.md", 8, 0)]),
            commit("httpx", at(21, 9, 20), "Raise a proper type error on invalid URL type (#1259)",
                   [("httpx/_models.py", 4, 1), ("tests/models/test_url.py", 9, 0)])]
    assert len(group_activity(pair, GAP)) == 2


def test_a_note_joins_the_topic_it_names():
    rows = [commit("p", at(20, 9), "Add full-text search", [("src/app/search.py", 80, 0)]),
            commit("p", at(20, 9, 20), "Generate thumbnails", [("src/app/thumbnails.py", 60, 0)]),
            note("p", at(20, 21), "Why search.py ranks by bm25", "Switched search.py to bm25 ranking.")]
    groups = group_activity(rows, GAP)
    home = next(g for g in groups if any(r.kind == "note" for r in g.rows))
    assert [r.text for r in home.rows if r.kind == "commit"] == ["Add full-text search"]
