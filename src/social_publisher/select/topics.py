"""Splits one work session into topics: unrelated work done in one sitting makes separate stories.

A session's *units* are its commits and its AI sessions (every turn of one Claude Code or Codex
session stays together: a session boundary is a topic boundary). Each unit has *keys*: the
folders and file names it touched (`d:src/app/search`, `f:search`; `tests/test_search.py` gives
`f:search` too), the scope of a commit subject ("search: …", "feat(search): …" give `s:search`,
weighted double), the identifiers it names (`i:retry_after`) and the word stems of its commit
subject or prompts (`w:thumb`). A key shared by many units of the session (README.md, a
`src/` folder, "add") tells little, so keys are weighted by how rare they are in the session
(`log(1 + units / units with the key)`; words and folders count half, and a key no other unit has
counts for nothing: every commit subject has words of its own).

Units are read in time order. A unit joins the topic whose keys cover the largest weighted
share of its own (at least `JOIN_SHARE`; keys no topic holds yet count half); otherwise it
starts a topic. A unit that touched
files joins only a topic that touched some of the same files or folders (words alone do not
make one topic of two pieces of work), and a folder held by every unit (the package folder,
`httpx/`) or, in a session of 6 units or more, by more than half of them (`src/app/`) names no
topic; nor does `docs/`, which holds every topic's documentation, as `tests/` holds its tests. A commit with no keys
(or only keys every topic has) joins the topic of the unit before it; one whose keys are all its
own starts a topic. Trivial commits (merges, bumps, typos; someone else's)
never start a topic: each follows the nearest real unit before it (or after it). Topics interleave freely: work on search, then images,
then search again gives two topics. Notes are placed later, by grouping, on the topic their
words, file names and identifiers share most.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from typing import Iterable

from social_publisher.records import COMMIT, SESSION, Activity
from social_publisher.signals import trivial_reason

JOIN_SHARE = 0.3
_HUB_MIN_UNITS = 6
_WORD_WEIGHT = 0.5
_SCOPE_WEIGHT = 2.0
_FOLDER_WEIGHT = 0.5  # a folder (static/) holds several topics more often than a file name does
_NOVEL_WEIGHT = 0.5
_SCOPE_RE = re.compile(r"^\s*(?:[a-z]+\(([\w./-]+)\)|([a-z][\w./-]*))!?:\s", re.IGNORECASE)
_CONVENTIONAL = frozenset("feat fix chore docs style refactor perf test tests build ci revert wip".split())
_WORD_RE = re.compile(r"[^\W\d_]{4,}")
_IDENTIFIER_RE = re.compile(r"\b[A-Za-z][A-Za-z0-9]*(?:[_.][A-Za-z0-9]+)+\b|\b[a-z]+[A-Z][A-Za-z0-9]*\b")
_FILE_RE = re.compile(r"\b([\w-]+)\.(?:py|js|ts|tsx|jsx|rs|go|rb|css|scss|html|md|toml|json|ya?ml|sh|sql|vue|kt|java)\b")
_PATH_WORD_RE = re.compile(r"[a-z][a-z0-9]+")
# Words that say what kind of change, not what it was about; and file names every topic touches.
_GENERIC = frozenset("""
add adds added adding fix fixes fixed fixing update updates updated change changes changed make makes made use
uses used using support supports remove removes removed refactor implement implements implemented test tests
testing tested more when code file files work works initial commit commits into from with that this than then
also only some each other without after before again sure please should would could need needs want like just
into onto about keep keeps kept move moves moved rename renamed clean cleanup small minor first last better
simple handle handles handled allow allows when where which what there their they them your have been does
readme docs document version release bump merge branch main master typo style format lint wip done long
stuff things misc various tweak tweaks
добав исправ обнов измен удал сдела тест тесты файл файлы
""".split())
_PATH_GENERIC = frozenset("src lib app pkg internal packages test tests spec specs docs doc index init main utils util "
                          "helpers common core __init__ mod py js ts base types constants models views schemas "
                          "conftest setup layout default".split())
_HUB_FILES = frozenset("readme.md readme.rst changelog.md pyproject.toml package.json setup.py setup.cfg "
                       "cargo.toml go.mod requirements.txt .gitignore makefile license".split())
_GENERATED = ("node_modules/", "vendor/", "dist/", "build/", "__pycache__/", ".min.", ".map", ".lock",
              "package-lock.json", "pnpm-lock.yaml", "go.sum")


def split_topics(rows: list[Activity]) -> list[list[Activity]]:
    """The rows of one work session, split into topics (each in time order); one list when the
    session holds a single unit or a single topic."""
    all_units = _units(rows)
    if len(all_units) < 2:
        return [rows]
    real = [i for i, unit in enumerate(all_units) if not _follower(unit)]
    if len(real) < 2:
        return [rows]
    units = [all_units[i] for i in real]
    keys = [unit_keys(unit) for unit in units]
    df: Counter[str] = Counter(k for unit in keys for k in unit)
    n = len(units)
    # A folder in every unit (the package folder: httpx/), or in more than half of a long session's
    # units, names no topic.
    hub = n / 2 if n >= _HUB_MIN_UNITS else n - 1
    factor = {"w": _WORD_WEIGHT, "d": _FOLDER_WEIGHT, "s": _SCOPE_WEIGHT}
    weight = {k: 0.0 if count < 2 or (count > hub and k[0] == "d") else math.log(1 + n / count) * factor.get(k[0], 1.0)
              for k, count in df.items()}
    topics: list[list[int]] = []
    topic_keys: list[set[str]] = []
    by_key: dict[str, list[int]] = {}  # key -> topics holding it
    previous = -1
    for index, unit_key in enumerate(keys):
        # Keys no topic holds yet count half: a new file beside known ones is the same work going on.
        mass = sum(weight[k] * (1.0 if k in by_key else _NOVEL_WEIGHT) for k in unit_key)
        choice = -1
        if mass > 0:
            shares: dict[int, float] = {}
            for k in unit_key:
                for topic in by_key.get(k, ()):
                    shares[topic] = shares.get(topic, 0.0) + weight[k]
            if any(k[0] in "fd" for k in unit_key):
                # A unit that touched files joins only a topic that touched some of the same ones:
                # shared words alone ("image", "index", "drop") do not make one topic of two pieces
                # of work, even when none of its files was touched by another unit.
                shares = {t: v for t, v in shares.items()
                          if any(k[0] in "fd" and weight[k] > 0 and t in by_key.get(k, ()) for k in unit_key)}
            if shares:
                best = max(shares, key=lambda t: (shares[t], -t))
                if shares[best] / mass >= JOIN_SHARE:
                    choice = best
        elif units[index][0].kind != SESSION and previous >= 0 and not any(df[k] == 1 for k in unit_key):
            choice = previous  # a commit that says nothing about its topic follows the one before it
        if choice < 0:
            choice = len(topics)
            topics.append([])
            topic_keys.append(set())
        topics[choice].append(index)
        for k in unit_key - topic_keys[choice]:
            topic_keys[choice].add(k)
            by_key.setdefault(k, []).append(choice)
        previous = choice
    if len(topics) == 1:
        return [rows]
    topic_of = {real[i]: t for t, members in enumerate(topics) for i in members}
    placed: list[list[Activity]] = [[] for _ in topics]
    for index, unit in enumerate(all_units):
        if index not in topic_of:  # a follower: the real unit before it, else the first one after it
            before = [i for i in real if i < index]
            topic_of[index] = topic_of[before[-1] if before else real[0]]
        placed[topic_of[index]].extend(unit)
    return [sorted(topic, key=_order) for topic in placed]


def _follower(unit: list[Activity]) -> bool:
    """A commit that is no substance of its own (see select.facts) follows a topic, never starts one."""
    row = unit[0]
    if row.kind != COMMIT:
        return False
    meta = row.meta
    files = meta.get("files")
    paths = [str(f.get("path", "")) for f in files if isinstance(f, dict)] if isinstance(files, list) else []
    return bool(meta.get("is_merge")) or meta.get("own") is False or trivial_reason(row.text or "", paths) is not None


def _order(row: Activity):
    return (row.occurred_at, row.id or 0, row.fingerprint)


def _units(rows: list[Activity]) -> list[list[Activity]]:
    units: list[list[Activity]] = []
    sessions: dict[tuple[str, str], list[Activity]] = {}
    for row in sorted(rows, key=_order):
        session_id = row.meta.get("session_id") if row.kind == SESSION else None
        if session_id:
            key = (row.source, str(session_id))
            if key in sessions:
                sessions[key].append(row)
                continue
            sessions[key] = [row]
            units.append(sessions[key])
        else:
            units.append([row])
    return units


def unit_keys(unit: Iterable[Activity]) -> set[str]:
    keys: set[str] = set()
    for row in unit:
        for path in _paths(row):
            keys |= path_keys(path)
        label = _label_text(row)
        keys |= text_keys(label)
        scope = _SCOPE_RE.match(label) if row.kind == COMMIT else None
        if scope:
            name = (scope.group(1) or scope.group(2)).lower()
            if name not in _CONVENTIONAL:
                keys.add(f"s:{name}")
    return keys


@lru_cache(maxsize=16384)  # prompts such as "continue" and many subjects come back again and again
def text_keys(text: str) -> frozenset[str]:
    """Word stems, identifiers and file names named in a text (see the module docstring)."""
    keys = {f"w:{stem}" for stem in map(_stem, _WORD_RE.findall(text.lower())) if stem}
    dotted = "." in text
    if dotted or "_" in text or not text[1:].islower():  # snake_case, dotted.names, camelCase
        keys |= {f"i:{ident.lower()}" for ident in _IDENTIFIER_RE.findall(text) if not _FILE_RE.fullmatch(ident)}
    if dotted:
        for name in _FILE_RE.findall(text):
            keys |= {f"f:{part}" for part in _name_parts(name.lower())}
    return frozenset(keys)


@lru_cache(maxsize=65536)
def path_keys(path: str) -> frozenset[str]:
    lowered = path.lower().lstrip("./")
    if any(part in lowered for part in _GENERATED):
        return frozenset()
    folder, _, base = lowered.rpartition("/")
    if base in _HUB_FILES:
        return frozenset()
    # A folder such as tests/ or src/ holds every topic; the file name (test_images) tells which.
    keys = {f"d:{folder}"} if folder and folder.rsplit("/", 1)[-1] not in _PATH_GENERIC else set()
    keys |= {f"f:{part}" for part in _name_parts(base.rsplit(".", 1)[0])}
    return frozenset(keys)


def file_name_parts(path: str) -> list[str]:
    """The words of a file's name that say what it is about: `tests/test_search.py` -> ["search"]."""
    return _name_parts(path.lower().rsplit("/", 1)[-1].rsplit(".", 1)[0])


def _name_parts(name: str) -> list[str]:
    return [part for part in _PATH_WORD_RE.findall(name) if part not in _PATH_GENERIC and len(part) > 2]


@lru_cache(maxsize=65536)
def _stem(word: str) -> str | None:
    if word in _GENERIC or len(word) < 4:
        return None
    stem = word[:5]  # "image" and "images", "search" and "searching" meet
    return None if stem in _GENERIC else stem


def _paths(row: Activity) -> list[str]:
    meta = row.meta
    if row.kind == COMMIT:
        files = meta.get("files")
        return [str(f["path"]) for f in files if isinstance(f, dict) and f.get("path")] if isinstance(files, list) else []
    if row.kind == SESSION:
        cwd = meta.get("cwd")
        prefix = cwd.rstrip("/") + "/" if isinstance(cwd, str) and cwd else ""
        paths = []
        for key in ("files_edited", "files_written"):
            value = meta.get(key)
            for path in value if isinstance(value, list) else []:
                if isinstance(path, str):
                    paths.append(path[len(prefix):] if prefix and path.startswith(prefix) else path)
        return paths
    return []


def _label_text(row: Activity) -> str:
    """What names a unit's topic: a commit's subject, a turn's prompt (its first 300 characters)."""
    if row.kind == COMMIT:
        return (row.text or "").split("\n", 1)[0]
    if row.kind == SESSION:
        prompt = row.meta.get("prompt")
        return (prompt if isinstance(prompt, str) else (row.text or "").split("\n\n", 1)[0])[:300]
    return (row.text or "")[:300]
