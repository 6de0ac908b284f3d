"""The `markdown` channel: every post and digest as a Markdown file with YAML front matter,
laid out for an existing Hugo or Jekyll blog (`[markdown] flavor`) under `[markdown] out_dir`.

    hugo                                        jekyll
    content/posts/<slug>.<lang>.md              _posts/<lang>/YYYY-MM-DD-<slug>.md
    content/digests/<day>.<lang>.md             _posts/<lang>/digests/<day>-digest.md
    static/covers/story-<id>.<ext>              assets/covers/story-<id>.<ext>

Front matter (title, date, slug, lang, translationKey, tags, categories, cover,
project) is written by PyYAML, so any title round-trips. The two languages of a post
share a translationKey (`story-<id>`), as Hugo links translations; slugs are the
site's, so both blogs agree. A digest links its posts the flavour's own way (Hugo
`relref`, Jekyll `post_url`), so a renamed permalink scheme still resolves, and falls
back to the site's URL for a post not exported (yet).

Writing the same post twice gives the same bytes, and unchanged files are left alone,
so the channel is idempotent; files are replaced atomically. Nothing is ever deleted:
the tree belongs to the user's blog.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable

import yaml

from social_publisher.config import Config
from social_publisher.errors import BackendUnavailable
from social_publisher.publish import digest_text, digests, feeds
from social_publisher.publish.channel import Channel, PublishContext, register
from social_publisher.publish.content import Cover, SitePost, site_posts
from social_publisher.records import Digest, Post

MARKDOWN_CHANNEL = "markdown"


@dataclass(frozen=True)
class Layout:
    """Where one flavour keeps things, and how it links to a post from another page."""

    post: Callable[[SitePost, str], str]  # (post, slug) -> file path
    digest: Callable[[str, str], str]  # (lang, day) -> file path
    static: str  # folder served at the site root
    covers: str  # covers' folder inside `static`
    link: Callable[[str], str]  # a post's file path -> a link the flavour resolves at build time


def _hugo_link(path: str) -> str:
    return '{{< relref "/%s" >}}' % path.removeprefix("content/")


def _jekyll_link(path: str) -> str:
    return "{%% post_url %s %%}" % path.removeprefix("_posts/").removesuffix(".md")


LAYOUTS = {
    "hugo": Layout(post=lambda post, slug: f"content/posts/{slug}.{post.lang}.md",
                   digest=lambda lang, day: f"content/digests/{day}.{lang}.md",
                   static="static", covers="covers", link=_hugo_link),
    "jekyll": Layout(post=lambda post, slug: f"_posts/{post.lang}/{post.date.date().isoformat()}-{slug}.md",
                     digest=lambda lang, day: f"_posts/{lang}/digests/{day}-digest.md",
                     static="", covers="assets/covers", link=_jekyll_link),
}


def front_matter(values: dict[str, Any]) -> str:
    """`---` YAML `---`, keys in the given order, Unicode kept as it is."""
    text = yaml.safe_dump(values, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
    return f"---\n{text}---\n"


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """The inverse of a file this channel wrote: (front matter, body)."""
    _, head, body = text.split("---\n", 2)
    return yaml.safe_load(head), body


_WORDS = re.compile(r"[\W_]+")


def _without_title_heading(body_md: str, title: str) -> str:
    """Blogs print the front matter title; drop a leading `# Title` that repeats it."""
    first, _, rest = body_md.lstrip("\n").partition("\n")
    if first.startswith("# ") and _WORDS.sub(" ", first[2:]).strip().casefold() == \
            _WORDS.sub(" ", title).strip().casefold():
        return rest.lstrip("\n")
    return body_md


def _write(target: Path, content: bytes) -> bool:
    """Replace a file atomically when its bytes differ; True when it changed."""
    if target.is_file() and target.read_bytes() == content:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_bytes(content)
    os.replace(temporary, target)
    return True


def _slug(post: SitePost) -> str:
    return post.path.rsplit("/", 1)[-1].removesuffix(".html")


@register
class MarkdownChannel(Channel):
    """Exports to `[markdown] out_dir`; its remote id is the file's path there."""

    name = MARKDOWN_CHANNEL
    idempotent = True  # rewriting a file with the same bytes changes nothing
    backfill = True  # turning the export on exports every post already published
    takes_digest = True

    @classmethod
    def enabled(cls, config: Config) -> bool:
        return config.markdown.enabled

    def __init__(self, config: Config):
        super().__init__(config)
        self.out_dir = Path(config.markdown.out_dir)
        if self.out_dir.exists() and not self.out_dir.is_dir():
            raise BackendUnavailable(f"{self.out_dir}: [markdown] out_dir exists and is not a folder")
        self.layout = LAYOUTS[config.markdown.flavor]
        self.posts: dict[int, SitePost] = {}

    def prepare(self, context: PublishContext) -> None:
        self.posts = {post.id: post for post in site_posts(context.store, context.config)}

    def _cover_url(self, cover: Cover | None) -> str | None:
        if cover is None:
            return None
        relative = f"{self.layout.covers}/{Path(cover.path).name}"
        _write(self.out_dir / self.layout.static / relative, cover.source.read_bytes())
        return f"/{relative}"

    def _post_file(self, post: SitePost) -> str:
        return self.layout.post(post, _slug(post))

    def publish(self, post: Post, context: PublishContext) -> str:
        item = self.posts.get(post.id)  # type: ignore[arg-type]
        if item is None:
            raise RuntimeError(f"post {post.id} ({post.status}) is not approved for publishing")
        values: dict[str, Any] = {
            "title": item.title, "date": item.date, "slug": _slug(item), "lang": item.lang,
            "translationKey": f"story-{item.post.story_id}",
            "tags": [tag.name for tag in item.tags],
            "categories": [item.category] if item.category else [],
        }
        cover = self._cover_url(item.cover)
        if cover:
            values["cover"] = cover
        if item.project:
            values["project"] = item.project
        path = self._post_file(item)
        body = _without_title_heading(item.post.body_md, item.title).rstrip("\n") + "\n"
        _write(self.out_dir / path, (front_matter(values) + "\n" + body).encode("utf-8"))
        return path

    def publish_digest(self, digest: Digest, context: PublishContext) -> str:
        entries = []
        for post_id in digest.post_ids:
            item = self.posts.get(post_id)
            if item is None:
                continue
            file = self._post_file(item)
            url = self.layout.link(file) if (self.out_dir / file).is_file() else \
                feeds.absolute(context.config.site.base_url, item.path)
            entries.append(digest_text.Entry(item.title, url, item.project))
        day = date.fromisoformat(digest.day)
        values = {
            "title": digest.title, "date": digests.day_end(day, digests.zone(context.config)),
            "slug": f"digest-{digest.day}",
            "lang": digest.lang, "translationKey": f"digest-{digest.day}", "tags": [], "categories": ["digest"],
        }
        path = self.layout.digest(digest.lang, digest.day)
        body = digest_text.body(digest.numbers, entries, digest.lang)
        _write(self.out_dir / path, (front_matter(values) + "\n" + body).encode("utf-8"))
        return path
