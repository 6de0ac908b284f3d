"""Benchmark: collecting a git repository, end to end (parsed and stored).

Generates a repository of 50,000 commits with `git fast-import` (branches, merges, several
authors, files in a dozen languages) under bench/.data (gitignored; reused when present),
then reports, in the same run on the same repository:

  git log        `git log --all --numstat` with its output read and thrown away (the anchor)
  our collect    GitSource.collect into a fresh SQLite store
  re-run         collect again after 10 new commits (incremental)

The first two are measured --rounds times, interleaved, and the best time of each is kept.

Goals: our collect <= 1.5x the git log time; the incremental re-run under 1 second.
Give a path to also measure a real repository (nothing is written to it).

    .venv/bin/python bench/collect_git.py
    .venv/bin/python bench/collect_git.py --commits 5000 ~/code/some-repo
"""

from __future__ import annotations

import os
import sys

# Scripts here run with bench/ first on sys.path; a bench script named like a stdlib module
# (bench/select.py) would shadow it, so this folder is taken off the path before other imports.
if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    sys.path.pop(0)

import argparse
import random
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from social_publisher.collect import SourceReport
from social_publisher.collect.git import GitSource
from social_publisher.config import SourceConfig
from social_publisher.store import Store

HERE = Path(__file__).resolve().parent
AUTHORS = ["Demo Developer <dev@example.org>", "Ann Other <ann@example.org>", "Бот Сборки <ci@example.org>"]
EXTENSIONS = ["py", "py", "py", "ts", "go", "rs", "md", "toml", "yaml", "sql", "sh", "css"]
WORDS = "fix add parser cache router retry tokenizer eval speed memory test docs config ci bump".split()


def _data(payload: bytes) -> bytes:
    return b"data %d\n" % len(payload) + payload + b"\n"


def generate(path: Path, commits: int, seed: int = 3) -> None:
    """A repository of `commits` commits made by one `git fast-import` stream."""
    rng = random.Random(seed)
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    importer = subprocess.Popen(["git", "-C", str(path), "fast-import", "--quiet"], stdin=subprocess.PIPE)
    assert importer.stdin
    files = {f"src/module{i % 40}/file{i}.{rng.choice(EXTENSIONS)}": [f"line {j} of {i}" for j in range(30)]
             for i in range(300)}
    names = list(files)
    when = 1_700_000_000
    mark = 0
    main_tip = 0

    def commit(ref: str, parent: int, merge: int = 0) -> int:
        nonlocal mark, when
        mark += 1
        when += rng.randint(60, 3600)
        author = rng.choice(AUTHORS)
        message = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} in {rng.choice(names)} (#{mark})\n"
        if rng.random() < 0.3:
            message += "\n" + " ".join(rng.choice(WORDS) for _ in range(30)) + "\n"
        out = [f"commit {ref}\nmark :{mark}\n".encode(),
               f"author {author} {when} +0300\ncommitter {author} {when} +0300\n".encode(),
               _data(message.encode())]
        if parent:
            out.append(f"from :{parent}\n".encode())
        if merge:
            out.append(f"merge :{merge}\n".encode())
        for name in rng.sample(names, rng.randint(1, 3)):
            lines = files[name]
            for _ in range(rng.randint(1, 4)):
                lines[rng.randrange(len(lines))] = f"{rng.choice(WORDS)} {rng.randint(0, 10**6)}"
            if rng.random() < 0.3:
                lines.insert(rng.randrange(len(lines)), f"new {mark}")
            out.append(f"M 100644 inline {name}\n".encode() + _data("\n".join(lines).encode() + b"\n"))
        importer.stdin.write(b"".join(out))
        return mark

    while mark < commits:
        if mark and mark % 500 == 0 and commits - mark > 12:  # a feature branch, merged back
            branch_tip, branch = main_tip, f"refs/heads/feature{mark // 500}"
            for _ in range(5):
                branch_tip = commit(branch, branch_tip)
            main_tip = commit("refs/heads/main", main_tip, merge=branch_tip)
        else:
            main_tip = commit("refs/heads/main", main_tip)
    importer.stdin.close()
    if importer.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "-C", str(path), "reset", "-q", "--hard"], check=True)


def git_log_seconds(repo: Path, revisions: tuple[str, ...] = ("--all",)) -> float:
    start = time.perf_counter()
    process = subprocess.Popen(["git", "-C", str(repo), "log", *revisions, "--numstat"], stdout=subprocess.PIPE)
    assert process.stdout
    while process.stdout.read(1 << 20):
        pass
    if process.wait() != 0:
        print(f"  (git log {' '.join(revisions)} failed: its time is not a fair anchor)", file=sys.stderr)
    return time.perf_counter() - start


def collect_seconds(repo: Path, store: Store) -> tuple[float, SourceReport]:
    report = SourceReport(source=str(repo), type="git")
    start = time.perf_counter()
    GitSource(SourceConfig(type="git", path=repo)).collect(store, report)
    return time.perf_counter() - start, report


def add_commits(repo: Path, count: int) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Demo Developer", "GIT_AUTHOR_EMAIL": "dev@example.org",
           "GIT_COMMITTER_NAME": "Demo Developer", "GIT_COMMITTER_EMAIL": "dev@example.org"}
    for index in range(count):
        (repo / "bench_extra.py").write_text(f"value = {index}\n" * (index + 1))
        subprocess.run(["git", "-C", str(repo), "add", "bench_extra.py"], check=True, env=env)
        subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", f"Extra commit {index}"], check=True, env=env)


def measure(repo: Path, label: str, *, rerun: bool, rounds: int) -> None:
    def count(*revisions: str) -> int:
        return int(subprocess.run(["git", "-C", str(repo), "rev-list", *revisions, "--count"], capture_output=True,
                                  text=True, check=True).stdout)

    everything, local = count("--all"), count("--branches", "HEAD")
    print(f"\n{label}: {repo} ({everything:,} commits, {local:,} on local branches)")
    git_log_seconds(repo)  # warm the caches so both contenders read from memory
    anchor, ours = float("inf"), float("inf")
    with tempfile.TemporaryDirectory() as scratch:
        for round_number in range(rounds):  # interleaved rounds, best of each: a busy machine slows both
            anchor = min(anchor, git_log_seconds(repo))
            with Store(Path(scratch) / f"bench{round_number}.db") as store:
                seconds, report = collect_seconds(repo, store)
                ours = min(ours, seconds)
        print(f"  git log --all --numstat      {anchor:7.2f} s")
        print(f"  our collect (parsed+stored)  {ours:7.2f} s   {report.new_activity:,} commits stored, "
              f"{report.skipped} skipped")
        ratio = ours / anchor
        print(f"  ratio                        {ratio:7.2f}x    goal <= 1.5x  {'ok' if ratio <= 1.5 else 'MISSED'}")
        if local != everything:  # e.g. a mirror with refs/pull/*: compare with the same commits as well
            same = min(git_log_seconds(repo, ("--branches", "HEAD")) for _ in range(rounds))
            print(f"  git log --branches HEAD --numstat {same:5.2f} s   (the commits we read) -> {ours / same:.2f}x")
        if rerun:
            with Store(Path(scratch) / f"bench{rounds - 1}.db") as store:
                unchanged, _ = collect_seconds(repo, store)
                add_commits(repo, 10)
                again, report = collect_seconds(repo, store)
            print(f"  re-run, nothing new          {unchanged:7.3f} s")
            print(f"  re-run after 10 new commits  {again:7.3f} s   {report.new_activity} new   "
                  f"goal < 1 s  {'ok' if again < 1 and report.new_activity == 10 else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repo", nargs="?", type=Path, help="a real repository to measure as well (read only)")
    parser.add_argument("--commits", type=int, default=50_000, help="size of the generated repository")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved measuring rounds, best kept (default 3)")
    args = parser.parse_args()
    generated = HERE / ".data" / f"git-{args.commits}"
    if not (generated / ".git").exists():
        shutil.rmtree(generated, ignore_errors=True)
        generated.mkdir(parents=True)
        start = time.perf_counter()
        generate(generated, args.commits)
        print(f"generated {generated} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    with tempfile.TemporaryDirectory() as scratch:  # a copy, so the incremental run can add commits
        copy = Path(scratch) / "repo"
        shutil.copytree(generated, copy, symlinks=True)
        measure(copy, "generated", rerun=True, rounds=args.rounds)
    if args.repo:
        measure(args.repo.expanduser().resolve(), "given", rerun=False, rounds=args.rounds)


if __name__ == "__main__":
    main()
