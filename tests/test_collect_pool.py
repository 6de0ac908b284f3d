"""Claude Code transcripts read in worker processes (transcripts.POOL_*) store exactly what a read
in one process stores: the same rows in the same order, the same cursors, the same pending
summaries, also across files (a resumed session's copied turns, summaries naming another
file's messages, subagent side files), and a run that fails halfway resumes the same way."""

from __future__ import annotations

import os
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from test_collect_claude_code import T0, Lines, dump, stamp, write

from social_publisher.collect import SourceReport, transcripts
from social_publisher.collect.claude_code import ClaudeCodeSource
from social_publisher.config import SourceConfig
from social_publisher.store import Store

NOW_MINUTES = 24 * 60


def session(tag: str, start: float, turns: int, *, cwd: str = "/home/dev/code/llm-analysis") -> list[dict]:
    """`turns` turn groups (prompt, a thought, an edit, a failing command, an answer), uuids `<tag>u<n>`."""
    lines = Lines(session=f"{tag}-session", cwd=cwd)
    out = []
    for turn in range(turns):
        minute = start + turn * 5
        out += [lines.prompt(f"{tag}: make step {turn} faster", minute),
                lines.thinking(f"step {turn} is slow because " * 20, minute + 0.5),
                lines.tool("Edit", {"file_path": f"{cwd}/src/step{turn}.py", "old_string": "a", "new_string": "b"},
                           minute + 1, f"{tag}-e{turn}"),
                lines.result(f"{tag}-e{turn}", "ok", minute + 1.5),
                lines.tool("Bash", {"command": f"pytest tests/test_step{turn}.py"}, minute + 2, f"{tag}-b{turn}"),
                lines.result(f"{tag}-b{turn}", f"FAILED test_step{turn}", minute + 2.5, is_error=turn % 2 == 0),
                lines.text(f"Step {turn}: 12 s -> {turn + 1} s.", minute + 3)]
    for line in out:
        line["uuid"] = f"{tag}{line['uuid']}"
    return out


def build(root: Path) -> int:
    """Seven transcripts (read in this order) and two side files; returns how many transcripts."""
    first = session("a", 0, 6)
    later = session("d", 300, 4)
    # The first file names a message of a later one with its summary: the later file's worker,
    # forked before that summary was read, reads it again here.
    first.append({"type": "summary", "summary": "Speed up the steps", "leafUuid": later[8]["uuid"]})
    write(root, first, name="a-session")
    # A resumed session: copies the first one's turns (same uuids), opens with a summary of its newest message.
    resumed = [{"type": "summary", "summary": "First session, resumed", "leafUuid": first[-2]["uuid"]},
               *first[:14], *session("b", 200, 3)]
    write(root, resumed, name="b-session")
    with_agents = session("c", 250, 4, cwd="/home/dev/code/other")
    write(root, with_agents, name="c-session", folder="-home-dev-code-other")
    agent = session("x", 251, 3, cwd="/home/dev/code/other")
    for line in agent:
        line["sessionId"], line["isSidechain"] = "c-session", True
    write(root, agent, name="agent-x1", folder="-home-dev-code-other")
    sub = session("y", 262, 2, cwd="/home/dev/code/other")
    write(root, sub, name="y1", folder="-home-dev-code-other/c-session/subagents")
    write(root, later, name="d-session")
    # A bad line in the middle, no newline after the last line.
    bad = dump(session("e", 400, 3)[:10]) + b'{"type": "user", broken\n' + dump(session("f", 420, 2)).rstrip(b"\n")
    idle = (T0 + timedelta(minutes=430)).timestamp()
    os.utime(write(root, bad, name="e-session"), (idle, idle))  # idle: its unterminated last line is read
    # A summary of a message no file holds: stays pending in the store.
    write(root, [*session("g", 500, 2), {"type": "summary", "summary": "Elsewhere", "leafUuid": "nowhere"}],
          name="g-session")
    # Still being written (its newest line is a minute old): its last group stays open.
    write(root, session("h", NOW_MINUTES - 11, 3), name="h-session")
    return 7


def collect(db: Path, root: Path) -> SourceReport:
    report = SourceReport(source=str(root), type="claude-code")
    with Store(db) as store:
        ClaudeCodeSource(SourceConfig(type="claude-code", path=root)).collect(store, report)
    return report


def stored(db: Path) -> tuple[list, list]:
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT id, source, project, kind, occurred_at, author, text, meta_json, fingerprint"
                           " FROM activity ORDER BY id").fetchall()
        cursors = con.execute("SELECT source, position FROM cursors ORDER BY source").fetchall()
    return rows, cursors


@pytest.fixture
def setup(tmp_path, monkeypatch):
    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", stamp(NOW_MINUTES).replace("Z", "+00:00"))
    monkeypatch.setattr(transcripts, "FLUSH_GROUPS", 2)  # several batches a transcript, several a transaction
    monkeypatch.setattr(transcripts, "BATCH_ROWS", 3)
    root = tmp_path / "projects"
    files = build(root)
    pooled: list[bool] = []  # what same_as_here said, for each transcript a worker read
    same_as_here = ClaudeCodeSource.same_as_here

    def spy(self, outcome):
        pooled.append(same_as_here(self, outcome))
        return pooled[-1]

    monkeypatch.setattr(ClaudeCodeSource, "same_as_here", spy)

    def use_pool(on: bool) -> None:
        monkeypatch.setattr(transcripts, "POOL_MIN_FILES", 1 if on else 10**9)
        monkeypatch.setattr(transcripts, "POOL_MIN_BYTES", 0 if on else 10**12)
        monkeypatch.setattr(transcripts, "_running_elsewhere", lambda: 0)  # however busy the machine running the tests

    return root, files, pooled, use_pool


@pytest.mark.parametrize("task_bytes", [1, transcripts.POOL_TASK_BYTES])  # a transcript a task, all in one
def test_workers_store_what_one_process_stores(setup, tmp_path, monkeypatch, task_bytes):
    root, files, pooled, use_pool = setup
    monkeypatch.setattr(transcripts, "POOL_TASK_BYTES", task_bytes)
    use_pool(False)
    alone = collect(tmp_path / "alone.db", root)
    assert pooled == []
    use_pool(True)
    pool = collect(tmp_path / "pool.db", root)
    assert len(pooled) == files and pooled.count(False) == 1  # the file whose summary the first named
    assert stored(tmp_path / "pool.db") == stored(tmp_path / "alone.db")
    assert (pool.new_activity, pool.files_read, pool.skipped, pool.reasons) == \
        (alone.new_activity, alone.files_read, alone.skipped, alone.reasons)
    rows, cursors = stored(tmp_path / "pool.db")
    assert pool.skipped == 1 and "e-session.jsonl:11: invalid JSON" in pool.reasons[0]
    metas = {row[8]: row[7] for row in rows}
    assert len(rows) == len(metas) == 6 + 3 + 4 + 4 + 4 + 2 + 2  # the resumed file's copies stored once, h's last open
    assert sum('"summary":"Speed up the steps"' in meta for meta in metas.values()) == 4  # d's groups
    assert sum('"summary":"First session, resumed"' in meta for meta in metas.values()) == 6  # a's, credited at the end
    assert any(key.endswith("agent-x1.jsonl") for key, _ in cursors)
    assert any(key.endswith("pending-summaries") and "nowhere" in position for key, position in cursors)
    # Nothing changed: a second run reads nothing.
    again = collect(tmp_path / "pool.db", root)
    assert (again.new_activity, again.files_read) == (0, 0)


def test_small_collections_are_read_here(setup, tmp_path):
    root, _, pooled, _ = setup  # the real thresholds: seven small files are not worth two processes
    report = collect(tmp_path / "small.db", root)
    assert report.new_activity > 0 and pooled == []


def test_without_a_core_to_spare_transcripts_are_read_here(setup, tmp_path, monkeypatch):
    root, _, pooled, use_pool = setup
    use_pool(True)
    monkeypatch.setattr(transcripts, "_running_elsewhere", lambda: len(os.sched_getaffinity(0)))
    report = collect(tmp_path / "busy.db", root)
    assert report.new_activity > 0 and pooled == []


def test_threads_running_elsewhere_are_read_from_proc_stat(tmp_path, monkeypatch):
    stat = tmp_path / "stat"
    stat.write_bytes(b"cpu  1 2 3\nprocs_running 5\nprocs_blocked 0\n")
    monkeypatch.setattr(transcripts, "PROC_STAT", str(stat))
    assert transcripts._running_elsewhere() == 4  # this thread is one of them
    monkeypatch.setattr(transcripts, "PROC_STAT", str(tmp_path / "missing"))
    assert transcripts._running_elsewhere() == 0


def test_a_run_failing_halfway_resumes_as_in_one_process(setup, tmp_path, monkeypatch):
    root, _, pooled, use_pool = setup
    clean = tmp_path / "clean.db"
    use_pool(False)
    collect(clean, root)
    add = Store.add_encoded_activity
    results = {}
    for on in (False, True):
        use_pool(on)
        calls = []

        def failing(self, rows, calls=calls):
            calls.append(1)
            if len(calls) == 4:
                raise sqlite3.OperationalError("disk I/O error")
            return add(self, rows)

        db = tmp_path / f"failed-{on}.db"
        monkeypatch.setattr(Store, "add_encoded_activity", failing)
        with pytest.raises(sqlite3.OperationalError):
            collect(db, root)
        monkeypatch.setattr(Store, "add_encoded_activity", add)
        half = len(stored(db)[0])
        resumed = collect(db, root)
        assert 0 < half < len(stored(clean)[0]) and resumed.new_activity == len(stored(clean)[0]) - half
        results[on] = stored(db)
    assert pooled  # the second pass read in workers
    assert results[True] == results[False]
    # Nothing lost, nothing twice: the same turn groups as an uninterrupted run, in the same order.
    assert [row[8] for row in results[True][0]] == [row[8] for row in stored(clean)[0]]
