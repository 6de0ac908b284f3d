"""The channel contract: one small abstract class and a registry by name.

A channel is built once per publish run from the config, prepared once, asked to
publish each post that waits for it, then finished. The built-in `site` channel
registers itself exactly as a third-party one would:

    @register
    class Mastodon(Channel):
        name = "mastodon"
        def publish(self, post, context): ...; return status_id

The stage, not the channel, keeps the publications table (publish/once.py): it
claims a (post, channel) row before `publish` and records the returned id or the
error after it, so a channel never needs to know about retries or duplicates.

A channel that also carries the daily digest sets `takes_digest = True` and
implements `publish_digest` the same way: the stage keeps exactly-once for a
digest as for a post, and a channel with `records_parts` sends either through
`parts.send_parts`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from social_publisher.config import Config
from social_publisher.records import Digest, Post
from social_publisher.store import Store

__all__ = ["CHANNELS", "Channel", "Digest", "PublishContext", "register"]

if TYPE_CHECKING:
    from social_publisher.publish import PublishReport


@dataclass
class PublishContext:
    """What a channel may use during one publish run."""

    store: Store
    config: Config
    report: "PublishReport"
    warnings: list[str] = field(default_factory=list)


class Channel(ABC):
    """A place posts are published to. Subclasses set `name` and implement `publish`.

    Class attributes tell the stage how to treat the channel:
    - `idempotent`: publishing the same post twice has no visible effect, so a publication
      left "pending" by a crash is simply retried (for others it is reported, never re-sent);
    - `backfill`: posts published before this channel existed are published to it too;
    - `records_parts`: `publish` sends through `parts.send_parts`, which records each message
      before and after it is sent, so an interrupted publication resumes at the next message;
    - `resend_window`: seconds after an interrupted send during which sending it again with the
      same key cannot duplicate it (Mastodon's Idempotency-Key lives an hour; `math.inf` when the
      channel can always tell; 0: never, the user settles it with `publish --resolve`).
    """

    name: ClassVar[str]
    idempotent: ClassVar[bool] = False
    backfill: ClassVar[bool] = False
    takes_digest: ClassVar[bool] = False
    records_parts: ClassVar[bool] = False
    resend_window: ClassVar[float] = 0.0

    def __init__(self, config: Config):
        """Raise errors.BackendUnavailable when something needed is missing (a token, a tool)."""
        self.config = config

    @classmethod
    def enabled(cls, config: Config) -> bool:
        """Whether this channel takes part in a run with this config (a registered channel does by default)."""
        return True

    @classmethod
    def accepts(cls, post: Post, config: Config) -> bool:
        """Whether this post goes to this channel at all (e.g. its language is one the channel takes)."""
        return True

    def prepare(self, context: PublishContext) -> None:
        """Called once before the posts of a run (even when none waits)."""

    @abstractmethod
    def publish(self, post: Post, context: PublishContext) -> str:
        """Publish one post; return the channel's id for it (message id, page URL). Raise on failure."""

    def publish_digest(self, digest: Digest, context: PublishContext) -> str:
        """Publish one day's digest; return the channel's id for it. Only called when `takes_digest`."""
        raise NotImplementedError(f"{self.name} does not carry digests")

    def finish(self, context: PublishContext) -> None:
        """Called once after the posts of a run."""


CHANNELS: dict[str, type[Channel]] = {}


def register(cls: type[Channel]) -> type[Channel]:
    """Class decorator: make a Channel available by its `name`."""
    CHANNELS[cls.name] = cls
    return cls
