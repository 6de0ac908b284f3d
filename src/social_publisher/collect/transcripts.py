"""Reading JSONL session transcripts (Claude Code, Codex) incrementally, line by line.

`TranscriptSource` finds the transcript files under the source's folder and, for each
file that changed, reads the complete lines after the stored byte offset and hands each
parsed line to the subclass (`handle`), which feeds a `Tracker`.

When a turn group is stored — the resume rule:
- a group is closed (becomes an activity row) when the next real user prompt begins;
- the last group of a file is closed only when the session is idle: its newest line is
  more than IDLE_MINUTES old (by the line timestamps, compared with `clock.now()`).
The stored cursor points at the first line of the group still open, with the session
state as it was there, so the next run re-reads that group whole: a transcript appended
later yields exactly the new turns, none twice and none lost. Lines appended after an
idle group was closed (rare: a tool approved an hour later) form a group of their own with
no prompt.

A partial last line (the writer is mid-line) is left for the next run — unless the file has
been idle for IDLE_MINUTES and the line is whole by the source's own test (`whole_line`: a
complete JSON object): a transcript whose writer never added the final newline is then read to
its end instead of being held back, and re-read, forever. Blank lines are skipped. A bad line is
reported once as `path:line: reason` (the cursor remembers which lines were reported) and
skipped; the rest of the file is read. A line longer than MAX_LINE_BYTES is skipped without
being loaded, so memory stays flat whatever the file holds.

Where a source's transcripts read independently of each other (`parallel_reads`) and there is
enough to read (POOL_*), they are read in two forked worker processes, a few consecutive ones a
task; each worker spools its batches to a file and this process stores them in transcript order,
exactly as if it had read them itself (same rows, same order, same cursors). What a source keeps
across transcripts is merged here in that order through the `begin_file`/`end_file`/`after_read`
hooks, and a transcript a worker read from an out-of-date copy of it is read again here
(`same_as_here`).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import shutil
import signal
import tempfile
import time
from abc import abstractmethod
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import IO, Any, ClassVar

import orjson

from social_publisher import clock
from social_publisher.collect import Source, SourceReport
from social_publisher.collect.background import BackgroundWriter
from social_publisher.collect.sessions import SessionState, TurnGroup, group_activity, is_timestamp, match_timestamp
from social_publisher.progress import progress_bar
from social_publisher.records import Activity
from social_publisher.store import EncodedActivity, Store, encode_activity

IDLE_MINUTES = 30
MAX_LINE_BYTES = 16 << 20
FLUSH_GROUPS = 200  # closed groups of one transcript handed to the writer (with its cursor) at once
BATCH_ROWS = 200  # rows (of one or more transcripts) the writer stores in one transaction (a large
# turn group's row holds up to ~100 KB: four batches queued stay well under the RSS goal)
BATCH_JOBS = 500  # or that many jobs (transcripts without new rows still move their cursors)
_BUFFER = 1 << 20
# Reading in worker processes (sources with `parallel_reads`): used when the work is big enough to
# pay for them: ~10 ms to start two, and the store waits for the first task and the workers are
# idle while it writes the last (short-turns bench, one process vs two: 21 MB 0.10 vs 0.13 s,
# 50 MB 0.19 vs 0.17-0.19 s, 100 MB 0.34 vs 0.28 s). Files larger than POOL_MAX_FILE_BYTES are
# read here as they come, so their rows stream to the store as before.
# They also need a core to spare: with as many other threads running as there are cores, the
# workers' extra work (their rows pickled, the handing over) makes the collection slower, not
# faster (short-turns, 2 cores, two other busy processes: 0.96 s with the workers, 0.86 s without).
POOL_WORKERS = 2
PROC_STAT = "/proc/stat"
POOL_MIN_FILES = 4
POOL_MIN_BYTES = 64 << 20
POOL_MAX_FILE_BYTES = 256 << 20
POOL_TASK_BYTES = 4 << 20  # a worker reads consecutive transcripts until it has this much (a task
# costs ~1-2 ms of handing over: small transcripts go a few together)
POOL_AHEAD = 2  # tasks handed to the workers ahead of the one being stored, per worker
POOL_AHEAD_BYTES = 96 << 20  # and at most this much transcript in them (their rows wait in memory)


@dataclass
class Transcript:
    """One session's main file and the side files (subagents) whose lines belong to it."""

    path: Path
    session_id: str
    companions: list[Path]


class BadLine(Exception):
    """Raised by a source's `parse` for a line it cannot use; the message is the reason."""


def complete_lines(file: IO[bytes], offset: int, line_no: int,
                   whole: Callable[[bytes], bool] | None = None) -> Iterator[tuple[int, int, bytes | None]]:
    """(line number, offset after the line, raw line) for each complete line from `offset`.

    Stops before a partial last line, unless `whole` is given and says the unterminated last line
    is complete. A line longer than MAX_LINE_BYTES is skipped in chunks and yielded as None (its
    length is the offset difference).
    """
    file.seek(offset)
    readline = file.readline
    while True:
        raw = readline(MAX_LINE_BYTES)
        if not raw:
            return
        if raw[-1] != 10:  # no newline: a partial last line, or a line over the limit
            if len(raw) < MAX_LINE_BYTES:
                if whole is not None and whole(raw):
                    yield line_no + 1, offset + len(raw), raw
                return
            length = len(raw)
            while True:
                more = readline(MAX_LINE_BYTES)
                if not more:
                    return
                length += len(more)
                if more[-1] == 10:
                    break
            offset += length
            line_no += 1
            yield line_no, offset, None
            continue
        offset += len(raw)
        line_no += 1
        yield line_no, offset, raw


class Tracker:
    """The read position in one transcript, the open turn group and the groups closed so far."""

    __slots__ = ("source", "path", "state", "group", "closed", "line_start", "line_no", "group_start", "group_line",
                 "companions", "last_seen", "summary_found")

    def __init__(self, source: "TranscriptSource", path: Path, state: SessionState, offset: int, line_no: int):
        self.source, self.path = source, path
        self.state = state
        self.group = TurnGroup()
        self.closed: list[Activity] = []
        self.line_start, self.line_no = offset, line_no  # of the line being handled
        self.group_start, self.group_line = offset, line_no  # where the open group began
        self.companions: list[CompanionStream] = []
        self.last_seen: str | None = None  # newest timestamp in the file
        self.summary_found = False  # a summary written elsewhere turned out to be this session's

    def seen_at(self, timestamp: Any) -> None:
        if isinstance(timestamp, str) and match_timestamp(timestamp) is not None:  # is_timestamp, inlined
            group = self.group
            if group.started_at is None:
                group.started_at = timestamp
            group.ended_at = timestamp
            if self.state.started_at is None:
                self.state.started_at = timestamp
            if self.last_seen is None or timestamp > self.last_seen:
                self.last_seen = timestamp

    def begin_turn(self, prompt: str, timestamp: Any, uuid: str | None = None) -> None:
        """A real user prompt: close the open group (if it holds anything) and start a new one here."""
        if self.group.has_content:
            self.close(timestamp if is_timestamp(timestamp) else None, reopen=False)
        self.group = TurnGroup(prompt=prompt, cwd=self.state.cwd, git_branch=self.state.git_branch, uuid=uuid)
        self.group_start, self.group_line = self.line_start, self.line_no - 1
        self.seen_at(timestamp)

    def close(self, until: str | None, *, reopen: bool = True) -> None:
        """Store the open group as a row; side-file lines older than `until` are added to it first.
        An empty group takes its place unless the caller starts the next one itself."""
        for companion in self.companions:
            companion.drain(self, until)
        self.closed.append(group_activity(self.source.type, self.state, self.group, self.source.config.project))
        self.state.turn += 1
        if reopen:
            self.group = TurnGroup(cwd=self.state.cwd, git_branch=self.state.git_branch)


class CompanionStream:
    """A side file (a subagent's transcript) whose lines are added to the parent's groups by time."""

    def __init__(self, source: "TranscriptSource", path: Path, cursor: dict[str, Any] | None,
                 report: SourceReport):
        self.source, self.path, self.report = source, path, report
        cursor = cursor or {}
        self.offset, self.line_no = cursor.get("offset", 0), cursor.get("line", 0)
        self.reported = cursor.get("reported", 0)
        self.file: IO[bytes] | None = None
        self.lines: Iterator | None = None
        self.peeked: tuple[int, int, Any, Any] | None = None  # line, end offset, parsed line, timestamp
        self.read = False

    def _peek(self) -> tuple[int, int, Any, Any] | None:
        if self.peeked is None:
            if self.lines is None:
                try:
                    self.file = open(self.path, "rb", buffering=_BUFFER)
                except OSError as exc:
                    self.report.skip(f"{self.path}: cannot read: {exc.strerror or exc}")
                    self.lines = iter(())
                    return None
                idle = self.source.is_idle(None, file_stat(self.path)[1])
                self.lines = complete_lines(self.file, self.offset, self.line_no,
                                            self.source.whole_line if idle else None)
                self.read = True
            for line_no, end, raw in self.lines:
                try:
                    parsed = self.source.parse(raw)
                except BadLine as exc:
                    if line_no > self.reported:
                        self.report.skip(f"{self.path}:{line_no}: {exc}")
                        self.reported = line_no
                    self.offset, self.line_no = end, line_no
                    continue
                if parsed is None:  # a blank line
                    self.offset, self.line_no = end, line_no
                    continue
                timestamp = self.source.timestamp_of(parsed)
                self.peeked = (line_no, end, parsed, timestamp)
                break
        return self.peeked

    def drain(self, tracker: Tracker, until: str | None) -> None:
        while (item := self._peek()) is not None:
            line_no, end, parsed, timestamp = item
            if until is not None and is_timestamp(timestamp) and timestamp >= until:
                return
            self.source.handle(parsed, tracker, sidechain=True)
            self.peeked = None
            self.offset, self.line_no = end, line_no

    def cursor(self) -> dict[str, Any]:
        size, mtime = file_stat(self.path)
        return {"offset": self.offset, "line": self.line_no, "size": size, "mtime": mtime, "reported": self.reported}

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Reading makes many short-lived containers and no reference cycles: the cyclic collector,
    which would otherwise run every few hundred lines and walk them all, waits until the end."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def file_stat(path: Path) -> tuple[int, int]:
    try:
        info = path.stat()
    except OSError:
        return -1, -1
    return info.st_size, info.st_mtime_ns


def _is_idle(last_seen: str | None, fallback_mtime_ns: int) -> bool:
    limit = clock.now() - timedelta(minutes=IDLE_MINUTES)
    if last_seen:
        try:
            return clock.parse_iso(last_seen) < limit
        except ValueError:
            pass
    return fallback_mtime_ns / 1e9 < limit.timestamp()


class TranscriptSource(Source):
    """Base class for JSONL session sources; subclasses find transcripts and interpret lines."""

    @abstractmethod
    def transcripts(self, root: Path) -> list[Transcript]:
        """The transcripts under `root`, each with the side files that belong to its session."""

    @abstractmethod
    def handle(self, line: Any, tracker: Tracker, *, sidechain: bool = False) -> None:
        """Apply one parsed line to the tracker (call tracker.begin_turn for a real prompt)."""

    def parse(self, raw: bytes | None) -> Any:
        """Bytes of one line -> a JSON object (None for a blank line); BadLine for anything else."""
        if raw is None:
            raise BadLine(f"line longer than {MAX_LINE_BYTES / 2**20:g} MB, skipped")
        if raw.isspace():
            return None
        try:
            parsed = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise BadLine(_json_reason(raw, exc)) from None
        if not isinstance(parsed, dict):
            raise BadLine(f"not a JSON object ({type(parsed).__name__})")
        return parsed

    def timestamp_of(self, line: Any) -> Any:
        """The timestamp of a line `parse` returned (side files are merged by it)."""
        return line.get("timestamp") if isinstance(line, dict) else None

    def whole_line(self, raw: bytes) -> bool:
        """Whether an unterminated last line of an idle file is complete: a whole JSON object."""
        try:
            return isinstance(orjson.loads(raw), dict)
        except orjson.JSONDecodeError:
            return False

    def cursor_key(self, path: Path) -> str:
        return f"{self.name}|{path}"

    # -- the collect loop -----------------------------------------------------------------

    progress_label = "transcripts"

    def root(self, report: SourceReport) -> Path | None:
        """The folder to search for transcripts, or None (reported) when it is missing."""
        root = Path(self.config.path).expanduser()
        if not root.is_dir():
            report.skip(f"{root}: transcript folder not found")
            return None
        return root

    def is_idle(self, last_seen: str | None, mtime_ns: int) -> bool:
        """Whether an open turn group is finished: its last line is IDLE_MINUTES old."""
        return _is_idle(last_seen, mtime_ns)

    # Hooks for what a source keeps across transcripts (Claude Code's summaries): a transcript may be
    # read in a worker process, and what it finds is merged here, in transcript order.

    parallel_reads: ClassVar[bool] = False  # whether transcripts may be read in worker processes

    def begin_file(self) -> None:
        """Called before a transcript is read (in the process that reads it)."""

    def end_file(self, tracker: Tracker) -> Any:
        """Called once a transcript has been read (in the process that read it); the (picklable)
        value is handed to `after_read` in the collecting process."""
        return None

    def before_fork(self) -> None:
        """Called in the collecting process just before the worker processes are made."""

    def same_as_here(self, outcome: Any) -> bool:
        """Whether a transcript read by a worker (`outcome` from its `end_file`) read as it would
        have here and now, given what the transcripts before it changed; if not, it is read again here."""
        return True

    def after_read(self, writer: "Batches", outcome: Any) -> None:
        """Called in transcript order, once a transcript's rows have been handed to `writer`."""

    def collect(self, store: Store, report: SourceReport) -> None:
        """Read each changed transcript; its rows and cursors are stored in transcript order, one
        transcript after the other, whichever process read it: what is stored, and where a run killed
        halfway resumes, is the same as for a read in this process alone."""
        root = self.root(report)
        if root is None:
            return
        work = []
        for transcript in self.transcripts(root):
            cursor = store.cursor(self.cursor_key(transcript.path)) or {}
            size, mtime = file_stat(transcript.path)
            if size < 0:
                continue
            changed = (size, mtime) != (cursor.get("size"), cursor.get("mtime"))
            open_group = cursor.get("offset", 0) < size
            if changed or (open_group and self.is_idle(cursor.get("last_seen"), mtime)):
                work.append((transcript, cursor, size - min(cursor.get("offset", 0), size)))
        total = sum(unread for _, _, unread in work)
        if not work:
            return
        # The workers are forked before any thread starts (the progress bar's, the writer's).
        with _no_cycle_collection(), self._pool(work) as pool, \
                progress_bar(f"{self.type} {self.progress_label}", total=total or None) as bar, \
                BackgroundWriter(store.path) as background:
            writer = Batches(background)

            def emit(rows: list[EncodedActivity], cursors: dict[str, Any], progress: int) -> None:
                writer.submit(Rows(rows, cursors, report), rows=len(rows))
                bar.advance(progress)

            for transcript, cursor, read in self._in_order(work, store, pool):
                read_here = read is None
                if not read_here:
                    flushes, their_report, outcome = read
                    read_here = not self.same_as_here(outcome)
                    if not read_here:
                        for flush in flushes:
                            emit(*flush)
                        _merge_report(report, their_report)
                if read_here:
                    outcome = self._read(transcript, cursor, self._side_cursors(store, transcript), report, emit)
                self.after_read(writer, outcome)
            writer.flush()

    def _side_cursors(self, store: Store, transcript: Transcript) -> dict[Path, Any]:
        return {side: store.cursor(self.cursor_key(side)) for side in transcript.companions}

    @contextmanager
    def _pool(self, work: list[tuple[Transcript, dict[str, Any], int]]) -> Iterator["_Pool | None"]:
        """Worker processes to read transcripts in, or None when the work is too small for them to
        pay (or the source's reads are not independent, or there is one core)."""
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
        workers = min(POOL_WORKERS, cores)
        pooled = [unread for _, _, unread in work if unread <= POOL_MAX_FILE_BYTES]
        sides = [side for transcript, _, _ in work for side in transcript.companions]
        if (not self.parallel_reads or workers < 2 or len(pooled) < POOL_MIN_FILES or sum(pooled) < POOL_MIN_BYTES
                or len(set(sides)) < len(sides)  # a side file shared by two transcripts: read in order, here
                or "fork" not in multiprocessing.get_all_start_methods()
                or _running_elsewhere() >= cores):
            yield None
            return
        try:
            spool = tempfile.mkdtemp(prefix="social-publisher-collect-")
        except OSError:  # no temporary folder to write to: read here
            yield None
            return
        self.before_fork()
        executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                       initializer=_start_worker, initargs=(self, os.getpid()))
        try:
            executor.submit(os.getpid)  # forks every worker now, while this process has one thread
            yield _Pool(executor, spool)
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
            shutil.rmtree(spool, ignore_errors=True)

    def _in_order(self, work: list[tuple[Transcript, dict[str, Any], int]], store: Store,
                  pool: "_Pool | None") -> Iterator[tuple[Transcript, dict[str, Any], tuple | None]]:
        """Each transcript with its cursor, in order, and a worker's read of it (None: read it here).
        Consecutive transcripts go to a worker together, POOL_TASK_BYTES a task, and the workers are
        kept POOL_AHEAD tasks each ahead of the one being stored."""
        if pool is None:
            for transcript, cursor, _ in work:
                yield transcript, cursor, None
            return
        tasks = _tasks(work)  # indexes into work
        sizes = [sum(work[i][2] for i in task) for task in tasks]  # unread bytes of each task
        task_of = {index: number for number, task in enumerate(tasks) for index in task}
        futures: dict[int, Future] = {}
        submitted, reads, reading, spooled = 0, iter(()), -1, None
        try:
            for index, (transcript, cursor, _) in enumerate(work):
                task = task_of.get(index)
                if task is None:
                    yield transcript, cursor, None
                    continue
                ahead = sum(sizes[t] for t in futures if t > task)
                while submitted < min(len(tasks), task + 1 + POOL_AHEAD * POOL_WORKERS) and \
                        (submitted <= task or ahead + sizes[submitted] <= POOL_AHEAD_BYTES):
                    futures[submitted] = pool.executor.submit(_read_in_worker, [
                        (work[i][0], work[i][1], self._side_cursors(store, work[i][0])) for i in tasks[submitted]
                    ], pool.spool_path(submitted))
                    if submitted > task:
                        ahead += sizes[submitted]
                    submitted += 1
                if task != reading:
                    reads, reading = iter(futures.pop(task).result()), task
                    if spooled is not None:
                        spooled.close()
                    spooled = open(pool.spool_path(task), "rb")
                    os.unlink(pool.spool_path(task))  # gone once read
                start, end, their_report, outcome = next(reads)
                yield transcript, cursor, (_spooled_flushes(spooled, start, end), their_report, outcome)
        finally:
            if spooled is not None:
                spooled.close()

    def _read(self, transcript: Transcript, cursor: dict[str, Any], side_cursors: dict[Path, Any],
              report: SourceReport, emit: Callable[[list[EncodedActivity], dict[str, Any], int], None]) -> Any:
        """Read one transcript from its cursor (here or in a worker process): each batch of closed
        groups goes to `emit` (rows, the cursors that follow them, bytes of progress) when it is
        ready; nothing is stored here. Returns what `end_file` said."""
        self.begin_file()
        path = transcript.path
        size, mtime = file_stat(path)
        offset = cursor.get("offset", 0)
        if offset > size:  # the file was rewritten shorter: read it again from the start
            cursor = {}
            offset = 0
        state = SessionState.from_dict(cursor["state"]) if "state" in cursor else \
            SessionState(session_id=transcript.session_id, transcript=str(path))
        tracker = Tracker(self, path, state, offset, cursor.get("line", 0))
        tracker.last_seen = cursor.get("last_seen")
        reported = cursor.get("reported", 0)
        tracker.companions = [
            CompanionStream(self, side, side_cursors.get(side), report) for side in transcript.companions
        ]
        try:
            file = open(path, "rb", buffering=_BUFFER)
        except OSError as exc:
            report.skip(f"{path}: cannot read: {exc.strerror or exc}")
            return self.end_file(tracker)
        report.files_read += 1
        flushed_at = offset
        try:
            with file:
                whole = self.whole_line if self.is_idle(None, mtime) else None
                parse, handle = self.parse, self.handle
                for line_no, end, raw in complete_lines(file, offset, tracker.line_no, whole):
                    tracker.line_no = line_no
                    try:
                        parsed = parse(raw)
                        if parsed is not None:
                            handle(parsed, tracker)
                    except BadLine as exc:
                        if line_no > reported:
                            report.skip(f"{path}:{line_no}: {exc}")
                            reported = line_no
                    tracker.line_start = end
                    if len(tracker.closed) >= FLUSH_GROUPS:
                        self._flush(emit, report, tracker, reported, size, mtime, tracker.group_start - flushed_at)
                        flushed_at = tracker.group_start
            if self.is_idle(tracker.last_seen, mtime):
                if tracker.group.has_content:
                    tracker.close(None)
                tracker.group = TurnGroup(cwd=state.cwd, git_branch=state.git_branch)
                tracker.group_start, tracker.group_line = tracker.line_start, tracker.line_no
            self._flush(emit, report, tracker, reported, size, mtime, max(0, size - flushed_at))
            return self.end_file(tracker)
        finally:
            for companion in tracker.companions:
                companion.close()

    def _flush(self, emit: Callable[[list[EncodedActivity], dict[str, Any], int], None], report: SourceReport,
               tracker: Tracker, reported: int, size: int, mtime: int, progress: int) -> None:
        """Hand the closed groups and the cursors (main file and side files) on: one transaction,
        with the cursors as they are now."""
        rows = [encode_activity(row) for row in self.recent(tracker.closed, report)]
        tracker.closed = []
        cursors = {self.cursor_key(tracker.path): {
            "offset": tracker.group_start, "line": tracker.group_line, "size": size, "mtime": mtime,
            "last_seen": tracker.last_seen, "reported": reported, "state": tracker.state.as_dict(),
        }}
        cursors.update((self.cursor_key(c.path), c.cursor()) for c in tracker.companions if c.read)
        emit(rows, cursors, progress)


def _tasks(work: list[tuple[Transcript, dict[str, Any], int]]) -> list[list[int]]:
    """The workers' tasks: runs of consecutive transcripts (their indexes in `work`), each closed
    once it holds POOL_TASK_BYTES unread; a transcript over POOL_MAX_FILE_BYTES is in none (it is
    read here) and the next task begins after it."""
    tasks: list[list[int]] = []
    current: list[int] = []
    size = 0
    for index, (_, _, unread) in enumerate(work):
        if unread <= POOL_MAX_FILE_BYTES:
            current.append(index)
            size += unread
        if current and (unread > POOL_MAX_FILE_BYTES or size >= POOL_TASK_BYTES):
            tasks.append(current)
            current, size = [], 0
    if current:
        tasks.append(current)
    return tasks


def _running_elsewhere() -> int:
    """How many other threads are running or ready to run now (Linux: /proc/stat's procs_running,
    less this one; the least of three looks a millisecond apart). 0 where it cannot be known."""
    try:
        counts = []
        for look in range(3):
            if look:
                time.sleep(0.001)
            with open(PROC_STAT, "rb") as stat:
                counts.extend(int(line.split()[1]) for line in stat if line.startswith(b"procs_running "))
        return max(0, min(counts) - 1) if counts else 0
    except (OSError, ValueError, IndexError):
        return 0


def _merge_report(report: SourceReport, read: SourceReport) -> None:
    """Count what a worker's read of one transcript reported, as if it had been read here."""
    report.files_read += read.files_read
    report.too_old += read.too_old
    for reason in read.reasons:
        report.skip(reason)
    report.skipped += read.skipped - len(read.reasons)


_worker_source: TranscriptSource | None = None  # in a worker process: the source it reads for


def _start_worker(source: TranscriptSource, parent: int) -> None:
    """In a new worker process (forked: `source` is the collecting one, as it was then)."""
    global _worker_source
    _worker_source = source
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the collecting process's to handle
    try:  # a worker of a collector killed with SIGKILL goes with it (Linux)
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)


def _read_in_worker(reads: list[tuple[Transcript, dict[str, Any], dict[Path, Any]]], spool: str) -> list[tuple]:
    """A worker's read of consecutive transcripts (each with its cursor and its side files' cursors).
    Their batches are written to the file `spool` one after the other as they are made (so neither
    process holds more than a batch, and the collecting process reads them from the page cache
    instead of a pipe); returned, for each transcript: where its batches are in `spool`, what it
    reported and `end_file`'s outcome."""
    source = _worker_source
    done = []
    with open(spool, "wb") as file:
        def emit(*flush: Any) -> None:
            pickle.dump(flush, file, protocol=pickle.HIGHEST_PROTOCOL)

        for transcript, cursor, side_cursors in reads:
            report = SourceReport(source=str(source.config.path), type=source.type)
            start = file.tell()
            outcome = source._read(transcript, cursor, side_cursors, report, emit)
            done.append((start, file.tell(), report, outcome))
    return done


def _spooled_flushes(file: IO[bytes], start: int, end: int) -> Iterator[tuple]:
    """The batches a worker wrote to `file` between those offsets."""
    file.seek(start)
    while file.tell() < end:
        yield pickle.load(file)


@dataclass
class _Pool:
    executor: ProcessPoolExecutor
    spool: str  # a folder for the workers' batches, a file a task

    def spool_path(self, task: int) -> str:
        return os.path.join(self.spool, f"{task}.pickle")


@dataclass
class Rows:
    """A writer job: closed groups and the cursors that follow them (main file and side files)."""

    rows: list[EncodedActivity]  # see store.encode_activity
    cursors: dict[str, Any]
    report: SourceReport

    def __call__(self, store: Store) -> None:
        self.report.new_activity += store.add_encoded_activity(self.rows)
        store.set_cursors(self.cursors)


class Batches:
    """Hands jobs to a `BackgroundWriter` a few together, once they hold about BATCH_ROWS rows (or
    at `flush`): one transaction then covers several short transcripts, which writes far fewer
    pages than one each. Order is kept, and each job still carries the cursors that follow its rows,
    so a run killed between two batches resumes where the last one left off. Consecutive `Rows`
    jobs are written together (their rows in one insert, their cursors in one upsert, the later of
    a key winning): the writer thread then takes the GIL back a few times a batch, not a few times
    a transcript."""

    def __init__(self, writer: BackgroundWriter):
        self.writer = writer
        self.jobs: list[Callable[[Store], None]] = []
        self.rows = 0

    def submit(self, job: Callable[[Store], None], rows: int = 0) -> None:
        self.jobs.append(job)
        self.rows += rows
        if self.rows >= BATCH_ROWS or len(self.jobs) >= BATCH_JOBS:
            self.flush()

    def flush(self) -> None:
        if not self.jobs:
            return
        jobs, self.jobs, self.rows = _merged(self.jobs), [], 0

        def batch(store: Store) -> None:
            for job in jobs:
                job(store)

        self.writer.submit(batch)


def _merged(jobs: list[Callable[[Store], None]]) -> list[Callable[[Store], None]]:
    """Runs of `Rows` jobs of one report become one `Rows` job; other jobs keep their place."""
    merged: list[Callable[[Store], None]] = []
    for job in jobs:
        last = merged[-1] if merged else None
        if type(job) is Rows and type(last) is Rows and last.report is job.report:  # last is a copy
            last.rows += job.rows
            last.cursors.update(job.cursors)
        else:
            merged.append(Rows([*job.rows], dict(job.cursors), job.report) if type(job) is Rows else job)
    return merged


def _json_reason(raw: bytes, exc: Exception) -> str:
    if b"\0" in raw:
        return "binary data, not a JSON line"
    message = str(exc).split(": line 1 column")[0]
    return f"invalid JSON ({message})"
