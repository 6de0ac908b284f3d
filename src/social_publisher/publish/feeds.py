"""Machine-read files of the site: an Atom feed per language and sitemap.xml.

Built with xml.etree so every document is well-formed whatever a post holds.
Links are absolute (from `[site] base_url`), as feed readers and crawlers need.
Nothing depends on the time of the build: a feed's `updated` is its newest
post's date, so an unchanged store gives unchanged bytes.
"""

from __future__ import annotations

import mimetypes
import re
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape
from datetime import datetime, timezone

from social_publisher.publish.content import EPOCH, SitePost, absolute

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
FEED_SIZE = 50  # newest posts per feed
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _stamp(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = _text(text)
    return element


def _serialise(root: ET.Element) -> str:
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def atom_feed(*, lang: str, title: str, subtitle: str, base_url: str, posts: list[SitePost]) -> str:
    """The Atom document for one language; `posts` newest first."""
    entries = posts[:FEED_SIZE]
    feed = ET.Element("feed", {"xmlns": ATOM_NS, XML_LANG: lang})
    _sub(feed, "title", title)
    if subtitle:
        _sub(feed, "subtitle", subtitle)
    _sub(feed, "id", absolute(base_url, f"{lang}/"))
    _sub(feed, "link", rel="self", type="application/atom+xml", href=absolute(base_url, f"{lang}/feed.xml"))
    _sub(feed, "link", rel="alternate", type="text/html", href=absolute(base_url, f"{lang}/index.html"))
    _sub(feed, "updated", _stamp(max((p.date for p in entries), default=EPOCH)))
    author = _sub(feed, "author")
    _sub(author, "name", title)
    _sub(feed, "generator", "social-publisher")
    for post in entries:
        url = absolute(base_url, post.path)
        entry = _sub(feed, "entry", **{XML_LANG: post.lang})
        _sub(entry, "title", post.title)
        _sub(entry, "id", url)
        _sub(entry, "link", rel="alternate", type="text/html", href=url)
        cover = getattr(post, "cover", None)
        if cover is not None:
            _sub(entry, "link", rel="enclosure", href=absolute(base_url, cover.path),
                 type=mimetypes.guess_type(cover.path)[0] or "application/octet-stream")
        _sub(entry, "published", _stamp(post.date))
        _sub(entry, "updated", _stamp(post.date))
        for tag in post.tags:
            _sub(entry, "category", term=tag.name)
        if post.excerpt:
            _sub(entry, "summary", post.excerpt)
        _sub(entry, "content", post.body_html, type="html", **{XML_BASE: url})
    return _serialise(feed)


def sitemap(base_url: str, pages: list[tuple[str, datetime | None]]) -> str:
    """sitemap.xml for (path, last modified or None) pairs, in path order.

    Written as text rather than through ElementTree: it has one shape, and with thousands of
    pages the tree and its indentation cost more than the rest of a one-post rebuild."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f'<urlset xmlns="{SITEMAP_NS}">']
    for path, modified in sorted(pages, key=lambda page: page[0]):
        lines.append("  <url>")
        lines.append(f"    <loc>{escape(_text(absolute(base_url, path)))}</loc>")
        if modified is not None:
            lines.append(f"    <lastmod>{modified.astimezone(timezone.utc).date().isoformat()}</lastmod>")
        lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"
