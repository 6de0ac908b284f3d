"""The static site built by the publish stage: layout, links, feeds, escaping, determinism."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import pytest

from social_publisher.publish import publish
from social_publisher.publish.output import MANIFEST, SiteOutput
from social_publisher.records import Brief, Post, Story

BASE_URL = "https://blog.example.org/"

EN_BODY = """I've been chasing a faster test suite for weeks now. The **llm-analysis** suite took 12 s.

## What I tried

```python
def f(x):
    return x < 2
```

Here is a trap: <script>alert("x")</script> and a [bad link](javascript:alert(1)).

Why do programmers prefer dark mode? Because light attracts bugs. 😄
"""
RU_BODY = """Я неделями гонялся за быстрым набором тестов. Набор **llm-analysis** шёл 12 с.

## Что я пробовал

Кэш и параллельный запуск.
"""


@pytest.fixture
def config(write_config, tmp_path):
    return write_config(f'[site]\nout_dir = "site"\ntitle = "Dev Diary"\n'
                        f'description = "Notes from the workbench"\nbase_url = "{BASE_URL}"\n')


def add_story(store, key, *, project="llm-analysis", tags=("python", "pytest"),
              ended_at="2026-11-20T12:00:00+00:00", category="code_change") -> int:
    return store.add_story(Story(project=project, started_at="2026-11-20T08:00:00+00:00", ended_at=ended_at,
                                 score=3.0, category=category, tags=list(tags), activity_ids=[],
                                 status="written", fingerprint=key))


def add_post(store, story_id, lang, title, slug, body="A short body.", status="approved") -> int:
    return store.add_post(Post(story_id=story_id, lang=lang, title=title, slug=slug, body_md=body, status=status,
                               created_at="2026-11-21T09:00:00+00:00"))


@pytest.fixture
def blog(store):
    """Two stories: one in English and Russian, one in English only."""
    first = add_story(store, "s1")
    en = add_post(store, first, "en", "From 12 s to 3 s: Taming a Slow Test Suite", "from-12-s-to-3-s", EN_BODY)
    ru = add_post(store, first, "ru", "С 12 до 3 секунд: как я укротил медленные тесты", "с-12-до-3-секунд", RU_BODY)
    second = add_story(store, "s2", project="ai-agents", tags=("telegram", "python"),
                       ended_at="2026-11-22T18:30:00+00:00")
    bots = add_post(store, second, "en", "Bots in Order: A ChatManager for Telegram", "bots-in-order")
    return {"en": en, "ru": ru, "bots": bots}


def site_files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append(value)


def links_of(page: Path) -> list[str]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.links


def _site_root(page: Path) -> Path:
    folder = page.parent
    while not (folder / MANIFEST).is_file() and folder != folder.parent:
        folder = folder.parent
    return folder


def _local_targets(page: Path) -> list[tuple[str, Path]]:
    """Local links of a page and the files they lead to ("/x" is the site's root, as base_url is "/")."""
    targets = []
    for link in links_of(page):
        parts = urlsplit(link)
        if not parts.scheme and not parts.netloc and not link.startswith("#"):
            folder = _site_root(page) if parts.path.startswith("/") else page.parent
            targets.append((link, (folder / unquote(parts.path).lstrip("/")).resolve()))
    return targets


def broken_links(site: Path) -> list[str]:
    """Local href/src values, in every page, that do not lead to a file."""
    return [f"{page.relative_to(site)} -> {link}" for page in sorted(site.rglob("*.html"))
            for link, target in _local_targets(page) if not target.is_file()]


def broken_links_reachable(site: Path) -> list[str]:
    """Like broken_links, but only in pages a reader can reach from index.html."""
    broken, seen, todo = [], set(), [(site / "index.html").resolve()]
    while todo:
        page = todo.pop()
        if page in seen:
            continue
        seen.add(page)
        for link, target in _local_targets(page):
            if not target.is_file():
                broken.append(f"{page.relative_to(site.resolve())} -> {link}")
            elif target.suffix == ".html":
                todo.append(target)
    return broken


def test_site_has_the_documented_layout(store, config, blog):
    report = publish(store, config)

    site = config.site.out_dir
    assert report.site_dir == str(site)
    for path in ["index.html", "style.css", "sitemap.xml", "en/index.html", "ru/index.html", "en/feed.xml",
                 "ru/feed.xml", "en/from-12-s-to-3-s.html", "en/bots-in-order.html", "ru/s-12-do-3-sekund.html",
                 "en/tags/index.html", "en/tags/python.html", "en/tags/pytest.html", "en/tags/telegram.html",
                 "ru/tags/index.html", "ru/tags/python.html"]:
        assert (site / path).is_file(), path
    assert not (site / "ru/tags/telegram.html").exists()  # no Russian post carries that tag
    assert report.pages_built == len(list(site.rglob("*.html")))
    assert report.published == 3 and report.failed == 0


def test_every_local_link_resolves_to_a_file(store, config, blog):
    publish(store, config)
    site = config.site.out_dir
    assert broken_links(site) == []
    pages = list(site.rglob("*.html"))
    assert len(pages) > 10
    assert all(links_of(page) for page in pages)


def test_pages_load_nothing_from_outside(store, config, blog):
    publish(store, config)
    site = config.site.out_dir
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r'<(?:script|img|link rel="stylesheet")[^>]*(?:src|href)="(?:https?:)?//', html), page
        assert "<script" not in html
    css = (site / "style.css").read_text(encoding="utf-8")
    assert "@import" not in css and "url(" not in css
    assert "prefers-color-scheme: dark" in css and "max-width: 42rem" in css


def test_post_page_shows_title_once_meta_tags_and_translation(store, config, blog):
    publish(store, config)
    site = config.site.out_dir
    html = (site / "en/from-12-s-to-3-s.html").read_text(encoding="utf-8")

    assert '<html lang="en">' in html
    assert html.count("<h1") == 1 and "<h1>From 12 s to 3 s: Taming a Slow Test Suite</h1>" in html
    assert '<time datetime="2026-11-20">20 November 2026</time>' in html
    assert "llm-analysis" in html
    assert 'href="../en/tags/python.html"' in html and 'href="../en/tags/pytest.html"' in html
    assert '<a href="../ru/s-12-do-3-sekund.html" hreflang="ru" lang="ru">Читать по-русски</a>' in html
    assert '<pre><code class="language-python">' in html

    ru = (site / "ru/s-12-do-3-sekund.html").read_text(encoding="utf-8")
    assert '<html lang="ru">' in ru
    assert "20 ноября 2026" in ru
    assert "Все записи" in ru and "Теги" in ru
    assert '<a href="../en/from-12-s-to-3-s.html" hreflang="en" lang="en">Read in English</a>' in ru
    assert "All posts" not in ru

    bots = (site / "en/bots-in-order.html").read_text(encoding="utf-8")
    assert "Читать по-русски" not in bots  # that story has no Russian post


def test_raw_html_in_a_body_is_escaped(store, config, blog):
    publish(store, config)
    site = config.site.out_dir
    html = (site / "en/from-12-s-to-3-s.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<script" not in html
    assert 'href="javascript:' not in html
    feed = (site / "en/feed.xml").read_text(encoding="utf-8")
    assert "<script" not in feed


def test_language_indexes_list_posts_newest_first_with_excerpts(store, config, blog):
    publish(store, config)
    site = config.site.out_dir
    html = (site / "en/index.html").read_text(encoding="utf-8")
    assert html.index("Bots in Order") < html.index("Taming a Slow Test Suite")
    assert "I&#39;ve been chasing a faster test suite for weeks now. The llm-analysis suite took 12 s." in html
    assert "ai-agents" in html and "#telegram" in html

    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Dev Diary" in home and "Notes from the workbench" in home
    assert 'href="en/index.html"' in home and 'href="ru/index.html"' in home
    assert 'href="en/bots-in-order.html"' in home and 'href="ru/s-12-do-3-sekund.html"' in home
    assert '<section class="language" lang="ru">' in home

    tag = (site / "ru/tags/python.html").read_text(encoding="utf-8")
    assert "Записи с тегом «python»" in tag and "s-12-do-3-sekund.html" in tag


def test_atom_feeds_parse_with_absolute_links(store, config, blog):
    publish(store, config)
    site = config.site.out_dir

    en = feedparser.parse((site / "en/feed.xml").read_bytes())
    assert not en.bozo, en.get("bozo_exception")
    assert en.feed.title == "Dev Diary"
    assert en.feed.language == "en"
    assert [e.title for e in en.entries] == ["Bots in Order: A ChatManager for Telegram",
                                             "From 12 s to 3 s: Taming a Slow Test Suite"]
    assert [e.link for e in en.entries] == [BASE_URL + "en/bots-in-order.html",
                                            BASE_URL + "en/from-12-s-to-3-s.html"]
    assert en.entries[0].updated == "2026-11-22T18:30:00Z"
    assert en.feed.updated == "2026-11-22T18:30:00Z"
    assert {t.term for t in en.entries[1].tags} == {"python", "pytest"}
    assert "<strong>llm-analysis</strong>" in en.entries[1].content[0].value

    ru = feedparser.parse((site / "ru/feed.xml").read_bytes())
    assert not ru.bozo
    assert ru.feed.language == "ru"
    assert [e.title for e in ru.entries] == ["С 12 до 3 секунд: как я укротил медленные тесты"]
    assert ru.entries[0].link == BASE_URL + "ru/s-12-do-3-sekund.html"


def test_sitemap_lists_every_page_and_only_files_that_exist(store, config, blog):
    publish(store, config)
    site = config.site.out_dir
    root = ET.parse(site / "sitemap.xml").getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = {url.findtext("s:loc", namespaces=ns): url.findtext("s:lastmod", namespaces=ns)
                 for url in root.findall("s:url", ns)}
    pages = {BASE_URL + str(p.relative_to(site)) for p in site.rglob("*.html") if p.name != "404.html"}
    assert set(locations) == pages
    assert all((site / url.removeprefix(BASE_URL)).is_file() for url in locations)
    assert locations[BASE_URL + "en/bots-in-order.html"] == "2026-11-22"


def test_second_run_changes_nothing(store, config, blog):
    first = publish(store, config)
    site = config.site.out_dir
    before = site_files(site)
    rows_before = store.publications()

    second = publish(store, config)

    assert site_files(site) == before
    assert store.publications() == rows_before
    assert (second.published, second.failed, second.files_written) == (0, 0, 0)
    assert second.pages_built == first.pages_built
    assert {p.status for p in store.posts()} == {"published"}


def test_publication_rows_point_at_the_pages(store, config, blog):
    publish(store, config)
    rows = {row.post_id: row for row in store.publications("site")}
    assert rows[blog["ru"]].remote_id == "ru/s-12-do-3-sekund.html"
    assert all(row.status == "published" and row.attempts == 1 and row.published_at for row in rows.values())
    for row in rows.values():
        assert (config.site.out_dir / row.remote_id).is_file()


def test_cyrillic_slug_or_title_gets_a_transliterated_page(store, config):
    story = add_story(store, "cyr")
    add_post(store, story, "ru", "Привет, мир: первый пост", slug="")
    other = add_story(store, "cyr2")
    add_post(store, other, "ru", "Кэш на диске", slug="кэш-на-диске")
    publish(store, config)
    site = config.site.out_dir
    assert (site / "ru/privet-mir-pervyi-post.html").is_file()
    assert (site / "ru/kesh-na-diske.html").is_file()
    assert all(path.name.isascii() for path in site.rglob("*"))


def test_only_approved_and_published_posts_are_shown(store, config):
    story = add_story(store, "s")
    add_post(store, story, "en", "Waiting For Review Still", "waiting", status="checked")
    add_post(store, story, "ru", "Отклонённый пост", "otklonennyi", status="rejected")
    report = publish(store, config)
    site = config.site.out_dir
    assert report.published == 0
    assert not (site / "en/waiting.html").exists() and not (site / "ru/otklonennyi.html").exists()
    assert "Записей пока нет." in (site / "ru/index.html").read_text(encoding="utf-8")
    assert not feedparser.parse((site / "en/feed.xml").read_bytes()).bozo
    assert store.publications() == []
    assert broken_links(site) == []


def test_same_slug_twice_gets_a_suffix_and_keeps_recorded_paths(store, config):
    first = add_story(store, "a")
    add_post(store, first, "en", "Index Rebuilt Faster Than Ever", "index")
    publish(store, config)
    second = add_story(store, "b", ended_at="2026-11-23T10:00:00+00:00")
    add_post(store, second, "en", "Another Index Story, Later On", "INDEX")
    publish(store, config)
    paths = sorted(row.remote_id for row in store.publications("site"))
    assert paths == ["en/index-post-2.html", "en/index-post.html"]
    assert "Index Rebuilt" in (config.site.out_dir / "en/index-post.html").read_text(encoding="utf-8")


def test_user_files_are_kept_and_stale_files_removed(store, config, blog):
    site = config.site.out_dir
    publish(store, config)
    (site / "CNAME").write_text("blog.example.org\n")
    (site / "en/old-post.html").write_text("<p>gone</p>")
    with open(site / MANIFEST, "a", encoding="utf-8") as manifest:
        manifest.write("en/old-post.html\n../outside.txt\n")
    (site.parent / "outside.txt").write_text("keep me")

    report = publish(store, config)

    assert report.files_removed == 1
    assert not (site / "en/old-post.html").exists()
    assert (site / "CNAME").is_file() and (site.parent / "outside.txt").is_file()
    assert "en/old-post.html" not in (site / MANIFEST).read_text()


@pytest.mark.parametrize("crash_at", [1, 3, 6, 9, 12])
def test_a_crash_mid_build_leaves_the_old_site_usable(store, config, blog, monkeypatch, crash_at):
    publish(store, config)
    site = config.site.out_dir
    old_index = (site / "en/index.html").read_bytes()
    story = add_story(store, "s3", tags=("rust",), ended_at="2026-11-24T10:00:00+00:00")
    new_post = add_post(store, story, "en", "Rust Rewrite: Half the Memory", "rust-rewrite")

    real_write = SiteOutput.write
    calls = []

    def crashing_write(self, relative, data, key=""):
        calls.append(relative)
        if len(calls) == crash_at:
            raise OSError(28, "No space left on device")
        return real_write(self, relative, data, key)

    monkeypatch.setattr(SiteOutput, "write", crashing_write)
    report = publish(store, config)

    assert report.failed == 1 and report.published == 0
    row = store.publication(new_post, "site")
    assert row.status == "failed" and "No space left on device" in row.last_error and row.attempts == 1
    if "en/index.html" not in calls:
        assert (site / "en/index.html").read_bytes() == old_index
    # The new post's page may exist already, but nothing a reader can reach links to it yet.
    assert broken_links_reachable(site) == []
    assert not list(site.rglob("*.tmp"))
    assert [p.status for p in store.posts() if p.id == new_post] == ["approved"]

    monkeypatch.setattr(SiteOutput, "write", real_write)
    report = publish(store, config)
    row = store.publication(new_post, "site")
    assert (report.published, row.status, row.attempts) == (1, "published", 2)
    assert "Rust Rewrite" in (site / "en/index.html").read_text(encoding="utf-8")


def test_out_dir_that_is_a_file_fails_every_post_with_a_clear_error(store, config, blog):
    config.site.out_dir.write_text("not a folder")
    report = publish(store, config)
    assert report.failed == 3
    assert any("is not a folder" in warning for warning in report.warnings)
    assert {row.last_error for row in store.publications("site")} == {
        f"SiteOutputError: {config.site.out_dir}: [site] out_dir exists and is not a folder"}


def test_cover_image_from_the_brief_is_copied(store, config, blog, tmp_path):
    image = tmp_path / "covers" / "one.png"
    image.parent.mkdir()
    image.write_bytes(b"\x89PNG\r\n\x1a\nfake")
    story_id = store.posts()[0].story_id
    store.save_brief(Brief(story_id=story_id, facts={}, image_path=str(image)))
    publish(store, config)
    site = config.site.out_dir
    assert (site / f"media/story-{story_id}.png").read_bytes() == image.read_bytes()
    html = (site / "ru/s-12-do-3-sekund.html").read_text(encoding="utf-8")
    assert f'<img src="../media/story-{story_id}.png" alt="Обложка: ' in html
    assert broken_links(site) == []
