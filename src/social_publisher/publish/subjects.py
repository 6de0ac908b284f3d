"""What is published: a post or a day's digest, as one `Subject` the exactly-once machinery
(publish/once.py, publish/parts.py) handles without caring which.

The few ways the two kinds differ live in their `Kind`: which of them a channel is offered (a
post in the channel's languages, `Channel.accepts`; a digest in the languages its config section
lists), which count as new (an approved post, a digest not published anywhere yet), which
channel method sends them, and how the user names one to `publish --resolve`: a post by its id
(`12`), a digest by day and language (`digest:2026-11-21:en`).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from social_publisher.config import Config
from social_publisher.errors import UsageError
from social_publisher.publish.channel import Channel, PublishContext
from social_publisher.publish.digests import DIGEST_NEW, channel_languages
from social_publisher.records import (PUBLISHES_DIGEST, PUBLISHES_POST, POST_APPROVED, POST_PUBLISHED, Digest, Post,
                                      PublicationKey)
from social_publisher.store import Store

_DIGEST_REF = re.compile(r"digest:(\d{4}-\d{2}-\d{2}):([\w-]+)")
REF_HELP = "a post id (a number) or a digest (digest:YYYY-MM-DD:LANG)"


class Kind(ABC):
    """Posts or digests: how the exactly-once loop treats one kind of publication."""

    name: ClassVar[str]  # PublicationKey.kind
    plural: ClassVar[str]  # for counts in warnings: "2 post(s) failed"
    published_counter: ClassVar[str]  # the PublishReport fields this kind counts in
    failed_counter: ClassVar[str]

    @abstractmethod
    def offered(self, store: Store, config: Config, channel_class: type[Channel]) -> list[Post | Digest]:
        """What may go to this channel at all (already published there or not)."""

    @abstractmethod
    def is_new(self, item: Post | Digest) -> bool:
        """Whether an item the channel never had goes to it (others only to a backfilling channel)."""

    @abstractmethod
    def send(self, channel: Channel, item: Post | Digest, context: PublishContext) -> str:
        """Publish the item with the channel's method for its kind; the channel's id for it."""

    @abstractmethod
    def name_of(self, item: Post | Digest) -> str:
        """The item in a list of failures: "post 12", "en digest of 2026-11-21"."""

    def label_of(self, item: Post | Digest) -> str:
        """The item as a sentence names it."""
        return self.name_of(item)

    @abstractmethod
    def ref_of(self, item: Post | Digest) -> str:
        """How the user names it to `publish --resolve`."""


class Posts(Kind):
    name, plural = PUBLISHES_POST, "post(s)"
    published_counter, failed_counter = "published", "failed"

    def offered(self, store: Store, config: Config, channel_class: type[Channel]) -> list[Post | Digest]:
        return [post for post in store.posts(status=(POST_APPROVED, POST_PUBLISHED))
                if channel_class.accepts(post, config)]

    def is_new(self, item: Post | Digest) -> bool:
        return item.status == POST_APPROVED

    def send(self, channel: Channel, item: Post | Digest, context: PublishContext) -> str:
        return channel.publish(item, context)  # type: ignore[arg-type]

    def name_of(self, item: Post | Digest) -> str:
        return f"post {item.id}"

    def ref_of(self, item: Post | Digest) -> str:
        return str(item.id)


class Digests(Kind):
    name, plural = PUBLISHES_DIGEST, "digest(s)"
    published_counter, failed_counter = "digests_published", "digests_failed"

    def offered(self, store: Store, config: Config, channel_class: type[Channel]) -> list[Post | Digest]:
        if not channel_class.takes_digest:
            return []
        languages = channel_languages(config, channel_class.name)
        return [digest for digest in store.digests() if languages is None or digest.lang in languages]

    def is_new(self, item: Post | Digest) -> bool:
        return item.status == DIGEST_NEW

    def send(self, channel: Channel, item: Post | Digest, context: PublishContext) -> str:
        return channel.publish_digest(item, context)  # type: ignore[arg-type]

    def name_of(self, item: Post | Digest) -> str:
        return f"{item.lang} digest of {item.day}"  # type: ignore[union-attr]

    def label_of(self, item: Post | Digest) -> str:
        return f"the {self.name_of(item)}"

    def ref_of(self, item: Post | Digest) -> str:
        return f"digest:{item.day}:{item.lang}"  # type: ignore[union-attr]


POSTS, DIGESTS = Posts(), Digests()
KINDS: tuple[Kind, ...] = (POSTS, DIGESTS)


@dataclass(frozen=True)
class Subject:
    """One thing to publish, of its kind."""

    kind: Kind
    item: Post | Digest

    @property
    def id(self) -> int:
        return self.item.id  # type: ignore[return-value]

    @property
    def name(self) -> str:
        return self.kind.name_of(self.item)

    @property
    def label(self) -> str:
        return self.kind.label_of(self.item)

    @property
    def ref(self) -> str:
        return self.kind.ref_of(self.item)

    def key(self, channel: str) -> PublicationKey:
        return PublicationKey(self.kind.name, self.id, channel)


def subject_of(item: Post | Digest) -> Subject:
    return Subject(DIGESTS if isinstance(item, Digest) else POSTS, item)


def find(store: Store, ref: str) -> Subject | None:
    """The post or digest a user's reference names (`12`, `digest:2026-11-21:en`); None when the
    store has none such. A reference of neither form is a usage error."""
    if ref.isdigit():
        post = next(iter(store.posts_by_id([int(ref)])), None)
        return Subject(POSTS, post) if post else None
    match = _DIGEST_REF.fullmatch(ref)
    if match is None:
        raise UsageError(f"--resolve takes {REF_HELP} and sent|resend, not {ref!r}")
    digest = next(iter(store.digests(day=match.group(1), lang=match.group(2))), None)
    return Subject(DIGESTS, digest) if digest else None
