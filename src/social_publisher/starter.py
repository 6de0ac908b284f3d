"""`social-publisher init`: write a starter publisher.toml for the user's own projects.

It names the sources it can find (the git repositories given, Claude Code and Codex
transcript folders in their default places, the Aider chat history a repository holds, a
notes folder) and leaves every other
setting at its documented default, with a comment, so the file explains itself.
"""

from __future__ import annotations

import json
from pathlib import Path

from social_publisher.collect.aider import HISTORY_FILE
from social_publisher.config import DEFAULT_CONFIG
from social_publisher.errors import UsageError

CLAUDE_PROJECTS = Path("~/.claude/projects")
CODEX_SESSIONS = Path("~/.codex/sessions")


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def starter_config(git_repos: list[Path], notes: Path | None, home: Path) -> str:
    """The text of a starter config; `home` stands for ~ when looking for transcript folders."""
    lines = [
        "# social-publisher configuration: relative paths are relative to this file.",
        "# Every key and its default: see the README's configuration reference.",
        "",
        "[store]",
        'path = "state/publisher.db"',
        "",
    ]
    for repo in git_repos:
        lines += ["[[sources]]", 'type = "git"', f"path = {_toml_string(str(repo))}",
                  "# authors = [\"you@example.org\"]   # only your own commits make stories", ""]
    for repo in git_repos:
        if (repo / HISTORY_FILE).is_file():  # aider writes its chat history at the repository's root
            lines += ["[[sources]]", 'type = "aider"', f"path = {_toml_string(str(repo / HISTORY_FILE))}", ""]
    for kind, folder in (("claude-code", CLAUDE_PROJECTS), ("codex", CODEX_SESSIONS)):
        if (home / folder.relative_to("~")).is_dir():
            lines += ["[[sources]]", f'type = "{kind}"', f"path = {_toml_string(str(folder))}", ""]
    if notes is not None:
        lines += ["[[sources]]", 'type = "notes"', f"path = {_toml_string(str(notes))}", ""]
    lines += [
        "[collect]",
        "history_days = 14                # the first run tells the last two weeks, not the whole history",
        "",
        "[select]",
        "max_stories_per_day = 5",
        "",
        "[writer]",
        'backend = "offline"              # deterministic, no network',
        'languages = ["en", "ru"]',
        "",
        "[site]",
        'out_dir = "site"',
        'title = "Dev log"',
        'base_url = "https://example.org/"  # where the site will live: used for feed links',
        "",
        "[review]",
        "auto_approve = true               # false: posts wait in `social-publisher review`",
        "",
    ]
    return "\n".join(lines)


def write_starter(directory: Path, git_repos: list[Path], notes: Path | None, home: Path | None = None) -> Path:
    """Write DIRECTORY/publisher.toml; refuse to overwrite one that exists."""
    target = directory / DEFAULT_CONFIG
    if target.exists():
        raise UsageError(f"{target}: already exists; edit it, or remove it to start over")
    for repo in git_repos:
        if not (repo / ".git").exists():
            raise UsageError(f"{repo}: not a git repository (no .git folder)")
    if notes is not None and not notes.is_dir():
        raise UsageError(f"{notes}: notes folder not found")
    if not git_repos and notes is None and not _any_transcripts(home or Path.home()):
        raise UsageError("nothing to read: pass --git PATH (repeatable) and/or --notes PATH")
    directory.mkdir(parents=True, exist_ok=True)
    target.write_text(starter_config(git_repos, notes, home or Path.home()), encoding="utf-8")
    return target


def _any_transcripts(home: Path) -> bool:
    return any((home / folder.relative_to("~")).is_dir() for folder in (CLAUDE_PROJECTS, CODEX_SESSIONS))
