"""The Markdown export: Hugo and Jekyll trees whose front matter round-trips, every post and
digest present, translations linked; built by Debian's `hugo` where it is installed."""

from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from social_publisher.publish import publish
from social_publisher.records import COMMIT, Activity, Brief, Post, Story, fingerprint

# A valid 1x1 PNG, so the cover is a real image file.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
# Template syntax of Go, Hugo and Liquid inside a post: it must come out as text.
CODE = '```python\nx = 1\n```\n\n```text\n{{< youtube abc >}} {{% note %}} {{ page.title }} {% raw %}\n```\n'
TRICKY = 'Fix: the "quoted" key — it\'s #1 --- [done] & <ok>: 100%'


@pytest.fixture(autouse=True)
def now(monkeypatch):
    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", "2026-11-22T09:00:00+00:00")


def make_config(write_config, flavor: str = "hugo", enabled: bool = True):
    return write_config(f'[site]\nbase_url = "https://blog.example.org/"\n\n[digest]\ntimezone = "UTC"\n\n'
                        f'[markdown]\nenabled = {str(enabled).lower()}\nout_dir = "export"\nflavor = "{flavor}"\n')


def add_story(store, tmp_path: Path, key: str, ended_at: str, titles: dict[str, str], *, cover: bool = False,
              tags=("python", "sqlite")) -> dict[str, int]:
    story_id = store.add_story(Story(project="demo-app", started_at=ended_at, ended_at=ended_at, score=2.0,
                                     category="code_change", tags=list(tags), activity_ids=[], status="written",
                                     fingerprint=key))
    if cover:
        image = tmp_path / f"cover-{key}.png"
        image.write_bytes(PNG)
        store.save_brief(Brief(story_id=story_id, facts={}, image_path=str(image)))
    ids = {}
    for lang, title in titles.items():
        ids[lang] = store.add_post(Post(story_id=story_id, lang=lang, title=title, slug=f"{key}-{lang}",
                                        body_md=f"# {title}\n\nThe body of {key} in {lang}.\n\n{CODE}",
                                        status="approved", created_at="2026-11-21T09:00:00+00:00"))
    return ids


@pytest.fixture
def stories(store, tmp_path):
    store.add_activity([Activity(source="git", project="demo-app", kind=COMMIT, occurred_at="2026-11-20T08:00:00+00:00",
                                 author="me", text="c", meta={"own": True}, fingerprint=fingerprint("c"))])
    store.mark_considered([row.id for row in store.activity()])  # as select leaves it
    return {
        "tricky": add_story(store, tmp_path, "tricky", "2026-11-20T10:00:00+00:00",
                            {"en": TRICKY, "ru": "Исправил: «кавычки» и двоеточие: всё — 100%"}, cover=True),
        "plain": add_story(store, tmp_path, "plain", "2026-11-21T10:00:00+00:00",
                           {"en": "Faster tests with SQLite", "ru": "Быстрые тесты на SQLite"}),
    }


def read(path: Path) -> tuple[dict, str]:
    """Front matter and body, parsed the way a static site generator does: YAML between `---` lines."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    head, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(head), body


def test_hugo_tree_round_trips_every_post_with_translations_linked(store, write_config, stories):
    config = make_config(write_config)
    report = publish(store, config)
    assert report.failed == 0
    export = config.markdown.out_dir
    files = sorted(p.relative_to(export).as_posix() for p in (export / "content/posts").iterdir())
    assert len(files) == 4 and all(name.endswith((".en.md", ".ru.md")) for name in files)

    pages = {}
    for row in store.publications("markdown"):
        meta, body = read(export / row.remote_id)
        pages[row.post_id] = (row.remote_id, meta, body)
    assert set(pages) == {post.id for post in store.posts()}  # every post present
    for post in store.posts():
        path, meta, body = pages[post.id]
        assert meta["title"] == post.title  # colons, quotes, dashes, `#`, `---` survive
        assert meta["lang"] == post.lang and path == f"content/posts/{meta['slug']}.{post.lang}.md"
        assert meta["date"].isoformat() == post_story_end(store, post)
        assert meta["tags"] == ["python", "sqlite"] and meta["categories"] == ["code_change"]
        assert meta["translationKey"] == f"story-{post.story_id}"
        assert not body.lstrip().startswith("# ")  # the title lives in the front matter only
        assert "```python\nx = 1\n```" in body
        assert "{{</* youtube abc */>}} {{%/* note */%}} {{ page.title }} {% raw %}" in body
    keys = {post.lang: pages[post.id][1]["translationKey"] for post in store.posts(story_id=1)}
    assert keys["en"] == keys["ru"]
    assert pages[stories["tricky"]["en"]][1]["translationKey"] != pages[stories["plain"]["en"]][1]["translationKey"]

    cover = pages[stories["tricky"]["ru"]][1]["cover"]
    assert (export / "static" / cover.lstrip("/")).read_bytes() == PNG
    assert "cover" not in pages[stories["plain"]["en"]][1]


def post_story_end(store, post) -> str:
    return store.stories(ids=[post.story_id])[0].ended_at


def test_digests_are_exported_per_day_and_language(store, write_config, stories):
    config = make_config(write_config)
    publish(store, config)
    export = config.markdown.out_dir
    digests = {(d.day, d.lang): d for d in store.digests()}
    assert set(digests) == {(day, lang) for day in ("2026-11-20", "2026-11-21") for lang in ("en", "ru")}
    rows = {row.digest_id: row.remote_id for row in store.digest_publications("markdown")}
    assert rows[digests[("2026-11-20", "ru")].id] == "content/digests/2026-11-20.ru.md"
    meta, body = read(export / "content/digests/2026-11-20.ru.md")
    assert meta["title"] == "Дайджест за 20 ноября 2026" and meta["translationKey"] == "digest-2026-11-20"
    assert meta["lang"] == "ru" and meta["categories"] == ["digest"]
    assert "1 проект, 1 коммит, 1 запись." in body  # no session that day: not counted as "0"
    slug = store.publication(stories["tricky"]["ru"], "site").remote_id.split("/")[1].removesuffix(".html")
    assert f'{{{{< relref "/posts/{slug}.ru.md" >}}}}' in body


def test_jekyll_tree(store, write_config, stories):
    config = make_config(write_config, flavor="jekyll")
    publish(store, config)
    export = config.markdown.out_dir
    en = sorted(p.name for p in (export / "en/_posts").glob("*.md"))
    ru = sorted(p.name for p in (export / "ru/_posts").glob("*.md"))
    assert len(en) == len(ru) == 2
    for lang in ("en", "ru"):
        for path in (export / lang / "_posts").glob("*.md"):
            meta, body = read(path)
            assert path.name == f"{meta['date'].date().isoformat()}-{meta['slug']}.md"
            assert meta["lang"] == lang and meta["render_with_liquid"] is False
            assert "{{< youtube abc >}} {{% note %}} {{ page.title }} {% raw %}" in body
    meta, _ = read(export / "en/_posts" / en[0])
    assert meta["title"] == TRICKY and (export / meta["cover"].lstrip("/")).is_file()
    assert meta["cover"].startswith("/assets/covers/")
    _, body = read(export / "en/_posts/digests/2026-11-20-digest.md")
    assert f"{{% post_url en/{en[0].removesuffix('.md')} %}}" in body


def test_export_is_idempotent_and_backfills_when_turned_on(store, write_config, stories):
    publish(store, make_config(write_config, enabled=False))
    export = store.path.parent.parent / "export"
    assert not export.exists() and store.publications("markdown") == []

    config = make_config(write_config)
    report = publish(store, config)  # already-published posts are exported too
    assert len(store.publications("markdown")) == 4 and len(store.digest_publications("markdown")) == 4
    files = {path: path.stat().st_mtime_ns for path in export.rglob("*") if path.is_file()}
    before = {path: path.read_bytes() for path in files}

    # As if a crash had left them pending: on this idempotent channel they are simply written again.
    store.db.execute("UPDATE publications SET status = 'pending' WHERE channel = 'markdown'")
    report = publish(store, config)
    assert report.failed == 0 and report.published == 4
    assert {path: path.stat().st_mtime_ns for path in export.rglob("*") if path.is_file()} == files
    assert {path: path.read_bytes() for path in files} == before


def test_a_deleted_file_or_a_new_flavor_is_mended_on_the_next_run(store, write_config, stories):
    config = make_config(write_config)
    publish(store, config)
    export = config.markdown.out_dir
    victim = export / store.publications("markdown")[0].remote_id
    victim.unlink()
    publish(store, config)
    assert victim.is_file()

    publish(store, make_config(write_config, flavor="jekyll"))
    assert len([path for path in export.rglob("_posts/**/*.md")]) == 8  # 4 posts and 4 digests


def test_an_out_dir_that_is_a_file_disables_the_export_with_a_reason(store, write_config, stories):
    config = make_config(write_config)
    config.markdown.out_dir.write_text("not a folder")
    report = publish(store, config)
    assert any(w.startswith("markdown: disabled:") and "is not a folder" in w for w in report.warnings)
    assert store.publication(stories["plain"]["en"], "site").status == "published"


HUGO_CONFIG = """\
baseURL = "https://blog.example.org/"
title = "Exported"
defaultContentLanguage = "en"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]

[languages.en]
languageName = "English"
weight = 1

[languages.ru]
languageName = "Русский"
weight = 2
"""

SINGLE = """\
<h1>{{ .Title }}</h1>
<p class="lang">{{ .Lang }}</p>
{{ range .Translations }}<a class="translation" hreflang="{{ .Lang }}" href="{{ .RelPermalink }}">{{ .Title }}</a>
{{ end }}{{ with .Params.cover }}<img src="{{ . }}">{{ end }}
{{ .Content }}
"""


@pytest.mark.skipif(shutil.which("hugo") is None,
                    reason="Debian's hugo is not installed (apt-get install hugo) to build the exported tree")
def test_hugo_builds_the_exported_tree_in_both_languages(store, write_config, stories):
    config = make_config(write_config)
    publish(store, config)
    site = config.markdown.out_dir
    (site / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (site / "layouts/_default").mkdir(parents=True)
    (site / "layouts/_default/single.html").write_text(SINGLE, encoding="utf-8")
    (site / "layouts/_default/list.html").write_text("{{ range .Pages }}{{ .Title }}\n{{ end }}", encoding="utf-8")
    result = subprocess.run(["hugo", "--quiet", "--buildFuture", "--source", str(site), "--destination", "public"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr  # a broken relref or bad front matter fails the build

    public = site / "public"
    slugs = {post.id: store.publication(post.id, "site").remote_id.split("/")[1].removesuffix(".html")
             for post in store.posts()}
    en_id, ru_id = stories["tricky"]["en"], stories["tricky"]["ru"]
    en_page = (public / "posts" / slugs[en_id] / "index.html").read_text(encoding="utf-8")
    ru_page = (public / "ru/posts" / slugs[ru_id] / "index.html").read_text(encoding="utf-8")
    assert '<p class="lang">en</p>' in en_page and '<p class="lang">ru</p>' in ru_page
    assert f'hreflang="ru" href="/ru/posts/{slugs[ru_id]}/"' in en_page  # translations linked by translationKey
    assert f'hreflang="en" href="/posts/{slugs[en_id]}/"' in ru_page
    assert "Fix: the &#34;quoted&#34; key" in en_page
    assert "{{&lt; youtube abc &gt;}} {{% note %}} {{ page.title }}" in en_page  # printed, not run
    cover = yaml.safe_load((site / "content/posts" / f"{slugs[en_id]}.en.md").read_text().split("---\n")[1])["cover"]
    assert f'<img src="{cover}">' in en_page and (public / cover.lstrip("/")).read_bytes() == PNG
    for post in store.posts():
        prefix = "" if post.lang == "en" else "ru/"
        assert (public / f"{prefix}posts" / slugs[post.id] / "index.html").is_file()
    digest = (public / "ru/digests/digest-2026-11-20/index.html").read_text(encoding="utf-8")
    assert f'href="/ru/posts/{slugs[ru_id]}/"' in digest
    assert (public / "digests/digest-2026-11-21/index.html").is_file()


@pytest.mark.skipif(shutil.which("jekyll") is None,
                    reason="Debian's jekyll is not installed (apt-get install jekyll) to build the exported tree")
def test_jekyll_builds_the_exported_tree_in_both_languages(store, write_config, stories):
    config = make_config(write_config, flavor="jekyll")
    publish(store, config)
    site = config.markdown.out_dir
    (site / "_config.yml").write_text('title: Exported\ndefaults:\n  - scope: {path: ""}\n    values: {layout: default}\n')
    (site / "_layouts").mkdir()
    (site / "_layouts/default.html").write_text('<h1>{{ page.title }}</h1><p class="lang">{{ page.lang }}</p>'
                                                '{{ content }}', encoding="utf-8")
    result = subprocess.run(["jekyll", "build", "--quiet", "--source", str(site), "--destination", str(site / "_site")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr  # a broken post_url fails the build

    pages = {path.relative_to(site / "_site").as_posix(): path.read_text(encoding="utf-8")
             for path in (site / "_site").rglob("*.html")}
    by_lang = {lang: [path for path in pages if path.startswith(f"{lang}/code_change/")] for lang in ("en", "ru")}
    assert len(by_lang["en"]) == len(by_lang["ru"]) == 2  # the language keeps the URLs apart
    [en_tricky] = [path for path in by_lang["en"] if "/2026/11/20/" in path]
    assert "Fix: the &quot;quoted&quot; key" in pages[en_tricky] or 'Fix: the "quoted" key' in pages[en_tricky]
    assert "{{ page.title }} {% raw %}" in pages[en_tricky]  # Liquid left the code alone
    digests = sorted(path for path in pages if "/digest/" in path)
    assert [path.split("/")[0] for path in digests] == ["en", "en", "ru", "ru"]
    ru_digest = pages[next(path for path in digests if path.startswith("ru/") and "/2026/11/20/" in path)]
    [ru_tricky] = [path for path in by_lang["ru"] if "/2026/11/20/" in path]
    assert f'href="/{ru_tricky}"' in ru_digest
