"""Wikipedia facts against a loopback server speaking the REST summary format and the Action API's langlinks."""

from __future__ import annotations

import itertools
import json
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from click.testing import CliRunner

from social_publisher.cli import cli
from social_publisher.enrich import enrich, wikipedia
from social_publisher.records import Activity, Story, fingerprint
from social_publisher.store import Store

_ids = itertools.count(1)

PAGES = {
    ("en", "Docker_(software)"): {
        "type": "standard", "title": "Docker (software)",
        "titles": {"canonical": "Docker_(software)", "normalized": "Docker (software)", "display": "Docker (software)"},
        "description": "Software for deploying containerized applications",
        "extract": "Docker is a set of products that use OS-level virtualization to deliver software in packages "
                   "called containers. The software was first released in 2013.",
        "thumbnail": {"source": "https://upload.wikimedia.org/docker.png", "width": 320, "height": 80},
        "content_urls": {"desktop": {"page": "https://en.wikipedia.org/wiki/Docker_(software)"},
                         "mobile": {"page": "https://en.m.wikipedia.org/wiki/Docker_(software)"}},
    },
    ("ru", "Docker"): {
        "type": "standard", "title": "Docker",
        "titles": {"canonical": "Docker", "normalized": "Docker", "display": "Docker"},
        "description": "программное обеспечение",
        "extract": "Docker — программное обеспечение для автоматизации развёртывания и управления приложениями "
                   "в средах с поддержкой контейнеризации.",
        "content_urls": {"desktop": {"page": "https://ru.wikipedia.org/wiki/Docker"}},
    },
    ("en", "Go_(programming_language)"): {
        "type": "disambiguation", "title": "Go",
        "titles": {"canonical": "Go", "normalized": "Go"}, "extract": "Go may refer to:",
        "content_urls": {"desktop": {"page": "https://en.wikipedia.org/wiki/Go"}},
    },
    ("en", "Redis"): {
        "type": "standard", "title": "Redis", "titles": {"canonical": "Redis", "normalized": "Redis"},
        "description": "Source-available in-memory key–value database",
        "extract": "Redis is a source-available, in-memory storage, used as a distributed, in-memory key–value "
                   "database, cache and message broker.",
        "content_urls": {"desktop": {"page": "https://en.wikipedia.org/wiki/Redis"}},
    },
}
LANGLINKS = {"Docker (software)": "Docker"}  # Redis: no Russian page in this fake


class FakeWikipedia:
    """Serves /{lang}/api/rest_v1/page/summary/{title} and /{lang}/w/api.php; counts what it saw."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.user_agents: set[str] = set()
        self.delay = 0.0
        # With a value, an answer is held (at most `gather_timeout` s) until that many requests were in
        # flight at once: a loaded machine may start the client's threads late, which a fixed delay
        # would count as sending them one after the other.
        self.gather: int | None = None
        self.gather_timeout = 5.0
        self.gathered = threading.Event()
        self.slow: set[str] = set()  # titles answered after `slow_delay`
        self.slow_delay = 2.0
        self.broken: set[str] = set()  # titles answered with 503
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        self.pages = dict(PAGES)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                with fake.lock:
                    fake.requests.append(self.path)
                    fake.user_agents.add(self.headers.get("User-Agent", ""))
                    fake.in_flight += 1
                    fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
                    if fake.gather is not None and fake.in_flight >= fake.gather:
                        fake.gathered.set()
                if fake.gather is not None:
                    fake.gathered.wait(fake.gather_timeout)
                try:
                    status, body = fake.answer(self.path)
                    data = json.dumps(body).encode()
                    try:
                        self.send_response(status)
                        self.send_header("Content-Type", "application/json; charset=utf-8")
                        self.send_header("Content-Length", str(len(data)))
                        self.end_headers()
                        self.wfile.write(data)
                    except (BrokenPipeError, ConnectionResetError):
                        pass  # the client gave up (timeout test)
                finally:
                    with fake.lock:
                        fake.in_flight -= 1

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        self.api = f"http://127.0.0.1:{self.server.server_address[1]}/{{lang}}/api/rest_v1"

    def answer(self, path: str) -> tuple[int, dict]:
        parts = urlsplit(path)
        lang, rest = parts.path.lstrip("/").split("/", 1)
        if rest == "w/api.php":
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            assert query["action"] == "query" and query["prop"] == "langlinks" and query["formatversion"] == "2"
            title = query["titles"]
            page = {"pageid": 1, "ns": 0, "title": title}
            if title in LANGLINKS and query["lllang"] == "ru":
                page["langlinks"] = [{"lang": "ru", "title": LANGLINKS[title]}]
            return 200, {"batchcomplete": True, "query": {"pages": [page]}}
        assert rest.startswith("api/rest_v1/page/summary/"), path
        title = unquote(rest.removeprefix("api/rest_v1/page/summary/"))
        time.sleep(self.slow_delay if title in self.slow else self.delay)
        if title in self.broken:
            return 503, {"type": "https://mediawiki.org/wiki/HyperSwitch/errors/unavailable", "title": "Unavailable"}
        if (lang, title) not in self.pages:
            return 404, {"type": "https://mediawiki.org/wiki/HyperSwitch/errors/not_found", "title": "Not found.",
                         "method": "get", "detail": "Page or revision not found.",
                         "uri": f"/{lang}.wikipedia.org/v1/page/summary/{title}"}
        return 200, self.pages[(lang, title)]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake():
    server = FakeWikipedia()
    yield server
    server.close()


@pytest.fixture
def wiki_config(write_config, fake):
    def make(extra: str = ""):
        return write_config(f'[enrich]\nwikipedia = true\nwikipedia_api = "{fake.api}"\n'
                            f'user_agent = "test-publisher/1.0 (dev@example.org)"\n{extra}')
    return make


def add_story(store: Store, tags: list[str], project: str = "shipper") -> int:
    n = next(_ids)
    store.add_activity([Activity("git", project, "commit", "2026-11-20T10:00:00+00:00", "Dev <dev@example.org>",
                                 f"Add the container build number {n}", {"files": [{"path": "Dockerfile", "added": 9,
                                                                                   "removed": 0}], "own": True},
                                 fingerprint("git", project, n))])
    activity_id = max(a.id for a in store.activity())
    story_id = store.add_story(Story(project, "2026-11-20T10:00:00+00:00", "2026-11-20T10:00:00+00:00", 3.0,
                                     "feature", tags, [activity_id], fingerprint=f"story-{n}"))
    assert story_id is not None
    return story_id


def test_english_and_russian_summaries_reach_the_brief_with_attribution(store, wiki_config, fake):
    story = add_story(store, ["docker", "python"])
    report = enrich(store, wiki_config())
    wiki = store.brief(story).wiki
    assert wiki == {
        "tag": "docker",
        "en": {"title": "Docker (software)", "description": "Software for deploying containerized applications",
               "extract": PAGES[("en", "Docker_(software)")]["extract"],
               "url": "https://en.wikipedia.org/wiki/Docker_(software)"},
        "ru": {"title": "Docker", "description": "программное обеспечение",
               "extract": PAGES[("ru", "Docker")]["extract"], "url": "https://ru.wikipedia.org/wiki/Docker"},
    }
    assert report.wiki_facts == 1 and report.warnings == []
    assert fake.user_agents == {"test-publisher/1.0 (dev@example.org)"}
    assert [p.split("?")[0] for p in fake.requests] == [
        "/en/api/rest_v1/page/summary/Docker_%28software%29", "/en/w/api.php", "/ru/api/rest_v1/page/summary/Docker"]


def test_a_second_story_about_the_same_technology_is_served_from_the_cache(store, wiki_config, fake):
    first = add_story(store, ["docker"])
    enrich(store, wiki_config())
    seen = len(fake.requests)
    assert seen == 3  # en summary, its language links, ru summary
    second = add_story(store, ["docker"])
    report = enrich(store, wiki_config())
    assert len(fake.requests) == seen and report.wiki_requests == 0
    assert store.brief(second).wiki == store.brief(first).wiki


def test_two_stories_of_one_run_share_one_fetch(store, wiki_config, fake):
    ids = [add_story(store, ["docker"]), add_story(store, ["docker"])]
    enrich(store, wiki_config())
    assert len(fake.requests) == 3 and len(set(fake.requests)) == 3
    assert all(store.brief(i).wiki["tag"] == "docker" for i in ids)


def test_the_cache_expires_after_its_time_to_live(store, wiki_config, fake, monkeypatch):
    add_story(store, ["docker"])
    enrich(store, wiki_config("wikipedia_ttl_days = 30\n"))
    assert len(fake.requests) == 3
    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", (datetime.now(timezone.utc) + timedelta(days=31)).isoformat())
    add_story(store, ["docker"])
    enrich(store, wiki_config("wikipedia_ttl_days = 30\n"))
    assert len(fake.requests) == 6


def test_a_page_without_a_russian_version_gives_an_english_fact_only(store, wiki_config, fake):
    story = add_story(store, ["redis"])
    enrich(store, wiki_config())
    wiki = store.brief(story).wiki
    assert wiki["en"]["title"] == "Redis" and "ru" not in wiki
    assert len(fake.requests) == 2  # no Russian link: no Russian summary asked for


def test_disambiguation_pages_are_skipped_and_the_next_tag_is_not_tried_in_their_place(store, wiki_config, fake):
    story = add_story(store, ["go"])
    report = enrich(store, wiki_config())
    assert store.brief(story).wiki is None and report.wiki_facts == 0 and report.warnings == []
    assert len(fake.requests) == 1
    add_story(store, ["go"])
    enrich(store, wiki_config())
    assert len(fake.requests) == 1  # the "no fact" answer is cached too


def test_a_missing_page_404_leaves_the_story_without_a_fact(store, wiki_config, fake):
    story = add_story(store, ["kubernetes"])  # the fake has no such page
    report = enrich(store, wiki_config())
    assert store.brief(story).wiki is None and report.briefs == 1
    assert fake.requests == ["/en/api/rest_v1/page/summary/Kubernetes"]
    assert report.warnings == ["Wikipedia facts skipped for 1 story: no English article 'Kubernetes' (HTTP 404); "
                               "the posts go on without them"]
    add_story(store, ["kubernetes"])
    again = enrich(store, wiki_config())
    assert len(fake.requests) == 1 and again.warnings == []  # the 404 is cached: said once


def test_a_timeout_skips_the_fact_says_so_once_and_exits_0(tmp_path, wiki_config, fake):
    fake.slow = {"Docker_(software)"}
    wiki_config("wikipedia_timeout_s = 0.3\n")
    with Store(tmp_path / "state" / "publisher.db") as store:
        stories = [add_story(store, ["docker"]), add_story(store, ["docker", "linux"])]
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "publisher.toml"), "enrich"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "Wikipedia" in line]
    assert warnings == ["warning: Wikipedia facts skipped for 2 stories: Wikipedia did not answer in time; "
                        "no English article 'Linux' (HTTP 404); the posts go on without them"]
    with Store(tmp_path / "state" / "publisher.db") as store:
        assert store.brief(stories[0]).wiki is None
        assert store.brief(stories[1]).wiki is None  # linux: a 404 in this fake
        assert store.cache_get(wikipedia.CACHE_PREFIX + "Docker (software)") is None  # a timeout is not cached


def test_a_5xx_is_not_cached_and_the_next_run_fetches_again(store, wiki_config, fake):
    fake.broken = {"Docker_(software)"}
    story = add_story(store, ["docker"])
    report = enrich(store, wiki_config())
    assert store.brief(story).wiki is None
    assert report.warnings == ["Wikipedia facts skipped for 1 story: Wikipedia answered HTTP 503; "
                               "the posts go on without them"]
    fake.broken = set()
    later = add_story(store, ["docker"])
    enrich(store, wiki_config())
    assert store.brief(later).wiki["en"]["title"] == "Docker (software)"


def test_no_network_at_all_is_one_warning_and_exit_0(tmp_path, write_config):
    closed = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = closed.server_address[1]
    closed.server_close()  # nothing listens there any more: connections are refused
    write_config(f'[enrich]\nwikipedia = true\nwikipedia_api = "http://127.0.0.1:{port}/{{lang}}/api/rest_v1"\n')
    with Store(tmp_path / "state" / "publisher.db") as store:
        for tags in (["docker"], ["redis"], ["python"]):
            add_story(store, tags)
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "publisher.toml"), "enrich"])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("Wikipedia facts skipped") == 1
    assert "skipped for 3 stories: cannot reach Wikipedia (ConnectError)" in result.stderr
    assert "enrich: briefs 3" in result.stdout


def test_fetches_of_one_run_go_out_together_at_most_four_at_a_time(store, wiki_config, fake):
    fake.delay = 0.15
    fake.gather = wikipedia.MAX_IN_FLIGHT
    tags = ["python", "rust", "redis", "sqlite", "nginx", "linux", "docker", "numpy", "pytorch", "kubernetes"]
    for tag in tags:
        add_story(store, [tag])
    report = enrich(store, wiki_config())
    # 10 English summaries, the language links of the two pages found (redis, docker), docker's Russian page
    assert report.wiki_requests == len(fake.requests) == 13
    assert fake.max_in_flight == wikipedia.MAX_IN_FLIGHT  # together, never more than four (one at a time: 1)


def test_each_story_prefers_a_technology_no_earlier_post_told_about():
    assert wikipedia.choose_topic(["python", "docker"], set()) == "python"
    assert wikipedia.choose_topic(["python", "docker"], {"python"}) == "docker"
    assert wikipedia.choose_topic(["python"], {"python"}) == "python"
    assert wikipedia.choose_topic(["authelia"], set()) is None


def test_bad_wikipedia_api_is_a_config_error_naming_the_line(write_config):
    from social_publisher.errors import ConfigError
    with pytest.raises(ConfigError, match=r"publisher.toml:2: 'enrich.wikipedia_api'.*\{lang\}"):
        write_config('[enrich]\nwikipedia_api = "https://en.wikipedia.org/api/rest_v1"\n')


def test_every_tag_with_an_article_is_a_known_tag():
    from social_publisher.select.tags import TAG_NAMES
    assert set(wikipedia.TITLES) <= set(TAG_NAMES)
    assert len(wikipedia.TITLES) >= 40
