"""The LLM writers end to end: a fake `claude` on PATH and a loopback server speaking the OpenAI and
Anthropic protocols (tests/llm_fakes.py), real SQLite, real git repositories of the demo workspace.

What the backends *received* is read from the fakes' record: no planted secret may be in it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

import llm_fakes
from social_publisher.cli import cli
from social_publisher.config import load_config
from social_publisher.demo import PLANTED_SECRETS, make_workspace
from social_publisher.enrich import enrich
from social_publisher.pipeline import run_stages
from social_publisher.publish import publish
from social_publisher.store import Store
from social_publisher.write import checks, write
from social_publisher.write.llm.prompt import MAX_PROMPT_TOKENS, estimate_tokens
from test_write import BOT_TOKEN, add_story, commit, fetcher_rows, session

BACKENDS = ("claude-cli", "anthropic", "openai")
TEST_KEY = "sk-ant-api03-test-key-for-the-loopback-server"


@pytest.fixture
def bench(tmp_path: Path, monkeypatch) -> llm_fakes.Workbench:
    """The fakes' shared folder; the fake `claude` first on PATH, keys set for the SDK backends."""
    workbench = llm_fakes.Workbench(tmp_path / "fake-llm")
    llm_fakes.install_claude(tmp_path / "bin", workbench)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("FAKE_LLM_DIR", str(workbench.folder))
    monkeypatch.setenv("ANTHROPIC_API_KEY", TEST_KEY)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    return workbench


@pytest.fixture
def server(bench: llm_fakes.Workbench):
    with llm_fakes.FakeLLMServer(bench) as running:
        yield running


def writer_toml(backend: str, server: llm_fakes.FakeLLMServer | None, **extra) -> str:
    lines = [f'backend = "{backend}"']
    if backend == "anthropic":
        lines += [f'base_url = "{server.url}"', 'model = "claude-test"']
    elif backend == "openai":
        lines += [f'base_url = "{server.url}/v1"', 'model = "llama-test"']
    lines += [f"{key} = {json.dumps(value)}" for key, value in extra.items()]
    return "\n".join(lines)


def demo_workspace(tmp_path: Path, writer: str) -> Path:
    config = make_workspace(tmp_path / "ws")
    text = config.read_text()
    start = text.index("[writer]")
    end = text.index("\n[", start + 1)
    config.write_text(text[:start] + "[writer]\n" + writer + '\nlanguages = ["en", "ru"]\n' + text[end:])
    return config


def received(bench: llm_fakes.Workbench) -> str:
    """Everything the backends were sent: prompts on stdin, request bodies (not the auth header)."""
    return "\n".join(json.dumps(entry.get("stdin") or entry.get("body"), ensure_ascii=False) for entry in bench.record())


def calls_per_story(store: Store) -> dict[int, int]:
    out: dict[int, int] = {}
    for row in store.llm_reservations():
        out[row["story_id"]] = out.get(row["story_id"], 0) + 1
    return out


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_demo_workspace_written_with_each_backend_publishes_both_languages(
        tmp_path: Path, bench, server, backend: str) -> None:
    config = load_config(demo_workspace(tmp_path, writer_toml(backend, server)))
    with Store(config.store.path) as store:
        reports = {r.stage: r for r in run_stages(store, config)}
        stories = store.stories()
        posts = store.posts()
        assert len(stories) >= 5 and reports["write"].failed == 0
        for story in stories:
            mine = {p.lang: p for p in posts if p.story_id == story.id}
            assert set(mine) == {"en", "ru"} and {p.status for p in mine.values()} == {"published"}, [
                (story.id, p.lang, store.post_check_errors(p.id)) for p in mine.values()]
            assert {p.backend for p in mine.values()} == {backend}
            for post in mine.values():
                assert (config.site.out_dir / store.publication(post.id, "site").remote_id).is_file()
                assert "\n---\n\n*" in post.body_md and post.body_md.rstrip().endswith("*")  # the sources footer
        assert calls_per_story(store) == {s.id: 1 for s in stories}  # one call per story, no check failed
        assert reports["write"].llm_calls == len(stories) == store.llm_calls_on(reports_day(store))
        assert sum(p.llm_calls for p in posts) == len(stories)
        record = bench.record()
        assert len(record) == len(stories)
        # Each prompt asks the length the checks will ask: a thin story is not asked for min_words.
        asked = sorted(int(n) for n in llm_fakes.ASKED_LENGTH.findall(received(bench)))
        assert asked == sorted(checks.required_words(store.brief(s.id).facts, config.writer.min_words) for s in stories)
        assert len(set(asked)) == 2  # the demo holds both kinds of story
        for secret in (*PLANTED_SECRETS, "sk-ant-", "auth.json"):
            assert secret not in received(bench)
        for entry in record:
            prompt = entry.get("stdin") or entry["body"]["messages"][0]["content"]
            assert estimate_tokens(prompt) <= MAX_PROMPT_TOKENS
        if backend == "claude-cli":
            assert record[0]["argv"][:3] == ["-p", "--output-format", "json"]
        elif backend == "openai":
            assert record[0]["body"]["response_format"] == {"type": "json_object"}
            assert record[0]["body"]["model"] == "llama-test"
        else:
            headers = record[0]["headers"]
            assert record[0]["path"] == "/v1/messages" and record[0]["body"]["model"] == "claude-test"
            assert TEST_KEY in (headers.get("x-api-key"), headers.get("authorization", "").removeprefix("Bearer "))

        # A re-run on the same briefs costs nothing: the answers are cached.
        before = [(p.lang, p.title, p.body_md) for p in posts]
        store.db.execute("DELETE FROM publications")
        store.db.execute("DELETE FROM posts")
        store.db.execute("UPDATE stories SET status = 'briefed'")
        again = write(store, config)
        assert again.llm_calls == 0 and again.posts == len(posts) and len(bench.record()) == len(stories)
        assert [(p.lang, p.title, p.body_md) for p in store.posts()] == before


def reports_day(store: Store) -> str:
    return store.llm_reservations()[0]["day"]


# -- a small store for the failure cases ------------------------------------------------------------

@pytest.fixture
def briefed(store: Store) -> Store:
    add_story(store, fetcher_rows(), tags=("python", "http"))
    enrich(store, load_config_text(store, ""))
    return store


def load_config_text(store: Store, writer: str):
    path = store.path.parent.parent / "publisher.toml"
    path.write_text(f'[store]\npath = "{store.path}"\n\n[enrich]\nwikipedia = false\n\n[writer]\n{writer}\n')
    return load_config(path)


def test_a_failed_check_is_asked_again_for_that_language_only(briefed: Store, bench) -> None:
    bench.script("echo-schema:ru")
    report = write(briefed, load_config_text(briefed, writer_toml("claude-cli", None)))
    prompts = [entry["stdin"] for entry in bench.record()]
    assert len(prompts) == 2 and report.llm_calls == 2 and report.retries == 1
    assert llm_fakes.asked_languages(prompts[0]) == ["en", "ru"] and llm_fakes.asked_languages(prompts[1]) == ["ru"]
    assert "echoes the response schema" in prompts[1]
    posts = {p.lang: p for p in briefed.posts()}
    assert {p.status for p in posts.values()} == {"approved"} and "body_md" not in posts["ru"].body_md
    assert (posts["en"].llm_calls, posts["ru"].llm_calls) == (1, 1)
    assert BOT_TOKEN not in received(bench) and "AAHdqTcv" not in received(bench) and "pavel" not in received(bench)


def test_a_post_failing_twice_is_rejected_with_its_reasons_and_review_shows_it(briefed: Store, bench) -> None:
    bench.script("title-heading:ru", "title-heading:ru")
    config = load_config_text(briefed, writer_toml("claude-cli", None))
    report = write(briefed, config)
    assert report.llm_calls == 2 and report.rejected == 1
    posts = {p.lang: p for p in briefed.posts()}
    # A story goes out in every language or in none: the passing English post waits for review.
    assert posts["ru"].status == "rejected" and posts["en"].status == "checked"
    assert any("repeats the title as a heading" in r for r in briefed.post_check_errors(posts["ru"].id))
    assert any(f"post {posts['en'].id} (en" in w and "held for review: its ru version was rejected" in w
               for w in report.warnings), report.warnings
    assert publish(briefed, config).published == 0
    shown = CliRunner().invoke(cli, ["--config", str(config.config_path), "review"])
    assert shown.exit_code == 0 and "rejected" in shown.output and "repeats the title as a heading" in shown.output


def test_a_link_the_brief_does_not_hold_is_rejected_and_asked_again(briefed: Store, bench) -> None:
    bench.script("invented-link:en", "invented-link:en")
    report = write(briefed, load_config_text(briefed, writer_toml("claude-cli", None)))
    prompts = [entry["stdin"] for entry in bench.record()]
    assert report.llm_calls == 2 and report.rejected == 1
    assert "link not in the brief: 'https://blog.example.net/fetcher-benchmarks'" in prompts[1]
    posts = {p.lang: p for p in briefed.posts()}
    assert posts["en"].status == "rejected" and posts["ru"].status == "checked"  # held: never one language alone


@pytest.mark.parametrize("backend, script, settings", [
    ("claude-cli", ["sleep:5"], {"timeout_s": 0.5, "retries": 0}),
    ("claude-cli", ["error"], {}),
    ("claude-cli", ["exit1"], {}),
    ("claude-cli", ["garbage-envelope"], {}),
    ("claude-cli", ["garbage"], {}),
    ("openai", ["500", "500", "500"], {"retries": 2}),
    ("anthropic", ["500", "500", "500"], {"retries": 2}),
    ("openai", ["sleep:3"], {"timeout_s": 0.5, "retries": 0}),
    ("anthropic", ["garbage"], {}),
    ("openai", ["echo-schema:ru", "500", "500", "500"], {"retries": 2}),  # the retry call fails: nothing is stored
])
def test_a_failing_backend_leaves_the_story_unwritten_and_a_later_run_writes_it_once(
        briefed: Store, bench, server, backend: str, script: list[str], settings: dict) -> None:
    bench.script(*script)
    config = load_config_text(briefed, writer_toml(backend, server, **settings))
    first = write(briefed, config)
    assert first.failed == 1 and briefed.posts() == [] and [s.status for s in briefed.stories()] == ["briefed"]
    reason = briefed.write_failures()[1]["reason"]
    assert reason and backend in reason and first.warnings and reason in first.warnings[-1]
    status = CliRunner().invoke(cli, ["--config", str(config.config_path), "status"])
    assert status.exit_code == 0 and "last failed" in status.output
    spent = briefed.llm_calls_on(reports_day(briefed))
    assert spent == len(briefed.llm_reservations()) and spent == (2 if script[0] == "echo-schema:ru" else 1)

    calm = {k: v for k, v in settings.items() if k != "timeout_s"}  # composing a good answer takes a moment
    config = load_config_text(briefed, writer_toml(backend, server, **calm))
    second = write(briefed, config)  # the backend answers well now
    assert second.failed == 0 and second.posts == 2
    assert {p.status for p in briefed.posts()} == {"approved"} and briefed.write_failures() == {}
    assert second.llm_calls == 1  # a first answer already cached (the echo case) is not asked again
    assert write(briefed, config).posts == 0 and len(briefed.posts()) == 2


@pytest.mark.parametrize("backend", ["openai", "anthropic"])
def test_429_then_200_is_written_once_and_counted_once(briefed: Store, bench, server, backend: str) -> None:
    bench.script("429")
    report = write(briefed, load_config_text(briefed, writer_toml(backend, server)))
    assert report.posts == 2 and report.llm_calls == 1 and len(bench.record()) == 2
    assert briefed.llm_calls_on(reports_day(briefed)) == 1


@pytest.mark.parametrize("writer, fix", [
    ('backend = "claude-cli"', "install Claude Code"),
    ('backend = "anthropic"', "export ANTHROPIC_API_KEY="),
    ('backend = "openai"', "export OPENAI_API_KEY="),
    ('backend = "openai"\nbase_url = "http://127.0.0.1:9/v1"', "set [writer] model"),
])
def test_a_backend_that_cannot_run_disables_writing_with_the_fix(briefed: Store, tmp_path, monkeypatch,
                                                                 writer: str, fix: str) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    report = write(briefed, load_config_text(briefed, writer))
    assert len(report.warnings) == 1 and fix in report.warnings[0] and "\n" not in report.warnings[0]
    assert briefed.posts() == [] and [s.status for s in briefed.stories()] == ["briefed"]


def test_a_missing_sdk_names_the_extra_to_install(briefed: Store, monkeypatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", TEST_KEY)
    monkeypatch.setitem(sys.modules, "anthropic", None)  # import anthropic -> ImportError
    report = write(briefed, load_config_text(briefed, 'backend = "anthropic"'))
    assert report.warnings == ["writing disabled: writer backend anthropic needs its SDK: "
                               "pip install 'social-publisher[anthropic]'"]


def test_the_next_post_of_a_project_links_the_previous_one_and_the_link_resolves(tmp_path: Path, bench) -> None:
    config_path = tmp_path / "publisher.toml"
    config_path.write_text('[store]\npath = "state/p.db"\n\n[enrich]\nwikipedia = false\n\n[writer]\n' + writer_toml("claude-cli", None) +
                           '\n\n[site]\nout_dir = "site"\n')
    config = load_config(config_path)
    with Store(config.store.path) as store:
        add_story(store, fetcher_rows(), tags=("python", "http"))
        run_stages(store, config, ("enrich", "write", "publish"))
        add_story(store, [
            session("fetchbot", "The retries from last time fire all at once after an outage. Spread them out.",
                    ["I added full jitter to the backoff in fetcher.py, so retries no longer arrive together. "
                     "After the change the peak load during recovery went from 120 requests per second to 35. "
                     "The lesson: backoff without jitter only moves the stampede."]),
            commit("fetchbot", "Add jitter to the retry backoff\n\nThe peak during recovery fell from 120 to 35 "
                               "requests per second.", [("src/fetchbot/fetcher.py", 30, 4), ("tests/test_jitter.py", 40, 0)]),
        ])
        run_stages(store, config, ("enrich", "write", "publish"))
        prompt = bench.record()[-1]["stdin"]
        assert '"earlier_posts"' in prompt
        for lang in ("en", "ru"):
            later = store.posts(story_id=2, lang=lang)[0]
            link = later.body_md.split("](", 1)[1].split(")", 1)[0]
            earlier_page = store.publication(store.posts(story_id=1, lang=lang)[0].id, "site").remote_id
            assert link == earlier_page.split("/", 1)[1] and (config.site.out_dir / lang / link).is_file()
            assert later.status == "published"


def run_write(config: Path, now: str, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "SOCIAL_PUBLISHER_NOW": now}
    return subprocess.Popen([sys.executable, "-m", "social_publisher", "--config", str(config), "write", *extra],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_daily_budget_of_3_writes_the_best_3_today_and_the_rest_tomorrow(tmp_path: Path, bench) -> None:
    config_path = demo_workspace(tmp_path, writer_toml("claude-cli", None, daily_budget=3))
    config = load_config(config_path)
    with Store(config.store.path) as store:
        run_stages(store, config, ("collect", "select", "enrich"))
        best_first = [s.id for s in sorted(store.stories(), key=lambda s: (-s.score, s.started_at, s.id))]
    assert len(best_first) == 6
    today = datetime.now(timezone.utc).replace(hour=12, minute=0, second=0, microsecond=0)
    dry = run_write(config_path, today.isoformat(), "--dry-run", "--json")
    plan = json.loads(dry.communicate(timeout=120)[0])
    assert (plan["used"], plan["needed"], plan["would_wait"]) == (0, 6, best_first[3:])

    day1 = run_write(config_path, today.isoformat())
    out, err = day1.communicate(timeout=300)
    assert day1.returncode == 0, err
    assert "budget of 3 calls is spent" in err and "3 waiting" in err
    with Store(config.store.path) as store:
        assert sorted({p.story_id for p in store.posts()}) == sorted(best_first[:3])
        assert store.llm_calls_on(today.date().isoformat()) == 3
    status = CliRunner().invoke(cli, ["--config", str(config_path), "status"],
                                env={"SOCIAL_PUBLISHER_NOW": today.isoformat()})
    assert "3 of 3 calls used" in status.output and "would wait for tomorrow" in status.output

    tomorrow = (today + timedelta(days=1)).isoformat()
    day2 = run_write(config_path, tomorrow)
    assert day2.communicate(timeout=300) and day2.returncode == 0
    with Store(config.store.path) as store:
        assert sorted({p.story_id for p in store.posts()}) == sorted(best_first)
        assert store.llm_calls_on((today + timedelta(days=1)).date().isoformat()) == 3
        assert [s.status for s in store.stories()] == ["written"] * 6
    assert len(bench.record()) == 6


def test_two_write_processes_started_at_once_never_exceed_the_budget(tmp_path: Path, bench) -> None:
    config_path = demo_workspace(tmp_path, writer_toml("claude-cli", None, daily_budget=3))
    config = load_config(config_path)
    with Store(config.store.path) as store:
        run_stages(store, config, ("collect", "select", "enrich"))
    now = datetime.now(timezone.utc).isoformat()
    both = [run_write(config_path, now), run_write(config_path, now)]
    codes = [(p.wait(timeout=300), p.communicate()) for p in both]
    assert all(code in (0, 1) for code, _ in codes) and 0 in [code for code, _ in codes]
    for code, (_, err) in codes:
        assert "Traceback" not in err and (code == 0 or "another run is in progress" in err)
    with Store(config.store.path) as store:
        assert store.llm_calls_on(datetime.fromisoformat(now).date().isoformat()) == 3
        assert len(store.llm_reservations()) == 3 and len({p.story_id for p in store.posts()}) == 3
    assert len(bench.record()) == 3
