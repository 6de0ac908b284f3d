"""Exactly-once for publications sent as several messages, and the user's word on uncertain ones.

A channel with `records_parts` publishes through `send_parts`: each message (part) is recorded
as "sending" before its request leaves and as "sent", with the channel's id, once the answer
came back. So, after a crash:
- between two parts: every part is "sent" or not yet recorded; the next run resumes at the first
  part not sent;
- during a send: one part is still "sending", and the channel may or may not have it. Within the
  channel's `resend_window` it is sent again with the same key (the service drops the repeat);
  otherwise `hold` marks it "uncertain" and the publication waits for
  `publish --resolve POST_ID sent|resend` (`resolve`): never a silent resend.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from social_publisher import clock
from social_publisher.errors import PublisherError, UsageError
from social_publisher.publish.http import DeliveryUncertain
from social_publisher.records import Post
from social_publisher.store import Store

if TYPE_CHECKING:
    from social_publisher.publish.channel import Channel, PublishContext

SENDING, SENT, UNCERTAIN, FAILED, RESEND = "sending", "sent", "uncertain", "failed", "resend"
RESOLVE_ACTIONS = ("sent", "resend")


@dataclass(frozen=True)
class Part:
    index: int
    key: str  # the same on every retry and resume of this part
    resumed: bool  # an earlier send of this very part was interrupted (the channel may check first)


class PartUncertain(PublisherError):
    """Raised by `send_parts` for a part that may or may not have reached the channel."""


def new_key(post: Post, channel: str, index: int) -> str:
    """A key no other store or publication will use: the publication's identity plus a nonce."""
    return f"social-publisher-{post.id}-{channel}-{index}-{secrets.token_hex(6)}"


def uncertain_message(channel: str, post_id: int, index: int) -> str:
    return (f"{channel}: post {post_id}: message {index + 1} may or may not have reached the channel (the run "
            f"stopped while sending it); look, then run `social-publisher publish --resolve {post_id} sent` "
            f"if it is there or `--resolve {post_id} resend` if it is not")


def send_parts(context: "PublishContext", channel: "Channel", post: Post, count: int,
               send: Callable[[Part], str], *, pace: Callable[[], None] | None = None,
               key: Callable[[Post, str, int], str] = new_key) -> list[str]:
    """Send parts 0..count-1 of `post` with `send(part) -> remote id`, skipping those already sent;
    return every part's remote id. `pace()` is called before each request (rate limits)."""
    store, name = context.store, channel.name
    recorded = {row.part: row for row in store.publication_parts(post.id, name)}  # type: ignore[arg-type]
    ids = []
    for index in range(count):
        row = recorded.get(index)
        if row is not None and row.status == SENT:
            ids.append(row.remote_id or "")
            continue
        if row is not None and row.status == UNCERTAIN:
            raise PartUncertain(uncertain_message(name, post.id, index))  # type: ignore[arg-type]
        if pace is not None:
            pace()
        part = Part(index=index, key=row.key if row else key(post, name, index),
                    resumed=row is not None and row.status == SENDING)
        store.begin_part(post.id, name, index, part.key)  # type: ignore[arg-type]
        uncertain = False
        try:
            remote_id = str(send(part))
        except DeliveryUncertain:
            if channel.resend_window <= 0:
                store.set_part_status(post.id, name, index, UNCERTAIN)  # type: ignore[arg-type]
                uncertain = True
            else:
                raise  # left "sending": the next run sends it again with the same key
        except Exception:
            store.set_part_status(post.id, name, index, FAILED)  # type: ignore[arg-type]
            raise
        if uncertain:
            raise PartUncertain(uncertain_message(name, post.id, index))  # type: ignore[arg-type]
        store.set_part_status(post.id, name, index, SENT, remote_id=remote_id)  # type: ignore[arg-type]
        ids.append(remote_id)
    return ids


def hold(store: Store, channel_class: type["Channel"], post_id: int) -> str | None:
    """Why an unfinished publication must wait for the user, or None when it may go on.

    A part left "sending" by a crash is sent again only within the channel's resend window;
    past it, it becomes "uncertain"."""
    now = clock.now()
    for row in store.publication_parts(post_id, channel_class.name):
        if row.status == SENDING:
            age = (now - clock.parse_iso(row.started_at)).total_seconds()
            if age < channel_class.resend_window:
                continue
            store.set_part_status(post_id, channel_class.name, row.part, UNCERTAIN)
            return uncertain_message(channel_class.name, post_id, row.part)
        if row.status == UNCERTAIN:
            return uncertain_message(channel_class.name, post_id, row.part)
    return None


def resolve(store: Store, channels: dict[str, type["Channel"]], post_id: int, action: str,
            channel: str | None = None) -> str:
    """Settle the uncertain publication of `post_id` (on `channel`, needed when several are):
    `sent` (it is there: go on after it) or `resend` (it is not: send it again). Returns what
    was done, as a line for the user."""
    if action not in RESOLVE_ACTIONS:
        raise UsageError(f"--resolve takes sent or resend, not {action!r}")
    found = []
    for publication in store.publications(channel):
        if publication.post_id != post_id or publication.status == "published":
            continue
        stuck = [row for row in store.publication_parts(post_id, publication.channel)
                 if row.status in (SENDING, UNCERTAIN)]
        channel_class = channels.get(publication.channel)
        plain_pending = publication.status == "pending" and not (channel_class and channel_class.records_parts)
        if stuck or plain_pending:
            found.append((publication.channel, stuck))
    if not found:
        raise UsageError(f"post {post_id} has no publication waiting to be resolved"
                         + (f" on {channel}" if channel else "") + " (see `social-publisher status`)")
    if len(found) > 1:
        names = ", ".join(name for name, _ in found)
        raise UsageError(f"post {post_id} waits to be resolved on {names}: add --channel NAME")
    name, stuck = found[0]
    if not stuck:
        store.settle_publication(post_id, name, sent=action == "sent")
        return f"{name}: post {post_id} settled as {action}"
    for row in stuck:
        store.set_part_status(post_id, name, row.part, SENT if action == "sent" else RESEND)
    numbers = ", ".join(str(row.part + 1) for row in stuck)
    then = "publishing goes on after it" if action == "sent" else "it is sent again now"
    return f"{name}: post {post_id} message {numbers} settled as {action}; {then}"
