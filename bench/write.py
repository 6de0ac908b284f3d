"""Benchmark of the LLM writer: prompt sizes and LLM calls per story, for each backend against its fake.

    python bench/write.py

1. Prompt sizes (estimated tokens = characters / 4; the limit is 2,000) over every prompt the demo
   workspace sends, and over a large story (50 commits, 3 sessions, 40 numbers, long lists).
2. For each backend (claude-cli: the fake `claude` on PATH; anthropic and openai: the loopback
   server of tests/llm_fakes.py), the demo workspace written and published: LLM calls per story and
   per published post, a re-run's calls (cache), and the same with one check failing per story.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]  # bench/select.py would shadow `select`
sys.path.insert(0, str(HERE.parent / "tests"))

import os  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import llm_fakes  # noqa: E402
from social_publisher.config import load_config  # noqa: E402
from social_publisher.demo import make_workspace  # noqa: E402
from social_publisher.pipeline import run_stages  # noqa: E402
from social_publisher.records import Brief  # noqa: E402
from social_publisher.store import Store  # noqa: E402
from social_publisher.write import write  # noqa: E402
from social_publisher.write.llm.prompt import MAX_PROMPT_TOKENS, build_prompt, estimate_tokens  # noqa: E402

BACKENDS = ("claude-cli", "anthropic", "openai")


def large_brief() -> Brief:
    """50 commits, 3 sessions, 40 numbers: every list of the brief longer than a prompt can hold."""
    facts = {
        "project": "big-importer", "category": "performance", "tags": ["python", "sqlite"],
        "period": {"start": "2026-11-20T08:00:00+00:00", "end": "2026-11-20T20:00:00+00:00"},
        "sources": ["claude-code", "git"], "goal": "Make the importer survive a 2 GB export without running out of memory.",
        "headline": "Stream the importer in batches",
        "problem": {"kind": "error", "text": "MemoryError: Unable to allocate 1.9 GiB while loading the rows table"},
        "actions": [{"text": f"Stream stage {i} of the importer in batches of {100 * (i + 1)} rows", "source": "commit"}
                    for i in range(50)],
        "numbers": [{"value": f"{i + 1}.{i % 10} s",
                     "context": f"Stage {i} now takes {i + 1}.{i % 10} s on the 2 GB export, down from {i + 30} s, "
                                f"with peak memory at {200 + i} MB."} for i in range(40)],
        "before_after": [{"before": f"{i + 30} s", "after": f"{i + 1}.{i % 10} s", "context": f"stage {i} on the 2 GB export"}
                         for i in range(12)],
        "lessons": [f"Lesson {i}: a generator per stage kept memory flat, and batching made SQLite inserts fast."
                    for i in range(5)],
        "next": ["Try the 10 GB export next, then parallelise stage 3."] * 2,
        "note_points": [f"Note {i}: the export has 14 million rows and most of them are tiny." for i in range(8)],
        "commit_notes": [f"Commit body {i}: executemany with 500-row batches, one transaction per batch." for i in range(30)],
        "files": [f"src/importer/stage_{i}.py" for i in range(15)],
        "commands": [{"command": f"python -m importer --stage {i} --file export.csv", "failed": i % 4 == 0}
                     for i in range(8)],
        "stats": {"commits": 50, "files_changed": 15, "lines_added": 2400, "lines_removed": 610, "sessions": 3,
                  "prompts": 11},
    }
    wiki = {"tag": "sqlite", "en": {"title": "SQLite", "description": "database engine",
                                    "extract": "SQLite is a C library that implements a small, fast, self-contained SQL "
                                               "database engine. " * 6, "url": "https://en.wikipedia.org/wiki/SQLite"},
            "ru": {"title": "SQLite", "description": "СУБД",
                   "extract": "SQLite — компактная встраиваемая СУБД. " * 8, "url": "https://ru.wikipedia.org/wiki/SQLite"}}
    return Brief(story_id=1, facts=facts, wiki=wiki)


def distribution(sizes: list[int]) -> str:
    sizes = sorted(sizes)
    p90 = sizes[min(len(sizes) - 1, int(0.9 * len(sizes)))]
    return (f"n={len(sizes)}  min {sizes[0]}  median {statistics.median(sizes):.0f}  p90 {p90}  max {sizes[-1]}"
            f"  (limit {MAX_PROMPT_TOKENS})")


def writer_section(backend: str, url: str, extra: str = "") -> str:
    lines = [f'backend = "{backend}"']
    if backend == "anthropic":
        lines += [f'base_url = "{url}"', 'model = "claude-bench"']
    elif backend == "openai":
        lines += [f'base_url = "{url}/v1"', 'model = "llama-bench"']
    return "\n".join(lines) + extra + '\nlanguages = ["en", "ru"]\n'


def demo_with(folder: Path, writer: str) -> Path:
    config = make_workspace(folder)
    text = config.read_text()
    start = text.index("[writer]")
    end = text.index("\n[", start + 1)
    config.write_text(text[:start] + "[writer]\n" + writer + text[end:])
    return config


def run_backend(root: Path, backend: str, server: llm_fakes.FakeLLMServer, bench: llm_fakes.Workbench,
                script: tuple[str, ...] = ()) -> dict[str, float]:
    config = load_config(demo_with(root / f"{backend}-{len(script)}", writer_section(backend, server.url)))
    before = len(bench.record())
    with Store(config.store.path) as store:
        run_stages(store, config, ("collect", "select", "enrich"))
        stories = len(store.stories(status="briefed"))
        bench.script(*[*script, "good"] * stories if script else ())  # a failing first answer, a good retry
        started = time.perf_counter()
        run_stages(store, config, ("write", "publish"))
        seconds = time.perf_counter() - started
        calls = len(store.llm_reservations())
        published = len(store.posts(status="published"))
        store.db.execute("DELETE FROM publications")
        store.db.execute("DELETE FROM posts")
        store.db.execute("UPDATE stories SET status = 'briefed' WHERE status = 'written'")
        rerun = write(store, config).llm_calls
    return {"stories": stories, "calls": calls, "published": published, "rerun": rerun, "seconds": seconds,
            "requests": len(bench.record()) - before}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bench = llm_fakes.Workbench(root / "fake")
        llm_fakes.install_claude(root / "bin", bench)
        os.environ["PATH"] = f"{root / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
        os.environ["FAKE_LLM_DIR"] = str(bench.folder)
        os.environ.setdefault("ANTHROPIC_API_KEY", "sk-ant-bench-loopback")
        with llm_fakes.FakeLLMServer(bench) as server:
            results = {backend: run_backend(root, backend, server, bench) for backend in BACKENDS}
            demo_prompts = [estimate_tokens(e.get("stdin") or e["body"]["messages"][0]["content"]) for e in bench.record()]
            failing = {backend: run_backend(root, backend, server, bench, ("echo-schema:ru",)) for backend in BACKENDS}

    print("prompt size, estimated tokens (characters / 4)")
    print(f"  demo workspace prompts      {distribution(demo_prompts)}")
    big = build_prompt(large_brief(), ["en", "ru"], min_words=150, max_words=900)
    retry = build_prompt(large_brief(), ["ru"], min_words=150, max_words=900,
                         feedback={"ru": ["too short: 120 words (at least 150)", "numbers not in the brief: 7"]})
    print(f"  large story (50 commits, 3 sessions, 40 numbers): first prompt {big.tokens}, retry prompt {retry.tokens}"
          f" (brief cut to fit: {big.text.count('Stream stage')} of 50 actions, "
          f"{big.text.count('on the 2 GB export, down from')} of 40 numbers kept)")
    print()
    print("LLM calls, demo workspace written and published with each backend against its fake")
    print(f"  {'backend':<11} {'stories':>7} {'calls':>5} {'calls/story':>11} {'posts':>5} {'calls/post':>10} "
          f"{'re-run':>6} {'HTTP/exec':>9} {'seconds':>7}")
    for label, table in (("no check fails", results), ("ru fails a check once per story", failing)):
        print(f"  -- {label}")
        for backend, r in table.items():
            print(f"  {backend:<11} {r['stories']:>7.0f} {r['calls']:>5.0f} {r['calls'] / max(1, r['stories']):>11.2f} "
                  f"{r['published']:>5.0f} {r['calls'] / max(1, r['published']):>10.2f} {r['rerun']:>6.0f} "
                  f"{r['requests']:>9.0f} {r['seconds']:>7.1f}")


if __name__ == "__main__":
    main()
