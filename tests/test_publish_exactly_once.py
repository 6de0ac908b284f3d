"""One exactly-once mechanism for posts and digests: a digest interrupted mid-send is resumed,
resent under its key within the channel's window or held for `publish --resolve digest:DAY:LANG`
exactly as a post is; and a store from before digests recorded their parts keeps every row and
gets its stuck digest settled the same way."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from fakes.bluesky_server import BlueskyServer
from fakes.clock import clock_fixture  # noqa: F401  (the `clock` fixture)
from fakes.mastodon_server import MastodonServer
from fakes.posts import approved_post, stored_digest
from fakes.telegram_server import TelegramServer
from social_publisher import store as store_module
from social_publisher.cli import cli, main
from social_publisher.publish import CHANNELS, Channel, PublishContext, publish
from social_publisher.publish.bluesky import digest_record_key
from social_publisher.records import PUBLISHES_DIGEST, Digest, Post, PublicationKey
from social_publisher.store import Store

MASTODON_TOKEN = "mastodon-secret-token-0123456789abcdef"
TELEGRAM_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ"
DIGEST = Digest(day="2026-11-20", lang="ru", title="Дайджест за 20 ноября 2026",
                body_md="День в цифрах: 1 проект, 2 коммита.\n\n- [Пост](https://blog.example/ru/post-a.html)")
REF = "digest:2026-11-20:ru"


def resolve(config, ref: str, action: str, *more: str):
    return CliRunner().invoke(cli, ["--config", str(config.config_path), "publish", "--resolve", ref, action, *more])


# -- Mastodon: the hour its Idempotency-Key lives, for a digest as for a post -----------------------

@pytest.fixture
def mastodon(monkeypatch):
    monkeypatch.setenv("MASTODON_TOKEN", MASTODON_TOKEN)
    with MastodonServer(MASTODON_TOKEN) as server:
        yield server


@pytest.fixture
def mastodon_config(write_config, mastodon, clock):
    return write_config(f'[digest]\nenabled = false\n[site]\nbase_url = "https://blog.example/"\n'
                        f'[mastodon]\nenabled = true\ninstance = "{mastodon.url}"\nlanguages = ["ru"]\n')


def crashed_digest_send(store, channel: str, key: str) -> Digest:
    """The store as a run killed during a digest's send leaves it: claimed, its part "sending"."""
    digest = stored_digest(store, DIGEST)
    store.begin_digest_publication(digest.id, channel)
    store.begin_part_of(PublicationKey(PUBLISHES_DIGEST, digest.id, channel), 0, key)
    return digest


def test_a_mastodon_digest_interrupted_within_the_hour_is_resent_with_its_key(store, mastodon_config, mastodon,
                                                                              monkeypatch):
    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", "2026-11-21T10:00:00+00:00")
    digest = crashed_digest_send(store, "mastodon", "key-of-the-crashed-run")
    mastodon.by_key["key-of-the-crashed-run"] = {"id": "555", "content": "made before the crash"}

    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", "2026-11-21T10:30:00+00:00")
    report = publish(store, mastodon_config)
    [request] = mastodon.requests
    assert request.headers["idempotency-key"] == "key-of-the-crashed-run"
    assert mastodon.statuses == []  # Mastodon gave back the status made the first time
    assert store.digest_publication(digest.id, "mastodon").remote_id == "555"
    assert report.uncertain == 0 and report.digests_published == 2  # its page on the site, and Mastodon


def test_a_mastodon_digest_interrupted_past_the_hour_waits_for_resolve(store, mastodon_config, mastodon,
                                                                      monkeypatch):
    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", "2026-11-21T10:00:00+00:00")
    digest = crashed_digest_send(store, "mastodon", "old-key")
    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", "2026-11-21T12:00:00+00:00")
    report = publish(store, mastodon_config)
    assert mastodon.requests == []  # the key is forgotten: a resend could make a second status
    assert report.uncertain == 1
    assert any(f"mastodon: the ru digest of 2026-11-20: message 1 may or may not" in w and f"--resolve {REF} sent" in w
               for w in report.warnings)

    result = resolve(mastodon_config, REF, "resend")
    assert result.exit_code == 0, result.output
    assert "mastodon: the ru digest of 2026-11-20 message 1 settled as resend" in result.output
    [status] = mastodon.statuses
    assert status["content"].startswith("Дайджест за 20 ноября 2026")
    assert store.digest_publication(digest.id, "mastodon").remote_id == status["id"]


def test_a_new_mastodon_digest_key_names_the_digest_not_a_post(store, mastodon_config, mastodon):
    digest = stored_digest(store, DIGEST)
    publish(store, mastodon_config)
    [request] = mastodon.requests
    assert request.headers["idempotency-key"].startswith(f"social-publisher-digest-{digest.id}-mastodon-0-")


# -- Telegram: a digest whose answer was recorded is never sent again --------------------------------

@pytest.fixture
def telegram(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN)
    with TelegramServer(TELEGRAM_TOKEN) as server:
        yield server


@pytest.fixture
def telegram_config(write_config, telegram, clock):
    return write_config(f'[digest]\nenabled = false\n[site]\nbase_url = "https://blog.example/"\n'
                        f'[telegram]\nenabled = true\nchat_id = "@dev_log"\napi_base = "{telegram.url}"\n'
                        'languages = ["ru"]\n')


def test_a_digest_sent_and_recorded_but_not_finished_is_finished_without_sending(store, telegram_config, telegram):
    digest = crashed_digest_send(store, "telegram", "")
    key = PublicationKey(PUBLISHES_DIGEST, digest.id, "telegram")
    store.set_part_status(key, 0, "sent", remote_id="777")  # the run died before the publication's row
    report = publish(store, telegram_config)
    assert telegram.requests == []
    row = store.digest_publication(digest.id, "telegram")
    assert (row.status, row.remote_id) == ("published", "777") and report.digests_published == 2  # and the site


# -- Bluesky: a digest left pending by an older version is looked up under its fixed key --------------

@pytest.fixture
def bluesky(monkeypatch):
    monkeypatch.setenv("BLUESKY_HANDLE", "dev.example.social")
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", "abcd-efgh-ijkl-mnop")
    with BlueskyServer("dev.example.social", "abcd-efgh-ijkl-mnop") as server:
        yield server


@pytest.mark.parametrize("made_before", [True, False])
def test_a_bluesky_digest_an_old_version_left_pending_is_looked_up_then_made_once(store, write_config, bluesky,
                                                                                 clock, made_before):
    config = write_config(f'[digest]\nenabled = false\n[site]\nbase_url = "https://blog.example/"\n'
                          f'[bluesky]\nenabled = true\nservice = "{bluesky.url}"\nlanguages = ["ru"]\n')
    digest = crashed_digest_send(store, "bluesky", "")  # as migration 8 marks it: sending, no key yet
    rkey = digest_record_key(digest)
    if made_before:
        bluesky.records[rkey] = {"text": "made before the upgrade"}
    report = publish(store, config)
    assert len(bluesky.received("com.atproto.repo.getRecord")) == 1  # it looked first
    created = bluesky.received("com.atproto.repo.createRecord")
    assert [request.json["rkey"] for request in created] == ([] if made_before else [rkey])
    assert len(bluesky.records) == 1 and report.uncertain == 0
    assert store.digest_publication(digest.id, "bluesky").remote_id.endswith(rkey)


# -- a channel that records no parts: the user's word on a plain pending digest ----------------------

class Inbox(Channel):
    name = "inbox"
    takes_digest = True
    got: list[str] = []

    def publish(self, post: Post, context: PublishContext) -> str:
        return f"post-{post.id}"

    def publish_digest(self, digest: Digest, context: PublishContext) -> str:
        Inbox.got.append(digest.day)
        return f"digest-{digest.day}"


@pytest.fixture
def inbox(monkeypatch):
    monkeypatch.setitem(CHANNELS, "inbox", Inbox)
    monkeypatch.setattr(Inbox, "got", [])
    return Inbox


@pytest.mark.parametrize("action, sent_again", [("sent", []), ("resend", ["2026-11-20"])])
def test_resolve_settles_a_digest_left_pending_on_a_channel_without_parts(store, write_config, inbox, action,
                                                                          sent_again):
    config = write_config('[digest]\nenabled = false\n')
    digest = stored_digest(store, DIGEST)
    store.begin_digest_publication(digest.id, "inbox")  # a crash after sending, before recording
    report = publish(store, config)
    assert inbox.got == [] and report.uncertain == 1
    assert any(f"--resolve {REF} sent" in w for w in report.warnings)

    result = resolve(config, REF, action)
    assert result.exit_code == 0, result.output
    assert f"inbox: the ru digest of 2026-11-20 settled as {action}" in result.output
    assert inbox.got == sent_again
    assert store.digest_publication(digest.id, "inbox").status == "published"


def test_resolve_tells_a_digest_that_does_not_exist_or_waits_for_nothing(store, write_config, inbox, capsys):
    config = write_config('[digest]\nenabled = false\n')
    stored_digest(store, DIGEST)
    publish(store, config)
    for ref, expect in ((REF, "the ru digest of 2026-11-20 has no publication waiting to be resolved"),
                        ("digest:2026-11-19:ru", "digest:2026-11-19:ru has no publication waiting to be resolved"),
                        ("digest:yesterday", "--resolve takes a post id (a number) or a digest "
                                             "(digest:YYYY-MM-DD:LANG) and sent|resend, not 'digest:yesterday'")):
        with pytest.raises(SystemExit) as exited:
            main(["--config", str(config.config_path), "publish", "--resolve", ref, "sent"])
        error_line = capsys.readouterr().err
        assert exited.value.code == 2 and expect in error_line and error_line.count("\n") == 1, error_line


# -- the migration: a real store file from before digests had parts -----------------------------------

def old_store(path) -> dict[str, list[tuple]]:
    """A store file as the version before the digest parts migration made it, with published posts
    and digests and one Telegram digest a crash left pending; returns its rows by table."""
    before = store_module.MIGRATIONS[:store_module.MIGRATIONS.index(store_module.m008_digest_parts)]
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None)
    for migration in before:
        migration(db)
    db.execute(f"PRAGMA user_version = {len(before)}")
    at = "2026-11-21T09:00:00+00:00"
    db.execute("INSERT INTO stories (project, started_at, ended_at, score, category, status, fingerprint, created_at)"
               " VALUES ('demo', '2026-11-19T08:00:00+00:00', '2026-11-19T10:00:00+00:00', 2.0, 'code_change',"
               " 'written', 'a', ?)", (at,))
    db.execute("INSERT INTO posts (story_id, lang, title, slug, body_md, status, created_at, backend)"
               " VALUES (1, 'ru', 'Очередь задач переехала в SQLite', 'post-a', 'Текст.', 'published', ?, 'offline')",
               (at,))
    db.executemany("INSERT INTO publications (post_id, channel, remote_id, published_at, status, attempts)"
                   " VALUES (1, ?, ?, ?, 'published', 1)", [("site", "ru/post-a.html", at), ("telegram", "101", at)])
    db.executemany("INSERT INTO digests (day, lang, title, body_md, status, created_at) VALUES (?, 'ru', ?, ?, ?, ?)",
                   [("2026-11-19", "Дайджест за 19 ноября 2026", "Пост.", "published", at),
                    (DIGEST.day, DIGEST.title, DIGEST.body_md, "published", at)])
    db.executemany("INSERT INTO digest_publications (digest_id, channel, remote_id, published_at, status, attempts)"
                   " VALUES (?, ?, ?, ?, ?, 1)",
                   [(1, "site", "ru/digests/2026-11-19.html", at, "published"), (1, "telegram", "102", at, "published"),
                    (2, "site", "ru/digests/2026-11-20.html", at, "published"), (2, "telegram", None, None, "pending")])
    rows = {table: db.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
            for table in ("stories", "posts", "publications", "digests", "digest_publications")}
    db.close()
    return rows


def test_an_old_store_keeps_its_rows_and_its_stuck_telegram_digest_waits_for_resolve(tmp_path, write_config,
                                                                                    telegram, clock):
    config = write_config(f'[digest]\nenabled = false\n[site]\nbase_url = "https://blog.example/"\n'
                          f'[telegram]\nenabled = true\nchat_id = "@dev_log"\napi_base = "{telegram.url}"\n'
                          'languages = ["ru"]\n')
    before = old_store(config.store.path)

    with Store(config.store.path) as store:
        assert store.schema_version == len(store_module.MIGRATIONS)
        for table, rows in before.items():  # every row as it was
            assert [tuple(row) for row in store.db.execute(f"SELECT * FROM {table} ORDER BY rowid")] == rows, table
        stuck = PublicationKey(PUBLISHES_DIGEST, 2, "telegram")
        assert [(p.part, p.status, p.key) for p in store.parts_of(stuck)] == [(0, "sending", "")]
        assert store.parts_of(PublicationKey(PUBLISHES_DIGEST, 2, "site")) == []

        report = publish(store, config)  # sent before the upgrade, maybe: never sent again unasked
        assert telegram.requests == [] and report.uncertain == 1
        assert any(f"--resolve {REF} sent" in w for w in report.warnings)

    result = resolve(config, REF, "sent")
    assert result.exit_code == 0, result.output
    assert telegram.requests == []
    with Store(config.store.path) as store:
        assert store.digest_publication(2, "telegram").status == "published"
        assert store.digest_publication(1, "telegram").remote_id == "102"
        assert store.publication(1, "telegram").remote_id == "101"
