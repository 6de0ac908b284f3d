"""The sample workspace behind `social-publisher demo --dir DIR`.

`make_workspace(DIR)` lays out, all dated in the few days before `clock.now()`:

    DIR/projects/<name>/                  three real git repositories (see demo/projects/)
    DIR/claude/projects/<escaped cwd>/    their Claude Code session transcripts (JSONL)
    DIR/notes/*.md                        work notes with front matter
    DIR/publisher.toml                    the config pointing at all of them (relative paths)

A DIR that already holds a demo's publisher.toml is returned as it is, so running the
demo twice is safe. The content is deterministic for a given "now".
"""

from __future__ import annotations

import shutil
from pathlib import Path

from social_publisher import clock
from social_publisher.demo.builder import build_project
from social_publisher.demo.notes import NOTES, NOTES_TZ, write_notes
from social_publisher.demo.planted import ADMIN_PASSWORD_FILE, FAKE_API_KEY, PLANTED_SECRETS
from social_publisher.demo.projects import PROJECTS
from social_publisher.demo.timeline import choose_first_day
from social_publisher.errors import UsageError

__all__ = ["make_workspace", "CONFIG_NAME", "DEMO_MARKER", "PROJECTS", "FAKE_API_KEY", "ADMIN_PASSWORD_FILE",
           "PLANTED_SECRETS"]

CONFIG_NAME = "publisher.toml"
DEMO_MARKER = "# Sample workspace made by `social-publisher demo`."


def make_workspace(directory: Path) -> Path:
    """Create the sample workspace in `directory` (made if missing) and return its publisher.toml.

    Raises UsageError when `directory` is a file, or holds anything but a previous demo.
    """
    directory = Path(directory).expanduser().resolve()
    config_path = directory / CONFIG_NAME
    if _is_demo_workspace(config_path):
        return config_path
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory}: not a folder; choose an empty folder")
    if directory.is_dir() and any(directory.iterdir()):
        raise UsageError(f"{directory}: not empty and not a demo workspace; choose an empty folder")
    directory.mkdir(parents=True, exist_ok=True)
    try:
        _build(directory)
    except BaseException:
        # The folder was empty: clear what we made so the next attempt starts clean.
        for child in directory.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
        raise
    return config_path


def _is_demo_workspace(config_path: Path) -> bool:
    try:
        return config_path.read_text(encoding="utf-8").startswith(DEMO_MARKER)
    except (OSError, UnicodeDecodeError):
        return False


def _build(directory: Path) -> None:
    first_day = choose_first_day(PROJECTS, clock.now(), extra=[(note, NOTES_TZ) for note in NOTES])
    for project in PROJECTS:
        build_project(project, directory / "projects", directory / "claude" / "projects", first_day)
    write_notes(directory / "notes", first_day)
    # Written last: its presence marks a complete workspace.
    (directory / CONFIG_NAME).write_text(_config_text(), encoding="utf-8")


def _config_text() -> str:
    sources = "".join(f'[[sources]]\ntype = "git"\npath = "projects/{project.name}"\nproject = "{project.name}"\n\n'
                      for project in PROJECTS)
    return f"""{DEMO_MARKER}
# Three small projects, their Claude Code transcripts and a notes folder; paths are
# relative to this file. Try: social-publisher --config publisher.toml select --explain

[store]
path = "state/publisher.db"

{sources}[[sources]]
type = "claude-code"
path = "claude/projects"

[[sources]]
type = "notes"
path = "notes"

[writer]
backend = "offline"
languages = ["en", "ru"]

[enrich]
wikipedia = false   # the demo never touches the network

[site]
out_dir = "site"
title = "Build Log: a demo developer's week"

[review]
auto_approve = true
"""
