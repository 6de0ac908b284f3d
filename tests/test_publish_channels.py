"""The publish stage's channel contract: one row per (post, channel), failures retried,
other channels untouched, nothing sent twice."""

from __future__ import annotations

import orjson
import pytest
from click.testing import CliRunner

from social_publisher.cli import cli
from social_publisher.errors import BackendUnavailable
from social_publisher.publish import CHANNELS, Channel, PublishContext, active_channels, publish
from social_publisher.records import Post, Story


@pytest.fixture
def config(write_config):
    return write_config('[site]\nout_dir = "site"\n')


def add_post(store, key: str, lang: str = "en", status: str = "approved") -> int:
    story_id = store.add_story(Story(project="demo", started_at="2026-11-20T08:00:00+00:00",
                                     ended_at="2026-11-20T10:00:00+00:00", score=2.0, category="code_change",
                                     tags=["python"], activity_ids=[], status="written", fingerprint=key))
    return store.add_post(Post(story_id=story_id, lang=lang, title=f"Post {key}: a story worth telling",
                               slug=f"post-{key}", body_md=f"Body of {key}.", status=status,
                               created_at="2026-11-21T09:00:00+00:00"))


class Outbox(Channel):
    """A test-only channel that records what it sends and fails while `broken` is set."""

    name = "outbox"
    broken: str | None = None
    sent: list[int] = []

    def publish(self, post: Post, context: PublishContext) -> str:
        if Outbox.broken:
            raise ConnectionError(Outbox.broken)
        Outbox.sent.append(post.id)
        return f"msg-{post.id}"


@pytest.fixture
def outbox(monkeypatch):
    monkeypatch.setitem(CHANNELS, "outbox", Outbox)
    monkeypatch.setattr(Outbox, "sent", [])
    monkeypatch.setattr(Outbox, "broken", None)
    return Outbox


def test_site_channel_is_registered_like_any_other(config):
    names = [channel.name for channel in active_channels(config)]
    assert names[0] == "site"
    assert CHANNELS["site"].idempotent


def test_each_post_gets_one_row_per_channel(store, config, outbox):
    first, second = add_post(store, "a"), add_post(store, "b", lang="ru")
    report = publish(store, config)
    assert report.published == 4
    assert outbox.sent == [first, second]
    rows = {(row.post_id, row.channel): row for row in store.publications()}
    assert set(rows) == {(first, "site"), (second, "site"), (first, "outbox"), (second, "outbox")}
    assert rows[(first, "outbox")].remote_id == f"msg-{first}"

    publish(store, config)
    assert outbox.sent == [first, second]  # never sent twice
    assert len(store.publications()) == 4


def test_a_failing_channel_is_retried_without_touching_the_others(store, config, outbox):
    post_id = add_post(store, "a")
    outbox.broken = "connection refused by api.example"

    report = publish(store, config)

    assert (report.published, report.failed) == (1, 1)
    failed = store.publication(post_id, "outbox")
    assert (failed.status, failed.attempts, failed.remote_id) == ("failed", 1, None)
    assert failed.last_error == "ConnectionError: connection refused by api.example"
    assert store.publication(post_id, "site").status == "published"
    assert store.posts()[0].status == "published"  # it is on the site
    assert any("outbox: 1 post(s) failed" in warning for warning in report.warnings)

    report = publish(store, config)  # still broken
    assert (report.published, report.failed) == (0, 1)
    assert store.publication(post_id, "outbox").attempts == 2
    assert store.publication(post_id, "site").attempts == 1

    outbox.broken = None
    report = publish(store, config)
    row = store.publication(post_id, "outbox")
    assert (report.published, report.failed) == (1, 0)
    assert (row.status, row.attempts, row.remote_id, row.last_error) == ("published", 3, f"msg-{post_id}", None)
    assert store.publication(post_id, "site").attempts == 1
    assert outbox.sent == [post_id]


def test_a_channel_that_cannot_start_fails_its_posts_only(store, config, monkeypatch):
    class Exploding(Channel):
        name = "exploding"

        def prepare(self, context):
            raise RuntimeError("bad credentials file")

        def publish(self, post, context):
            raise AssertionError("never called")

    monkeypatch.setitem(CHANNELS, "exploding", Exploding)
    post_id = add_post(store, "a")
    report = publish(store, config)
    assert report.failed == 1 and report.published == 1
    assert store.publication(post_id, "exploding").last_error == "RuntimeError: bad credentials file"
    assert store.publication(post_id, "site").status == "published"
    assert (config.site.out_dir / "en/post-a.html").is_file()


def test_an_unavailable_channel_is_disabled_with_a_reason(store, config, monkeypatch):
    class NoToken(Channel):
        name = "notoken"

        def __init__(self, config):
            raise BackendUnavailable("TELEGRAM_BOT_TOKEN is not set")

        def publish(self, post, context):
            raise AssertionError("never called")

    monkeypatch.setitem(CHANNELS, "notoken", NoToken)
    add_post(store, "a")
    report = publish(store, config)
    assert "notoken: disabled: TELEGRAM_BOT_TOKEN is not set" in report.warnings
    assert store.publications("notoken") == []
    assert report.failed == 0


def test_a_channel_that_is_not_enabled_does_not_run(store, config, monkeypatch):
    class Off(Channel):
        name = "off"

        @classmethod
        def enabled(cls, config):
            return False

        def publish(self, post, context):
            raise AssertionError("never called")

    monkeypatch.setitem(CHANNELS, "off", Off)
    add_post(store, "a")
    publish(store, config)
    assert store.publications("off") == []


def test_pending_after_a_crash_is_not_resent_on_a_channel_that_could_duplicate(store, config, outbox):
    post_id = add_post(store, "a")
    store.begin_publication(post_id, "outbox")  # a crash after sending, before recording
    report = publish(store, config)
    assert outbox.sent == []
    assert store.publication(post_id, "outbox").status == "pending"
    assert any("interrupted" in warning and "outbox" in warning for warning in report.warnings)


def test_pending_after_a_crash_is_retried_on_the_site(store, config):
    post_id = add_post(store, "a")
    store.begin_publication(post_id, "site")
    publish(store, config)
    row = store.publication(post_id, "site")
    assert (row.status, row.attempts, row.remote_id) == ("published", 2, "en/post-a.html")


def test_a_new_channel_gets_new_posts_but_not_the_back_catalogue(store, config, outbox, monkeypatch):
    monkeypatch.delitem(CHANNELS, "outbox")
    old = add_post(store, "old")
    publish(store, config)
    monkeypatch.setitem(CHANNELS, "outbox", Outbox)
    new = add_post(store, "new")
    publish(store, config)
    assert outbox.sent == [new]
    assert store.publication(old, "outbox") is None


def test_publish_from_the_command_line(store, config):
    add_post(store, "a")
    result = CliRunner().invoke(cli, ["--config", str(config.config_path), "publish", "--json"])
    assert result.exit_code == 0, result.output
    data = orjson.loads(result.output)
    assert data["stage"] == "publish" and data["published"] == 1
    assert data["pages_built"] >= 5 and data["site_dir"] == str(config.site.out_dir)


def test_an_enabled_channel_without_its_token_is_disabled_with_the_variable_to_set(tmp_path, monkeypatch):
    from social_publisher.config import load_config
    from social_publisher.publish import publish
    from social_publisher.store import Store

    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    config_path = tmp_path / "publisher.toml"
    config_path.write_text('[telegram]\nenabled = true\nchat_id = "@x"\n')
    config = load_config(config_path)
    with Store(config.store.path) as store:
        add_post(store, "a", lang="ru")
        report = publish(store, config)
        assert store.publications("telegram") == []
    disabled = [w for w in report.warnings if w.startswith("telegram:")]
    assert len(disabled) == 1 and "$TELEGRAM_BOT_TOKEN is not set" in disabled[0]
    assert report.published == 1 and report.failed == 0  # the site went on
