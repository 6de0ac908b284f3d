"""Typed records that flow between stages, one per table of DESIGN.md ("Records").

Stages never hand these to each other directly: each stage reads the records of the
stage before it from the store and writes its own back.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

# Activity kinds written by collectors.
COMMIT = "commit"
SESSION = "session"  # one turn group of an AI coding session (Claude Code, Codex, Aider)

# Session sources and the name of the tool a post may mention ("with Claude Code").
SESSION_TOOLS = {"claude-code": "Claude Code", "codex": "Codex", "aider": "Aider"}
NOTE = "note"

# Story statuses, in the order a story moves through the pipeline.
STORY_SELECTED = "selected"
STORY_BRIEFED = "briefed"
STORY_WRITTEN = "written"
STORY_DROPPED = "dropped"  # kept so its activity is not reconsidered

# Post statuses move forward only: draft -> checked -> approved -> published (or rejected).
POST_DRAFT = "draft"
POST_CHECKED = "checked"
POST_APPROVED = "approved"
POST_PUBLISHED = "published"
POST_REJECTED = "rejected"
POST_STATUS_ORDER = (POST_DRAFT, POST_CHECKED, POST_APPROVED, POST_PUBLISHED)


def fingerprint(*parts: object) -> str:
    """A stable identity for a record: sha256 over its identifying parts."""
    joined = "".join([f"{part}\x1f" for part in parts])
    return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclass(frozen=True)
class Activity:
    """One event of the developer's work: a commit, a session turn group, a note."""

    source: str  # source type: git | claude-code | notes | codex
    project: str
    kind: str  # COMMIT | SESSION | NOTE
    occurred_at: str  # ISO-8601, UTC
    author: str
    text: str  # the human words: commit message, prompts + assistant prose, note body
    meta: dict[str, Any]
    fingerprint: str
    id: int | None = None


@dataclass(frozen=True)
class Story:
    """A group of activity worth one post: per project and work session, scored."""

    project: str
    started_at: str
    ended_at: str
    score: float
    category: str
    tags: list[str]
    activity_ids: list[int]
    status: str = STORY_SELECTED
    explain: dict[str, Any] = field(default_factory=dict)
    fingerprint: str = ""
    id: int | None = None


@dataclass(frozen=True)
class Brief:
    """The facts the writer may use for one story, already redacted.

    `facts` keys (all optional except project/category/tags): see enrich/facts.py.
    `wiki` (enrich/wikipedia.py): None, or the Wikipedia fact about the story's main technology,
    CC BY-SA text a post must attribute and link:
    `{"tag": str, "en": {"title", "description", "extract", "url"}, "ru": {...}}`, "ru" absent
    when the page has no Russian version. `image_path` (enrich/covers.py): the story's 1200×630
    PNG cover card, relative to the config's folder (or absolute), None when covers are off; it
    shows the story's headline. `covers`: {lang: path} of the cards the write stage makes with each
    post's own title (`enrich.covers.cover_for(brief, lang)` picks one, falling back to `image_path`).
    """

    story_id: int
    facts: dict[str, Any]
    redactions: int = 0
    wiki: dict[str, Any] | None = None
    joke_id: str | None = None
    image_path: str | None = None
    covers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Post:
    """A written post in one language."""

    story_id: int
    lang: str
    title: str
    slug: str
    body_md: str
    status: str = POST_DRAFT
    created_at: str = ""
    llm_calls: int = 0
    backend: str = "offline"
    id: int | None = None


# What a publication publishes (`PublicationKey.kind`).
PUBLISHES_POST = "post"
PUBLISHES_DIGEST = "digest"


@dataclass(frozen=True)
class PublicationKey:
    """The identity of one publication: what is published (a post or a digest) and on which
    channel. Its row and its parts are kept under this key, the same way for both kinds."""

    kind: str  # PUBLISHES_POST | PUBLISHES_DIGEST
    item_id: int  # the post's or the digest's id
    channel: str

    @classmethod
    def of(cls, item: "Post | Digest", channel: str) -> "PublicationKey":
        return cls(PUBLISHES_DIGEST if isinstance(item, Digest) else PUBLISHES_POST, item.id, channel)  # type: ignore[arg-type]


@dataclass(frozen=True, kw_only=True)
class PublicationState:
    """Where one publication stands: claimed ("pending") before the channel is asked, then
    "published" with the channel's id or "failed" with the error (retried next run)."""

    channel: str
    status: str  # pending | published | failed
    remote_id: str | None = None
    published_at: str | None = None
    attempts: int = 0
    last_error: str | None = None

    @property
    def item_id(self) -> int:
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class Publication(PublicationState):
    """One post on one channel; UNIQUE(post_id, channel) makes re-publishing impossible."""

    post_id: int

    @property
    def item_id(self) -> int:
        return self.post_id


@dataclass(frozen=True)
class Digest:
    """One day's digest in one language: a line per post with its link, and the day's numbers."""

    day: str  # YYYY-MM-DD: the local day the posts are dated (their story's end), see publish/digests.py
    lang: str
    title: str
    body_md: str
    post_ids: tuple[int, ...] = ()
    numbers: dict[str, int] = field(default_factory=dict)  # projects, commits, sessions, posts
    status: str = "new"  # new | published (on at least one channel)
    created_at: str = ""
    id: int | None = None


@dataclass(frozen=True, kw_only=True)
class DigestPublication(PublicationState):
    """One digest on one channel; UNIQUE(digest_id, channel), kept exactly like `Publication`."""

    digest_id: int

    @property
    def item_id(self) -> int:
        return self.digest_id


@dataclass(frozen=True)
class PublicationPart:
    """One message of a publication (Telegram sends a post as the cover, then the text parts;
    a digest, or a post on Mastodon or Bluesky, is one part).

    Recorded before the send ("sending") and after it ("sent" with the channel's id), so a run
    killed between two messages resumes at the next one, and a run killed during a send leaves
    "sending", which the next run turns into "uncertain" for `publish --resolve`.
    """

    publication: PublicationKey
    part: int  # 0-based position in the publication
    status: str  # sending | sent | uncertain | failed | resend
    key: str  # stable across retries and resumes: the idempotency key or record key sent with it
    remote_id: str | None = None
    started_at: str = ""
    sent_at: str | None = None
