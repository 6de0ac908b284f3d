"""Reading posts as a reader would (issue 11's acceptance), as figures: a helper the tests import
and a script for a real run's `posts --json` output.

    python tests/post_figures.py posts.json

prints, per language, the posts written / rejected / approved and their median length, then the
three acceptance figures: sentences of six or more words that appear in three or more posts of
one language, posts that list six or more file paths or narrate line counts, and Russian posts
under 85% Cyrillic outside code spans, code blocks and URLs. Holds no tests.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable

from social_publisher.signals import SENTENCE_BREAK
from social_publisher.write import text as measure
from social_publisher.write.provenance import strip_footer
from social_publisher.write.offline.russian import MIN_CYRILLIC, cyrillic_share

PATH = re.compile(r"`([^`\s]*(?:/[^`\s]*|\.[A-Za-z]{1,5}))`")
LINE_COUNTS = re.compile(r"lines? (?:added|removed)|\d+ lines\b|строк (?:добавлено|удалено)|across \d+ files",
                         re.IGNORECASE)
MIN_SENTENCE_WORDS = 6
MAX_POSTS_PER_SENTENCE = 2
MAX_PATHS = 5


def sentences(body: str) -> list[str]:
    """The sentences a reader sees, of MIN_SENTENCE_WORDS words or more: list items and paragraphs
    split at sentence ends, headings left out, compared in lower case without punctuation."""
    out = []
    for line in body.splitlines():
        line = line.strip().lstrip("-*>").strip()
        if line and not line.startswith("#"):
            out += [" ".join(re.findall(r"[^\W_]+", s.lower())) for s in SENTENCE_BREAK.split(line) if s.strip()]
    return [s for s in out if measure.words(s) >= MIN_SENTENCE_WORDS]


def repeated_sentences(posts: Iterable[Any]) -> dict[str, dict[str, int]]:
    """Per language, each sentence told in more than MAX_POSTS_PER_SENTENCE stories' posts, with how many."""
    out: dict[str, dict[str, int]] = {}
    posts = list(posts)
    for lang in ("en", "ru"):
        seen: dict[str, set[Any]] = defaultdict(set)
        for post in (p for p in posts if _get(p, "lang") == lang):
            for sentence in sentences(_get(post, "body_md")):
                seen[sentence].add(_get(post, "story_id"))
        out[lang] = {s: len(ids) for s, ids in seen.items() if len(ids) > MAX_POSTS_PER_SENTENCE}
    return out


def file_dumps(posts: Iterable[Any]) -> list[Any]:
    """Posts that name more than MAX_PATHS distinct file paths, one path twice, or narrate line counts."""
    out = []
    for post in posts:
        body = _get(post, "body_md")
        paths = [p for p in PATH.findall(body) if re.search(r"\w", p)]  # not the "/" between `--a`/`--b`
        if len(set(paths)) > MAX_PATHS or len(paths) != len(set(paths)) or LINE_COUNTS.search(body):
            out.append(post)
    return out


def not_russian_enough(posts: Iterable[Any]) -> list[Any]:
    """Russian posts with less than MIN_CYRILLIC Cyrillic among the letters outside code and URLs."""
    return [p for p in posts if _get(p, "lang") == "ru" and cyrillic_share(_get(p, "body_md")) < MIN_CYRILLIC]


def figures(posts: Iterable[Any]) -> dict[str, Any]:
    posts = list(posts)
    out: dict[str, Any] = {}
    for lang in ("en", "ru"):
        mine = [p for p in posts if _get(p, "lang") == lang]
        lengths = [measure.words(strip_footer(_get(p, "body_md"))) for p in mine]  # as the length check counts
        out[lang] = {"written": len(mine),
                     "rejected": sum(_get(p, "status") == "rejected" for p in mine),
                     "approved": sum(_get(p, "status") == "approved" for p in mine),
                     "median_words": statistics.median(lengths) if lengths else 0}
    approved = {lang: {_get(p, "story_id") for p in posts if _get(p, "lang") == lang and _get(p, "status") == "approved"}
                for lang in ("en", "ru")}
    out["published_in_one_language_only"] = len(approved["en"] ^ approved["ru"])
    repeated = repeated_sentences(posts)
    out["repeated_sentences"] = {lang: len(found) for lang, found in repeated.items()}
    out["file_dumps"] = len(file_dumps(posts))
    out["ru_under_85"] = len(not_russian_enough(posts))
    return out


def _get(post: Any, key: str) -> Any:
    return post[key] if isinstance(post, dict) else getattr(post, key)


def main(argv: list[str]) -> None:
    posts = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    result = figures(posts)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    for lang, found in repeated_sentences(posts).items():
        for sentence, n in sorted(found.items(), key=lambda item: -item[1])[:15]:
            print(f"  {lang} x{n}: {sentence}")


if __name__ == "__main__":
    main(sys.argv)
