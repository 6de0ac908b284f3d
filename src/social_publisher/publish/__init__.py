"""Stage 5, publish: put approved posts and the daily digests on every enabled channel, exactly
once each.

Channels (`Channel` subclasses, registered by name) include the always-on static `site`. Daily
digests (publish/digests.py) are made first, so the site has their pages. Then each channel gets
what waits for it, posts first, then digests (on a channel with `takes_digest`), through one
exactly-once loop (publish/once.py): a publication is claimed before it is sent and its outcome
recorded after, a failed one is retried next run without touching other channels, and one a crash
interrupted is resumed, looked up or held for `publish --resolve`, posts and digests alike.
A post (or digest) moves to "published" once any channel holds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from social_publisher.config import Config
from social_publisher.errors import BackendUnavailable
from social_publisher.publish import digests, once
from social_publisher.publish.channel import CHANNELS, Channel, PublishContext, register
from social_publisher.records import POST_APPROVED, POST_PUBLISHED
from social_publisher.report import StageReport
from social_publisher.store import Store

__all__ = ["CHANNELS", "Channel", "PublishContext", "PublishReport", "publish", "register"]


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
    report, name = context.report, channel_class.name
    subjects = once.waiting_all(channel_class, context, posts=posts)
    try:
        channel = channel_class(context.config)
        channel.prepare(context)
    except BackendUnavailable as exc:
        report.warnings.append(f"{name}: disabled: {exc}")
        return
    except Exception as exc:  # a broken channel must not stop the others
        once.fail_each(channel_class, context, subjects, once.describe(exc))
        return
    once.publish_each(channel, context, subjects)
    try:
        channel.finish(context)
    except Exception as exc:
        report.warnings.append(f"{name}: finishing failed: {once.describe(exc)}")


def _mark_published(store: Store) -> None:
    on_a_channel = {row.post_id for row in store.publications() if row.status == "published"}
    for post in store.posts(status=POST_APPROVED):
        if post.id in on_a_channel:
            store.set_post_status(post.id, POST_PUBLISHED)  # type: ignore[arg-type]
