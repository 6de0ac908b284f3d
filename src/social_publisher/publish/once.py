"""Exactly-once per (post or digest, channel): the one loop both kinds go through, and the
user's word on a publication a crash left uncertain (`publish --resolve`).

Each publication is claimed in the store before its channel is asked (`Store.claim_publication`)
and the channel's id or the error recorded after it. So:
- a post or digest published on a channel is never sent there again;
- a failed one is retried on the next run, its attempts counted, without touching other channels;
- one a crash left "pending" is retried only on an idempotent channel (re-sending elsewhere could
  post twice; it is reported instead and waits for `publish --resolve`), or, on a channel that
  records its parts (publish/parts.py), resumed at the next part unless one part is uncertain,
  which waits for `publish --resolve` too.
"""

from __future__ import annotations

from social_publisher.errors import UsageError
from social_publisher.publish import parts
from social_publisher.publish.channel import Channel, PublishContext
from social_publisher.publish.subjects import KINDS, POSTS, Kind, Subject, find
from social_publisher.store import Store

MAX_ERROR_LENGTH = 500
RESOLVE_ACTIONS = ("sent", "resend")


def describe(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return text[:MAX_ERROR_LENGTH]


def waiting(channel_class: type[Channel], context: PublishContext, kind: Kind) -> list[Subject]:
    """What of this kind the channel should publish now: new items, failed ones, and (for an
    idempotent channel, or one that records its parts) ones a crash left pending."""
    store, report, name = context.store, context.report, channel_class.name
    rows = {row.item_id: row for row in store.publication_states(kind.name, name)}
    found = []
    for item in kind.offered(store, context.config, channel_class):
        subject, row = Subject(kind, item), rows.get(item.id)  # type: ignore[arg-type]
        if row is None:
            if kind.is_new(item) or channel_class.backfill:
                found.append(subject)
        elif row.status in ("failed", "pending") and channel_class.records_parts and \
                (held := parts.hold(store, channel_class, subject)):
            report.warnings.append(held)
            report.uncertain += 1
        elif row.status == "failed":
            found.append(subject)
        elif row.status == "pending":
            if channel_class.idempotent or channel_class.records_parts:
                found.append(subject)
            else:
                report.warnings.append(
                    f"{name}: {subject.label} was interrupted while being sent and may be there already; not "
                    f"sending it again (look, then `social-publisher publish --resolve {subject.ref} sent` or "
                    "`resend`)")
                report.uncertain += 1
    return found


def waiting_all(channel_class: type[Channel], context: PublishContext, *, posts: bool = True) -> list[Subject]:
    """Every kind's waiting subjects for this channel, posts first (digests link to them)."""
    return [subject for kind in KINDS if posts or kind is not POSTS
            for subject in waiting(channel_class, context, kind)]


def publish_each(channel: Channel, context: PublishContext, subjects: list[Subject]) -> None:
    """Publish each subject to one prepared channel, recording the outcome of each."""
    store, report, name = context.store, context.report, channel.name
    errors: dict[Kind, list[str]] = {}
    for subject in subjects:
        key = subject.key(name)
        store.claim_publication(key)
        try:
            remote_id = subject.kind.send(channel, subject.item, context)
        except Exception as exc:  # recorded on the row; retried on the next run
            error = describe(exc)
            store.finish_publication_of(key, error=error)
            errors.setdefault(subject.kind, []).append(f"{subject.name}: {error}")
            _count(report, subject.kind.failed_counter)
            continue
        store.finish_publication_of(key, remote_id=str(remote_id))
        _count(report, subject.kind.published_counter)
    for kind, failures in errors.items():
        report.warnings.append(f"{name}: {len(failures)} {kind.plural} failed, retried next run; first: {failures[0]}")


def fail_each(channel_class: type[Channel], context: PublishContext, subjects: list[Subject], error: str) -> None:
    """A channel that could not start: every subject waiting for it fails, to be retried next run."""
    for subject in subjects:
        key = subject.key(channel_class.name)
        context.store.claim_publication(key)
        context.store.finish_publication_of(key, error=error)
        _count(context.report, subject.kind.failed_counter)
    counts = [f"{count} {kind.plural}" for kind in KINDS
              if (count := sum(subject.kind is kind for subject in subjects)) or kind is POSTS]
    context.report.warnings.append(f"{channel_class.name}: could not start: {error}; {' and '.join(counts)} "
                                   "will be retried")


def _count(report: object, counter: str) -> None:
    setattr(report, counter, getattr(report, counter) + 1)


def resolve(store: Store, channels: dict[str, type[Channel]], ref: str, action: str,
            channel: str | None = None) -> str:
    """Settle the uncertain publication of the post or digest `ref` names (on `channel`, needed
    when several are): `sent` (it is there: go on after it) or `resend` (it is not: send it
    again). Returns what was done, as a line for the user."""
    if action not in RESOLVE_ACTIONS:
        raise UsageError(f"--resolve takes sent or resend, not {action!r}")
    subject = find(store, ref)
    found = []
    for row in store.publication_states(subject.kind.name, channel) if subject else []:
        if row.item_id != subject.id or row.status == "published":  # type: ignore[union-attr]
            continue
        key = subject.key(row.channel)  # type: ignore[union-attr]
        stuck = parts.stuck_parts(store, key)
        channel_class = channels.get(row.channel)
        plain_pending = row.status == "pending" and not (channel_class and channel_class.records_parts)
        if stuck or plain_pending:
            found.append((key, stuck))
    label = subject.label if subject else (f"post {ref}" if ref.isdigit() else ref)
    if not found:
        raise UsageError(f"{label} has no publication waiting to be resolved"
                         + (f" on {channel}" if channel else "") + " (see `social-publisher status`)")
    if len(found) > 1:
        names = ", ".join(key.channel for key, _ in found)
        raise UsageError(f"{label} waits to be resolved on {names}: add --channel NAME")
    key, stuck = found[0]
    if not stuck:
        store.settle_publication(key, sent=action == "sent")
        return f"{key.channel}: {label} settled as {action}"
    parts.settle_parts(store, key, stuck, sent=action == "sent")
    numbers = ", ".join(str(row.part + 1) for row in stuck)
    then = "publishing goes on after it" if action == "sent" else "it is sent again now"
    return f"{key.channel}: {label} message {numbers} settled as {action}; {then}"

