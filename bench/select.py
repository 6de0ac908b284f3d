"""Benchmark: select over 100,000 activity rows across 20 projects (issues 4 and 11: under 10 s).

    .venv/bin/python bench/select.py [--rows 100000] [--projects 20] [--seed 1] [--keep DIR]

Builds a store of synthetic but realistic activity (commits with files and line counts,
trivial commits among them, Claude Code turn groups with prompts, prose, commands,
failures and errors, notes; numbers and before/after pairs in the text), then times one
`select` over all of it. Building the store is not timed. The same seed gives the same store.
The CPU figure counts this process and its workers (select groups and builds candidates on
every core: select/parallel.py); on a busy machine wall time says little, compare CPU.

Figures (2 cores, AMD EPYC VM shared with other jobs; wall and CPU with workers):
- 2f80438 (before issue 11): quiet machine 14.7 s / 21.1 s; at load 5 24.3 s / 25.5 s.
- 0602304 (issue 11's first perf-select work: faster splitter, grouping in the workers):
  12.7 s quiet; 12.1-13.7 s / 17.3-17.8 s at load 1.1-1.8.
- now (2026-12-02: the pending table of store m009 instead of rewriting every row to mark it
  considered; each process reads its own projects' rows; stories stored in one batch):
  7.5-8.0 s / 13.5 s at load 1.0-1.4 (another job on the second core part of the time);
  8.2-14 s when that job takes a whole core. Same decisions as 0602304 (every story's fields,
  ids and activity links) on 100k/30k/20k/5k rows, seeds 1-4.
"""

from __future__ import annotations

import os
import sys

# This file is named select.py: run as a script, its folder would shadow the standard
# library's `select` module (imported by socket, hence by pydantic). Drop that folder first.
_HERE = os.path.dirname(os.path.realpath(__file__))
sys.path[:] = [p for p in sys.path if os.path.realpath(p or os.getcwd()) != _HERE]

import argparse  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import datetime, timedelta, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

from social_publisher.config import Config  # noqa: E402
from social_publisher.records import Activity, fingerprint  # noqa: E402
from social_publisher.select import select  # noqa: E402
from social_publisher.store import Store  # noqa: E402

STACKS = [
    ("python", ["src/{m}.py", "tests/test_{m}.py", "pyproject.toml"], ["sqlite", "pytest", "telegram bot"]),
    ("typescript", ["web/src/{m}.tsx", "web/src/{m}.test.ts", "package.json"], ["React", "Node.js", "Vite"]),
    ("rust", ["src/{m}.rs", "tests/{m}.rs", "Cargo.toml"], ["tokio", "serde", "Rust"]),
    ("go", ["internal/{m}/{m}.go", "internal/{m}/{m}_test.go", "go.mod"], ["golang", "gRPC", "Postgres"]),
    ("ml", ["train/{m}.py", "eval/{m}.py", "configs/{m}.yaml"], ["PyTorch", "accuracy", "LoRA"]),
    ("infra", ["deploy/{m}.yml", "Dockerfile", ".github/workflows/{m}.yml"], ["Docker", "nginx", "Kubernetes"]),
]
MODULES = ["cache", "router", "importer", "auth", "billing", "search", "scheduler", "exporter", "parser", "bot",
           "metrics", "queue", "storage", "render", "loader", "client", "config", "digest", "sync", "api"]
VERBS = ["Add", "Fix", "Refactor", "Speed up", "Rewrite", "Support", "Remove", "Split", "Document", "Test"]
TRIVIAL = ["Merge branch 'dev' into main", "bump version to {v}", "fix typo in README", "Run black", "wip",
           "Update README.md", "Merge pull request #{n} from me/feature"]
PROSE = [
    "I looked at the {m} module first: the hot path allocates a new buffer for every row.",
    "The tests now pass: {n} passed in {s} s.",
    "Latency went from {a} ms to {b} ms after batching the writes.",
    "Accuracy on the held-out set moved from {p}% to {q}%.",
    "The error came from a stale connection that the pool handed out after a restart.",
    "I kept the public interface as it was and moved the parsing into a helper.",
    "There are {n} call sites; I updated each of them and ran the suite again.",
    "This version uses {t} for the storage and keeps the old format readable.",
    "Memory use stayed flat at {s} MB while importing {n},000 rows.",
    "The failing case was an empty input: the loop never ran and the total stayed None.",
]
PROMPTS = [
    "Why is the {m} so slow on large inputs? Find out and fix it.",
    "Add {t} support to the {m} and write tests for it",
    "The {m} crashes with KeyError on empty config, please fix",
    "Refactor the {m} so that it can be tested without the network",
    "Measure how long the {m} takes for 100k rows and make it faster",
    "continue",
    "ok, commit it",
    "Explain how the {m} handles retries",
]


def build_rows(total: int, projects: int, seed: int) -> list[Activity]:
    rng = random.Random(seed)
    start = datetime(2026, 1, 5, 8, tzinfo=timezone.utc)
    per_project = total // projects
    rows: list[Activity] = []
    for p in range(projects):
        name = f"project-{p:02d}"
        stack, paths, techs = STACKS[p % len(STACKS)]
        when = start + timedelta(hours=rng.randint(0, 48))
        made = 0
        session_no = 0
        while made < per_project:
            session_no += 1
            session_id = f"{name}-s{session_no}"
            turn_index = 0
            size = min(rng.randint(4, 30), per_project - made)
            module = rng.choice(MODULES)
            for _ in range(size):
                kind = rng.random()
                if kind < 0.47:
                    rows.append(_commit(rng, name, when, module, paths, techs))
                elif kind < 0.94:
                    rows.append(_turn(rng, name, session_id, turn_index, when, module, paths, techs))
                    turn_index += 1
                else:
                    rows.append(_note(rng, name, when, module, techs))
                made += 1
                when += timedelta(minutes=rng.randint(3, 50))
            when += timedelta(hours=rng.randint(4, 60))
    return rows


def _fill(rng: random.Random, template: str, module: str, techs: list[str]) -> str:
    a = rng.randint(50, 900)
    p = round(rng.uniform(60, 90), 1)
    return template.format(m=module, t=rng.choice(techs), n=rng.randint(2, 400), s=round(rng.uniform(0.2, 40), 1),
                           a=a, b=rng.randint(5, a), p=p, q=round(p + rng.uniform(-3, 5), 1),
                           v=f"1.{rng.randint(0, 20)}.{rng.randint(0, 9)}")


def _commit(rng, project, when, module, paths, techs) -> Activity:
    if rng.random() < 0.25:
        message = _fill(rng, rng.choice(TRIVIAL), module, techs)
    else:
        subject = f"{rng.choice(VERBS)} {module} {rng.choice(['handling', 'for large inputs', 'retries', 'cache'])}"
        body = " ".join(_fill(rng, rng.choice(PROSE), module, techs) for _ in range(rng.randint(0, 3)))
        message = subject + (f"\n\n{body}" if body else "")
    files = [{"path": rng.choice(paths).format(m=module), "added": rng.randint(0, 200), "removed": rng.randint(0, 80)}
             for _ in range(rng.randint(1, 6))]
    commit_hash = fingerprint("bench", project, when.isoformat(), message) + "abcdef12"
    meta = {"hash": commit_hash, "parents": ["x"], "is_merge": message.startswith("Merge"), "own": True,
            "tz": "+03:00", "branches": ["main"], "repo": f"/src/{project}", "files": files, "languages": []}
    return Activity("git", project, "commit", when.isoformat(timespec="seconds"), "Dev <dev@example.org>",
                    message, meta, fingerprint("git", commit_hash))


def _turn(rng, project, session_id, index, when, module, paths, techs) -> Activity:
    prompt = _fill(rng, rng.choice(PROMPTS), module, techs)
    prose = " ".join(_fill(rng, rng.choice(PROSE), module, techs) for _ in range(rng.randint(3, 12)))
    failed = rng.random() < 0.2
    commands = [{"command": "uv run pytest -q", "failed": failed}]
    if rng.random() < 0.3:
        commands.append({"command": f"python scripts/bench_{module}.py", "failed": False})
    meta = {"session_id": session_id, "turn_index": index, "cwd": f"/src/{project}", "git_branch": "main",
            "started_at": when.isoformat(timespec="seconds"),
            "ended_at": (when + timedelta(minutes=rng.randint(1, 30))).isoformat(timespec="seconds"),
            "prompt": prompt, "assistant_text": [prose],
            "files_edited": [f"/src/{project}/" + rng.choice(paths).format(m=module) for _ in range(rng.randint(0, 3))],
            "files_written": [], "commands": commands,
            "errors": [f"KeyError: '{module}'"] if failed and rng.random() < 0.5 else [],
            "tool_calls": {"Bash": len(commands)}, "summary": None, "transcript": f"/t/{session_id}.jsonl"}
    return Activity("claude-code", project, "session", when.isoformat(timespec="seconds"), "",
                    f"{prompt}\n\n{prose}", meta, fingerprint("claude-code", session_id, index))


def _note(rng, project, when, module, techs) -> Activity:
    body = " ".join(_fill(rng, rng.choice(PROSE), module, techs) for _ in range(rng.randint(4, 15)))
    title = f"Notes on the {module}"
    path = f"/notes/{project}/{when.date()}-{rng.randint(0, 10**9)}.md"
    meta = {"path": path, "title": title, "tags": [], "date": when.date().isoformat(), "sha": fingerprint(body)[:12]}
    return Activity("notes", project, "note", when.isoformat(timespec="seconds"), "", body, meta,
                    fingerprint("notes", path, meta["sha"]))


def _cpu_seconds() -> float:
    """CPU time of this process and of the worker processes it has waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="build the store in this folder and keep it")
    args = parser.parse_args()
    os.environ["SOCIAL_PUBLISHER_NOW"] = "2027-06-01T00:00:00+00:00"  # every session has closed

    if args.keep is None:
        with tempfile.TemporaryDirectory(prefix="bench-select-") as folder:
            return run(args, Path(folder))
    args.keep.mkdir(parents=True, exist_ok=True)
    return run(args, args.keep)


def run(args: argparse.Namespace, folder: Path) -> int:
    db = folder / "bench.db"
    if db.exists():
        db.unlink()
    started = time.perf_counter()
    rows = build_rows(args.rows, args.projects, args.seed)
    with Store(db) as store:
        store.add_activity(rows)
    built = time.perf_counter() - started

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    with Store(db) as store:
        started, cpu_started = time.perf_counter(), _cpu_seconds()
        report = select(store, Config())
        took, cpu = time.perf_counter() - started, _cpu_seconds() - cpu_started
        again_started = time.perf_counter()
        again = select(store, Config())
        again_took = time.perf_counter() - again_started

    print(f"store built: {len(rows):,} rows, {args.projects} projects in {built:.1f} s ({db})")
    print(report.summary())
    print(f"select: {took:.2f} s wall ({cpu:.2f} s CPU with workers, {os.cpu_count()} cores, load average before "
          f"{load:.2f}) for {report.activity_read:,} rows "
          f"({report.activity_read / took:,.0f} rows/s) -> {'PASS' if took < 10 else 'FAIL'} (limit 10 s)")
    print(f"second select (nothing new): {again_took:.3f} s, {again.stories_selected} stories added")
    return 0 if took < 10 and again.stories_selected == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
