"""Markdown to HTML for the site: a post body, its excerpt and its length.

markdown-it-py with the `commonmark` preset and `html=False`: raw HTML in a body is
escaped, `javascript:` links are refused. Tables and strikethrough are enabled
because writers use them. The page shows the post title as its only <h1>, so a
body that opens by repeating the title loses that heading and any other `#`
heading is rendered as <h2>. Fenced code with a known language is highlighted
with Pygments (CSS classes only; the colours live in style.css).
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

WORDS_PER_MINUTE = 200
RENDER_VERSION = "1"  # bump when the HTML made from the same Markdown changes
PARALLEL_FROM = 200  # bodies to render before a process pool pays for its start


@dataclass(frozen=True)
class RenderedBody:
    html: str
    excerpt: str
    minutes: int  # reading time


@lru_cache(maxsize=64)
def _lexer(lang: str) -> Any:
    try:
        return get_lexer_by_name(lang)
    except ClassNotFound:
        return None


def _highlight(code: str, lang: str, _attrs: str) -> str:
    """Pygments spans for a known language; "" lets markdown-it escape the code plainly."""
    lexer = _lexer(lang) if lang else None
    if lexer is None:
        return ""
    return highlight(code, lexer, _formatter())


@lru_cache(maxsize=1)
def _formatter() -> HtmlFormatter:
    return HtmlFormatter(nowrap=True)  # building one computes a whole stylesheet: once per process


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "highlight": _highlight}).enable(["table", "strikethrough"])


def _normalise(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text).strip().casefold()


def _tokens(body_md: str, title: str) -> list[Token]:
    tokens = _markdown().parse(body_md)
    if (len(tokens) >= 3 and tokens[0].type == "heading_open" and tokens[0].tag == "h1"
            and _normalise(tokens[1].content) == _normalise(title)):
        tokens = tokens[3:]
    for token in tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"
    return tokens


def render_post(body_md: str, title: str, excerpt_limit: int = 240) -> RenderedBody:
    """Everything a page needs from a body, parsed once."""
    md = _markdown()
    tokens = _tokens(body_md, title)
    return RenderedBody(html=md.renderer.render(tokens, md.options, {}),
                        excerpt=_excerpt(_paragraphs(tokens), excerpt_limit),
                        minutes=reading_minutes(body_md))


def body_key(body_md: str, title: str) -> str:
    """What a rendered body depends on, as a short stable key (for the build cache)."""
    return hashlib.blake2b(f"{RENDER_VERSION}\0{title}\0{body_md}".encode(), digest_size=16).hexdigest()


def _render_tuple(item: tuple[str, str]) -> tuple[str, str, int]:
    body = render_post(*item)
    return body.html, body.excerpt, body.minutes


class RenderCache:
    """Rendered bodies kept between builds in a small SQLite file, by `body_key`: a rebuild renders
    only new or edited posts, and reads only the bodies the pages it remakes show."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path)
        self.db.execute("CREATE TABLE IF NOT EXISTS bodies (key TEXT PRIMARY KEY, html TEXT NOT NULL, "
                        "excerpt TEXT NOT NULL, minutes INTEGER NOT NULL)")

    def close(self) -> None:
        self.db.close()

    def get(self, key: str) -> RenderedBody:
        row = self.db.execute("SELECT html, excerpt, minutes FROM bodies WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return RenderedBody(html=row[0], excerpt=row[1], minutes=row[2])

    def update(self, items: dict[str, tuple[str, str]]) -> int:
        """Make sure every (body_md, title) in `items` (by key) is rendered; forget keys not in it.
        Returns how many bodies were rendered. Many are rendered on every core (Markdown and
        Pygments are the cost of a full build)."""
        known = {row[0] for row in self.db.execute("SELECT key FROM bodies")}
        todo = [(key, item) for key, item in items.items() if key not in known]
        workers = min(os.cpu_count() or 1, 8)
        if workers > 1 and len(todo) >= PARALLEL_FROM:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                results = list(pool.map(_render_tuple, [item for _, item in todo],
                                        chunksize=max(1, len(todo) // (workers * 4))))
        else:
            results = [_render_tuple(item) for _, item in todo]
        stale = known - set(items)
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?, ?, ?)",
                                [(key, *result) for (key, _), result in zip(todo, results)])
            self.db.executemany("DELETE FROM bodies WHERE key = ?", [(key,) for key in stale])
        return len(todo)


def render_body(body_md: str, title: str) -> str:
    """The body as safe HTML, without a leading heading that repeats the title."""
    return render_post(body_md, title).html


def excerpt(body_md: str, title: str, limit: int = 240) -> str:
    """The opening of the post as plain text, cut at a word boundary near `limit` characters."""
    return _excerpt(_paragraphs(_tokens(body_md, title)), limit)


def _paragraphs(tokens: list[Token]) -> list[str]:
    """The text of each paragraph, Markdown markup removed."""
    paragraphs: list[str] = []
    inside = False
    for token in tokens:
        if token.type == "paragraph_open":
            inside = True
        elif token.type == "paragraph_close":
            inside = False
        elif inside and token.type == "inline":
            text = "".join(_inline_text(child) for child in token.children or [])
            text = re.sub(r"\s+", " ", text).strip()
            if text:
                paragraphs.append(text)
    return paragraphs


def _inline_text(token: Token) -> str:
    if token.type in ("text", "code_inline"):
        return token.content
    if token.type in ("softbreak", "hardbreak"):
        return " "
    if token.type == "image":
        return "".join(_inline_text(child) for child in token.children or [])
    return ""


def _excerpt(paragraphs: list[str], limit: int) -> str:
    text = ""
    for paragraph in paragraphs:
        text = f"{text} {paragraph}".strip()
        if len(text) >= limit * 0.6:
            break
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:—-")
    return cut + "…"


def reading_minutes(body_md: str) -> int:
    words = len(re.findall(r"\w+", body_md))
    return max(1, round(words / WORDS_PER_MINUTE))
