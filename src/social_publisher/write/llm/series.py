"""Series continuity: the project's last published posts, for the prompt's "earlier_posts".

Each entry is one earlier story: its date, its title, a one-line gist and, per language, the
link to its page on the site. Links are relative to a post page (`<lang>/<slug>.html` pages
share a folder), so a post that says "in the previous post" links a page that exists.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Sequence

from social_publisher.write import provenance

if TYPE_CHECKING:
    from social_publisher.store import Store

SERIES_LENGTH = 3
MAX_GIST = 160


def earlier_posts(store: "Store | None", project: str, story_id: int, langs: Sequence[str]) -> list[dict[str, Any]]:
    if store is None or not project:
        return []
    stories: dict[int, dict[str, Any]] = {}
    for row in store.published_site_pages(project):
        post = row["post"]
        if post.story_id == story_id or post.lang not in langs or not row["page"]:
            continue
        if post.story_id not in stories:
            if len(stories) == SERIES_LENGTH:
                continue
            stories[post.story_id] = {"date": (row["ended_at"] or post.created_at)[:10], "links": {}}
        entry = stories[post.story_id]
        entry["links"][post.lang] = row["page"].split("/", 1)[-1]
        if post.lang == langs[0] or "title" not in entry:
            entry["title"] = post.title
            entry["gist"] = gist(post.body_md)
    return [{"date": e["date"], "title": e["title"], "gist": e["gist"], "links": e["links"]} for e in stories.values()]


def gist(body_md: str) -> str:
    """The first sentence of a body, as plain text, at most MAX_GIST characters."""
    body = provenance.strip_footer(body_md)
    for line in body.splitlines():
        plain = re.sub(r"[*_`#>]+|\[([^\]]*)\]\([^)]*\)", r"\1", line).strip()
        if plain and not plain.startswith(("-", "|")):
            sentence = re.split(r"(?<=[.!?])\s", plain, maxsplit=1)[0]
            return sentence if len(sentence) <= MAX_GIST else sentence[:MAX_GIST - 1].rsplit(" ", 1)[0] + "…"
    return ""
