"""Write Claude Code session transcripts in the real JSONL format (see ECOSYSTEM.md).

Each line carries uuid, parentUuid, type, timestamp (ISO, Z), sessionId, version,
cwd, gitBranch, isSidechain and userType. Assistant responses are split one
content block per line, the lines of one response sharing `message.id`; tool
results come back as `user` lines holding `tool_result` blocks. A transcript also
holds what real ones do beside the conversation: a `summary` line, a
`file-history-snapshot` line per prompt and a subagent's sidechain lines.
Identifiers are derived from the session id, so the same session always yields
the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

CLAUDE_CODE_VERSION = "2.0.14"
MODEL = "claude-sonnet-4-5-20250929"
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def escaped_cwd(cwd: str | Path) -> str:
    """The folder name Claude Code uses for a working directory: every non-alphanumeric -> '-'."""
    return re.sub(r"[^A-Za-z0-9]", "-", str(cwd))


def transcript_path(claude_projects: Path, cwd: str | Path, session_id: str) -> Path:
    return claude_projects / escaped_cwd(cwd) / f"{session_id}.jsonl"


def _format(moment: datetime) -> str:
    utc = moment.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S") + f".{utc.microsecond // 1000:03d}Z"


class Transcript:
    """Builds the lines of one session; call the methods in time order, then `text()`."""

    def __init__(self, session_id: str, cwd: str):
        self.session_id = session_id
        self.cwd = cwd
        self.lines: list[dict[str, Any]] = []
        self._parent: str | None = None  # last line of the main chain
        self._message_id: str | None = None  # the assistant response being written
        self._ticks = 0
        self._summary: str | None = None
        self._last: datetime | None = None  # timestamps never go backwards

    def _stamp(self, when: datetime) -> str:
        # Milliseconds vary with the line number, as real ones do, yet stay reproducible.
        moment = when.replace(microsecond=0) + timedelta(milliseconds=(self._ticks * 137) % 1000)
        if self._last is not None and moment <= self._last:
            moment = self._last + timedelta(milliseconds=11)
        self._last = moment
        return _format(moment)

    # -- identifiers -------------------------------------------------------------------------
    def _digest(self, kind: str) -> bytes:
        self._ticks += 1
        return hashlib.sha256(f"{self.session_id}/{kind}/{self._ticks}".encode()).digest()

    def _uuid(self) -> str:
        return str(uuid.UUID(bytes=self._digest("uuid")[:16], version=4))

    def _token(self, prefix: str, length: int = 24) -> str:
        number = int.from_bytes(self._digest(prefix), "big")
        chars = []
        for _ in range(length):
            number, digit = divmod(number, 62)
            chars.append(_BASE62[digit])
        return prefix + "".join(chars)

    # -- lines -------------------------------------------------------------------------------
    def _line(self, kind: str, when: datetime, branch: str, message: dict[str, Any], *,
              sidechain_parent: str | None = None, sidechain: bool = False, **extra: Any) -> str:
        line_uuid = self._uuid()
        line: dict[str, Any] = {
            "parentUuid": sidechain_parent if sidechain else self._parent,
            "isSidechain": sidechain,
            "userType": "external",
            "cwd": self.cwd,
            "sessionId": self.session_id,
            "version": CLAUDE_CODE_VERSION,
            "gitBranch": branch,
            "type": kind,
            "message": message,
        }
        line.update(extra)
        line["uuid"] = line_uuid
        line["timestamp"] = self._stamp(when)
        self.lines.append(line)
        if not sidechain:
            self._parent = line_uuid
        return line_uuid

    def prompt(self, text: str, when: datetime, branch: str) -> None:
        """A real user prompt, preceded by the file-history snapshot Claude Code takes for it."""
        self._message_id = None
        position = len(self.lines)
        prompt_uuid = self._line("user", when, branch, {"role": "user", "content": text})
        stamp = self.lines[-1]["timestamp"]
        self.lines.insert(position, {"type": "file-history-snapshot", "messageId": prompt_uuid,
                                     "snapshot": {"messageId": prompt_uuid, "trackedFileBackups": {},
                                                  "timestamp": stamp},
                                     "isSnapshotUpdate": False})

    def _assistant_message(self, block: dict[str, Any]) -> dict[str, Any]:
        if self._message_id is None:
            self._message_id = self._token("msg_01")
        output_tokens = 40 + len(json.dumps(block)) // 4
        return {"id": self._message_id, "type": "message", "role": "assistant", "model": MODEL,
                "content": [block], "stop_reason": None, "stop_sequence": None,
                "usage": {"input_tokens": 4, "cache_creation_input_tokens": 512 + 16 * self._ticks,
                          "cache_read_input_tokens": 14_000 + 300 * self._ticks,
                          "output_tokens": output_tokens, "service_tier": "standard"}}

    def text(self, text: str, when: datetime, branch: str) -> None:
        self._line("assistant", when, branch, self._assistant_message({"type": "text", "text": text}),
                   requestId=self._token("req_011C", 20))

    def thinking(self, text: str, when: datetime, branch: str) -> None:
        block = {"type": "thinking", "thinking": text, "signature": self._token("Eq", 64)}
        self._line("assistant", when, branch, self._assistant_message(block),
                   requestId=self._token("req_011C", 20))

    def tool(self, name: str, tool_input: dict[str, Any], result: str | list[dict[str, Any]], *,
             called: datetime, answered: datetime, branch: str, is_error: bool = False,
             tool_use_result: Any = None, sidechain: tuple[str, str] | None = None) -> None:
        """A tool_use block and, as a `user` line, its tool_result (after `sidechain` lines, if any)."""
        tool_id = self._token("toolu_01", 22)
        block = {"type": "tool_use", "id": tool_id, "name": name, "input": tool_input}
        self._line("assistant", called, branch, self._assistant_message(block),
                   requestId=self._token("req_011C", 20))
        if sidechain:
            self._sidechain(*sidechain, when=called, branch=branch)
        extra = {"toolUseResult": tool_use_result} if tool_use_result is not None else {}
        self._line("user", answered, branch,
                   {"role": "user", "content": [{"tool_use_id": tool_id, "type": "tool_result",
                                                  "content": result, "is_error": is_error}]},
                   **extra)
        self._message_id = None  # the next assistant block starts a new response

    def _sidechain(self, prompt: str, answer: str, *, when: datetime, branch: str) -> None:
        """A subagent's own little conversation, as older Claude Code versions wrote it inline."""
        first = self._line("user", when, branch, {"role": "user", "content": prompt}, sidechain=True)
        message = {"id": self._token("msg_01"), "type": "message", "role": "assistant", "model": MODEL,
                   "content": [{"type": "text", "text": answer}], "stop_reason": "end_turn",
                   "stop_sequence": None, "usage": {"input_tokens": 9, "output_tokens": 120}}
        self._line("assistant", when, branch, message, sidechain_parent=first, sidechain=True,
                   requestId=self._token("req_011C", 20))

    def summarise(self, summary: str) -> None:
        self._summary = summary

    def jsonl(self) -> str:
        """The file's text; the summary line goes first and points at the conversation's last line."""
        lines = list(self.lines)
        if self._summary:
            lines.insert(0, {"type": "summary", "summary": self._summary, "leafUuid": self._parent})
        return "".join(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n" for line in lines)
