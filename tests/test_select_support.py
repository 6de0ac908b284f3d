"""Activity rows shaped exactly as the collectors write them (see the data contract), for select's tests.

Holds no tests itself; the select tests import these builders.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from social_publisher.records import Activity, fingerprint

UTC = timezone.utc


def at(day: int, hour: int, minute: int = 0) -> str:
    """ISO time on 2026-11-<day> UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC).isoformat(timespec="seconds")


def commit(project: str, when: str, message: str, files: list[tuple[str, int | None, int | None]] = (), *,
           own: bool = True, is_merge: bool = False, commit_hash: str | None = None,
           languages: list[str] | None = None) -> Activity:
    commit_hash = commit_hash or fingerprint("test-commit", project, when, message)[:40]
    meta = {
        "hash": commit_hash, "parents": ["p1", "p2"] if is_merge else ["p1"], "is_merge": is_merge, "own": own,
        "tz": "+03:00", "branches": ["main"], "repo": f"/home/dev/{project}",
        "files": [{"path": path, "added": added, "removed": removed} for path, added, removed in files],
        "languages": languages if languages is not None else [],
    }
    return Activity(source="git", project=project, kind="commit", occurred_at=when, author="Dev <dev@example.org>",
                    text=message, meta=meta, fingerprint=fingerprint("git", commit_hash))


def turn(project: str, session_id: str, index: int, when: str, prompt: str, prose: str = "", *,
         commands: list[tuple[str, bool]] = (), errors: list[str] = (), edited: list[str] = (),
         minutes: int = 20, source: str = "claude-code") -> Activity:
    start = datetime.fromisoformat(when)
    cwd = f"/home/dev/{project}"
    meta = {
        "session_id": session_id, "turn_index": index, "cwd": cwd, "git_branch": "main",
        "started_at": when, "ended_at": (start + timedelta(minutes=minutes)).isoformat(timespec="seconds"),
        "prompt": prompt, "assistant_text": [prose] if prose else [],
        "files_edited": [f"{cwd}/{path}" for path in edited], "files_written": [],
        "commands": [{"command": command, "failed": failed} for command, failed in commands],
        "errors": list(errors), "tool_calls": {"Bash": len(commands), "Edit": len(edited)},
        "summary": None, "transcript": f"/home/dev/.claude/projects/-home-dev-{project}/{session_id}.jsonl",
    }
    return Activity(source=source, project=project, kind="session", occurred_at=when, author="",
                    text=f"{prompt}\n\n{prose}", meta=meta, fingerprint=fingerprint(source, session_id, index))


def note(project: str, when: str, title: str, body: str, *, tags: list[str] = ()) -> Activity:
    path = f"/home/dev/notes/{when[:10]}-{fingerprint(title)[:6]}.md"
    meta = {"path": path, "title": title, "tags": list(tags), "date": when[:10], "sha": fingerprint(body)[:12]}
    return Activity(source="notes", project=project, kind="note", occurred_at=when, author="", text=body, meta=meta,
                    fingerprint=fingerprint("notes", path, meta["sha"]))


def trivial_day(project: str, day: int) -> list[Activity]:
    """A day a person would call 'nothing happened': merges, bumps, typos, a lockfile, a revert."""
    reverted = commit(project, at(day, 10, 30), "Add experimental cache", [("src/cache.py", 40, 0)],
                      commit_hash="c0ffee1234567890c0ffee1234567890c0ffee12")
    return [
        commit(project, at(day, 9), "Merge branch 'feature/login' into main", [("src/login.py", 12, 3)], is_merge=True),
        commit(project, at(day, 9, 20), "bump version to 1.4.2", [("pyproject.toml", 1, 1)]),
        commit(project, at(day, 9, 40), "fix typo in README", [("README.md", 1, 1)]),
        commit(project, at(day, 10), "Sync the lock", [("poetry.lock", 120, 80)]),
        reverted,
        commit(project, at(day, 11), 'Revert "Add experimental cache"\n\nThis reverts commit c0ffee1234567890c0ffee1234567890c0ffee12.',
               [("src/cache.py", 0, 40)]),
        commit(project, at(day, 11, 30), "Run black", [("src/app.py", 30, 30)]),
    ]


def bug_session(project: str, day: int, session_id: str = "s-bug") -> list[Activity]:
    """A session with an error, a fix and a measured result, and the commit made during it."""
    return [
        turn(project, session_id, 0, at(day, 9),
             "The import into our SQLite cache fails with sqlite3.OperationalError: database is locked. "
             "Fix it and measure how long the import takes.",
             "I ran the test suite: 3 failed with 'database is locked'. The importer opens a second connection "
             "while the first one holds a write transaction.",
             commands=[("cd /home/dev/app && uv run pytest -q", True)],
             errors=["sqlite3.OperationalError: database is locked"], edited=["src/cache.py"]),
        turn(project, session_id, 1, at(day, 9, 40), "Good. Now run the tests again and time the import.",
             "Fixed: the importer now reuses one connection in WAL mode and batches inserts in one transaction. "
             "42 passed. The import of 100,000 rows went from 12.4 s to 3.1 s.",
             commands=[("uv run pytest -q", False), ("python scripts/time_import.py", False)],
             edited=["src/cache.py", "tests/test_cache.py"]),
        commit(project, at(day, 10, 15),
               "Fix 'database is locked' in the cache import\n\nReuse one connection in WAL mode and batch the inserts "
               "in a single transaction; the import of 100,000 rows takes 3.1 s instead of 12.4 s.",
               [("src/cache.py", 48, 17), ("tests/test_cache.py", 35, 2)], languages=["Python"]),
    ]
