"""Tags come only from the documented list, found in files, imports, commands and words."""

from __future__ import annotations

import pytest

from social_publisher.select.tags import (
    TAG_NAMES, TAGS, TagEvidence, command_programs, detect_in_command, detect_in_path, detect_in_text, tag_for_alias,
)


def tags_of_text(text: str, weight: float = 1.0) -> list[str]:
    found = TagEvidence()
    detect_in_text(text, found, weight=weight)
    return found.tags()


def test_every_tag_is_unique_and_lower_case():
    assert len(TAG_NAMES) == len(set(TAG_NAMES))
    assert all(name == name.lower() and " " not in name for name in TAG_NAMES)
    assert {"python", "sqlite", "telegram", "pytorch", "docker"} <= set(TAG_NAMES)


@pytest.mark.parametrize("alias, tag", [
    ("PyTorch", "pytorch"), ("torch", "pytorch"), ("Python", "python"), ("aiogram", "telegram"),
    ("python-telegram-bot", "telegram"), ("sqlite3", "sqlite"), ("Postgres", "postgresql"), ("k8s", "kubernetes"),
    ("React", "react"), ("sklearn", "scikit-learn"),
])
def test_aliases_lead_to_their_tag(alias, tag):
    assert tag_for_alias(alias) == tag


@pytest.mark.parametrize("path, tag", [
    ("src/bot.py", "python"), ("Dockerfile", "docker"), ("deploy/docker-compose.yml", "docker"),
    (".github/workflows/ci.yml", "github-actions"), ("web/App.tsx", "typescript"), ("infra/main.tf", "terraform"),
    ("ops/backup.service", "systemd"), ("Cargo.toml", "rust"), ("data/cache.sqlite3", "sqlite"),
])
def test_files_lead_to_tags(path, tag):
    found = TagEvidence()
    detect_in_path(path, found)
    assert tag in found.tags()


def test_words_imports_and_russian_inflections():
    assert tags_of_text("Switched the bot from polling to webhooks in Telegram") == ["telegram"]
    assert tags_of_text("import torch\nfrom sqlite3 import connect") == ["pytorch", "sqlite"]
    assert tags_of_text("Бот в телеграме теперь отвечает за 2 секунды") == ["telegram"]
    assert tags_of_text("sqlite3.OperationalError: database is locked") == ["sqlite"]


def test_everyday_words_are_not_tags():
    # "react", "go", "c", "shell" as plain English must not tag React, Go, C or Bash
    assert tags_of_text("We react fast, go home early, grade C, and the shell of the idea stays.") == []


def test_assistant_prose_alone_counts_half():
    assert tags_of_text("Unlike Django, this is small.", weight=0.5) == []
    assert tags_of_text("Django here, Django there.", weight=0.5) == ["django"]


def test_commands_tag_programs_and_report_installed_packages():
    found = TagEvidence()
    assert detect_in_command("cd bot && pip install 'aiogram>=3' torch==2.3 -q", found) == ["telegram", "pytorch"]
    assert {"python", "telegram", "pytorch"} <= set(found.tags())
    assert command_programs("FOO=1 uv run pytest -q | tail -3") == ["pytest", "tail"]
    assert command_programs("python -m pytest tests") == ["python", "pytest"]
    found = TagEvidence()
    detect_in_command("docker compose up -d && kubectl get pods", found)
    assert found.tags() == ["docker", "kubernetes"]


def test_tags_are_ordered_by_strength_then_name_and_capped():
    found = TagEvidence()
    for name in TAG_NAMES[:12]:
        found.add(name, 1.0, "x")
    found.add("sqlite", 5.0, "y")
    tags = found.tags()
    assert tags[0] == "sqlite" and len(tags) == 8
    assert tags[1:] == sorted(tags[1:])


def test_every_tag_is_detectable_somehow():
    for tag in TAGS:
        assert tag.words or tag.cased or tag.extensions or tag.files or tag.imports or tag.commands, tag.name


def test_loose_reading_of_prose_knows_clinging_punctuation_and_phrases():
    found = TagEvidence()
    detect_in_text("We moved to Docker, then (PyTorch) and the Bot API; Node.js too. Docker again.", found,
                   weight=0.5, loose=True)
    assert found.points == {"docker": 1.0, "pytorch": 0.5, "telegram": 0.5, "nodejs": 0.5}
    assert found.tags() == ["docker"]  # one mention in prose is not enough on its own
