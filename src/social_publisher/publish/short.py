"""Short texts: a post as a status of a few hundred characters (Mastodon, Bluesky), and a digest
cut to fit one message on any channel.

A status is the title, the opening of the post cut at a word boundary to the room left, the
link, and hashtags from the story's tags where they fit. Each channel says how it counts
(`length`: Mastodon counts an address as 23, Bluesky counts graphemes) and what its link shows.
A digest that is too long loses list lines from its end and says how many more are on the site.
"""

from __future__ import annotations

import re
from typing import Callable

from social_publisher.config import Config
from social_publisher.publish import i18n
from social_publisher.publish.content import page_url
from social_publisher.records import Digest, Post
from social_publisher.store import Store

Length = Callable[[str], int]
_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,9}[.)])\s")
_BLOCK_LINE = re.compile(r"^\s*(?:[•◦]|\d+\.)\s|.* \| ", re.S)  # a list item or a table row, as richtext writes them
_MORE = {"en": "…and {n} more on the blog", "ru": "…и ещё {n} в блоге"}


def cut_words(text: str, room: int, length: Length = len) -> str:
    """`text`, or its opening cut at a word boundary with an ellipsis, no longer than `room`."""
    text = " ".join(text.split())
    if length(text) <= room:
        return text
    kept = ""
    for word in re.findall(r"\S+\s*", text):
        if length((kept + word).rstrip(" ,;:—-") + "…") > room:
            break
        kept += word
    kept = kept.rstrip(" ,;:—-")
    return kept + "…" if kept else ""


def hashtags(store: Store, post: Post) -> list[str]:
    """The story's tags as hashtags (letters and digits only: "C++" becomes #Cpp)."""
    story = next(iter(store.stories(ids=[post.story_id])), None)
    tags = []
    for tag in story.tags if story else []:
        word = re.sub(r"\W", "", str(tag).replace("++", "pp").replace("#", "sharp"))
        if word and not word.isdigit() and f"#{word}" not in tags:
            tags.append(f"#{word}")
    return tags


def status(title: str, opening: str, link: str, tags: list[str], *, limit: int,
           length: Length = len) -> tuple[str, int]:
    """Title, opening, link and the tags that fit, within `limit`; returns the text and the
    character offset where `link` starts in it."""
    title = cut_words(title, max(1, limit // 3), length)
    fixed = f"{title}\n\n\n\n{link}"
    tail = ""
    for tag in tags:
        if length(f"{fixed}{tail} {tag}") + 80 > limit:  # keep room for the opening first
            break
        tail = f"{tail} {tag}" if tail else tag
    room = limit - length(fixed) - (length(f"\n\n{tail}") if tail else 0)
    opening = cut_words(opening, room, length) if room > 0 else ""
    head = f"{title}\n\n{opening}\n\n" if opening else f"{title}\n\n"
    text = f"{head}{link}" + (f"\n\n{tail}" if tail else "")
    return text, len(head)


def opening(post: Post, limit: int = 1000) -> str:
    """The opening paragraphs of a post as plain text, up to its first heading, list, code block or table."""
    from social_publisher.publish import richtext as rt

    text = ""
    for block in rt.markdown_blocks(post.body_md, title=post.title):
        plain = rt.plain_text([block])[0]
        heading = all(rt.BOLD in run.tags for run in block if run.text.strip())  # the next section begins
        if heading or any(rt.PRE in run.tags for run in block) or _BLOCK_LINE.match(plain) or len(text) >= limit:
            break
        text = f"{text} {' '.join(plain.split())}".strip()
    return text


def digest_url(config: Config, digest: Digest) -> str:
    """Where a digest is on the site: its own page."""
    from social_publisher.publish.digests import digest_path  # digests imports the channels' package

    return page_url(config, digest_path(digest.lang, digest.day))


def digest_markdown(config: Config, digest: Digest, fits: Callable[[str], bool]) -> str:
    """The digest as Markdown ending with a link to its page on the site; list lines are dropped
    from the end (and counted in the link) until it `fits` the channel's one message."""
    url = digest_url(config, digest)
    lines = [f"# {digest.title}", "", *digest.body_md.rstrip().splitlines()]
    items = [index for index, line in enumerate(lines) if _LIST_ITEM.match(line)]

    def dropping(dropped: int) -> str:
        gone = set(items[len(items) - dropped:])
        kept = "\n".join(line for index, line in enumerate(lines) if index not in gone).rstrip()
        label = (_MORE.get(digest.lang, _MORE["en"]).format(n=dropped) if dropped
                 else i18n.strings(digest.lang)["read_more"])
        return f"{kept}\n\n[{label}]({url})"

    low, high = 0, len(items)  # the fewest lines to drop (fitting only gets easier as more go)
    while low < high:
        middle = (low + high) // 2
        if fits(dropping(middle)):
            high = middle
        else:
            low = middle + 1
    return dropping(low)
