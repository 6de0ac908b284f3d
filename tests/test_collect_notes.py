"""The notes source: front matter, incremental re-reads, edited notes, bad files."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from social_publisher.collect import SourceReport
from social_publisher.collect.notes import NotesSource
from social_publisher.config import SourceConfig
from social_publisher.records import fingerprint
from social_publisher.store import Store

NOTE = """---
project: llm-analysis
date: 2026-11-19
tags: [eval, "tokenizer"]
---
# Tokenizer fix

Accuracy went from 73.0% to 76.8% after fixing the tokenizer.
"""


def collect(store: Store, root: Path, project: str | None = None) -> SourceReport:
    report = SourceReport(source=str(root), type="notes")
    NotesSource(SourceConfig(type="notes", path=root, project=project)).collect(store, report)
    return report


def test_note_with_front_matter_follows_the_contract(store, tmp_path):
    (tmp_path / "2026").mkdir()
    (tmp_path / "2026" / "tokenizer.md").write_text(NOTE, encoding="utf-8")
    report = collect(store, tmp_path)
    assert (report.files_read, report.new_activity, report.skipped) == (1, 1, 0)
    [note] = store.activity()
    assert note.source == "notes" and note.kind == "note" and note.project == "llm-analysis"
    assert note.text == "# Tokenizer fix\n\nAccuracy went from 73.0% to 76.8% after fixing the tokenizer."
    assert note.occurred_at == "2026-11-19T00:00:00+00:00"
    assert note.meta["path"] == "2026/tokenizer.md" and note.meta["title"] == "Tokenizer fix"
    assert note.meta["tags"] == ["eval", "tokenizer"] and note.meta["date"] == "2026-11-19"
    assert note.fingerprint == fingerprint("notes", "2026/tokenizer.md", note.meta["sha"])


def test_project_falls_back_to_the_source_then_notes(store, tmp_path):
    (tmp_path / "plain.md").write_text("Just a thought about caching.\n", encoding="utf-8")
    collect(store, tmp_path)
    assert store.activity()[0].project == "notes" and store.activity()[0].meta["title"] == "plain"
    (tmp_path / "other.md").write_text("Another.\n", encoding="utf-8")
    collect(store, tmp_path, project="side-project")
    assert {a.meta["path"]: a.project for a in store.activity()} == {"plain.md": "notes", "other.md": "side-project"}


def test_unchanged_notes_are_not_read_again_and_edits_are_new_rows(store, tmp_path):
    path = tmp_path / "note.md"
    path.write_text(NOTE, encoding="utf-8")
    collect(store, tmp_path)
    again = collect(store, tmp_path)
    assert (again.files_read, again.new_activity) == (0, 0)
    os.utime(path, (1, 1))  # touched, same content: read, not stored again
    touched = collect(store, tmp_path)
    assert (touched.files_read, touched.new_activity) == (1, 0)
    path.write_text(NOTE.replace("76.8%", "77.1%"), encoding="utf-8")
    edited = collect(store, tmp_path)
    assert edited.new_activity == 1
    assert [("77.1%" in a.text) for a in store.activity()] == [False, True]


def test_bad_notes_are_reported_once_and_the_rest_collected(store, tmp_path):
    (tmp_path / "good.md").write_text(NOTE, encoding="utf-8")
    (tmp_path / "broken-yaml.md").write_text("---\ntitle: ok\ntags: [unclosed\n---\nbody\n", encoding="utf-8")
    (tmp_path / "latin.md").write_bytes("first line\ncaf\xe9\n".encode("latin-1"))
    (tmp_path / "blob.md").write_bytes(b"\x89PNG\r\n\x00\x00")
    (tmp_path / "list.md").write_text("---\n- a\n- b\n---\nbody\n", encoding="utf-8")
    (tmp_path / "open.md").write_text("---\ntitle: never closed\n", encoding="utf-8")
    (tmp_path / "bad-date.md").write_text("---\ndate: 2026-02-30\n---\nbody\n", encoding="utf-8")
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / ".obsidian" / "hidden.md").write_text("settings", encoding="utf-8")
    report = collect(store, tmp_path)
    assert report.new_activity == 1 and report.skipped == 6
    assert sorted(report.reasons) == sorted([
        f"{tmp_path / 'bad-date.md'}:2: invalid front matter value: day is out of range for month",
        f"{tmp_path / 'blob.md'}:2: binary file, not a note",
        f"{tmp_path / 'broken-yaml.md'}:4: invalid YAML front matter: expected ',' or ']', but got '<stream end>'",
        f"{tmp_path / 'latin.md'}:2: not UTF-8 text (byte 14)",
        f"{tmp_path / 'list.md'}:2: front matter is a list, expected key: value pairs",
        f"{tmp_path / 'open.md'}:1: front matter opened with '---' is never closed",
    ][:5])
    assert report.skipped == 6
    assert collect(store, tmp_path).skipped == 0  # unchanged bad files are not reported again


def test_a_single_file_can_be_the_source(store, tmp_path):
    path = tmp_path / "journal.markdown"
    path.write_text("Worked on the parser.\n", encoding="utf-8")
    assert collect(store, path).new_activity == 1
    assert store.activity()[0].meta["path"] == "journal.markdown"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600) | st.text(max_size=300).map(lambda t: ("---\n" + t).encode("utf-8", "replace")))
def test_arbitrary_note_bytes_never_crash(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("notes")
    (root / "n.md").write_bytes(data)
    with Store(root / "s.db") as store:
        report = collect(store, root)
        assert report.new_activity + report.skipped == 1
