"""The closing joke: a shipped bilingual corpus, matched to the story, never repeated.

`data/jokes.json` holds short programmer jokes, each with an English and a
Russian text (same digits in both, so the two posts carry the same numbers)
and tags. `pick` prefers the joke whose tags overlap the story's terms most and
skips every joke a brief already used (`store.used_joke_ids()`).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable

# Story words (tags, categories, languages) -> the corpus' tag vocabulary.
ALIASES: dict[str, tuple[str, ...]] = {
    "sqlite": ("database", "sqlite"), "postgres": ("database",), "postgresql": ("database",),
    "mysql": ("database",), "sql": ("database",), "db": ("database",), "migration": ("migrations", "database"),
    "pytest": ("testing",), "tests": ("testing",), "test": ("testing",), "unittest": ("testing",),
    "claude": ("llm", "ai", "claude"), "anthropic": ("llm", "ai"), "openai": ("llm", "ai"), "gpt": ("llm", "ai"),
    "llm": ("llm", "ai"), "ai": ("ai", "llm"), "prompt": ("prompts", "llm"),
    "telegram": ("telegram", "bots"), "bot": ("bots",), "bots": ("bots",),
    "pytorch": ("ml", "training", "gpu"), "torch": ("ml", "training"), "tensorflow": ("ml", "training"),
    "ml": ("ml",), "machine-learning": ("ml",), "training": ("training", "ml"), "research": ("ml",),
    "experiment": ("ml", "training"), "cuda": ("gpu",),
    "perf": ("performance",), "performance": ("performance",), "optimization": ("performance",),
    "speed": ("performance",), "cache": ("cache", "performance"), "caching": ("cache",),
    "docker": ("docker", "devops"), "kubernetes": ("devops",), "k8s": ("devops",), "deploy": ("deploy", "devops"),
    "infra": ("devops",), "devops": ("devops",), "ci": ("ci", "testing"), "github-actions": ("ci",),
    "fix": ("debugging",), "bugfix": ("debugging",), "bug_fix": ("debugging",), "bug": ("debugging",),
    "debugging": ("debugging",), "refactor": ("refactoring",), "refactoring": ("refactoring",),
    "docs": ("docs",), "documentation": ("docs",), "readme": ("docs",),
    "asyncio": ("async",), "async": ("async",), "threading": ("concurrency",),
    "regex": ("regex",), "parser": ("parsing",), "parsing": ("parsing",),
    "javascript": ("javascript", "frontend"), "typescript": ("javascript", "frontend"), "react": ("frontend",),
    "css": ("css", "frontend"), "html": ("html", "frontend"),
    "python": ("python",), "yaml": ("yaml", "config"), "toml": ("config",), "json": ("json",),
    "config": ("config",), "cli": ("cli",), "shell": ("shell",), "bash": ("shell",),
    "git": ("git",), "http": ("http", "networking"), "api": ("api",), "rest": ("api",),
    "markdown": ("markdown",), "blog": ("blog", "writing"), "i18n": ("i18n",), "unicode": ("unicode",),
    "logging": ("logging",), "monitoring": ("monitoring",), "security": ("security",),
    "scheduler": ("scheduling",), "cron": ("scheduling", "automation"), "automation": ("automation",),
    "pipeline": ("pipeline",), "data": ("data",), "dependencies": ("dependencies",),
}


@dataclass(frozen=True)
class Joke:
    id: str
    en: str
    ru: str
    tags: tuple[str, ...]

    def text(self, lang: str) -> str:
        return self.ru if lang == "ru" else self.en


@lru_cache(maxsize=1)
def corpus() -> tuple[Joke, ...]:
    """The shipped jokes, in file order."""
    raw = resources.files("social_publisher.enrich").joinpath("data/jokes.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    return tuple(Joke(id=j["id"], en=j["en"], ru=j["ru"], tags=tuple(j.get("tags", ()))) for j in data["jokes"])


def get(joke_id: str | None) -> Joke | None:
    if not joke_id:
        return None
    return next((joke for joke in corpus() if joke.id == joke_id), None)


def story_terms(facts: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(strong, weak) words a joke can match: the story's tags are strong; its category,
    languages and hints from files and the problem are weak."""
    return _aliases(facts.get("tags", [])), _aliases(_weak_words(facts))


def _weak_words(facts: dict[str, Any]) -> list[str]:
    words = [facts.get("category", ""), *facts.get("languages", [])]
    files = " ".join(facts.get("files", [])).lower()
    if "test" in files:
        words.append("tests")
    if ".sql" in files or "migration" in files:
        words.append("sql")
    if ".md" in files:
        words.append("docs")
    if facts.get("problem"):
        words.append("bug")
    return words


def _aliases(values: Iterable[str]) -> set[str]:
    words: set[str] = set()
    for value in values:
        for word in str(value).lower().replace("/", " ").split():
            words.add(word)
            words.update(part for part in re.split(r"[_-]", word) if part)
    terms: set[str] = set()
    for word in words:
        terms.update(ALIASES.get(word, (word,)))
    return terms


def pick(terms: tuple[set[str], set[str]], used: set[str], seed: str) -> Joke | None:
    """The unused joke that best matches the story (a tag counts twice, a weak hint once);
    ties broken by a hash of `seed`, so the choice is deterministic."""
    strong, weak = terms
    candidates = [joke for joke in corpus() if joke.id not in used]
    if not candidates:
        return None

    def rank(joke: Joke) -> tuple[int, str]:
        tags = set(joke.tags)
        order = hashlib.sha256(f"{seed}:{joke.id}".encode()).hexdigest()
        return (-(2 * len(strong & tags) + len(weak & tags)), order)

    return min(candidates, key=rank)
