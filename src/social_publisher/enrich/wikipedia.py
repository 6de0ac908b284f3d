"""Wikipedia facts: the page summary of a story's main technology, in English and Russian.

The main technology is the story's strongest tag that has an article (`TITLES`), preferring
one no earlier brief told about, so posts do not all open the same encyclopedia page. For it:

1. `GET {wikipedia_api}/page/summary/{title}` on the English wiki (REST, redirects followed);
   a `type: "disambiguation"` page or a 404 means no fact;
2. the page's Russian language link from the Action API beside it
   (`{site}/w/api.php?action=query&prop=langlinks&lllang=ru&titles=...&formatversion=2`,
   where `{site}` is `wikipedia_api` without its `/api/rest_v1`);
3. `GET .../page/summary/{russian title}` on the Russian wiki.

Every answer (a missing page too) is cached in the store's `cache` table for
`wikipedia_ttl_days`, so a second story about the same technology makes no request. The
fetches of one run are gathered first and made together, at most `MAX_IN_FLIGHT` at a time.
No network, a timeout, a 5xx or another refusal is not cached; a 404 is (as "missing"). Either
way the story goes on without the fact and the stage warns once for the whole run.

The fact a brief keeps (`brief.wiki`), CC BY-SA text that a post must attribute and link:
    {"tag": "docker",
     "en": {"title": "Docker (software)", "description": "...", "extract": "...", "url": "https://..."},
     "ru": {...}}                       # "ru" absent when the page has no Russian version
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Iterable
from urllib.parse import quote

import httpx

from social_publisher.config import EnrichConfig
from social_publisher.records import Story
from social_publisher.store import Store

MAX_IN_FLIGHT = 4
CACHE_PREFIX = "wikipedia:v1:"

# Tag (select/tags.py) -> English article. Tags with no article of their own are left out.
TITLES: dict[str, str] = {
    "python": "Python (programming language)", "javascript": "JavaScript", "typescript": "TypeScript",
    "nodejs": "Node.js", "rust": "Rust (programming language)", "go": "Go (programming language)",
    "java": "Java (programming language)", "kotlin": "Kotlin (programming language)",
    "swift": "Swift (programming language)", "c": "C (programming language)", "cpp": "C++",
    "csharp": "C Sharp (programming language)", "ruby": "Ruby (programming language)", "php": "PHP",
    "bash": "Bash (Unix shell)", "sql": "SQL", "html-css": "CSS", "sqlite": "SQLite", "postgresql": "PostgreSQL",
    "mysql": "MySQL", "redis": "Redis", "mongodb": "MongoDB", "docker": "Docker (software)",
    "kubernetes": "Kubernetes", "terraform": "Terraform (software)", "ansible": "Ansible (software)",
    "nginx": "Nginx", "systemd": "Systemd", "aws": "Amazon Web Services", "linux": "Linux",
    "telegram": "Telegram (software)", "fastapi": "FastAPI", "django": "Django (web framework)",
    "flask": "Flask (web framework)", "react": "React (software)", "vue": "Vue.js", "sqlalchemy": "SQLAlchemy",
    "pytest": "Pytest", "pytorch": "PyTorch", "tensorflow": "TensorFlow", "numpy": "NumPy",
    "pandas": "Pandas (software)", "scikit-learn": "Scikit-learn", "huggingface": "Hugging Face",
    "llm": "Large language model", "claude": "Claude (language model)", "openai": "OpenAI",
    "jupyter": "Project Jupyter",
}
_KEPT = ("title", "description", "extract", "url")


class FetchFailed(Exception):
    """A transient failure (no network, timeout, 5xx, refusal): nothing is cached, the story goes on."""


@dataclass
class WikiResult:
    """What `gather` found: the fact per story id, and why fetches failed (for one warning)."""

    facts: dict[int, dict[str, Any]] = field(default_factory=dict)
    requests: int = 0
    cache_hits: int = 0
    failures: list[str] = field(default_factory=list)
    skipped_stories: int = 0


def choose_topic(tags: Iterable[str], told: set[str]) -> str | None:
    """The story's main technology: its strongest tag with an article, one not told before if it has one."""
    known = [tag for tag in tags if tag in TITLES]
    fresh = [tag for tag in known if tag not in told]
    return (fresh or known or [None])[0]


class WikipediaClient:
    """Fetches one technology's summaries over one shared httpx client (thread-safe)."""

    def __init__(self, api: str, user_agent: str, timeout_s: float):
        self.api = api
        self.http = httpx.Client(
            headers={"User-Agent": user_agent, "Accept": "application/json"}, timeout=timeout_s,
            follow_redirects=True, limits=httpx.Limits(max_connections=MAX_IN_FLIGHT),
        )
        self.requests = 0

    def close(self) -> None:
        self.http.close()

    def fact(self, title: str) -> tuple[dict[str, Any], bool]:
        """({"en": ..., "ru": ...} or {} for no page, complete): `complete` is False when the Russian
        half failed transiently, so the answer is used but not cached. Raises FetchFailed."""
        english = self.summary("en", title)
        if not english:  # {"missing": True} marks a 404, which the run mentions once
            return ({"missing": True} if english is None else {}), True
        fact: dict[str, Any] = {"en": english}
        try:
            russian_title = self.language_link(english["canonical"], "ru")
            russian = self.summary("ru", russian_title) if russian_title else None
        except FetchFailed:
            return _public(fact), False
        if russian:
            fact["ru"] = russian
        return _public(fact), True

    def summary(self, lang: str, title: str) -> dict[str, Any] | None:
        """The page summary; None for a missing page (404), {} for a disambiguation or empty one."""
        url = f"{self.api.format(lang=lang)}/page/summary/{quote(title.replace(' ', '_'), safe='')}"
        data = self._get_json(url)
        if data is None:
            return None
        if data.get("type") == "disambiguation" or not data.get("extract"):
            return {}
        titles = data.get("titles") or {}
        page = ((data.get("content_urls") or {}).get("desktop") or {}).get("page", "")
        return {"title": titles.get("normalized") or data.get("title") or title,
                "canonical": titles.get("canonical") or title.replace(" ", "_"),
                "description": data.get("description", ""), "extract": data["extract"].strip(), "url": page}

    def language_link(self, title: str, lang: str) -> str | None:
        """The title of the page's version in `lang`, from the Action API's langlinks."""
        site = re.sub(r"/api/rest_v1$", "", self.api.format(lang="en"))
        params = {"action": "query", "prop": "langlinks", "lllang": lang, "titles": title.replace("_", " "),
                  "redirects": "1", "format": "json", "formatversion": "2"}
        data = self._get_json(f"{site}/w/api.php", params)
        pages = ((data or {}).get("query") or {}).get("pages") or []
        for page in pages:
            for link in page.get("langlinks") or []:
                if link.get("lang") == lang:
                    return link.get("title") or link.get("*")
        return None

    def _get_json(self, url: str, params: dict[str, str] | None = None) -> dict[str, Any] | None:
        """The JSON body, None on a 404; FetchFailed on anything that may pass by itself."""
        self.requests += 1
        try:
            response = self.http.get(url, params=params)
        except httpx.TimeoutException:
            raise FetchFailed("Wikipedia did not answer in time") from None
        except httpx.HTTPError as exc:
            raise FetchFailed(f"cannot reach Wikipedia ({type(exc).__name__})") from None
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise FetchFailed(f"Wikipedia answered HTTP {response.status_code}")
        try:
            data = response.json()
        except ValueError:
            raise FetchFailed("Wikipedia answered with something that is not JSON") from None
        if not isinstance(data, dict):
            raise FetchFailed("Wikipedia answered with an unexpected JSON shape")
        return data


def _public(fact: dict[str, Any]) -> dict[str, Any]:
    return {lang: {key: page[key] for key in _KEPT} for lang, page in fact.items()}


def gather(store: Store, config: EnrichConfig, stories: list[Story]) -> WikiResult:
    """The Wikipedia fact for each story that has a topic: cached answers first, then one
    concurrent round of fetches for the rest. Only this (main) thread touches the store."""
    result = WikiResult()
    told = store.wiki_topics()
    max_age = timedelta(days=config.wikipedia_ttl_days)
    topics: dict[int, str] = {}
    for story in stories:
        topic = choose_topic(story.tags, told)
        if topic:
            topics[story.id] = topic  # type: ignore[index]
            told.add(topic)
    answers: dict[str, dict[str, Any]] = {}
    wanted: list[str] = []
    for topic in dict.fromkeys(topics.values()):
        cached = store.cache_get(CACHE_PREFIX + TITLES[topic], max_age=max_age)
        if cached is not None:
            answers[topic] = cached
            result.cache_hits += 1
        else:
            wanted.append(topic)
    if wanted:
        client = WikipediaClient(config.wikipedia_api, config.user_agent, config.wikipedia_timeout_s)
        try:
            with ThreadPoolExecutor(max_workers=MAX_IN_FLIGHT) as pool:
                outcomes = list(pool.map(lambda topic: _fetch(client, TITLES[topic]), wanted))
        finally:
            client.close()
        result.requests = client.requests
        for topic, (fact, complete, failure) in zip(wanted, outcomes):
            if failure:
                result.failures.append(failure)
                continue
            if fact.get("missing"):
                result.failures.append(f"no English article {TITLES[topic]!r} (HTTP 404)")
            answers[topic] = fact
            if complete:
                store.cache_put(CACHE_PREFIX + TITLES[topic], fact)
    for story_id, topic in topics.items():
        fact = answers.get(topic)
        if fact is None or (fact.get("missing") and topic in wanted):
            result.skipped_stories += 1
        elif fact.get("en"):
            result.facts[story_id] = {"tag": topic, **fact}
    return result


def _fetch(client: WikipediaClient, title: str) -> tuple[dict[str, Any], bool, str | None]:
    try:
        fact, complete = client.fact(title)
    except FetchFailed as exc:
        return {}, False, str(exc)
    return fact, complete, None


def warning(result: WikiResult) -> str | None:
    """The one line a run shows when facts were skipped."""
    if not result.failures:
        return None
    stories = f"{result.skipped_stories} stor{'y' if result.skipped_stories == 1 else 'ies'}"
    reasons = list(dict.fromkeys(result.failures))
    more = f" (and {len(reasons) - 2} other reasons)" if len(reasons) > 2 else ""
    return f"Wikipedia facts skipped for {stories}: {'; '.join(reasons[:2])}{more}; the posts go on without them"
