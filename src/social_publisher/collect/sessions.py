"""Turn groups of an AI coding session (Claude Code, Codex): what one activity row holds.

A turn group is a real user prompt and everything until the next real prompt: the
assistant's prose, the tool calls (files edited or written, commands and whether they
failed), errors. `SessionTracker` accumulates the group being read, closes it when the
next prompt begins and turns closed groups into `session` activity rows.

Memory stays bounded however long a turn runs: prose (its start and its end), commands,
errors and file lists are capped (the counters in `tool_calls` keep the true totals), and large tool outputs
and thinking blocks are kept only as byte counts and a short head.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from social_publisher import clock
from social_publisher.collect.projects import project_of_cwd
from social_publisher.records import SESSION, Activity, fingerprint

PROSE_HALF = 8_000  # prose kept from the start of a turn, and as much again from its end
MAX_COMMANDS = 100
MAX_ERRORS = 30
MAX_FILES = 200
HEAD_CHARS = 300


_TIMESTAMP = re.compile(r"\d{4}-[01]\d-[0-3]\d[T ][0-2]\d:[0-5]\d")


def is_timestamp(value: Any) -> bool:
    """A cheap shape check, so a garbage timestamp never becomes a group's start or end."""
    return isinstance(value, str) and _TIMESTAMP.match(value) is not None


def head(text: str, limit: int = HEAD_CHARS) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def ends(text: str, limit: int = HEAD_CHARS) -> str:
    """Head and tail of a long text: a test run's verdict is usually in its last lines."""
    text = text.strip()
    half = limit // 2
    return text if len(text) <= limit else f"{text[:half]} … {text[-half:]}"


@dataclass(slots=True)
class TurnGroup:
    """Everything of one turn group; `prompt` is None for a group that began without one."""

    prompt: str | None = None
    started_at: str | None = None  # timestamps as written in the transcript (ISO, usually with Z)
    ended_at: str | None = None
    assistant_text: list[str] = field(default_factory=list)
    files_edited: dict[str, None] = field(default_factory=dict)  # ordered sets
    files_written: dict[str, None] = field(default_factory=dict)
    commands: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    tool_calls: dict[str, int] = field(default_factory=dict)
    thinking_bytes: int = 0
    tool_output_bytes: int = 0
    prose_chars: int = 0  # kept in assistant_text
    late_text: deque = field(default_factory=deque)  # the latest prose, once the first half is full
    late_chars: int = 0
    omitted_chars: int = 0  # prose dropped from the middle of a very long turn
    cwd: str | None = None
    git_branch: str | None = None
    uuid: str | None = None  # the transcript's own id of the group's first message, where it has one
    _calls: dict[str, tuple[str, dict[str, Any] | None]] = field(default_factory=dict)  # call id -> (tool, command)

    @property
    def has_content(self) -> bool:
        return bool(self.prompt or self.assistant_text or self.late_text or self.tool_calls or self.errors)

    def seen_at(self, timestamp: Any) -> None:
        if is_timestamp(timestamp):
            if self.started_at is None:
                self.started_at = timestamp
            self.ended_at = timestamp

    def add_prose(self, text: str) -> None:
        """Keep the first PROSE_HALF characters of a turn's prose and its last PROSE_HALF: a long
        turn's conclusion ("down from 12 s to 3 s") is at its end."""
        text = text.strip()
        if not text:
            return
        if self.prose_chars < PROSE_HALF and not self.late_text:
            kept = text[: PROSE_HALF - self.prose_chars]
            self.assistant_text.append(kept)
            self.prose_chars += len(kept)
            text = text[len(kept):].lstrip()
            if not text:
                return
        self.late_text.append(text)
        self.late_chars += len(text)
        while self.late_chars > PROSE_HALF:
            oldest = self.late_text[0]
            if len(self.late_text) == 1:  # one long message: keep its end
                self.late_text[0] = oldest[-PROSE_HALF:]
                self.omitted_chars += len(oldest) - PROSE_HALF
                self.late_chars = PROSE_HALF
                break
            self.late_text.popleft()
            self.late_chars -= len(oldest)
            self.omitted_chars += len(oldest)

    @property
    def prose(self) -> list[str]:
        return self.assistant_text + list(self.late_text)

    def add_call(self, tool: str, call_id: Any) -> None:
        self.tool_calls[tool] = self.tool_calls.get(tool, 0) + 1
        if isinstance(call_id, str):
            self._calls[call_id] = (tool, None)

    def add_command(self, command: str, call_id: Any, tool: str) -> None:
        self.tool_calls[tool] = self.tool_calls.get(tool, 0) + 1
        entry = {"command": head(command, 2000), "failed": False} if len(self.commands) < MAX_COMMANDS else None
        if entry is not None:
            self.commands.append(entry)
        if isinstance(call_id, str):
            self._calls[call_id] = (tool, entry)

    def edited(self, path: Any) -> None:
        if isinstance(path, str) and path and len(self.files_edited) < MAX_FILES:
            self.files_edited[path] = None

    def written(self, path: Any) -> None:
        if isinstance(path, str) and path and len(self.files_written) < MAX_FILES:
            self.files_written[path] = None

    def add_result(self, call_id: Any, *, failed: bool, output: str, size: int | None = None) -> None:
        """A tool's answer: marks its command failed, keeps an error's head, counts the output size."""
        size = len(output) if size is None else size
        self.tool_output_bytes += size
        tool, command = self._calls.get(call_id, ("tool", None)) if isinstance(call_id, str) else ("tool", None)
        if command is not None:
            command["failed"] = command["failed"] or failed
            command["output_bytes"] = size
            command["output_head"] = head(output)
            if len(output) > HEAD_CHARS:
                command["output_tail"] = output[-HEAD_CHARS:]
        if failed:
            self.add_error(f"{tool}: {output.strip()}")

    def add_error(self, text: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(ends(text))


@dataclass
class SessionState:
    """What a session knows across turn groups; saved in the cursor so a resumed read starts right."""

    session_id: str
    transcript: str
    cwd: str | None = None
    git_branch: str | None = None
    started_at: str | None = None
    summary: str | None = None
    turn: int = 0  # the index the next closed group gets
    last_uuid: str | None = None  # the newest message uuid read (a later summary line may point at it)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SessionState":
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


_UTC_Z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z")


def _iso(timestamp: str | None, fallback: str | None) -> str | None:
    """A transcript timestamp as the store writes times (UTC, whole seconds), else `fallback`."""
    if timestamp:
        if _UTC_Z.fullmatch(timestamp):  # what Claude Code writes: no date arithmetic needed
            return timestamp[:19] + "+00:00"
        try:
            return clock.iso(datetime.fromisoformat(timestamp.replace("Z", "+00:00")))
        except ValueError:
            pass
    return fallback


def group_activity(source: str, state: SessionState, group: TurnGroup, project: str | None) -> Activity:
    """The activity row for a closed group.

    Its fingerprint is the group's first message uuid where the transcript has one (a resumed
    Claude Code session copies earlier messages, uuids included, into a new file: they are the
    same turns, stored once), else (source, session id, turn index)."""
    session_start = _session_start(state.started_at)
    started = _iso(group.started_at, session_start)
    cwd = group.cwd or state.cwd
    prompt = group.prompt or ""
    prose = group.prose
    body = "\n\n".join(prose)
    meta = {
        "session_id": state.session_id, "turn_index": state.turn, "cwd": cwd,
        "git_branch": group.git_branch or state.git_branch,
        "started_at": started, "ended_at": _iso(group.ended_at, started), "session_started_at": session_start,
        "prompt": group.prompt, "assistant_text": prose,
        "files_edited": list(group.files_edited), "files_written": list(group.files_written),
        "commands": group.commands, "errors": group.errors, "tool_calls": dict(group.tool_calls),
        "summary": state.summary, "transcript": state.transcript,
        "thinking_bytes": group.thinking_bytes, "tool_output_bytes": group.tool_output_bytes,
    }
    if group.omitted_chars:
        meta["assistant_text_omitted_chars"] = group.omitted_chars
    return Activity(source=source, project=project or project_of_cwd(cwd),
                    kind=SESSION, occurred_at=started, author="",
                    text=f"{prompt}\n\n{body}" if prompt and body else prompt or body, meta=meta,
                    fingerprint=fingerprint(source, "uuid", group.uuid) if group.uuid
                    else fingerprint(source, state.session_id, state.turn))


_session_starts: dict[str | None, str] = {}  # transcript timestamp -> stored form


def _session_start(started_at: str | None) -> str:
    """A session's start as stored (the same for each of its groups: worked out once)."""
    known = _session_starts.get(started_at)
    if known is None:
        known = _iso(started_at, None)
        if known is None:
            return clock.iso(clock.now())
        if len(_session_starts) >= 1024:
            _session_starts.clear()
        _session_starts[started_at] = known
    return known
