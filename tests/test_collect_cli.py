"""`social-publisher collect` over every source type at once: --json per source, warnings, exit 0."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from click.testing import CliRunner

from social_publisher.cli import cli
from social_publisher.demo.gitrepo import GitRepo


def workspace(tmp_path: Path) -> Path:
    repo = GitRepo(tmp_path / "repo")
    repo.commit("First commit", {"main.py": "print(1)\n"}, when=datetime(2026, 11, 1, tzinfo=timezone.utc))
    claude = tmp_path / "claude" / "-home-dev-repo"
    claude.mkdir(parents=True)
    prompt = {"type": "user", "sessionId": "s1", "cwd": "/home/dev/repo", "timestamp": "2026-11-01T10:00:00.000Z",
              "message": {"role": "user", "content": "Speed up the build"}}
    answer = {"type": "assistant", "sessionId": "s1", "cwd": "/home/dev/repo", "timestamp": "2026-11-01T10:01:00.000Z",
              "message": {"role": "assistant", "content": [{"type": "text", "text": "Done."}]}}
    (claude / "s1.jsonl").write_text(json.dumps(prompt) + "\nnot json at all\n" + json.dumps(answer) + "\n")
    codex = tmp_path / "codex" / "2026" / "11" / "01"
    codex.mkdir(parents=True)
    (codex / "rollout-2026-11-01T10-00-00-abc.jsonl").write_text(json.dumps(
        {"timestamp": "2026-11-01T11:00:00Z", "type": "response_item",
         "payload": {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Fix CI"}]}}) + "\n")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "idea.md").write_text("---\nproject: repo\n---\nCaching idea.\n")
    config = tmp_path / "publisher.toml"
    config.write_text("\n".join(f'[[sources]]\ntype = "{kind}"\npath = "{path}"\n' for kind, path in
                                [("git", "repo"), ("claude-code", "claude"), ("codex", "codex"), ("notes", "notes")]))
    return config


def test_collect_json_reports_each_source_and_exits_0_with_warnings(tmp_path, monkeypatch):
    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", (datetime(2026, 11, 2, tzinfo=timezone.utc)).isoformat())
    config = workspace(tmp_path)
    result = CliRunner().invoke(cli, ["--config", str(config), "collect", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    by_type = {source["type"]: source for source in report["sources"]}
    assert {k: (v["files_read"], v["new_activity"], v["skipped"]) for k, v in by_type.items()} == {
        "git": (1, 1, 0), "claude-code": (1, 1, 1), "codex": (1, 1, 0), "notes": (1, 1, 0)}
    [reason] = by_type["claude-code"]["reasons"]
    assert reason.startswith(f"{tmp_path / 'claude' / '-home-dev-repo' / 's1.jsonl'}:2: invalid JSON (")
    assert len(report["warnings"]) == 1 and "skipped 1 bad line" in report["warnings"][0]

    human = CliRunner().invoke(cli, ["--config", str(config), "collect"])
    assert human.exit_code == 0
    assert human.stdout.strip() == "collect: 4 sources, 0 files read, 0 new activity, 0 skipped"
