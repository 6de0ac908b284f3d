"""The bluesky channel against a loopback PDS: the record it makes (300 graphemes, the link as a
facet at the right UTF-8 byte offsets), one session per run, record keys that make a retry or
a resend harmless, and the server's error answers."""

from __future__ import annotations

import pytest
import regex

from fakes.bluesky_server import DID, BlueskyServer
from fakes.clock import clock_fixture  # noqa: F401  (the `clock` fixture)
from fakes.posts import approved_post, stored_digest
from fakes.server import Reply
from social_publisher.publish import publish
from social_publisher.publish.bluesky import BlueskyChannel, tid
from social_publisher.publish.channel import Digest, PublishContext

HANDLE, PASSWORD = "dev.example.social", "abcd-efgh-ijkl-mnop"
TITLE = "Очередь задач 🚀 переехала в SQLite 👨‍👩‍👧‍👦"
BODY = "Сегодня я перенёс очередь задач в SQLite 🧪 и померил полный прогон: 12 минут вместо 40. " * 8


@pytest.fixture
def bluesky(monkeypatch):
    monkeypatch.setenv("BLUESKY_HANDLE", HANDLE)
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", PASSWORD)
    with BlueskyServer(HANDLE, PASSWORD) as server:
        yield server


@pytest.fixture
def config(write_config, bluesky, clock):
    return write_config(f'[digest]\nenabled = false\n[site]\nbase_url = "https://blog.example/"\n'
                        f'[bluesky]\nenabled = true\nservice = "{bluesky.url}"\nlanguages = ["ru"]\n')


def graphemes(text: str) -> int:
    return len(regex.findall(r"\X", text))


def facet_text(record: dict, facet: dict) -> str:
    index = facet["index"]
    return record["text"].encode("utf-8")[index["byteStart"]:index["byteEnd"]].decode("utf-8")


def test_a_post_is_one_record_with_its_link_as_a_facet_at_utf8_byte_offsets(store, config, bluesky):
    post_id = approved_post(store, "a", title=TITLE, body=BODY, tags=("python", "sqlite"))
    report = publish(store, config)
    assert report.failed == 0, report.warnings
    [(rkey, record)] = bluesky.records.items()
    url = "https://blog.example/ru/post-a.html"
    assert record["$type"] == "app.bsky.feed.post" and record["langs"] == ["ru"]
    assert record["text"].startswith(TITLE + "\n\n") and 250 < graphemes(record["text"]) <= 300
    link, *tags = record["facets"]
    assert link["features"] == [{"$type": "app.bsky.richtext.facet#link", "uri": url}]
    assert facet_text(record, link) == "blog.example/ru/post-a.html"
    assert link["index"]["byteStart"] > record["text"].index("blog.example")  # bytes, not characters, before it
    assert [facet_text(record, facet) for facet in tags] == ["#python", "#sqlite"]
    assert [facet["features"][0]["tag"] for facet in tags] == ["python", "sqlite"]
    assert record["embed"]["external"]["uri"] == url
    assert regex.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", record["createdAt"])
    assert regex.fullmatch(r"[2-7a-j][2-7a-z]{12}", rkey)  # a TID
    assert store.publication(post_id, "bluesky").remote_id == f"at://{DID}/app.bsky.feed.post/{rkey}"


def test_a_long_address_is_shown_shortened_and_linked_whole(store, write_config, bluesky, clock):
    base = "https://blog.example/" + "a-very-long-path-segment/" * 4
    config = write_config(f'[digest]\nenabled = false\n[site]\nbase_url = "{base}"\n[bluesky]\nenabled = true\nservice = "{bluesky.url}"\n'
                          'languages = ["ru"]\n')
    approved_post(store, "a", title=TITLE, body=BODY)
    publish(store, config)
    [record] = bluesky.records.values()
    link = record["facets"][0]
    shown = facet_text(record, link)
    assert shown.endswith("…") and graphemes(shown) == 40
    assert link["features"][0]["uri"] == f"{base}ru/post-a.html"


def test_one_session_serves_every_post_of_a_run(store, config, bluesky):
    for key in "abc":
        approved_post(store, key)
    publish(store, config)
    assert len(bluesky.received("com.atproto.server.createSession")) == 1
    assert len(bluesky.records) == 3


def test_a_retry_reuses_the_record_key_and_makes_one_record(store, config, bluesky, clock):
    post_id = approved_post(store, "a")
    bluesky.script("com.atproto.repo.createRecord", Reply(502, b"Bad Gateway", act=True))  # made, answer lost
    publish(store, config)
    first, second = bluesky.received("com.atproto.repo.createRecord")
    assert first.json["rkey"] == second.json["rkey"]
    assert len(bluesky.records) == 1 and store.publication(post_id, "bluesky").status == "published"


def test_after_a_crash_during_the_send_it_looks_before_sending_again(store, config, bluesky):
    made, lost = approved_post(store, "a"), approved_post(store, "b")
    made_key, lost_key = tid(1_700_000_000_000_000, 1), tid(1_700_000_000_000_000, 2)
    for post_id, key in ((made, made_key), (lost, lost_key)):
        store.begin_publication(post_id, "bluesky")
        store.begin_part(post_id, "bluesky", 0, key)
    bluesky.records[made_key] = {"text": "made before the crash"}

    report = publish(store, config)

    assert report.uncertain == 0
    assert [request.json["rkey"] for request in bluesky.received("com.atproto.repo.createRecord")] == [lost_key]
    assert bluesky.records[made_key] == {"text": "made before the crash"}  # not made twice
    assert store.publication(made, "bluesky").remote_id.endswith(made_key)
    assert store.publication(lost, "bluesky").remote_id.endswith(lost_key)


def test_an_expired_token_logs_in_again_once(store, config, bluesky):
    approved_post(store, "a")
    channel = BlueskyChannel(config)
    context = PublishContext(store=store, config=config, report=None)
    channel._session()
    bluesky.expire_tokens()
    channel.publish(store.posts()[0], context)
    assert len(bluesky.received("com.atproto.server.createSession")) == 2 and len(bluesky.records) == 1


def test_a_refused_password_names_both_variables_and_never_the_password(store, config, bluesky, monkeypatch):
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", "wrong-wrong-wrong-wrong")
    first, second = approved_post(store, "a"), approved_post(store, "b")
    publish(store, config)
    assert len(bluesky.received("com.atproto.server.createSession")) == 1  # not again for the second post
    for post_id in (first, second):
        error_text = store.publication(post_id, "bluesky").last_error
        assert error_text == (f"RemoteError: the handle in $BLUESKY_HANDLE and app password in $BLUESKY_APP_PASSWORD "
                              f"were refused by {bluesky.url.split('//')[1]} (401: AuthenticationRequired: "
                              "Invalid identifier or password)")
        assert "wrong-wrong" not in error_text


@pytest.mark.parametrize("reply, attempts, expected", [
    (Reply(400, {"error": "InvalidRequest", "message": "Invalid app.bsky.feed.post record"}), 1,
     "answered 400: InvalidRequest: Invalid app.bsky.feed.post record"),
    (Reply(500, {"error": "InternalServerError", "message": "Internal Server Error"}), 5,
     "answered 500: InternalServerError: Internal Server Error"),
])
def test_error_answers_fail_the_publication_with_what_the_server_said(store, config, bluesky, reply, attempts, expected):
    post_id = approved_post(store, "a")
    bluesky.script("com.atproto.repo.createRecord", *[reply] * attempts)
    publish(store, config)
    row = store.publication(post_id, "bluesky")
    assert row.status == "failed" and row.last_error.endswith(expected)
    assert len(bluesky.received("com.atproto.repo.createRecord")) == attempts
    assert PASSWORD not in row.last_error and "jwt-" not in row.last_error


def test_429_waits_until_the_rate_limit_resets(store, config, bluesky, clock):
    approved_post(store, "a")
    reset = int(clock.time()) + 12
    bluesky.script("com.atproto.repo.createRecord", Reply(429, {"error": "RateLimitExceeded"},
                                                          headers={"ratelimit-reset": str(reset)}))
    publish(store, config)
    assert clock.sleeps == [12.0] and len(bluesky.records) == 1


def test_a_digest_links_each_post_title_with_a_facet(store, config, bluesky):
    lines = "\n".join(f"- [Пост {n} 🚀 про SQLite](https://blog.example/ru/post-{n}.html)" for n in range(20))
    digest = stored_digest(store, Digest(day="2026-11-20", lang="ru", title="Итоги дня", body_md=f"Коммитов: 40.\n\n{lines}"))
    channel = BlueskyChannel(config)
    context = PublishContext(store=store, config=config, report=None)
    uri = channel.publish_digest(digest, context)
    [record] = bluesky.records.values()
    assert graphemes(record["text"]) <= 300
    links = [(facet_text(record, facet), facet["features"][0]["uri"]) for facet in record["facets"]]
    assert links[0] == ("Пост 0 🚀 про SQLite", "https://blog.example/ru/post-0.html")
    assert links[-1][1] == "https://blog.example/ru/digests/2026-11-20.html" and links[-1][0].endswith("в блоге")
    assert channel.publish_digest(digest, context) == uri and len(bluesky.records) == 1  # the same digest once
