"""The name a project is known by: from its repository, not from the folder it happens to sit in.

A clone in `~/work/repo` or a session started in `/tmp/self` would otherwise be "repo" or
"self" in every post. The name is, in order: the git remote's repository name (`origin`
first, then any other remote; a remote that is a folder on this machine does not count), the
name in `pyproject.toml`, `package.json` or `Cargo.toml` at the repository root, and only then
the folder's name. A session's project is that of the
repository holding its working directory.

Lookups are cached per folder: a transcript names the same few folders thousands of times.
"""

from __future__ import annotations

import configparser
import json
import re
import tomllib
from functools import lru_cache
from pathlib import Path, PurePath

# `url = git@github.com:owner/name.git`, `https://host/owner/name`, `ssh://git@host/srv/git/name.git`
_HOSTED = re.compile(r"[a-z][a-z0-9+.-]*://|[\w.-]+@[\w.-]+:")  # a URL, or scp-like user@host:path
_REPO_NAME = re.compile(r"([^/:\\]+?)(?:\.git)?/*$")


def project_name(folder: str | Path) -> str:
    """The project name for a folder (a repository, or any folder inside one)."""
    return _name_of(str(folder))


def project_of_cwd(cwd: str | None) -> str:
    """The project of a session's working directory; the folder's name when it is not on this
    machine (a transcript copied from elsewhere), "unknown" when there is none."""
    if not cwd:
        return "unknown"
    return _name_of(cwd)


@lru_cache(maxsize=4096)
def _name_of(folder: str) -> str:
    path = Path(folder).expanduser()
    root = repository_root(path)
    if root is not None:
        name = remote_name(root) or manifest_name(root)
        if name:
            return name
        return root.name or PurePath(folder).name or "unknown"
    if path.is_dir():
        name = manifest_name(path)
        if name:
            return name
    return PurePath(folder).name or "unknown"


def repository_root(path: Path) -> Path | None:
    """The nearest folder at or above `path` holding `.git` (a folder, or a worktree's file)."""
    try:
        path = path.resolve()
    except OSError:
        return None
    for folder in (path, *path.parents):
        try:
            if (folder / ".git").exists():
                return folder
        except OSError:
            return None
    return None


def remote_name(root: Path) -> str | None:
    """The repository name in the URL of `origin` (or the first remote), from the git config."""
    config_path = _git_dir(root) / "config"
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    try:
        parser.read(config_path, encoding="utf-8")
    except (configparser.Error, OSError, UnicodeDecodeError):
        return None
    remotes = [section for section in parser.sections() if section.startswith('remote "')]
    remotes.sort(key=lambda section: section != 'remote "origin"')
    for section in remotes:
        url = parser.get(section, "url", fallback="").strip()
        if not _HOSTED.match(url):  # a clone of a folder on this machine: that folder's name says nothing
            continue
        match = _REPO_NAME.search(url)
        if match and match.group(1) not in ("", "."):
            return match.group(1)
    return None


def _git_dir(root: Path) -> Path:
    """`.git`, or for a worktree the common git dir its `.git` file points at."""
    dot_git = root / ".git"
    if dot_git.is_file():
        try:
            text = dot_git.read_text(encoding="utf-8").strip()
        except OSError:
            return dot_git
        if text.startswith("gitdir:"):
            git_dir = (root / text.removeprefix("gitdir:").strip()).resolve()
            common = git_dir / "commondir"
            if common.is_file():
                try:
                    return (git_dir / common.read_text(encoding="utf-8").strip()).resolve()
                except OSError:
                    return git_dir
            return git_dir
    return dot_git


def manifest_name(folder: Path) -> str | None:
    """The package name in pyproject.toml, package.json or Cargo.toml in `folder`."""
    for reader in (_pyproject, _package_json, _cargo):
        try:
            name = reader(folder)
        except (OSError, ValueError, UnicodeDecodeError, tomllib.TOMLDecodeError, AttributeError, TypeError):
            name = None
        if isinstance(name, str) and name.strip():
            return name.strip()
    return None


def _pyproject(folder: Path) -> str | None:
    path = folder / "pyproject.toml"
    if not path.is_file():
        return None
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return data.get("project", {}).get("name") or data.get("tool", {}).get("poetry", {}).get("name")


def _package_json(folder: Path) -> str | None:
    path = folder / "package.json"
    if not path.is_file():
        return None
    name = json.loads(path.read_text(encoding="utf-8")).get("name")
    return name.rsplit("/", 1)[-1] if isinstance(name, str) else None  # "@scope/name" -> "name"


def _cargo(folder: Path) -> str | None:
    path = folder / "Cargo.toml"
    if not path.is_file():
        return None
    return tomllib.loads(path.read_text(encoding="utf-8")).get("package", {}).get("name")
