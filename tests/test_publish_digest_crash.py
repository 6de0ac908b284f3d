"""A daily digest killed while it goes to Telegram, then run again: the chat gets it exactly once.
Real processes, a real store, a loopback Bot API (what it RECEIVED is what is checked).

To kill the run exactly between Telegram's answer and the store's update, the fake takes the
store's write lock as it answers the digest: the run has the answer and blocks on its next
write, and is killed there. Telegram cannot be asked whether a message arrived, so the next run
holds the digest for `publish --resolve digest:DAY:LANG sent|resend`, as it does a post's message.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading

import pytest

from fakes.posts import approved_post
from fakes.server import Reply, Request
from fakes.telegram_server import TelegramServer
from social_publisher.config import load_config
from social_publisher.store import Store

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ"
NOW = "2026-11-22T09:00:00+00:00"
DAY, LANG = "2026-11-20", "ru"
TITLE = "Дайджест за 20 ноября 2026"
REF = f"digest:{DAY}:{LANG}"


class LockingTelegram(TelegramServer):
    """Takes the store's write lock as it answers the digest (`lock_on_digest`)."""

    def __init__(self, token: str):
        super().__init__(token)
        self.lock_on_digest: str | None = None  # the store file to lock
        self.locked = threading.Event()
        self.holder: sqlite3.Connection | None = None

    def handle(self, request: Request) -> Reply:
        reply = super().handle(request)
        if self.lock_on_digest and TITLE in str(request.fields.get("text", "")):
            self.holder = sqlite3.connect(self.lock_on_digest, isolation_level=None, check_same_thread=False)
            self.holder.execute("BEGIN IMMEDIATE")  # the run's next write waits on this
            self.lock_on_digest = None
            self.locked.set()
        return reply

    def release(self) -> None:
        if self.holder is not None:
            self.holder.execute("ROLLBACK")
            self.holder.close()
            self.holder = None


@pytest.fixture
def telegram():
    with LockingTelegram(TOKEN) as server:
        yield server


@pytest.fixture
def config(tmp_path, telegram):
    path = tmp_path / "publisher.toml"
    path.write_text(f'[digest]\nenabled = false\ntimezone = "UTC"\n[site]\nbase_url = "https://blog.example/"\n'
                    f'[telegram]\nenabled = true\nchat_id = "@dev_log"\napi_base = "{telegram.url}"\n'
                    f'languages = ["{LANG}"]\n', encoding="utf-8")
    config = load_config(path)
    with Store(config.store.path) as store:
        approved_post(store, "a")  # a story that ended on the 20th: the digest of the 20th lists it
    return config


def start(config, *args: str) -> subprocess.Popen:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "SOCIAL_PUBLISHER_NOW": NOW}
    return subprocess.Popen([sys.executable, "-m", "social_publisher", "--config", str(config.config_path), *args],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(config, *args: str) -> str:
    process = start(config, *args)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, out + err
    assert TOKEN not in out + err
    return out + err


def digests_received(telegram) -> list[Request]:
    return [request for request in telegram.received("sendMessage") if TITLE in str(request.fields.get("text", ""))]


def digest_state(config) -> tuple[list[tuple], list[tuple]]:
    """(digest publications, digest parts) on Telegram, read the way an outside observer would."""
    db = sqlite3.connect(f"file:{config.store.path}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT status FROM digest_publications WHERE channel = 'telegram'").fetchall()
        parts = db.execute("SELECT part, status FROM digest_publication_parts WHERE channel = 'telegram'").fetchall()
        return rows, parts
    finally:
        db.close()


def test_killed_between_telegrams_answer_and_the_store_update_the_digest_is_sent_once(config, telegram):
    telegram.lock_on_digest = str(config.store.path)
    process = start(config, "digest", "--date", DAY)
    try:
        assert telegram.locked.wait(30), "the digest never reached the fake"
        # Telegram answered; the run now waits for the store to record it.
        assert telegram.wait_for(lambda: digest_state(config)[1] == [(0, "sending")], timeout=5)
        process.kill()
        process.wait()
    finally:
        telegram.release()
    assert len(digests_received(telegram)) == 1 and digest_state(config) == ([("pending",)], [(0, "sending")])

    output = finish(config, "digest", "--date", DAY)  # no silent resend: Telegram may have it
    assert f"telegram: the {LANG} digest of {DAY}: message 1 may or may not have reached the channel" in output
    assert f"--resolve {REF} sent" in output and f"--resolve {REF} resend" in output
    assert len(digests_received(telegram)) == 1 and digest_state(config) == ([("pending",)], [(0, "uncertain")])

    output = finish(config, "publish", "--resolve", REF, "sent")  # it is in the chat
    assert f"telegram: the {LANG} digest of {DAY} message 1 settled as sent" in output
    assert len(digests_received(telegram)) == 1
    assert digest_state(config) == ([("published",)], [(0, "sent")])
    with Store(config.store.path) as store:
        assert [digest.status for digest in store.digests()] == ["published"]

    finish(config, "digest", "--date", DAY)
    assert len(digests_received(telegram)) == 1  # settled for good


def test_a_digest_lost_on_the_way_is_sent_again_once_when_resolved_resend(config, telegram):
    telegram.hang("sendMessage", nth=1, act=False)  # never delivered, never answered
    process = start(config, "digest", "--date", DAY)
    assert telegram.wait_for(lambda: len(telegram.received("sendMessage")) == 1, timeout=30)
    process.kill()
    process.wait()
    assert telegram.messages == [] and digest_state(config) == ([("pending",)], [(0, "sending")])

    output = finish(config, "digest", "--date", DAY)
    assert f"--resolve {REF} resend" in output and len(telegram.received("sendMessage")) == 1

    output = finish(config, "publish", "--resolve", REF, "resend")
    assert f"telegram: the {LANG} digest of {DAY} message 1 settled as resend; it is sent again now" in output
    delivered = [message for message in telegram.messages if TITLE in message.html]
    assert len(delivered) == 1 and len(digests_received(telegram)) == 2  # the lost one, then the one that arrived
    assert digest_state(config) == ([("published",)], [(0, "sent")])
