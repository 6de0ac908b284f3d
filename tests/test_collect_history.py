"""`[collect] history_days`: pointed at a years-old repository, the tool tells its recent work
only — on the first run and on every later one — and says how much it left out."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from click.testing import CliRunner

from social_publisher import clock
from social_publisher.cli import cli
from social_publisher.collect import collect
from social_publisher.config import CollectConfig, Config, SourceConfig, load_config
from social_publisher.demo.gitrepo import GitRepo
from social_publisher.starter import starter_config
from social_publisher.store import Store

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


def old_and_new_repo(path: Path) -> GitRepo:
    repo = GitRepo(path)
    repo.commit("Add the importer", {"importer.py": "a = 1\n"}, when=datetime(2019, 3, 2, 10, 0, tzinfo=timezone.utc))
    repo.commit("Speed up the importer", {"importer.py": "a = 2\n"}, when=NOW - timedelta(days=30))
    repo.commit("Add CSV export", {"export.py": "b = 1\n"}, when=NOW - timedelta(days=2))
    return repo


def test_the_first_run_tells_only_the_last_days_and_counts_the_rest(tmp_path, monkeypatch):
    monkeypatch.setenv(clock.NOW_ENV, NOW.isoformat())
    repo = old_and_new_repo(tmp_path / "importer")
    store = Store(tmp_path / "state.db")
    config = Config(sources=[SourceConfig(type="git", path=repo.path)], collect=CollectConfig(history_days=14))
    report = collect(store, config)
    assert [a.text for a in store.activity()] == ["Add CSV export"]
    assert (report.new_activity, report.too_old) == (1, 2)
    assert "2 older than [collect] history_days left out" in report.summary()


def test_the_cutoff_is_fixed_on_the_first_run(tmp_path, monkeypatch):
    """A month later a new commit is collected, and the old history still stays out: the cutoff
    is where the first run put it, not 14 days before the later run."""
    monkeypatch.setenv(clock.NOW_ENV, NOW.isoformat())
    repo = old_and_new_repo(tmp_path / "importer")
    store = Store(tmp_path / "state.db")
    config = Config(sources=[SourceConfig(type="git", path=repo.path)], collect=CollectConfig(history_days=14))
    collect(store, config)
    later = NOW + timedelta(days=30)
    repo.commit("Document the export", {"docs.md": "x\n"}, when=later - timedelta(hours=1))
    monkeypatch.setenv(clock.NOW_ENV, later.isoformat())
    report = collect(store, config)
    assert report.new_activity == 1
    assert [a.text for a in store.activity()] == ["Add CSV export", "Document the export"]


def test_without_the_key_the_whole_history_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv(clock.NOW_ENV, NOW.isoformat())
    repo = old_and_new_repo(tmp_path / "importer")
    store = Store(tmp_path / "state.db")
    report = collect(store, Config(sources=[SourceConfig(type="git", path=repo.path)]))
    assert (report.new_activity, report.too_old) == (3, 0)


def test_notes_older_than_the_cutoff_are_left_out(tmp_path, monkeypatch):
    monkeypatch.setenv(clock.NOW_ENV, NOW.isoformat())
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "2019-05-01-old.md").write_text("---\ndate: 2019-05-01\n---\n# Old idea\n\nA note from long ago.\n")
    (notes / "2026-11-29-new.md").write_text("---\ndate: 2026-11-29\n---\n# New idea\n\nA note from this week.\n")
    store = Store(tmp_path / "state.db")
    config = Config(sources=[SourceConfig(type="notes", path=notes)], collect=CollectConfig(history_days=14))
    report = collect(store, config)
    assert (report.new_activity, report.too_old) == (1, 1)
    assert "this week" in store.activity()[0].text


def test_init_writes_a_two_week_history_and_the_file_loads(tmp_path):
    repo = GitRepo(tmp_path / "project")
    repo.commit("Start", {"a.py": "a = 1\n"}, when=NOW)
    target = tmp_path / "publisher.toml"
    target.write_text(starter_config([repo.path], None, tmp_path / "home"), encoding="utf-8")
    assert load_config(target).collect.history_days == 14


def test_collect_says_on_the_console_how_much_history_it_left_out(tmp_path, monkeypatch):
    monkeypatch.setenv(clock.NOW_ENV, NOW.isoformat())
    repo = old_and_new_repo(tmp_path / "importer")
    (tmp_path / "publisher.toml").write_text(
        f'[[sources]]\ntype = "git"\npath = "{repo.path}"\n\n[collect]\nhistory_days = 14\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "publisher.toml"), "collect"])
    assert result.exit_code == 0, result.output
    assert "2 older than [collect] history_days left out" in result.output
