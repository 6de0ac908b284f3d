"""Benchmark: collecting Claude Code transcripts, end to end (parsed and stored).

Generates a transcript set of realistic lines (300 B to 50 KB: prompts, prose, thinking blocks,
tool calls and tool results with their `toolUseResult` copies; English, Russian and code) under
bench/.data (gitignored; reused when the same size was generated before), then reports, on the
same files in the same run:

  raw read       `cat FILES > /dev/null`
  orjson loop    a bare `for line in file: orjson.loads(line)` (the anchor to beat)
  our collect    ClaudeCodeSource.collect into a fresh SQLite store, in a child process
                 (so its peak RSS is its own). With 64 MB or more to read and a core to spare,
                 the collector reads transcripts in two worker processes (collect/transcripts.py,
                 POOL_*): the peak RSS printed is then the child's own plus each worker's counted
                 at the largest worker's peak (RUSAGE_CHILDREN), an upper bound: pages a worker
                 shares with its parent since the fork are counted twice

Each is measured --rounds times, interleaved, and the best time of each is kept.

Two shapes, each against its own orjson loop:

  large-lines   16 files of long turns with large lines (default 1 GB)
  short-turns   69 sessions of many short turns, as real transcripts have them: about 4 lines
                and 14 KB a turn group (default 200 MB: 57,364 lines, 14,890 turn groups)

Goals: our rate >= 75% of the orjson loop on both; peak RSS under 200 MB.

Measured 2026-12-02 (2 cores shared with other work; --rounds 3-5, best of each; load average given):
  large-lines   770-870 MB/s vs 451-483 MB/s, 171-181%, 176-177 MB RSS (77 MB + 2 workers x 50 MB)
                (load 1.2-2.4); in one process (--workers 1) 510-646 MB/s, 112-133%, 91 MB
  short-turns   350-373 MB/s vs 449-474 MB/s, 75-83%, 123-125 MB RSS (52 MB + 2 workers x 36 MB)
                (load 0.6-1.2: one core free); in one process 292-311 MB/s, 62-69%, 56-58 MB.
                With no core to spare the workers do not pay (load 2-3, two other busy processes:
                0.96 s with them, 0.86 s without, 56-57% vs 66%), so the collector then reads in
                one process: 58-66% as before. Measured without the workers' spool files (rows
                sent through the pipe), large-lines needed 225-235 MB

    .venv/bin/python bench/collect_claude.py                       # both shapes, full size
    .venv/bin/python bench/collect_claude.py --scale 0.1           # both, a tenth of the size
    .venv/bin/python bench/collect_claude.py --shape short-turns   # one shape
    .venv/bin/python bench/collect_claude.py --workers 1           # the collector in one process
"""

from __future__ import annotations

import os
import sys

# Scripts here run with bench/ first on sys.path; a bench script named like a stdlib module
# (bench/select.py) would shadow it, so this folder is taken off the path before other imports.
if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    sys.path.pop(0)

import argparse
import base64
import json
import math
import random
import resource
import subprocess
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
MB = 1024 * 1024
ENGLISH = ("the parser reads every line once and keeps only what the story needs so memory stays flat while "
           "tests pass faster than before because the cache hit rate went from twelve to sixty four percent "
           "after we moved the tokenizer out of the hot loop and measured it again").split()
RUSSIAN = ("парсер читает каждую строку один раз и хранит только то что нужно для истории поэтому память "
           "остаётся ровной а тесты проходят быстрее потому что доля попаданий в кэш выросла после того как "
           "мы вынесли токенизатор из горячего цикла и снова всё измерили").split()


def corpus(rng: random.Random, chars: int) -> str:
    """Mixed prose (en/ru) and code with quotes, backslashes, tabs and newlines."""
    parts, size = [], 0
    while size < chars:
        kind = rng.random()
        if kind < 0.35:
            text = " ".join(rng.choice(ENGLISH) for _ in range(rng.randint(8, 40))).capitalize() + ".\n"
        elif kind < 0.55:
            text = " ".join(rng.choice(RUSSIAN) for _ in range(rng.randint(8, 40))).capitalize() + ".\n"
        else:
            indent = "    " * rng.randint(0, 3)
            text = rng.choice([
                f'{indent}value = data.get("{rng.choice(ENGLISH)}", {rng.randint(0, 999)})\n',
                f'{indent}path = r"C:\\\\Users\\\\dev\\\\{rng.choice(ENGLISH)}.py"\n',
                f'{indent}if not line.startswith(b"{{"):\t# skip "{rng.choice(ENGLISH)}"\n',
                f'{indent}print(f"{{count}} lines in {{elapsed:.2f}} s")\n',
                f"{indent}assert result == {rng.randint(0, 99)}, 'unexpected {rng.choice(RUSSIAN)}'\n",
                f"{indent}tests/test_{rng.choice(ENGLISH)}.py::test_{rng.choice(ENGLISH)} PASSED  [{rng.randint(1, 99)}%]\n",
            ])
        parts.append(text)
        size += len(text)
    return "".join(parts)


class Generator:
    def __init__(self, seed: int = 7):
        self.rng = random.Random(seed)
        self.text = corpus(self.rng, 3_000_000)
        self.when = datetime(2026, 10, 1, 9, 0, tzinfo=timezone.utc)

    def chunk(self, low: int, high: int) -> str:
        size = int(math.exp(self.rng.uniform(math.log(low), math.log(high))))
        start = self.rng.randrange(0, len(self.text) - size)
        return self.text[start:start + size]

    def _base(self, kind: str, session: str, cwd: str, **extra) -> dict:
        self.when += timedelta(seconds=self.rng.randint(1, 20))
        line = {"parentUuid": str(uuid.UUID(int=self.rng.getrandbits(128))), "isSidechain": False,
                "userType": "external", "cwd": cwd, "sessionId": session, "version": "2.0.14",
                "gitBranch": "main", "type": kind}
        line.update(extra)
        line["uuid"] = str(uuid.UUID(int=self.rng.getrandbits(128)))
        line["timestamp"] = self.when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{self.rng.randint(0, 999):03d}Z"
        return line

    def _assistant(self, block: dict, session: str, cwd: str) -> dict:
        message = {"id": f"msg_01{self.rng.getrandbits(64):016x}", "type": "message", "role": "assistant",
                   "model": "claude-sonnet-4-5-20250929", "content": [block], "stop_reason": None,
                   "stop_sequence": None, "usage": {"input_tokens": 4, "cache_creation_input_tokens": 1532,
                                                    "cache_read_input_tokens": 48211, "output_tokens": 371,
                                                    "service_tier": "standard"}}
        return self._base("assistant", session, cwd, message=message,
                          requestId=f"req_011C{self.rng.getrandbits(64):016x}")

    def turn(self, session: str, cwd: str) -> list[dict]:
        rng = self.rng
        lines = [{"type": "file-history-snapshot", "messageId": str(uuid.UUID(int=rng.getrandbits(128))),
                  "snapshot": {"trackedFileBackups": {f"src/{w}.py": {"version": 2, "backupTime": "x"}
                                                      for w in rng.sample(ENGLISH, 4)}}, "isSnapshotUpdate": False},
                 self._base("user", session, cwd, message={"role": "user", "content": self.chunk(150, 2000)})]
        for _ in range(rng.randint(3, 30)):
            if rng.random() < 0.3:
                signature = base64.b64encode(rng.randbytes(rng.randint(300, 1200))).decode()
                lines.append(self._assistant({"type": "thinking", "thinking": self.chunk(400, 40_000),
                                              "signature": signature}, session, cwd))
            if rng.random() < 0.4:
                lines.append(self._assistant({"type": "text", "text": self.chunk(100, 3000)}, session, cwd))
            if rng.random() < 0.75:
                lines += self.tool(session, cwd)
        lines.append(self._assistant({"type": "text", "text": self.chunk(100, 1500)}, session, cwd))
        return lines

    def short_turn(self, session: str, cwd: str) -> list[dict]:
        """A real-sized turn: a short prompt, one tool call (sometimes a thought first), a short answer."""
        rng = self.rng
        lines = [self._base("user", session, cwd, message={"role": "user", "content": self.chunk(20, 600)})]
        if rng.random() < 0.25:
            signature = base64.b64encode(rng.randbytes(rng.randint(300, 1200))).decode()
            lines.append(self._assistant({"type": "thinking", "thinking": self.chunk(400, 20_000),
                                          "signature": signature}, session, cwd))
        if rng.random() < 0.8:
            lines += self.tool(session, cwd)
        lines.append(self._assistant({"type": "text", "text": self.chunk(60, 1200)}, session, cwd))
        return lines

    def tool(self, session: str, cwd: str) -> list[dict]:
        rng = self.rng
        call_id = f"toolu_01{rng.getrandbits(80):020x}"
        name = rng.choice(["Bash", "Bash", "Read", "Read", "Edit", "Write", "Grep"])
        path = f"{cwd}/src/{rng.choice(ENGLISH)}.py"
        arguments = {"Bash": lambda: {"command": f"pytest -q tests/test_{rng.choice(ENGLISH)}.py",
                                      "description": "Run the tests"},
                     "Read": lambda: {"file_path": path},
                     "Edit": lambda: {"file_path": path, "old_string": self.chunk(50, 8000),
                                      "new_string": self.chunk(50, 8000)},
                     "Write": lambda: {"file_path": path, "content": self.chunk(300, 40_000)},
                     "Grep": lambda: {"pattern": rng.choice(ENGLISH), "path": cwd}}[name]()
        output = self.chunk(60, 22_000)
        failed = rng.random() < 0.06
        if name == "Read":  # the model sees numbered lines; toolUseResult keeps the file as it is
            copy = {"type": "text", "file": {"filePath": path, "content": output, "numLines": output.count("\n")}}
            output = "".join(f"{n:>6}\u2192{text}\n" for n, text in enumerate(output.splitlines(), 1))
        else:
            copy = {"stdout": output, "stderr": "", "interrupted": False, "isImage": False}
        return [self._assistant({"type": "tool_use", "id": call_id, "name": name, "input": arguments}, session, cwd),
                self._base("user", session, cwd, message={"role": "user", "content": [
                    {"tool_use_id": call_id, "type": "tool_result", "content": output, "is_error": failed}]},
                    toolUseResult=copy)]


SHAPES = {"large-lines": {"size_mb": 1024, "files": 16}, "short-turns": {"size_mb": 200, "files": 69}}


def generate(root: Path, size_mb: int, files: int, shape: str = "large-lines") -> list[Path]:
    marker = root / "generated.json"
    wanted = {"size_mb": size_mb, "files": files, "version": 4, "shape": shape}
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        return sorted(root.rglob("*.jsonl"))
    for stale in root.rglob("*.jsonl"):
        stale.unlink()
    generator = Generator()
    per_file = size_mb * MB // files
    paths = []
    for index in range(files):
        project = f"project{index % 5}"
        cwd = f"/home/dev/code/{project}"
        folder = root / "projects" / cwd.replace("/", "-")
        folder.mkdir(parents=True, exist_ok=True)
        session = str(uuid.UUID(int=generator.rng.getrandbits(128)))
        path = folder / f"{session}.jsonl"
        written = 0
        with open(path, "wb") as out:
            while written < per_file:
                turn = generator.short_turn if shape == "short-turns" else generator.turn
                data = b"".join(orjson.dumps(line) + b"\n" for line in turn(session, cwd))
                out.write(data)
                written += len(data)
        paths.append(path)
        print(f"  generated {path.name}: {written / MB:.0f} MB", file=sys.stderr)
    marker.write_text(json.dumps(wanted))
    return sorted(paths)


def raw_read(paths: list[Path]) -> float:
    start = time.perf_counter()
    subprocess.run(["cat", *map(str, paths)], stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def orjson_loop(paths: list[Path]) -> float:
    start = time.perf_counter()
    for path in paths:
        with open(path, "rb") as file:
            for line in file:
                orjson.loads(line)
    return time.perf_counter() - start


def run_collect(root: Path, db: Path, workers: int | None = None) -> dict:
    """In this (child) process: collect the set into a fresh store, report time and peak RSS."""
    from social_publisher.collect import SourceReport, transcripts
    from social_publisher.collect.claude_code import ClaudeCodeSource
    from social_publisher.config import SourceConfig
    from social_publisher.store import Store

    if workers is not None:  # --workers: 1 reads every transcript in this process
        transcripts.POOL_WORKERS = workers

    start = time.perf_counter()
    with Store(db) as store:
        report = SourceReport(source=str(root), type="claude-code")
        ClaudeCodeSource(SourceConfig(type="claude-code", path=root)).collect(store, report)
    seconds = time.perf_counter() - start
    # The collector may read in worker processes (transcripts.POOL_WORKERS, forked; all ended by
    # now). RUSAGE_CHILDREN gives the largest peak of one of them: the figure counts each worker at
    # that peak, plus this process's own, an upper bound (the peaks need not coincide, and pages a
    # worker shares with this process after the fork are counted twice).
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    workers = transcripts.POOL_WORKERS if worker else 0
    return {"seconds": seconds, "rows": report.new_activity, "skipped": report.skipped, "files": report.files_read,
            "own_rss_mb": own, "worker_rss_mb": worker, "workers": workers, "peak_rss_mb": own + workers * worker}


def measure(root: Path, shape: str, size_mb: int, files: int, rounds: int, workers: int | None = None) -> bool:
    """Generate (or reuse) one shape's set, measure the three contenders, print; True when goals are met."""
    root.mkdir(parents=True, exist_ok=True)
    print(f"{shape} transcript set: {root}", file=sys.stderr)
    paths = generate(root / "set", size_mb, files, shape)
    total = sum(p.stat().st_size for p in paths) / MB
    lines = sum(1 for p in paths for _ in open(p, "rb"))
    raw_read(paths)  # warm the page cache so every contender reads from memory
    raw, loop, ours = float("inf"), float("inf"), {"seconds": float("inf")}
    for _ in range(rounds):  # interleaved rounds, best of each: a busy machine slows them alike
        raw = min(raw, raw_read(paths))
        loop = min(loop, orjson_loop(paths))
        with tempfile.TemporaryDirectory() as scratch:
            env = {**os.environ, "SOCIAL_PUBLISHER_NOW": "2027-01-01T00:00:00+00:00"}
            child = subprocess.run(
                [sys.executable, __file__, "--run-collect", str(root / "set"), str(Path(scratch) / "b.db"),
                 *(["--workers", str(workers)] if workers else [])],
                capture_output=True, text=True, env=env, check=True)
        run = json.loads(child.stdout)
        ours = run if run["seconds"] < ours["seconds"] else ours
    ratio = (total / ours["seconds"]) / (total / loop)
    rss_ok = ours["peak_rss_mb"] < 200
    print(f"\n{shape}: {len(paths)} files, {total:.0f} MB, {lines:,} lines "
          f"({total * MB / lines / 1024:.1f} KB a line on average), {ours['rows']:,} turn groups")
    print(f"  raw read (cat > /dev/null)    {total / raw:8.0f} MB/s")
    print(f"  bare orjson.loads loop        {total / loop:8.0f} MB/s")
    print(f"  our collect (parsed + stored) {total / ours['seconds']:8.0f} MB/s   "
          f"{ours['seconds']:.2f} s, {ours['skipped']} skipped")
    print(f"  ours / orjson loop            {ratio:8.0%}      goal >= 75%  {'ok' if ratio >= 0.75 else 'MISSED'}")
    print(f"  peak RSS of our collect       {ours['peak_rss_mb']:8.0f} MB    goal < 200 MB "
          f"{'ok' if rss_ok else 'MISSED'}"
          + (f"  ({ours['own_rss_mb']:.0f} MB + {ours['workers']} worker processes x {ours['worker_rss_mb']:.0f} MB)"
             if ours["workers"] else "  (one process)"))
    return ratio >= 0.75 and rss_ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shape", choices=[*SHAPES, "both"], default="both", help="which transcript shape (default both)")
    parser.add_argument("--scale", type=float, default=1.0, help="size factor for every shape (default 1)")
    parser.add_argument("--size-mb", type=int, help="size of the set (overrides the shape's default and --scale)")
    parser.add_argument("--files", type=int, help="number of transcript files (default: the shape's)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved measuring rounds, best kept (default 3)")
    parser.add_argument("--dir", type=Path, help="where to generate (default bench/.data/claude-<shape>-<size>mb)")
    parser.add_argument("--workers", type=int, help="the collector's worker processes (default: its own, "
                        "transcripts.POOL_WORKERS; 1 reads in one process)")
    parser.add_argument("--run-collect", nargs=2, metavar=("ROOT", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_collect:
        print(json.dumps(run_collect(Path(args.run_collect[0]), Path(args.run_collect[1]), args.workers)))
        return
    ok = True
    for shape in (SHAPES if args.shape == "both" else [args.shape]):
        size_mb = args.size_mb or max(1, round(SHAPES[shape]["size_mb"] * args.scale))
        files = args.files or SHAPES[shape]["files"]
        root = (args.dir / shape) if args.dir else HERE / ".data" / f"claude-{shape}-{size_mb}mb"
        ok = measure(root, shape, size_mb, files, args.rounds, args.workers) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
