"""Shared fixtures: a real SQLite store in a temp folder and a config written as a real TOML file."""

from __future__ import annotations

from pathlib import Path

import pytest

from social_publisher.config import Config, load_config
from social_publisher.store import Store


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "state" / "publisher.db") as opened:
        yield opened


@pytest.fixture
def write_config(tmp_path: Path):
    """write_config(text) -> Config: writes publisher.toml in tmp_path and loads it."""

    def _write(text: str, *, check_sources: bool = True) -> Config:
        path = tmp_path / "publisher.toml"
        path.write_text(text, encoding="utf-8")
        return load_config(path, check_sources=check_sources)

    return _write
