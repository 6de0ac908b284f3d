"""The blog's reader-facing parts: covers and social cards, meta, neighbours, project and month pages,
taglines per language, 404, escaping of every source text, incremental rebuilds and the preview server."""

from __future__ import annotations

import struct
import urllib.error
import urllib.request
import threading
import zlib
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest

from social_publisher.cli import main
from social_publisher.config import SITE_DESCRIPTIONS
from social_publisher.publish import publish, render
from social_publisher.publish.content import page_url
from social_publisher.publish.serve import preview_server
from social_publisher.publish.site import build_site
from social_publisher.records import Brief, Post, Story

BASE_URL = "https://blog.example.org/"


def png(path: Path, width: int = 120, height: int = 63) -> Path:
    """A real (tiny) PNG: a blue-to-green gradient."""
    rows = b"".join(b"\x00" + bytes(c for x in range(width) for c in (20, 80 + x * 150 // width, 200 - y * 150 // height))
                    for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return path


@pytest.fixture
def config(write_config):
    return write_config(f'[site]\nout_dir = "site"\nbase_url = "{BASE_URL}"\n')


def add_story(store, key, *, project="llm-analysis", tags=("python",), ended_at="2026-11-20T12:00:00+00:00",
              category="experiment") -> int:
    return store.add_story(Story(project=project, started_at=ended_at, ended_at=ended_at, score=3.0,
                                 category=category, tags=list(tags), activity_ids=[], status="written",
                                 fingerprint=key))


def add_post(store, story_id, lang, title, slug, body="A short body with a few words.") -> int:
    return store.add_post(Post(story_id=story_id, lang=lang, title=title, slug=slug, body_md=body,
                               status="approved", created_at="2026-11-21T09:00:00+00:00"))


class _Head(HTMLParser):
    """Collects <meta> and <link> tags, and the text of the page."""

    def __init__(self):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict[str, str]] = []
        self.anchors: list[dict[str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        if tag == "meta" and ("property" in values or "name" in values):
            self.meta.setdefault(values.get("property") or values["name"], []).append(values.get("content", ""))
        elif tag == "link":
            self.links.append(values)
        elif tag == "a":
            self.anchors.append(values)

    def handle_data(self, data):
        self.text.append(data)


def parse(page: Path) -> _Head:
    parser = _Head()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


@pytest.fixture
def three_days(store):
    """Three English posts on three days (the middle one with a Russian translation and a cover story)."""
    ids = {}
    for day, name, project in ((18, "first", "llm-analysis"), (20, "second", "ai-agents"), (22, "third", "ai-agents")):
        story = add_story(store, name, project=project, tags=("python", name), ended_at=f"2026-11-{day}T12:00:00+00:00")
        ids[name] = add_post(store, story, "en", f"The {name} post", f"{name}-post")
        ids[f"{name}-story"] = story
    ids["ru"] = add_post(store, ids["second-story"], "ru", "Вторая запись", "vtoraya-zapis")
    return ids


def test_cover_is_on_the_page_in_listings_and_in_social_cards_with_absolute_urls(store, config, three_days, tmp_path):
    cover = png(tmp_path / "covers" / "second.png")
    store.save_brief(Brief(story_id=three_days["second-story"], facts={}, image_path=str(cover)))
    publish(store, config)
    site = config.site.out_dir
    media = f"media/story-{three_days['second-story']}.png"
    assert (site / media).read_bytes() == cover.read_bytes()

    head = parse(site / "en/second-post.html")
    assert head.meta["og:image"] == [BASE_URL + media]
    assert head.meta["twitter:image"] == [BASE_URL + media]
    assert head.meta["twitter:card"] == ["summary_large_image"]
    assert head.meta["og:type"] == ["article"]
    assert head.meta["og:title"] == ["The second post"]
    assert head.meta["og:url"] == [BASE_URL + "en/second-post.html"]
    assert head.meta["og:locale"] == ["en_US"] and head.meta["og:locale:alternate"] == ["ru_RU"]
    assert head.meta["article:tag"] == ["python", "second"]
    assert f'src="../{media}"' in (site / "en/second-post.html").read_text(encoding="utf-8")
    assert f'src="../{media}"' in (site / "en/index.html").read_text(encoding="utf-8")

    feed = feedparser.parse((site / "en/feed.xml").read_bytes())
    second = next(entry for entry in feed.entries if entry.title == "The second post")
    assert [(link.href, link.type) for link in second.links if link.rel == "enclosure"] == [
        (BASE_URL + media, "image/png")]

    no_cover = parse(site / "en/first-post.html")
    assert "og:image" not in no_cover.meta and no_cover.meta["twitter:card"] == ["summary"]


def test_each_language_page_shows_the_card_with_its_own_title(store, config, three_days, tmp_path):
    """The write stage makes a card per post with the post's own title: the Russian page shows the
    Russian card (never the English headline), in the page, its listing and its social card."""
    story_card = png(tmp_path / "covers" / "story.png")
    cards = {lang: png(tmp_path / "covers" / f"story-{lang}.png", width=100 + 20 * (lang == "ru")) for lang in ("en", "ru")}
    story = three_days["second-story"]
    store.save_brief(Brief(story_id=story, facts={}, image_path=str(story_card)))
    store.set_brief_covers(story, {lang: str(path) for lang, path in cards.items()})
    publish(store, config)
    site = config.site.out_dir
    for lang, page in (("en", "en/second-post.html"), ("ru", "ru/vtoraya-zapis.html")):
        media = f"media/story-{story}-{lang}.png"
        assert (site / media).read_bytes() == cards[lang].read_bytes()
        assert parse(site / page).meta["og:image"] == [BASE_URL + media]
        assert f'src="../{media}"' in (site / page).read_text(encoding="utf-8")
        assert f'src="../{media}"' in (site / lang / "index.html").read_text(encoding="utf-8")
    assert not (site / f"media/story-{story}.png").exists()  # no page shows the story's own card


def test_post_shows_date_category_project_reading_time_and_tags(store, config, three_days):
    long_body = " ".join(["word"] * 1000)
    story = add_story(store, "long", tags=("rust",), category="bug_fix", ended_at="2026-11-23T12:00:00+00:00")
    add_post(store, story, "en", "A long one", "a-long-one", long_body)
    add_post(store, story, "ru", "Длинная запись", "dlinnaya", long_body)
    publish(store, config)
    site = config.site.out_dir
    text = " ".join(parse(site / "en/a-long-one.html").text)
    assert "23 November 2026" in text and "Bug fix" in text and "5 min read" in text and "#rust" in text
    assert "llm-analysis" in text
    ru_text = " ".join(parse(site / "ru/dlinnaya.html").text)
    assert "23 ноября 2026" in ru_text and "Исправление" in ru_text and "5 мин чтения" in ru_text
    assert any(a.get("href") == "../ru/projects/llm-analysis.html" for a in parse(site / "ru/dlinnaya.html").anchors)


def test_previous_and_next_link_the_neighbours_in_the_same_language(store, config, three_days):
    publish(store, config)
    site = config.site.out_dir

    def neighbours(page):
        return {a["rel"]: a["href"] for a in parse(site / page).anchors if a.get("rel") in ("prev", "next")}

    assert neighbours("en/first-post.html") == {"next": "../en/second-post.html"}
    assert neighbours("en/second-post.html") == {"prev": "../en/first-post.html", "next": "../en/third-post.html"}
    assert neighbours("en/third-post.html") == {"prev": "../en/second-post.html"}
    assert neighbours("ru/vtoraya-zapis.html") == {}


def test_hreflang_links_join_the_two_languages_of_a_post(store, config, three_days):
    publish(store, config)
    site = config.site.out_dir
    expected = {("en", BASE_URL + "en/second-post.html"), ("ru", BASE_URL + "ru/vtoraya-zapis.html")}
    for page in ("en/second-post.html", "ru/vtoraya-zapis.html"):
        alternates = {(link["hreflang"], link["href"]) for link in parse(site / page).links if "hreflang" in link}
        assert alternates == expected
    assert not [link for link in parse(site / "en/first-post.html").links if "hreflang" in link]


def test_a_page_per_tag_per_project_and_per_month(store, config, three_days):
    late = add_story(store, "december", project="ai-agents", ended_at="2026-12-02T08:00:00+00:00")
    add_post(store, late, "en", "December news", "december-news")
    publish(store, config)
    site = config.site.out_dir

    def listed(page):
        return [a["href"] for a in parse(site / page).anchors
                if a.get("href", "").endswith("-post.html") or a.get("href", "").endswith("-news.html")]

    assert listed("en/projects/ai-agents.html") == ["../../en/december-news.html", "../../en/third-post.html",
                                                    "../../en/second-post.html"]
    assert listed("en/projects/llm-analysis.html") == ["../../en/first-post.html"]
    assert listed("en/archive/2026-11.html") == ["../../en/third-post.html", "../../en/second-post.html",
                                                 "../../en/first-post.html"]
    assert listed("en/archive/2026-12.html") == ["../../en/december-news.html"]
    assert listed("en/tags/second.html") == ["../../en/second-post.html"]
    archive = parse(site / "en/archive/index.html")
    assert "2026" in archive.text and "December" in archive.text and "November" in archive.text
    assert [a["href"] for a in archive.anchors if a["href"].startswith("2026")] == ["2026-12.html", "2026-11.html"]
    assert "Ноябрь" in parse(site / "ru/archive/index.html").text
    assert "Записи за ноябрь 2026" in " ".join(parse(site / "ru/archive/2026-11.html").text)
    projects = {a["href"] for a in parse(site / "en/projects/index.html").anchors}
    assert {"ai-agents.html", "llm-analysis.html"} <= projects


def test_default_title_and_taglines_per_language(store, config, three_days):
    publish(store, config)
    site = config.site.out_dir
    assert config.site.title == "Blog"
    assert parse(site / "en/first-post.html").meta["og:site_name"] == ["Blog"]
    assert SITE_DESCRIPTIONS["en"] == "Posts about the development process, solved problems and learned technologies"
    assert parse(site / "en/index.html").meta["description"] == [SITE_DESCRIPTIONS["en"]]
    assert parse(site / "ru/index.html").meta["description"] == [SITE_DESCRIPTIONS["ru"]]
    assert SITE_DESCRIPTIONS["ru"] in (site / "index.html").read_text(encoding="utf-8")
    ru_feed = feedparser.parse((site / "ru/feed.xml").read_bytes())
    assert ru_feed.feed.subtitle == SITE_DESCRIPTIONS["ru"]


@pytest.mark.parametrize("setting, en, ru", [
    ('description = "One line for all"', "One line for all", "One line for all"),
    ('description = { en = "In English", ru = "По-русски" }', "In English", "По-русски"),
    ('description = { en = "Only English" }', "Only English", "Only English"),
])
def test_description_is_one_string_or_a_table_per_language(store, write_config, three_days, setting, en, ru):
    config = write_config(f'[site]\nout_dir = "site"\n{setting}\n')
    publish(store, config)
    site = config.site.out_dir
    assert parse(site / "en/index.html").meta["description"] == [en]
    assert parse(site / "ru/index.html").meta["description"] == [ru]


def test_404_page_links_from_the_root_and_is_not_in_the_sitemap(store, config, three_days):
    publish(store, config)
    site = config.site.out_dir
    page = parse(site / "404.html")
    assert "Page not found" in " ".join(page.text)
    hrefs = [a["href"] for a in page.anchors]
    assert "/en/third-post.html" in hrefs and "/index.html" in hrefs
    assert all(h.startswith(("/", "#", "https:")) for h in hrefs)
    assert "404.html" not in (site / "sitemap.xml").read_text(encoding="utf-8")


HOSTILE = '<script>alert("x")</script>'


def test_every_source_text_is_escaped(store, config):
    story = add_story(store, "evil", project=f"proj{HOSTILE}", tags=(f"tag{HOSTILE}", "ok"))
    add_post(store, story, "en", f"Fix {HOSTILE} in the parser", "fix-parser",
             f"The commit message said: {HOSTILE}\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))\n")
    publish(store, config)
    site = config.site.out_dir
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script" not in html and "<img src=x" not in html and 'href="javascript:' not in html, page
    post = site / "en/fix-parser.html"
    text = " ".join(parse(post).text)
    assert f"Fix {HOSTILE} in the parser" in text and f"The commit message said: {HOSTILE}" in text
    assert HOSTILE in " ".join(parse(site / "en/index.html").text)
    feed = feedparser.parse((site / "en/feed.xml").read_bytes())
    assert not feed.bozo
    assert feed.entries[0].title == f"Fix {HOSTILE} in the parser"
    assert HOSTILE not in feed.entries[0].content[0].value  # escaped inside the entry's HTML too
    assert "&lt;script&gt;" in feed.entries[0].content[0].value


def test_feeds_are_valid_atom_with_absolute_links(store, config, three_days):
    publish(store, config)
    site = config.site.out_dir
    for lang, count in (("en", 3), ("ru", 1)):
        feed = feedparser.parse((site / f"{lang}/feed.xml").read_bytes())
        assert not feed.bozo, feed.bozo_exception
        assert feed.version == "atom10" and len(feed.entries) == count
        for entry in feed.entries:
            assert entry.link.startswith(BASE_URL) and (site / entry.link.removeprefix(BASE_URL)).is_file()
            assert entry.id == entry.link


def test_post_url_is_the_absolute_page_address(config):
    assert page_url(config, "ru/vtoraya-zapis.html") == BASE_URL + "ru/vtoraya-zapis.html"


def test_a_rebuild_after_one_new_post_makes_only_the_pages_it_changes(store, config, three_days, monkeypatch):
    first = build_site(store, config)
    site = config.site.out_dir
    untouched = site / "en/first-post.html"
    stamp = untouched.stat().st_mtime_ns

    bodies = []
    real = render._render_tuple
    monkeypatch.setattr(render, "_render_tuple", lambda item: bodies.append(item[1]) or real(item))
    story = add_story(store, "fourth", project="ai-agents", tags=("python",), ended_at="2026-11-24T12:00:00+00:00")
    add_post(store, story, "en", "The fourth post", "fourth-post")
    second = build_site(store, config)

    assert bodies == ["The fourth post"]  # the other bodies come from the build cache
    assert set(second.made) - {"style.css", "favicon.svg"} == {
        "en/fourth-post.html", "en/third-post.html",  # the new post and its neighbour ("next" link)
        "en/index.html", "en/feed.xml", "en/archive/2026-11.html", "en/archive/index.html",
        "en/tags/python.html", "en/tags/index.html", "en/projects/ai-agents.html", "en/projects/index.html",
        "index.html", "404.html", "sitemap.xml",
    }
    assert untouched.stat().st_mtime_ns == stamp
    assert len(first.made) > len(second.made)

    third = build_site(store, config)
    assert set(third.made) == {"style.css", "favicon.svg"} and third.changed == 0


def test_bodies_and_post_pages_rendered_on_every_core_are_the_same_bytes(store, write_config, three_days,
                                                                        monkeypatch, tmp_path):
    one = write_config('[site]\nout_dir = "one"\n')
    build_site(store, one)
    monkeypatch.setattr(render, "PARALLEL_FROM", 1)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    (tmp_path / "state" / "site-render-cache.sqlite").unlink()
    from social_publisher.publish import site as site_module
    forked = []
    real = site_module.render_post_pages
    monkeypatch.setattr(site_module, "render_post_pages", lambda *args: forked.append(real(*args)) or forked[-1])
    both = write_config('[site]\nout_dir = "both"\n')
    build_site(store, both)

    def files(folder):  # the manifest differs: its keys include out_dir
        return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*")
                if p.is_file() and p.name != ".social-publisher-files"}

    assert len(forked[0]) == 4  # every post page came from the workers
    assert files(tmp_path / "both") == files(tmp_path / "one")


def test_a_deleted_page_is_made_again_and_a_code_change_remakes_all(store, config, three_days, monkeypatch):
    first = build_site(store, config)
    site = config.site.out_dir
    (site / "en/second-post.html").unlink()
    again = build_site(store, config)
    assert "en/second-post.html" in again.made and (site / "en/second-post.html").is_file()

    from social_publisher.publish import site as site_module
    monkeypatch.setattr(site_module, "_code_key", lambda: "another version of the templates")
    assert sorted(build_site(store, config).made) == sorted(first.made)


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_serve_previews_the_site_on_loopback(store, config, three_days):
    publish(store, config)
    server = preview_server(config.site.out_dir, 0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert server.server_address[0] == "127.0.0.1"
        status, body = _get(server.url + "en/second-post.html")
        assert status == 200 and b"The second post" in body
        status, body = _get(server.url + "en/no-such-page.html")
        assert status == 404 and b"Page not found" in body
        assert server.missing == ["/en/no-such-page.html"]
    finally:
        server.shutdown()
        server.server_close()


def test_serve_on_a_port_in_use_fails_with_one_line(store, config, three_days, capsys):
    publish(store, config)
    taken = preview_server(config.site.out_dir, 0, quiet=True)
    try:
        with pytest.raises(SystemExit) as exit_info:
            main(["--config", str(config.config_path), "serve", "--port", str(taken.server_address[1])])
    finally:
        taken.server_close()
    assert exit_info.value.code == 1
    assert f"cannot listen on 127.0.0.1:{taken.server_address[1]}" in capsys.readouterr().err


def test_serve_without_a_built_site_says_what_to_do(config, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--config", str(config.config_path), "serve", "--port", "0"])
    assert exit_info.value.code == 2
    assert "run 'social-publisher publish' first" in capsys.readouterr().err
