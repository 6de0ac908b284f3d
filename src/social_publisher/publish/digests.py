"""The daily digest: one per closed day and language that has posts, made once, then
published to every channel that carries digests, exactly once per (digest, channel).

A post belongs to the local day its site page is dated (its story's end, else when it
was written), in `[digest] timezone` (default: the machine's local time). A day is
closed once it is over in that time; only closed days get a digest. `run` looks back
`[digest] days_back` closed days (a first run on a long history does not flood the
channels) and leaves a day whose work is not all told yet (activity select still holds
as an open session, stories not written yet) for a later run, for at most
MAX_WAIT_DAYS; `social-publisher digest --date` makes any closed day's at once. A
digest is stored when made and never rewritten: a post approved after its day's
digest exists is not added to it.

The day's numbers come from the store: projects and commits (the user's own, as the
git source marks them), AI sessions (distinct sessions with a turn that day) and posts
(in the digest's language).

A digest goes to each channel with `takes_digest` through the same exactly-once loop as a
post (publish/once.py: claimed in `digest_publications` before `publish_digest`, its parts
recorded on a channel that records them, settled with `publish --resolve digest:DAY:LANG`
when a crash leaves it uncertain). A channel whose config section lists `languages` gets only
the digests in those languages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Iterable
from zoneinfo import ZoneInfo

from social_publisher import clock
from social_publisher.config import Config
from social_publisher.errors import UsageError
from social_publisher.publish import digest_text, feeds, render
from social_publisher.publish.content import ON_SITE, SITE_CHANNEL, SitePost, assign_paths, post_date
from social_publisher.records import COMMIT, SESSION, STORY_BRIEFED, STORY_SELECTED, Digest, Post, Story
from social_publisher.store import Store

DIGEST_NEW = "new"
DIGEST_PUBLISHED = "published"
# A day waits for its unfinished work this many days at most, then gets the digest of what
# there is (a writer that stays broken must not hold digests back for ever).
MAX_WAIT_DAYS = 2


# -- days ---------------------------------------------------------------------------

def zone(config: Config) -> tzinfo | None:
    """The digest's time zone; None means the machine's local time."""
    return ZoneInfo(config.digest.timezone) if config.digest.timezone else None


def local_day(moment: datetime, tz: tzinfo | None) -> date:
    return moment.astimezone(tz).date()


def _local(day: date, at: time, tz: tzinfo | None) -> datetime:
    return datetime.combine(day, at, tzinfo=tz) if tz else datetime.combine(day, at).astimezone()


def day_end(day: date, tz: tzinfo | None) -> datetime:
    """The last second of a local day: the date a digest carries in feeds and exports."""
    return _local(day, time(23, 59, 59), tz)


def today(config: Config) -> date:
    return local_day(clock.now(), zone(config))


def recent_closed_days(config: Config) -> list[date]:
    """The closed days `run` makes digests for: yesterday and the `days_back - 1` before it."""
    yesterday = today(config) - timedelta(days=1)
    return [yesterday - timedelta(days=n) for n in reversed(range(config.digest.days_back))]


def closed_day(config: Config, day: date | None) -> date:
    """The day `digest --date` means (default yesterday); a day not over yet is a usage error."""
    current = today(config)
    if day is None:
        return current - timedelta(days=1)
    if day >= current:
        raise UsageError(f"--date {day.isoformat()}: that day is not over yet (today is {current.isoformat()} "
                         "in the digest's time zone); a digest is made once its day has ended")
    return day


# -- making digests -------------------------------------------------------------------

def make_digests(store: Store, config: Config, days: Iterable[date], *,
                 wait: list[str] | None = None) -> list[Digest]:
    """Store the digest of each given day and language that has posts and no digest yet.

    With `wait` (a list for warnings), a day whose work is not all told yet (see
    `unfinished_days`) is left for a later run instead.
    """
    tz = zone(config)
    wanted = set(days)
    if wait is not None and wanted:
        oldest_to_wait = today(config) - timedelta(days=MAX_WAIT_DAYS)
        unfinished = unfinished_days(store, {day for day in wanted if day >= oldest_to_wait}, tz)
        for day in sorted(unfinished):
            wait.append(f"digest: {day.isoformat()} waits for a later run: {unfinished[day]}")
        wanted -= set(unfinished)
    if not wanted:
        return []
    posts = store.posts(status=ON_SITE)
    stories = {story.id: story for story in store.stories()}
    recorded = {pub.post_id: pub.remote_id for pub in store.publications(SITE_CHANNEL) if pub.remote_id}
    paths = assign_paths(posts, recorded)  # the pages the site gives these posts
    by_day: dict[tuple[date, str], list[tuple[datetime, Post, Story | None]]] = {}
    for post in posts:
        story = stories.get(post.story_id)
        moment = post_date(post, story)
        day = local_day(moment, tz)
        if day in wanted:
            by_day.setdefault((day, post.lang), []).append((moment, post, story))
    existing = {(d.day, d.lang) for d in store.digests()}
    numbers_of: dict[date, dict[str, int]] = {}
    made = []
    for (day, lang), group in sorted(by_day.items()):
        if (day.isoformat(), lang) in existing:
            continue
        if day not in numbers_of:
            numbers_of[day] = day_numbers(store, day, tz)
        numbers = {**numbers_of[day], "posts": len(group)}
        ordered = sorted(group, key=lambda item: (item[0], item[1].id))
        entries = [digest_text.Entry(post.title, feeds.absolute(config.site.base_url, paths[post.id]),
                                     story.project if story else "")
                   for _, post, story in ordered]
        digest = Digest(day=day.isoformat(), lang=lang, title=digest_text.title(day, lang),
                        body_md=digest_text.body(numbers, entries, lang),
                        post_ids=tuple(post.id for _, post, _ in ordered), numbers=numbers)  # type: ignore[misc]
        digest_id = store.add_digest(digest)
        if digest_id is not None:
            made.append(store.digests(day=digest.day, lang=lang)[0])
    return made


def unfinished_days(store: Store, days: set[date], tz: tzinfo | None) -> dict[date, str]:
    """Days with activity that select still holds (a session going on at midnight) or stories
    not written yet (a spent LLM budget): what each waits for."""
    held: dict[date, int] = {}
    for row in store.activity(unconsidered=True):
        day = local_day(clock.parse_iso(row.occurred_at), tz)
        if day in days:
            held[day] = held.get(day, 0) + 1
    unwritten: dict[date, int] = {}
    for story in store.stories(status=(STORY_SELECTED, STORY_BRIEFED)):
        day = local_day(clock.parse_iso(story.ended_at), tz)
        if day in days:
            unwritten[day] = unwritten.get(day, 0) + 1
    return {day: ", ".join(part for part in (
        f"{held[day]} activity row(s) not selected yet" if day in held else "",
        f"{unwritten[day]} story(ies) not written yet" if day in unwritten else "") if part)
        for day in sorted(set(held) | set(unwritten))}


def day_numbers(store: Store, day: date, tz: tzinfo | None) -> dict[str, int]:
    """Projects, commits and AI sessions of one local day, from its activity."""
    start, end = _local(day, time(0), tz), _local(day + timedelta(days=1), time(0), tz)
    projects, commits, sessions = set(), 0, set()
    for row in store.activity_between(clock.iso(start), clock.iso(end)):
        if row.kind == COMMIT:
            if row.meta.get("own") is False:  # another author's commit (see [[sources]] authors)
                continue
            commits += 1
        elif row.kind == SESSION:
            sessions.add((row.source, str(row.meta.get("session_id") or row.fingerprint)))
        projects.add(row.project)
    return {"projects": len(projects), "commits": commits, "sessions": len(sessions)}


# -- publishing digests ---------------------------------------------------------------

def channel_languages(config: Config, channel_name: str) -> set[str] | None:
    """The languages a channel's config section allows (`[telegram] languages`), None for all."""
    languages = getattr(getattr(config, channel_name, None), "languages", None)
    return set(languages) if isinstance(languages, list) else None


def mark_published(store: Store) -> None:
    on_a_channel = {row.digest_id for row in store.digest_publications() if row.status == "published"}
    for digest in store.digests():
        if digest.status == DIGEST_NEW and digest.id in on_a_channel:
            store.set_digest_status(digest.id, DIGEST_PUBLISHED)  # type: ignore[arg-type]


# -- the site's digest pages ------------------------------------------------------------

@dataclass
class SiteDigest:
    """A digest as the site shows it; carries the attributes the Atom feed reads from a post."""

    digest: Digest
    path: str  # e.g. "en/digests/2026-11-20.html"
    date: datetime
    posts: list[SitePost]  # the digest's posts still on the site, in its order
    excerpt: str
    body_html: str
    tags: list = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.digest.lang

    @property
    def title(self) -> str:
        return self.digest.title

    @property
    def day(self) -> date:
        return date.fromisoformat(self.digest.day)


def digest_path(lang: str, day: str) -> str:
    return f"{lang}/digests/{day}.html"


def site_digests(store: Store, config: Config, posts: list[SitePost]) -> list[SiteDigest]:
    """Every stored digest as a site page, newest first."""
    tz = zone(config)
    by_id = {post.id: post for post in posts}
    pages = []
    for digest in store.digests():
        pages.append(SiteDigest(
            digest=digest, path=digest_path(digest.lang, digest.day),
            date=day_end(date.fromisoformat(digest.day), tz),
            posts=[by_id[post_id] for post_id in digest.post_ids if post_id in by_id],
            excerpt=digest_text.numbers_line(digest.numbers, digest.lang),
            body_html=render.render_post(digest.body_md, digest.title).html,
        ))
    pages.sort(key=lambda page: (page.digest.day, page.lang), reverse=True)
    return pages
