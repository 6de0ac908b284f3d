"""What the site shows: every approved or published post as a `SitePost`, with its
story's project, category and tags, its date, its page path, its cover, its
translations and its neighbours in time. Bodies are rendered later (render.py,
through the build cache), so a rebuild renders only new or edited posts.

Page paths are stable: a post already published on the site keeps the path
recorded as its publication's `remote_id`; a new post gets a transliterated slug
("Привет, мир" -> `ru/privet-mir.html`), made unique within its language by a
numeric suffix given in post-id order.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from slugify import slugify

from social_publisher import clock
from social_publisher.config import Config
from social_publisher.publish import render
from social_publisher.records import POST_APPROVED, POST_PUBLISHED, Post, Story, fingerprint
from social_publisher.store import Store

SITE_CHANNEL = "site"
ON_SITE = (POST_APPROVED, POST_PUBLISHED)
SLUG_MAX_LENGTH = 80
RESERVED_SLUGS = {"index", "feed", "sitemap", "tags", "media", "style", "projects", "archive", "404"}
COVER_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".svg"}
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_SAFE_PATH = re.compile(r"^(?P<lang>[a-z]{2,3})/[a-z0-9][a-z0-9-]*\.html$")


def absolute(base_url: str, path: str) -> str:
    """An absolute URL for a path inside the site."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    if path and not path.startswith(("/", ".", "#", "?")) and ":" not in path:
        return base + path  # a site path: what urljoin would give, at a fraction of its cost
    return urljoin(base, path)


def page_url(config: Config, path: str) -> str:
    """The absolute URL of a site page, e.g. the `remote_id` of a post's `site` publication."""
    return absolute(config.site.base_url, path)


@dataclass(frozen=True)
class Tag:
    name: str
    slug: str


@dataclass(frozen=True)
class Cover:
    source: Path  # the image file the enrich stage made
    path: str  # where the site keeps its copy, relative to out_dir


@dataclass(eq=False)
class SitePost:
    post: Post
    story: Story | None
    path: str  # relative to out_dir, e.g. "en/faster-tests.html"
    date: datetime
    tags: list[Tag]
    project_slug: str = ""
    cover: Cover | None = None
    translations: list[tuple[str, str]] = field(default_factory=list)  # (lang, path)
    older: SitePost | None = None  # the previous post in this language
    newer: SitePost | None = None
    digest: str = ""  # changes whenever anything this post shows on a page changes
    bodies: Any = None  # where the rendered body is read from (render.RenderCache), set by the builder
    _body: Any = None

    @property
    def body_key(self) -> str:
        return render.body_key(self.post.body_md, self.post.title)

    @property
    def rendered(self) -> render.RenderedBody:
        if self._body is None:
            self._body = (self.bodies.get(self.body_key) if self.bodies is not None
                          else render.render_post(self.post.body_md, self.post.title))
        return self._body

    @property
    def body_html(self) -> str:
        return self.rendered.html

    @property
    def excerpt(self) -> str:
        return self.rendered.excerpt

    @property
    def minutes(self) -> int:
        return self.rendered.minutes

    @property
    def id(self) -> int:
        return self.post.id  # type: ignore[return-value]

    @property
    def lang(self) -> str:
        return self.post.lang

    @property
    def title(self) -> str:
        return self.post.title

    @property
    def project(self) -> str:
        return self.story.project if self.story else ""

    @property
    def category(self) -> str:
        return self.story.category if self.story else ""

    @property
    def month(self) -> str:
        return f"{self.date.year:04d}-{self.date.month:02d}"

    def __repr__(self) -> str:  # the neighbours link both ways: keep repr finite
        return f"SitePost(id={self.id}, path={self.path!r})"


def site_posts(store: Store, config: Config) -> list[SitePost]:
    """Every post the site shows, newest first (date, then id, so the order is stable)."""
    posts = store.posts(status=ON_SITE)
    stories = {story.id: story for story in store.stories()}
    recorded = {pub.post_id: pub.remote_id for pub in store.publications(SITE_CHANNEL) if pub.remote_id}
    paths = assign_paths(posts, recorded)
    tag_slugs = assign_tag_slugs(str(tag) for story in stories.values() for tag in story.tags)
    project_slugs = {project: _slug(project, tag=True) or f"project-{fingerprint(project)[:8]}"
                     for project in sorted({story.project for story in stories.values() if story.project})}
    cards = store.cover_cards()
    items = []
    for post in posts:
        story = stories.get(post.story_id)
        tags = _unique_tags([str(tag) for tag in story.tags] if story else [], tag_slugs)
        items.append(SitePost(
            post=post, story=story, path=paths[post.id], date=post_date(post, story), tags=tags,
            project_slug=project_slugs.get(story.project, "") if story else "",
            cover=post_cover(config, post, *cards.get(post.story_id, (None, {}))),
        ))
    by_story: dict[int, list[SitePost]] = {}
    for item in items:
        by_story.setdefault(item.post.story_id, []).append(item)
    for item in items:
        item.translations = sorted((other.lang, other.path) for other in by_story[item.post.story_id]
                                   if other.lang != item.lang)
        item.digest = _digest(item)
    items.sort(key=lambda item: (item.date, item.id), reverse=True)
    newest_in: dict[str, SitePost] = {}
    for item in reversed(items):  # oldest first
        older = newest_in.get(item.lang)
        if older is not None:
            item.older, older.newer = older, item
        newest_in[item.lang] = item
    return items


def _digest(item: SitePost) -> str:
    post = item.post
    shown = (post.id, post.lang, item.path, item.date.isoformat(), item.project, item.project_slug, item.category,
             [(t.name, t.slug) for t in item.tags], item.cover.path if item.cover else "", item.translations)
    digest = hashlib.blake2b(repr(shown).encode(), digest_size=16)
    digest.update(b"\0" + post.title.encode() + b"\0" + post.body_md.encode())
    return digest.hexdigest()


def post_date(post: Post, story: Story | None) -> datetime:
    """When the story happened (its end), else when the post was written."""
    for value in ((story.ended_at if story else ""), post.created_at):
        if value:
            try:
                return clock.parse_iso(value)
            except ValueError:
                continue
    return EPOCH


def assign_paths(posts: list[Post], recorded: dict[int, str]) -> dict[int, str]:
    """Page path per post id: the recorded one when valid, else a new unique slug."""
    paths: dict[int, str] = {}
    taken: set[str] = set()
    ordered = sorted(posts, key=lambda p: p.id or 0)
    for post in ordered:
        path = recorded.get(post.id or 0)
        match = _SAFE_PATH.match(path or "")
        if match and match.group("lang") == post.lang and path not in taken:
            paths[post.id] = path  # type: ignore[index, assignment]
            taken.add(path)  # type: ignore[arg-type]
    for post in ordered:
        if post.id in paths:
            continue
        base = _slug(post.slug) or _slug(post.title) or f"post-{post.id}"
        if base in RESERVED_SLUGS:
            base = f"{base}-post"
        candidate, number = base, 2
        while f"{post.lang}/{candidate}.html" in taken:
            candidate, number = f"{base}-{number}", number + 1
        paths[post.id] = f"{post.lang}/{candidate}.html"  # type: ignore[index]
        taken.add(paths[post.id])  # type: ignore[index]
    return paths


# Spelled out so the tags "C++" and "C#" do not both become "c".
_TAG_REPLACEMENTS = [["++", "pp"], ["#", "sharp"]]


def _slug(text: str, *, tag: bool = False) -> str:
    return slugify(text or "", max_length=SLUG_MAX_LENGTH, word_boundary=True,
                   replacements=_TAG_REPLACEMENTS if tag else ())


def assign_tag_slugs(names) -> dict[str, str]:
    """File-safe slug per tag name; names that slug alike ("C++" and "c") share a page."""
    slugs: dict[str, str] = {}
    for name in sorted(set(names)):
        slugs[name] = _slug(name, tag=True) or f"tag-{fingerprint(name)[:8]}"
    return slugs


def _unique_tags(names: list[str], slugs: dict[str, str]) -> list[Tag]:
    seen: set[str] = set()
    tags = []
    for name in names:
        slug = slugs.get(name) or _slug(name, tag=True)
        if slug and slug not in seen:
            seen.add(slug)
            tags.append(Tag(name=name, slug=slug))
    return tags


def _cover(store: Store, config: Config, story_id: int) -> Cover | None:
    """The cover of one story, from its brief."""
    brief = store.brief(story_id)
    return _cover_from(config, f"story-{story_id}", brief.image_path if brief else None)


def _cover_from(config: Config, name: str, image_path: str | None) -> Cover | None:
    if not image_path:
        return None
    source = Path(image_path).expanduser()
    if not source.is_absolute():
        source = config.base_dir / source
    suffix = source.suffix.lower()
    if suffix not in COVER_SUFFIXES or not source.is_file():
        return None
    return Cover(source=source, path=f"media/{name}{suffix}")


def post_cover(config: Config, post: Post, image_path: str | None, cards: dict[str, str]) -> Cover | None:
    """The cover of a post: the card with its own title in its language, else its story's card (as
    enrich.covers.cover_for picks it, without loading Pillow), None when there is none. A Russian
    page never shows the English headline."""
    own = _cover_from(config, f"story-{post.story_id}-{post.lang}", cards.get(post.lang))
    return own or _cover_from(config, f"story-{post.story_id}", image_path)


def cover_source(store: Store, config: Config, post: Post) -> Path | None:
    """The cover image file of a post (`post_cover`)."""
    brief = store.brief(post.story_id)
    cover = post_cover(config, post, brief.image_path, brief.covers) if brief else None
    return cover.source if cover else None


def post_url(config: Config, store: Store, post: Post) -> str:
    """The absolute address of a post's page on the site (`[site] base_url` + its page path): the
    path the site publication recorded, else the one the site will give it."""
    publication = store.publication(post.id, SITE_CHANNEL)  # type: ignore[arg-type]
    path = publication.remote_id if publication and publication.remote_id else None
    if path is None or not _SAFE_PATH.match(path):
        recorded = {pub.post_id: pub.remote_id for pub in store.publications(SITE_CHANNEL) if pub.remote_id}
        path = assign_paths(store.posts(status=ON_SITE), recorded).get(post.id)  # type: ignore[arg-type]
    return page_url(config, path or "")
