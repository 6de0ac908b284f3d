"""Review from Telegram against a loopback Bot API: waiting posts go to the owner once, with
buttons; the owner's answers approve or reject (once, whatever is delivered again); a stranger's
answers change nothing; the token is nowhere in the output or the log."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fakes.telegram_server import TelegramServer
from social_publisher.demo import make_workspace
from social_publisher.store import Store

TOKEN = "6012345678:AAFakeReviewToken_abcdefghijklmnopqrs"
OWNER = 424242
STRANGER = 777


def run_cli(config: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "SOCIAL_PUBLISHER_NOW": "2026-11-30T20:00:00+00:00"}
    return subprocess.run([sys.executable, "-m", "social_publisher", "--config", str(config), *args],
                          capture_output=True, text=True, timeout=300, env=env)


@pytest.fixture
def telegram():
    with TelegramServer(TOKEN) as server:
        yield server


@pytest.fixture
def workspace(tmp_path: Path, telegram: TelegramServer) -> Path:
    folder = tmp_path / "demo"
    make_workspace(folder)
    config = folder / "publisher.toml"
    text = config.read_text().replace("auto_approve = true", f"auto_approve = false\ntelegram_chat_id = {OWNER}")
    assert f"telegram_chat_id = {OWNER}" in text
    assert "[telegram]" not in text
    text += f'\n[telegram]\napi_base = "{telegram.url}"\n'  # the bot; the channel itself stays off
    config.write_text(text)
    return config


def store_of(config: Path) -> Store:
    return Store(config.parent / "state" / "publisher.db")


def test_waiting_posts_go_to_the_owner_once_and_answers_apply_once(workspace: Path, telegram: TelegramServer):
    first = run_cli(workspace, "run")
    assert first.returncode == 0, first.stderr
    with store_of(workspace) as store:
        waiting = store.posts(status="checked")
    assert waiting, "the demo's posts wait for review"
    sent = [m for m in telegram.messages if m.chat_id == str(OWNER)]
    assert len(sent) == len(waiting)
    buttons = sent[0].reply_markup["inline_keyboard"][0]
    assert [b["callback_data"].split(":")[0] for b in buttons] == ["approve", "reject"]
    by_post = {int(m.reply_markup["inline_keyboard"][0][0]["callback_data"].split(":")[1]): m for m in sent}
    assert set(by_post) == {p.id for p in waiting}

    again = run_cli(workspace, "run")
    assert again.returncode == 0 and len([m for m in telegram.messages if m.chat_id == str(OWNER)]) == len(sent)

    approve, reject = waiting[0], waiting[1]
    telegram.press(STRANGER, f"approve:{reject.id}", by_post[reject.id].message_id)  # not the owner: ignored
    telegram.press(OWNER, f"approve:{approve.id}", by_post[approve.id].message_id)
    telegram.press(OWNER, f"reject:{reject.id}", by_post[reject.id].message_id)
    decided = run_cli(workspace, "run")
    assert decided.returncode == 0, decided.stderr
    with store_of(workspace) as store:
        status = {p.id: p.status for p in store.posts()}
        on_site = {row.post_id for row in store.publications("site") if row.status == "published"}
    assert status[approve.id] == "published" and approve.id in on_site  # approved and published in that run
    assert status[reject.id] == "rejected"
    assert all(status[p.id] == "checked" for p in waiting[2:])
    assert any("not" in answer.get("text", "").lower() or "owner" in answer.get("text", "")
               for answer in telegram.callback_answers)
    assert len(telegram.edits) == 2 and all(edit["reply_markup"] == {"inline_keyboard": []} for edit in telegram.edits)

    # the same updates delivered again (the offset was lost, say): nothing changes twice
    with store_of(workspace) as store:
        store.set_cursor("telegram-review|offset", 0)
    replay = run_cli(workspace, "run")
    assert replay.returncode == 0
    with store_of(workspace) as store:
        assert {p.id: p.status for p in store.posts()} == status
    assert len([m for m in telegram.messages if m.chat_id == str(OWNER)]) == len(sent)

    log = (workspace.parent / "state" / "logs" / "publisher.log").read_text()
    for text in (log, first.stdout, first.stderr, decided.stdout, decided.stderr):
        assert TOKEN not in text


def test_without_the_token_review_waits_and_says_why(workspace: Path, telegram: TelegramServer):
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    result = subprocess.run([sys.executable, "-m", "social_publisher", "--config", str(workspace), "run"],
                            capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0
    assert "review from Telegram disabled" in result.stderr and "TELEGRAM_BOT_TOKEN" in result.stderr
    assert telegram.messages == []
