"""The daily digest: one per closed day and language, published once per channel, with the
day's numbers as the store has them; its site pages, feed entries and bilingual text."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import feedparser
import orjson
import pytest
from click.testing import CliRunner

from social_publisher.cli import cli, main
from social_publisher.demo import make_workspace
from social_publisher.publish import CHANNELS, Channel, PublishContext, publish
from social_publisher.publish import digest_text
from social_publisher.records import COMMIT, SESSION, Activity, Digest, Post, Story, fingerprint

NOW = "2026-11-22T09:00:00+00:00"


class Inbox(Channel):
    """A test-only channel that carries digests and records what it was given."""

    name = "inbox"
    takes_digest = True
    broken: str | None = None
    digests: list[Digest] = []
    posts: list[int] = []

    def publish(self, post: Post, context: PublishContext) -> str:
        Inbox.posts.append(post.id)
        return f"post-{post.id}"

    def publish_digest(self, digest: Digest, context: PublishContext) -> str:
        if Inbox.broken:
            raise ConnectionError(Inbox.broken)
        Inbox.digests.append(digest)
        return f"digest-{digest.day}-{digest.lang}"


@pytest.fixture
def inbox(monkeypatch):
    monkeypatch.setitem(CHANNELS, "inbox", Inbox)
    monkeypatch.setattr(Inbox, "digests", [])
    monkeypatch.setattr(Inbox, "posts", [])
    monkeypatch.setattr(Inbox, "broken", None)
    return Inbox


@pytest.fixture
def now(monkeypatch):
    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", NOW)


@pytest.fixture
def config(write_config, now):
    return write_config('[site]\nout_dir = "site"\n\n[digest]\ntimezone = "UTC"\n')


def activity(store, project: str, kind: str, at: str, key: str, considered: bool = True, **meta) -> None:
    store.add_activity([Activity(source="git" if kind == COMMIT else "claude-code", project=project, kind=kind,
                                 occurred_at=at, author="me", text=key, meta=meta,
                                 fingerprint=fingerprint(key))])
    if considered:  # as select leaves it
        store.mark_considered([row.id for row in store.activity(unconsidered=True)])


def add_post(store, key: str, ended_at: str, *, project: str = "demo", langs=("en", "ru"),
             title: str | None = None) -> list[int]:
    story_id = store.add_story(Story(project=project, started_at=ended_at, ended_at=ended_at, score=2.0,
                                     category="code_change", tags=["python"], activity_ids=[], status="written",
                                     fingerprint=key))
    return [store.add_post(Post(story_id=story_id, lang=lang, title=title or f"{key} story in {lang}",
                                slug=f"{key}-{lang}", body_md=f"Body of {key}.", status="approved",
                                created_at="2026-11-21T09:00:00+00:00"))
            for lang in langs]


def two_days(store) -> dict[str, list[int]]:
    """Posts on 20 and 21 November, activity on both days and on the 19th (no posts)."""
    activity(store, "alpha", COMMIT, "2026-11-20T08:00:00+00:00", "c1", own=True)
    activity(store, "alpha", COMMIT, "2026-11-20T09:00:00+00:00", "c2", own=True)
    activity(store, "alpha", COMMIT, "2026-11-20T09:30:00+00:00", "c3", own=False)  # a colleague's
    activity(store, "beta", SESSION, "2026-11-20T10:00:00+00:00", "s1", session_id="A")
    activity(store, "beta", SESSION, "2026-11-20T11:00:00+00:00", "s2", session_id="A")
    activity(store, "beta", SESSION, "2026-11-20T23:59:59+00:00", "s3", session_id="B")
    activity(store, "gamma", COMMIT, "2026-11-21T00:00:00+00:00", "c4", own=True)
    activity(store, "gamma", COMMIT, "2026-11-19T12:00:00+00:00", "c5", own=True)
    return {
        "first": add_post(store, "first", "2026-11-20T09:00:00+00:00", project="alpha"),
        "second": add_post(store, "second", "2026-11-20T12:00:00+00:00", project="beta"),
        "third": add_post(store, "third", "2026-11-21T10:00:00+00:00", project="gamma", langs=("en",)),
    }


def test_one_digest_per_closed_day_and_language_with_the_days_numbers(store, config, inbox):
    posts = two_days(store)
    report = publish(store, config)

    digests = {(d.day, d.lang): d for d in store.digests()}
    assert set(digests) == {("2026-11-20", "en"), ("2026-11-20", "ru"), ("2026-11-21", "en")}
    assert report.digests_made == 3
    first = digests[("2026-11-20", "en")]
    # 2 own commits (the colleague's is not counted), sessions A and B, projects alpha and beta.
    assert first.numbers == {"projects": 2, "commits": 2, "sessions": 2, "posts": 2}
    assert first.post_ids == (posts["first"][0], posts["second"][0])
    assert first.title == "Daily digest, 20 November 2026"
    assert first.body_md.splitlines()[0] == "The day in numbers: 2 projects, 2 commits, 2 AI sessions, 2 posts."
    assert "- [first story in en](https://example.org/en/first-en.html) — alpha" in first.body_md
    russian = digests[("2026-11-20", "ru")]
    assert russian.title == "Дайджест за 20 ноября 2026"
    assert russian.body_md.startswith("День в цифрах: 2 проекта, 2 коммита, 2 сессии с ИИ, 2 записи.")
    assert digests[("2026-11-21", "en")].numbers == {"projects": 1, "commits": 1, "sessions": 0, "posts": 1}

    # Each channel got each digest once; the site's remote id is the page.
    assert sorted((d.day, d.lang) for d in inbox.digests) == sorted(digests)
    rows = {(row.digest_id, row.channel): row for row in store.digest_publications()}
    assert len(rows) == 6
    assert rows[(first.id, "site")].remote_id == "en/digests/2026-11-20.html"
    assert rows[(first.id, "inbox")].remote_id == "digest-2026-11-20-en"
    assert all(d.status == "published" for d in store.digests())


def test_numbers_match_the_store(store, config, inbox):
    two_days(store)
    publish(store, config)
    with sqlite3.connect(store.path) as db:
        for digest in store.digests():
            next_day = date.fromordinal(date.fromisoformat(digest.day).toordinal() + 1)
            start, end = f"{digest.day}T00:00:00+00:00", f"{next_day.isoformat()}T00:00:00+00:00"
            day = "occurred_at >= ? AND occurred_at < ?"
            commits = db.execute(f"SELECT COUNT(*) FROM activity WHERE kind = 'commit' AND {day}"
                                 " AND json_extract(meta_json, '$.own') = 1", (start, end)).fetchone()[0]
            sessions = db.execute(f"SELECT COUNT(DISTINCT json_extract(meta_json, '$.session_id')) FROM activity"
                                  f" WHERE kind = 'session' AND {day}", (start, end)).fetchone()[0]
            projects = db.execute(f"SELECT COUNT(DISTINCT project) FROM activity WHERE {day}"
                                  " AND NOT (kind = 'commit' AND json_extract(meta_json, '$.own') = 0)",
                                  (start, end)).fetchone()[0]
            assert digest.numbers == {"projects": projects, "commits": commits, "sessions": sessions,
                                      "posts": len(digest.post_ids)}


def test_a_second_run_repeats_nothing(store, config, inbox):
    two_days(store)
    publish(store, config)
    sent, rows = list(inbox.digests), store.digest_publications()
    report = publish(store, config)
    assert (report.digests_made, report.digests_published) == (0, 0)
    assert inbox.digests == sent
    assert store.digest_publications() == rows


def test_a_day_without_posts_makes_no_digest_and_an_open_day_waits(store, config, inbox, monkeypatch):
    two_days(store)
    add_post(store, "today", "2026-11-22T08:00:00+00:00")  # today is not over
    publish(store, config)
    days = {d.day for d in store.digests()}
    assert "2026-11-19" not in days  # activity, but no post
    assert "2026-11-22" not in days

    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", "2026-11-23T00:00:01+00:00")
    report = publish(store, config)
    assert report.digests_made == 2
    assert {d.lang for d in store.digests(day="2026-11-22")} == {"en", "ru"}


def test_the_day_is_local_to_the_digest_time_zone(store, write_config, now, inbox, monkeypatch):
    config = write_config('[digest]\ntimezone = "Europe/Moscow"\n')  # UTC+3
    add_post(store, "late", "2026-11-20T22:30:00+00:00", langs=("en",))  # 01:30 on the 21st in Moscow
    activity(store, "demo", COMMIT, "2026-11-20T21:00:00+00:00", "m1", own=True)  # 00:00 on the 21st
    activity(store, "demo", COMMIT, "2026-11-20T20:59:59+00:00", "m0", own=True)  # still the 20th
    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", "2026-11-21T20:59:00+00:00")  # 23:59 on the 21st
    publish(store, config)
    assert store.digests() == []
    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", "2026-11-21T21:00:00+00:00")  # the 21st is over in Moscow
    publish(store, config)
    [digest] = store.digests()
    assert (digest.day, digest.numbers["commits"]) == ("2026-11-21", 1)


def test_run_waits_for_a_day_whose_work_is_not_all_told_but_digest_does_not(store, config, inbox):
    add_post(store, "one", "2026-11-21T09:00:00+00:00", langs=("en",))
    activity(store, "demo", SESSION, "2026-11-21T23:50:00+00:00", "open", considered=False, session_id="Z")
    report = publish(store, config)
    assert store.digests() == []
    assert "digest: 2026-11-21 waits for a later run: 1 activity row(s) not selected yet" in report.warnings

    store.mark_considered([row.id for row in store.activity(unconsidered=True)])
    story_id = store.add_story(Story(project="demo", started_at="2026-11-21T22:00:00+00:00",
                                     ended_at="2026-11-21T23:55:00+00:00", score=2.0, category="code_change",
                                     tags=[], activity_ids=[], status="briefed", fingerprint="unwritten"))
    report = publish(store, config)
    assert store.digests() == [] and any("1 story(ies) not written yet" in w for w in report.warnings)

    result = invoke(config, "digest", "--date", "2026-11-21")  # asked for: made now
    assert result.exit_code == 0 and [d.day for d in store.digests()] == ["2026-11-21"]
    store.set_story_status(story_id, "written")
    assert publish(store, config).digests_made == 0


def test_a_day_waits_for_unwritten_stories_two_days_at_most(store, config, inbox, monkeypatch):
    add_post(store, "one", "2026-11-19T09:00:00+00:00", langs=("en",))
    store.add_story(Story(project="demo", started_at="2026-11-19T22:00:00+00:00", ended_at="2026-11-19T23:00:00+00:00",
                          score=2.0, category="code_change", tags=[], activity_ids=[], status="selected",
                          fingerprint="stuck"))  # the writer is off and stays off
    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", "2026-11-21T09:00:00+00:00")
    publish(store, config)
    assert store.digests() == []
    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", "2026-11-22T09:00:00+00:00")
    publish(store, config)
    assert [d.day for d in store.digests()] == ["2026-11-19"]


def test_run_looks_back_days_back_closed_days_only(store, write_config, now, inbox):
    config = write_config('[digest]\ntimezone = "UTC"\ndays_back = 2\n')
    add_post(store, "old", "2026-11-19T09:00:00+00:00", langs=("en",))
    add_post(store, "recent", "2026-11-20T09:00:00+00:00", langs=("en",))
    publish(store, config)  # now is the 22nd: the 21st and the 20th
    assert [d.day for d in store.digests()] == ["2026-11-20"]


def test_digests_can_be_turned_off_for_run(store, write_config, now, inbox):
    config = write_config('[digest]\nenabled = false\ntimezone = "UTC"\n')
    two_days(store)
    publish(store, config)
    assert store.digests() == [] and inbox.digests == []


def test_a_failed_digest_is_retried_and_other_channels_keep_theirs(store, config, inbox):
    add_post(store, "one", "2026-11-21T09:00:00+00:00", langs=("en",))
    inbox.broken = "connection reset by api.example"
    report = publish(store, config)
    [digest] = store.digests()
    row = store.digest_publication(digest.id, "inbox")
    assert (row.status, row.attempts, row.last_error) == ("failed", 1, "ConnectionError: connection reset by api.example")
    assert store.digest_publication(digest.id, "site").status == "published"
    assert report.digests_failed == 1 and any("inbox: 1 digest(s) failed" in w for w in report.warnings)

    inbox.broken = None
    publish(store, config)
    row = store.digest_publication(digest.id, "inbox")
    assert (row.status, row.attempts, row.remote_id) == ("published", 2, "digest-2026-11-21-en")
    assert store.digest_publication(digest.id, "site").attempts == 1
    assert len(inbox.digests) == 1


def test_a_digest_interrupted_mid_send_is_reported_not_resent(store, config, inbox):
    add_post(store, "one", "2026-11-21T09:00:00+00:00", langs=("en",))
    publish(store, config, digest_days=[])  # the post goes out; no digest yet
    publish(store, config, digest_days=[], posts=False)
    from social_publisher.publish import digests as stage

    stage.make_digests(store, config, [date(2026, 11, 21)])
    [digest] = store.digests()
    store.begin_digest_publication(digest.id, "inbox")  # a crash after sending, before recording
    store.begin_digest_publication(digest.id, "site")
    report = publish(store, config, digest_days=[])
    assert inbox.digests == []
    assert store.digest_publication(digest.id, "inbox").status == "pending"
    assert any("inbox: the en digest of 2026-11-21 was interrupted" in w for w in report.warnings)
    site = store.digest_publication(digest.id, "site")  # idempotent: simply done again
    assert (site.status, site.attempts) == ("published", 2)


def test_a_channel_gets_only_the_languages_its_section_lists(store, write_config, now, inbox, monkeypatch):
    class Telegram(Inbox):
        name = "telegram"

    monkeypatch.setitem(CHANNELS, "telegram", Telegram)
    config = write_config('[digest]\ntimezone = "UTC"\n\n[telegram]\nlanguages = ["ru"]\n')
    two_days(store)
    publish(store, config)
    by_id = {d.id: (d.day, d.lang) for d in store.digests()}
    assert [by_id[row.digest_id] for row in store.digest_publications("telegram")] == [("2026-11-20", "ru")]
    assert len(store.digest_publications("inbox")) == 3
    assert {row.channel for row in store.digest_publications() if row.status == "published"} == \
        {"site", "inbox", "telegram"}


def test_a_new_channel_does_not_get_the_back_catalogue_of_digests(store, config, inbox, monkeypatch):
    monkeypatch.delitem(CHANNELS, "inbox")
    add_post(store, "one", "2026-11-20T09:00:00+00:00", langs=("en",))
    publish(store, config)
    monkeypatch.setitem(CHANNELS, "inbox", Inbox)
    add_post(store, "two", "2026-11-21T09:00:00+00:00", langs=("en",))
    publish(store, config)
    assert [d.day for d in inbox.digests] == ["2026-11-21"]


def test_the_site_has_a_page_per_digest_in_feeds_sitemap_and_home(store, config, inbox):
    two_days(store)
    publish(store, config)
    site = config.site.out_dir
    page = (site / "en/digests/2026-11-20.html").read_text(encoding="utf-8")
    assert "Daily digest, 20 November 2026" in page
    assert 'href="../../en/first-en.html"' in page and 'href="../../ru/digests/2026-11-20.html"' in page
    ru_page = (site / "ru/digests/2026-11-20.html").read_text(encoding="utf-8")
    assert "2 проекта, 2 коммита, 2 сессии с ИИ, 2 записи" in ru_page
    assert not (site / "ru/digests/2026-11-21.html").exists()  # no Russian post that day
    for html in site.rglob("*.html"):  # every relative link of every page resolves
        for href in _local_links(html):
            folder = site if href.startswith("/") else html.parent  # 404.html links from the root
            assert (folder / href.lstrip("/")).resolve().is_file(), (html, href)

    feed = feedparser.parse((site / "en/feed.xml").read_bytes())
    assert not feed.bozo
    links = [entry.link for entry in feed.entries]
    assert "https://example.org/en/digests/2026-11-20.html" in links
    assert "https://example.org/en/digests/2026-11-21.html" in links
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://example.org/ru/digests/2026-11-20.html" in sitemap
    assert "https://example.org/ru/digests/index.html" in sitemap
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="en/digests/2026-11-21.html"' in home and 'href="ru/digests/index.html"' in home


def _local_links(html: Path) -> list[str]:
    import re

    hrefs = re.findall(r'(?:href|src)="([^"]+)"', html.read_text(encoding="utf-8"))
    return [href for href in hrefs if not href.startswith(("http:", "https:", "#", "mailto:"))]


def test_titles_with_markup_stay_text(store, config, inbox):
    add_post(store, "odd", "2026-11-21T09:00:00+00:00", langs=("en",),
             title="Fix [the] *parser* <script>alert(1)</script> in a_b|c")
    publish(store, config)
    [digest] = store.digests()
    line = digest.body_md.splitlines()[2]
    assert line.startswith(r"- [Fix \[the\] \*parser\* \<script\>alert(1)\</script\> in a\_b\|c](")
    from social_publisher.publish.render import render_body

    html = render_body(digest.body_md, digest.title)
    assert "Fix [the] *parser* &lt;script&gt;alert(1)&lt;/script&gt; in a_b|c</a>" in html
    page = (config.site.out_dir / "en/digests/2026-11-21.html").read_text(encoding="utf-8")
    assert "<script>" not in page


@pytest.mark.parametrize(("number", "word"), [
    (0, "0 коммитов"), (1, "1 коммит"), (2, "2 коммита"), (4, "4 коммита"), (5, "5 коммитов"),
    (11, "11 коммитов"), (12, "12 коммитов"), (21, "21 коммит"), (22, "22 коммита"), (111, "111 коммитов"),
    (1234, "1\xa0234 коммита"),
])
def test_russian_counts_agree_with_their_noun(number, word):
    assert digest_text.count(number, "commits", "ru") == word


def test_a_zero_count_is_left_out_of_the_numbers_line():
    assert digest_text.numbers_line({"projects": 2, "commits": 0, "sessions": 3, "posts": 1}, "en") == \
        "The day in numbers: 2 projects, 3 AI sessions, 1 post."
    assert digest_text.numbers_line({"projects": 1, "commits": 4, "sessions": 0, "posts": 2}, "ru") == \
        "День в цифрах: 1 проект, 4 коммита, 2 записи."


def test_english_counts_and_the_other_nouns():
    assert [digest_text.count(n, "sessions", "en") for n in (0, 1, 2, 1234)] == \
        ["0 AI sessions", "1 AI session", "2 AI sessions", "1,234 AI sessions"]
    assert [digest_text.count(n, "posts", "ru") for n in (1, 3, 5)] == ["1 запись", "3 записи", "5 записей"]
    assert [digest_text.count(n, "projects", "ru") for n in (1, 3, 5)] == ["1 проект", "3 проекта", "5 проектов"]
    assert [digest_text.count(n, "sessions", "ru") for n in (1, 3, 5)] == \
        ["1 сессия с ИИ", "3 сессии с ИИ", "5 сессий с ИИ"]


# -- the command line ------------------------------------------------------------------

def invoke(config, *args: str):
    return CliRunner().invoke(cli, ["--config", str(config.config_path), *args])


def test_digest_command_defaults_to_yesterday_and_takes_a_date(store, config, inbox):
    two_days(store)
    result = invoke(config, "digest")  # yesterday: the 21st
    assert result.exit_code == 0, result.output
    assert "2026-11-21 en: Daily digest, 21 November 2026" in result.output
    assert [d.day for d in store.digests()] == ["2026-11-21"]
    assert not store.publications("inbox")  # `digest` publishes digests, not posts

    result = invoke(config, "digest", "--date", "2026-11-20", "--json")
    assert result.exit_code == 0, result.output
    data = orjson.loads(result.output)
    assert data["day"] == "2026-11-20" and [d["lang"] for d in data["digests"]] == ["en", "ru"]
    assert data["digests"][0]["channels"] == ["inbox", "site"]
    assert data["digests"][0]["numbers"] == {"projects": 2, "commits": 2, "sessions": 2, "posts": 2}

    again = invoke(config, "digest", "--date", "2026-11-20", "--json")
    assert orjson.loads(again.output)["report"]["digests_published"] == 0
    assert len(inbox.digests) == 3


def test_digest_command_on_a_day_without_posts_and_on_a_day_not_over(store, config, inbox, capsys):
    two_days(store)
    result = invoke(config, "digest", "--date", "2026-11-19")
    assert result.exit_code == 0 and "2026-11-19: no posts that day, so no digest" in result.output
    assert store.digests() == []
    for bad_date, message in [("2026-11-22", "error: --date 2026-11-22: that day is not over yet"),
                              ("20-11-2026", "Invalid value for '--date'")]:
        with pytest.raises(SystemExit) as exit_info:
            main(["--config", str(config.config_path), "digest", "--date", bad_date])
        assert exit_info.value.code == 2
        assert message in capsys.readouterr().err
    assert store.digests() == []


def test_an_unknown_time_zone_is_refused_with_its_line(write_config):
    from social_publisher.errors import ConfigError

    with pytest.raises(ConfigError, match=r"publisher.toml:3: 'digest.timezone': unknown time zone 'Mars/Base'"):
        write_config('[digest]\nenabled = true\ntimezone = "Mars/Base"\n')


def test_two_runs_of_the_demo_send_each_digest_once(tmp_path, monkeypatch, inbox):
    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", "2026-11-26T09:00:00+00:00")
    config_path = make_workspace(tmp_path / "ws")
    with config_path.open("a", encoding="utf-8") as file:
        file.write('\n[digest]\ntimezone = "UTC"\n')
    for _ in range(2):
        result = CliRunner().invoke(cli, ["--config", str(config_path), "run", "--json"])
        assert result.exit_code == 0, result.output
    keys = [(d.day, d.lang) for d in inbox.digests]
    assert keys and len(keys) == len(set(keys))
    with sqlite3.connect(tmp_path / "ws/state/publisher.db") as db:
        stored = db.execute("SELECT day, lang FROM digests ORDER BY day, lang").fetchall()
        per_channel = db.execute("SELECT channel, COUNT(*) FROM digest_publications WHERE status = 'published'"
                                 " GROUP BY channel").fetchall()
    assert sorted(keys) == [tuple(row) for row in stored]
    assert dict(per_channel) == {"site": len(stored), "inbox": len(stored)}
    assert {lang for _, lang in keys} == {"en", "ru"}
