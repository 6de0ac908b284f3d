"""`run` killed with SIGKILL anywhere, then run again, ends where an uninterrupted run ends.

Real processes on the demo workspace with Telegram (English posts, long
enough to take several messages) and Mastodon on, against loopback fakes that answer slowly enough to be caught
mid-send. Each kill point is a condition the test watches for from outside (the store read
through a read-only SQLite connection, the fakes' request logs, the site folder), then kills
the process; a few are timed. After a kill, `run` again until it finishes; a Telegram message
left uncertain, a post's or a digest's, is settled with `publish --resolve ID sent|resend` from
what the fake really got (the documented behaviour). Then the store (activity, stories, posts by
(story, language), publications, digests), the site's files and every message each fake received
are compared with a clean run's.

The demo is built once and copied per kill point; kill points run a few at a time (most of a
run is Telegram's 1-message-a-second pacing, which costs no CPU).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from fakes.mastodon_server import MastodonServer
from fakes.telegram_server import TelegramServer
from social_publisher.config import load_config
from social_publisher.demo import make_workspace
from social_publisher.publish.output import MANIFEST
from social_publisher.publish.telegram import plan
from social_publisher.store import Store

NOW = "2026-11-26T09:00:00+00:00"
TELEGRAM_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ"
MASTODON_TOKEN = "mastodon-test-token-Zx81"
SLOW = 0.15  # seconds each fake waits before answering: a send is in flight that long
PARALLEL = 8
RUN_TIMEOUT = 120


@dataclass
class World:
    """One workspace copy and its two fake services."""
    root: Path
    telegram: TelegramServer
    mastodon: MastodonServer

    @property
    def db_path(self) -> Path:
        return self.root / "state" / "publisher.db"

    @property
    def config_path(self) -> Path:
        return self.root / "publisher.toml"

    def query(self, sql: str) -> list[tuple]:
        if not self.db_path.exists():
            return []
        try:
            db = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=0.2)
            try:
                return db.execute(sql).fetchall()
            finally:
                db.close()
        except sqlite3.OperationalError:  # not migrated yet, or busy for a moment
            return []

    def count(self, table: str, where: str = "1") -> int:
        rows = self.query(f"SELECT count(*) FROM {table} WHERE {where}")
        return rows[0][0] if rows else 0

    def site_files(self) -> int:
        site = self.root / "site"
        return sum(1 for path in site.rglob("*") if path.is_file()) if site.is_dir() else 0

    def sends(self, route: str) -> int:
        return len(self.telegram.received(route))

    def start(self, *args: str) -> subprocess.Popen:
        env = {**os.environ, "SOCIAL_PUBLISHER_NOW": NOW, "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
               "MASTODON_TOKEN": MASTODON_TOKEN}
        return subprocess.Popen([sys.executable, "-m", "social_publisher", "--config", str(self.config_path), *args],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def finish(self, *args: str) -> str:
        process = self.start(*args)
        out, _ = process.communicate(timeout=RUN_TIMEOUT)
        assert process.returncode == 0, f"{self.root.name}: {' '.join(args)} exited {process.returncode}:\n{out}"
        return out

    def settle(self) -> None:
        """Let the fakes act on a request a killed process sent as it died (they act after `SLOW`)."""
        time.sleep(2 * SLOW + 0.1)


@dataclass
class KillPoint:
    name: str
    when: Callable[[World], bool] | None = None  # kill as soon as this holds
    after: float | None = None  # or this many seconds after the start
    found: list[str] = field(default_factory=list)


def parts_in(world: World, status: str) -> list[tuple]:
    return world.query(f"SELECT post_id, channel, part FROM publication_parts WHERE status = '{status}'")


def en_post_between_parts(world: World) -> bool:
    """A Telegram post of several messages has its first sent and its second not begun."""
    rows = world.query("SELECT post_id, group_concat(part || ':' || status) FROM publication_parts "
                       "WHERE channel = 'telegram' GROUP BY post_id")
    return any(parts == "0:sent" and world.count("posts", f"id = {post_id} AND lang = 'en'") for post_id, parts in rows)


def digest_sent_to_telegram(world: World) -> bool:
    return any("day in numbers" in str(request.fields.get("text", "")) for request in world.telegram.requests)


KILL_POINTS = [
    KillPoint("collect: first activity row", lambda w: w.count("activity") >= 1),
    KillPoint("collect: 20 activity rows", lambda w: w.count("activity") >= 20),
    KillPoint("select: first row considered", lambda w: w.count("activity", "id NOT IN (SELECT activity_id FROM activity_pending)") >= 1),
    KillPoint("select: first story", lambda w: w.count("stories") >= 1),
    KillPoint("select: 4 stories", lambda w: w.count("stories") >= 4),
    KillPoint("enrich: first brief", lambda w: w.count("briefs") >= 1),
    KillPoint("enrich: 4 briefs", lambda w: w.count("briefs") >= 4),
    KillPoint("write: first post", lambda w: w.count("posts") >= 1),
    KillPoint("write: 5 posts", lambda w: w.count("posts") >= 5),
    KillPoint("write: 11 posts", lambda w: w.count("posts") >= 11),
    KillPoint("publish: first digest made", lambda w: w.count("digests") >= 1),
    KillPoint("publish: site build, first files", lambda w: w.count("digests") >= 1 and w.site_files() >= 1),
    KillPoint("publish: site build, 40 files", lambda w: w.site_files() >= 40),
    KillPoint("telegram: first send in flight", lambda w: w.sends("sendPhoto") >= 1),
    KillPoint("telegram: first message answered, pacing", lambda w: len(parts_in(w, "sent")) >= 1 and
              w.count("publication_parts", "channel = 'telegram'") >= 1 and not parts_in(w, "sending")),
    KillPoint("telegram: between two parts of a post", en_post_between_parts),
    KillPoint("telegram: part 2 of a post in flight", lambda w: w.count(
        "publication_parts", "channel = 'telegram' AND part = 1 AND status = 'sending'") >= 1 and w.sends("sendMessage") >= 1),
    KillPoint("telegram: 6th message in flight", lambda w: w.sends("sendPhoto") + w.sends("sendMessage") >= 6),
    KillPoint("telegram: digest in flight", digest_sent_to_telegram),
    KillPoint("mastodon: first status in flight", lambda w: len(w.mastodon.requests) >= 1),
    KillPoint("mastodon: 4th status in flight", lambda w: len(w.mastodon.requests) >= 4),
    KillPoint("mastodon: digest in flight", lambda w: w.count("digest_publications", "channel = 'mastodon'") >= 1),
    KillPoint("timed: 0.6 s", after=0.6),
    KillPoint("timed: 3 s", after=3.0),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("crash") / "template"
    previous = os.environ.get("SOCIAL_PUBLISHER_NOW")
    os.environ["SOCIAL_PUBLISHER_NOW"] = NOW
    try:
        make_workspace(root)
        with Store(root / "state" / "publisher.db") as store:
            store.redaction_key()  # every copy masks alike, so their posts can be compared word for word
    finally:
        if previous is None:
            del os.environ["SOCIAL_PUBLISHER_NOW"]
        else:
            os.environ["SOCIAL_PUBLISHER_NOW"] = previous
    return root


def make_world(template: Path, name: str) -> World:
    root = template.parent / name
    shutil.copytree(template, root, symlinks=True)
    telegram, mastodon = TelegramServer(TELEGRAM_TOKEN).start(), MastodonServer(MASTODON_TOKEN).start()
    telegram.delay = mastodon.delay = SLOW
    config = root / "publisher.toml"
    config.write_text(config.read_text(encoding="utf-8") + f"""
[telegram]
enabled = true
chat_id = "@dev_log"
api_base = "{telegram.url}"
languages = ["en"]

[mastodon]
enabled = true
instance = "{mastodon.url}"
""", encoding="utf-8")
    return World(root, telegram, mastodon)


def resolve_uncertain(world: World, output: str, point: KillPoint) -> bool:
    """Settle each uncertain Telegram part, a post's or a digest's, as the fake's log says; True if
    there was one."""
    rows = parts_in(world, "uncertain")
    digest_rows = world.query("SELECT d.day, d.lang, d.title, x.channel, x.part FROM digest_publication_parts x "
                              "JOIN digests d ON d.id = x.digest_id WHERE x.status = 'uncertain'")
    if not rows and not digest_rows:
        return False
    config = load_config(world.config_path)
    delivered = Counter(message.html for message in world.telegram.messages)
    for post_id, channel, index in rows:
        assert channel == "telegram", f"{point.name}: {channel} left uncertain:\n{output}"
        assert f"--resolve {post_id} sent" in output, output
        with Store(world.db_path) as store:
            post = next(post for post in store.posts() if post.id == post_id)
            html = plan(post, config, store)[index].html
        arrived = delivered[html] >= 1
        point.found.append(f"telegram post {post_id} message {index + 1} uncertain; it had "
                           f"{'arrived' if arrived else 'not arrived'}: resolved {'sent' if arrived else 'resend'}")
        world.finish("publish", "--resolve", str(post_id), "sent" if arrived else "resend")
    for day, lang, title, channel, index in digest_rows:
        ref = f"digest:{day}:{lang}"
        assert channel == "telegram", f"{point.name}: {channel} left the {ref} uncertain:\n{output}"
        assert f"--resolve {ref} sent" in output, output
        arrived = any(title in message.html for message in world.telegram.messages)
        point.found.append(f"telegram {ref} uncertain; it had {'arrived' if arrived else 'not arrived'}: "
                           f"resolved {'sent' if arrived else 'resend'}")
        world.finish("publish", "--resolve", ref, "sent" if arrived else "resend")
    return True


def snapshot(world: World) -> dict:
    story = "(SELECT fingerprint FROM stories s WHERE s.id = p.story_id)"
    site = world.root / "site"
    return {
        "activity": sorted(row[0] for row in world.query("SELECT fingerprint FROM activity")),
        "unconsidered": world.count("activity_pending"),
        "stories": sorted(world.query("SELECT fingerprint, project, status, category, tags, score FROM stories")),
        "briefs": world.count("briefs"),
        "posts": sorted(world.query(f"SELECT {story}, lang, title, slug, body_md, status FROM posts p")),
        "publications": sorted(world.query(
            f"SELECT {story}, p.lang, u.channel, u.status FROM publications u JOIN posts p ON p.id = u.post_id")),
        "parts": sorted(world.query(
            f"SELECT {story}, p.lang, x.channel, x.part, x.status FROM publication_parts x JOIN posts p ON p.id = x.post_id")),
        "digests": sorted(world.query("SELECT day, lang, title, body_md, status FROM digests")),
        "digest_publications": sorted(world.query(
            "SELECT d.day, d.lang, u.channel, u.status FROM digest_publications u JOIN digests d ON d.id = u.digest_id")),
        # The build manifest is left out: its keys hash inputs that hold this copy's own paths.
        "site": {str(path.relative_to(site)): hashlib.sha256(path.read_bytes()).hexdigest()
                 for path in sorted(site.rglob("*")) if path.is_file() and path.name != MANIFEST},
        # Sorted: a post held for `--resolve` lets the others go first, so only the order can differ.
        "telegram": sorted((m.method, m.chat_id, m.html, hashlib.sha256(m.photo or b"").hexdigest())
                           for m in world.telegram.messages),
        "mastodon": sorted((s["content"], s["language"], s["visibility"]) for s in world.mastodon.statuses),
    }


def clean_run(template: Path) -> dict:
    world = make_world(template, "clean")
    try:
        started = time.monotonic()
        world.finish("run")
        world.settle()
        result = snapshot(world)
        result["seconds"] = time.monotonic() - started
        return result
    finally:
        world.telegram.close()
        world.mastodon.close()


def killed_run(template: Path, index: int, point: KillPoint) -> dict:
    world = make_world(template, f"kill-{index:02d}")
    try:
        process = world.start("run")
        started = time.monotonic()
        while process.poll() is None:
            if point.after is not None and time.monotonic() - started >= point.after:
                break
            if point.when is not None and point.when(world):
                break
            time.sleep(0.005)
        else:
            out = process.stdout.read() if process.stdout else ""
            raise AssertionError(f"{point.name}: the run ended (exit {process.returncode}) before the kill point:\n{out}")
        process.send_signal(signal.SIGKILL)
        process.communicate()
        point.found.append(f"killed after {time.monotonic() - started:.1f} s: {world.count('activity')} activity, "
                           f"{world.count('stories')} stories, {world.count('posts')} posts, "
                           f"{len(world.telegram.requests)}+{len(world.mastodon.requests)} requests")
        world.settle()
        for _ in range(4):
            output = world.finish("run")
            world.settle()
            if not resolve_uncertain(world, output, point):
                break
        result = snapshot(world)
        stuck = [line for line in output.splitlines() if "interrupted while being sent" in line]
        assert not stuck, stuck  # every interrupted send was resumed, looked up or resolved
        return result
    finally:
        world.telegram.close()
        world.mastodon.close()


POINTS = [p for p in KILL_POINTS if os.environ.get('CRASH_ONLY', '') in p.name]


def test_killed_anywhere_then_run_again_ends_as_an_uninterrupted_run(demo):
    started = time.monotonic()
    with ThreadPoolExecutor(PARALLEL) as pool:
        clean_future = pool.submit(clean_run, demo)
        futures = [pool.submit(killed_run, demo, index, point) for index, point in enumerate(POINTS)]
        clean = clean_future.result()
        results = [(point, future.result()) for point, future in zip(POINTS, futures)]
    clean.pop("seconds")
    assert clean["telegram"] and clean["mastodon"] and clean["digests"] and clean["site"]
    assert len({message for message in clean["telegram"]}) == len(clean["telegram"])
    assert any(count > 1 for count in Counter(row[1] for row in clean["parts"] if row[2] == "telegram").values()) or \
        any(row[3] > 0 for row in clean["parts"]), "no post took several Telegram messages"
    failures = []
    for point, result in results:
        for key, value in clean.items():
            if result[key] != value:
                failures.append(f"{point.name}: {key} differs from the clean run; {'; '.join(point.found)}\n"
                                f"  {_difference(value, result[key])}")
    print(f"\n{len(KILL_POINTS)} kill points in {time.monotonic() - started:.0f} s")
    for point, _ in results:
        print(f"  {point.name}: {'; '.join(point.found)}")
    assert not failures, "\n".join(failures)


def _difference(clean, killed) -> str:
    """Where a killed run's result first departs from the clean run's."""
    if isinstance(clean, dict):
        keys = sorted(key for key in clean.keys() | killed.keys() if clean.get(key) != killed.get(key))
        return f"{len(keys)} of {len(clean)} files differ: {keys[:5]}"
    if isinstance(clean, list):
        for index, (a, b) in enumerate(zip(clean, killed)):
            if a != b:
                return f"item {index} of {len(clean)} / {len(killed)}:\n    clean:  {a!r:.500}\n    killed: {b!r:.500}"
        return f"{len(clean)} items / {len(killed)} items; extra: {(clean[len(killed):] or killed[len(clean):])!r:.500}"
    return f"{clean!r} / {killed!r}"
