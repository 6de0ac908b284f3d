"""The demo workspace: real git repositories, Claude Code transcripts, notes and a config that loads."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml

from social_publisher import clock
from social_publisher.config import load_config
from social_publisher.demo import ADMIN_PASSWORD_FILE, FAKE_API_KEY, make_workspace
from social_publisher.demo.transcripts import escaped_cwd
from social_publisher.errors import UsageError
from social_publisher.signals import is_trivial_commit

EXPECTED_COMMITS = {"llm-router": 9, "tg-digest-bot": 8, "homelab-auth": 8}
LINE_FIELDS = ("uuid", "parentUuid", "type", "timestamp", "sessionId", "version", "cwd", "gitBranch",
               "isSidechain", "userType")
SEP = "\x1f"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("demo") / "ws"
    make_workspace(directory)
    return directory


def git_log(repo: Path) -> list[dict]:
    out = subprocess.run(["git", "log", f"--format=%H{SEP}%P{SEP}%aI{SEP}%B%x1e"], cwd=repo, check=True,
                         capture_output=True, text=True).stdout
    commits = []
    for record in filter(str.strip, out.split("\x1e")):
        commit_hash, parents, date, message = record.strip("\n").split(SEP, 3)
        files = subprocess.run(["git", "show", "--format=", "--name-only", "--diff-merges=first-parent",
                                commit_hash], cwd=repo, check=True, capture_output=True, text=True).stdout.split()
        commits.append({"hash": commit_hash, "parents": parents.split(), "date": datetime.fromisoformat(date),
                        "message": message.strip(), "files": files})
    return commits


def transcripts(workspace: Path) -> list[Path]:
    return sorted((workspace / "claude" / "projects").glob("*/*.jsonl"))


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(directory)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(directory.rglob("*")) if p.is_file()}


# -- layout and config --------------------------------------------------------------------------

def test_config_loads_and_points_at_everything_with_relative_paths(workspace: Path):
    config_path = workspace / "publisher.toml"
    text = config_path.read_text(encoding="utf-8")
    assert str(workspace) not in text  # relative paths only: the folder can be moved
    config = load_config(config_path)
    by_type = defaultdict(list)
    for source in config.sources:
        by_type[source.type].append(source.path)
    assert sorted(p.name for p in by_type["git"]) == sorted(EXPECTED_COMMITS)
    assert by_type["claude-code"] == [workspace / "claude" / "projects"]
    assert by_type["notes"] == [workspace / "notes"]
    assert config.store.path == workspace / "state" / "publisher.db"
    assert config.site.out_dir == workspace / "site" and config.site.title.strip()
    assert config.writer.backend == "offline"
    assert config.enrich.wikipedia is False
    assert config.review.auto_approve is True


# -- git history --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(EXPECTED_COMMITS))
def test_each_project_is_a_real_repository_with_a_few_days_of_history(workspace: Path, name: str):
    repo = workspace / "projects" / name
    commits = git_log(repo)
    assert len(commits) == EXPECTED_COMMITS[name]
    status = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True).stdout
    assert status == ""  # everything the sessions wrote was committed

    merges = [c for c in commits if len(c["parents"]) == 2]
    assert len(merges) == 1 and merges[0]["message"].startswith("Merge branch '")
    subjects = [c["message"].splitlines()[0] for c in commits]
    assert any(s.startswith("bump version to ") for s in subjects)
    assert "fix typo in README" in subjects

    substantial = [c for c in commits if not is_trivial_commit(c["message"], c["files"])]
    assert len(substantial) >= 4
    for commit in substantial[:-1]:  # all but the initial commit state a problem and numbers in a body
        body = commit["message"].split("\n\n", 1)[1] if "\n\n" in commit["message"] else ""
        assert re.search(r"\d", body), commit["message"]

    days = defaultdict(list)
    for commit in commits:
        days[commit["date"].date()].append(is_trivial_commit(commit["message"], commit["files"]))
    assert 3 <= len(days) <= 5
    assert any(all(flags) for flags in days.values()), "one day holds only trivial commits"

    now = clock.now()
    for commit in commits:
        assert commit["date"].tzinfo is not None
        assert now - timedelta(days=6) < commit["date"] < now


def test_commit_times_keep_a_non_utc_offset(workspace: Path):
    offsets = {c["date"].utcoffset() for name in EXPECTED_COMMITS for c in git_log(workspace / "projects" / name)}
    assert timedelta(0) in offsets and timedelta(hours=3) in offsets


@pytest.mark.parametrize("name, passed", [("llm-router", 7), ("tg-digest-bot", 7)])
def test_the_demo_projects_own_tests_really_pass(workspace: Path, name: str, passed: int):
    """The transcripts end with green test runs; the code in the repositories agrees."""
    repo = workspace / "projects" / name
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=repo,
                            capture_output=True, text=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
                            timeout=120)
    assert result.returncode == 0, result.stdout
    assert f"{passed} passed" in result.stdout


# -- transcripts --------------------------------------------------------------------------------

def test_every_transcript_line_is_json_with_the_claude_code_fields(workspace: Path):
    files = transcripts(workspace)
    assert len(files) == 6
    for path in files:
        lines = read_lines(path)
        conversation = [line for line in lines if line["type"] in ("user", "assistant")]
        cwd = conversation[0]["cwd"]
        assert path.parent.name == escaped_cwd(cwd) and re.fullmatch(r"[A-Za-z0-9-]+", path.parent.name)
        assert Path(cwd).parent == workspace / "projects"
        stamps = []
        for line in conversation:
            missing = [f for f in LINE_FIELDS if f not in line]
            assert not missing, (path.name, missing)
            assert line["sessionId"] == path.stem and line["cwd"] == cwd
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["timestamp"])
            stamps.append(line["timestamp"])
        assert stamps == sorted(stamps)
        uuids = {line["uuid"] for line in conversation}
        assert all(line["parentUuid"] in uuids for line in conversation if line["parentUuid"])
        summary = [line for line in lines if line["type"] == "summary"]
        assert len(summary) == 1 and summary[0]["leafUuid"] in uuids and summary[0]["summary"]
        snapshots = [line for line in lines if line["type"] == "file-history-snapshot"]
        prompts = [line for line in conversation if line["type"] == "user"
                   and isinstance(line["message"]["content"], str) and not line["isSidechain"]]
        assert len(prompts) >= 2 and {s["messageId"] for s in snapshots} == {p["uuid"] for p in prompts}


def test_transcripts_hold_tool_calls_results_and_a_fix_after_a_failure(workspace: Path):
    tools, message_ids, sidechains, failures_then_passes = defaultdict(int), defaultdict(int), 0, 0
    for path in transcripts(workspace):
        calls, results = {}, {}
        failed_before = False
        for line in read_lines(path):
            sidechains += bool(line.get("isSidechain"))
            message = line.get("message") or {}
            content = message.get("content")
            if line["type"] == "assistant":
                assert message["role"] == "assistant" and message["model"] and message["id"].startswith("msg_")
                message_ids[message["id"]] += 1
                for block in content:
                    assert block["type"] in ("text", "thinking", "tool_use")
                    if block["type"] == "tool_use":
                        calls[block["id"]] = block
                        tools[block["name"]] += 1
            elif line["type"] == "user" and isinstance(content, list):
                for block in content:
                    assert block["type"] == "tool_result" and isinstance(block["is_error"], bool)
                    results[block["tool_use_id"]] = block
                    call = calls[block["tool_use_id"]]
                    if call["name"] == "Bash" and "pytest" in call["input"]["command"]:
                        if block["is_error"]:
                            assert "FAILED" in block["content"]
                            failed_before = True
                        elif failed_before and " passed in " in block["content"]:
                            failures_then_passes += 1
                            failed_before = False
        assert set(calls) == set(results), path.name  # every call answered, by tool_use_id
    assert {"Bash", "Edit", "Write", "Read", "Task"} <= set(tools)
    assert any(count > 1 for count in message_ids.values())  # one response split over several lines
    assert sidechains >= 1
    assert failures_then_passes >= 2


def test_two_sessions_per_project_and_commits_happen_inside_them(workspace: Path):
    sessions = defaultdict(list)
    for path in transcripts(workspace):
        lines = [line for line in read_lines(path) if "timestamp" in line and "cwd" in line]
        sessions[Path(lines[0]["cwd"]).name].append(
            (clock.parse_iso(lines[0]["timestamp"]), clock.parse_iso(lines[-1]["timestamp"]), path))
    assert {name: len(found) for name, found in sessions.items()} == {name: 2 for name in EXPECTED_COMMITS}
    for name, windows in sessions.items():
        for commit in git_log(workspace / "projects" / name):
            trivial_or_initial = is_trivial_commit(commit["message"]) or not commit["parents"]
            inside = [path for start, end, path in windows if start <= commit["date"] <= end]
            if not trivial_or_initial:
                assert inside, commit["message"]
                assert commit["hash"][:7] in inside[0].read_text(encoding="utf-8")  # the real hash, shown by git


# -- notes and planted secrets ------------------------------------------------------------------

def test_notes_have_front_matter_numbers_and_a_lesson(workspace: Path):
    notes = sorted((workspace / "notes").glob("*.md"))
    assert 2 <= len(notes) <= 3
    for note in notes:
        text = note.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        meta = yaml.safe_load(front)
        assert meta["project"] in EXPECTED_COMMITS
        assert note.name.startswith(str(meta["date"]))
        assert isinstance(meta["tags"], list) and meta["tags"]
        assert re.search(r"\d+(?:\.\d+)?\s?(?:%|ms\b|s\b)", body)
        assert "Lesson:" in body


def test_the_fake_secrets_are_planted_where_a_redactor_must_find_them(workspace: Path):
    assert FAKE_API_KEY.startswith("sk-ant-api03-") and "FAKE" in FAKE_API_KEY
    assert sum(FAKE_API_KEY in path.read_text(encoding="utf-8") for path in transcripts(workspace)) == 1
    notes = [n.read_text(encoding="utf-8") for n in (workspace / "notes").glob("*.md")]
    assert sum(ADMIN_PASSWORD_FILE in text for text in notes) == 1


# -- idempotence, refusal, replay ---------------------------------------------------------------

def test_a_second_call_changes_nothing(tmp_path: Path):
    directory = tmp_path / "ws"
    first = make_workspace(directory)
    before = snapshot(directory)
    assert make_workspace(directory) == first == directory / "publisher.toml"
    assert snapshot(directory) == before


def test_a_folder_with_other_content_is_refused(tmp_path: Path):
    (tmp_path / "mine.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(UsageError, match="not empty and not a demo workspace; choose an empty folder"):
        make_workspace(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]
    (tmp_path / "publisher.toml").write_text("[store]\n", encoding="utf-8")  # someone else's config
    with pytest.raises(UsageError):
        make_workspace(tmp_path)


def test_a_build_that_fails_half_way_leaves_the_folder_empty(tmp_path: Path, monkeypatch):
    import social_publisher.demo as demo

    def broken_notes(directory: Path, first_day) -> list[Path]:
        raise OSError("disk full")

    monkeypatch.setattr(demo, "write_notes", broken_notes)
    with pytest.raises(OSError):
        make_workspace(tmp_path / "ws")
    assert list((tmp_path / "ws").iterdir()) == []  # the repositories made before the failure are gone
    monkeypatch.undo()
    assert make_workspace(tmp_path / "ws").is_file()


def test_an_empty_existing_folder_is_used(tmp_path: Path):
    assert make_workspace(tmp_path) == tmp_path / "publisher.toml"
    assert (tmp_path / "projects" / "llm-router" / ".git").is_dir()


def test_history_follows_the_replayed_now_and_is_deterministic(tmp_path: Path, monkeypatch):
    monkeypatch.setenv(clock.NOW_ENV, "2026-03-10T09:00:00+00:00")
    now = clock.now()
    first, second = tmp_path / "a", tmp_path / "b"
    make_workspace(first)
    make_workspace(second)
    for name in EXPECTED_COMMITS:
        log_a, log_b = git_log(first / "projects" / name), git_log(second / "projects" / name)
        assert [c["hash"] for c in log_a] == [c["hash"] for c in log_b]  # same content, dates and authors
        newest = max(c["date"] for c in log_a)
        assert now - timedelta(days=2) < newest < now - timedelta(hours=3)
    for path_a, path_b in zip(transcripts(first), transcripts(second)):
        text_b = path_b.read_text(encoding="utf-8").replace(str(second), str(first))
        assert path_a.read_text(encoding="utf-8") == text_b
        for line in read_lines(path_a):
            if "timestamp" in line and "cwd" in line:
                assert clock.parse_iso(line["timestamp"]) < now - timedelta(hours=3)
