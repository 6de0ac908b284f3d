"""The Aider source: `.aider.chat.history.md` files (aider appends one to the root of the git
repo it runs in) become one `session` activity row per turn group, like Claude Code sessions.

The file is Markdown that aider appends to as the chat goes on:
- `# aider chat started at 2024-05-01 10:20:30` begins a session (the machine's local time,
  without a zone: read as this machine's local time);
- what the user typed is written as `#### ` lines, one per line of the message, each ending in
  two spaces (a Markdown line break), preceded by a blank line;
- the model's reply is plain Markdown between blank lines; edits are fenced blocks (``` or
  ````, or `<source>`…`</source>` and the other tags aider fences with when a file holds ```; or
  bare SEARCH/REPLACE blocks), usually with the file name on the line before the fence; a
  reasoning model's thinking comes first, between `<thinking-content-…>` tags (or `<think>`);
- aider's own output (tool messages, questions with their answers) is `> ` lines, also ending
  in two spaces: `> Applied edit to src/app.py`, `> Commit 1a2b3c4 fix: ...`, `> Running pytest -q`,
  `> Tokens: ...`, `> Create new file? (Y)es/(N)o [Yes]: y`. A multi-line message may show only
  its first line with `> `; the lines right after it (no blank line between) belong to it, and
  when its first line lacks the two spaces that the lines before it have, so do the lines after
  blank lines up to the one ending in two spaces (an edit that failed to match, with its blocks).

A `#### ` line is a user line when it ends in the two spaces, or (for a file whose trailing
spaces an editor removed) when it follows aider's output rather than the model's prose — so a
`#### Heading` in a reply stays prose. Inside a fence only a session header or one of aider's
unmistakable lines (`> Tokens:`, `> Applied edit to`, `> Commit`) ends an unclosed block; an
unclosed reasoning block (the reply was interrupted) ends at any user or aider line.

What a row holds: the prompt (slash commands are not prompts, except `/ask`, `/code`,
`/architect` and `/context` with a message, which aider logs a second time as the next message:
that copy is not a new prompt; `/run`, `/test` and `!cmd` are commands of the open
group; the architect's plan that aider passes on to the editor as a `####` message belongs to
the group it came from); the reply's prose without code blocks, file-name lines and reasoning
(counted in `thinking_bytes`); files from `Applied edit to` (`files_written` for those aider
asked to create), with forward slashes (aider on Windows prints `src\\app.py`); commands from `Running`,
`/run`, `/test`; a `/test` is failed when aider added its output to the chat (it does that only
on a non-zero exit); errors from aider's error lines and its "Attempt to fix test/lint errors?"
questions, not from the model provider's (`> litellm.RateLimitError: …`, "The API provider has
rate limited you", `Retrying in …`), a failed web-scraper setup or a file aider could not read
into the chat (`Unable to read .git\\index` after `/add *`): that is aider's plumbing, not the
work failing; `tool_calls` counts edits, commits, commands and the slash commands that do work.

Times: aider writes no time per message, so every row of a session has the session's start as
`started_at` and `ended_at` (a file without a header uses the file's modification time).

Incremental exactly like the JSONL transcripts (see `transcripts`): a byte offset per file, a
group is stored when the next prompt (or session) begins or the file has not changed for
IDLE_MINUTES, and the cursor points at the start of the open group. A reply's last paragraph is
taken at the blank line aider writes after every reply. Bytes that are not UTF-8 are read with
replacement characters; lines with NUL bytes and session headers with an unreadable time are
reported as `path:line: reason`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from social_publisher import clock
from social_publisher.collect import SourceReport, register
from social_publisher.collect.sessions import SessionState, TurnGroup, head
from social_publisher.collect.transcripts import (
    IDLE_MINUTES, MAX_LINE_BYTES, BadLine, Tracker, Transcript, TranscriptSource, file_stat,
)
from social_publisher.config import SourceConfig
from social_publisher.records import fingerprint

HISTORY_FILE = ".aider.chat.history.md"
SKIP_FOLDERS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox"}

_HEADER = re.compile(r"# aider chat started at\b\s*(.*?)\s*$", re.IGNORECASE)
_HEADER_TIME = re.compile(r"(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_TAG_FENCE = re.compile(r" {0,3}<(source|code|pre|codeblock|sourcecode)>[\w+#.-]*\s*$", re.IGNORECASE)
_THINKING = re.compile(r"\s*<(thinking-content-[0-9a-f]{32}|think)>")
_SEARCH = "<<<<<<< SEARCH"
_REPLACE = ">>>>>>> REPLACE"
_FENCE_BREAKER = re.compile(r"> (Tokens: |Applied edit to |Commit [0-9a-f]{7,40} )")
_PATH_LINE = re.compile(r"[\w.\-/\\]+")
_QUESTION = re.compile(r"(?P<question>.*?\?)\s.*(?:\(Y\)es|\(y/n\)).*:\s*(?P<answer>\S*)$")
_APPLIED = re.compile(r"Applied edit to (.+)$")
_COMMIT = re.compile(r"Commit [0-9a-f]{7,40} ")
_RUNNING = re.compile(r"Running (.+)$")
_OUTPUT_ADDED = re.compile(r"Added (\d+) lines? of output to the chat")
_ERROR = re.compile(r"The LLM did not conform|# \d+ SEARCH/REPLACE blocks? failed to match|Unable to |Error\b"
                    r"|Exception while|Model .+ has hit a token limit"
                    r"|Empty response received|Only \d+ reflections allowed")
_PLUMBING = re.compile(r"litellm\.|The API provider |Retrying in [\d.]+ seconds|Unable to initialize playwright"
                       r"|Unable to read ")
_SLASH = re.compile(r"/([A-Za-z][\w-]*)\s*(.*)$", re.DOTALL)
_PROMPT_COMMANDS = {"ask", "code", "architect", "context"}
_RUN_COMMANDS = {"run", "test", "git"}
_WORK_COMMANDS = {"commit", "undo", "lint", "web"}


@dataclass
class _Message:
    """The user message being read (consecutive `####` lines)."""

    start: tuple[int, int]  # offset and line number before its first line
    kind: str | None = None  # prompt | other; None until its first non-blank line
    blank_lines: int = 0  # blank lines inside a prompt not yet added (a trailing one never is)


@dataclass
class _Reader:
    """What reading one file knows between lines; rebuilt from a group's start on resume."""

    tracker: Tracker
    last: str = "start"  # kind of the last non-blank line: start, header, user, tool, more, text
    blank: bool = False  # a blank line came after it
    fence: str | None = None  # the open code block's opening marker
    paragraph: list[str] = field(default_factory=list)
    preamble: bool = False  # between a session header and the session's first user message
    reply_head: str | None = None  # first line of the latest reply (the architect's plan comes back as a message)
    handoff: bool = False  # "Edit the files?" answered yes: the next message is the architect's plan
    echo: str | None = None  # `/ask X` began a group: aider logs X again as the next message
    spaced: bool = False  # the last non-blank line ended in two spaces
    message_open: bool = False  # in a multi-line aider message, till its line ending in two spaces
    message: _Message | None = None
    subject: str | None = None  # the line aider showed before its latest question
    created: set[str] = field(default_factory=set)
    test: dict[str, Any] | None = None  # the /test command waiting for its verdict
    output_added: str | None = None  # lines of a test run's output aider just added to the chat

    def flush(self) -> None:
        text = "\n".join(self.paragraph).strip()
        self.paragraph.clear()
        if text:
            self.tracker.group.add_prose(text)


@register
class AiderSource(TranscriptSource):
    type = "aider"

    def __init__(self, config: SourceConfig):
        super().__init__(config)
        self._reading: _Reader | None = None

    def transcripts(self, root: Path) -> list[Transcript]:
        return [Transcript(path, fingerprint(self.type, path, 0, ""), []) for path in history_files(root)]

    progress_label = "histories"

    def root(self, report: SourceReport) -> Path | None:
        """`path` may be a folder to search or the history file itself."""
        root = Path(os.path.abspath(Path(self.config.path).expanduser()))
        if not root.exists():
            report.skip(f"{root}: no such file or folder")
            return None
        return root

    def is_idle(self, last_seen: str | None, mtime_ns: int) -> bool:
        """With no timestamps in the file, a file is idle when it has not changed for IDLE_MINUTES."""
        return mtime_ns / 1e9 < (clock.now() - timedelta(minutes=IDLE_MINUTES)).timestamp()

    def whole_line(self, raw: bytes) -> bool:
        """A history file is text: its unterminated last line, once the file is idle, is whole."""
        return True

    def parse(self, raw: bytes | None) -> str:
        if raw is None:
            raise BadLine(f"line longer than {MAX_LINE_BYTES / 2**20:g} MB, skipped")
        if b"\0" in raw:
            raise BadLine("binary data (NUL bytes), not chat history text")
        return raw.rstrip(b"\r\n").decode("utf-8", errors="replace").removeprefix("\ufeff")

    def handle(self, line: Any, tracker: Tracker, *, sidechain: bool = False) -> None:
        reader = self._reader(tracker)
        if not line.strip():
            reader.message = None
            if reader.fence is None:
                reader.flush()
            reader.blank = True
            return
        header = _HEADER.match(line)
        if header and (reader.fence is None or _HEADER_TIME.fullmatch(header.group(1))):
            self._session(header.group(1), line, reader)
            return
        spaced = line.endswith("  ")
        if reader.message_open:  # an aider message over several lines and blank lines: to the one ending in "  "
            reader.message_open = not spaced
            if not spaced or not line.startswith((">", "####")):
                reader.last, reader.blank, reader.spaced = "more", False, spaced
                return
        if _is_user_line(line, reader):
            reader.fence = None  # only an interrupted reasoning block can be open here
            self._user(line[5:].rstrip() if len(line) > 4 else "", reader)
            kind = "user"
        else:
            reader.message, reader.echo = None, None
            if _is_tool_line(line, reader):
                reader.fence = None
                reader.flush()
                _tool(line[1:].strip(), reader)
                # aider ends a message with two spaces: a first line without them after lines with them
                # (the file kept its trailing spaces) opens a message that may hold blank lines
                reader.message_open = not spaced and reader.spaced and reader.last in ("user", "tool", "more")
                kind = "tool"
            elif reader.preamble or (reader.last in ("tool", "more") and not reader.blank):
                kind = "more"  # the rest of a multi-line aider message (or the command line that started it)
            else:
                _text(line, reader, reader.last != "text")
                kind = "text"
        reader.last, reader.blank, reader.spaced = kind, False, spaced

    def _reader(self, tracker: Tracker) -> _Reader:
        if self._reading is None or self._reading.tracker is not tracker:
            self._reading = _Reader(tracker)
            state = tracker.state
            state.cwd = state.cwd or os.path.dirname(os.path.abspath(tracker.path))
            if state.started_at is None:  # no session header before this point
                state.started_at = _file_time(tracker.path)
        return self._reading

    def _session(self, when: str, line: str, reader: _Reader) -> None:
        """A session header: the open group ends, a new session begins here."""
        tracker = reader.tracker
        reader.flush()
        if tracker.group.has_content:
            tracker.close(None)
        path = tracker.path
        started = _local_time(when)
        tracker.state = SessionState(session_id=fingerprint(self.type, path, tracker.line_no, line),
                                     transcript=str(path), cwd=tracker.state.cwd,
                                     started_at=started or _file_time(path))
        tracker.group = TurnGroup(cwd=tracker.state.cwd)
        tracker.group_start, tracker.group_line = tracker.line_start, tracker.line_no - 1
        self._reading = _Reader(tracker, last="header", preamble=True)
        if started is None:
            raise BadLine(f"session header with an unreadable time: {head(when, 60)!r}")

    def _user(self, text: str, reader: _Reader) -> None:
        """One `####` line: the start or the next line of a user message."""
        tracker, message = reader.tracker, reader.message
        if message is None:
            reader.flush()
            reader.preamble, reader.test = False, None
            message = reader.message = _Message(start=(tracker.line_start, tracker.line_no - 1))
        if message.kind is None:
            if text.strip():
                message.kind = _message(text.strip(), reader)
        elif message.kind == "prompt":
            if text.strip():
                tracker.group.prompt = (tracker.group.prompt or "") + "\n" * (message.blank_lines + 1) + text
                message.blank_lines = 0
            else:
                message.blank_lines += 1


def _message(text: str, reader: _Reader) -> str:
    """Act on a user message's first line; "prompt" when it begins a turn group."""
    tracker = reader.tracker
    echo, reader.echo = reader.echo, None
    if text == echo:  # aider runs `/ask X` by sending X in ask mode, and logs X again
        return "other"
    if reader.handoff or text == reader.reply_head:
        reader.handoff = False  # the architect's plan, handed to the editor: same group
        return "other"
    if text == "<blank>":
        return "other"
    if question := _QUESTION.match(text):  # an answer aider logged for a group of questions
        _answer(question.group("question"), question.group("answer"), reader)
        return "other"
    if text.startswith("!"):
        _command("run", text[1:].strip(), reader)
        return "other"
    if slash := _SLASH.match(text):
        name, rest = slash.group(1).lower(), slash.group(2).strip()
        if name in _PROMPT_COMMANDS and rest:
            text = reader.echo = rest
        else:
            if name in _RUN_COMMANDS:
                _command(name, rest, reader)
            elif name in _WORK_COMMANDS:
                tracker.group.add_call(f"/{name}", None)
            return "other"
    tracker.begin_turn(text, None)
    if reader.message is not None:  # the group starts at the message's first line
        tracker.group_start, tracker.group_line = reader.message.start
    reader.reply_head = reader.output_added = None
    reader.created.clear()
    return "prompt"


def _command(name: str, rest: str, reader: _Reader) -> None:
    group = reader.tracker.group
    command = f"git {rest}".strip() if name == "git" else rest or f"/{name}"
    count = len(group.commands)
    group.add_command(command, None, f"/{name}")
    entry = group.commands[-1] if len(group.commands) > count else None
    reader.test = (entry or {"command": command, "failed": False}) if name == "test" else None


def _tool(text: str, reader: _Reader) -> None:
    """One line of aider's own output."""
    group = reader.tracker.group
    if _PLUMBING.match(text):  # the model provider's errors and aider's retries: not the work failing
        return
    if question := _QUESTION.match(text):
        _answer(question.group("question"), question.group("answer"), reader)
    elif applied := _APPLIED.match(text):
        path = _file_name(applied.group(1))
        group.add_call("edit", None)
        if path in reader.created:
            group.written(path)
        else:
            group.edited(path)
    elif _COMMIT.match(text):
        group.add_call("commit", None)
    elif running := _RUNNING.match(text):
        group.add_command(running.group(1).strip(), None, "shell")
        reader.test = None
    elif added := _OUTPUT_ADDED.match(text):
        if reader.test is not None:  # aider adds a /test's output only when it failed
            reader.test["failed"] = True
            command = reader.test["command"]
            label = command if command.startswith("/test") else f"/test {command}"
            group.add_error(f"{label}: failed ({added.group(1)} lines of output)")
            reader.test = None
        else:  # a shell command's output, or an automatic test run's (then aider asks to fix it)
            reader.output_added = added.group(1)
    elif _ERROR.match(text):
        group.add_error(text)
    elif text:
        reader.subject = _file_name(text)


def _file_name(text: str) -> str:
    """A file name as aider printed it, with forward slashes (aider on Windows prints `src\\app.py`)."""
    name = text.strip().replace("\\", "/")
    while name.startswith("./"):
        name = name[2:]
    return name or text.strip()


def _answer(question: str, answer: str, reader: _Reader) -> None:
    yes = answer[:1].lower() in ("y", "a")
    group = reader.tracker.group
    if question.startswith("Create new file") and yes and reader.subject:
        reader.created.add(reader.subject)
    elif question.startswith("Edit the files") and yes:
        reader.handoff = True
    elif question.startswith("Attempt to fix test errors"):
        lines = f" ({reader.output_added} lines of output)" if reader.output_added else ""
        group.add_error(f"tests failed after the edit{lines}")
        reader.output_added = None
    elif question.startswith("Attempt to fix lint errors"):
        group.add_error("lint errors in the edited files")


def _text(line: str, reader: _Reader, starts_reply: bool) -> None:
    """A line of the model's reply: prose is kept by paragraph; code blocks, file names and the
    model's reasoning (aider's `<thinking-content-…>` block, counted in `thinking_bytes`) are not."""
    fence = reader.fence
    if fence is not None and fence.startswith("</think"):
        reader.tracker.group.thinking_bytes += len(line.encode()) + 1
        if fence in line:
            reader.fence = reader.reply_head = None  # the answer's first line is the reply's head
        return
    if starts_reply or reader.reply_head is None:
        reader.reply_head = line.strip()
    if fence is not None:
        stripped = line.strip()
        if fence == _SEARCH:
            closed = stripped.startswith(_REPLACE)
        elif fence.startswith("</"):
            closed = stripped.lower().startswith(fence)
        else:
            closed = len(stripped) >= len(fence) and set(stripped) == {fence[0]}
        if closed:
            reader.fence = None
        return
    if thinking := _THINKING.match(line):
        reader.flush()
        reader.fence, reader.reply_head = f"</{thinking.group(1)}>", None
        reader.tracker.group.thinking_bytes += len(line.encode()) + 1
        if reader.fence in line[thinking.end():]:
            reader.fence = None
        return
    opening = _FENCE.match(line)
    tag = None if opening else _TAG_FENCE.match(line)
    if opening or tag or line.startswith(_SEARCH):
        if reader.paragraph and _is_path(reader.paragraph[-1]):
            reader.paragraph.pop()  # the file name aider puts before an edit block
        reader.flush()
        reader.fence = opening.group(1) if opening else f"</{tag.group(1).lower()}>" if tag else _SEARCH
        return
    reader.paragraph.append(line.rstrip())


def _is_path(line: str) -> bool:
    text = line.strip().strip("`*")
    return (_PATH_LINE.fullmatch(text) is not None and ("/" in text or "\\" in text or "." in text.strip("."))
            and not text.endswith((".", ":")))


def _is_user_line(line: str, reader: _Reader) -> bool:
    if not line.startswith("####") or (len(line) > 4 and line[4] != " "):
        return False
    if reader.fence is not None:  # a reasoning block ends where an interrupted reply left it unclosed
        return reader.fence.startswith("</think") and line.endswith("  ")
    return line.endswith("  ") or reader.last in ("start", "header", "tool") or (
        reader.last == "user" and not reader.blank)


def _is_tool_line(line: str, reader: _Reader) -> bool:
    if not line.startswith(">") or (len(line) > 1 and line[1] != " "):
        return False
    if reader.fence is not None:
        return line.endswith("  ") and (reader.fence.startswith("</think") or _FENCE_BREAKER.match(line) is not None)
    return line.endswith("  ") or reader.last in ("start", "header", "tool", "more") or (
        reader.last == "user" and not reader.blank)


def _local_time(text: str) -> str | None:
    """Aider's header time (local, no zone) as ISO with this machine's offset; None if unreadable."""
    match = _HEADER_TIME.fullmatch(text)
    if match is None:
        return None
    try:
        return datetime(*map(int, match.groups())).astimezone().isoformat()
    except (ValueError, OverflowError, OSError):
        return None


def _file_time(path: Path) -> str | None:
    _, mtime = file_stat(path)
    return datetime.fromtimestamp(mtime / 1e9, timezone.utc).isoformat() if mtime >= 0 else None


def history_files(root: Path) -> list[Path]:
    """`root` itself when it is a file, else every `.aider.chat.history.md` under it (not inside
    .git, node_modules, virtualenvs)."""
    if root.is_file():
        return [root]
    found = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if name not in SKIP_FOLDERS)
        if HISTORY_FILE in files:
            found.append(Path(folder) / HISTORY_FILE)
    return found
