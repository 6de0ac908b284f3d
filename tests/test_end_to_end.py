"""The whole pipeline through the real CLI on the demo workspace: real git, real SQLite, real files."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from social_publisher.write import text as measure

from social_publisher.signals import is_trivial_commit


def run_cli(*args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "social_publisher", *args], capture_output=True, text=True,
                            timeout=300)
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("demo") / "ws"
    result = run_cli("demo", "--dir", str(directory))
    assert result.returncode == 0, result.stderr
    assert "stories found" in result.stdout and "open the site" in result.stdout
    return directory


def posts_json(workspace: Path) -> list[dict]:
    result = run_cli("--config", str(workspace / "publisher.toml"), "posts", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def table_counts(workspace: Path) -> dict[str, int]:
    with sqlite3.connect(workspace / "state" / "publisher.db") as db:
        return {table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ("activity", "stories", "posts", "publications", "briefs")}


DEMO_PROJECTS = ("llm-router", "tg-digest-bot", "homelab-auth")


def cyrillic_share(text: str) -> float:
    """Share of Cyrillic letters outside code, file names, URLs and project names."""
    prose = re.sub(r"`[^`]*`|\*\*|https?://\S+|\S+\.\w{1,4}\b|" + "|".join(DEMO_PROJECTS), " ", text)
    letters = [c for c in prose if c.isalpha()]
    return sum("\u0400" <= c <= "\u04ff" for c in letters) / max(1, len(letters))


def test_demo_builds_the_site(workspace: Path):
    site = workspace / "site"
    for page in ("index.html", "en/index.html", "ru/index.html", "en/feed.xml", "ru/feed.xml", "sitemap.xml"):
        assert (site / page).is_file(), page
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="en/' in index and 'href="ru/' in index


def test_at_least_three_stories_in_each_language(workspace: Path):
    posts = posts_json(workspace)
    for lang in ("en", "ru"):
        stories = {p["story_id"] for p in posts if p["lang"] == lang}
        assert len(stories) >= 3, (lang, len(stories))
    for post in posts:
        assert post["status"] == "published"
        assert post["title"].strip()
        assert post["sources"], post["id"]


def test_russian_posts_are_written_in_russian(workspace: Path):
    for post in posts_json(workspace):
        if post["lang"] == "ru":
            assert cyrillic_share(post["body_md"]) > 0.6, post["body_md"][:300]
            assert cyrillic_share(post["title"]) > 0.5, post["title"]


def test_no_post_comes_from_trivial_commits_alone(workspace: Path):
    with sqlite3.connect(workspace / "state" / "publisher.db") as db:
        db.row_factory = sqlite3.Row
        for post in posts_json(workspace):
            rows = db.execute(
                f"SELECT kind, text, meta_json FROM activity WHERE id IN ({','.join('?' * len(post['sources']))})",
                post["sources"]).fetchall()
            substantial = [r for r in rows if r["kind"] != "commit" or not is_trivial_commit(
                r["text"], [f["path"] for f in json.loads(r["meta_json"]).get("files", [])])]
            assert substantial, post["title"]


def test_posts_show_none_of_the_sample_blogs_defects(workspace: Path):
    for post in posts_json(workspace):
        body = post["body_md"]
        words = measure.words(body)  # README "Length of a post": a post tells what its sources hold
        assert words >= 50, (post["title"], words)
        assert not re.search(r"return only|what to fix|rules:|proofread", body, re.IGNORECASE)  # 1 leaked prompt
        assert not re.search(r"\bcategory\b|\btags?\b|code_change|категори|тег", body, re.IGNORECASE)  # 2 metadata
        assert not body.lstrip().startswith("#")  # 3 a second title in the body
        for line in body.splitlines():  # 4 flattened markdown: a heading never swallows a paragraph
            if line.startswith("#"):
                assert len(line.split()) <= 14, line
        assert "\n\n" in body
        assert not re.search(r"\bthe developer\b|\bразработчик (?:решил|сделал)", body, re.IGNORECASE)  # 5 voice
        assert "sk-ant-" not in body and "api03" not in body  # the demo's fake key never leaks


def test_second_run_adds_nothing(workspace: Path):
    before = table_counts(workspace)
    site_index = (workspace / "site" / "en" / "index.html").read_bytes()
    result = run_cli("--config", str(workspace / "publisher.toml"), "run")
    assert result.returncode == 0, result.stderr
    assert table_counts(workspace) == before
    assert (workspace / "site" / "en" / "index.html").read_bytes() == site_index


def test_status_reports_counts(workspace: Path):
    result = run_cli("--config", str(workspace / "publisher.toml"), "status", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["counts"]["posts"].get("published", 0) >= 6
    assert data["llm_budget"]["used"] == 0


def test_a_run_stopped_between_stages_resumes_without_duplicates(tmp_path: Path):
    from social_publisher.demo import make_workspace

    config = str(make_workspace(tmp_path / "ws"))
    assert run_cli("--config", config, "collect").returncode == 0
    assert run_cli("--config", config, "select").returncode == 0
    assert run_cli("--config", config, "enrich").returncode == 0
    # killed here, before write and publish: the next full run picks up where it stopped
    assert run_cli("--config", config, "run").returncode == 0
    assert run_cli("--config", config, "run").returncode == 0
    counts = table_counts(tmp_path / "ws")
    assert counts["posts"] == 2 * counts["briefs"]
    assert counts["publications"] == counts["posts"]
