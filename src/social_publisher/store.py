"""The SQLite store: one file, numbered migrations applied on open, and the
queries every stage uses to read its input and write its output.

Migrations are numbered functions `m001_...`; `PRAGMA user_version` records how
many have run. Writes go through `transaction()` so a run killed mid-way leaves
either the whole step or none of it.
"""

from __future__ import annotations

import secrets
import sqlite3
from contextlib import contextmanager
from datetime import timedelta
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import orjson

from social_publisher import clock
from social_publisher.errors import StoreError
from social_publisher.records import (
    Activity,
    Brief,
    Digest,
    DigestPublication,
    Post,
    POST_STATUS_ORDER,
    POST_REJECTED,
    PUBLISHES_DIGEST,
    PUBLISHES_POST,
    Publication,
    PublicationKey,
    PublicationPart,
    PublicationState,
    Story,
)


def _run_script(db: sqlite3.Connection, script: str) -> None:
    """Execute several statements inside the caller's transaction.

    (`executescript` would COMMIT first, so a failed migration could leave half a schema.)
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        db.execute(statement)


def m001_initial(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE activity (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            project TEXT NOT NULL,
            kind TEXT NOT NULL,
            occurred_at TEXT NOT NULL,
            author TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL DEFAULT '',
            meta_json TEXT NOT NULL DEFAULT '{}',
            fingerprint TEXT NOT NULL UNIQUE,
            collected_at TEXT NOT NULL,
            considered_at TEXT            -- replaced by the activity_pending table (m009)
        );
        CREATE INDEX activity_unconsidered ON activity(considered_at, project, occurred_at);

        CREATE TABLE stories (
            id INTEGER PRIMARY KEY,
            project TEXT NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT NOT NULL,
            score REAL NOT NULL,
            category TEXT NOT NULL,
            tags TEXT NOT NULL DEFAULT '[]',
            status TEXT NOT NULL,
            explain_json TEXT NOT NULL DEFAULT '{}',
            fingerprint TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL
        );
        CREATE TABLE story_activity (
            story_id INTEGER NOT NULL REFERENCES stories(id),
            activity_id INTEGER NOT NULL REFERENCES activity(id),
            PRIMARY KEY (story_id, activity_id)
        );

        CREATE TABLE briefs (
            story_id INTEGER PRIMARY KEY REFERENCES stories(id),
            facts_json TEXT NOT NULL,
            redactions INTEGER NOT NULL DEFAULT 0,
            wiki_json TEXT,
            joke_id TEXT,
            image_path TEXT,
            created_at TEXT NOT NULL
        );

        CREATE TABLE posts (
            id INTEGER PRIMARY KEY,
            story_id INTEGER NOT NULL REFERENCES stories(id),
            lang TEXT NOT NULL,
            title TEXT NOT NULL,
            slug TEXT NOT NULL,
            body_md TEXT NOT NULL,
            status TEXT NOT NULL,
            created_at TEXT NOT NULL,
            llm_calls INTEGER NOT NULL DEFAULT 0,
            backend TEXT NOT NULL,
            check_errors TEXT,
            UNIQUE (story_id, lang),
            UNIQUE (lang, slug)
        );

        CREATE TABLE publications (
            post_id INTEGER NOT NULL REFERENCES posts(id),
            channel TEXT NOT NULL,
            remote_id TEXT,
            published_at TEXT,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            UNIQUE (post_id, channel)
        );

        CREATE TABLE llm_calls (day TEXT PRIMARY KEY, count INTEGER NOT NULL);
        CREATE TABLE cache (key TEXT PRIMARY KEY, value TEXT NOT NULL, fetched_at TEXT NOT NULL);
        CREATE TABLE cursors (source TEXT PRIMARY KEY, position TEXT NOT NULL);
        """
    )


def m002_digests(db: sqlite3.Connection) -> None:
    """Daily digests (one per day and language) and their publications (one per digest and channel)."""
    _run_script(
        db,
        """
        CREATE TABLE digests (
            id INTEGER PRIMARY KEY,
            day TEXT NOT NULL,
            lang TEXT NOT NULL,
            title TEXT NOT NULL,
            body_md TEXT NOT NULL,
            post_ids TEXT NOT NULL DEFAULT '[]',
            numbers_json TEXT NOT NULL DEFAULT '{}',
            status TEXT NOT NULL DEFAULT 'new',
            created_at TEXT NOT NULL,
            UNIQUE (day, lang)
        );
        CREATE TABLE digest_publications (
            digest_id INTEGER NOT NULL REFERENCES digests(id),
            channel TEXT NOT NULL,
            remote_id TEXT,
            published_at TEXT,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            UNIQUE (digest_id, channel)
        );
        """
    )


def m003_runs(db: sqlite3.Connection) -> None:
    """One row per `run` (or daemon round): when it began and ended and how, for `schedule status`."""
    _run_script(
        db,
        """
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            command TEXT NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT,                 -- NULL while running, or when the process was killed
            status TEXT NOT NULL,          -- running | ok | failed
            summary_json TEXT NOT NULL DEFAULT '{}'
        );
        """
    )


def m004_brief_covers(db: sqlite3.Connection) -> None:
    """Per-language cover cards made once the posts' titles exist: {"en": path, "ru": path}."""
    db.execute("ALTER TABLE briefs ADD COLUMN covers_json TEXT NOT NULL DEFAULT '{}'")


def m005_redactions(db: sqlite3.Connection) -> None:
    """What enrich removed per story (kind, where, a masked preview: never the value), and the
    store's own random keys (the fingerprint key of the redactor)."""
    _run_script(
        db,
        """
        CREATE TABLE redactions (
            id INTEGER PRIMARY KEY,
            story_id INTEGER NOT NULL REFERENCES stories(id),
            activity_id INTEGER,
            kind TEXT NOT NULL,
            place TEXT NOT NULL,
            preview TEXT NOT NULL
        );
        CREATE INDEX redactions_story ON redactions(story_id);
        CREATE TABLE store_keys (name TEXT PRIMARY KEY, value BLOB NOT NULL);
        """
    )


def m006_publication_parts(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE publication_parts (
            post_id INTEGER NOT NULL REFERENCES posts(id),
            channel TEXT NOT NULL,
            part INTEGER NOT NULL,
            status TEXT NOT NULL,         -- sending | sent | uncertain | failed | resend
            key TEXT NOT NULL,            -- idempotency / record key, the same on every retry
            remote_id TEXT,
            started_at TEXT NOT NULL,
            sent_at TEXT,
            PRIMARY KEY (post_id, channel, part)
        );
        """
    )


def m007_llm_writer(db: sqlite3.Connection) -> None:
    """The LLM writer's records: answers cached by prompt hash, one row per reserved call, and
    why a story's last write failed (it stays briefed and is retried by a later run)."""
    _run_script(
        db,
        """
        CREATE TABLE llm_responses (
            key TEXT PRIMARY KEY,            -- sha256 of backend, model and prompt
            backend TEXT NOT NULL,
            model TEXT NOT NULL,
            text TEXT NOT NULL,
            input_tokens INTEGER NOT NULL DEFAULT 0,
            output_tokens INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        CREATE TABLE llm_reservations (
            id INTEGER PRIMARY KEY,
            day TEXT NOT NULL,
            story_id INTEGER,
            backend TEXT NOT NULL,
            prompt_key TEXT NOT NULL,
            reserved_at TEXT NOT NULL,
            outcome TEXT NOT NULL DEFAULT 'pending',   -- pending | ok | failed: every row counts
            detail TEXT
        );
        CREATE INDEX llm_reservations_day ON llm_reservations(day);
        CREATE TABLE write_failures (
            story_id INTEGER PRIMARY KEY REFERENCES stories(id),
            reason TEXT NOT NULL,
            failed_at TEXT NOT NULL,
            failures INTEGER NOT NULL DEFAULT 1
        );
        """
    )


def m008_digest_parts(db: sqlite3.Connection) -> None:
    """Digests go through the same exactly-once parts as posts: their parts table. A digest
    publication a crash left pending before this was sent with no part recorded, so it gets one
    now, "sending" since long ago with no key yet: the next run treats it as any interrupted send
    past its resend window (held for `publish --resolve`, or looked up where the channel can
    tell). The site and the Markdown export rewrite their files, so theirs simply run again."""
    _run_script(
        db,
        """
        CREATE TABLE digest_publication_parts (
            digest_id INTEGER NOT NULL REFERENCES digests(id),
            channel TEXT NOT NULL,
            part INTEGER NOT NULL,
            status TEXT NOT NULL,         -- sending | sent | uncertain | failed | resend
            key TEXT NOT NULL,            -- idempotency / record key; '' until the channel makes one
            remote_id TEXT,
            started_at TEXT NOT NULL,
            sent_at TEXT,
            PRIMARY KEY (digest_id, channel, part)
        );
        INSERT INTO digest_publication_parts (digest_id, channel, part, status, key, started_at)
            SELECT digest_id, channel, 0, 'sending', '', '1970-01-01T00:00:00+00:00' FROM digest_publications
            WHERE status = 'pending' AND channel NOT IN ('site', 'markdown');
        """
    )


def m009_pending_activity(db: sqlite3.Connection) -> None:
    """The rows select has not looked at yet are listed in a table of their own. Marking them
    considered was an UPDATE of `activity.considered_at`, and SQLite rewrites a whole row (its
    text and meta, overflow pages and all) to change one column: 100,000 rows meant 145 MB of WAL
    and 0.8 s for one flag each. A trigger lists every new row; select deletes what it decided.
    The old column goes where SQLite can drop one (3.35+); elsewhere it stays, no longer read."""
    _run_script(
        db,
        """
        CREATE TABLE activity_pending (
            activity_id INTEGER PRIMARY KEY REFERENCES activity(id) ON DELETE CASCADE,
            occurred_at TEXT NOT NULL
        );
        INSERT INTO activity_pending (activity_id, occurred_at)
            SELECT id, occurred_at FROM activity WHERE considered_at IS NULL;
        CREATE INDEX activity_pending_in_time ON activity_pending(occurred_at, activity_id);
        CREATE TRIGGER activity_listed_pending AFTER INSERT ON activity BEGIN
            INSERT INTO activity_pending (activity_id, occurred_at) VALUES (new.id, new.occurred_at);
        END;
        DROP INDEX activity_unconsidered;
        """
    )
    if sqlite3.sqlite_version_info >= (3, 35, 0):
        db.execute("ALTER TABLE activity DROP COLUMN considered_at")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    m001_initial, m002_digests, m003_runs, m004_brief_covers, m005_redactions,
    m006_publication_parts, m007_llm_writer,
    m008_digest_parts, m009_pending_activity,
]


PAGE_SIZE = 16384
_ROWS_PER_INSERT = 64  # 9 values each, all copied by SQLite (a large turn group's row is ~100 KB): a few MB a statement


EncodedActivity = tuple  # (source, project, kind, occurred_at, author, text, meta JSON bytes, fingerprint)


def encode_activity(a: Activity) -> EncodedActivity:
    """An activity row as `add_encoded_activity` binds it (everything but `collected_at`)."""
    return (a.source, a.project, a.kind, a.occurred_at, a.author, a.text, orjson.dumps(a.meta), a.fingerprint)


@lru_cache(maxsize=32)
def _insert_activity_sql(rows: int) -> str:
    return ("INSERT OR IGNORE INTO activity"
            " (source, project, kind, occurred_at, author, text, meta_json, fingerprint, collected_at) VALUES "
            # meta_json is bound as orjson's UTF-8 bytes and stored as the same text (no str round trip)
            + ", ".join(["(?, ?, ?, ?, ?, ?, CAST(? AS TEXT), ?, ?)"] * rows))


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def _loads(text: str | None) -> Any:
    return orjson.loads(text) if text else None


class Store:
    """A connection to the store file with typed helpers per record."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self.db.row_factory = sqlite3.Row
            # A new store gets 16 KB pages (an existing one keeps its own): activity rows are a few KB
            # of JSON each, which 4 KB pages would spread over overflow chains, written page by page.
            self.db.execute(f"PRAGMA page_size={PAGE_SIZE}")
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot create the store: {exc}") from None

    # -- lifecycle -------------------------------------------------------------

    def migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{self.path}: store schema version {version} is newer than this tool knows "
                f"({len(MIGRATIONS)}); upgrade social-publisher"
            )
        for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.transaction():
                migration(self.db)
                self.db.execute(f"PRAGMA user_version = {number}")

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception. Nestable (inner is a no-op)."""
        if self.db.in_transaction:
            yield self.db
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- activity --------------------------------------------------------------

    def add_activity(self, rows: Iterable[Activity]) -> int:
        """Insert activity rows; rows whose fingerprint is already stored are ignored.

        Returns how many rows were new.
        """
        return self.add_encoded_activity(map(encode_activity, rows))

    def add_encoded_activity(self, rows: Iterable[EncodedActivity]) -> int:
        """`add_activity` for rows already made by `encode_activity` (a collector may encode them in
        another process: a tuple with the meta as JSON bytes crosses a pipe far cheaper than the dicts)."""
        collected_at = clock.iso(clock.now())
        added = 0
        rows = iter(rows)
        with self.transaction():
            # Many rows per statement: SQLite inserts them in one step with the GIL released, so a
            # collector's parsing thread runs meanwhile (one step per row would hand the GIL back
            # and forth for each). Rows go in in the order given, each as INSERT OR IGNORE would.
            while chunk := list(islice(rows, _ROWS_PER_INSERT)):
                # rowcount counts the rows this statement inserted, not the pending list's (its trigger's)
                added += self.db.execute(_insert_activity_sql(len(chunk)),
                                         [value for row in chunk for value in (*row, collected_at)]).rowcount
        return added

    def activity(self, *, unconsidered: bool = False, ids: Iterable[int] | None = None,
                 projects: Iterable[str] | None = None) -> list[Activity]:
        """Activity rows in time order: those of `ids`, or every row; only those select has not
        looked at when `unconsidered`, only those of `projects`."""
        clauses: list[str] = []
        params: list[Any] = []
        if ids is not None:
            id_list = list(ids)
            if not id_list:
                return []
            clauses.append(f"a.id IN ({','.join('?' * len(id_list))})")
            params += id_list
        if projects is not None:
            clauses.append("a.project IN (SELECT value FROM json_each(?))")
            params.append(_dumps(list(projects)))
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        if unconsidered:
            # The pending list is read in its index's order (time, id): no sort of whole rows.
            return self._activities(f"FROM {_PENDING_ROWS}{where} ORDER BY p.occurred_at, p.activity_id", params)
        return self._activities(f"FROM activity a{where} ORDER BY a.occurred_at, a.id", params)

    def _activities(self, rest: str, params: Sequence[Any] = ()) -> list[Activity]:
        """The rows of `SELECT <every activity column of a> <rest>`, as records."""
        # Plain tuples: sqlite3.Row's lookups by name cost a quarter of reading 100,000 rows.
        cursor = self.db.cursor()
        cursor.row_factory = None
        return [Activity(source, project, kind, occurred_at, author, text, _loads(meta) or {}, fingerprint, id)
                for source, project, kind, occurred_at, author, text, meta, fingerprint, id
                in cursor.execute(f"SELECT {_ACTIVITY_COLUMNS} {rest}", params)]

    def unconsidered_per_project(self) -> dict[str, int]:
        """How many rows select has not looked at, per project."""
        return dict(self.db.execute(f"SELECT a.project, count(*) FROM {_PENDING_ROWS} GROUP BY a.project").fetchall())

    def mark_considered(self, activity_ids: Iterable[int]) -> None:
        with self.transaction():
            # One statement over a JSON list of ids: 3x faster than one statement per id on 100k rows.
            self.db.execute("DELETE FROM activity_pending WHERE activity_id IN (SELECT value FROM json_each(?))",
                            (_dumps(list(activity_ids)),))

    # -- stories ---------------------------------------------------------------

    def add_story(self, story: Story) -> int | None:
        """Store a story and its activity links; returns its id, or None if its fingerprint exists."""
        return self.add_stories([story])[0]

    def add_stories(self, stories: Iterable[Story]) -> list[int | None]:
        """Store stories and their activity links, in the order given: each one's id, or None
        where its fingerprint was already stored (that story is kept as it was)."""
        created_at = clock.iso(clock.now())
        ids: list[int | None] = []
        links: list[tuple[int, int]] = []
        with self.transaction():
            cursor = self.db.cursor()
            for story in stories:
                cursor.execute(
                    "INSERT OR IGNORE INTO stories (project, started_at, ended_at, score, category, tags, status,"
                    " explain_json, fingerprint, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (story.project, story.started_at, story.ended_at, story.score, story.category,
                     _dumps(story.tags), story.status, _dumps(story.explain), story.fingerprint, created_at),
                )
                if cursor.rowcount == 0:
                    ids.append(None)
                    continue
                ids.append(cursor.lastrowid)
                links += [(cursor.lastrowid, activity_id) for activity_id in story.activity_ids]
            self.db.executemany("INSERT OR IGNORE INTO story_activity (story_id, activity_id) VALUES (?, ?)", links)
        return ids

    def stories(self, *, status: str | Iterable[str] | None = None, ids: Iterable[int] | None = None) -> list[Story]:
        sql = "SELECT * FROM stories"
        clauses, params = [], []
        if status is not None:
            statuses = [status] if isinstance(status, str) else list(status)
            clauses.append(f"status IN ({','.join('?' * len(statuses))})")
            params += statuses
        if ids is not None:
            id_list = list(ids)
            clauses.append(f"id IN ({','.join('?' * len(id_list))})" if id_list else "0")
            params += id_list
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        rows = self.db.execute(sql + where + " ORDER BY started_at, id", params).fetchall()
        links: dict[int, list[int]] = {}
        if rows:  # only the links of the stories asked for
            for story_id, activity_id in self.db.execute(
                f"SELECT story_id, activity_id FROM story_activity WHERE story_id IN (SELECT id FROM stories{where})"
                " ORDER BY activity_id", params,
            ):
                links.setdefault(story_id, []).append(activity_id)
        return [_story(row, links.get(row["id"], [])) for row in rows]

    def set_story_status(self, story_id: int, status: str) -> None:
        with self.transaction():
            self.db.execute("UPDATE stories SET status = ? WHERE id = ?", (status, story_id))

    # -- briefs ----------------------------------------------------------------

    def save_brief(self, brief: Brief) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT OR REPLACE INTO briefs"
                " (story_id, facts_json, redactions, wiki_json, joke_id, image_path, covers_json, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (brief.story_id, _dumps(brief.facts), brief.redactions,
                 _dumps(brief.wiki) if brief.wiki is not None else None, brief.joke_id, brief.image_path,
                 _dumps(brief.covers), clock.iso(clock.now())),
            )

    def set_brief_covers(self, story_id: int, covers: dict[str, str]) -> None:
        """Record the per-language cover cards of a story (see Brief.covers)."""
        with self.transaction():
            self.db.execute("UPDATE briefs SET covers_json = ? WHERE story_id = ?", (_dumps(covers), story_id))

    def brief(self, story_id: int) -> Brief | None:
        row = self.db.execute("SELECT * FROM briefs WHERE story_id = ?", (story_id,)).fetchone()
        if row is None:
            return None
        return Brief(story_id=row["story_id"], facts=_loads(row["facts_json"]), redactions=row["redactions"],
                     wiki=_loads(row["wiki_json"]), joke_id=row["joke_id"], image_path=row["image_path"],
                     covers=_loads(row["covers_json"]) or {})

    def cover_cards(self) -> dict[int, tuple[str | None, dict[str, str]]]:
        """story id -> (the story's cover image, the per-language cards of its posts), for every
        brief that has one or the other (one query)."""
        return {row[0]: (row[1] or None, _loads(row[2]) or {}) for row in self.db.execute(
            "SELECT story_id, image_path, covers_json FROM briefs"
            " WHERE (image_path IS NOT NULL AND image_path != '') OR covers_json != '{}'")}

    def wiki_topics(self) -> set[str]:
        """The technologies earlier briefs already told a Wikipedia fact about."""
        return {row[0] for row in self.db.execute(
            "SELECT json_extract(wiki_json, '$.tag') FROM briefs WHERE wiki_json IS NOT NULL") if row[0]}

    def save_redactions(self, story_id: int, rows: Iterable[tuple[int | None, str, str, str]]) -> None:
        """Replace the audit log of a story: (activity_id, kind, place, preview) per removed value."""
        with self.transaction():
            self.db.execute("DELETE FROM redactions WHERE story_id = ?", (story_id,))
            self.db.executemany(
                "INSERT INTO redactions (story_id, activity_id, kind, place, preview) VALUES (?, ?, ?, ?, ?)",
                ((story_id, *row) for row in rows),
            )

    def redactions(self) -> list[dict[str, Any]]:
        """Every logged redaction, by story then order of finding."""
        return [dict(row) for row in self.db.execute(
            "SELECT story_id, activity_id, kind, place, preview FROM redactions ORDER BY story_id, id")]

    def redaction_key(self) -> bytes:
        """The store's own random key for redaction fingerprints, made on first use."""
        row = self.db.execute("SELECT value FROM store_keys WHERE name = 'redaction'").fetchone()
        if row is None:
            with self.transaction():
                self.db.execute("INSERT OR IGNORE INTO store_keys (name, value) VALUES ('redaction', ?)",
                                (secrets.token_bytes(32),))
            row = self.db.execute("SELECT value FROM store_keys WHERE name = 'redaction'").fetchone()
        return bytes(row["value"])

    def used_joke_ids(self) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT joke_id FROM briefs WHERE joke_id IS NOT NULL")}

    # -- posts -----------------------------------------------------------------

    def add_post(self, post: Post, check_errors: list[str] | None = None) -> int | None:
        """Store a post; returns its id, or None when (story, lang) already has one."""
        with self.transaction():
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO posts"
                " (story_id, lang, title, slug, body_md, status, created_at, llm_calls, backend, check_errors)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (post.story_id, post.lang, post.title, post.slug, post.body_md, post.status,
                 post.created_at or clock.iso(clock.now()), post.llm_calls, post.backend,
                 _dumps(check_errors) if check_errors else None),
            )
        return cursor.lastrowid if cursor.rowcount else None

    def posts_by_id(self, ids: Iterable[int]) -> list[Post]:
        ids = list(ids)
        marks = ",".join("?" * len(ids))
        return [_post(row) for row in self.db.execute(f"SELECT * FROM posts WHERE id IN ({marks})", ids)] if ids else []

    def post_check_errors(self, post_id: int) -> list[str]:
        row = self.db.execute("SELECT check_errors FROM posts WHERE id = ?", (post_id,)).fetchone()
        return (_loads(row["check_errors"]) or []) if row else []

    def edit_post(self, post_id: int, *, title: str, body_md: str, status: str,
                  check_errors: list[str] | None) -> None:
        """A person's edit of a waiting or rejected post (`review --edit`): new text, checked again.
        The one way a status may leave "rejected": the edit is a new draft."""
        with self.transaction():
            self.db.execute("UPDATE posts SET title = ?, body_md = ?, status = ?, check_errors = ? WHERE id = ?"
                            " AND status != 'published'",
                            (title, body_md, status, _dumps(check_errors) if check_errors else None, post_id))

    def slug_taken(self, lang: str, slug: str) -> bool:
        return self.db.execute("SELECT 1 FROM posts WHERE lang = ? AND slug = ?", (lang, slug)).fetchone() is not None

    def posts(self, *, status: str | Iterable[str] | None = None, lang: str | None = None,
              story_id: int | None = None) -> list[Post]:
        sql, clauses, params = "SELECT * FROM posts", [], []
        if status is not None:
            statuses = [status] if isinstance(status, str) else list(status)
            clauses.append(f"status IN ({','.join('?' * len(statuses))})")
            params += statuses
        if lang is not None:
            clauses.append("lang = ?")
            params.append(lang)
        if story_id is not None:
            clauses.append("story_id = ?")
            params.append(story_id)
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY created_at, id"
        return [_post(row) for row in self.db.execute(sql, params)]

    def set_post_status(self, post_id: int, status: str) -> None:
        """Move a post forward; moving backwards (or out of rejected) raises ValueError."""
        row = self.db.execute("SELECT status FROM posts WHERE id = ?", (post_id,)).fetchone()
        if row is None:
            raise ValueError(f"no post {post_id}")
        current = row["status"]
        if current == status:
            return
        allowed = current != POST_REJECTED and (
            status == POST_REJECTED
            or POST_STATUS_ORDER.index(status) > POST_STATUS_ORDER.index(current)
        )
        if not allowed:
            raise ValueError(f"post {post_id}: status cannot move from {current} to {status}")
        with self.transaction():
            self.db.execute("UPDATE posts SET status = ? WHERE id = ?", (status, post_id))

    # -- publications ----------------------------------------------------------
    # One exactly-once record for posts and digests alike, kept under a PublicationKey (what is
    # published, on which channel); each kind has its own tables (_PUBLICATION_TABLES).

    def publication_state(self, key: PublicationKey) -> PublicationState | None:
        table, column, _ = _PUBLICATION_TABLES[key.kind]
        row = self.db.execute(f"SELECT * FROM {table} WHERE {column} = ? AND channel = ?",
                              (key.item_id, key.channel)).fetchone()
        return _publication_state(key.kind, row) if row else None

    def publication_states(self, kind: str, channel: str | None = None) -> list[PublicationState]:
        table, column, _ = _PUBLICATION_TABLES[kind]
        sql, params = f"SELECT * FROM {table}", []
        if channel:
            sql += " WHERE channel = ?"
            params.append(channel)
        return [_publication_state(kind, row) for row in self.db.execute(f"{sql} ORDER BY {column}", params)]

    def claim_publication(self, key: PublicationKey) -> None:
        """Claim a publication before sending: the row exists before the outside world is touched,
        so a crash after sending is seen on restart as 'pending' rather than as never tried."""
        table, column, _ = _PUBLICATION_TABLES[key.kind]
        with self.transaction():
            self.db.execute(
                f"INSERT INTO {table} ({column}, channel, status, attempts) VALUES (?, ?, 'pending', 1)"
                f" ON CONFLICT ({column}, channel) DO UPDATE SET attempts = attempts + 1",
                (key.item_id, key.channel),
            )

    def finish_publication_of(self, key: PublicationKey, *, remote_id: str | None = None,
                              error: str | None = None) -> None:
        """Record the channel's answer: its id for the publication, or the error (retried next run)."""
        table, column, _ = _PUBLICATION_TABLES[key.kind]
        if error is None:
            sql = (f"UPDATE {table} SET status = 'published', remote_id = ?, published_at = ?, last_error = NULL"
                   f" WHERE {column} = ? AND channel = ?")
            params: tuple = (remote_id, clock.iso(clock.now()), key.item_id, key.channel)
        else:
            sql = f"UPDATE {table} SET status = 'failed', last_error = ? WHERE {column} = ? AND channel = ?"
            params = (error, key.item_id, key.channel)
        with self.transaction():
            self.db.execute(sql, params)

    def settle_publication(self, key: PublicationKey, *, sent: bool) -> None:
        """The user's word on a publication a crash left pending: it is there (published, id unknown)
        or it is not (failed, so the next run sends it)."""
        if sent:
            self.finish_publication_of(key, remote_id="")
        else:
            self.finish_publication_of(key, error="not sent: settled with publish --resolve")

    def publication(self, post_id: int, channel: str) -> Publication | None:
        return self.publication_state(PublicationKey(PUBLISHES_POST, post_id, channel))  # type: ignore[return-value]

    def publications(self, channel: str | None = None) -> list[Publication]:
        return self.publication_states(PUBLISHES_POST, channel)  # type: ignore[return-value]

    def begin_publication(self, post_id: int, channel: str) -> Publication:
        key = PublicationKey(PUBLISHES_POST, post_id, channel)
        self.claim_publication(key)
        return self.publication_state(key)  # type: ignore[return-value]

    def finish_publication(self, post_id: int, channel: str, *, remote_id: str | None = None,
                           error: str | None = None) -> None:
        self.finish_publication_of(PublicationKey(PUBLISHES_POST, post_id, channel), remote_id=remote_id, error=error)

    def digest_publications(self, channel: str | None = None) -> list[DigestPublication]:
        return self.publication_states(PUBLISHES_DIGEST, channel)  # type: ignore[return-value]

    def digest_publication(self, digest_id: int, channel: str) -> DigestPublication | None:
        return self.publication_state(PublicationKey(PUBLISHES_DIGEST, digest_id, channel))  # type: ignore[return-value]

    def begin_digest_publication(self, digest_id: int, channel: str) -> DigestPublication:
        key = PublicationKey(PUBLISHES_DIGEST, digest_id, channel)
        self.claim_publication(key)
        return self.publication_state(key)  # type: ignore[return-value]

    # -- publication parts -----------------------------------------------------

    def parts_of(self, key: PublicationKey) -> list[PublicationPart]:
        _, column, table = _PUBLICATION_TABLES[key.kind]
        rows = self.db.execute(f"SELECT * FROM {table} WHERE {column} = ? AND channel = ? ORDER BY part",
                               (key.item_id, key.channel))
        return [_part(key, row) for row in rows]

    def begin_part_of(self, key: PublicationKey, part: int, token: str) -> None:
        """Record that this part is about to be sent with `token` (its idempotency or record key),
        committed before the request leaves. A part keeps the key it was first sent with."""
        _, column, table = _PUBLICATION_TABLES[key.kind]
        with self.transaction():
            self.db.execute(
                f"INSERT INTO {table} ({column}, channel, part, status, key, started_at)"
                " VALUES (?, ?, ?, 'sending', ?, ?)"
                f" ON CONFLICT({column}, channel, part) DO UPDATE SET status = 'sending',"
                " key = CASE WHEN key = '' THEN excluded.key ELSE key END,"
                " started_at = CASE WHEN status = 'sending' THEN started_at ELSE excluded.started_at END",
                (key.item_id, key.channel, part, token, clock.iso(clock.now())),
            )

    def set_part_status(self, key: PublicationKey, part: int, status: str, remote_id: str | None = None) -> None:
        _, column, table = _PUBLICATION_TABLES[key.kind]
        with self.transaction():
            self.db.execute(
                f"UPDATE {table} SET status = ?, remote_id = COALESCE(?, remote_id),"
                " sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END"
                f" WHERE {column} = ? AND channel = ? AND part = ?",
                (status, remote_id, status, clock.iso(clock.now()), key.item_id, key.channel, part),
            )

    def publication_parts(self, post_id: int, channel: str) -> list[PublicationPart]:
        return self.parts_of(PublicationKey(PUBLISHES_POST, post_id, channel))

    def begin_part(self, post_id: int, channel: str, part: int, key: str) -> None:
        self.begin_part_of(PublicationKey(PUBLISHES_POST, post_id, channel), part, key)

    # -- digests ---------------------------------------------------------------

    def add_digest(self, digest: Digest) -> int | None:
        """Store a digest; returns its id, or None when (day, lang) already has one."""
        with self.transaction():
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO digests (day, lang, title, body_md, post_ids, numbers_json, status, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (digest.day, digest.lang, digest.title, digest.body_md, _dumps(list(digest.post_ids)),
                 _dumps(digest.numbers), digest.status, digest.created_at or clock.iso(clock.now())),
            )
        return cursor.lastrowid if cursor.rowcount else None

    def digests(self, *, day: str | None = None, lang: str | None = None) -> list[Digest]:
        """Digests by day (oldest first), then language."""
        sql, clauses, params = "SELECT * FROM digests", [], []
        for column, value in (("day", day), ("lang", lang)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        return [_digest(row) for row in self.db.execute(sql + " ORDER BY day, lang, id", params)]

    def set_digest_status(self, digest_id: int, status: str) -> None:
        with self.transaction():
            self.db.execute("UPDATE digests SET status = ? WHERE id = ?", (status, digest_id))

    def activity_between(self, start: str, end: str) -> list[Activity]:
        """Activity with start <= occurred_at < end (ISO-8601 UTC strings, as stored), in time order."""
        return self._activities("FROM activity a WHERE a.occurred_at >= ? AND a.occurred_at < ?"
                                " ORDER BY a.occurred_at, a.id", (start, end))

    # -- cursors, cache, budget ------------------------------------------------

    def cursor(self, source: str) -> Any:
        row = self.db.execute("SELECT position FROM cursors WHERE source = ?", (source,)).fetchone()
        return _loads(row["position"]) if row else None

    def set_cursor(self, source: str, position: Any) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO cursors (source, position) VALUES (?, ?)"
                " ON CONFLICT(source) DO UPDATE SET position = excluded.position",
                (source, _dumps(position)),
            )

    def set_cursors(self, positions: dict[str, Any]) -> None:
        """`set_cursor` for many keys, _ROWS_PER_INSERT a statement (a collector's writer thread gets
        the GIL back after each statement, which can take a switch interval: the fewer, the better)."""
        items = iter(positions.items())
        with self.transaction():
            while chunk := list(islice(items, _ROWS_PER_INSERT)):
                self.db.execute(
                    "INSERT INTO cursors (source, position) VALUES " + ", ".join(["(?, ?)"] * len(chunk))
                    + " ON CONFLICT(source) DO UPDATE SET position = excluded.position",
                    [value for source, position in chunk for value in (source, _dumps(position))],
                )

    def cursors_with_prefix(self, prefix: str) -> list[tuple[str, Any]]:
        """Every (source key, position) whose key starts with `prefix`."""
        rows = self.db.execute("SELECT source, position FROM cursors WHERE substr(source, 1, ?) = ?",
                               (len(prefix), prefix))
        return [(row["source"], _loads(row["position"])) for row in rows]

    def set_session_summary(self, source: str, session_id: str, summary: str | None) -> None:
        """Set `meta.summary` on every stored turn group of one session."""
        with self.transaction():
            self.db.execute(
                "UPDATE activity SET meta_json = json_set(meta_json, '$.summary', ?)"
                " WHERE source = ? AND kind = 'session' AND json_extract(meta_json, '$.session_id') = ?",
                (summary, source, session_id),
            )

    def cache_get(self, key: str, max_age: timedelta | None = None) -> Any:
        """The cached value, or None when absent (or fetched longer than `max_age` ago)."""
        row = self.db.execute("SELECT value, fetched_at FROM cache WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        if max_age is not None and clock.parse_iso(row["fetched_at"]) < clock.now() - max_age:
            return None
        return _loads(row["value"])

    def cache_put(self, key: str, value: Any) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT OR REPLACE INTO cache (key, value, fetched_at) VALUES (?, ?, ?)",
                (key, _dumps(value), clock.iso(clock.now())),
            )

    def llm_calls_on(self, day: str) -> int:
        row = self.db.execute("SELECT count FROM llm_calls WHERE day = ?", (day,)).fetchone()
        return row["count"] if row else 0

    def count_llm_call(self, day: str, n: int = 1) -> int:
        with self.transaction():
            self.db.execute(
                "INSERT INTO llm_calls (day, count) VALUES (?, ?)"
                " ON CONFLICT(day) DO UPDATE SET count = count + excluded.count",
                (day, n),
            )
        return self.llm_calls_on(day)

    def reserve_llm_call(self, day: str, limit: int, *, story_id: int | None, backend: str,
                         prompt_key: str) -> int | None:
        """Count one LLM call against `day` before it is made, in one transaction: the id of the
        reservation, or None when `limit` calls are already reserved (two processes can never
        overspend: BEGIN IMMEDIATE serialises them). A reservation is never given back."""
        with self.transaction():
            if self.llm_calls_on(day) >= limit:
                return None
            self.db.execute(
                "INSERT INTO llm_calls (day, count) VALUES (?, 1) ON CONFLICT(day) DO UPDATE SET count = count + 1",
                (day,),
            )
            cursor = self.db.execute(
                "INSERT INTO llm_reservations (day, story_id, backend, prompt_key, reserved_at) VALUES (?, ?, ?, ?, ?)",
                (day, story_id, backend, prompt_key, clock.iso(clock.now())),
            )
        return cursor.lastrowid

    def finish_llm_call(self, reservation_id: int, outcome: str, detail: str | None = None) -> None:
        with self.transaction():
            self.db.execute("UPDATE llm_reservations SET outcome = ?, detail = ? WHERE id = ?",
                            (outcome, detail, reservation_id))

    def llm_reservations(self, story_id: int | None = None) -> list[dict[str, Any]]:
        sql, params = "SELECT * FROM llm_reservations", []
        if story_id is not None:
            sql, params = sql + " WHERE story_id = ?", [story_id]
        return [dict(row) for row in self.db.execute(sql + " ORDER BY id", params)]

    def llm_response(self, key: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM llm_responses WHERE key = ?", (key,)).fetchone()
        return dict(row) if row else None

    def save_llm_response(self, key: str, *, backend: str, model: str, text: str, input_tokens: int = 0,
                          output_tokens: int = 0) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT OR REPLACE INTO llm_responses"
                " (key, backend, model, text, input_tokens, output_tokens, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (key, backend, model, text, input_tokens, output_tokens, clock.iso(clock.now())),
            )

    def record_write_failure(self, story_id: int, reason: str) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO write_failures (story_id, reason, failed_at) VALUES (?, ?, ?)"
                " ON CONFLICT(story_id) DO UPDATE SET reason = excluded.reason, failed_at = excluded.failed_at,"
                " failures = failures + 1",
                (story_id, reason, clock.iso(clock.now())),
            )

    def clear_write_failure(self, story_id: int) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM write_failures WHERE story_id = ?", (story_id,))

    def write_failures(self) -> dict[int, dict[str, Any]]:
        """Why each waiting story's last write failed: story id -> {reason, failed_at, failures}."""
        return {row["story_id"]: dict(row) for row in self.db.execute("SELECT * FROM write_failures ORDER BY story_id")}

    def published_site_pages(self, project: str) -> list[dict[str, Any]]:
        """The project's posts on the site (newest story first): post, story end and site page path."""
        rows = self.db.execute(
            "SELECT posts.*, stories.ended_at AS story_ended_at, publications.remote_id AS page"
            " FROM posts JOIN stories ON stories.id = posts.story_id"
            " JOIN publications ON publications.post_id = posts.id AND publications.channel = 'site'"
            " WHERE stories.project = ? AND posts.status = 'published' AND publications.status = 'published'"
            " ORDER BY stories.ended_at DESC, posts.story_id DESC",
            (project,),
        ).fetchall()
        return [{"post": _post(row), "ended_at": row["story_ended_at"], "page": row["page"]} for row in rows]

    def published_per_channel(self) -> dict[str, int]:
        """How many posts each channel holds (published publications), for the run summary."""
        rows = self.db.execute("SELECT channel, COUNT(*) FROM publications WHERE status = 'published' GROUP BY channel")
        return {row[0]: row[1] for row in rows}

    # -- runs ------------------------------------------------------------------

    def begin_run(self, command: str) -> int:
        with self.transaction():
            cursor = self.db.execute("INSERT INTO runs (command, started_at, status) VALUES (?, ?, 'running')",
                                     (command, clock.iso(clock.now())))
        return int(cursor.lastrowid)

    def end_run(self, run_id: int, status: str, summary: dict[str, Any]) -> None:
        with self.transaction():
            self.db.execute("UPDATE runs SET ended_at = ?, status = ?, summary_json = ? WHERE id = ?",
                            (clock.iso(clock.now()), status, _dumps(summary), run_id))

    def last_runs(self, limit: int = 5) -> list[dict[str, Any]]:
        """The newest runs first; a 'running' row whose process died stays 'running' with no end."""
        rows = self.db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [{"id": row["id"], "command": row["command"], "started_at": row["started_at"],
                 "ended_at": row["ended_at"], "status": row["status"], "summary": _loads(row["summary_json"]) or {}}
                for row in rows]

    def backup_to(self, target: Path) -> None:
        """A consistent copy of the whole store at `target`, made with SQLite's online backup API
        (safe while another process writes: the copy is of one committed state)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        destination = sqlite3.connect(target)
        try:
            self.db.backup(destination)
        finally:
            destination.close()

    # -- reporting -------------------------------------------------------------

    def counts(self) -> dict[str, dict[str, int]]:
        """Counts per table and status, for `status`."""
        out: dict[str, dict[str, int]] = {}
        out["activity"] = {
            row[0]: row[1] for row in self.db.execute("SELECT source, COUNT(*) FROM activity GROUP BY source")
        }
        for table in ("stories", "posts", "publications", "digests", "digest_publications"):
            out[table] = {
                row[0]: row[1]
                for row in self.db.execute(f"SELECT status, COUNT(*) FROM {table} GROUP BY status")
            }
        out["briefs"] = {"total": self.db.execute("SELECT COUNT(*) FROM briefs").fetchone()[0]}
        out["redactions"] = {
            row[0]: row[1] for row in self.db.execute("SELECT kind, COUNT(*) FROM redactions GROUP BY kind")
        }
        return out


_ACTIVITY_COLUMNS = "a.source, a.project, a.kind, a.occurred_at, a.author, a.text, a.meta_json, a.fingerprint, a.id"
_PENDING_ROWS = "activity_pending p CROSS JOIN activity a ON a.id = p.activity_id"  # the rows select has not decided


def _story(row: sqlite3.Row, activity_ids: list[int]) -> Story:
    return Story(project=row["project"], started_at=row["started_at"], ended_at=row["ended_at"], score=row["score"],
                 category=row["category"], tags=_loads(row["tags"]) or [], activity_ids=activity_ids,
                 status=row["status"], explain=_loads(row["explain_json"]) or {}, fingerprint=row["fingerprint"],
                 id=row["id"])


def _post(row: sqlite3.Row) -> Post:
    return Post(story_id=row["story_id"], lang=row["lang"], title=row["title"], slug=row["slug"],
                body_md=row["body_md"], status=row["status"], created_at=row["created_at"],
                llm_calls=row["llm_calls"], backend=row["backend"], id=row["id"])


# Where each kind of publication is kept: its table, the column naming what it publishes, its parts.
_PUBLICATION_TABLES = {
    PUBLISHES_POST: ("publications", "post_id", "publication_parts"),
    PUBLISHES_DIGEST: ("digest_publications", "digest_id", "digest_publication_parts"),
}


def _part(key: PublicationKey, row: sqlite3.Row) -> PublicationPart:
    return PublicationPart(publication=key, part=row["part"], status=row["status"], key=row["key"],
                           remote_id=row["remote_id"], started_at=row["started_at"], sent_at=row["sent_at"])


def _publication_state(kind: str, row: sqlite3.Row) -> PublicationState:
    fields = {"channel": row["channel"], "status": row["status"], "remote_id": row["remote_id"],
              "published_at": row["published_at"], "attempts": row["attempts"], "last_error": row["last_error"]}
    if kind == PUBLISHES_DIGEST:
        return DigestPublication(digest_id=row["digest_id"], **fields)
    return Publication(post_id=row["post_id"], **fields)


def _digest(row: sqlite3.Row) -> Digest:
    return Digest(day=row["day"], lang=row["lang"], title=row["title"], body_md=row["body_md"],
                  post_ids=tuple(_loads(row["post_ids"]) or ()), numbers=_loads(row["numbers_json"]) or {},
                  status=row["status"], created_at=row["created_at"], id=row["id"])
