"""Writes the site's files so that a crash mid-build leaves a usable site.

Each file is written to a temporary name beside it and renamed over the old one
(a reader sees the old or the new file, never half of one); a file whose bytes
have not changed is left alone. The builder writes each page before the pages
that link to it (new posts, then tag, project and month pages, then the other
posts, then indexes, the root index last), so a reader who starts from
index.html meets no broken link at any moment.
Files the previous build wrote and this one did not are removed at the end,
listed in a manifest; files the user put in the folder (CNAME, .git) are kept.

Incremental builds: the manifest also records, per file, a key of everything the
file was made from (`write_page`). When a file's key is unchanged and the file is
there, it is neither rendered nor read again, so a rebuild after one new post
costs the few pages that post changes (deleting the manifest forces a full build).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from social_publisher.errors import PublisherError

MANIFEST = ".social-publisher-files"


class SiteOutputError(PublisherError):
    """Raised when the site folder cannot be written."""


def write_if_changed(target: Path, content: bytes) -> bool:
    """Replace a file atomically (a temporary file beside it, renamed over it), unless it already
    holds these bytes; whether it was written."""
    if target.is_file() and target.read_bytes() == content:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_bytes(content)
    os.replace(temporary, target)
    return True


class SiteOutput:
    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        if self.out_dir.exists() and not self.out_dir.is_dir():
            raise SiteOutputError(f"{self.out_dir}: [site] out_dir exists and is not a folder")
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SiteOutputError(f"{self.out_dir}: cannot create the site folder: {exc}") from None
        self.previous = self._read_manifest()
        self.written: dict[str, str] = {}  # path -> key ("" when written without one)
        self.changed = 0
        self.made: list[str] = []  # files made in this build (the others were kept by their key)

    def write(self, relative: str, data: bytes | str, key: str = "") -> None:
        """Write one file (path relative to out_dir, '/'-separated) atomically, if its bytes changed."""
        if relative in self.written:
            raise ValueError(f"site file written twice in one build: {relative}")
        content = data.encode("utf-8") if isinstance(data, str) else data
        target = self.out_dir / relative
        self.written[relative] = key
        self.made.append(relative)
        if write_if_changed(target, content):
            self.changed += 1

    def is_current(self, relative: str, key: str) -> bool:
        """Whether the file is there and was made from inputs with this key in the last build."""
        return bool(key) and self.previous.get(relative) == key and (self.out_dir / relative).is_file()

    def exists(self, relative: str) -> bool:
        return (self.out_dir / relative).is_file()

    def write_page(self, relative: str, key: str, make: Callable[[], bytes | str]) -> bool:
        """Like `write`, but `make` is only called when `key` differs from the last build's for this
        file or the file is gone. Returns whether it was made."""
        if self.is_current(relative, key):
            if relative in self.written:
                raise ValueError(f"site file written twice in one build: {relative}")
            self.written[relative] = key
            return False
        self.write(relative, make(), key)
        return True

    def commit(self) -> list[str]:
        """Remove files of the previous build that this build did not write; record this build's files."""
        keep = set(self.written)
        removed = []
        root = self.out_dir.resolve()
        for relative in sorted(set(self.previous) - keep):
            target = (self.out_dir / relative).resolve()
            if root not in target.parents or not target.is_file():
                continue  # a tampered manifest never makes us delete outside the site
            target.unlink()
            removed.append(relative)
            self._remove_empty_parents(target.parent, root)
        manifest = "".join(f"{relative}\t{self.written[relative]}\n" for relative in sorted(keep))
        temporary = self.out_dir / f".{MANIFEST}.tmp"
        temporary.write_text(manifest, encoding="utf-8")
        os.replace(temporary, self.out_dir / MANIFEST)
        return removed

    def _read_manifest(self) -> dict[str, str]:
        """path -> key of the last build ("" for a file recorded without a key, or by an older version)."""
        try:
            text = (self.out_dir / MANIFEST).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return {}
        files = {}
        for line in text.splitlines():
            relative, _, key = line.partition("\t")
            if relative.strip():
                files[relative.strip()] = key.strip()
        return files

    @staticmethod
    def _remove_empty_parents(folder: Path, root: Path) -> None:
        while folder != root and root in folder.parents:
            try:
                folder.rmdir()
            except OSError:
                return
            folder = folder.parent
