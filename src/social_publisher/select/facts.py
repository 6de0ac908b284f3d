"""What select reads out of one activity row, once: its words, files, commands, errors,
and whether it is substance at all.

A row is excluded from a story's substance when it is trivial (merge, version bump,
typo, formatting, revert, lockfile-only, a commit reverted later, an empty note, an
AI turn that only said "ok, commit it") or when it is a commit by someone else (the git
collector marks `own: false` when `authors` is configured). Excluded rows are still
considered, so they are never looked at again, but they never make or join a story.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Iterable, NamedTuple

from social_publisher.records import COMMIT, NOTE, SESSION, Activity
from social_publisher.signals import strip_trailers, trivial_reason

_REVERTS_RE = re.compile(r"This reverts commit ([0-9a-f]{7,40})", re.IGNORECASE)
_ACK_RE = re.compile(
    r"^\s*(?:ok(?:ay)?|yes|y|go|go on|continue|proceed|thanks?|thank you|commit|push|commit (?:it|this)?\s*(?:and push)?"
    r"|lgtm|looks good|ок|да|дальше|продолжай|спасибо|коммит\w*)\W*$",
    re.IGNORECASE,
)
_GENERATED_PARTS = ("node_modules/", "vendor/", "dist/", "build/", "__pycache__/", ".min.", ".map")
_LOCK_SUFFIXES = (".lock", "package-lock.json", "pnpm-lock.yaml", "go.sum")


class FileChange(NamedTuple):
    path: str
    added: int | None = None
    removed: int | None = None

    @property
    def generated(self) -> bool:
        """Lockfiles and build output: they change a lot and say nothing."""
        return _is_generated(self.path)


# NamedTuple's own constructor is Python code; building from a ready tuple is C (select builds ~200k).
_new_change = partial(tuple.__new__, FileChange)


@lru_cache(maxsize=65536)
def _is_generated(path: str) -> bool:
    return path.endswith(_LOCK_SUFFIXES) or any(part in path for part in _GENERATED_PARTS)


@dataclass
class RowFacts:
    """One activity row as select sees it."""

    activity: Activity
    excluded: str | None  # why the row is not substance, or None
    label: str  # one line naming it: commit subject, prompt, note title
    human: str  # words the user wrote: commit message, prompt, note
    prose: str  # words an assistant wrote
    files: list[FileChange] = field(default_factory=list)
    commands: list[tuple[str, bool]] = field(default_factory=list)  # (command, failed)
    errors: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.activity.kind


def reverted_hashes(rows: Iterable[Activity]) -> set[str]:
    """Hashes (full or abbreviated) named by "This reverts commit ..." lines."""
    found = set()
    for row in rows:
        if row.kind == COMMIT and "reverts commit" in row.text:
            found.update(match.group(1).lower() for match in _REVERTS_RE.finditer(row.text))
    return found


def row_facts(row: Activity, reverted: set[str]) -> RowFacts:
    if row.kind == COMMIT:
        return _commit_facts(row, reverted)
    if row.kind == SESSION:
        return _session_facts(row)
    if row.kind == NOTE:
        return _note_facts(row)
    text = row.text or ""
    return RowFacts(row, None if text.strip() else "empty", _first_line(text), text, "")


def _commit_facts(row: Activity, reverted: set[str]) -> RowFacts:
    meta = row.meta
    files = []
    for item in _list(meta, "files"):
        if isinstance(item, dict) and item.get("path"):
            added, removed = item.get("added"), item.get("removed")
            files.append(_new_change((str(item["path"]), added if type(added) is int else None,
                                      removed if type(removed) is int else None)))
    message = strip_trailers(row.text or "")  # a "Co-Authored-By: Claude" trailer is no topic, tag or number
    excluded = trivial_reason(message, [f.path for f in files])
    if excluded is None and meta.get("is_merge"):
        excluded = "merge"
    if excluded is None and _is_reverted(str(meta.get("hash") or ""), reverted):
        excluded = "reverted later"
    if excluded is None and meta.get("own") is False:
        excluded = "someone else's commit"
    return RowFacts(row, excluded, _first_line(message), message, "", files=files)


def _session_facts(row: Activity) -> RowFacts:
    meta = row.meta
    prompt = meta.get("prompt")
    if not isinstance(prompt, str):
        prompt = (row.text or "").split("\n\n", 1)[0]
    assistant = meta.get("assistant_text")
    if isinstance(assistant, list):
        prose = "\n".join(str(part) for part in assistant)
    else:
        parts = (row.text or "").split("\n\n", 1)
        prose = parts[1] if len(parts) > 1 else ""
    summary = meta.get("summary")
    human = prompt + (f"\n{summary}" if isinstance(summary, str) and summary else "")
    paths = []
    for key in ("files_edited", "files_written"):
        for path in _list(meta, key):
            if isinstance(path, str) and path not in paths:
                paths.append(path)
    commands = []
    for item in _list(meta, "commands"):
        if isinstance(item, dict) and isinstance(item.get("command"), str):
            commands.append((item["command"], bool(item.get("failed"))))
    errors = [str(e)[:200] for e in _list(meta, "errors") if e]
    cwd = meta.get("cwd")
    prefix = cwd.rstrip("/") + "/" if isinstance(cwd, str) and cwd else None
    files = [_new_change((p[len(prefix):] if prefix and p.startswith(prefix) else p, None, None)) for p in paths]
    facts = RowFacts(row, None, _first_line(prompt), human, prose, files=files, commands=commands, errors=errors)
    quiet = not paths and not errors and not any(failed for _, failed in commands)
    if quiet and (not prompt.strip() or _ACK_RE.match(prompt) or trivial_reason(prompt)):
        facts.excluded = "a turn with nothing done"
    return facts


def _note_facts(row: Activity) -> RowFacts:
    title = row.meta.get("title")
    title = title if isinstance(title, str) and title.strip() else _first_line(row.text or "")
    body = row.text or ""
    excluded = None if body.strip() or title.strip() else "empty note"
    return RowFacts(row, excluded, title, f"{title}\n{body}", "")


def _is_reverted(commit_hash: str, reverted: set[str]) -> bool:
    if not commit_hash or not reverted:
        return False
    commit_hash = commit_hash.lower()
    return any(commit_hash.startswith(h) or h.startswith(commit_hash) for h in reverted)


def _list(meta: dict, key: str) -> list:
    """meta[key] when it is a list; anything else (missing, a string, null) reads as empty."""
    value = meta.get(key)
    return value if isinstance(value, list) else []


def _first_line(text: str) -> str:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:120]
    return ""

