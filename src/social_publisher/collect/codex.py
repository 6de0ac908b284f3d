"""The Codex CLI source: rollouts under ~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl become one
`session` activity row per turn group, exactly like Claude Code sessions (see `transcripts`
for when a group closes and how a growing rollout resumes).

Each line is `{timestamp, type, payload}`. What is used:
- `session_meta` / `turn_context`: cwd and git branch;
- `response_item` `message`: a user message is a prompt unless it is one of the wrappers Codex
  adds itself (`<environment_context>`, `<user_instructions>`, AGENTS.md instructions);
  assistant `output_text` is the prose;
- `function_call` / `custom_tool_call` / `local_shell_call`: commands (shell, exec_command,
  ...) and patches (`apply_patch`: files edited or added); their `*_output` says whether a
  command failed (exit code);
- `reasoning`: size only; `event_msg` `error`: an error. Other `event_msg`s repeat what the
  response items hold and are ignored.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import orjson

from social_publisher.collect import register
from social_publisher.collect.sessions import TurnGroup
from social_publisher.collect.transcripts import Tracker, Transcript, TranscriptSource

_UUID_TAIL = re.compile(r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")
_WRAPPERS = ("<environment_context>", "<user_instructions>", "<user_shell_command>", "# AGENTS.md instructions",
             "<INSTRUCTIONS>", "<turn_aborted>")
_SHELLS = {"bash", "sh", "zsh", "/bin/bash", "/bin/sh", "/bin/zsh", "/usr/bin/bash"}
_EXIT_CODE = re.compile(r"(?:Exit code:|exited with code)\s*(-?\d+)")
_PATCH_FILE = re.compile(r"^\*\*\* (Update|Add|Delete) File: (.+)$|^\*\*\* Move to: (.+)$", re.MULTILINE)


@register
class CodexSource(TranscriptSource):
    type = "codex"

    def transcripts(self, root: Path) -> list[Transcript]:
        found = []
        for path in sorted(root.rglob("*.jsonl")):
            match = _UUID_TAIL.search(path.stem)
            found.append(Transcript(path, match.group(1) if match else path.stem, []))
        return found

    def handle(self, line: Any, tracker: Tracker, *, sidechain: bool = False) -> None:
        kind, payload, timestamp = line.get("type"), line.get("payload"), line.get("timestamp")
        if not isinstance(payload, dict):
            tracker.seen_at(timestamp)
            return
        if kind in ("session_meta", "turn_context"):
            _note_place(payload, tracker)
        elif kind == "response_item":
            if _response_item(payload, tracker, timestamp):
                return  # a prompt: begin_turn has noted the time
        elif kind == "event_msg" and payload.get("type") in ("error", "stream_error"):
            if isinstance(payload.get("message"), str):
                tracker.group.add_error(payload["message"])
        tracker.seen_at(timestamp)


def _note_place(payload: dict, tracker: Tracker) -> None:
    cwd = payload.get("cwd")
    if isinstance(cwd, str) and cwd:
        tracker.state.cwd = tracker.group.cwd = cwd
    git = payload.get("git")
    branch = git.get("branch") if isinstance(git, dict) else None
    if isinstance(branch, str) and branch:
        tracker.state.git_branch = tracker.group.git_branch = branch


def _response_item(payload: dict, tracker: Tracker, timestamp: Any) -> bool:
    """Apply one response item; True when it began a new turn."""
    item_type, group = payload.get("type"), tracker.group
    if item_type == "message":
        text = _message_text(payload.get("content"))
        if payload.get("role") == "user":
            if text.strip() and not text.lstrip().startswith(_WRAPPERS):
                tracker.begin_turn(text.strip(), timestamp)
                return True
        elif payload.get("role") == "assistant":
            group.add_prose(text)
    elif item_type in ("function_call", "custom_tool_call", "local_shell_call"):
        _tool_call(payload, group)
    elif item_type in ("function_call_output", "custom_tool_call_output"):
        _tool_output(payload, group)
    elif item_type == "reasoning":
        group.thinking_bytes += sum(len(part.get("text", "")) for part in payload.get("summary") or []
                                    if isinstance(part, dict) and isinstance(part.get("text"), str))
        encrypted = payload.get("encrypted_content")
        group.thinking_bytes += len(encrypted) if isinstance(encrypted, str) else 0
    return False


def _message_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    return "\n".join(block["text"] for block in content
                     if isinstance(block, dict) and isinstance(block.get("text"), str))


def _tool_call(payload: dict, group: TurnGroup) -> None:
    name = payload.get("name") if isinstance(payload.get("name"), str) else payload.get("type", "tool")
    call_id = payload.get("call_id")
    if payload.get("type") == "local_shell_call":
        action = payload.get("action")
        arguments = action if isinstance(action, dict) else {}
    elif isinstance(payload.get("input"), str):  # a custom (free-form) tool: the input is the text itself
        arguments = {"input": payload["input"]}
    else:
        arguments = _json_object(payload.get("arguments"))
    command = _command(arguments)
    patch = arguments.get("input") or arguments.get("patch")
    if isinstance(command, list) and command[:1] == ["apply_patch"] and len(command) > 1:
        patch, command = command[1], None
    if name == "apply_patch" or (isinstance(patch, str) and "*** Begin Patch" in patch):
        group.add_call("apply_patch", call_id)
        _patched_files(patch if isinstance(patch, str) else "", group)
    elif command is not None:
        group.add_command(command if isinstance(command, str) else shlex.join(command), call_id, name)
    else:
        group.add_call(name, call_id)


def _command(arguments: dict) -> str | list[str] | None:
    command = arguments.get("command", arguments.get("cmd"))
    if isinstance(command, list) and all(isinstance(part, str) for part in command):
        if len(command) == 3 and command[0] in _SHELLS and command[1] in ("-c", "-lc"):
            return command[2]
        return command or None
    return command if isinstance(command, str) and command else None


def _patched_files(patch: str, group: TurnGroup) -> None:
    for action, path, moved_to in _PATCH_FILE.findall(patch):
        if moved_to:
            group.written(moved_to.strip())
        elif action == "Add":
            group.written(path.strip())
        else:
            group.edited(path.strip())


def _tool_output(payload: dict, group: TurnGroup) -> None:
    output = payload.get("output")
    failed = False
    if isinstance(output, dict):  # some versions store {content, success}
        failed = output.get("success") is False
        output = output.get("content") if isinstance(output.get("content"), str) else ""
    text = output if isinstance(output, str) else ""
    parsed = _json_object(text) if text.startswith("{") else {}
    metadata = parsed.get("metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("exit_code"), int):
        failed = metadata["exit_code"] != 0
        text = parsed["output"] if isinstance(parsed.get("output"), str) else text
    elif match := _EXIT_CODE.search(text[:500]):
        failed = int(match.group(1)) != 0
    group.add_result(payload.get("call_id"), failed=failed, output=text)


def _json_object(text: Any) -> dict:
    if not isinstance(text, str):
        return text if isinstance(text, dict) else {}
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}
