"""The Aider source on `.aider.chat.history.md` files in the format aider writes them."""

from __future__ import annotations

import json
import os
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from social_publisher.cli import cli
from social_publisher.collect import SourceReport
from social_publisher.collect.aider import AiderSource
from social_publisher.config import SourceConfig
from social_publisher.errors import ConfigError
from social_publisher.records import fingerprint
from social_publisher.store import Store

T0 = datetime(2024, 5, 3, 12, 0, tzinfo=timezone.utc)  # when the history file was last written


def user(*lines: str) -> list[str]:
    """A user message as aider logs it: one `#### ` line per line, each ending in two spaces."""
    return ["", *(f"#### {line}  " for line in lines)]


def tool(*lines: str) -> list[str]:
    return [f"> {line}  " for line in lines]


def reply(text: str) -> list[str]:
    return ["", *text.strip("\n").split("\n"), ""]


EDIT = '''I'll add a guard for empty input and a regression test.

#### Changes

src/app.py
```python
<<<<<<< SEARCH
def parse(text):
    return [int(x) for x in text.split(",")]
=======
def parse(text):
    if not text.strip():
        return []
    return [int(x) for x in text.split(",")]
>>>>>>> REPLACE
```

tests/test_app.py
```python
<<<<<<< SEARCH
=======
from app import parse


def test_empty():
    assert parse("") == []
>>>>>>> REPLACE
```

Empty input no longer raises: `parse("")` returns `[]`.
> Note: values are still split on commas only.'''

FIX = '''The test fails because `tests/` cannot import `app`: pytest does not put `src` on the path.

pytest.ini
````ini
<<<<<<< SEARCH
=======
[pytest]
pythonpath = src
>>>>>>> REPLACE
````'''

PLAN = '''Use `map(int, ...)` instead of the list comprehension; parsing 1M numbers drops from 1.9 s to 0.6 s.

1. In `src/app.py`, return `list(map(int, text.split(",")))`.'''


def history() -> list[str]:
    return [
        "", "# aider chat started at 2024-05-01 10:20:30", "",
        *tool("/home/dev/.local/bin/aider --model sonnet src/app.py", "Aider v0.82.1",
              "Main model: claude-3-5-sonnet-20241022 with diff edit format, infinite output",
              "Git repo: .git with 12 files", "Repo-map: using 4096 tokens, auto refresh",
              "Added src/app.py to the chat."),
        *user("The parser crashes on empty input.", "", "Make `parse(\"\")` return an empty list and add a test."),
        *reply(EDIT),
        *tool("Tokens: 4.2k sent, 310 received. Cost: $0.02 message, $0.02 session.", "tests/test_app.py",
              "Create new file? (Y)es/(N)o [Yes]: y", "Applied edit to src/app.py", "Applied edit to tests/test_app.py",
              "Commit 1a2b3c4 fix: handle empty input in parse"),
        *user("/test pytest -q"),
        *tool("Added 14 lines of output to the chat."),
        *reply(FIX),
        *tool("Tokens: 5.1k sent, 120 received. Cost: $0.02 message, $0.04 session.", "pytest.ini",
              "Create new file? (Y)es/(N)o [Yes]: y", "Applied edit to pytest.ini",
              "Commit 5d6e7f8 test: put src on the test path", "pytest -q",
              "Run shell command? (Y)es/(N)o/(D)on't ask again [Yes]: y", "Running pytest -q",
              "Add command output to the chat? (Y)es/(N)o/(D)on't ask again [Yes]: n"),
        *user("/ask why did the import fail?"),
        *reply("Because `src/` is not a package root for pytest.\n\n> pythonpath = src\n\nfixes that."),
        *tool("Tokens: 5.3k sent, 60 received. Cost: $0.01 message, $0.05 session."),
        "", "# aider chat started at 2024-05-02 09:00:00", "",
        *tool("/home/dev/.local/bin/aider --architect", "Aider v0.82.1",
              "Main model: o3 with architect edit format", "Editor model: gpt-4.1 with editor-diff edit format"),
        *user("/add src/app.py"),
        *tool("Added src/app.py to the chat"),
        *user("Speed up parse for large inputs"),
        *reply(PLAN),
        *tool("Tokens: 2.0k sent, 80 received. Cost: $0.01 message, $0.01 session."),
        *user(*PLAN.split("\n")),  # aider hands the architect's plan to the editor as a message
        *reply("src/app.py\n```python\n<<<<<<< SEARCH\n    return [int(x) for x in text.split(\",\")]\n=======\n"
               "    return list(map(int, text.split(\",\")))\n>>>>>>> REPLACE\n```"),
        *tool("Tokens: 3.0k sent, 50 received. Cost: $0.01 message, $0.02 session.", "Applied edit to src/app.py",
              "Commit 9a8b7c6 perf: parse numbers with map", "Added 9 lines of output to the chat.",
              "Attempt to fix test errors? (Y)es/(N)o [Yes]: n"),
        *user("!git status"),
        *tool("Add 0.1k tokens of command output to the chat? (Y)es/(N)o [Yes]: n"),
    ]


def write(folder: Path, lines: list[str] | bytes, *, mtime: datetime = T0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ".aider.chat.history.md"
    path.write_bytes(lines if isinstance(lines, bytes) else "\n".join(lines).encode() + b"\n")
    touch(path, mtime)
    return path


def touch(path: Path, when: datetime) -> None:
    os.utime(path, (when.timestamp(), when.timestamp()))


def collect(store: Store, path: Path, project: str | None = None) -> SourceReport:
    report = SourceReport(source=str(path), type="aider")
    AiderSource(SourceConfig(type="aider", path=path, project=project)).collect(store, report)
    return report


def now(monkeypatch, when: datetime) -> None:
    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", when.isoformat())


@pytest.fixture(autouse=True)
def moscow_time(monkeypatch):
    """Aider writes local time without a zone: pin the local zone to UTC+3 (no DST) and an idle file."""
    monkeypatch.setenv("TZ", "MSK-3")
    time.tzset()
    now(monkeypatch, T0 + timedelta(days=1))
    yield
    monkeypatch.undo()
    time.tzset()


def rows(store: Store) -> list:
    return sorted(store.activity(), key=lambda a: (a.meta["session_started_at"], a.meta["turn_index"]))


def test_history_turn_groups_follow_the_contract(store, tmp_path):
    path = write(tmp_path / "parser", history())
    report = collect(store, tmp_path / "parser")
    assert (report.files_read, report.new_activity, report.skipped) == (1, 3, 0)
    fix, ask, speed = rows(store)

    assert fix.source == "aider" and fix.kind == "session" and fix.project == "parser"
    meta = fix.meta
    assert meta["cwd"] == str(tmp_path / "parser") and meta["transcript"] == str(path)
    assert meta["prompt"] == ('The parser crashes on empty input.\n\n'
                              'Make `parse("")` return an empty list and add a test.')
    assert fix.text.startswith(meta["prompt"] + "\n\nI'll add a guard")
    assert meta["assistant_text"] == [  # no code blocks, no file-name lines; a heading and a quote stay prose
        "I'll add a guard for empty input and a regression test.", "#### Changes",
        'Empty input no longer raises: `parse("")` returns `[]`.\n> Note: values are still split on commas only.',
        "The test fails because `tests/` cannot import `app`: pytest does not put `src` on the path."]
    assert meta["files_edited"] == ["src/app.py"]
    assert meta["files_written"] == ["tests/test_app.py", "pytest.ini"]
    assert meta["commands"] == [{"command": "pytest -q", "failed": True}, {"command": "pytest -q", "failed": False}]
    assert meta["errors"] == ["/test pytest -q: failed (14 lines of output)"]
    assert meta["tool_calls"] == {"edit": 3, "commit": 2, "/test": 1, "shell": 1}
    # aider writes no time per message: every row of a session carries the session's start (10:20:30 at UTC+3)
    assert meta["started_at"] == meta["ended_at"] == fix.occurred_at == "2024-05-01T07:20:30+00:00"
    assert fix.fingerprint == fingerprint("aider", meta["session_id"], 0) and meta["turn_index"] == 0

    assert ask.meta["session_id"] == meta["session_id"] and ask.meta["turn_index"] == 1
    assert ask.meta["prompt"] == "why did the import fail?"
    assert ask.meta["assistant_text"] == ["Because `src/` is not a package root for pytest.", "> pythonpath = src",
                                          "fixes that."]
    assert ask.meta["files_edited"] == [] and ask.meta["commands"] == [] and ask.meta["errors"] == []

    # second session: `/add` is not a prompt; the plan handed to the editor stays in its group
    assert speed.meta["session_id"] != meta["session_id"] and speed.meta["turn_index"] == 0
    assert speed.meta["started_at"] == "2024-05-02T06:00:00+00:00"
    assert speed.meta["prompt"] == "Speed up parse for large inputs"
    assert speed.meta["assistant_text"] == PLAN.split("\n\n")  # one item per paragraph
    assert speed.meta["files_edited"] == ["src/app.py"]
    assert speed.meta["commands"] == [{"command": "git status", "failed": False}]
    assert speed.meta["errors"] == ["tests failed after the edit (9 lines of output)"]
    assert speed.meta["tool_calls"] == {"edit": 1, "commit": 1, "/run": 1}

    again = collect(store, tmp_path / "parser")
    assert (again.files_read, again.new_activity) == (0, 0)
    touch(path, T0 + timedelta(minutes=1))  # touched, not grown: read again, nothing new
    assert collect(store, tmp_path / "parser").new_activity == 0
    assert len(store.activity()) == 3


def test_appending_a_turn_yields_exactly_that_turn(store, tmp_path, monkeypatch):
    path = write(tmp_path / "parser", history())
    now(monkeypatch, T0 + timedelta(minutes=5))  # aider may still be writing the last turn: it waits
    assert collect(store, path).new_activity == 2
    now(monkeypatch, T0 + timedelta(hours=1))  # idle for an hour: the last turn is complete
    assert collect(store, path).new_activity == 1

    later = T0 + timedelta(hours=2)
    turn = [*user("Also accept spaces around the numbers"),
            *reply("Done: `parse(\" 1, 2 \")` now returns `[1, 2]`."),
            *tool("Tokens: 3.1k sent, 40 received.", "Applied edit to src/app.py", "Commit 0f0f0f0 feat: strip spaces")]
    with open(path, "a", encoding="utf-8") as file:
        file.write("\n".join(turn) + "\n")
    touch(path, later)
    now(monkeypatch, later + timedelta(minutes=1))
    assert collect(store, path).new_activity == 0  # the newest turn is still open
    now(monkeypatch, later + timedelta(minutes=31))
    report = collect(store, path)
    assert (report.new_activity, report.skipped) == (1, 0)
    newest = rows(store)[-1]
    assert newest.meta["prompt"] == "Also accept spaces around the numbers"
    assert newest.meta["turn_index"] == 1 and newest.meta["started_at"] == "2024-05-02T06:00:00+00:00"
    assert newest.meta["assistant_text"] == ['Done: `parse(" 1, 2 ")` now returns `[1, 2]`.']
    assert newest.meta["files_edited"] == ["src/app.py"]
    assert len({a.fingerprint for a in store.activity()}) == 4


def test_a_folder_is_searched_for_histories_outside_git_and_dependency_folders(store, tmp_path):
    write(tmp_path / "code" / "parser", history())
    write(tmp_path / "code" / "site", [*["", "# aider chat started at 2024-05-02 18:00:00", ""],
                                       *user("Fix the footer"), *reply("Fixed the footer link.")])
    for hidden in (".git", "node_modules", ".venv"):
        write(tmp_path / "code" / "site" / hidden, history())
    report = collect(store, tmp_path / "code")
    assert (report.files_read, report.new_activity) == (2, 4)
    assert sorted({a.project for a in store.activity()}) == ["parser", "site"]

    with Store(tmp_path / "other.db") as other:  # the file itself, with the project named in the config
        report = collect(other, tmp_path / "code" / "site" / ".aider.chat.history.md", project="homepage")
        assert report.new_activity == 1
        assert [a.project for a in other.activity()] == ["homepage"]


def test_bad_bytes_and_garbage_lines_are_reported_or_tolerated(store, tmp_path):
    lines = [line.encode() for line in history()]
    prompt = lines.index(b"#### Speed up parse for large inputs  ")
    lines[prompt] = b"#### Speed up parse for large inputs \xff\xfe  "  # not UTF-8
    lines.insert(prompt + 2, b"\x00\x01binary\x00 junk")
    lines[1:1] = [b"#### <blank>  ", b"> garbage \xc3 line  ", b"```", b"# aider chat started at yesterday"]
    path = write(tmp_path / "parser", b"\n".join(lines) + b"\n")
    report = collect(store, tmp_path / "parser")
    assert report.reasons == [f"{path}:5: session header with an unreadable time: 'yesterday'",
                              f"{path}:{prompt + 7}: binary data (NUL bytes), not chat history text"]
    assert report.new_activity == 3
    speed = rows(store)[-1]
    assert speed.meta["prompt"] == "Speed up parse for large inputs \ufffd\ufffd"
    assert speed.meta["files_edited"] == ["src/app.py"]
    assert collect(store, tmp_path / "parser").skipped == 0  # reported once


def test_a_missing_path_is_reported_and_aider_needs_a_path_in_the_config(store, tmp_path, write_config):
    report = collect(store, tmp_path / "nowhere")
    assert report.reasons == [f"{tmp_path / 'nowhere'}: no such file or folder"]
    with pytest.raises(ConfigError, match=r"publisher.toml:1: \[\[sources\]\] of type 'aider' needs a 'path'"):
        write_config('[[sources]]\ntype = "aider"\n')


def test_collect_json_shows_the_aider_source(tmp_path):
    write(tmp_path / "parser", history())
    config = tmp_path / "publisher.toml"
    config.write_text('[[sources]]\ntype = "aider"\npath = "parser"\n')
    result = CliRunner().invoke(cli, ["--config", str(config), "collect", "--json"])
    assert result.exit_code == 0, result.output
    [source] = json.loads(result.stdout)["sources"]
    assert source["type"] == "aider" and source["source"] == str(tmp_path / "parser")
    assert (source["files_read"], source["new_activity"], source["skipped"]) == (1, 3, 0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=1500))
def test_arbitrary_bytes_never_crash(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("aider-bytes")
    write(folder, data)
    with Store(folder / "s.db") as store:
        report = collect(store, folder)
        assert report.skipped <= len(data.splitlines())  # an idle file's unterminated last line counts too
        assert collect(store, folder).new_activity == 0


LINES = st.sampled_from([
    "", "# aider chat started at 2024-05-01 10:20:30", "#### Fix the parser  ", "#### second line  ", "####   ",
    "#### /ask why?  ", "#### /test pytest  ", "#### !make  ", "#### <blank>  ", "#### Heading", "> Heading  ",
    "> Tokens: 1k sent, 2 received.  ", "> Applied edit to a.py  ", "> b.py  ",
    "> Create new file? (Y)es/(N)o [Yes]: y  ",
    "> Commit abc1234 fix: x  ", "> Running make  ", "> Added 3 lines of output to the chat.  ",
    "> Attempt to fix test errors? (Y)es/(N)o [Yes]: y  ", "> Edit the files? (Y)es/(N)o [Yes]: y  ",
    "> The LLM did not conform to the edit format.  ", "```python", "````", "```", "<<<<<<< SEARCH", "=======",
    ">>>>>>> REPLACE", "a.py", "Done: went from 3 s to 1 s.", "> quoted", "plain prose",
    "<source>python", "</source>", "src\\a.py", "> Applied edit to src\\a.py  ", "#### /architect go  ", "#### go  ",
    "<thinking-content-7bbeb8e1441453ad999a0bbba8a46d4b>", "</thinking-content-7bbeb8e1441453ad999a0bbba8a46d4b>",
    "> litellm.RateLimitError: RateLimitError: x  ", "> Retrying in 0.2 seconds...  ",
    "> # 1 SEARCH/REPLACE block failed to match!", "Just reply with fixed versions.  ",
]) | st.text(alphabet="#> `abc\t", max_size=12)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(LINES, max_size=40), split=st.integers(min_value=0, max_value=40))
def test_reading_a_growing_history_in_two_parts_equals_reading_it_whole(tmp_path_factory, monkeypatch, lines, split):
    folder = tmp_path_factory.mktemp("aider-split")
    lines = ["# aider chat started at 2024-05-01 10:20:30", *lines]
    split = min(split + 1, len(lines))
    with Store(folder / "parts.db") as parts:
        now(monkeypatch, T0 + timedelta(minutes=1))  # still being written: the open group waits
        path = write(folder, lines[:split])
        collect(parts, folder)
        path = write(folder, lines)
        now(monkeypatch, T0 + timedelta(days=1))
        collect(parts, folder)
        assert collect(parts, folder).new_activity == 0
        in_parts = {a.fingerprint: (a.text, a.meta) for a in parts.activity()}
    with Store(folder / "whole.db") as whole:
        collect(whole, path)
        assert {a.fingerprint: (a.text, a.meta) for a in whole.activity()} == in_parts


def session(when: str = "2025-08-06 14:06:30", model: str = "openrouter/horizon-beta with diff edit format") -> list[str]:
    return ["", f"# aider chat started at {when}", "", *tool("Aider v0.85.2", f"Model: {model}", "Git repo: .git with 29 files")]


def test_ask_with_a_message_is_one_group_though_aider_logs_the_message_twice(store, tmp_path):
    # aider runs `/ask X` (and /architect, /code, /context) by sending X in that mode, logging X again
    write(tmp_path / "docs", [
        *session(),
        *user("/ask  is nodes.py used in the backend?"), *user("is nodes.py used in the backend?"),
        *reply("No: the nodes live in backend/flow_nodes.py, which app.py imports."),
        *tool("Tokens: 9.1k sent, 60 received."),
        *user("/architect save that list into task.md"), *user("save that list into task.md"),
        *reply("I will have the editor create `task.md` with the list."),
        *tool("Tokens: 2.4k sent, 30 received.", "Edit the files? (Y)es/(N)o [Yes]: y"),
        *user("I will have the editor create `task.md` with the list."),
        *reply("task.md\n```\n- [ ] block 1\n```"),
        *tool("Tokens: 1.0k sent, 20 received.", "task.md", "Create new file? (Y)es/(N)o [Yes]: y",
              "Applied edit to task.md"),
        *user("is nodes.py used in the backend?"),  # asked again later: a new group
        *reply("Still no."),
    ])
    assert collect(store, tmp_path / "docs").new_activity == 3
    ask, architect, again = rows(store)
    assert ask.meta["prompt"] == "is nodes.py used in the backend?"
    assert ask.text.count("is nodes.py used") == 1
    assert ask.meta["assistant_text"] == ["No: the nodes live in backend/flow_nodes.py, which app.py imports."]
    assert architect.meta["prompt"] == "save that list into task.md"
    assert architect.meta["files_written"] == ["task.md"]
    assert architect.meta["assistant_text"] == ["I will have the editor create `task.md` with the list."]
    assert again.meta["prompt"] == "is nodes.py used in the backend?" and again.meta["assistant_text"] == ["Still no."]


SOURCE_FENCES = '''backend/settings.py
<source>python
import os

DB_PATH = os.getenv("DB_PATH", "example.db")
</source>

README.md
<source>
Run it:

```bash
uvicorn backend.app:app --reload
```
</source>

Settings now come from the environment; the README shows how to start the server.'''


def test_source_tag_fences_are_code_not_prose(store, tmp_path):
    # aider fences a file that itself contains ``` with <source>…</source> (or <code>, <pre>, …)
    write(tmp_path / "t2sql", [
        *session(model="openrouter/horizon-beta with whole edit format"),
        *user("Read the DB path from the environment and document how to run the server."),
        *reply("I'll add a settings module and a README section.\n\n" + SOURCE_FENCES),
        *tool("Tokens: 7.6k sent, 442 received.", "Applied edit to backend/settings.py", "Applied edit to README.md",
              "Commit d4c06d0 feat: settings from env"),
    ])
    collect(store, tmp_path / "t2sql")
    [row] = rows(store)
    assert row.meta["assistant_text"] == [
        "I'll add a settings module and a README section.",
        "Settings now come from the environment; the README shows how to start the server."]
    assert "DB_PATH" not in row.text and "uvicorn" not in row.text
    assert row.meta["files_edited"] == ["backend/settings.py", "README.md"]


def test_windows_paths_are_read_as_files_with_forward_slashes(store, tmp_path):
    # aider on Windows: CRLF line ends, backslashes in the file names it prints and the model writes
    lines = [
        *session(),
        *user("The tests cannot open the database file."),
        *reply("The adapter builds a wrong sqlite URL for relative paths.\n\n"
               "backend\\db_adapters.py\n```python\n<<<<<<< SEARCH\n    return path\n=======\n"
               "    return Path(path).resolve().as_posix()\n>>>>>>> REPLACE\n```\n\n"
               "backend\\tests\\test_schema.py\n```python\n<<<<<<< SEARCH\n=======\ndef test_schema(): ...\n"
               ">>>>>>> REPLACE\n```\n\nRelative paths now resolve against the working directory."),
        *tool("Tokens: 12k sent, 900 received.", "backend\\tests\\test_schema.py",
              "Create new file? (Y)es/(N)o [Yes]: y", "Applied edit to backend\\db_adapters.py",
              "Applied edit to backend\\tests\\test_schema.py", "Commit 5e2f1a9 fix: resolve relative sqlite paths"),
    ]
    write(tmp_path / "t2sql", "\r\n".join(lines).encode() + b"\r\n")
    collect(store, tmp_path / "t2sql")
    [row] = rows(store)
    assert row.meta["files_edited"] == ["backend/db_adapters.py"]
    assert row.meta["files_written"] == ["backend/tests/test_schema.py"]
    assert row.meta["assistant_text"] == ["The adapter builds a wrong sqlite URL for relative paths.",
                                          "Relative paths now resolve against the working directory."]


def test_provider_errors_and_retries_are_not_the_work_failing(store, tmp_path):
    rate_limited = ('litellm.RateLimitError: RateLimitError: OpenrouterException - {"error":{"message":'
                    '"Provider returned error","code":429}}')
    write(tmp_path / "t2sql", [
        *session(),
        *user("Add a .gitignore for the backend and the frontend."),
        *tool(rate_limited, "The API provider has rate limited you. Try again later or check your quotas.",
              "Retrying in 0.2 seconds...", rate_limited,
              "The API provider has rate limited you. Try again later or check your quotas.",
              "Retrying in 0.5 seconds..."),
        *reply("Added a root .gitignore covering Python caches, virtualenvs and node_modules."),
        *tool("Tokens: 7.6k sent, 442 received.", "Applied edit to .gitignore", "Commit cdaedb7 chore: add .gitignore"),
        *user("Fetch the schema from the server"),
        *tool("litellm.APIConnectionError: APIConnectionError: OpenrouterException - Server disconnected",
              "Retrying in 0.2 seconds...", "The LLM did not conform to the edit format."),
        *reply("Added a /schema endpoint."),
        *tool("Applied edit to backend/app.py"),
        *user("Summarise https://example.org/api"),
        *tool("Scraping https://example.org/api...", "Install playwright? (Y)es/(N)o [Yes]: n",
              "Unable to initialize playwright."),
        *reply("The page documents one POST endpoint."),
    ])
    collect(store, tmp_path / "t2sql")
    gitignore, schema, scrape = rows(store)
    assert gitignore.meta["errors"] == [] and gitignore.meta["files_edited"] == [".gitignore"]
    assert gitignore.meta["assistant_text"] == [
        "Added a root .gitignore covering Python caches, virtualenvs and node_modules."]
    assert "litellm" not in gitignore.text and "rate limited" not in gitignore.text
    assert schema.meta["errors"] == ["The LLM did not conform to the edit format."]  # aider's own errors still count
    assert scrape.meta["errors"] == [] and scrape.meta["assistant_text"] == ["The page documents one POST endpoint."]


def test_the_models_reasoning_block_is_counted_not_told(store, tmp_path):
    tag = "thinking-content-7bbeb8e1441453ad999a0bbba8a46d4b"  # what aider wraps a model's reasoning in
    reasoning = "Here's a thinking process:\n\n1.  **Analyze User Input:**\n   - The user asks about the hotkey.\n"
    write(tmp_path / "dictation", [
        *session(model="lm_studio/qwen3 with whole edit format"),
        *user("Why is the same text inserted every time?"),
        "", f"<{tag}>", "", *reasoning.split("\n"), "```ts", "const x = 1", f"</{tag}>", "", "",
        "The session id is reused after release: reset it in `handleRelease`.", "",
        *tool("Tokens: 1.9k sent, 2.4k received."),
        *user("Did you find the cause?"),
        "", f"<{tag}>", "", "Let's look at `handleRelease` again.", "",  # interrupted: never closed
        *tool("", "^C KeyboardInterrupt"),
        *user("Stop and write the report"),
        *reply("Report written to report.md."),
    ])
    collect(store, tmp_path / "dictation")
    cause, interrupted, report = rows(store)
    assert cause.meta["assistant_text"] == ["The session id is reused after release: reset it in `handleRelease`."]
    assert "thinking process" not in cause.text
    assert cause.meta["thinking_bytes"] >= len(reasoning)
    assert interrupted.meta["prompt"] == "Did you find the cause?" and interrupted.meta["assistant_text"] == []
    assert interrupted.meta["thinking_bytes"] > 0
    assert report.meta["prompt"] == "Stop and write the report"
    assert report.meta["assistant_text"] == ["Report written to report.md."]


def failed_edit_history() -> list[str]:
    return [
        *session(),
        *user("Make the bubble drift across the screen"),
        *reply("I'll move the bubble with a CSS animation.\n\nsrc/Bubble.jsx\n```jsx\n<<<<<<< SEARCH\nconst SIZE = 60;\n"
               "=======\nconst SIZE = 60;\nconst MIN_DELAY = 5000;\n>>>>>>> REPLACE\n```\n\nThe bubble now drifts left to right."),
        *tool("Tokens: 13k sent, 2.3k received.", "The LLM did not conform to the edit format.",
              "https://aider.chat/docs/troubleshooting/edit-errors.html"),
        # aider's multi-line message: `> ` and no trailing spaces on its first line, blank lines inside,
        # the two spaces only on its last line
        "> # 1 SEARCH/REPLACE block failed to match!", "",
        "## SearchReplaceNoExactMatch: This SEARCH block failed to exactly match lines in src/Bubble.jsx",
        "<<<<<<< SEARCH", "const SIZE = 60;", "=======", "const SIZE = 64;", ">>>>>>> REPLACE", "",
        "The SEARCH section must exactly match an existing block of lines including all white space",
        "", "# The other 2 SEARCH/REPLACE blocks were applied successfully.", "Don't re-send them.",
        "Just reply with fixed versions of the block above that failed to match.  ",
        *tool("Scraping https://example.org/docs..."), "> For the best web scraping, install Playwright:",
        "", "/usr/bin/python3 -m playwright install --with-deps chromium", "",
        "See https://aider.chat/docs/install/optional.html#enable-playwright for more info.  ",
        *tool("Install playwright? (Y)es/(N)o [Yes]: n"),
        *reply("Here is the fixed block: the SEARCH part now matches `const SIZE = 60;` exactly."),
        *tool("Tokens: 14k sent, 300 received.", "Applied edit to src/Bubble.jsx"),
    ]


def test_a_multi_line_aider_message_with_blank_lines_is_not_the_reply(store, tmp_path):
    write(tmp_path / "bubble", failed_edit_history())
    collect(store, tmp_path / "bubble")
    [row] = rows(store)
    assert row.meta["assistant_text"] == [
        "I'll move the bubble with a CSS animation.", "The bubble now drifts left to right.",
        "Here is the fixed block: the SEARCH part now matches `const SIZE = 60;` exactly."]
    assert row.meta["errors"] == ["The LLM did not conform to the edit format.",
                                  "# 1 SEARCH/REPLACE block failed to match!"]
    assert row.meta["files_edited"] == ["src/Bubble.jsx"]

    # an editor removed the trailing spaces: no line can end the message, so none opens one; replies stay
    with Store(tmp_path / "stripped.db") as stripped:
        write(tmp_path / "stripped", [line.rstrip() for line in failed_edit_history()])
        collect(stripped, tmp_path / "stripped")
        [row] = rows(stripped)
        assert row.meta["assistant_text"][0] == "I'll move the bubble with a CSS animation."
        assert row.meta["assistant_text"][-1] == (
            "Here is the fixed block: the SEARCH part now matches `const SIZE = 60;` exactly.")


def test_files_aider_could_not_read_into_the_chat_are_not_errors(store, tmp_path):
    # `/add *` on Windows: aider tries to read .git's binary files into the chat and says it could not
    write(tmp_path / "jobs", [
        *session(),
        *user("/add *"),
        *tool("Added .git\\HEAD to the chat",
              "C:\\dev\\jobs\\.git\\index: 'utf-8' codec can't decode byte 0xec in position 13: invalid continuation byte",
              "Use --encoding to set the unicode encoding.", "Unable to read .git\\index", "Added src\\App.jsx to the chat"),
        *user("Make both buttons black"),
        *reply("Both buttons now use `bg-black`."),
        *tool("Tokens: 9k sent, 100 received.", "Applied edit to src\\App.jsx"),
        *user("/add *"),
        *tool("Unable to read .git\\index"),
        *user("Make the upload button open a file picker"),
        *tool("Tokens: 275k sent, 0 received.", "Model anthropic/claude-3-7-sonnet-20250219 has hit a token limit!"),
    ])
    collect(store, tmp_path / "jobs")
    black, upload = rows(store)
    assert black.meta["errors"] == [] and black.meta["files_edited"] == ["src/App.jsx"]
    assert upload.meta["errors"] == ["Model anthropic/claude-3-7-sonnet-20250219 has hit a token limit!"]
