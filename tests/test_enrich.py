"""The enrich stage over a real store: one redacted brief per selected story, nothing twice."""

from __future__ import annotations

import itertools
import json

import pytest

from social_publisher.config import Config, EnrichConfig
from social_publisher.enrich import enrich, jokes
from social_publisher.enrich.facts import build_facts
from social_publisher.enrich.redact import Redactor
from social_publisher.records import Activity, Brief, Story, fingerprint
from social_publisher.store import Store

_ids = itertools.count(1)
BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ"
API_KEY = "sk-ant-api03-" + "Q7w" * 15


def _config() -> Config:
    """Defaults, with Wikipedia off: these tests never touch the network (test_enrich_wikipedia has a loopback one)."""
    return Config(enrich=EnrichConfig(wikipedia=False))


def commit(project: str, message: str, files: list[tuple[str, int, int]], when: str = "2026-11-20T10:00:00+00:00",
           **meta) -> Activity:
    n = next(_ids)
    return Activity("git", project, "commit", when, "Dev <dev@example.org>", message,
                    {"hash": f"{n:040x}", "parents": [], "is_merge": False, "own": True, "tz": "+00:00",
                     "branches": ["main"], "repo": project, "languages": ["python"],
                     "files": [{"path": p, "added": a, "removed": r} for p, a, r in files], **meta},
                    fingerprint("git", project, n))


def session(project: str, prompt: str, prose: list[str], when: str = "2026-11-20T09:00:00+00:00",
            **meta) -> Activity:
    n = next(_ids)
    data = {"session_id": f"session-{project}", "turn_index": n, "cwd": f"/home/pavel/code/{project}",
            "git_branch": "main", "started_at": when, "ended_at": when, "prompt": prompt, "assistant_text": prose,
            "files_edited": [], "files_written": [], "commands": [], "errors": [], "tool_calls": {}, "summary": None,
            "transcript": "/tmp/t.jsonl"}
    data.update(meta)
    return Activity("claude-code", project, "session", when, "", prompt + "\n\n" + "\n".join(prose), data,
                    fingerprint("claude-code", project, n))


def note(project: str, title: str, body: str, when: str = "2026-11-20T12:00:00+00:00") -> Activity:
    n = next(_ids)
    return Activity("notes", project, "note", when, "", body,
                    {"path": f"notes/{n}.md", "title": title, "tags": [], "date": when[:10], "sha": str(n)},
                    fingerprint("notes", n))


def add_story(store: Store, rows: list[Activity], *, category: str = "feature", tags: tuple[str, ...] = ("python",),
              project: str | None = None) -> int:
    before = {a.id for a in store.activity()}
    store.add_activity(rows)
    ids = [a.id for a in store.activity() if a.id not in before]
    project = project or rows[0].project
    story_id = store.add_story(Story(project, rows[0].occurred_at, rows[-1].occurred_at, 3.0, category, list(tags), ids,
                                     fingerprint=f"story-{next(_ids)}"))
    assert story_id is not None
    return story_id


def fetcher_story(store: Store) -> int:
    return add_story(store, [
        session("fetchbot", f"The fetcher keeps dying on flaky networks. Make it retry with backoff; my bot token is "
                            f"{BOT_TOKEN} if you need it.",
                ["I added a retry loop with exponential backoff to fetcher.py. The root cause was that the client "
                 "never set a timeout, so a dead connection hung forever. All 42 tests pass now."],
                files_edited=["/home/pavel/code/fetchbot/src/fetchbot/fetcher.py"],
                commands=[{"command": "pytest -q", "failed": True}, {"command": "pytest -q", "failed": False},
                          {"command": "ls src", "failed": False},
                          {"command": f"ANTHROPIC_API_KEY={API_KEY} python bench.py", "failed": False}],
                errors=["Traceback (most recent call last):\n  File \"/home/pavel/code/fetchbot/x.py\", line 4\n"
                        "TimeoutError: read timed out after 30 s"]),
        commit("fetchbot", "feat(fetcher): add retry with exponential backoff\n\nLatency went from 850 ms to 240 ms."
                           "\n\nCo-Authored-By: Claude <noreply@anthropic.com>",
               [("src/fetchbot/fetcher.py", 120, 14), ("tests/test_fetcher.py", 60, 0)]),
        commit("fetchbot", "Fix typo in README", [("README.md", 1, 1)]),
    ], category="feature", tags=("python", "http"))


def test_enrich_briefs_each_selected_story_once(store: Store) -> None:
    first, second = fetcher_story(store), add_story(store, [commit("csvkit", "Add CSV export", [("export.py", 40, 0)])])
    report = enrich(store, _config())
    assert report.briefs == 2 and report.jokes == 1  # the one-commit story is too thin to be written: no joke
    assert store.brief(second).joke_id is None and store.brief(first).joke_id is not None
    assert {s.status for s in store.stories()} == {"briefed"}
    assert store.brief(first) is not None and store.brief(second) is not None
    again = enrich(store, _config())
    assert again.briefs == 0 and again.redactions == 0
    assert store.db.execute("SELECT COUNT(*) FROM briefs").fetchone()[0] == 2


def test_secret_in_a_transcript_prompt_never_reaches_the_brief(store: Store) -> None:
    story_id = fetcher_story(store)
    report = enrich(store, _config())
    brief = store.brief(story_id)
    dumped = json.dumps(brief.facts)
    for secret in (BOT_TOKEN, API_KEY, "AAHdqTcv", "pavel", "noreply@anthropic.com"):
        assert secret not in dumped, secret
    assert report.redactions >= 2 and brief.redactions == report.redactions  # the token and the key
    assert brief.facts["redacted_fingerprints"]  # the check can still recognise the token if it comes back


def test_facts_keys_follow_the_documented_contract(store: Store) -> None:
    story_id = fetcher_story(store)
    enrich(store, _config())
    facts = store.brief(story_id).facts
    documented = {"project", "category", "tags", "period", "sources", "languages", "headline", "goal", "problem",
                  "actions", "files", "commands", "numbers", "before_after", "lessons", "next", "note_points",
                  "commit_notes", "note_titles", "stats", "redacted_fingerprints"}
    assert set(facts) == documented
    assert facts["project"] == "fetchbot" and facts["category"] == "feature" and facts["tags"] == ["python", "http"]
    assert facts["goal"] == "The fetcher keeps dying on flaky networks."  # the sentence with the token is gone
    assert facts["problem"] == {"kind": "error", "text": "TimeoutError: read timed out after 30 s"}
    assert facts["headline"] == "Add retry with exponential backoff"
    assert [a["text"] for a in facts["actions"]] == [
        "added a retry loop with exponential backoff to fetcher.py", "Add retry with exponential backoff"]
    assert facts["files"][0] == "src/fetchbot/fetcher.py" and "README.md" in facts["files"]
    assert facts["commands"] == [{"command": "pytest -q", "failed": True}, {"command": "pytest -q", "failed": False}]
    assert {"before": "850 ms", "after": "240 ms", "context": "Latency went from 850 ms to 240 ms."} \
        in facts["before_after"]
    assert {n["value"] for n in facts["numbers"]} >= {"42", "850 ms", "240 ms"}
    assert facts["lessons"] == ["The root cause was that the client never set a timeout, so a dead connection hung "
                                "forever."]
    assert facts["stats"] == {"commits": 2, "files_changed": 3, "lines_added": 181, "lines_removed": 15,
                              "sessions": 1, "prompts": 1, "notes": 0}
    assert facts["sources"] == ["claude-code", "git"]


def test_credential_talk_in_a_note_is_dropped_but_the_rest_is_kept(store: Store) -> None:
    story_id = add_story(store, [note("homelab", "Authelia", (
        "Logins felt slow on the N100 box.\n"
        "The admin password is derived from /etc/management-ui/auth.json and the admin user is admin.\n"
        "Lesson: measure the auth hop before blaming the app.\n"
        "A full login went from 0.184 s to 0.097 s."))], category="infrastructure")
    enrich(store, _config())
    facts = store.brief(story_id).facts
    dumped = json.dumps(facts)
    assert "auth.json" not in dumped and "admin" not in dumped and "password" not in dumped
    assert facts["lessons"] == ["Measure the auth hop before blaming the app."]
    assert facts["before_after"][0]["before"] == "0.184 s"
    assert facts["problem"] == {"kind": "note", "text": "Logins felt slow on the N100 box."}
    assert facts["note_points"] == ["A full login went from 0.184 s to 0.097 s."]


def test_configured_redact_patterns_apply(store: Store, write_config) -> None:
    story_id = add_story(store, [commit("crm", "Add invoice export for Globex Corporation\n\nIt takes 3.5 s now.",
                                        [("invoices.py", 10, 0)])])
    config = write_config('[enrich]\nredact_patterns = ["Globex\\\\s+Corporation"]\n')
    enrich(store, config)
    assert "Globex" not in json.dumps(store.brief(story_id).facts)


# A commit body that explains the change: enough material for a post, so the story gets a joke.
BODY = ("\n\nReading the whole git log on every run took most of the start-up time on large repositories, "
        "because each call walked the history from the first commit again. The reader now keeps the entries it has "
        "parsed next to the store and only reads the commits that are newer than the last one it saw.")


def test_a_story_too_thin_to_be_written_gets_no_joke(store: Store) -> None:
    thin = add_story(store, [commit("x", "Add a feature", [("a.py", 1, 0)])])
    told = add_story(store, [commit("y", f"Add a cache for the git log reader{BODY}", [("git_log.py", 5, 1)])])
    report = enrich(store, _config())
    assert store.brief(thin).joke_id is None and store.brief(told).joke_id is not None and report.jokes == 1


def test_jokes_never_repeat_and_match_tags(store: Store) -> None:
    for index in range(3):
        add_story(store, [commit(f"repo{index}", f"Add a cache for the git log reader{BODY}", [("git_log.py", 5, 1)])],
                  tags=("git",))
    enrich(store, _config())
    chosen = [store.brief(s.id).joke_id for s in store.stories()]
    assert len(set(chosen)) == 3
    assert all("git" in jokes.get(joke_id).tags for joke_id in chosen)


def test_when_every_joke_is_used_the_brief_has_none_and_a_warning(store: Store) -> None:
    for joke in jokes.corpus():  # earlier briefs used every joke of the corpus
        used = add_story(store, [commit("old", f"Add feature {joke.id}", [("b.py", 1, 0)])])
        store.save_brief(Brief(story_id=used, facts={}, joke_id=joke.id))
        store.set_story_status(used, "briefed")
    last = add_story(store, [commit("new", f"Add the last feature{BODY}", [("c.py", 1, 0)])])
    report = enrich(store, _config())
    assert report.briefs == 1 and report.jokes == 0
    assert store.brief(last).joke_id is None
    assert any("jokes" in warning for warning in report.warnings)


def test_jokes_can_be_turned_off(store: Store, write_config) -> None:
    story_id = add_story(store, [commit("x", "Add a feature", [("a.py", 1, 0)])])
    enrich(store, write_config("[enrich]\njokes = false\n"))
    assert store.brief(story_id).joke_id is None


def test_a_story_whose_brief_exists_is_only_moved_on(store: Store) -> None:
    """A run killed between saving the brief and moving the story resumes without a second brief."""
    story_id = add_story(store, [commit("x", "Add a feature", [("a.py", 1, 0)])])
    enrich(store, _config())
    store.set_story_status(story_id, "selected")
    report = enrich(store, _config())
    assert report.briefs == 0 and store.stories(ids=[story_id])[0].status == "briefed"


@pytest.mark.parametrize("message", ["Merge branch 'feature/x'", "Bump version to 1.2.3", "Fix typo in docs"])
def test_trivial_commits_are_not_actions(store: Store, message: str) -> None:
    story = Story("p", "2026-11-20T10:00:00+00:00", "2026-11-20T10:00:00+00:00", 1.0, "feature", [], [])
    facts, _ = build_facts(story, [commit("p", message, [("a.py", 1, 1)]),
                                   commit("p", "Add retries to the sender", [("b.py", 9, 0)])], Redactor())
    assert [a["text"] for a in facts["actions"]] == ["Add retries to the sender"]


def test_error_lines_are_chosen_for_what_they_tell() -> None:
    story = Story("p", "2026-11-20T10:00:00+00:00", "2026-11-20T10:00:00+00:00", 1.0, "bug_fix", [], [])
    errors = ["Bash: Exit code 1\n===== test session starts =====\nplatform linux -- Python 3.11.9 … x - "
              "AssertionError: assert 0.3 >= 0.6\n===== 1 failed, 3 passed in 0.06s =====",
              "Bash: Exit code 47\ncurl: (47) Maximum (50) redirects followed"]
    facts, _ = build_facts(story, [session("p", "Make the router tests pass please", [], errors=errors)], Redactor())
    assert facts["problem"] == {"kind": "error", "text": "AssertionError: assert 0.3 >= 0.6"}


def test_the_headline_names_the_work_not_its_tests_and_subjects_lose_their_issue_references() -> None:
    """A real sqlite-utils day: the biggest "Added…" commit only adds a test; the story is the memory command."""
    story = Story("sqlite-utils", "2026-11-20T10:00:00+00:00", "2026-11-20T12:00:00+00:00", 1.0, "feature", [], [])
    facts, _ = build_facts(story, [
        commit("sqlite-utils", "Added test, formatted with Black - refs #276, #277", [("tests/test_cli.py", 240, 3)]),
        commit("sqlite-utils", "Sqlite-utils memory command for directly querying CSV/JSON data",
               [("sqlite_utils/cli.py", 90, 4), ("docs/cli.rst", 40, 0)]),
        commit("sqlite-utils", "--encoding option for sqlite-utils memory, closes #280", [("sqlite_utils/cli.py", 12, 2)]),
    ], Redactor())
    assert facts["headline"].lower() == "sqlite-utils memory command for directly querying csv/json data"
    assert [a["text"] for a in facts["actions"]][::2] == ["Added test, formatted with Black",
                                                          "--encoding option for sqlite-utils memory"]


def test_a_squash_merge_body_that_repeats_the_subjects_adds_no_commit_note() -> None:
    """Real httpx commits (#666, #2013): a squashed pull request's body lists its commits, the
    first of them the pull request's own subject. The brief tells each once."""
    story = Story("httpx", "2026-11-20T10:00:00+00:00", "2026-11-20T12:00:00+00:00", 1.0, "refactor", [], [])
    facts, _ = build_facts(story, [
        commit("httpx", "Make 'request' non-optional on responses (#666)\n\n* Make 'request' non-optional on Response\n\n"
               "* Lint\n\n* Remove remaining mention to null request\n", [("httpx/models.py", 20, 9)]),
        commit("httpx", "Add charset_normalizer detection (#1791)\n\n* Add charset_normalizer detection\n\n"
               "* Tweak JSON tests for slightly different charset decoding behaviour\n",
               [("httpx/_models.py", 30, 4)], when="2026-11-20T11:00:00+00:00"),
    ], Redactor())
    notes = [n.lower() for n in facts["commit_notes"]]
    assert not any("non-optional" in n or "charset_normalizer detection" in n for n in notes), notes
    assert any("null request" in n for n in notes) and any("json tests" in n for n in notes), notes
