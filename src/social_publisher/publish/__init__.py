"""Stage 5, publish: put approved posts on every enabled channel, exactly once each.

Channels (`Channel` subclasses, registered by name) include the always-on static
`site`. For each channel the stage claims a publications row before publishing
(`store.begin_publication`) and records the channel's id or the error after it
(`finish_publication`). So:
- a post published on a channel is never sent there again;
- a failed (post, channel) is retried on the next run, its attempts counted,
  without touching other channels;
- a row left "pending" by a crash is retried only on an idempotent channel
  (re-sending elsewhere could post twice; it is reported instead), or, on a channel that
  records its parts (publish/parts.py), resumed at the next part unless one part is uncertain,
  which waits for `publish --resolve`.
A post moves to "published" once any channel holds it.
Daily digests (publish/digests.py) are made first, so the site has their pages, and
then go to each channel with `takes_digest` under the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from social_publisher.config import Config
from social_publisher.errors import BackendUnavailable
from social_publisher.publish import digests, parts
from social_publisher.publish.channel import CHANNELS, Channel, PublishContext, register
from social_publisher.records import POST_APPROVED, POST_PUBLISHED, Post
from social_publisher.report import StageReport
from social_publisher.store import Store

__all__ = ["CHANNELS", "Channel", "PublishContext", "PublishReport", "publish", "register"]

MAX_ERROR_LENGTH = 500


@dataclass
class PublishReport(StageReport):
    stage: str = "publish"
    published: int = 0  # new (post, channel) publications in this run
    failed: int = 0  # (post, channel) attempts that failed in this run; retried next run
    pages_built: int = 0
    files_written: int = 0  # site files whose bytes changed
    files_removed: int = 0
    uncertain: int = 0  # publications waiting for `publish --resolve`
    site_dir: str = ""
    digests_made: int = 0  # (day, language) digests made in this run
    digests_published: int = 0  # new (digest, channel) publications in this run
    digests_failed: int = 0


def _load_builtin_channels() -> None:
    from social_publisher.publish import site  # noqa: F401  (registers the site channel)
    from social_publisher.publish import markdown  # noqa: F401  (the Markdown export, off by default)
    from social_publisher.publish import bluesky, mastodon, telegram  # noqa: F401  (HTTP channels, off by default)


def active_channels(config: Config) -> list[type[Channel]]:
    """Enabled channels in a fixed order: the site first, then the others by name."""
    _load_builtin_channels()
    names = sorted(CHANNELS, key=lambda name: (name != "site", name))
    return [CHANNELS[name] for name in names if CHANNELS[name].enabled(config)]


def publish(store: Store, config: Config, *, posts: bool = True,
            digest_days: list[date] | None = None) -> PublishReport:
    """Publish waiting posts (unless `posts` is false) and digests. Digests are made for
    `digest_days`, or by default for the recent closed days whose work is all written
    when `[digest] enabled`."""
    report = PublishReport(site_dir=str(config.site.out_dir))
    if digest_days is not None:
        report.digests_made = len(digests.make_digests(store, config, digest_days))
    elif config.digest.enabled:
        report.digests_made = len(digests.make_digests(store, config, digests.recent_closed_days(config),
                                                       wait=report.warnings))
    context = PublishContext(store=store, config=config, report=report, warnings=report.warnings)
    for channel_class in active_channels(config):
        _run_channel(channel_class, context, posts=posts)
    _mark_published(store)
    digests.mark_published(store)
    return report


def _run_channel(channel_class: type[Channel], context: PublishContext, *, posts: bool = True) -> None:
    store, report, name = context.store, context.report, channel_class.name
    waiting = _waiting_posts(store, channel_class, report, context.config) if posts else []
    try:
        channel = channel_class(context.config)
        channel.prepare(context)
    except BackendUnavailable as exc:
        report.warnings.append(f"{name}: disabled: {exc}")
        return
    except Exception as exc:  # a broken channel must not stop the others
        error = _describe(exc)
        for post in waiting:
            store.begin_publication(post.id, name)  # type: ignore[arg-type]
            store.finish_publication(post.id, name, error=error)  # type: ignore[arg-type]
        report.failed += len(waiting)
        report.warnings.append(f"{name}: could not start: {error}; {len(waiting)} post(s) will be retried")
        return
    errors = []
    for post in waiting:
        store.begin_publication(post.id, name)  # type: ignore[arg-type]
        try:
            remote_id = channel.publish(post, context)
        except Exception as exc:  # recorded on the row; retried on the next run
            error = _describe(exc)
            store.finish_publication(post.id, name, error=error)  # type: ignore[arg-type]
            errors.append(f"post {post.id}: {error}")
            report.failed += 1
            continue
        store.finish_publication(post.id, name, remote_id=str(remote_id))  # type: ignore[arg-type]
        report.published += 1
    if errors:
        report.warnings.append(f"{name}: {len(errors)} post(s) failed, retried next run; first: {errors[0]}")
    digests.publish_digests(channel, context)
    try:
        channel.finish(context)
    except Exception as exc:
        report.warnings.append(f"{name}: finishing failed: {_describe(exc)}")


def _waiting_posts(store: Store, channel_class: type[Channel], report: PublishReport,
                   config: Config) -> list[Post]:
    """Posts this channel should publish now: new approved ones, failed ones, and (for an
    idempotent channel, or one that records its parts) ones a crash left pending."""
    rows = {row.post_id: row for row in store.publications(channel_class.name)}
    waiting = []
    for post in store.posts(status=(POST_APPROVED, POST_PUBLISHED)):
        row = rows.get(post.id)  # type: ignore[arg-type]
        if not channel_class.accepts(post, config):
            continue
        if row is None:
            if post.status == POST_APPROVED or channel_class.backfill:
                waiting.append(post)
        elif row.status in ("failed", "pending") and channel_class.records_parts and \
                (held := parts.hold(store, channel_class, post.id)):  # type: ignore[arg-type]
            report.warnings.append(held)
            report.uncertain += 1
        elif row.status == "failed":
            waiting.append(post)
        elif row.status == "pending":
            if channel_class.idempotent or channel_class.records_parts:
                waiting.append(post)
            else:
                report.warnings.append(
                    f"{channel_class.name}: post {post.id} was interrupted while being sent and may be there "
                    f"already; not sending it again (look, then `social-publisher publish --resolve {post.id} "
                    "sent` or `resend`)")
                report.uncertain += 1
    return waiting


def _mark_published(store: Store) -> None:
    on_a_channel = {row.post_id for row in store.publications() if row.status == "published"}
    for post in store.posts(status=POST_APPROVED):
        if post.id in on_a_channel:
            store.set_post_status(post.id, POST_PUBLISHED)  # type: ignore[arg-type]


def _describe(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return text[:MAX_ERROR_LENGTH]
