"""Build real git repositories with a dated history: used by the demo workspace and by tests."""

from __future__ import annotations

import os
import subprocess
from datetime import datetime
from pathlib import Path


class GitRepo:
    """A git repository on disk that commits files at chosen times and authors."""

    def __init__(self, path: Path, *, branch: str = "main"):
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        if not (self.path / ".git").exists():
            self.git("init", "-q", "-b", branch)
            self.git("config", "user.name", "Demo Developer")
            self.git("config", "user.email", "dev@example.org")
            self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str, env: dict[str, str] | None = None, input: bytes | None = None) -> str:
        full_env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(self.path), **(env or {})}
        result = subprocess.run(["git", *args], cwd=self.path, env=full_env, input=input,
                                capture_output=True, check=True)
        return result.stdout.decode("utf-8", "replace")

    def commit(self, message: str, files: dict[str, str | bytes] | None = None, *, when: datetime,
               author: str = "Demo Developer", email: str = "dev@example.org",
               delete: list[str] | None = None, allow_empty: bool = False) -> str:
        """Write `files` (path -> content), stage everything, commit at `when`; return the hash.

        `when` should be timezone-aware: its offset is kept in the commit.
        """
        for name, content in (files or {}).items():
            target = self.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        for name in delete or []:
            (self.path / name).unlink()
        self.git("add", "-A")
        stamp = when.isoformat()
        env = {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp,
               "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": email,
               "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": email}
        args = ["commit", "-q", "-F", "-"] + (["--allow-empty"] if allow_empty else [])
        self.git(*args, env=env, input=message.encode("utf-8") if isinstance(message, str) else message)
        return self.git("rev-parse", "HEAD").strip()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()

    def branch(self) -> str:
        """The name of the checked-out branch."""
        return self.git("rev-parse", "--abbrev-ref", "HEAD").strip()

    def switch(self, branch: str, *, create: bool = False) -> None:
        """Check out `branch`, creating it at HEAD when `create` is set."""
        self.git("switch", "-q", *(["-c"] if create else []), branch)

    def merge(self, branch: str, message: str, *, when: datetime,
              author: str = "Demo Developer", email: str = "dev@example.org") -> str:
        """Merge `branch` into the current branch as a real merge commit (--no-ff) at `when`."""
        stamp = when.isoformat()
        env = {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp,
               "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": email,
               "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": email}
        self.git("merge", "-q", "--no-ff", "--no-edit", "-m", message, branch, env=env)
        return self.head()

    def shortstat(self, rev: str = "HEAD") -> str:
        """' 2 files changed, 30 insertions(+), 4 deletions(-)' for one commit (first parent for merges)."""
        return self.git("show", "--shortstat", "--format=", "--diff-merges=first-parent", rev).strip("\n")
