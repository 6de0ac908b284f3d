"""Markdown rendering, excerpts, dates and page paths used by the site."""

from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import given, strategies as st

from social_publisher.publish import i18n, render
from social_publisher.publish.content import assign_paths, assign_tag_slugs
from social_publisher.records import Post


def test_a_leading_heading_that_repeats_the_title_is_dropped():
    html = render.render_body("# Taming the Bot Zoo\n\nFirst line.\n\n# Second part\n\nMore.", "Taming the bot zoo!")
    assert "Taming" not in html
    assert "<h2>Second part</h2>" in html and "<h1" not in html


def test_a_different_leading_heading_stays_as_h2():
    html = render.render_body("# Building ChatManager\n\nText.", "Taming the Bot Zoo")
    assert html.startswith("<h2>Building ChatManager</h2>")


def test_raw_html_and_script_links_are_neutralised():
    html = render.render_body('<img src=x onerror="alert(1)">\n\n[click](javascript:alert(1))', "T")
    assert "<img" not in html and "&lt;img" in html
    assert 'href="javascript' not in html


def test_code_is_highlighted_when_the_language_is_known_and_escaped_otherwise():
    html = render.render_body("```python\nif a < b:\n    pass\n```\n\n```nosuchlang\n<b>\n```", "T")
    assert '<span class="k">if</span>' in html and "&lt;" in html
    assert "<pre><code class=\"language-nosuchlang\">&lt;b&gt;\n</code></pre>" in html


def test_excerpt_is_plain_text_cut_at_a_word():
    body = "# Title\n\nThe **first** paragraph with `code` and a [link](https://x.org).\n\n" + "word " * 100
    text = render.excerpt(body, "Title", limit=120)
    assert text.startswith("The first paragraph with code and a link.")
    assert text.endswith("…") and len(text) <= 121
    assert "*" not in text and "`" not in text and "Title" not in text


def test_reading_time_is_at_least_a_minute():
    assert render.reading_minutes("short") == 1
    assert render.reading_minutes("word " * 1000) == 5


def test_dates_in_each_language():
    day = datetime(2026, 11, 26, 23, 30, tzinfo=timezone.utc)
    assert i18n.format_date(day, "en") == "26 November 2026"
    assert i18n.format_date(day, "ru") == "26 ноября 2026"
    assert i18n.strings("de") == i18n.strings("en")
    assert i18n.language_order({"ru", "en", "de"}) == ["en", "ru", "de"]


def _post(post_id: int, lang: str, slug: str, title: str = "A title") -> Post:
    return Post(story_id=post_id, lang=lang, title=title, slug=slug, body_md="", id=post_id)


def test_paths_keep_what_was_recorded_and_never_collide():
    posts = [_post(1, "en", "same"), _post(2, "en", "Same"), _post(3, "ru", "same"), _post(4, "en", "", "Заголовок"),
             _post(5, "en", "x", "t")]
    recorded = {2: "en/same.html", 5: "../../etc/passwd"}
    paths = assign_paths(posts, recorded)
    assert paths == {1: "en/same-2.html", 2: "en/same.html", 3: "ru/same.html", 4: "en/zagolovok.html",
                     5: "en/x.html"}


def test_recorded_path_in_another_language_is_ignored():
    assert assign_paths([_post(1, "ru", "a")], {1: "en/a.html"}) == {1: "ru/a.html"}


def test_tag_slugs_keep_cpp_apart_from_c():
    assert assign_tag_slugs(["C++", "C#", "c", "Машинное обучение"]) == {
        "C#": "csharp", "C++": "cpp", "c": "c", "Машинное обучение": "mashinnoe-obuchenie"}
    assert assign_tag_slugs(["🙂"])["🙂"].startswith("tag-")


@given(st.lists(st.tuples(st.sampled_from(["en", "ru"]), st.text(max_size=30)), max_size=20))
def test_paths_are_unique_safe_and_ascii(items):
    posts = [_post(i + 1, lang, slug, title=slug) for i, (lang, slug) in enumerate(items)]
    paths = assign_paths(posts, {})
    assert len(set(paths.values())) == len(posts)
    for post in posts:
        path = paths[post.id]
        assert path.startswith(f"{post.lang}/") and path.endswith(".html") and path.isascii()
        assert "/" not in path[3:] and ".." not in path and not path.endswith("/index.html")
