"""Exactly-once for publications sent as messages (parts) that are each recorded: every post and
digest on a channel with `records_parts`.

A channel with `records_parts` publishes through `send_parts`: each message (part) is recorded
as "sending" before its request leaves and as "sent", with the channel's id, once the answer
came back. So, after a crash:
- between two parts: every part is "sent" or not yet recorded; the next run resumes at the first
  part not sent;
- during a send: one part is still "sending", and the channel may or may not have it. Within the
  channel's `resend_window` it is sent again with the same key (the service drops the repeat);
  otherwise `hold` marks it "uncertain" and the publication waits for
  `publish --resolve POST_ID|digest:DAY:LANG sent|resend` (publish/once.py): never a silent resend.
Posts and digests alike: a part belongs to a PublicationKey (see publish/subjects.py).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from social_publisher import clock
from social_publisher.errors import PublisherError
from social_publisher.publish.http import DeliveryUncertain
from social_publisher.publish.subjects import Subject, subject_of
from social_publisher.records import PUBLISHES_POST, Digest, Post, PublicationKey, PublicationPart
from social_publisher.store import Store

if TYPE_CHECKING:
    from social_publisher.publish.channel import Channel, PublishContext

SENDING, SENT, UNCERTAIN, FAILED, RESEND = "sending", "sent", "uncertain", "failed", "resend"


@dataclass(frozen=True)
class Part:
    index: int
    key: str  # the same on every retry and resume of this part
    resumed: bool  # an earlier send of this very part was interrupted (the channel may check first)


class PartUncertain(PublisherError):
    """Raised by `send_parts` for a part that may or may not have reached the channel."""


def new_key(publication: PublicationKey, index: int) -> str:
    """A key no other store or publication will use: the publication's identity plus a nonce."""
    kind = "" if publication.kind == PUBLISHES_POST else f"{publication.kind}-"
    return f"social-publisher-{kind}{publication.item_id}-{publication.channel}-{index}-{secrets.token_hex(6)}"


def uncertain_message(channel: str, subject: Subject, index: int) -> str:
    return (f"{channel}: {subject.label}: message {index + 1} may or may not have reached the channel (the run "
            f"stopped while sending it); look, then run `social-publisher publish --resolve {subject.ref} sent` "
            f"if it is there or `--resolve {subject.ref} resend` if it is not")


def send_parts(context: "PublishContext", channel: "Channel", item: Post | Digest, count: int,
               send: Callable[[Part], str], *, pace: Callable[[], None] | None = None,
               key: Callable[[PublicationKey, int], str] = new_key) -> list[str]:
    """Send parts 0..count-1 of `item` (a stored post or digest) with `send(part) -> remote id`,
    skipping those already sent; return every part's remote id. `pace()` is called before each
    request (rate limits); `key(publication, index)` makes a part's key the first time it is sent."""
    store, subject = context.store, subject_of(item)
    publication = subject.key(channel.name)
    recorded = {row.part: row for row in store.parts_of(publication)}
    ids = []
    for index in range(count):
        row = recorded.get(index)
        if row is not None and row.status == SENT:
            ids.append(row.remote_id or "")
            continue
        if row is not None and row.status == UNCERTAIN:
            raise PartUncertain(uncertain_message(channel.name, subject, index))
        if pace is not None:
            pace()
        part = Part(index=index, key=row.key if row and row.key else key(publication, index),
                    resumed=row is not None and row.status == SENDING)
        store.begin_part_of(publication, index, part.key)
        uncertain = False
        try:
            remote_id = str(send(part))
        except DeliveryUncertain:
            if channel.resend_window <= 0:
                store.set_part_status(publication, index, UNCERTAIN)
                uncertain = True
            else:
                raise  # left "sending": the next run sends it again with the same key
        except Exception:
            store.set_part_status(publication, index, FAILED)
            raise
        if uncertain:
            raise PartUncertain(uncertain_message(channel.name, subject, index))
        store.set_part_status(publication, index, SENT, remote_id=remote_id)
        ids.append(remote_id)
    return ids


def hold(store: Store, channel_class: type["Channel"], subject: Subject) -> str | None:
    """Why an unfinished publication must wait for the user, or None when it may go on.

    A part left "sending" by a crash is sent again only within the channel's resend window;
    past it, it becomes "uncertain"."""
    now = clock.now()
    publication = subject.key(channel_class.name)
    for row in store.parts_of(publication):
        if row.status == SENDING:
            age = (now - clock.parse_iso(row.started_at)).total_seconds()
            if age < channel_class.resend_window:
                continue
            store.set_part_status(publication, row.part, UNCERTAIN)
            return uncertain_message(channel_class.name, subject, row.part)
        if row.status == UNCERTAIN:
            return uncertain_message(channel_class.name, subject, row.part)
    return None


def stuck_parts(store: Store, publication: PublicationKey) -> list[PublicationPart]:
    """The parts of a publication that may or may not have reached the channel."""
    return [row for row in store.parts_of(publication) if row.status in (SENDING, UNCERTAIN)]


def settle_parts(store: Store, publication: PublicationKey, stuck: list[PublicationPart], sent: bool) -> None:
    """The user's word on stuck parts: there (go on after them) or not (send them again)."""
    for row in stuck:
        store.set_part_status(publication, row.part, SENT if sent else RESEND)
