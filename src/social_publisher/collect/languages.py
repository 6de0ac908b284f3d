"""Which programming (or markup) language a file path is written in, judged by its name.

Used by the git source to tag commits with the languages they touched. Only the
name is looked at, never the content: cheap enough for 50,000 commits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

_BY_EXTENSION = {
    "py": "python", "pyi": "python", "pyx": "python", "ipynb": "jupyter",
    "js": "javascript", "mjs": "javascript", "cjs": "javascript", "jsx": "javascript",
    "ts": "typescript", "tsx": "typescript", "mts": "typescript", "cts": "typescript",
    "go": "go", "rs": "rust", "java": "java", "kt": "kotlin", "kts": "kotlin", "scala": "scala",
    "c": "c", "h": "c", "cc": "c++", "cpp": "c++", "cxx": "c++", "hpp": "c++", "hh": "c++",
    "cs": "c#", "fs": "f#", "swift": "swift", "m": "objective-c", "mm": "objective-c",
    "rb": "ruby", "php": "php", "pl": "perl", "pm": "perl", "lua": "lua", "r": "r",
    "jl": "julia", "dart": "dart", "ex": "elixir", "exs": "elixir", "erl": "erlang",
    "hs": "haskell", "ml": "ocaml", "clj": "clojure", "zig": "zig", "nim": "nim", "v": "verilog",
    "sh": "shell", "bash": "shell", "zsh": "shell", "fish": "shell", "ps1": "powershell",
    "sql": "sql", "html": "html", "htm": "html", "css": "css", "scss": "css", "sass": "css", "less": "css",
    "vue": "vue", "svelte": "svelte", "md": "markdown", "markdown": "markdown", "rst": "restructuredtext",
    "tex": "tex", "json": "json", "yaml": "yaml", "yml": "yaml", "toml": "toml", "xml": "xml",
    "proto": "protobuf", "graphql": "graphql", "tf": "terraform", "nix": "nix", "cmake": "cmake",
    "gradle": "gradle", "cu": "cuda", "sol": "solidity", "asm": "assembly", "s": "assembly",
}
_BY_NAME = {
    "dockerfile": "docker", "containerfile": "docker", "makefile": "make", "gnumakefile": "make",
    "cmakelists.txt": "cmake", "justfile": "just", "rakefile": "ruby", "gemfile": "ruby",
    "vagrantfile": "ruby", "jenkinsfile": "groovy",
}


_CACHE_LIMIT = 100_000
_cache: dict[str, str | None] = {}


def language_of(path: str) -> str | None:
    """The language of one path, or None when its name says nothing (LICENSE, data.bin)."""
    try:
        return _cache[path]  # a repository touches the same paths again and again
    except KeyError:
        pass
    language = _language_of(path)
    if len(_cache) < _CACHE_LIMIT:
        _cache[path] = language
    return language


def _language_of(path: str) -> str | None:
    name = path.rsplit("/", 1)[-1].lower()
    if name in _BY_NAME:
        return _BY_NAME[name]
    if name.startswith("dockerfile."):
        return "docker"
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        return None
    return _BY_EXTENSION.get(extension)


def languages(changes: Iterable[tuple[str, int]]) -> list[str]:
    """Languages of (path, lines changed) pairs, the most changed first; ties keep first-seen order."""
    weight: Counter[str] = Counter()
    for path, lines in changes:
        language = language_of(path)
        if language is not None:
            weight[language] += lines + 1  # +1: a binary or untouched-lines change still counts
    return [language for language, _ in weight.most_common()]
