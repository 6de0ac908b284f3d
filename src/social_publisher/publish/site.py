"""The `site` channel: a static, offline-readable blog rebuilt from the store on every run.

Layout (links relative, so the site works opened from disk; 404.html links from
the root of `[site] base_url`, since a server shows it at any depth):

    index.html                  title, tagline, latest posts of each language
    404.html                    the page a server shows for a missing path
    style.css, favicon.svg      our stylesheet and icon
    media/                      cover images from enrich
    <lang>/index.html           the newest posts, with a link to the archive
    <lang>/<slug>.html          one page per post (cover, meta, tags, translation, previous/next)
    <lang>/archive/index.html   every month with its post count
    <lang>/archive/YYYY-MM.html the posts of one month
    <lang>/tags/index.html      every tag with its post count
    <lang>/tags/<tag>.html      one page per tag
    <lang>/projects/index.html  every project with its post count
    <lang>/projects/<slug>.html one page per project
    <lang>/digests/<day>.html   the daily digest of that day (publish/digests.py), and an index
    <lang>/feed.xml             Atom, absolute links from [site] base_url (posts and digests)
    sitemap.xml                 every HTML page of this build but 404.html

The site is built in `prepare`, before any publication is recorded, so a
`site` publication row always means "the page is there". Building twice from
the same store writes the same bytes; a rebuild renders only the pages whose
inputs changed (see output.py) and only the post bodies it has not rendered
before (render.RenderCache, a file beside the store).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined

from social_publisher.config import Config
from social_publisher.publish import digest_text, digests, feeds, i18n, render
from social_publisher.publish.channel import Channel, PublishContext, register
from social_publisher.publish.content import SITE_CHANNEL, SitePost, Tag, absolute, site_posts
from social_publisher.publish.output import SiteOutput
from social_publisher.records import Digest, Post
from social_publisher.store import Store

HOME_POSTS = 5  # latest posts per language on the root index
HOME_DIGESTS = 3  # latest digests per language on the root index
INDEX_POSTS = 20  # newest posts on a language's index; the archive has the rest
STATIC_FILES = ("style.css", "favicon.svg")
RENDER_CACHE = "site-render-cache.sqlite"  # beside the store: nothing of ours in the published folder
TEMPLATE_CACHE = "site-template-cache"


@dataclass(frozen=True)
class SiteBuild:
    posts: list[SitePost]
    pages: int  # HTML pages in the site
    changed: int  # files whose bytes changed in this build
    removed: list[str]  # files of an earlier build that no longer belong
    made: list[str] = field(default_factory=list)  # files made in this build; the others' inputs had not changed
    digests: list[digests.SiteDigest] = field(default_factory=list)


@dataclass(frozen=True)
class Term:
    """A tag, a project or a month: a name, its page and its posts (newest first)."""

    name: str
    path: str
    posts: list[SitePost]


def _environment(cache_dir: Path | None = None) -> Environment:
    bytecode_cache = None
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        bytecode_cache = FileSystemBytecodeCache(str(cache_dir))  # compiled templates: a rebuild skips compiling
    env = Environment(
        loader=PackageLoader("social_publisher.publish", "templates"),
        bytecode_cache=bytecode_cache,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
        auto_reload=False,
    )
    env.filters["human_date"] = i18n.format_date
    env.filters["iso_date"] = lambda value: value.date().isoformat()
    env.filters["iso_time"] = lambda value: value.isoformat()
    env.globals["strings"] = i18n.strings
    env.globals["category_name"] = i18n.category_name
    return env


def _package_file(name: str) -> bytes:
    return resources.files("social_publisher.publish").joinpath(name).read_bytes()


def _code_key() -> str:
    """A digest of the code and templates that make the pages: a new version rebuilds every page."""
    digest = hashlib.blake2b(digest_size=16)
    package = resources.files("social_publisher.publish")
    for folder in (package, package.joinpath("templates")):
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_file() and entry.name.endswith((".py", ".html")):
                digest.update(entry.name.encode() + b"\0" + entry.read_bytes())
    return digest.hexdigest()


def _fingerprint(value: Any, out: list[str]) -> None:
    """Append a stable text form of a template value; a post stands for itself by its digest."""
    kind = type(value)
    if kind is str:
        out.append(value)
    elif kind is SitePost:
        out.append(value.digest)
    elif kind in (int, bool, float) or value is None:
        out.append(repr(value))
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for item in value:
            _fingerprint(item, out)
        out.append("]")
    elif isinstance(value, dict):
        out.append("{")
        for key in sorted(value):
            out.append(repr(key))
            _fingerprint(value[key], out)
        out.append("}")
    elif isinstance(value, datetime):
        out.append(value.isoformat())
    elif is_dataclass(value) and not isinstance(value, type):
        out.append(type(value).__name__)
        _fingerprint({f.name: getattr(value, f.name) for f in fields(value)}, out)
    else:
        out.append(repr(value))


class _Pages:
    """Renders pages with what every template needs: the site, the language, the way back to the root."""

    def __init__(self, config: Config, languages: list[str], output: SiteOutput):
        self.env = _environment(config.store.path.parent / TEMPLATE_CACHE)
        self.config = config
        self.languages = languages
        self.output = output
        self.html_pages: list[tuple[str, Any]] = []  # (path, lastmod) for the sitemap
        self.post_keys: dict[int, str] = {}
        site = config.site
        self.base_key = "\0".join([_code_key(), site.model_dump_json(), repr(languages)])

    def key(self, *parts: Any) -> str:
        out: list[str] = [self.base_key]
        _fingerprint(parts, out)
        return hashlib.blake2b("\0".join(out).encode(), digest_size=16).hexdigest()

    def write(self, template: str, path: str, lang: str, *, lastmod: Any = None,
              translations: list[tuple[str, str]] = (), root: str | None = None, in_sitemap: bool = True,
              made: str | None = None, key: str | None = None, **values: Any) -> None:
        """Write one page unless its inputs are those of the last build; `made` is its HTML when
        already rendered (by `render_post_pages`), `key` its key when already known."""
        key = key or self.key(template, path, lang, translations, root, values)
        self.output.write_page(path, key, lambda: made if made is not None else
                               self._render(template, path, lang, translations, root, values))
        if in_sitemap:
            self.html_pages.append((path, lastmod))

    def post_page_key(self, post: SitePost) -> str:
        key = self.post_keys.get(post.id)
        if key is None:
            key = self.post_keys[post.id] = self.key("post.html", post.path, post.lang, post.translations, None,
                                                     _post_values(post))
        return key

    def _render(self, template: str, path: str, lang: str, translations: list[tuple[str, str]],
                root: str | None, values: dict[str, Any]) -> str:
        base_url = self.config.site.base_url
        alternates = [{"lang": other, "url": absolute(base_url, other_path)}
                      for other, other_path in sorted([(lang, path), *translations])] if translations else []
        return self.env.get_template(template).render(
            site=self.config.site, lang=lang, ui=i18n.strings(lang),
            root="../" * path.count("/") if root is None else root,
            description=self.config.site.description_in(lang),
            canonical=absolute(base_url, path), absolute_url=lambda relative: absolute(base_url, relative),
            alternates=alternates,
            languages=[{"lang": code, "name": i18n.strings(code)["language_name"], "index": f"{code}/index.html"}
                       for code in self.languages],
            **values,
        )

    def write_file(self, path: str, key_parts: tuple, make: Callable[[], bytes | str]) -> None:
        self.output.write_page(path, self.key(path, key_parts), make)


def build_site(store: Store, config: Config) -> SiteBuild:
    """Write the whole site for the posts now approved or published."""
    posts = site_posts(store, config)
    languages = i18n.language_order(set(config.writer.languages) | {post.lang for post in posts})
    output = SiteOutput(config.site.out_dir)
    pages = _Pages(config, languages, output)
    cache = render.RenderCache(render_cache_path(config))
    try:
        _attach_bodies(posts, cache)
        return _build(store, config, posts, languages, output, pages)
    finally:
        cache.close()


def _build(store: Store, config: Config, posts: list[SitePost], languages: list[str], output: SiteOutput,
           pages: _Pages) -> SiteBuild:

    # Pages are written before the pages that list them (see output.py).
    for name in STATIC_FILES:
        output.write(name, _package_file(f"static/{name}"))
    for cover in sorted({post.cover for post in posts if post.cover}, key=lambda c: c.path):
        stat = cover.source.stat()
        pages.write_file(cover.path, (str(cover.source), stat.st_size, stat.st_mtime_ns), cover.source.read_bytes)
    # New posts first (nothing links to them yet), then the tag, project and month pages that list
    # them, then the older posts that now link to them (previous/next, translation), then indexes.
    made = render_post_pages(pages, posts)
    new = {post.id for post in posts if not output.exists(post.path)}
    for post in posts:
        if post.id in new:
            _write_post(pages, post, made)
    for lang in languages:
        _write_listings(pages, lang, [post for post in posts if post.lang == lang])
    for post in posts:
        if post.id not in new:
            _write_post(pages, post, made)
    day_digests = digests.site_digests(store, config, posts)
    _write_digests(pages, languages, day_digests)
    for lang in languages:
        in_lang = [post for post in posts if post.lang == lang]
        pages.write("list.html", f"{lang}/index.html", lang, lastmod=in_lang[0].date if in_lang else None,
                    posts=in_lang[:INDEX_POSTS], total=len(in_lang))
    for lang in languages:
        entries = sorted([post for post in posts if post.lang == lang] + [d for d in day_digests if d.lang == lang],
                         key=lambda entry: entry.date, reverse=True)[:feeds.FEED_SIZE]
        description = config.site.description_in(lang)
        pages.write_file(f"{lang}/feed.xml", (entries, description), lambda: feeds.atom_feed(
            lang=lang, title=config.site.title, subtitle=description, base_url=config.site.base_url,
            posts=entries))  # type: ignore[arg-type]
    home_lang = languages[0] if languages else "en"
    sections = _sections(posts, day_digests, languages)
    pages.write("404.html", "404.html", home_lang, root=_root_path(config.site.base_url), in_sitemap=False,
                sections=sections)
    pages.write("home.html", "index.html", home_lang, lastmod=posts[0].date if posts else None,
                sections=sections)
    sitemap_pages = sorted(pages.html_pages, key=lambda page: page[0])
    pages.write_file("sitemap.xml", (sitemap_pages,), lambda: feeds.sitemap(config.site.base_url, sitemap_pages))
    removed = output.commit()
    return SiteBuild(posts=posts, pages=len(pages.html_pages) + 1, changed=output.changed, removed=removed,
                     made=output.made, digests=day_digests)


def render_cache_path(config: Config) -> Path:
    """Rendered post bodies are kept beside the store (not in the published folder)."""
    return config.store.path.parent / RENDER_CACHE


def _attach_bodies(posts: list[SitePost], cache: render.RenderCache) -> None:
    cache.update({post.body_key: (post.post.body_md, post.title) for post in posts})
    for post in posts:
        post.bodies = cache


def _root_path(base_url: str) -> str:
    path = urlsplit(base_url).path or "/"
    return path if path.endswith("/") else path + "/"


def _sections(posts: list[SitePost], day_digests: list[digests.SiteDigest],
              languages: list[str]) -> list[dict[str, Any]]:
    return [{"lang": lang, "ui": i18n.strings(lang),
             "posts": [post for post in posts if post.lang == lang][:HOME_POSTS],
             "digests": [d for d in day_digests if d.lang == lang][:HOME_DIGESTS],
             "dui": digest_text.phrases(lang)}
            for lang in languages]


def _write_digests(pages: _Pages, languages: list[str], day_digests: list[digests.SiteDigest]) -> None:
    """A page per digest (linked to the same day's digest in the other languages), an index per language."""
    by_day: dict[str, list[digests.SiteDigest]] = {}
    for digest in day_digests:
        by_day.setdefault(digest.digest.day, []).append(digest)
    for digest in day_digests:
        others = [(other.lang, other.path) for other in by_day[digest.digest.day] if other.lang != digest.lang]
        pages.write("digest.html", digest.path, digest.lang, lastmod=digest.date, translations=others,
                    digest=digest, others=others, dui=digest_text.phrases(digest.lang))
    for lang in languages:
        in_lang = [digest for digest in day_digests if digest.lang == lang]
        if in_lang:
            pages.write("digests.html", f"{lang}/digests/index.html", lang, lastmod=in_lang[0].date,
                        digests=in_lang, dui=digest_text.phrases(lang))


def _group(posts: list[SitePost], keys: Callable[[SitePost], list[tuple[str, str]]],
           folder: str) -> list[Term]:
    """Posts grouped by (slug, name) pairs that `keys` gives for each post, in first-seen order of posts."""
    groups: dict[str, list[SitePost]] = {}
    names: dict[str, str] = {}
    for post in posts:
        for slug, name in keys(post):
            groups.setdefault(slug, []).append(post)
            names.setdefault(slug, name)
    return [Term(name=names[slug], path=f"{folder}/{slug}.html", posts=groups[slug]) for slug in groups]


def _post_values(post: SitePost) -> dict[str, Any]:
    return {"post": post, "older": post.older, "newer": post.newer}


def _write_post(pages: _Pages, post: SitePost, made: dict[str, str]) -> None:
    pages.write("post.html", post.path, post.lang, lastmod=post.date, translations=post.translations,
                made=made.get(post.path), key=pages.post_page_key(post), **_post_values(post))


_FORKED: tuple[_Pages, list[SitePost]] | None = None  # what forked workers render from (see below)


def _render_forked(index: int) -> str:
    pages, posts = _FORKED  # type: ignore[misc]
    post = posts[index]
    return pages._render("post.html", post.path, post.lang, post.translations, None, _post_values(post))


def render_post_pages(pages: _Pages, posts: list[SitePost]) -> dict[str, str]:
    """HTML of the post pages that must be made, rendered on every core when there are many (a first
    build); {} when few, which are then rendered one by one as they are written. Workers are forked
    with the posts and their bodies already in memory, so they touch no database."""
    global _FORKED
    todo = [post for post in posts if not pages.output.is_current(post.path, pages.post_page_key(post))]
    workers = min(os.cpu_count() or 1, 8)
    if workers < 2 or len(todo) < render.PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return {}
    for post in todo:
        post.rendered  # noqa: B018  (loads the body from the cache before forking)
    pages.env.get_template("post.html")  # compiled once, inherited by the workers
    _FORKED = (pages, todo)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            htmls = pool.map(_render_forked, range(len(todo)), chunksize=max(1, len(todo) // (workers * 4)))
    finally:
        _FORKED = None
    return {post.path: html for post, html in zip(todo, htmls)}


def _write_listings(pages: _Pages, lang: str, posts: list[SitePost]) -> None:
    newest = posts[0].date if posts else None
    listings = [
        ("tags", "tags_heading", "tagged", sorted(
            _group(posts, lambda p: [(t.slug, t.name) for t in p.tags], f"{lang}/tags"),
            key=lambda term: term.name.casefold())),
        ("projects", "projects_heading", "project_posts", sorted(
            _group(posts, lambda p: [(p.project_slug, p.project)] if p.project_slug else [], f"{lang}/projects"),
            key=lambda term: term.name.casefold())),
        ("archive", "archive_heading", "month_posts",
         _group(posts, lambda p: [(p.month, i18n.format_month(p.date, lang))], f"{lang}/archive")),
    ]
    for kind, heading, title_format, terms in listings:
        for term in terms:
            # Tag and project pages can hold hundreds of posts: a line each (title and date);
            # a month's page has room for the excerpts.
            pages.write("listing.html", term.path, lang, lastmod=term.posts[0].date, kind=kind,
                        heading=i18n.strings(lang)[title_format].format(name=term.name), posts=term.posts,
                        compact=kind != "archive")
        items = [(term.name, term.path.rsplit("/", 1)[1], len(term.posts)) for term in terms]
        years: list[tuple[int, list[tuple[str, str, int]]]] = []
        if kind == "archive":  # a heading per year, its months under it
            for term in terms:
                date = term.posts[0].date
                if not years or years[-1][0] != date.year:
                    years.append((date.year, []))
                years[-1][1].append((i18n.month_name(date, lang), term.path.rsplit("/", 1)[1], len(term.posts)))
        pages.write("terms.html", f"{lang}/{kind}/index.html", lang, lastmod=newest, kind=kind,
                    heading=i18n.strings(lang)[heading], terms=items, years=years)


@register
class SiteChannel(Channel):
    """Always on: every approved or published post gets a page; its remote id is the page's path."""

    name = SITE_CHANNEL
    idempotent = True  # rebuilding the site from the store never shows a post twice
    backfill = True  # every published post is on the site, so it has a site publication
    takes_digest = True  # a page per digest; its remote id is the page's path

    def __init__(self, config: Config):
        super().__init__(config)
        self.paths: dict[int, str] = {}
        self.digest_paths: dict[int, str] = {}

    def prepare(self, context: PublishContext) -> None:
        build = build_site(context.store, context.config)
        self.paths = {post.id: post.path for post in build.posts}
        self.digest_paths = {page.digest.id: page.path for page in build.digests}  # type: ignore[misc]
        context.report.pages_built = build.pages
        context.report.files_written = build.changed
        context.report.files_removed = len(build.removed)

    def publish(self, post: Post, context: PublishContext) -> str:
        path = self.paths.get(post.id)  # type: ignore[arg-type]
        if path is None:
            raise RuntimeError(f"post {post.id} ({post.status}) is not on the site")
        return path

    def publish_digest(self, digest: Digest, context: PublishContext) -> str:
        path = self.digest_paths.get(digest.id)  # type: ignore[arg-type]
        if path is None:
            raise RuntimeError(f"the {digest.lang} digest of {digest.day} is not on the site")
        return path


__all__ = ["SiteBuild", "SiteChannel", "Tag", "build_site"]
