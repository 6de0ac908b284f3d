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
