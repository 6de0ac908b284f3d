"""What real inputs showed the collectors: a transcript whose last line has no newline, a resumed
Claude Code session that copies earlier turns into a new file, summary lines written into another
session's file, and projects named after the folder they sit in instead of their repository."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest

from social_publisher.collect.claude_code import aging_out
from social_publisher.collect.projects import project_name, project_of_cwd
from social_publisher.config import SourceConfig
from social_publisher.demo.gitrepo import GitRepo
from social_publisher.store import Store
from test_collect_claude_code import T0, Lines, collect, dump, rows, write
from test_collect_git import T0 as GIT_T0
from test_collect_git import collect as collect_git


@pytest.fixture
def now(monkeypatch):
    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", (T0 + timedelta(days=1)).isoformat())


def age(path: Path, minutes_after_t0: float) -> None:
    """Give the file the modification time it would have had (the clock is SOCIAL_PUBLISHER_NOW)."""
    stamp = (T0 + timedelta(minutes=minutes_after_t0)).timestamp()
    os.utime(path, (stamp, stamp))


def two_turns(s: Lines, start: float = 0) -> list[dict]:
    return [s.prompt("Make the importer idempotent", start), s.text("Done: a rerun adds 0 rows.", start + 1),
            s.prompt("Now the exporter", start + 5), s.text("The exporter is idempotent too.", start + 6)]


# -- a last line without a newline ------------------------------------------------------------------

def test_unterminated_last_line_of_an_idle_transcript_is_read_once(store, tmp_path, now):
    s = Lines()
    path = write(tmp_path, dump(two_turns(s)).rstrip(b"\n"))
    age(path, 10)
    first = collect(store, tmp_path)
    assert first.new_activity == 2 and first.skipped == 0
    assert rows(store)[1].meta["assistant_text"] == ["The exporter is idempotent too."]
    again = collect(store, tmp_path)
    assert (again.files_read, again.new_activity) == (0, 0)  # nothing held back, nothing re-read
    assert aging_out(store, SourceConfig(type="claude-code", path=tmp_path), T0 + timedelta(days=40)) == []

    with open(path, "ab") as file:  # the writer comes back: it starts with the missing newline
        file.write(b"\n" + dump([s.prompt("One more thing", 60)]).rstrip(b"\n"))
    age(path, 120)
    later = collect(store, tmp_path)
    assert later.skipped == 0 and later.new_activity == 1
    assert [a.meta["prompt"] for a in rows(store)][-1] == "One more thing"


def test_unterminated_last_line_of_a_live_transcript_waits(store, tmp_path, monkeypatch):
    lines = two_turns(Lines())
    path = write(tmp_path, dump(lines)[:-1])
    age(path, 6)
    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", (T0 + timedelta(minutes=8)).isoformat())  # still being written
    assert collect(store, tmp_path).new_activity == 1  # the first turn; the last line may be cut
    with open(path, "ab") as file:
        file.write(b"\n")
    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", (T0 + timedelta(days=1)).isoformat())
    assert collect(store, tmp_path).new_activity == 1
    assert rows(store)[1].meta["assistant_text"] == ["The exporter is idempotent too."]


def test_an_unterminated_line_that_is_not_whole_json_is_left_alone(store, tmp_path, now):
    data = dump(two_turns(Lines()))
    path = write(tmp_path, data + b'{"type":"user","message":{"role":"us')
    age(path, 10)
    report = collect(store, tmp_path)
    assert report.skipped == 0 and report.new_activity == 2


# -- a resumed session -----------------------------------------------------------------------------

def test_a_resumed_session_stores_the_copied_turns_once(store, tmp_path, now):
    original = Lines(session="11111111-aaaa-4bbb-8ccc-000000000001")
    first_lines = two_turns(original)
    write(tmp_path, first_lines, name=original.session)
    assert collect(store, tmp_path).new_activity == 2

    # `claude --resume` writes a new file under a new session id, copying the earlier messages
    # with their uuids, then goes on with new turns.
    resumed_id = "22222222-aaaa-4bbb-8ccc-000000000002"
    copied = [{**line, "sessionId": resumed_id} for line in first_lines]
    more = Lines(session=resumed_id)
    more.count = original.count  # new messages get new uuids
    new_turn = [more.prompt("Add a --dry-run flag", 30), more.text("Added --dry-run.", 31)]
    write(tmp_path, copied + new_turn, name=resumed_id)
    report = collect(store, tmp_path)
    assert report.new_activity == 1
    assert [a.meta["prompt"] for a in rows(store)] == [
        "Make the importer idempotent", "Now the exporter", "Add a --dry-run flag"]

    with Store(tmp_path / "fresh.db") as fresh:  # read in one go, in whatever order: the same three turns
        assert collect(fresh, tmp_path).new_activity == 3


# -- summaries belong to the session their leafUuid names -----------------------------------------

def _session(session_id: str, prompt: str, start: float) -> tuple[Lines, list[dict]]:
    s = Lines(session=session_id)
    s.count = int(start * 10)  # distinct uuids per session
    return s, [s.prompt(prompt, start), s.text("Done.", start + 1)]


def test_a_summary_is_credited_to_the_session_it_names_read_earlier(store, tmp_path, now):
    _, earlier = _session("aaaaaaaa-0000-4000-8000-000000000001", "Speed up the parser", 0)
    write(tmp_path, earlier, name="aaaaaaaa-0000-4000-8000-000000000001")
    collect(store, tmp_path)
    _, later = _session("bbbbbbbb-0000-4000-8000-000000000002", "Write the changelog", 60)
    summary = {"type": "summary", "summary": "Parser speed-up", "leafUuid": earlier[-1]["uuid"]}
    write(tmp_path, [summary, *later], name="bbbbbbbb-0000-4000-8000-000000000002")
    collect(store, tmp_path)
    by_prompt = {a.meta["prompt"]: a.meta["summary"] for a in rows(store)}
    assert by_prompt == {"Speed up the parser": "Parser speed-up", "Write the changelog": None}


def test_a_summary_read_before_its_session_waits_for_it(store, tmp_path, now):
    _, target = _session("cccccccc-0000-4000-8000-000000000003", "Cache the index", 0)
    _, carrier = _session("dddddddd-0000-4000-8000-000000000004", "Fix a typo", 60)
    summary = {"type": "summary", "summary": "Index cache", "leafUuid": target[-1]["uuid"]}
    write(tmp_path, [summary, *carrier], name="dddddddd-0000-4000-8000-000000000004")
    collect(store, tmp_path)  # the session it names is not there yet
    assert {a.meta["summary"] for a in rows(store)} == {None}
    write(tmp_path, target, name="cccccccc-0000-4000-8000-000000000003")
    collect(store, tmp_path)
    by_prompt = {a.meta["prompt"]: a.meta["summary"] for a in rows(store)}
    assert by_prompt == {"Cache the index": "Index cache", "Fix a typo": None}


# -- project names ------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["git@github.com:someone/llm-analysis.git", "https://github.com/someone/llm-analysis",
                                 "https://gitlab.example.org/group/sub/llm-analysis.git/",
                                 "ssh://git@git.example.org:2222/srv/git/llm-analysis.git"])
def test_a_repository_is_named_after_its_remote(tmp_path, url):
    repo = GitRepo(tmp_path / "repo")
    repo.git("remote", "add", "origin", url)
    assert project_name(repo.path) == "llm-analysis"
    (repo.path / "src" / "pkg").mkdir(parents=True)
    assert project_of_cwd(str(repo.path / "src" / "pkg")) == "llm-analysis"


@pytest.mark.parametrize("manifest, content", [
    ("pyproject.toml", '[project]\nname = "tg-digest-bot"\nversion = "0.1"\n'),
    ("pyproject.toml", '[tool.poetry]\nname = "tg-digest-bot"\n'),
    ("package.json", json.dumps({"name": "@someone/tg-digest-bot", "version": "1.0.0"})),
    ("Cargo.toml", '[package]\nname = "tg-digest-bot"\nedition = "2021"\n'),
])
def test_without_a_remote_the_manifest_names_the_project(tmp_path, manifest, content):
    repo = GitRepo(tmp_path / "self")
    (repo.path / manifest).write_text(content, encoding="utf-8")
    assert project_name(repo.path) == "tg-digest-bot"


def test_a_clone_of_a_local_folder_is_named_by_its_manifest(tmp_path):
    repo = GitRepo(tmp_path / "checkout")
    repo.git("remote", "add", "origin", "/work/main")  # `git clone /work/main`: "main" would say nothing
    (repo.path / "pyproject.toml").write_text('[project]\nname = "social-publisher"\n', encoding="utf-8")
    assert project_name(repo.path) == "social-publisher"


def test_without_remote_or_manifest_the_folder_names_it(tmp_path):
    assert project_name(GitRepo(tmp_path / "homelab-auth").path) == "homelab-auth"
    assert project_of_cwd("/home/someone/elsewhere/old-tool") == "old-tool"  # not on this machine
    assert project_of_cwd(None) == "unknown"


def test_git_and_session_rows_carry_the_remote_name(store, tmp_path, now):
    repo = GitRepo(tmp_path / "repo")
    repo.git("remote", "add", "origin", "git@github.com:someone/llm-analysis.git")
    repo.commit("Add parser", {"parser.py": "x = 1\n"}, when=GIT_T0)
    collect_git(store, repo.path)
    s = Lines(cwd=str(repo.path))
    write(tmp_path / "transcripts", [s.prompt("Speed up the parser", 0), s.text("Done.", 1)])
    collect(store, tmp_path / "transcripts")
    assert {(a.kind, a.project) for a in store.activity()} == {("commit", "llm-analysis"), ("session", "llm-analysis")}
