"""The blog in a real browser: Debian's headless chromium opens the index and a post in each language
(bench/browser_check.py does the work); skipped where chromium is not installed."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from social_publisher.publish import publish
from social_publisher.records import Brief
from test_publish_site import add_post, add_story, png

_SPEC = importlib.util.spec_from_file_location(
    "browser_check", Path(__file__).resolve().parents[1] / "bench" / "browser_check.py")
browser_check = sys.modules.setdefault("browser_check", importlib.util.module_from_spec(_SPEC))
_SPEC.loader.exec_module(browser_check)

pytestmark = pytest.mark.skipif(browser_check.find_chromium() is None,
                                reason="chromium is not installed (apt-get install -y chromium); "
                                       "the browser check needs a real browser")

BODY_EN = """The suite took **12 s** on every push, so I looked at where the time went.

## What I changed

```python
@pytest.fixture(scope="session")
def store(tmp_path_factory):
    return Store(tmp_path_factory.mktemp("db") / "publisher.db")
```

| before | after |
|---|---|
| 12 s | 3 s |

A commit message in the middle: <script>alert("x")</script>, shown as text.
"""
BODY_RU = """Тесты шли **12 с** на каждом пуше, и я посмотрел, куда уходит время.

## Что я поменял

Одна база на сессию вместо базы на тест: `scope="session"`.
"""


@pytest.fixture
def site(store, write_config, tmp_path):
    config = write_config('[site]\nout_dir = "site"\nbase_url = "https://blog.example.org/"\n')
    for day in (18, 20):
        story = add_story(store, f"s{day}", tags=("python", "pytest"), ended_at=f"2026-11-{day}T12:00:00+00:00")
        add_post(store, story, "en", f"From 12 s to 3 s: a faster suite ({day})", f"faster-{day}", BODY_EN)
        add_post(store, story, "ru", f"С 12 до 3 секунд: быстрые тесты ({day})", f"bystrye-{day}", BODY_RU)
        store.save_brief(Brief(story_id=story, facts={}, image_path=str(png(tmp_path / f"cover{day}.png", 600, 315))))
    publish(store, config)
    return config.site.out_dir


def test_index_and_a_post_in_each_language_load_cleanly_in_chromium(site, tmp_path):
    pages = browser_check.pages_to_check(site)
    assert pages == ["index.html", "en/index.html", "en/faster-20.html", "ru/index.html", "ru/bystrye-20.html"]
    results = browser_check.check_pages(site, pages, tmp_path / "shots", height=1400)
    assert [problem for result in results for problem in result.problems] == []
    for result in results:
        assert result.screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert result.screenshot.stat().st_size > 10_000  # a rendered page, not a blank one
    post = next(result for result in results if result.page == "en/faster-20.html")
    assert '<script>alert("x")</script>' not in post.dom and "&lt;script&gt;" in post.dom


def test_the_check_fails_on_a_broken_link_a_missing_image_and_a_console_error(site, tmp_path):
    page = site / "en/broken.html"
    page.write_text('<!DOCTYPE html><html><head><link rel="icon" href="data:,"></head><body>'
                    '<a href="no-such-page.html">x</a><img src="../media/missing.png" alt="">'
                    '<script>undefinedFunction();</script></body></html>', encoding="utf-8")
    [result] = browser_check.check_pages(site, ["en/broken.html"], tmp_path / "shots", height=400)
    problems = "\n".join(result.problems)
    assert "broken local link no-such-page.html (404)" in problems
    assert "missing file: /media/missing.png" in problems
    assert "console:" in problems and "undefinedFunction" in problems
