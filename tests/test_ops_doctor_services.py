"""`doctor` asks each enabled channel's service once, through the channels' HTTP plumbing, and
tells an unreachable one by a short reason: against loopback Bluesky and Mastodon fakes and a
port nothing listens on, checking what the fakes received and that no secret is printed."""

from __future__ import annotations

import socket

from fakes.bluesky_server import BlueskyServer
from fakes.mastodon_server import MastodonServer
from social_publisher.ops.doctor import run_checks

HANDLE, PASSWORD = "dev.bsky.social", "app-pass-wxyz-1234"
MASTODON_TOKEN = "mastodon-doctor-token-5678"
TELEGRAM_TOKEN = "7312345678:AAH-dOcToRtOkEn_0123456789abcdefghijk"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_doctor_asks_each_service_once_and_tells_one_that_does_not_answer(tmp_path, monkeypatch):
    for name, value in (("BLUESKY_HANDLE", HANDLE), ("BLUESKY_APP_PASSWORD", PASSWORD),
                        ("MASTODON_TOKEN", MASTODON_TOKEN), ("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN)):
        monkeypatch.setenv(name, value)
    nowhere = f"http://127.0.0.1:{closed_port()}"
    with BlueskyServer(HANDLE, PASSWORD) as bluesky, MastodonServer(MASTODON_TOKEN) as mastodon:
        config = tmp_path / "publisher.toml"
        config.write_text(f'[telegram]\nenabled = true\nchat_id = "@devlog"\napi_base = "{nowhere}"\n'
                          f'[mastodon]\nenabled = true\ninstance = "{mastodon.url}"\n'
                          f'[bluesky]\nenabled = true\nservice = "{bluesky.url}"\n', encoding="utf-8")
        checks = {check.name: check for check in run_checks(config)}

        assert (checks["telegram"].ok, checks["telegram"].detail) == (False, f"{nowhere} did not answer (ConnectError)")
        assert (checks["bluesky"].ok, checks["bluesky"].detail) == (True, f"{HANDLE} on {bluesky.url}")
        [session] = bluesky.requests
        assert session.json == {"identifier": HANDLE, "password": PASSWORD}
        # the fake knows statuses only: its 404 is told as it came, after one request
        assert (checks["mastodon"].ok, checks["mastodon"].detail) == (False, "verify_credentials answered HTTP 404")
        [asked] = mastodon.requests
        assert asked.path == "/api/v1/accounts/verify_credentials"
        assert asked.headers["authorization"] == f"Bearer {MASTODON_TOKEN}"
    printed = "\n".join(check.line() for check in checks.values())
    assert not any(secret in printed for secret in (PASSWORD, MASTODON_TOKEN, TELEGRAM_TOKEN))
