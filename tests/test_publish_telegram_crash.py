"""`publish` killed with SIGKILL while it sends a post to Telegram, then run again: each message of
the post reaches the chat exactly once. Real processes, a real store, a loopback Bot API; the
channel's real pacing (1 message a second) leaves the window the kill lands in."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

from fakes.posts import approved_post
from fakes.telegram_server import TelegramServer
from social_publisher.config import load_config
from social_publisher.publish.telegram import plan
from social_publisher.store import Store

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ"
BODY = "\n\n".join(["Абзац про очередь задач 🚀 и 12 минут. " * 60] * 3)  # three messages


@pytest.fixture
def telegram():
    with TelegramServer(TOKEN) as server:
        yield server


@pytest.fixture
def setup(tmp_path, telegram):
    config_path = tmp_path / "publisher.toml"
    config_path.write_text(f'[digest]\nenabled = false\n[site]\nbase_url = "https://blog.example/"\n[telegram]\nenabled = true\n'
                           f'chat_id = "@dev_log"\napi_base = "{telegram.url}"\nlanguages = ["ru"]\n')
    config = load_config(config_path)
    with Store(config.store.path) as store:
        post_id = approved_post(store, "a", body=BODY)
    return config, post_id


def start(config, *args: str) -> subprocess.Popen:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN}
    return subprocess.Popen([sys.executable, "-m", "social_publisher", "--config", str(config.config_path),
                             "publish", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen) -> tuple[int, str]:
    out, err = process.communicate(timeout=60)
    return process.returncode, out + err


def parts(config, post_id: int) -> list[str]:
    db = sqlite3.connect(f"file:{config.store.path}?mode=ro", uri=True)
    try:
        return [row[0] for row in db.execute(
            "SELECT status FROM publication_parts WHERE post_id = ? AND channel = 'telegram' ORDER BY part",
            (post_id,))]
    except sqlite3.OperationalError:  # the first run has not created the table yet
        return []
    finally:
        db.close()


def expected_messages(config) -> list[str]:
    with Store(config.store.path) as store:
        return [message.html for message in plan(store.posts()[0], config, store)]


def test_killed_between_two_messages_the_next_run_sends_the_rest_once(setup, telegram):
    config, post_id = setup
    process = start(config)
    assert telegram.wait_for(lambda: parts(config, post_id) == ["sent"], timeout=30)
    process.kill()  # during the pause before message 2
    process.wait()
    assert len(telegram.messages) == 1

    code, output = finish(start(config))
    assert code == 0, output
    assert [message.html for message in telegram.messages] == expected_messages(config)
    assert len(telegram.messages) == 3 and parts(config, post_id) == ["sent"] * 3
    assert TOKEN not in output


def test_killed_during_a_send_the_message_is_uncertain_until_resolved(setup, telegram):
    config, post_id = setup
    telegram.hang("sendMessage", nth=2)  # Telegram takes message 2 and the answer never comes
    process = start(config)
    assert telegram.wait_for(lambda: len(telegram.received("sendMessage")) == 2, timeout=30)
    process.kill()
    process.wait()
    assert parts(config, post_id) == ["sent", "sending"]

    code, output = finish(start(config))  # no silent resend
    assert code == 0 and "message 2 may or may not have reached the channel" in output, output
    assert f"--resolve {post_id} sent" in output
    assert len(telegram.received("sendMessage")) == 2 and parts(config, post_id) == ["sent", "uncertain"]

    code, output = finish(start(config, "--resolve", str(post_id), "sent"))
    assert code == 0, output
    assert [message.html for message in telegram.messages] == expected_messages(config)
    assert len(telegram.received("sendMessage")) == 3
    assert TOKEN not in output
