"""`social-publisher init`: a starter config that loads and runs."""

from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from social_publisher.cli import cli
from social_publisher.config import load_config
from social_publisher.demo.gitrepo import GitRepo
from social_publisher.errors import UsageError
from social_publisher.starter import write_starter


def test_starter_names_the_repos_and_found_transcripts_and_loads(tmp_path: Path):
    repo = GitRepo(tmp_path / "my project")
    repo.commit("Add a parser for the config file", {"a.py": "x = 1\n"}, when=datetime(2026, 11, 20, tzinfo=timezone.utc))
    home = tmp_path / "home"
    (home / ".claude" / "projects").mkdir(parents=True)
    path = write_starter(tmp_path / "cfg", [repo.path], None, home=home)
    text = path.read_text()
    assert 'type = "claude-code"' in text and 'type = "codex"' not in text
    config = load_config(path, check_sources=False)
    assert [s.type for s in config.sources] == ["git", "claude-code"]
    assert config.sources[0].path == repo.path
    assert config.store.path == tmp_path / "cfg" / "state" / "publisher.db"


def test_a_repository_with_an_aider_chat_history_gets_an_aider_source(tmp_path: Path):
    with_aider, without = GitRepo(tmp_path / "with"), GitRepo(tmp_path / "without")
    for repo in (with_aider, without):
        repo.commit("Add a parser", {"a.py": "x = 1\n"}, when=datetime(2026, 11, 20, tzinfo=timezone.utc))
    (with_aider.path / ".aider.chat.history.md").write_text("\n# aider chat started at 2026-11-20 10:00:00\n")
    path = write_starter(tmp_path / "cfg", [with_aider.path, without.path], None, home=tmp_path / "home")
    config = load_config(path, check_sources=False)
    assert [(s.type, s.path) for s in config.sources] == [
        ("git", with_aider.path), ("git", without.path), ("aider", with_aider.path / ".aider.chat.history.md")]


def test_starter_never_overwrites(tmp_path: Path):
    (tmp_path / "publisher.toml").write_text("[site]\n")
    with pytest.raises(UsageError, match="already exists"):
        write_starter(tmp_path, [], tmp_path, home=tmp_path)
    assert (tmp_path / "publisher.toml").read_text() == "[site]\n"


def test_starter_refuses_a_folder_that_is_not_a_repository(tmp_path: Path):
    with pytest.raises(UsageError, match="not a git repository"):
        write_starter(tmp_path / "cfg", [tmp_path], None, home=tmp_path)


def test_init_then_run_from_the_cli(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # the developer's own transcripts stay out of the test
    repo = GitRepo(tmp_path / "repo")
    repo.commit("Add retry with backoff to the fetcher\n\nLatency went from 850 ms to 240 ms.",
                {"fetch.py": "def fetch():\n    return 1\n"}, when=datetime(2026, 11, 20, 9, tzinfo=timezone.utc))
    runner = CliRunner()
    result = runner.invoke(cli, ["init", "--git", str(repo.path), "--dir", str(tmp_path / "cfg")])
    assert result.exit_code == 0, result.output
    ran = runner.invoke(cli, ["--config", str(tmp_path / "cfg" / "publisher.toml"), "collect"])
    assert ran.exit_code == 0, ran.output
    assert "1 new activity" in ran.output
    assert "claude-code" not in (tmp_path / "cfg" / "publisher.toml").read_text()
