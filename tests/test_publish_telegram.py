"""The telegram channel against a loopback Bot API: what it sends, how it waits, how it fails,
and that each message of a post reaches the chat exactly once, even across crashes."""

from __future__ import annotations

import logging
import traceback

import pytest
from click.testing import CliRunner

from fakes.clock import FakeClock, clock_fixture  # noqa: F401  (the `clock` fixture)
from fakes.posts import approved_post, stored_digest
from fakes.server import Reply
from fakes.telegram_server import TelegramServer, error, parse_html, too_many, units
from social_publisher.cli import cli, main
from social_publisher.publish import publish
from social_publisher.publish.channel import PublishContext
from social_publisher.publish.http import HttpChannel, Pacer
from social_publisher.publish.telegram import TelegramChannel, plan

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ"
LONG_BODY = "\n\n".join([
    "Сегодня я перенёс очередь задач в SQLite 🚀 и померил: 12 минут вместо 40. " * 25,
    "```python\n" + "\n".join(f"def step_{n}(x):  # шаг {n} 🧪\n    return x < {n}" for n in range(90)) + "\n```",
    "Ещё один абзац с эмодзи 👨‍👩‍👧‍👦 и ссылкой на [документацию](https://docs.example/путь?a=1&b=2). " * 30,
    "Итог: всё работает.",
])


class Killed(BaseException):
    """Stands for SIGKILL in-process: not an Exception, so nothing on the way catches it."""


@pytest.fixture
def telegram(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    with TelegramServer(TOKEN) as server:
        yield server


@pytest.fixture
def config(write_config, telegram, clock):
    return write_config(f"""
[digest]
enabled = false  # posts only: the digests have their own tests
[site]
base_url = "https://blog.example/"
[telegram]
enabled = true
chat_id = "@dev_log"
api_base = "{telegram.url}"
languages = ["ru"]
""")


def sent_texts(server: TelegramServer) -> list[str]:
    return [message.html for message in server.messages]


def test_a_post_is_its_cover_then_text_parts_the_last_ending_with_the_link(store, config, telegram, tmp_path):
    cover = tmp_path / "cover.png"
    cover.write_bytes(b"\x89PNG\r\n\x1a\n fake image bytes")
    post_id = approved_post(store, "a", title="Очередь задач в SQLite", body=LONG_BODY, cover=cover)

    report = publish(store, config)

    assert report.published == 2 and report.failed == 0, report.warnings
    photo, *texts = telegram.messages
    assert photo.method == "sendPhoto" and photo.photo == cover.read_bytes()
    [photo_request] = telegram.received("sendPhoto")
    assert photo_request.headers["content-type"].startswith("multipart/form-data")
    assert photo.html.startswith("<b>Очередь задач в SQLite</b>") and units(photo.html) <= 1024
    assert len(texts) >= 3 and all(message.method == "sendMessage" for message in texts)
    for message in texts:
        assert units(message.html) <= 4096
        parse_html(message.html)
        assert message.preview == {"is_disabled": True}
    assert texts[-1].html.endswith('<a href="https://blog.example/ru/post-a.html">Читать дальше</a>')
    assert not any("blog.example/ru/post-a.html" in message.html for message in [photo, *texts[:-1]])
    row = store.publication(post_id, "telegram")
    assert row.status == "published"
    assert row.remote_id == ",".join(str(message.message_id) for message in telegram.messages)
    assert [part.status for part in store.publication_parts(post_id, "telegram")] == ["sent"] * (1 + len(texts))

    publish(store, config)  # a second run sends nothing
    assert len(telegram.messages) == 1 + len(texts)


def test_a_post_that_just_fits_its_caption_never_sends_the_link_alone(store, config, tmp_path):
    """Around the caption's limit, the last block (the sources footer with its rule) goes on with
    the link: no message is a lone "Read more", nothing is lost, every message fits."""
    cover = tmp_path / "cover.png"
    cover.write_bytes(b"\x89PNG\r\n\x1a\n fake image bytes")
    footer = "---\n\n*Источники: `demo` · 2026-11-20 · коммиты `b17c371`, `45af93d`*"
    shapes = set()
    for size in range(700, 1000, 7):
        body = f"{'слово ' * (size // 6)}конец.\n\n{footer}"
        post_id = approved_post(store, f"fit-{size}", body=body, cover=cover)
        messages = plan(store.posts(story_id=store.posts()[-1].story_id)[0], config, store)
        assert store.posts()[-1].id == post_id
        texts = [parse_html(message.html) for message in messages]
        assert units(texts[0]) <= 1024 and all(units(text) <= 4096 for text in texts[1:])
        assert not any(text.strip() == "Читать дальше" for text in texts), (size, texts)
        assert texts[-1].rstrip().endswith("Читать дальше") and "конец." in "".join(texts)
        assert not texts[0].rstrip().endswith("———")
        shapes.add(len(messages))
    assert shapes == {1, 2}  # both sides of the limit were met


def test_without_a_cover_the_title_opens_the_first_message(store, config, telegram):
    approved_post(store, "a", title="Короткий пост", body="Один абзац с `кодом` и **жирным**.")
    publish(store, config)
    [message] = telegram.messages
    assert message.method == "sendMessage"
    assert message.html == ("<b>Короткий пост</b>\n\nОдин абзац с <code>кодом</code> и <b>жирным</b>.\n\n"
                            '<a href="https://blog.example/ru/post-a.html">Читать дальше</a>')


def test_link_mode_sends_title_first_paragraph_and_link_with_a_preview(store, write_config, telegram, clock):
    config = write_config(f'[digest]\nenabled = false\n[site]\nbase_url = "https://blog.example/"\n[telegram]\nenabled = true\n'
                          f'chat_id = "@dev_log"\napi_base = "{telegram.url}"\nmode = "link"\nlanguages = ["ru"]\n')
    approved_post(store, "a", title="Ссылка", body="Первый абзац.\n\nВторой абзац, которого нет.", cover=None)
    publish(store, config)
    [message] = telegram.messages
    url = "https://blog.example/ru/post-a.html"
    assert message.html == f'<b>Ссылка</b>\n\nПервый абзац.\n\n<a href="{url}">{url}</a>'
    assert message.preview == {"url": url, "prefer_large_media": True}


def test_only_the_configured_languages_go_to_the_chat(store, config, telegram):
    ru = approved_post(store, "a", lang="ru")
    en = approved_post(store, "b", lang="en")
    publish(store, config)
    assert len(telegram.messages) == 1
    assert store.publication(ru, "telegram").status == "published"
    assert store.publication(en, "telegram") is None


def test_messages_are_paced_to_one_a_second_and_twenty_a_minute():
    clock = FakeClock()
    pacer = Pacer([(1, 1.0), (20, 60.0)], clock)
    times = []
    for _ in range(45):
        pacer.wait()
        times.append(clock.now)
    assert all(later - earlier >= 1.0 for earlier, later in zip(times, times[1:]))
    assert all(times[index + 20] - times[index] >= 60.0 for index in range(len(times) - 20))
    assert times[-1] - times[0] < 3 * 60 + 1  # and no slower than that


def test_a_run_paces_its_messages_on_the_channel_clock(store, config, telegram, clock):
    for key in "abc":
        approved_post(store, key)
    publish(store, config)
    assert len(telegram.messages) == 3
    assert clock.sleeps == [1.0, 1.0]


def test_429_waits_what_telegram_says_then_sends_once(store, config, telegram, clock):
    post_id = approved_post(store, "a")
    telegram.script("sendMessage", too_many(7))
    publish(store, config)
    assert 7.0 in clock.sleeps
    assert len(telegram.messages) == 1 and len(telegram.received("sendMessage")) == 2
    assert store.publication(post_id, "telegram").status == "published"


def test_5xx_is_retried_with_backoff(store, config, telegram, clock):
    post_id = approved_post(store, "a")
    telegram.script("sendMessage", Reply(500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}),
                    Reply(502, b"<html>Bad Gateway</html>"))
    publish(store, config)
    assert clock.sleeps[:2] == [0.5, 1.0]
    assert len(telegram.messages) == 1
    assert store.publication(post_id, "telegram").status == "published"


def test_5xx_that_does_not_stop_fails_the_publication_for_the_next_run(store, config, telegram, clock):
    post_id = approved_post(store, "a")
    telegram.script("sendMessage", *[Reply(500, {"ok": False, "description": "Internal Server Error"})] * 5)
    report = publish(store, config)
    row = store.publication(post_id, "telegram")
    assert row.status == "failed" and "Telegram answered 500: Internal Server Error" in row.last_error
    assert report.failed == 1
    publish(store, config)
    assert len(telegram.messages) == 1 and store.publication(post_id, "telegram").status == "published"


def test_400_fails_that_publication_with_telegrams_description_and_the_others_go_on(store, config, telegram):
    first, second = approved_post(store, "a"), approved_post(store, "b")
    telegram.script("sendMessage", error(400, "Bad Request: can't parse entities: unsupported start tag \"x\""))
    report = publish(store, config)
    assert (report.published, report.failed) == (3, 1)  # two on the site, one on telegram
    failed = store.publication(first, "telegram")
    assert failed.status == "failed"
    assert failed.last_error == ("RemoteError: Telegram answered 400: Bad Request: can't parse entities: "
                                 "unsupported start tag \"x\"")
    assert store.publication(second, "telegram").status == "published"
    publish(store, config)  # retried, sent once
    assert store.publication(first, "telegram").status == "published"
    assert len(telegram.messages) == 2


def test_a_refused_token_names_its_variable_and_stops_the_channel_for_the_run(store, write_config, clock, monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    with TelegramServer("987654321:ANOTHERtokenANOTHERtokenANOTHERtoke") as server:
        config = write_config(f'[telegram]\nenabled = true\nchat_id = "@x"\napi_base = "{server.url}"\n')
        first, second = approved_post(store, "a"), approved_post(store, "b")
        report = publish(store, config)
        assert len(server.requests) == 1  # the second post did not try again
    for post_id in (first, second):
        error_text = store.publication(post_id, "telegram").last_error
        assert error_text.startswith("RemoteError: the token in $TELEGRAM_BOT_TOKEN was refused by Telegram (401)")
    assert report.failed == 2
    assert TOKEN not in " ".join(report.warnings)


def _all_text_in(store) -> str:
    rows = []
    for table in ("publications", "publication_parts"):
        rows += [" ".join(map(str, tuple(row))) for row in store.db.execute(f"SELECT * FROM {table}")]
    return "\n".join(rows)


def test_the_token_appears_in_no_output_error_log_or_traceback(store, config, telegram, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    first, second, third = approved_post(store, "a"), approved_post(store, "b"), approved_post(store, "c")
    telegram.script("sendMessage", error(400, "Bad Request: chat not found"),
                    *[Reply(503, {"ok": False, "description": "Service Unavailable"})] * 5)
    result = CliRunner().invoke(cli, ["--debug", "--config", str(config.config_path), "publish"])
    assert result.exit_code == 0, result.output
    assert store.publication(first, "telegram").status == "failed"
    assert store.publication(second, "telegram").status == "failed"
    assert store.publication(third, "telegram").status == "published"
    assert any("HTTP Request: POST" in record.getMessage() for record in caplog.records)  # httpx did log
    # a channel's errors as raised, with their whole traceback (what --debug would print)
    unreachable = config.model_copy(deep=True)
    unreachable.telegram.api_base = "http://127.0.0.1:9"  # nothing listens there
    for channel_config, expect in ((config, "400"), (unreachable, "could not connect")):
        channel = TelegramChannel(channel_config)
        telegram.script("sendMessage", error(400, "Bad Request: chat not found"))
        with pytest.raises(Exception) as raised:
            channel.publish(store.posts()[0], PublishContext(store=store, config=channel_config, report=None))
        text = "".join(traceback.format_exception(raised.value))
        assert expect in str(raised.value)
        assert TOKEN not in text  # (the source line building the path is shown, never its value)
        assert "127.0.0.1" not in str(raised.value)  # no URL in the message
        assert raised.value.__context__ is None and raised.value.__cause__ is None
    log_file = config.store.path.parent / "logs" / "publisher.log"
    everything = "\n".join([result.output, result.stderr if result.stderr_bytes else "", caplog.text,
                            _all_text_in(store), repr(TelegramChannel(config).service),
                            log_file.read_text() if log_file.exists() else ""])
    assert TOKEN not in everything and TOKEN.split(":")[1] not in everything
    assert "chat not found" in everything  # the errors are there, only the secret is not


def test_a_run_killed_between_two_parts_resumes_at_the_next_part(store, config, telegram, clock, monkeypatch):
    post_id = approved_post(store, "a", body=LONG_BODY)
    expected = [message.html for message in plan(store.posts()[0], config, store)]
    assert len(expected) >= 4

    def killed_after(count):
        def wait(self):
            if len(telegram.messages) == count:
                raise Killed()
        return wait

    monkeypatch.setattr(Pacer, "wait", killed_after(2))
    with pytest.raises(Killed):
        publish(store, config)
    assert sent_texts(telegram) == expected[:2]
    assert store.publication(post_id, "telegram").status == "pending"
    assert [part.status for part in store.publication_parts(post_id, "telegram")] == ["sent", "sent"]

    monkeypatch.undo()
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setattr(HttpChannel, "clock", clock)
    report = publish(store, config)
    assert sent_texts(telegram) == expected  # every part exactly once, in order
    assert not any("may or may not" in warning for warning in report.warnings)
    assert store.publication(post_id, "telegram").remote_id == ",".join(
        str(message.message_id) for message in telegram.messages)


def test_a_send_that_gets_no_answer_is_uncertain_until_resolved_sent(store, config, telegram, clock, monkeypatch):
    monkeypatch.setattr(TelegramChannel, "timeout", 0.3)
    post_id = approved_post(store, "a", body=LONG_BODY)
    expected = [message.html for message in plan(store.posts()[0], config, store)]
    telegram.hang("sendMessage", nth=2)  # delivered, but the answer never comes

    report = publish(store, config)
    assert len(telegram.received("sendMessage")) == 2  # not retried: Telegram may have it
    parts = store.publication_parts(post_id, "telegram")
    assert [part.status for part in parts] == ["sent", "uncertain"]
    assert any("message 2 may or may not have reached" in warning for warning in report.warnings)

    report = publish(store, config)  # nothing is sent while it is uncertain
    assert len(telegram.received("sendMessage")) == 2
    assert any(f"--resolve {post_id} sent" in warning for warning in report.warnings)
    assert report.uncertain == 1

    monkeypatch.setattr(TelegramChannel, "timeout", 30)  # the rest is answered: a loaded machine must not time it out
    result = CliRunner().invoke(cli, ["--config", str(config.config_path), "publish", "--resolve", str(post_id), "sent"])
    assert result.exit_code == 0, result.output
    assert f"telegram: post {post_id} message 2 settled as sent" in result.output
    assert sent_texts(telegram) == expected  # the rest followed, nothing twice
    assert store.publication(post_id, "telegram").status == "published"


def test_resolve_resend_sends_the_uncertain_part_again(store, config, telegram, clock, monkeypatch):
    monkeypatch.setattr(TelegramChannel, "timeout", 0.3)
    post_id = approved_post(store, "a")
    telegram.hang("sendMessage", nth=1, act=False)  # lost on the way: never delivered
    publish(store, config)
    assert telegram.messages == []
    monkeypatch.setattr(TelegramChannel, "timeout", 30)  # the resend is answered: a loaded machine must not time it out
    result = CliRunner().invoke(cli, ["--config", str(config.config_path), "publish", "--resolve", str(post_id),
                                      "resend"])
    assert result.exit_code == 0, result.output
    assert len(telegram.messages) == 1 and store.publication(post_id, "telegram").status == "published"


def test_resolve_says_when_there_is_nothing_to_resolve(store, config, telegram, capsys):
    post_id = approved_post(store, "a")
    publish(store, config)
    capsys.readouterr()
    for args, expect in (([str(post_id), "sent"], "has no publication waiting to be resolved"),
                         ([str(post_id), "maybe"], "takes sent or resend"),
                         (["x", "sent"], "takes a post id")):
        with pytest.raises(SystemExit) as exited:
            main(["--config", str(config.config_path), "publish", "--resolve", *args])
        error_line = capsys.readouterr().err
        assert exited.value.code == 2 and expect in error_line and error_line.count("\n") == 1


def test_a_digest_is_one_message_shortened_to_fit_with_the_link_at_the_end(store, config, telegram):
    from social_publisher.publish.channel import Digest

    lines = "\n".join(f"- [Пост номер {n} о чём-то важном 🚀](https://blog.example/ru/post-{n}.html)"
                      for n in range(120))
    digest = stored_digest(store, Digest(day="2026-11-20", lang="ru", title="Итоги дня",
                                         body_md=f"Проекты: 3, коммиты: 40.\n\n{lines}"))
    channel = TelegramChannel(config)
    channel.publish_digest(digest, PublishContext(store=store, config=config, report=None))
    [message] = telegram.messages
    assert units(message.html) <= 4096
    text = parse_html(message.html)
    assert text.startswith("Итоги дня\n\nПроекты: 3")
    assert "Пост номер 0 " in text and "Пост номер 119" not in text
    assert message.html.endswith('<a href="https://blog.example/ru/digests/2026-11-20.html">…и ещё '
                                 f'{120 - text.count("Пост номер")} в блоге</a>')


def test_the_cover_is_the_card_made_with_the_posts_own_title(store, config, telegram, tmp_path):
    story_card, russian_card = tmp_path / "story.png", tmp_path / "ru.png"
    story_card.write_bytes(b"\x89PNG story card")
    russian_card.write_bytes(b"\x89PNG russian card")
    approved_post(store, "a", cover=story_card)
    store.set_brief_covers(store.posts()[0].story_id, {"ru": str(russian_card)})
    publish(store, config)
    assert telegram.messages[0].photo == russian_card.read_bytes()


def test_a_wait_longer_than_a_run_should_take_fails_for_the_next_run(store, config, telegram, clock):
    post_id = approved_post(store, "a")
    telegram.script("sendMessage", too_many(3600))
    publish(store, config)
    row = store.publication(post_id, "telegram")
    assert clock.sleeps == [] and row.status == "failed" and "retry after 3600" in row.last_error
    assert [part.status for part in store.publication_parts(post_id, "telegram")] == ["failed"]
    publish(store, config)  # the next run sends it, once
    assert len(telegram.messages) == 1 and store.publication(post_id, "telegram").status == "published"


def test_disabled_channels_load_no_http_machinery(tmp_path):
    import subprocess
    import sys

    code = ("import sys; from social_publisher.config import Config; from social_publisher.publish import "
            "active_channels; print([c.name for c in active_channels(Config())], 'httpx' in sys.modules, "
            "'tenacity' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "['site'] False False", result.stderr
