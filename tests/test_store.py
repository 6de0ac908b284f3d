"""The store: migrations on a blank file, idempotent inserts, forward-only statuses."""

from pathlib import Path

import pytest

from social_publisher.records import Activity, Post, Story, fingerprint
from social_publisher.store import MIGRATIONS, Store


def _activity(n: int) -> Activity:
    return Activity(source="git", project="p", kind="commit", occurred_at=f"2026-11-2{n}T10:00:00+00:00",
                    author="a", text=f"commit {n}", meta={"n": n}, fingerprint=fingerprint("git", n))


def test_blank_database_is_migrated_to_the_latest_schema(tmp_path: Path):
    with Store(tmp_path / "db.sqlite") as store:
        assert store.schema_version == len(MIGRATIONS)
        tables = {row[0] for row in store.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"activity", "stories", "story_activity", "briefs", "posts", "publications", "llm_calls", "cache",
            "cursors"} <= tables


def test_reopening_keeps_data_and_does_not_remigrate(tmp_path: Path):
    path = tmp_path / "db.sqlite"
    with Store(path) as store:
        store.add_activity([_activity(1)])
    with Store(path) as store:
        assert len(store.activity()) == 1


def test_a_newer_schema_is_refused(tmp_path: Path):
    path = tmp_path / "db.sqlite"
    with Store(path) as store:
        store.db.execute("PRAGMA user_version = 99")
    from social_publisher.errors import StoreError

    with pytest.raises(StoreError, match="newer than this tool knows"):
        Store(path)


def test_activity_fingerprint_deduplicates(store: Store):
    assert store.add_activity([_activity(1), _activity(2)]) == 2
    assert store.add_activity([_activity(1), _activity(2), _activity(3)]) == 1
    assert [a.meta["n"] for a in store.activity()] == [1, 2, 3]


def test_mark_considered_hides_rows_from_select(store: Store):
    store.add_activity([_activity(1), _activity(2)])
    first = store.activity(unconsidered=True)[0]
    store.mark_considered([first.id])
    assert [a.meta["n"] for a in store.activity(unconsidered=True)] == [2]


def test_failed_transaction_leaves_nothing(store: Store):
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.add_activity([_activity(1)])
            raise RuntimeError("killed mid-way")
    assert store.activity() == []


def _story(store: Store) -> int:
    store.add_activity([_activity(1)])
    activity_id = store.activity()[0].id
    story_id = store.add_story(Story(project="p", started_at="2026-11-21T10:00:00+00:00",
                                     ended_at="2026-11-21T11:00:00+00:00", score=3.0, category="feature",
                                     tags=["python"], activity_ids=[activity_id], fingerprint="s1"))
    assert story_id is not None
    return story_id


def test_story_is_stored_once_with_its_activity(store: Store):
    story_id = _story(store)
    again = store.add_story(Story(project="p", started_at="x", ended_at="x", score=1, category="feature", tags=[],
                                  activity_ids=[], fingerprint="s1"))
    assert again is None
    [story] = store.stories()
    assert story.id == story_id and story.tags == ["python"] and len(story.activity_ids) == 1


def test_post_status_moves_forward_only(store: Store):
    story_id = _story(store)
    post_id = store.add_post(Post(story_id=story_id, lang="en", title="T", slug="t", body_md="b"))
    assert store.add_post(Post(story_id=story_id, lang="en", title="T2", slug="t2", body_md="b")) is None
    store.set_post_status(post_id, "checked")
    store.set_post_status(post_id, "approved")
    with pytest.raises(ValueError, match="cannot move from approved to draft"):
        store.set_post_status(post_id, "draft")
    store.set_post_status(post_id, "published")
    assert store.posts()[0].status == "published"


def test_publication_is_unique_per_post_and_channel(store: Store):
    story_id = _story(store)
    post_id = store.add_post(Post(story_id=story_id, lang="en", title="T", slug="t", body_md="b"))
    store.begin_publication(post_id, "site")
    store.finish_publication(post_id, "site", error="disk full")
    again = store.begin_publication(post_id, "site")
    assert again.attempts == 2 and again.status == "failed"
    store.finish_publication(post_id, "site", remote_id="en/t/")
    [publication] = store.publications()
    assert publication.status == "published" and publication.remote_id == "en/t/" and publication.last_error is None


def test_llm_budget_counts_per_day(store: Store):
    assert store.llm_calls_on("2026-11-26") == 0
    store.count_llm_call("2026-11-26", 2)
    assert store.count_llm_call("2026-11-26") == 3
    assert store.llm_calls_on("2026-11-27") == 0


def test_cursor_and_cache_roundtrip(store: Store):
    store.set_cursor("git:/x", {"tips": ["abc"]})
    store.set_cursor("git:/x", {"tips": ["def"]})
    assert store.cursor("git:/x") == {"tips": ["def"]}
    store.cache_put("wiki:en:SQLite", {"extract": "x"})
    assert store.cache_get("wiki:en:SQLite") == {"extract": "x"}
    assert store.cache_get("missing") is None


def test_stories_carry_only_their_own_activity_when_filtered(store: Store):
    store.add_activity([_activity(1), _activity(2)])
    first, second = (a.id for a in store.activity())
    for n, activity_id in ((1, first), (2, second)):
        store.add_story(Story(project="p", started_at=f"2026-11-2{n}T10:00:00+00:00", ended_at="x", score=1,
                              category="feature", tags=[], activity_ids=[activity_id], fingerprint=f"f{n}",
                              status="selected" if n == 1 else "dropped"))
    [selected] = store.stories(status="selected")
    assert selected.activity_ids == [first]
    assert [s.activity_ids for s in store.stories()] == [[first], [second]]


def test_a_store_of_the_first_schema_gains_the_redaction_log(tmp_path: Path):
    import sqlite3

    from social_publisher.store import m001_initial

    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:  # a store written before the redaction log existed
        m001_initial(db)
        db.execute("PRAGMA user_version = 1")
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        story_id = store.add_story(Story("p", "2026-11-20T10:00:00+00:00", "2026-11-20T11:00:00+00:00", 3.0,
                                         "feature", [], [], fingerprint="s1"))
        store.save_redactions(story_id, [(None, "aws key", "commit message", "AK…LE (20 chars)"),
                                         (None, "aws key", "note text", "AK…XY (20 chars)")])
        store.save_redactions(story_id, [(None, "phone number", "prompt", "+7…67 (16 chars)")])  # replaces
        assert [r["kind"] for r in store.redactions()] == ["phone number"]
        assert store.counts()["redactions"] == {"phone number": 1}


def test_the_redaction_key_is_random_per_store_and_kept(tmp_path: Path):
    with Store(tmp_path / "a.sqlite") as one, Store(tmp_path / "b.sqlite") as two:
        key = one.redaction_key()
        assert len(key) == 32 and key != two.redaction_key()
    with Store(tmp_path / "a.sqlite") as again:
        assert again.redaction_key() == key


def test_a_store_that_marked_rows_considered_in_place_keeps_what_select_has_not_seen(tmp_path: Path):
    """m009: rows select decided before the pending list existed stay decided, the others stay
    pending, and rows added afterwards are pending until marked."""
    import sqlite3

    from social_publisher.store import m009_pending_activity

    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:
        for migration in MIGRATIONS[:MIGRATIONS.index(m009_pending_activity)]:
            migration(db)
        db.execute(f"PRAGMA user_version = {MIGRATIONS.index(m009_pending_activity)}")
        for n in (1, 2, 3):
            db.execute("INSERT INTO activity (source, project, kind, occurred_at, text, fingerprint, collected_at,"
                       " considered_at) VALUES ('git', 'p', 'commit', ?, ?, ?, 'x', ?)",
                       (f"2026-11-2{n}T10:00:00+00:00", f"commit {n}", f"f{n}", "2026-11-25" if n == 2 else None))
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert [a.text for a in store.activity(unconsidered=True)] == ["commit 1", "commit 3"]
        assert store.add_activity([_activity(4)]) == 1
        assert [a.text for a in store.activity(unconsidered=True)] == ["commit 1", "commit 3", "commit 4"]
        store.mark_considered([a.id for a in store.activity(unconsidered=True)][:2])
        assert [a.text for a in store.activity(unconsidered=True)] == ["commit 4"]
        assert [a.text for a in store.activity()] == ["commit 1", "commit 2", "commit 3", "commit 4"]
        columns = {row[1] for row in store.db.execute("PRAGMA table_info(activity)")}
        assert "considered_at" not in columns or sqlite3.sqlite_version_info < (3, 35, 0)
