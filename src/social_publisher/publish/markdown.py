"""The `markdown` channel: every post and digest as a Markdown file with YAML front matter,
laid out for an existing Hugo or Jekyll blog (`[markdown] flavor`) under `[markdown] out_dir`.

    hugo                                        jekyll
    content/posts/<slug>.<lang>.md              <lang>/_posts/YYYY-MM-DD-<slug>.md
    content/digests/<day>.<lang>.md             <lang>/_posts/digests/<day>-digest.md
    static/covers/story-<id>.<ext>              assets/covers/story-<id>.<ext>

Front matter (title, date, slug, lang, translationKey, tags, categories, cover,
project) is written by PyYAML, so any title round-trips. The two languages of a post
share a translationKey (`story-<id>`), as Hugo links translations; slugs are the
site's, so both blogs agree. Jekyll makes the folder above `_posts` a category, so
the language is part of every URL there (`/ru/<category>/YYYY/MM/DD/<slug>.html`).
A digest links its posts the flavour's own way (Hugo `relref`, Jekyll `post_url`), so
a changed permalink scheme still resolves, and falls back to the site's URL for a
post not exported. Template syntax in a post (`{{< x >}}`, `{{ x }}`) stays text.

The whole tree is written on every run, as the site is; the same post gives the same
bytes and unchanged files are left alone, so the channel is idempotent, and files are
replaced atomically. Nothing is ever deleted: the tree belongs to the user's blog.
"""

from __future__ import annotations

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
from social_publisher.publish.output import write_if_changed
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
    verbatim: Callable[[str, dict[str, Any]], str]  # keeps the generator's template syntax in a body as text


def _hugo_link(path: str) -> str:
    return '{{< relref "/%s" >}}' % path.removeprefix("content/")


# `{{< x >}}` / `{{% x %}}` in a post (a post about Hugo) would run as a shortcode; Hugo's
# comment form `{{</* x */>}}` prints it as written.
_SHORTCODE = re.compile(r"\{\{([<%])(?!/\*)(.*?)([>%])\}\}", re.DOTALL)


def _hugo_verbatim(body: str, front: dict[str, Any]) -> str:
    return _SHORTCODE.sub(lambda m: "{{%s/*%s*/%s}}" % (m.group(1), m.group(2), m.group(3)), body)


def _jekyll_verbatim(body: str, front: dict[str, Any]) -> str:
    front["render_with_liquid"] = False  # `{{ x }}` and `{% x %}` in code stay text (Jekyll 4)
    return body


def _jekyll_link(path: str) -> str:
    lang, _, name = path.removesuffix(".md").partition("/_posts/")
    return "{%% post_url %s/%s %%}" % (lang, name)


LAYOUTS = {
    "hugo": Layout(post=lambda post, slug: f"content/posts/{slug}.{post.lang}.md",
                   digest=lambda lang, day: f"content/digests/{day}.{lang}.md",
                   static="static", covers="covers", link=_hugo_link, verbatim=_hugo_verbatim),
    "jekyll": Layout(post=lambda post, slug: f"{post.lang}/_posts/{post.date.date().isoformat()}-{slug}.md",
                     digest=lambda lang, day: f"{lang}/_posts/digests/{day}-digest.md",
                     static="", covers="assets/covers", link=_jekyll_link, verbatim=_jekyll_verbatim),
}


def front_matter(values: dict[str, Any]) -> str:
    """`---` YAML `---`, keys in the given order, Unicode kept as it is."""
    text = yaml.safe_dump(values, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
    return f"---\n{text}---\n"


_WORDS = re.compile(r"[\W_]+")


def _without_title_heading(body_md: str, title: str) -> str:
    """Blogs print the front matter title; drop a leading `# Title` that repeats it."""
    first, _, rest = body_md.lstrip("\n").partition("\n")
    if first.startswith("# ") and _WORDS.sub(" ", first[2:]).strip().casefold() == \
            _WORDS.sub(" ", title).strip().casefold():
        return rest.lstrip("\n")
    return body_md


def _slug(post: SitePost) -> str:
    return post.path.rsplit("/", 1)[-1].removesuffix(".html")


@register
class MarkdownChannel(Channel):
    """Exports to `[markdown] out_dir`; its remote id is the file's path there.

    Like the site, the whole tree is written in `prepare` (unchanged files are left
    alone), so a changed `out_dir` or `flavor`, or a deleted file, is mended on the next
    run; `publish` and `publish_digest` then report where each one is.
    """

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
        self.written: dict[tuple[str, int], str | Exception] = {}  # ("post"|"digest", id) -> path or error

    def prepare(self, context: PublishContext) -> None:
        posts = site_posts(context.store, context.config)
        for post in posts:
            self._export(("post", post.id), self._write_post, post)
        by_id = {post.id: post for post in posts}
        for digest in context.store.digests():
            self._export(("digest", digest.id), self._write_digest,  # type: ignore[arg-type]
                         digest, by_id, context.config)

    def _export(self, key: tuple[str, int], write: Callable[..., str], *args: Any) -> None:
        try:
            self.written[key] = write(*args)
        except Exception as exc:  # one unwritable file fails that post only
            self.written[key] = exc

    def _result(self, key: tuple[str, int], what: str) -> str:
        result = self.written.get(key)
        if result is None:
            raise RuntimeError(f"{what} is not approved for publishing")
        if isinstance(result, Exception):
            raise result
        return result

    def publish(self, post: Post, context: PublishContext) -> str:
        return self._result(("post", post.id), f"post {post.id} ({post.status})")  # type: ignore[arg-type]

    def publish_digest(self, digest: Digest, context: PublishContext) -> str:
        what = f"the {digest.lang} digest of {digest.day}"
        return self._result(("digest", digest.id), what)  # type: ignore[arg-type]

    def _cover_url(self, cover: Cover | None) -> str | None:
        if cover is None:
            return None
        relative = f"{self.layout.covers}/{Path(cover.path).name}"
        write_if_changed(self.out_dir / self.layout.static / relative, cover.source.read_bytes())
        return f"/{relative}"

    def _post_file(self, post: SitePost) -> str:
        return self.layout.post(post, _slug(post))

    def _write_post(self, item: SitePost) -> str:
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
        body = self.layout.verbatim(body, values)
        write_if_changed(self.out_dir / path, (front_matter(values) + "\n" + body).encode("utf-8"))
        return path

    def _write_digest(self, digest: Digest, posts: dict[int, SitePost], config: Config) -> str:
        entries = []
        for post_id in digest.post_ids:
            item = posts.get(post_id)
            if item is None:
                continue
            exported = isinstance(self.written.get(("post", post_id)), str)
            url = self.layout.link(self._post_file(item)) if exported else \
                feeds.absolute(config.site.base_url, item.path)
            entries.append(digest_text.Entry(item.title, url, item.project))
        day = date.fromisoformat(digest.day)
        values = {
            "title": digest.title, "date": digests.day_end(day, digests.zone(config)),
            "slug": f"digest-{digest.day}", "lang": digest.lang, "translationKey": f"digest-{digest.day}",
            "tags": [], "categories": ["digest"],
        }
        path = self.layout.digest(digest.lang, digest.day)
        body = digest_text.body(digest.numbers, entries, digest.lang)
        write_if_changed(self.out_dir / path, (front_matter(values) + "\n" + body).encode("utf-8"))
        return path
