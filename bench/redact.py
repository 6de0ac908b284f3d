"""Benchmark: the redactor's throughput over activity text (issue 8: it runs over every text).

    .venv/bin/python bench/redact.py [--rows 20000] [--seed 1] [--planted 0.02] [--rounds 3]

Texts come from bench/select.py's generator (commit messages, prompts, assistant prose,
commands, error lines, note bodies, file paths), plus --planted: the share of texts that
also carry one secret or private value (a provider key, a card or phone number, an
internal host, ...). Reported, best of --rounds (the machine is shared):

  scrub      Redactor.scrub over every prose text (what enrich does): MB/s, texts/s
  short      Redactor.scrub_json over select's short evidence strings (what select does)
  paths      Redactor.scrub_path over every file path
  findings   Redactor.findings over the same prose (what the post checks do)

and, as a correctness figure, how many planted values are still in the scrubbed text (0).
"""

from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.realpath(__file__))
sys.path[:] = [p for p in sys.path if os.path.realpath(p or os.getcwd()) != _HERE]

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402

from social_publisher.enrich.redact import Redactor  # noqa: E402

PLANTED = [
    "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY", "db01.corp.internal",
    "npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", "4111 1111 1111 1111", "+7 916 123-45-67",
    "hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "536-90-4399",
]


def _generator():
    spec = importlib.util.spec_from_file_location("bench_select", os.path.join(_HERE, "select.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def texts_of(rows, rng: random.Random, planted_share: float) -> tuple[list[str], list[str], list[str]]:
    """(prose texts, short evidence strings, file paths) of the generated activity."""
    prose, short, paths = [], [], []
    for row in rows:
        meta = row.meta
        prose.append(row.text)
        prose += [str(t) for t in meta.get("assistant_text") or []]
        if meta.get("prompt"):
            prose.append(meta["prompt"])
        short += [str(c.get("command", "")) for c in meta.get("commands") or []]
        short += [str(e) for e in meta.get("errors") or []]
        short.append(row.text.split("\n", 1)[0][:80])
        paths += [str(f.get("path", "")) for f in meta.get("files") or []]
        paths += [str(p) for p in meta.get("files_edited") or []]
    for index in range(len(prose)):
        if rng.random() < planted_share:
            prose[index] += f" I used {rng.choice(PLANTED)} for the staging run."
    return prose, short, paths


def _best(rounds: int, work) -> tuple[float, float]:
    """Best wall time and best CPU time of `rounds` runs."""
    wall = cpu = float("inf")
    for _ in range(rounds):
        started, started_cpu = time.perf_counter(), time.process_time()
        work()
        wall = min(wall, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - started_cpu)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--planted", type=float, default=0.02)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    rows = _generator().build_rows(args.rows, 20, args.seed)
    prose, short, paths = texts_of(rows, random.Random(args.seed), args.planted)
    size = sum(len(t.encode("utf-8")) for t in prose)
    print(f"{args.rows:,} activity rows: {len(prose):,} prose texts ({size / 1e6:.1f} MB), "
          f"{len(short):,} short strings, {len(paths):,} paths; load average {os.getloadavg()[0]:.2f}")

    def scrub_all() -> None:
        redactor = Redactor()
        for text in prose:
            redactor.scrub(text)

    def short_all() -> None:
        redactor = Redactor()  # a fresh cache per round, as in one select run
        for text in short:
            redactor.scrub_json(text)

    def paths_all() -> None:
        redactor = Redactor()
        for path in paths:
            redactor.scrub_path(path)

    def findings_all() -> None:
        redactor = Redactor()
        for text in prose:
            redactor.findings(text)

    for name, work, count, megabytes in (("scrub", scrub_all, len(prose), size / 1e6),
                                         ("short", short_all, len(short), None),
                                         ("paths", paths_all, len(paths), None),
                                         ("findings", findings_all, len(prose), size / 1e6)):
        seconds, cpu = _best(args.rounds, work)
        rate = f"{megabytes / seconds:6.2f} MB/s ({megabytes / cpu:5.2f} per CPU s), " if megabytes else " " * 33
        print(f"{name:<9} {seconds:7.3f} s wall {cpu:7.3f} s CPU  {rate}{count / seconds:10,.0f} texts/s")

    redactor = Redactor()
    left = sum(1 for text in prose for value in PLANTED if value in redactor.scrub(text).text)
    print(f"planted values left after scrub: {left}")
    return 0 if left == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
