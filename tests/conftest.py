"""Shared fixtures: a real SQLite store in a temp folder and a config written as a real TOML file.

Tests never touch the internet: `write_config` turns Wikipedia off unless the text sets it,
and any httpx request to a host that is not loopback fails the test that made it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import httpx
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
        config = load_config(path, check_sources=check_sources)
        if "wikipedia" not in tomllib.loads(text).get("enrich", {}):
            config.enrich.wikipedia = False
        return config

    return _write


LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


@pytest.fixture(autouse=True)
def no_internet(monkeypatch):
    """Fail any test whose code sends an httpx request beyond loopback (even if the code swallows the error)."""
    attempts: list[str] = []
    real = httpx.HTTPTransport.handle_request

    def guarded(self, request):
        if request.url.host not in LOOPBACK:
            attempts.append(str(request.url))
            raise httpx.ConnectError("tests never touch the internet", request=request)
        return real(self, request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", guarded)
    yield
    assert not attempts, (f"the test tried to reach the internet: {attempts[:3]}; give it a config with "
                          "[enrich] wikipedia = false, or point the URL at a loopback server")
