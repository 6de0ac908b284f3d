"""Benchmark: cover cards — time per card and PNG size, for short and long titles in both scripts.

Goals: under 200 KB per card (a hard bound the code enforces); well under a second per card
(enrich makes one per story).

    .venv/bin/python bench/covers.py            # 30 cards per title
    .venv/bin/python bench/covers.py --rounds 5
"""

from __future__ import annotations

import os
import sys

if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    sys.path.pop(0)

import argparse
import statistics
import time

from social_publisher.enrich import covers

TITLES = {
    "short en": "Retry the fetcher with backoff",
    "long en": "Cut the container build from four minutes to fifty seconds by caching wheels and "
               "reordering the Dockerfile layers so dependencies change less often than code",
    "short ru": "Повторы запросов к API телеграма",
    "long ru": "Ускорил сборку контейнеров и научил бота повторять запросы к API телеграма с экспоненциальной "
               "задержкой, чтобы ночные сбои сети больше не роняли рассылку",
}
TAGS = ["python", "docker", "telegram", "postgresql", "github-actions"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    covers.render_cover("warm-up", "bench", TAGS)  # fonts loaded once per process
    print(f"{'title':<10} {'median ms':>10} {'max ms':>8} {'KB':>6}")
    for name, title in TITLES.items():
        times = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            data = covers.render_cover(title, "tg-digest-bot", TAGS)
            times.append(time.perf_counter() - started)
        print(f"{name:<10} {statistics.median(times) * 1000:>10.1f} {max(times) * 1000:>8.1f} {len(data) / 1000:>6.1f}")


if __name__ == "__main__":
    main()
