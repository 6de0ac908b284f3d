"""The notes source: Markdown files (optionally with YAML front matter: project, date, tags,
title) become one `note` activity row per version of a note.

Incremental: the cursor remembers each file's size, mtime and content hash. An unchanged
file is not opened; a touched file whose content is the same is not stored again; an edited
note is a new row (its fingerprint includes the content hash), the old one stays.
A file that is binary, not UTF-8, or has broken front matter is reported once (until it
changes) as `path:line: reason` and skipped.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from social_publisher import clock
from social_publisher.collect import Source, SourceReport, register
from social_publisher.progress import progress_bar
from social_publisher.records import NOTE, Activity, fingerprint
from social_publisher.store import Store

SUFFIXES = (".md", ".markdown")
NUL, NEWLINE = b"\0", b"\n"
_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


class BadNote(Exception):
    """Raised by `parse_note` for a file that cannot be used; the message is `line: reason`."""


@register
class NotesSource(Source):
    type = "notes"

    def collect(self, store: Store, report: SourceReport) -> None:
        root = Path(self.config.path).expanduser()
        known: dict[str, dict[str, Any]] = store.cursor(self.name) or {}
        seen: dict[str, dict[str, Any]] = {}
        rows: list[Activity] = []
        files = note_files(root)
        with progress_bar(f"notes {root.name}", total=len(files) or None) as bar:
            for path in files:
                bar.advance()
                relative = path.relative_to(root).as_posix() if path != root else path.name
                try:
                    stat = path.stat()
                except OSError as exc:
                    report.skip(f"{path}: cannot read: {exc.strerror or exc}")
                    continue
                entry = {"size": stat.st_size, "mtime": stat.st_mtime_ns}
                previous = known.get(relative, {})
                if (previous.get("size"), previous.get("mtime")) == (entry["size"], entry["mtime"]):
                    seen[relative] = previous
                    continue
                try:
                    data = path.read_bytes()
                except OSError as exc:
                    report.skip(f"{path}: cannot read: {exc.strerror or exc}")
                    continue
                report.files_read += 1
                entry["sha"] = hashlib.sha256(data).hexdigest()[:16]
                seen[relative] = entry
                if entry["sha"] == previous.get("sha"):
                    continue  # touched, not changed (or bad and already reported)
                try:
                    rows.append(self._activity(path, relative, data, entry["sha"], stat.st_mtime))
                except BadNote as exc:
                    report.skip(f"{path}:{exc}")
        with store.transaction():
            report.new_activity += store.add_activity(self.recent(rows, report))
            store.set_cursor(self.name, {**known, **seen})

    def _activity(self, path: Path, relative: str, data: bytes, sha: str, mtime: float) -> Activity:
        front, body = parse_note(data)
        when = _note_time(front.get("date"), mtime)
        title = front.get("title") if isinstance(front.get("title"), str) else None
        heading = _HEADING.search(body)
        title = title or (heading.group(1).strip() if heading else path.stem)
        project = front.get("project")
        project = str(project) if isinstance(project, (str, int)) and str(project).strip() else None
        meta = {"path": relative, "title": title, "tags": _tags(front.get("tags")),
                "date": when.date().isoformat(), "sha": sha}
        return Activity(source="notes", project=project or self.config.project or "notes", kind=NOTE,
                        occurred_at=clock.iso(when), author="", text=body.strip(), meta=meta,
                        fingerprint=fingerprint("notes", relative, sha))


def note_files(root: Path) -> list[Path]:
    """Markdown files under `root` (or `root` itself), skipping hidden folders like .git or .obsidian."""
    if root.is_file():
        return [root]
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*")
                  if path.suffix.lower() in SUFFIXES and path.is_file()
                  and not any(part.startswith(".") for part in path.relative_to(root).parts))


def parse_note(data: bytes) -> tuple[dict[str, Any], str]:
    """(front matter, body) of a note's bytes; BadNote("line: reason") when it cannot be used."""
    if b"\0" in data:
        raise BadNote(f"{_line_at(data, data.index(NUL))}: binary file, not a note")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadNote(f"{_line_at(data, exc.start)}: not UTF-8 text (byte {exc.start})") from None
    if not re.match(r"---[ \t]*\r?\n", text):
        return {}, text
    opening = text.index("\n") + 1
    end = _FRONT_MATTER_END.search(text, opening)
    if end is None:
        raise BadNote("1: front matter opened with '---' is never closed")
    try:
        front = yaml.safe_load(text[opening:end.start()]) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise BadNote(f"{line}: invalid YAML front matter: {problem}") from None
    except (ValueError, TypeError, RecursionError) as exc:  # e.g. `date: 2026-02-30`
        raise BadNote(f"2: invalid front matter value: {exc}") from None
    if not isinstance(front, dict):
        raise BadNote(f"2: front matter is a {type(front).__name__}, expected key: value pairs")
    newline_after = text.find("\n", end.end())
    return front, text[newline_after + 1:] if newline_after >= 0 else ""


def _line_at(data: bytes, position: int) -> int:
    return data.count(NEWLINE, 0, position) + 1


def _note_time(value: Any, mtime: float) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    if isinstance(value, str):
        try:
            return clock.parse_iso(value.strip())
        except ValueError:
            pass
    return datetime.fromtimestamp(mtime, timezone.utc)


def _tags(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return []
    return [str(tag).strip().lstrip("#") for tag in value if str(tag).strip()]
