"""A corpus of real-shaped inputs (issue 11), built in a temp folder: a git repository, Claude Code
transcripts and notes with the defects real activity shows. Holds no tests; tests import
`build_corpus` and assert the judgement a person would make over it.

What it holds, with the names tests use (see `Corpus`):
- `repo`: a git repository in a folder named `repo` whose remote is `photo-search`
  (`git@github.com:dev/photo-search.git`, also `name = "photo-search"` in pyproject.toml):
  - 2026-11-20: two CSS commits on a branch (`max-width: 100%`, `padding: 12px 16px`) merged as
    "Merge pull request #1 from dev/css-fixes", then "Release 0.2.0" and "bump version to 0.2.1";
  - 2026-11-21: one long mixed-topic day, 08:00-19:00 UTC, 33 commits interleaved across three
    topics (`MIXED_DAY_TOPICS`: a batch command, image handling, a search feature), with
    `Co-Authored-By: Claude Opus 4.5` trailers, a PR number in a subject ("(#7)"), a timestamp
    in a URL fragment, retry delays ("100/300/500 ms"), a CSS value and three real
    measurements (`MEASURED`);
  - 2026-11-22: "Serve search over HTTP" (adds fastapi to pyproject.toml, `from fastapi import`)
    and "Add caption model training script" (`import torch` in train.py): technologies that
    only the diff names.
- `claude`: a Claude Code projects folder:
  - an English session (2026-11-21 10:30, cwd = the repo) switching search to FTS5 and bm25,
    measuring p95 480 ms -> 35 ms, then resumed at 15:00 in a new file that copies its
    earlier lines with the same message uuids (`RESUMED_UUIDS`), starts with a summary line
    whose leafUuid points at the first session, and ends without a trailing newline;
  - three test-fixture sessions on 2026-11-23 in a scratch folder that is no repository
    ("Lorem ipsum…", "Create a hello world function", "Testing special characters…"):
    text answers only, no file changed, no command run (`FIXTURE_PROMPTS`).
- `notes`: a Russian note (2026-11-24) about the same search work as the English session
  (`RUSSIAN_NOTE_TITLE`).
- `config(name_projects=True)`: a publisher.toml for all of it. With `name_projects` the git and
  claude-code sources say `project = "photo-search"`; without, the tool must name projects itself
  (from the remote, pyproject.toml, a transcript's cwd).

Set `SOCIAL_PUBLISHER_NOW` to `NOW` (or later) when collecting: every file is idle by then.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from social_publisher.demo.gitrepo import GitRepo
from social_publisher.demo.transcripts import Transcript, transcript_path

NOW = "2026-11-28T12:00:00+00:00"
PROJECT = "photo-search"
REMOTE = "git@github.com:dev/photo-search.git"
UTC = timezone.utc
MSK = timezone(timedelta(hours=3))
TRAILER = "\n\nCo-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>"
FIXTURE_PROMPTS = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
                   "Create a hello world function",
                   "Testing special characters: äöü ñ 中文 🚀 <b>&amp; \"quotes\"")
RUSSIAN_NOTE_TITLE = "Поиск по подписям: FTS5 и bm25 вместо LIKE"
SEARCH_SESSION_PROMPT = ("Search over captions is slow: LIKE '%word%' scans every row. Switch "
                         "src/photosearch/search.py to SQLite FTS5 with bm25 ranking and measure p95 latency.")
# Values that are real results, each in a sentence that reports it.
MEASURED = ("41.2 s", "12.8 s", "480 ms", "35 ms")
# Numbers in the corpus that are never measurements.
NOT_MEASURED = ("4.5", "100%", "12", "30", "45", "100", "300", "500", "#7", "#1", "0.2.0", "0.2.1", "16 px",
                "50")


def at(day: int, hour: int, minute: int = 0, tz=UTC) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=tz)


def _module(name: str, body: str = "") -> str:
    return f'"""{name}"""\n\n{body}\n'


# -- the long mixed day: (topic, subject, body, files) ------------------------------------------

_BATCH = [
    ("Add a batch command that indexes a whole folder of photos",
     "`photosearch batch DIR` walks the folder and indexes every photo it finds. Indexed 1,200 photos "
     "in 38 s on my laptop.", ["src/photosearch/batch.py", "src/photosearch/cli.py", "tests/test_batch.py"]),
    ("batch: skip files that are not images", "", ["src/photosearch/batch.py", "tests/test_batch.py"]),
    ("batch: show progress while indexing", "", ["src/photosearch/batch.py"]),
    ("batch: write a manifest so an interrupted run can resume", "", ["src/photosearch/batch.py",
                                                                        "src/photosearch/manifest.py"]),
    ("batch: resume from the manifest instead of starting over", "",
     ["src/photosearch/batch.py", "src/photosearch/manifest.py", "tests/test_batch.py"]),
    ("Fix the batch exit code when one file fails", "", ["src/photosearch/batch.py", "src/photosearch/cli.py"]),
    ("batch: --dry-run lists what would be indexed", "", ["src/photosearch/batch.py", "src/photosearch/cli.py"]),
    ("Test the batch command on a folder with nested albums", "", ["tests/test_batch.py"]),
    ("batch: read the folder list from a file (--from-file)", "", ["src/photosearch/batch.py",
                                                                     "src/photosearch/cli.py"]),
    ("batch: retry a photo that another process has locked",
     "Retry with delays of 100/300/500 ms before giving up on a locked file.", ["src/photosearch/batch.py"]),
    ("batch: print a summary line at the end", "", ["src/photosearch/batch.py", "tests/test_batch.py"]),
]
_IMAGES = [
    ("Read EXIF orientation and rotate images before indexing", "",
     ["src/photosearch/images.py", "tests/test_images.py"]),
    ("images: generate 320 px thumbnails with Pillow", "Thumbnails are written next to the index as WebP.",
     ["src/photosearch/thumbnails.py", "src/photosearch/images.py"]),
    ("images: keep the ICC colour profile in thumbnails", "", ["src/photosearch/thumbnails.py"]),
    ("Speed up thumbnail generation with Image.draft",
     "Thumbnails for 1,200 photos went from 41.2 s to 12.8 s: draft mode decodes JPEGs at a smaller scale.",
     ["src/photosearch/thumbnails.py", "tests/test_images.py"]),
    ("images: handle truncated JPEG files without crashing", "", ["src/photosearch/images.py",
                                                                    "tests/test_images.py"]),
    ("images: support HEIC photos from phones", "", ["src/photosearch/images.py"]),
    ("Show thumbnails at full column width",
     "`max-width: 100%` and `height: auto` on .thumb img, with a 12px gap between them.",
     ["static/gallery.css", "src/photosearch/thumbnails.py"]),
    ("images: strip GPS coordinates from thumbnails", "", ["src/photosearch/thumbnails.py", "tests/test_images.py"]),
    ("Test thumbnails of portrait and landscape photos", "", ["tests/test_images.py"]),
    ("images: cache decoded image sizes in the index", "", ["src/photosearch/images.py"]),
    ("images: lazy-load thumbnails in the gallery", "", ["static/gallery.js", "static/gallery.css"]),
]
_SEARCH = [
    ("Add full-text search over captions with SQLite FTS5", "",
     ["src/photosearch/search.py", "src/photosearch/index.py", "tests/test_search.py"]),
    ("search: rank results by bm25", "", ["src/photosearch/search.py", "tests/test_search.py"]),
    ("search: highlight the matched words in captions", "", ["src/photosearch/search.py"]),
    ("search: filter by album and date range", "", ["src/photosearch/search.py", "src/photosearch/index.py"]),
    ("Speed up search with a prefix index",
     "p95 search latency over 20,000 captions went from 480 ms to 35 ms.",
     ["src/photosearch/index.py", "src/photosearch/search.py"]),
    ("search: tolerate typos with trigram matching",
     "Logged the slow queries at 2026-11-21T14:05:33Z; the trace is at https://example.org/trace#12,30,45.",
     ["src/photosearch/search.py", "src/photosearch/index.py"]),
    ("Fix search returning duplicates for photos with two captions", "",
     ["src/photosearch/search.py", "tests/test_search.py"]),
    ("search: paginate results", "Pages hold 50 results; the page size is a setting.",
     ["src/photosearch/search.py"]),
    ("Add search highlight colours (#7)", "", ["src/photosearch/search.py", "static/search.css"]),
    ("search: explain the query syntax in --help", "", ["src/photosearch/search.py", "src/photosearch/cli.py"]),
    ("Test search ranking on a fixed set of captions", "", ["tests/test_search.py"]),
]
MIXED_DAY_TOPICS = {"batch": [s for s, _, _ in _BATCH], "images": [s for s, _, _ in _IMAGES],
                    "search": [s for s, _, _ in _SEARCH]}
# The order the three topics were worked on, one letter per commit: interleaved, as a real day is.
_MIXED_ORDER = "BBSBIISSBIBSIBSSIBISBSIIBSIBSISIB"


@dataclass
class Corpus:
    root: Path
    repo: Path
    claude: Path
    notes: Path
    scratch: Path
    transcripts: dict[str, Path] = field(default_factory=dict)  # name -> file
    resumed_uuids: list[str] = field(default_factory=list)  # message uuids present in both session files
    session_ids: dict[str, str] = field(default_factory=dict)  # name -> sessionId

    def config(self, *, name_projects: bool = True, store: str = "state/publisher.db") -> Path:
        """Write publisher.toml in `root` for every source of the corpus; return its path."""
        project = f'project = "{PROJECT}"\n' if name_projects else ""
        text = (f'[store]\npath = "{store}"\n\n'
                f'[[sources]]\ntype = "git"\npath = "repo"\n{project}\n'
                f'[[sources]]\ntype = "claude-code"\npath = "claude/projects"\n{project}\n'
                f'[[sources]]\ntype = "notes"\npath = "notes"\n\n'
                '[writer]\nbackend = "offline"\n\n[enrich]\nwikipedia = false\n')
        path = self.root / "publisher.toml"
        path.write_text(text, encoding="utf-8")
        return path


def build_corpus(root: Path) -> Corpus:
    root = Path(root)
    corpus = Corpus(root=root, repo=root / "repo", claude=root / "claude" / "projects", notes=root / "notes",
                    scratch=root / "scratch")
    corpus.scratch.mkdir(parents=True, exist_ok=True)
    _build_repo(corpus.repo)
    _build_transcripts(corpus)
    _build_notes(corpus.notes)
    return corpus


# -- git -------------------------------------------------------------------------------------------

def _build_repo(path: Path) -> None:
    repo = GitRepo(path)
    repo.git("remote", "add", "origin", REMOTE)
    who = {"author": "Dev", "email": "dev@example.org"}
    pyproject = '[project]\nname = "photo-search"\nversion = "{v}"\ndependencies = [\n    "pillow>=10",\n{extra}]\n'
    repo.commit("Start photo-search: index photo captions", {
        "pyproject.toml": pyproject.format(v="0.1.0", extra=""),
        "README.md": "# photo-search\n\nSearch your photos by caption.\n",
        "src/photosearch/__init__.py": _module("photo-search"),
        "src/photosearch/cli.py": _module("Command line.", "import argparse\n"),
        "static/style.css": ".post img { width: 640px; }\n.search { padding: 4px; }\n",
    }, when=at(20, 9, 0, MSK), **who)
    repo.switch("css-fixes", create=True)
    repo.commit("Fix wide photos overflowing the page on mobile\n\nSet `max-width: 100%` and `height: auto` "
                "on .post img so a wide photo never overflows the column." + TRAILER,
                {"static/style.css": ".post img { max-width: 100%; height: auto; }\n.search { padding: 4px; }\n"},
                when=at(20, 10, 0, MSK), **who)
    repo.commit("Tighten the search box spacing\n\npadding: 12px 16px; border-radius: 4px; font-size: 16px "
                "so the box lines up with the grid." + TRAILER,
                {"static/style.css": ".post img { max-width: 100%; height: auto; }\n"
                                     ".search { padding: 12px 16px; border-radius: 4px; font-size: 16px; }\n"},
                when=at(20, 10, 30, MSK), **who)
    repo.switch("main")
    repo.merge("css-fixes", "Merge pull request #1 from dev/css-fixes\n\nCSS fixes for mobile", when=at(20, 11, 0, MSK),
               **who)
    repo.commit("Release 0.2.0", {"pyproject.toml": pyproject.format(v="0.2.0", extra="")}, when=at(20, 11, 10, MSK), **who)
    repo.commit("bump version to 0.2.1", {"pyproject.toml": pyproject.format(v="0.2.1", extra="")},
                when=at(20, 11, 20, MSK), **who)

    # The long mixed day: 08:00-19:00 UTC, a commit every 20 minutes, topics interleaved.
    queues = {"B": list(_BATCH), "I": list(_IMAGES), "S": list(_SEARCH)}
    when = at(21, 8, 0)
    counters: dict[str, int] = {}
    for letter in _MIXED_ORDER:
        subject, body, files = queues[letter].pop(0)
        message = subject + (f"\n\n{body}" if body else "") + TRAILER
        contents = {}
        for name in files:
            counters[name] = counters.get(name, 0) + 1
            contents[name] = _content(name, subject, counters[name])
        repo.commit(message, contents, when=when, **who)
        when += timedelta(minutes=20)
    assert not any(queues.values()), "every mixed-day commit was made"

    repo.commit("Serve search over HTTP\n\nA small app answers /search?q= with JSON, for the phone.",
                {"src/photosearch/server.py": '"""HTTP."""\n\nfrom fastapi import FastAPI\n\napp = FastAPI()\n',
                 "pyproject.toml": pyproject.format(v="0.2.1", extra='    "fastapi>=0.110",\n')},
                when=at(22, 10, 0), **who)
    repo.commit("Add caption model training script\n\nTrains a small captioner on the indexed photos.",
                {"train.py": '"""Train a captioner."""\n\nimport torch\nimport torch.nn as nn\n\n'
                             'model = nn.Linear(512, 512)\n'},
                when=at(22, 10, 40), **who)


def _content(name: str, subject: str, version: int) -> str:
    """A file's text at its `version`-th commit: the first one writes most of it, later ones a few lines."""
    if name.endswith(".css"):
        return ".thumb img { max-width: 100%; height: auto; }\n" + "".join(
            f".v{n} {{ gap: 12px; }}\n" for n in range(version))
    if name.endswith(".js"):
        return "".join(f"// {n}\n" for n in range(version)) + "export function lazy() {}\n"
    lines = [f'"""{Path(name).stem}"""', ""]
    if name.endswith("images.py") or name.endswith("thumbnails.py"):
        lines.append("from PIL import Image")
    if name.endswith("search.py") or name.endswith("index.py"):
        lines.append("import sqlite3")
    lines += [f"def part_{n}():\n    return {n}\n" for n in range(12)]  # written by the first commit
    lines += [f"# {subject} ({n})" for n in range(version - 1)]
    return "\n".join(lines) + "\n"


# -- Claude Code -------------------------------------------------------------------------------------

def _build_transcripts(corpus: Corpus) -> None:
    cwd = str(corpus.repo)
    search = Transcript("1f0c3a52-6d1e-4f7a-9b2c-5e8d7a6b4c31", cwd)
    start = at(21, 10, 30)
    search.prompt(SEARCH_SESSION_PROMPT, start, "main")
    search.text("I'll move the captions into an FTS5 virtual table and rank with bm25.", start + timedelta(minutes=1),
                "main")
    search.tool("Edit", {"file_path": f"{cwd}/src/photosearch/search.py", "old_string": "LIKE ?",
                         "new_string": "MATCH ? ORDER BY bm25(captions)"}, "The file has been updated.",
                called=start + timedelta(minutes=3), answered=start + timedelta(minutes=3, seconds=2), branch="main")
    search.tool("Bash", {"command": "uv run pytest -q tests/test_search.py", "description": "Run the search tests"},
                "14 passed in 0.81s", called=start + timedelta(minutes=8), answered=start + timedelta(minutes=8, seconds=5),
                branch="main")
    search.text("Switched search to an FTS5 table ranked by bm25. The p95 latency over 20,000 captions went "
                "from 480 ms to 35 ms, and all 14 search tests pass.", start + timedelta(minutes=12), "main")
    search.summarise("Switch caption search to SQLite FTS5 with bm25")
    first_text = search.jsonl()
    first = transcript_path(corpus.claude, cwd, search.session_id)
    _write(first, first_text, at(21, 10, 45))
    corpus.transcripts["search"] = first
    corpus.session_ids["search"] = search.session_id

    # Resumed: a new file copies the earlier lines (same uuids, the new sessionId), then goes on.
    resumed = Transcript("8b2e4d6f-1a3c-4e5b-8d7f-9a0b1c2d3e4f", cwd)
    copied = []
    for line in map(json.loads, first_text.splitlines()):
        if line.get("type") == "summary":
            continue
        if "sessionId" in line:
            line["sessionId"] = resumed.session_id
        copied.append(line)
    corpus.resumed_uuids = [line["uuid"] for line in copied if "uuid" in line]
    resumed.lines.extend(copied)
    resumed._parent = corpus.resumed_uuids[-1]  # the new turns continue the copied conversation
    later = at(21, 15, 0)
    resumed.prompt("Now highlight the matched words in the search results", later, "main")
    resumed.tool("Edit", {"file_path": f"{cwd}/src/photosearch/search.py", "old_string": "snippet(",
                          "new_string": "highlight(captions, 0, '<b>', '</b>')"}, "The file has been updated.",
                 called=later + timedelta(minutes=2), answered=later + timedelta(minutes=2, seconds=1), branch="main")
    resumed.text("Search results now wrap the matched words in <b>.", later + timedelta(minutes=4), "main")
    text = resumed.jsonl()
    summary = {"type": "summary", "summary": "Switch caption search to SQLite FTS5 with bm25",
               "leafUuid": corpus.resumed_uuids[-1]}
    text = json.dumps(summary, ensure_ascii=False, separators=(",", ":")) + "\n" + text
    second = transcript_path(corpus.claude, cwd, resumed.session_id)
    _write(second, text.rstrip("\n"), at(21, 15, 10))  # the last line has no trailing newline
    corpus.transcripts["resumed"] = second
    corpus.session_ids["resumed"] = resumed.session_id

    answers = ("Lorem ipsum is placeholder text; here is a paragraph of it: Lorem ipsum dolor sit amet.",
               "```python\ndef hello():\n    print(\"Hello, world!\")\n```\nCall `hello()` to print the greeting.",
               "All of those characters came through intact: äöü ñ 中文 🚀 <b>&amp; \"quotes\".")
    for index, (prompt, answer) in enumerate(zip(FIXTURE_PROMPTS, answers)):
        session = Transcript(f"00000000-0000-4000-8000-00000000000{index + 1}", str(corpus.scratch))
        when = at(23, 14, 10 * index)
        session.prompt(prompt, when, "")
        session.text(answer, when + timedelta(seconds=20), "")
        path = transcript_path(corpus.claude, corpus.scratch, session.session_id)
        _write(path, session.jsonl(), when + timedelta(minutes=1))
        corpus.transcripts[f"fixture-{index + 1}"] = path
        corpus.session_ids[f"fixture-{index + 1}"] = session.session_id


def _write(path: Path, text: str, mtime: datetime) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, (mtime.timestamp(), mtime.timestamp()))


# -- notes ------------------------------------------------------------------------------------------

def _build_notes(folder: Path) -> None:
    body = (f"---\nproject: {PROJECT}\ndate: 2026-11-24\ntags: [sqlite]\n---\n# {RUSSIAN_NOTE_TITLE}\n\n"
            "Поиск по подписям к фотографиям тормозил: запрос `LIKE '%слово%'` просматривал все строки. "
            "Перевёл `search.py` на таблицу FTS5 в SQLite с ранжированием bm25. На 20 000 подписей p95 упал "
            "с 480 мс до 35 мс.\n\n"
            "Вывод: для полнотекстового поиска в SQLite сразу брать FTS5, а не LIKE.\n")
    path = folder / "2026-11-24-poisk-fts5.md"
    _write(path, body, at(24, 20, 0))
