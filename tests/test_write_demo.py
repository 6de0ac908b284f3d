"""Enrich and write over the demo workspace's real activity (real git, transcripts, notes).

The demo plants a fake API key in a session command and the admin password's location in a
note; neither may reach a brief or a post, and every post must pass its checks.
"""

from __future__ import annotations

import re

import pytest

from social_publisher.config import load_config
from social_publisher.demo import PLANTED_SECRETS, make_workspace
from social_publisher.enrich.redact import Redactor
from social_publisher.pipeline import run_stages
from social_publisher.store import Store
from social_publisher.write import check_context, checks
from social_publisher.write import text as measure


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory) -> Store:
    config = load_config(make_workspace(tmp_path_factory.mktemp("demo") / "ws"))
    store = Store(config.store.path)
    run_stages(store, config, ("collect", "select", "enrich", "write"))
    store.config = config  # type: ignore[attr-defined]
    yield store
    store.close()


def test_planted_secrets_never_reach_a_brief_or_a_post(demo_store: Store) -> None:
    briefs = " ".join(row[0] for row in demo_store.db.execute("SELECT facts_json FROM briefs"))
    posts = " ".join(p.title + "\n" + p.body_md for p in demo_store.posts())
    for secret in PLANTED_SECRETS:
        assert secret not in briefs and secret not in posts
    assert "sk-ant-" not in briefs + posts and "auth.json" not in briefs + posts
    assert not re.search(r"\badmin\b|users_database|/config/", posts, re.IGNORECASE)
    # Passwords may be named only to say how they are hashed, never where one lives or whose it is.
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", posts):
        if re.search(r"password|парол", sentence, re.IGNORECASE):
            assert re.search(r"hash|argon2|хеширов", sentence, re.IGNORECASE), sentence
            assert not re.search(r"stor|kept|derive|file|path|храни|файл", sentence, re.IGNORECASE), sentence
    assert sum(row[0] for row in demo_store.db.execute("SELECT redactions FROM briefs")) >= 2


def test_every_demo_post_passes_its_checks_and_is_approved(demo_store: Store) -> None:
    config = demo_store.config  # type: ignore[attr-defined]
    posts = demo_store.posts()
    assert len({p.story_id for p in posts if p.lang == "en"}) >= 3
    assert len({p.story_id for p in posts if p.lang == "ru"}) >= 3
    for post in posts:
        brief = demo_store.brief(post.story_id)
        context = check_context(brief, post.lang, config, Redactor(config.enrich.redact_patterns))
        assert checks.check_post(post.title, post.body_md, context) == [], post.title
        # the English post is held to min_words; the Russian one to what the sources say in Russian
        assert post.status == "approved" and measure.words(post.body_md) >= context.min_words


def test_demo_posts_pair_up_and_vary(demo_store: Store) -> None:
    by_story: dict[int, dict[str, str]] = {}
    for post in demo_store.posts():
        by_story.setdefault(post.story_id, {})[post.lang] = post.title + "\n" + post.body_md
    for texts in by_story.values():
        assert checks.numbers_differ(texts) is None
    openings = {texts["en"].split("\n")[1][:25] for texts in by_story.values()}
    assert len(openings) >= 2  # phrasing variants differ between stories
    titles = [texts["en"].split("\n")[0] for texts in by_story.values()]
    assert len(set(titles)) == len(titles)
