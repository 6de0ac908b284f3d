"""The `site` channel: a static, offline-readable blog rebuilt from the store on every run.

Layout (all links relative, so the site works opened from disk):

    index.html                  title, description, latest posts of each language
    style.css, media/           our stylesheet; cover images from enrich
    <lang>/index.html           every post, newest first
    <lang>/<slug>.html          one page per post
    <lang>/tags/index.html      every tag with its post count
    <lang>/tags/<tag>.html      one page per tag
    <lang>/digests/<day>.html   the daily digest of that day (publish/digests.py), and an index
    <lang>/feed.xml             Atom, absolute links from [site] base_url (posts and digests)
    sitemap.xml

The site is built in `prepare`, before any publication is recorded, so a
`site` publication row always means "the page is there". Building twice from
the same store writes the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from social_publisher.config import Config
from social_publisher.publish import digest_text, digests, feeds, i18n
from social_publisher.publish.channel import Channel, PublishContext, register
from social_publisher.publish.content import SITE_CHANNEL, SitePost, Tag, site_posts
from social_publisher.publish.output import SiteOutput
from social_publisher.records import Digest, Post
from social_publisher.store import Store

HOME_POSTS = 5  # latest posts per language on the root index
HOME_DIGESTS = 3  # latest digests per language on the root index


@dataclass(frozen=True)
class SiteBuild:
    posts: list[SitePost]
    pages: int  # HTML pages in the site
    changed: int  # files whose bytes changed in this build
    removed: list[str]  # files of an earlier build that no longer belong
    digests: list[digests.SiteDigest] = field(default_factory=list)


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("social_publisher.publish", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )
    env.filters["human_date"] = i18n.format_date
    env.filters["iso_date"] = lambda value: value.date().isoformat()
    env.globals["strings"] = i18n.strings
    return env


def _stylesheet() -> bytes:
    return resources.files("social_publisher.publish").joinpath("static/style.css").read_bytes()


class _Pages:
    """Renders pages with what every template needs: the site, the language, the way back to the root."""

    def __init__(self, config: Config, languages: list[str], output: SiteOutput):
        self.env = _environment()
        self.config = config
        self.languages = languages
        self.output = output
        self.html_pages: list[tuple[str, Any]] = []  # (path, lastmod) for the sitemap

    def write(self, template: str, path: str, lang: str, *, lastmod: Any = None,
              translations: list[tuple[str, str]] = (), **values: Any) -> None:
        root = "../" * path.count("/")
        base_url = self.config.site.base_url
        alternates = [{"lang": other, "url": feeds.absolute(base_url, other_path)}
                      for other, other_path in sorted([(lang, path), *translations])] if translations else []
        html = self.env.get_template(template).render(
            site=self.config.site, lang=lang, ui=i18n.strings(lang), root=root,
            canonical=feeds.absolute(base_url, path), alternates=alternates,
            languages=[{"lang": code, "name": i18n.strings(code)["language_name"], "index": f"{code}/index.html"}
                       for code in self.languages],
            **values,
        )
        self.output.write(path, html)
        self.html_pages.append((path, lastmod))


def build_site(store: Store, config: Config) -> SiteBuild:
    """Write the whole site for the posts now approved or published."""
    posts = site_posts(store, config)
    languages = i18n.language_order(set(config.writer.languages) | {post.lang for post in posts})
    output = SiteOutput(config.site.out_dir)
    pages = _Pages(config, languages, output)

    # Pages are written before the pages that list them (see output.py).
    output.write("style.css", _stylesheet())
    for cover in sorted({post.cover for post in posts if post.cover}, key=lambda c: c.path):
        output.write(cover.path, cover.source.read_bytes())
    for post in posts:
        pages.write("post.html", post.path, post.lang, lastmod=post.date, translations=post.translations,
                    post=post)
    day_digests = digests.site_digests(store, config, posts)
    _write_digests(pages, languages, day_digests)
    for lang in languages:
        _write_language(pages, lang, [post for post in posts if post.lang == lang])
    for lang in languages:
        in_lang = [post for post in posts if post.lang == lang]
        entries = sorted(in_lang + [d for d in day_digests if d.lang == lang], key=lambda e: e.date, reverse=True)
        output.write(f"{lang}/feed.xml", feeds.atom_feed(
            lang=lang, title=config.site.title, subtitle=config.site.description,
            base_url=config.site.base_url, posts=entries))  # type: ignore[arg-type]
    pages.write("home.html", "index.html", languages[0] if languages else "en",
                lastmod=posts[0].date if posts else None,
                sections=[{"lang": lang, "ui": i18n.strings(lang),
                           "posts": [post for post in posts if post.lang == lang][:HOME_POSTS],
                           "digests": [d for d in day_digests if d.lang == lang][:HOME_DIGESTS],
                           "dui": digest_text.phrases(lang)}
                          for lang in languages])
    output.write("sitemap.xml", feeds.sitemap(config.site.base_url, pages.html_pages))
    removed = output.commit()
    return SiteBuild(posts=posts, pages=len(pages.html_pages), changed=output.changed, removed=removed,
                     digests=day_digests)


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


def _write_language(pages: _Pages, lang: str, posts: list[SitePost]) -> None:
    newest = posts[0].date if posts else None
    by_tag: dict[str, list[SitePost]] = {}
    names: dict[str, str] = {}
    for post in posts:
        for tag in post.tags:
            by_tag.setdefault(tag.slug, []).append(post)
            names.setdefault(tag.slug, tag.name)
    tags = sorted((Tag(name=names[slug], slug=slug) for slug in by_tag), key=lambda t: t.name.casefold())
    for tag in tags:
        pages.write("tag.html", f"{lang}/tags/{tag.slug}.html", lang, lastmod=by_tag[tag.slug][0].date,
                    tag=tag, posts=by_tag[tag.slug])
    pages.write("tags.html", f"{lang}/tags/index.html", lang, lastmod=newest,
                tags=[(tag, len(by_tag[tag.slug])) for tag in tags])
    pages.write("list.html", f"{lang}/index.html", lang, lastmod=newest, posts=posts)


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
