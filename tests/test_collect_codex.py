"""The Codex source on rollouts in the real format ({timestamp, type, payload} lines)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from social_publisher.collect import SourceReport
from social_publisher.collect.codex import CodexSource
from social_publisher.config import SourceConfig
from social_publisher.records import fingerprint
from social_publisher.store import Store

SESSION = "0199a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5b"
T0 = datetime(2026, 11, 21, 14, 0, tzinfo=timezone.utc)
PATCH = ("*** Begin Patch\n*** Update File: src/cache.py\n@@\n-a\n+b\n*** Add File: tests/test_cache.py\n"
         "+def test(): pass\n*** End Patch\n")


EXEC_OUTPUT = "Chunk ID: 1\nWall time: 0.1 seconds\nProcess exited with code 2\nOutput:\nno such file"


def line(kind: str, minute: float, payload: dict) -> dict:
    stamp = (T0 + timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return {"timestamp": stamp, "type": kind, "payload": payload}


def user(text: str, minute: float) -> list[dict]:
    return [line("response_item", minute, {"type": "message", "role": "user",
                                           "content": [{"type": "input_text", "text": text}]}),
            line("event_msg", minute, {"type": "user_message", "message": text, "kind": "plain"})]


def assistant(text: str, minute: float) -> list[dict]:
    return [line("event_msg", minute, {"type": "agent_message", "message": text}),
            line("response_item", minute, {"type": "message", "role": "assistant",
                                           "content": [{"type": "output_text", "text": text}]})]


def shell(command: list[str], call_id: str, minute: float, exit_code: int, output: str) -> list[dict]:
    return [line("response_item", minute, {"type": "function_call", "name": "shell", "call_id": call_id,
                                           "arguments": json.dumps({"command": command, "timeout_ms": 120000})}),
            line("response_item", minute + 0.5, {"type": "function_call_output", "call_id": call_id, "output": json.dumps(
                {"output": output, "metadata": {"exit_code": exit_code, "duration_seconds": 0.4}})})]


def rollout() -> list[dict]:
    return [
        line("session_meta", 0, {"id": SESSION, "timestamp": "2026-11-21T14:00:00.000Z", "cwd": "/home/dev/code/cachekit",
                                 "originator": "codex_cli_rs", "cli_version": "0.46.0", "instructions": None,
                                 "git": {"commit_hash": "abc", "branch": "feature/cache", "repository_url": "x"}}),
        *user("<user_instructions>\nBe brief.\n</user_instructions>", 0),
        *user("<environment_context>\n  <cwd>/home/dev/code/cachekit</cwd>\n</environment_context>", 0),
        *user("Add an LRU cache to the fetcher", 1),
        line("turn_context", 1, {"cwd": "/home/dev/code/cachekit", "approval_policy": "on-request", "model": "gpt-5-codex"}),
        line("response_item", 1.2, {"type": "reasoning", "summary": [{"type": "summary_text", "text": "Thinking"}],
                                    "encrypted_content": "gAAAA" + "x" * 500}),
        *shell(["bash", "-lc", "pytest -q"], "call_1", 2, 1, "1 failed, 9 passed"),
        line("response_item", 3, {"type": "custom_tool_call", "name": "apply_patch", "call_id": "call_2",
                                  "input": PATCH, "status": "completed"}),
        line("response_item", 3.5, {"type": "custom_tool_call_output", "call_id": "call_2",
                                    "output": "Success. Updated the following files:\nM src/cache.py"}),
        *shell(["pytest", "-q"], "call_3", 4, 0, "10 passed"),
        line("event_msg", 4.8, {"type": "token_count", "info": None}),
        *assistant("Hit rate went from 0% to 64%.", 5),
        *user("Thanks, now update the README", 10),
        line("response_item", 11, {"type": "function_call", "name": "exec_command", "call_id": "call_4",
                                   "arguments": json.dumps({"cmd": "sed -n 1,20p README.md"})}),
        line("response_item", 11.5, {"type": "function_call_output", "call_id": "call_4", "output": EXEC_OUTPUT}),
        line("event_msg", 12, {"type": "error", "message": "stream disconnected before completion"}),
        *assistant("README updated.", 13),
    ]


def write(root: Path, lines, name: str = f"rollout-2026-11-21T14-00-00-{SESSION}") -> Path:
    path = root / "2026" / "11" / "21" / f"{name}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(lines if isinstance(lines, bytes) else
                     b"".join(json.dumps(item, separators=(",", ":")).encode() + b"\n" for item in lines))
    return path


def collect(store: Store, root: Path) -> SourceReport:
    report = SourceReport(source=str(root), type="codex")
    CodexSource(SourceConfig(type="codex", path=root)).collect(store, report)
    return report


@pytest.fixture(autouse=True)
def long_after(monkeypatch):
    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", (T0 + timedelta(days=1)).isoformat())


def test_rollout_turn_groups_follow_the_contract(store, tmp_path):
    path = write(tmp_path, rollout())
    report = collect(store, tmp_path)
    assert (report.files_read, report.new_activity, report.skipped) == (1, 2, 0)
    first, second = sorted(store.activity(), key=lambda a: a.meta["turn_index"])
    assert first.source == "codex" and first.kind == "session" and first.project == "cachekit"
    assert first.fingerprint == fingerprint("codex", SESSION, 0)
    meta = first.meta
    assert meta["session_id"] == SESSION and meta["transcript"] == str(path)
    assert meta["prompt"] == "Add an LRU cache to the fetcher"
    assert meta["git_branch"] == "feature/cache" and meta["cwd"] == "/home/dev/code/cachekit"
    assert meta["assistant_text"] == ["Hit rate went from 0% to 64%."]  # not twice (event_msg repeats it)
    assert [(c["command"], c["failed"]) for c in meta["commands"]] == [("pytest -q", True), ("pytest -q", False)]
    assert meta["files_edited"] == ["src/cache.py"] and meta["files_written"] == ["tests/test_cache.py"]
    assert meta["tool_calls"] == {"shell": 2, "apply_patch": 1}
    assert meta["errors"] == ["shell: 1 failed, 9 passed"]
    assert meta["thinking_bytes"] == len("Thinking") + 505
    assert meta["started_at"] == "2026-11-21T14:01:00+00:00"
    assert second.meta["prompt"] == "Thanks, now update the README"
    assert second.meta["commands"] == [{"command": "sed -n 1,20p README.md", "failed": True,
                                        "output_bytes": len(EXEC_OUTPUT), "output_head": EXEC_OUTPUT}]
    assert "stream disconnected before completion" in second.meta["errors"]
    assert collect(store, tmp_path).new_activity == 0


def test_growing_rollout_yields_only_new_turns(store, tmp_path, monkeypatch):
    lines = rollout()
    split = next(i for i, item in enumerate(lines) if item["payload"].get("message") == "Thanks, now update the README")
    path = write(tmp_path, lines[:split + 1])
    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", (T0 + timedelta(minutes=10, seconds=30)).isoformat())
    assert collect(store, tmp_path).new_activity == 1
    path.write_bytes(path.read_bytes() + b"".join(json.dumps(item).encode() + b"\n" for item in lines[split + 1:]))
    assert collect(store, tmp_path).new_activity == 0  # still live
    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", (T0 + timedelta(hours=2)).isoformat())
    assert collect(store, tmp_path).new_activity == 1
    assert [a.meta["turn_index"] for a in store.activity()] == [0, 1]


def test_bad_lines_in_a_rollout_are_reported_and_skipped(store, tmp_path):
    good = b"".join(json.dumps(item).encode() + b"\n" for item in rollout())
    path = write(tmp_path, b'{"timestamp":"x","type":"response_item","payload":[1]}\n{oops\n' + good + b'"just a string"\n')
    report = collect(store, tmp_path)
    assert report.skipped == 2 and report.new_activity == 2
    assert report.reasons == [f"{path}:2: invalid JSON (unexpected character, expected a string key)",
                              f"{path}:{2 + len(rollout()) + 1}: not a JSON object (str)"]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payloads=st.lists(st.dictionaries(
    st.sampled_from(["type", "role", "content", "name", "arguments", "call_id", "output", "input", "action",
                     "message", "summary", "cwd", "git"]),
    st.none() | st.integers() | st.text(max_size=30) | st.lists(st.text(max_size=10), max_size=3)
    | st.dictionaries(st.sampled_from(["text", "command", "exit_code", "branch", "type"]),
                      st.text(max_size=10) | st.integers(), max_size=3),
    max_size=6), max_size=10),
    kinds=st.lists(st.sampled_from(["session_meta", "response_item", "event_msg", "turn_context", "other"]),
                   min_size=10, max_size=10))
def test_arbitrary_payloads_never_crash(tmp_path_factory, payloads, kinds):
    root = tmp_path_factory.mktemp("codex")
    write(root, [line(kind, i, payload) for i, (kind, payload) in enumerate(zip(kinds, payloads))])
    with Store(root / "s.db") as store:
        report = collect(store, root)
    assert report.skipped == 0


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=1500))
def test_arbitrary_bytes_never_crash(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("codex-bytes")
    write(root, data)
    with Store(root / "s.db") as store:
        report = collect(store, root)
    assert report.skipped <= len(data.splitlines())  # an idle file's unterminated last line counts too
