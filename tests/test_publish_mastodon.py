"""The mastodon channel against a loopback Mastodon: the status it makes, its length as Mastodon
counts it, the Idempotency-Key that makes a retry harmless, and the server's error answers."""

from __future__ import annotations

import pytest

from fakes.clock import clock_fixture  # noqa: F401  (the `clock` fixture)
from fakes.mastodon_server import MastodonServer, mastodon_length
from fakes.posts import approved_post, stored_digest
from fakes.server import Reply
from social_publisher.publish import publish
from social_publisher.publish.channel import Digest, PublishContext
from social_publisher.publish.mastodon import MastodonChannel

TOKEN = "mastodon-secret-token-0123456789abcdef"
TITLE = "Очередь задач 🚀 переехала в SQLite: 12 минут вместо 40, и ни одной потерянной задачи"
BODY = ("Сегодня я перенёс очередь задач в SQLite 👨‍👩‍👧‍👦 и померил время полного прогона: 12 минут вместо 40. "
        * 12)


@pytest.fixture
def mastodon(monkeypatch):
    monkeypatch.setenv("MASTODON_TOKEN", TOKEN)
    with MastodonServer(TOKEN) as server:
        yield server


@pytest.fixture
def config(write_config, mastodon, clock):
    return write_config(f'[digest]\nenabled = false\n[site]\nbase_url = "https://blog.example/"\n'
                        f'[mastodon]\nenabled = true\ninstance = "{mastodon.url}"\nlanguages = ["ru"]\n')


def test_a_post_is_one_status_of_at_most_500_characters_with_its_link(store, config, mastodon):
    post_id = approved_post(store, "a", title=TITLE, body=BODY, tags=("python", "sqlite", "C++"))
    report = publish(store, config)
    assert report.failed == 0, report.warnings
    [status] = mastodon.statuses
    text = status["content"]
    url = "https://blog.example/ru/post-a.html"
    assert text.startswith(TITLE + "\n\n") and f"\n\n{url}\n\n#python #sqlite #Cpp" in text
    assert 400 < mastodon_length(text) <= 500  # the room was used, the limit kept
    assert text.split("\n\n")[1].endswith("…")  # the opening was cut at a word
    assert (status["language"], status["visibility"]) == ("ru", "public")
    [request] = mastodon.requests
    assert request.headers["idempotency-key"].startswith(f"social-publisher-{post_id}-mastodon-0-")
    assert store.publication(post_id, "mastodon").remote_id == status["id"]


def test_a_retry_carries_the_same_idempotency_key_and_makes_one_status(store, config, mastodon, clock):
    post_id = approved_post(store, "a")
    mastodon.script("/api/v1/statuses", Reply(502, b"Bad Gateway", act=True))  # made, but the answer was lost
    publish(store, config)
    first, second = mastodon.requests
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]
    assert len(mastodon.statuses) == 1 and clock.sleeps == [0.5]
    assert store.publication(post_id, "mastodon").remote_id == mastodon.statuses[0]["id"]


def test_a_timeout_is_retried_because_the_key_makes_it_safe(store, config, mastodon, monkeypatch):
    monkeypatch.setattr(MastodonChannel, "timeout", 0.3)
    approved_post(store, "a")
    mastodon.hang("/api/v1/statuses", nth=1)  # made, and no answer at all
    publish(store, config)
    assert len(mastodon.requests) == 2 and len(mastodon.statuses) == 1
    assert len({request.headers["idempotency-key"] for request in mastodon.requests}) == 1


def test_after_a_crash_during_the_send_it_is_resent_with_its_key_within_the_hour(store, config, mastodon, monkeypatch):
    post_id = approved_post(store, "a")
    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", "2026-11-21T10:00:00+00:00")
    store.begin_publication(post_id, "mastodon")  # the crashed run had claimed the part and sent it
    store.begin_part(post_id, "mastodon", 0, "key-of-the-crashed-run")
    mastodon.by_key["key-of-the-crashed-run"] = {"id": "555", "content": "made before the crash"}

    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", "2026-11-21T10:30:00+00:00")
    report = publish(store, config)
    assert mastodon.requests[0].headers["idempotency-key"] == "key-of-the-crashed-run"
    assert mastodon.statuses == []  # Mastodon gave back the status made the first time
    assert store.publication(post_id, "mastodon").remote_id == "555"
    assert report.uncertain == 0


def test_past_the_hour_an_interrupted_send_waits_for_resolve(store, config, mastodon, monkeypatch):
    post_id = approved_post(store, "a")
    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", "2026-11-21T10:00:00+00:00")
    store.begin_publication(post_id, "mastodon")
    store.begin_part(post_id, "mastodon", 0, "old-key")
    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", "2026-11-21T12:00:00+00:00")
    report = publish(store, config)
    assert mastodon.requests == []
    assert report.uncertain == 1 and any("mastodon: post" in w and "--resolve" in w for w in report.warnings)


@pytest.mark.parametrize("reply, expected", [
    (Reply(401, {"error": "The access token is invalid"}),
     "RemoteError: the token in $MASTODON_TOKEN was refused by {host} (401: The access token is invalid); "
     "set it to an access token with the write:statuses scope"),
    (Reply(422, {"error": "Validation failed: Text character limit of 500 exceeded"}),
     "RemoteError: Mastodon ({host}) answered 422: Validation failed: Text character limit of 500 exceeded"),
    (Reply(500, {"error": "We're sorry, but something went wrong"}),
     "RemoteError: Mastodon ({host}) answered 500: We're sorry, but something went wrong"),
])
def test_error_answers_fail_the_publication_with_what_mastodon_said(store, config, mastodon, reply, expected):
    post_id = approved_post(store, "a")
    mastodon.script("/api/v1/statuses", *[reply] * 5)
    report = publish(store, config)
    row = store.publication(post_id, "mastodon")
    assert row.status == "failed" and row.last_error == expected.format(host=mastodon.url.split("//")[1])
    assert report.failed == 1 and TOKEN not in row.last_error
    assert len(mastodon.requests) == (5 if reply.status >= 500 else 1)


def test_429_waits_for_retry_after(store, config, mastodon, clock):
    approved_post(store, "a")
    mastodon.script("/api/v1/statuses", Reply(429, {"error": "Too many requests"}, headers={"Retry-After": "3"}))
    publish(store, config)
    assert clock.sleeps == [3.0] and len(mastodon.statuses) == 1


def test_a_digest_is_one_status_within_the_limit(store, config, mastodon):
    lines = "\n".join(f"- [Пост {n} про очередь задач и SQLite](https://blog.example/ru/post-{n}.html)" for n in range(30))
    digest = stored_digest(store, Digest(day="2026-11-20", lang="ru", title="Итоги дня", body_md=f"Коммитов: 40.\n\n{lines}"))
    MastodonChannel(config).publish_digest(digest, PublishContext(store=store, config=config, report=None))
    [status] = mastodon.statuses
    assert mastodon_length(status["content"]) <= 500
    assert status["content"].startswith("Итоги дня\n\nКоммитов: 40.\n\n• Пост 0 про очередь")
    assert status["content"].endswith("в блоге https://blog.example/ru/digests/2026-11-20.html")


def test_the_opening_is_the_first_paragraphs_up_to_the_next_heading_list_or_code():
    from social_publisher.publish.short import opening
    from social_publisher.records import Post

    body = ("# The title\n\nFirst paragraph with **bold** and a [link](https://e.org).\n\nSecond one.\n\n"
            "## What I changed\n\n- a list item\n\n```\ncode\n```\n")
    post = Post(story_id=1, lang="en", title="The title", slug="t", body_md=body)
    assert opening(post) == "First paragraph with bold and a link. Second one."
    assert opening(Post(story_id=1, lang="en", title="T", slug="t", body_md="- only\n- a list\n")) == ""
