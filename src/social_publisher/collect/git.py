"""The git source: one `commit` activity row per commit reachable from the local branches (or a
detached HEAD), each commit stored once.

How it reads: one `git log --topo-order -z --numstat` subprocess whose output is parsed
as it streams (never buffered whole). Topological order lets the branch names of every
commit be computed in the same pass: a commit belongs to the branches of its children.

Incremental: the cursor keeps the branch tips seen last time; the next run asks git only
for commits reachable from the current tips and not from the old ones (`--not`). A force-push
cannot lose or duplicate anything: rows are keyed by commit hash and never deleted, and an
old tip that no longer exists is simply left out of the exclusion list.

Messages that are not UTF-8 are decoded as latin-1 (lossless, never fails) and marked with
`meta.encoding`.

Imports and dependencies: a second, path-limited `git log -p -U0` over Python files and
dependency files (see `AddedImports`, run beside the main log) keeps, per commit, the modules
imported and the packages declared on added lines, as `meta.imports` (`[{"path", "name", "kind": "import"|"dependency"}]`,
at most `MAX_IMPORTS`): select tags `import torch` in train.py as pytorch.
"""

from __future__ import annotations

import hashlib
import queue
import re
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from social_publisher import clock
from social_publisher.collect import Source, SourceReport, register
from social_publisher.collect.languages import languages
from social_publisher.collect.projects import project_name
from social_publisher.progress import progress_bar
from social_publisher.records import COMMIT, Activity, fingerprint
from social_publisher.store import Store

# %x1e starts a record, %x1f separates fields and ends the message; -z ends the header with NUL.
_FORMAT = "%x1e%H%x1f%P%x1f%aI%x1f%an%x1f%ae%x1f%B%x1f"
_RECORD_START = re.compile(rb"\x1e(?=[0-9a-f]{40,64}\x1f)")
_CHUNK = 1 << 20
_READ_AHEAD = 64  # chunks of git output buffered ahead of the parser (64 MB at most)
_BATCH = 2000  # rows per store transaction
MAX_FILES = 1000  # files listed per commit; languages and files_total still count them all
_DETACHED = "HEAD"  # the branch name given to commits reachable only from a detached HEAD


@register
class GitSource(Source):
    type = "git"

    def collect(self, store: Store, report: SourceReport) -> None:
        repo = Path(self.config.path)
        try:
            tips = branch_tips(repo)
        except GitError as exc:
            report.skip(f"{repo}: {exc}")
            return
        cursor = store.cursor(self.name) or {}
        known = set(cursor.get("tips", []))
        shallow = shallow_marker(repo)
        if cursor.get("shallow", "") != shallow:
            known = set()  # deepened (or made shallow): older commits appeared below known tips
        current = sorted(tips)
        if set(current) <= known:
            if set(current) != known:
                store.set_cursor(self.name, {"tips": current, "shallow": shallow})
            return
        excluded = existing_objects(repo, sorted(known))
        report.files_read += 1
        authors = [a.lower() for a in self.config.authors]
        project = self.config.project or project_name(repo)
        reader = _LogReader(repo, tips, excluded, authors, project)
        imports = AddedImports(repo, list(tips), excluded)
        batch: list[Activity] = []
        with progress_bar(f"git {project}") as bar, imports:
            for activity in reader.commits():
                batch.append(activity)
                if len(batch) >= _BATCH:
                    report.new_activity += store.add_activity(imports.attach(self.recent(batch, report)))
                    bar.advance(len(batch))
                    batch.clear()
            report.new_activity += store.add_activity(imports.attach(self.recent(batch, report)))
            bar.advance(len(batch))
        if reader.error:
            report.skip(f"{repo}: {reader.error}")
            return  # the cursor stays: the next run reads again, fingerprints drop what is stored
        for reason in reader.bad_records:
            report.skip(reason)
        store.set_cursor(self.name, {"tips": current, "shallow": shallow})


class GitError(Exception):
    """Raised inside this module when git cannot read the repository; reported, never fatal."""


def _git(repo: Path, *args: str, input: bytes | None = None) -> bytes:
    result = subprocess.run(["git", "-C", str(repo), *args], input=input, capture_output=True)
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[0] if message else f"git {args[0]} failed")
    return result.stdout


def branch_tips(repo: Path) -> dict[str, list[str]]:
    """{commit hash: [branch names pointing at it]} for local branches, plus a detached HEAD."""
    if not repo.exists():
        raise GitError("path does not exist")
    output = _git(repo, "for-each-ref", "--format=%(objectname) %(refname:short)", "refs/heads")
    tips: dict[str, list[str]] = {}
    for line in output.decode("utf-8", "replace").splitlines():
        commit, _, name = line.partition(" ")
        tips.setdefault(commit, []).append(name)
    try:
        head = _git(repo, "rev-parse", "--verify", "-q", "HEAD").decode().strip()
    except GitError:
        head = ""  # an empty repository, or HEAD on an unborn branch
    if head and head not in tips:
        tips[head] = [_DETACHED]
    return tips


def shallow_marker(repo: Path) -> str:
    """A digest of the shallow boundary ("" for a full clone): it changes when a clone is deepened."""
    path = Path(_git(repo, "rev-parse", "--git-path", "shallow").decode().strip())
    try:
        data = (path if path.is_absolute() else repo / path).read_bytes()
    except OSError:
        return ""
    return hashlib.sha256(data).hexdigest()[:16]


def existing_objects(repo: Path, hashes: list[str]) -> list[str]:
    """The hashes that still name a commit in the repository (a force-push may have dropped some)."""
    if not hashes:
        return []
    output = _git(repo, "cat-file", "--batch-check=%(objectname) %(objecttype)",
                  input="".join(f"{h}\n" for h in hashes).encode())
    return [line.split()[0] for line in output.decode().splitlines() if line.endswith(" commit")]


class _LogReader:
    """Runs one `git log` and turns its streamed output into Activity rows."""

    def __init__(self, repo: Path, tips: dict[str, list[str]], excluded: list[str],
                 authors: list[str], project: str):
        self.repo, self.tips, self.excluded = repo, tips, excluded
        self.authors, self.project = authors, project
        self.branch_bits = {name: 1 << i for i, name in enumerate(sorted({n for ns in tips.values() for n in ns}))}
        self.branch_masks: dict[str, int] = {}
        self.names_by_mask: dict[int, list[str]] = {}
        self.error: str | None = None
        self.bad_records: list[str] = []

    def commits(self) -> Iterator[Activity]:
        revisions = "".join(f"{tip}\n" for tip in self.tips) + "".join(f"^{h}\n" for h in self.excluded)
        with tempfile.TemporaryFile() as stderr:  # a file, not a pipe: a chatty git cannot block
            process = subprocess.Popen(
                ["git", "-C", str(self.repo), "-c", "log.showSignature=false", "-c", "i18n.logOutputEncoding=UTF-8",
                 "log", "--topo-order", "-z",
                 f"--format={_FORMAT}", "--numstat", "--no-color", "--no-ext-diff", "--no-textconv", "--stdin"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
            )
            assert process.stdin and process.stdout
            _widen_pipe(process.stdout)
            process.stdin.write(revisions.encode())  # git reads every revision before it writes output
            process.stdin.close()
            try:
                for record in _records(process.stdout):
                    activity = self._activity(record)
                    if activity is not None:
                        yield activity
            finally:
                process.stdout.close()
                if process.wait() != 0:
                    stderr.seek(0)
                    lines = stderr.read().decode("utf-8", "replace").strip().splitlines()
                    self.error = "git log failed: " + (lines[0] if lines else f"exit code {process.returncode}")

    def _activity(self, record: bytes) -> Activity | None:
        head, _, numstat = record.partition(b"\0")
        fields = head.split(b"\x1f", 5)
        if len(fields) != 6:
            start = fields[0][:40].decode("ascii", "replace")
            self.bad_records.append(f"{self.repo}: commit {start}: unreadable log record")
            return None
        commit, parents_raw, date_raw, name_raw, email_raw, message_raw = fields
        commit_hash = commit.decode("ascii", "replace")
        parents = parents_raw.decode("ascii", "replace").split()
        message, encoding = _decode(message_raw.removesuffix(b"\x1f"))
        name, email = _decode(name_raw)[0], _decode(email_raw)[0]
        date = date_raw.decode("ascii", "replace")
        try:
            when = datetime.fromisoformat(date)
        except ValueError:
            self.bad_records.append(f"{self.repo}: commit {commit_hash}: bad author date {date_raw!r}")
            return None
        files = _numstat(numstat)
        meta = {
            "hash": commit_hash, "parents": parents, "is_merge": len(parents) > 1, "own": self._own(name, email),
            "tz": date[-6:] if date[-6:-5] in ("+", "-") else "+00:00",  # %aI ends in +03:00, or Z for UTC
            "branches": self._branches(commit_hash, parents), "repo": str(self.repo), "files": files[:MAX_FILES],
            "languages": languages((f["path"], (f["added"] or 0) + (f["removed"] or 0)) for f in files),
        }
        if len(files) > MAX_FILES:  # a vendored tree or a mass rename: keep the row small
            meta["files_total"] = len(files)
        if encoding != "utf-8":
            meta["encoding"] = encoding
        return Activity(source="git", project=self.project, kind=COMMIT, occurred_at=clock.iso(when),
                        author=f"{name} <{email}>", text=message.rstrip("\n"), meta=meta,
                        fingerprint=fingerprint("git", commit_hash))

    def _own(self, name: str, email: str) -> bool:
        if not self.authors:
            return True
        candidates = {name.lower(), email.lower(), f"{name} <{email}>".lower()}
        return any(author in candidates for author in self.authors)

    def _branches(self, commit: str, parents: list[str]) -> list[str]:
        """Branches containing `commit`; in topological order all its children were seen before it."""
        mask = self.branch_masks.pop(commit, 0)
        for name in self.tips.get(commit, ()):
            mask |= self.branch_bits[name]
        for parent in parents:
            self.branch_masks[parent] = self.branch_masks.get(parent, 0) | mask
        names = self.names_by_mask.get(mask)
        if names is None:  # few distinct masks in a repository: each list is built once
            names = self.names_by_mask[mask] = [name for name, bit in self.branch_bits.items() if mask & bit]
        return list(names)


def _records(stream) -> Iterator[bytes]:
    """Split `git log` output into one bytes record per commit, as the output arrives."""
    pending = b""
    for chunk in _chunks(stream):
        pending += chunk
        starts = [match.start() for match in _RECORD_START.finditer(pending)]
        for start, end in zip(starts, starts[1:]):
            yield pending[start + 1:end]
        pending = pending[starts[-1]:] if starts else pending
    if pending.startswith(b"\x1e"):
        yield pending[1:]


def _widen_pipe(stream) -> None:
    """A 1 MB pipe (Linux) lets git write on while the reader thread waits for the GIL."""
    try:
        import fcntl

        fcntl.fcntl(stream.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), _CHUNK)
    except (ImportError, OSError):
        pass  # elsewhere, or above the system's pipe-max-size: the default pipe still works


def _chunks(stream) -> Iterator[bytes]:
    """The stream's bytes, read by a thread so git never waits while commits are parsed and stored.

    At most _READ_AHEAD chunks wait in memory; the thread stops when the consumer does.
    """
    chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=_READ_AHEAD)
    stop = threading.Event()

    def read() -> None:
        try:
            while not stop.is_set() and (chunk := stream.read1(_CHUNK)):
                while not stop.is_set():
                    try:
                        chunks.put(chunk, timeout=0.1)
                        break
                    except queue.Full:
                        continue
        except (OSError, ValueError):  # the stream was closed under us: the consumer has stopped
            pass
        finally:
            chunks.put(None) if not stop.is_set() else None

    reader = threading.Thread(target=read, name="git-log-reader", daemon=True)
    reader.start()
    try:
        while (chunk := chunks.get()) is not None:
            yield chunk
    finally:
        stop.set()
        reader.join()


def _numstat(block: bytes) -> list[dict]:
    """`added\\tremoved\\tpath\\0` entries; a rename has an empty path then `old\\0new\\0`; binary is `-`."""
    tokens = block.split(b"\0")
    files = []
    index = 0
    while index < len(tokens):
        token = tokens[index].lstrip(b"\n")
        index += 1
        added, tab, rest = token.partition(b"\t")
        removed, tab2, path = rest.partition(b"\t")
        if not (tab and tab2):
            continue
        if not path:
            path = tokens[index + 1] if index + 1 < len(tokens) else b""
            index += 2
        files.append({"path": path.decode("utf-8", "replace"),
                      "added": int(added) if added.isdigit() else None,
                      "removed": int(removed) if removed.isdigit() else None})
    return files


def _decode(raw: bytes) -> tuple[str, str]:
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


# -- imports and dependencies added by each commit ------------------------------------------------

MAX_IMPORTS = 30  # per commit: a vendored tree must not bloat the row
_IMPORT_PATHS = ("*.py",) + tuple(spec for name in ("pyproject.toml", "setup.cfg", "requirements*.txt", "package.json",
                                                    "Cargo.toml", "go.mod") for spec in (name, f"*/{name}"))
_ADDED_LINE_PATTERNS: tuple[tuple[str, str, re.Pattern[bytes]], ...] = (
    (".py", "import", re.compile(rb"^\+\s*(?:from\s+([A-Za-z_]\w*)[\w.]*\s+import\b|import\s+([A-Za-z_]\w*))")),
    ("requirements", "dependency", re.compile(rb"^\+\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:[<>=!~;@#]|$)")),
    ("pyproject.toml", "dependency", re.compile(rb"^\+\s*[\"']([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:[<>=!~;@]|[\"'])")),
    ("setup.py", "dependency", re.compile(rb"^\+\s*[\"']([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:[<>=!~;@]|[\"'])")),
    ("setup.cfg", "dependency", re.compile(rb"^\+\s+([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:[<>=!~;]|$)")),
    ("package.json", "dependency", re.compile(rb'^\+\s*"(@?[\w./-]+)"\s*:\s*"(?:[\^~<>=]|\d|workspace:|latest)')),
    ("Cargo.toml", "dependency", re.compile(rb'^\+\s*([A-Za-z0-9_-]+)\s*=\s*(?:"[\^~=<>]?\d|\{)')),
    ("go.mod", "dependency", re.compile(rb"^\+\s*(?:require\s+)?([\w.-]+\.[a-z]+/[\w./-]+)\s+v\d")),
)
_NOT_PACKAGES = {b"version", b"name", b"description", b"edition", b"license", b"python", b"requires-python"}


def _line_pattern(path: str) -> tuple[str, re.Pattern[bytes]] | None:
    base = path.rsplit("/", 1)[-1]
    for suffix, kind, pattern in _ADDED_LINE_PATTERNS:
        if base.endswith(suffix) or (suffix == "requirements" and base.startswith("requirements")
                                     and base.endswith(".txt")):
            return kind, pattern
    return None


class AddedImports:
    """The import and dependency lines that commits added to Python and dependency files, read by
    one `git log -p -U0 --full-history` limited to those files, in a thread while the main log is
    parsed (`with` starts and stops it). `attach(batch)` sets `meta.imports` on the commits of a
    batch ([{"path", "name", "kind"}]), waiting only until this log has passed the batch's commits
    that touched such files. An extra: when git fails here, commits simply carry no imports."""

    def __init__(self, repo: Path, tips: list[str], excluded: list[str]):
        self._revisions = "".join(f"{tip}\n" for tip in tips) + "".join(f"^{h}\n" for h in excluded)
        self._repo = repo
        self._found: dict[str, list[dict]] = {}
        self._passed: set[str] = set()  # commits whose diff was read to the end
        self._done = False
        self._changed = threading.Condition()
        self._process: subprocess.Popen | None = None
        self._thread = threading.Thread(target=self._read, name="git-imports-reader", daemon=True)

    def __enter__(self) -> "AddedImports":
        command = ["git", "-C", str(self._repo), "-c", "log.showSignature=false", "log", "--full-history", "-p",
                   "-U0", "--no-color", "--no-ext-diff", "--no-textconv", "--no-renames", "--format=%x1e%H",
                   "--stdin", "--", *_IMPORT_PATHS]
        try:
            self._process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                             stderr=subprocess.DEVNULL)
        except OSError:
            self._done = True
            return self
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        if self._process is not None:
            if self._thread.is_alive() and self._process.poll() is None:
                self._process.kill()  # the collect stopped early: nothing waits for the rest
            self._thread.join()
            self._process.wait()

    def attach(self, batch: list[Activity]) -> list[Activity]:
        for activity in batch:
            commit = activity.meta["hash"]
            if not any(_line_pattern(f["path"]) for f in activity.meta["files"]):
                continue
            with self._changed:
                self._changed.wait_for(lambda: self._done or commit in self._passed)
                entries = self._found.get(commit)
            if entries:
                activity.meta["imports"] = entries
        return batch

    def _read(self) -> None:
        assert self._process is not None and self._process.stdin and self._process.stdout
        try:
            self._process.stdin.write(self._revisions.encode())
            self._process.stdin.close()
            commit, pattern, kind, path = "", None, "", ""
            entries: list[dict] = []
            for line in self._process.stdout:
                first = line[:1]
                if first == b"\x1e":
                    self._finish(commit, entries)
                    commit, pattern, entries = line[1:].strip().decode("ascii", "replace"), None, []
                elif first == b"+":
                    if line.startswith(b"+++ "):
                        path = line[6:].rstrip(b"\n").decode("utf-8", "replace") if line.startswith(b"+++ b/") else ""
                        chosen = _line_pattern(path) if path else None
                        kind, pattern = chosen if chosen else ("", None)
                    elif pattern is not None and len(line) < 300 and len(entries) < MAX_IMPORTS:
                        match = pattern.match(line)
                        name = next((g for g in match.groups() if g), None) if match else None
                        if name and name.lower() not in _NOT_PACKAGES:
                            entry = {"path": path, "name": name.decode("utf-8", "replace"), "kind": kind}
                            if entry not in entries:
                                entries.append(entry)
            self._finish(commit, entries)
        except (OSError, ValueError):
            pass
        finally:
            with self._changed:
                self._done = True
                self._changed.notify_all()

    def _finish(self, commit: str, entries: list[dict]) -> None:
        if not commit:
            return
        with self._changed:
            if entries:
                self._found[commit] = entries
            self._passed.add(commit)
            self._changed.notify_all()
