"""Cover images: one 1200×630 PNG card per story (the size social cards use), made offline with Pillow.

One look for every card: a dark slate background, an accent bar, the project name on top,
the title large in the middle (wrapped to at most three lines, shrunk to fit), the tags at
the bottom. Text is drawn with DejaVu Sans shipped in `enrich/fonts/` (license beside it),
never the system's or Pillow's default font, which draws boxes for Cyrillic. The same text
gives the same bytes (no timestamps or random parts in the PNG), and a card stays under
MAX_BYTES (a palette image when the full-colour one would not).

The enrich stage makes the story's card from its headline (`cover_title`), before any post
exists: `<store dir>/covers/story-<id>.png`, kept in `brief.image_path`. Once the posts are
written, the write stage makes one card per language with the post's own title
(`make_post_covers`: `story-<id>-<lang>.png`, kept in `brief.covers`); `cover_for(brief, lang)`
is the card a channel should show for a post.
"""

from __future__ import annotations

import io
import os
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Iterable

from PIL import Image, ImageDraw, ImageFont

from social_publisher.records import POST_REJECTED, Brief

WIDTH, HEIGHT = 1200, 630
MAX_BYTES = 200_000
MARGIN = 80
BACKGROUND = (17, 24, 39)
ACCENT = (56, 189, 248)
TITLE_COLOUR = (243, 244, 246)
MUTED = (156, 163, 175)
TITLE_SIZES = (68, 60, 54, 48, 42)
MAX_TITLE_LINES = 3
MAX_TAGS = 5
FONT_DIR = files("social_publisher.enrich") / "fonts"


@lru_cache(maxsize=16)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """The shipped DejaVu Sans (Bold) at `size` pixels."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    with (FONT_DIR / name).open("rb") as handle:
        return ImageFont.truetype(io.BytesIO(handle.read()), size)


def cover_title(facts: dict[str, Any]) -> str:
    """What a story's card says in large type: its headline, else the goal, a note title, the project."""
    for text in (facts.get("headline"), facts.get("goal"), *(facts.get("note_titles") or [])):
        if text and text.strip():
            return " ".join(text.split())
    return str(facts.get("project") or "")


def render_cover(title: str, project: str, tags: Iterable[str] = ()) -> bytes:
    """The PNG bytes of one card."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 16, HEIGHT), fill=ACCENT)
    width = WIDTH - 2 * MARGIN
    draw.text((MARGIN, 70), _fit_line(project, font(34, bold=True), width), font=font(34, bold=True), fill=ACCENT)
    size, lines = _fit_title(title, width)
    title_font = font(size, bold=True)
    line_height = int(size * 1.22)
    top = (HEIGHT - line_height * len(lines)) // 2 + 10
    for index, line in enumerate(lines):
        draw.text((MARGIN, top + index * line_height), line, font=title_font, fill=TITLE_COLOUR)
    shown = "   ".join(f"#{tag}" for tag in list(tags)[:MAX_TAGS])
    if shown:
        draw.line((MARGIN, HEIGHT - 130, MARGIN + 120, HEIGHT - 130), fill=ACCENT, width=4)
        draw.text((MARGIN, HEIGHT - 105), _fit_line(shown, font(30), width), font=font(30), fill=MUTED)
    return _png(image)


def save_cover(path: Path, title: str, project: str, tags: Iterable[str] = ()) -> Path:
    """Write the card to `path` (folders made); an existing identical file is left untouched."""
    data = render_cover(title, project, tags)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not (path.is_file() and path.read_bytes() == data):
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(data)
        temporary.replace(path)
    return path


def cover_for(brief: Brief, lang: str) -> str | None:
    """The card for the post of `brief` in `lang`: its own-title card, else the story's card."""
    return brief.covers.get(lang) or brief.image_path


def stored_path(path: Path, base_dir: Path) -> str:
    """A card's path as a brief keeps it: relative to the config's folder when inside it (a moved
    workspace keeps its covers), absolute otherwise."""
    relative = os.path.relpath(path, base_dir)
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def make_post_covers(store, config, story_id: int) -> dict[str, str]:
    """One card per written (not rejected) post of the story, with the post's title; recorded in
    `brief.covers`. Nothing is made when `[enrich] cover_images` is off or the story has no brief."""
    brief = store.brief(story_id)
    if not config.enrich.cover_images or brief is None:
        return {}
    [story] = store.stories(ids=[story_id])
    made = dict(brief.covers)
    for post in store.posts(story_id=story_id):
        if post.status != POST_REJECTED:
            path = save_cover(store.path.parent / "covers" / f"story-{story_id}-{post.lang}.png",
                              post.title, story.project, story.tags)
            made[post.lang] = stored_path(path, config.base_dir)
    if made != brief.covers:
        store.set_brief_covers(story_id, made)
    return made


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    if buffer.tell() > MAX_BYTES:  # a very busy card: 64 colours are plenty for flat colour and text
        buffer = io.BytesIO()
        image.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _fit_title(title: str, width: int) -> tuple[int, list[str]]:
    """The largest size at which the title wraps into MAX_TITLE_LINES; the smallest size, cut, otherwise."""
    for size in TITLE_SIZES:
        lines = _wrap(title, font(size, bold=True), width)
        if len(lines) <= MAX_TITLE_LINES:
            return size, lines
    size = TITLE_SIZES[-1]
    lines = _wrap(title, font(size, bold=True), width)[:MAX_TITLE_LINES]
    lines[-1] = _fit_line(lines[-1] + " …", font(size, bold=True), width)
    return size, lines


def _wrap(text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        while face.getlength(word) > width:  # a word wider than the card is broken where it must
            cut = next((i for i in range(len(word) - 1, 0, -1) if face.getlength(word[:i]) <= width), 1)
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:cut])
            word = word[cut:]
        trial = f"{current} {word}".strip()
        if face.getlength(trial) <= width:
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines or [""]


def _fit_line(text: str, face: ImageFont.FreeTypeFont, width: int) -> str:
    """One line, shortened with an ellipsis when wider than `width`."""
    if face.getlength(text) <= width:
        return text
    while text and face.getlength(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"
