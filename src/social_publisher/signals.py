"""Text signals shared by select (for scoring) and enrich (for facts).

Pure functions over strings: measured numbers, before/after pairs, trivial
commit messages. Kept in one place so the selector scores exactly what the
writer will later be allowed to say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

# A number with an optional unit: 76.8%, 1,000 steps, 0.4 s, 3x, 120 ms, 2.5 GB
_UNIT = (r"(?:%|x|×|ms|s|sec|seconds|min|minutes|h|hours|MB/s|GB/s|KB|MB|GB|TB|k|M|pp|points?"
         r"|мс|сек|с|мин|ч|КБ|МБ|ГБ|ТБ|п\.п\.|раза?)")
# Thousands with a comma or a no-break space (1,000), a Russian decimal comma before a unit (76,8%),
# or a plain number.
# A number glued to a name by a hyphen (CIFAR-10, GPT-4) is part of the name, not a measurement.
_NUMBER = (rf"(?<![\w.,])(?<![^\W\d_]-)-?\d{{1,3}}(?:[,\u00a0]\d{{3}})+(?:\.\d+)?(?!,\d)"
           rf"|(?<![\w.,])(?<![^\W\d_]-)-?\d+,\d{{1,2}}(?=\s?{_UNIT}(?!\w))"
           r"|(?<![\w.,])(?<![^\W\d_]-)-?\d+(?:\.\d+)?")
NUMBER_RE = re.compile(rf"(?P<value>{_NUMBER})\s?(?P<unit>{_UNIT})?(?![\w])")
# "73.0% -> 76.8%", "6 calls → 3", "from 12 s to 3 s"
BEFORE_AFTER_RE = re.compile(
    rf"(?P<before>(?:{_NUMBER})\s?{_UNIT}?)(?:\s?[a-zA-Zа-яА-Я/ ]{{0,20}}?)\s*(?:->|→|=>|➜)\s*(?P<after>(?:{_NUMBER})\s?{_UNIT}?)"
    rf"|from\s+(?P<before2>(?:{_NUMBER})\s?{_UNIT}?)\s+to\s+(?P<after2>(?:{_NUMBER})\s?{_UNIT}?)"
    rf"|(?<!\w)с\s+(?P<before3>(?:{_NUMBER})\s?{_UNIT}?)\s+до\s+(?P<after3>(?:{_NUMBER})\s?{_UNIT}?)",
    re.IGNORECASE,
)
_DIGIT_RE = re.compile(r"\d")
# Where a match of NUMBER_RE / BEFORE_AFTER_RE can start. Both patterns open with lookbehinds,
# which keep the regex engine from skipping ahead; _finditer jumps to these characters first.
_NUMBER_START_RE = re.compile(r"[-\d]")
_PAIR_START_RE = re.compile(r"[-\dfFсС]")


def _finditer(pattern: re.Pattern[str], start: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """The matches `pattern.finditer(text)` gives, found faster (lookbehinds see before `pos`)."""
    position = 0
    while True:
        candidate = start.search(text, position)
        if candidate is None:
            return
        match = pattern.match(text, candidate.start())
        if match is None:
            position = candidate.start() + 1
        else:
            yield match
            position = max(match.end(), candidate.start() + 1)
# An HTTP error status glued to a plural "s" ("429s", "503s") reads as "many 429 responses".
_HTTP_STATUS_PLURAL_RE = re.compile(r"[45]\d\ds")
_DATE_OR_VERSION_RE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\bv?\d+\.\d+\.\d+\b|\b\d{1,2}:\d{2}(?::\d{2})?\b")


@dataclass(frozen=True)
class Measurement:
    """A number found in text with the words around it (the context a writer may quote)."""

    value: str  # as written, unit included: "76.8%"
    context: str  # the sentence (trimmed) that holds it


def measurements(text: str, *, limit: int = 20) -> list[Measurement]:
    """Numbers that look measured (with a unit, a decimal point, or beside a metric word).

    Dates, times, versions and bare small integers (step numbers, line numbers) are ignored.
    """
    found: list[Measurement] = []
    seen: set[str] = set()
    for sentence in _cleaned_sentences(text):
        for match in _finditer(NUMBER_RE, _NUMBER_START_RE, sentence):
            value, unit = match.group("value"), match.group("unit") or ""
            if unit == "s" and _HTTP_STATUS_PLURAL_RE.fullmatch(match.group(0)):
                continue  # "Telegram 429s", "no 5xx... 503s": plural status codes, not seconds
            if not unit and "." not in value and not _near_metric_word(sentence, match.start()):
                continue
            written = f"{value}{unit}" if unit in ("%", "x", "×") else f"{value} {unit}".strip()
            if written in seen:
                continue
            seen.add(written)
            found.append(Measurement(value=written, context=sentence.strip()[:240]))
            if len(found) >= limit:
                return found
    return found


def before_after_pairs(text: str) -> list[tuple[str, str]]:
    """Pairs like ("73.0%", "76.8%") from "73.0% → 76.8%" or "from 6 to 3"."""
    pairs = []
    for match in _finditer(BEFORE_AFTER_RE, _PAIR_START_RE, text):
        before = match.group("before") or match.group("before2") or match.group("before3")
        after = match.group("after") or match.group("after2") or match.group("after3")
        if before and after:
            pairs.append((before.strip(), after.strip()))
    return pairs


_METRIC_WORDS = re.compile(
    r"accuracy|loss|latency|throughput|speed|faster|slower|tests?|passed|failed|errors?|calls?|requests?|"
    r"commits?|rows|records|files|lines|items|users|steps|epochs|score|ratio|rate|memory|seconds|точност|тест|ошиб|запрос",
    re.IGNORECASE,
)


def _near_metric_word(sentence: str, position: int) -> bool:
    window = sentence[max(0, position - 40): position + 40]
    return bool(_METRIC_WORDS.search(window))


def _cleaned_sentences(text: str) -> Iterator[str]:
    """Sentences that hold a digit, with dates, times and versions blanked, cleaned only as far
    as they are read (none of those spans a sentence break, so this equals cleaning the whole
    text first; sentences without a digit could yield no number anyway)."""
    for sentence in SENTENCE_BREAK.split(text):
        if not _DIGIT_RE.search(sentence):
            continue  # no number, nothing to measure
        for piece in SENTENCE_BREAK.split(_DATE_OR_VERSION_RE.sub(" ", sentence)):
            if piece.strip():
                yield piece


# Where one sentence ends and the next begins: after . ! ? and whitespace, or at a line break.
# The one definition for select, enrich and the redactor. Not after an abbreviation ("e.g.",
# "i.e.", "vs.", "т. е."; "etc." only before a lower-case word) nor inside parentheses on one line.
SENTENCE_BREAK = re.compile(
    r"(?<!\b(?i:e\.g|i\.e)\.)(?<!\b(?i:vs|cf)\.)(?<!\bт\.)(?<!\bт\.е\.)(?<!\bт\. е\.)(?<!\bт\.к\.)(?<!\bт\. к\.)"
    r"(?<=[.!?])(?:(?<=etc\.)(?=\s+[A-ZА-ЯЁ\d])|(?<!etc\.))(?![^()\n]*\))\s+|\n+"
)


_TRIVIAL_REASONS: tuple[tuple[str, str], ...] = tuple(
    (reason, pattern)
    for reason, pattern in (
        ("merge", r"merge (?:branch|pull request|remote-tracking branch)\b.*|merge\b.*\binto\b.*"),
        ("version bump", r"(?:chore[:(].*)?bump (?:version|deps?|dependencies)\b.*"
                         r"|(?:chore(?:\(\w+\))?:\s*)?bump\s+\S+\s+from\s+\S+\s+to\s+\S+\s*$"
                         r"|(?:release|version|v)\s*\d+(?:\.\d+)+\s*$"
                         r"|(?:chore\(release\)|release):?\s*v?\d+(?:\.\d+)+.*"
                         r"|(?:update|upgrade) (?:deps|dependencies|lock ?files?|\S+\.lock)\s*$"),
        ("typo", r"(?:fix(?:ed|es)?\s+)?typos?\b.*|fix(?:ed|es)?\s+(?:a\s+|some\s+)?(?:typos?|spelling)\b.*"
                 r"|spelling\b.*|исправ\w*\s+опечат\w*.*|опечатк\w*.*"),
        ("formatting", r"formatting\s*$|format code\s*$|lint\s*$|style:.*"
                       r"|(?:run|apply|ran)\s+(?:black|ruff format|prettier|isort|gofmt|rustfmt)\b.*"
                       r"|(?:re)?format(?:ted)?\s+(?:with|using)\s+\S+\s*$|reformat\w*\b.*"
                       r"|fix(?:ed|es)?\s+(?:lint|linting|flake8|ruff)(?:\s+(?:errors|warnings|issues))?\s*$"
                       r"|whitespace\b.*|trailing whitespace.*"),
        ("revert", r"revert\b.*"),
        ("no content", r"wip\s*$|\.\s*$|update readme(?:\.md)?\s*$"),
    )
)
# One pattern with a named group per reason: the first alternative that matches names the reason.
_TRIVIAL_RE = re.compile(
    r"^\s*(?:" + "|".join(f"(?P<r{index}>{pattern})" for index, (_, pattern) in enumerate(_TRIVIAL_REASONS)) + ")",
    re.IGNORECASE,
)
_LOCKFILES = {"poetry.lock", "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "uv.lock", "Cargo.lock",
              "Pipfile.lock", "go.sum", "Gemfile.lock", "composer.lock"}


def trivial_reason(message: str, files: list[str] | None = None) -> str | None:
    """Why a commit is trivial ("merge", "version bump", "typo", "formatting", "revert",
    "no content", "lockfile only"), or None when it may be substantial."""
    first_line = message.strip().splitlines()[0] if message.strip() else ""
    if not first_line:
        return "no content"
    match = _TRIVIAL_RE.match(first_line)
    if match:
        return _TRIVIAL_REASONS[int(match.lastgroup[1:])][0]
    if files and all(f.rsplit("/", 1)[-1] in _LOCKFILES for f in files):
        return "lockfile only"
    return None


def is_trivial_commit(message: str, files: list[str] | None = None) -> bool:
    """True for work that never makes a story on its own: merges, bumps, typos, formatting,
    reverts, lockfile-only changes."""
    return trivial_reason(message, files) is not None


_STRIP_RE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?\b"
                       r"|\bv?\d+\.\d+\.\d+\b|\b\d{1,2}:\d{2}(?::\d{2})?\b|\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}\b")


def strip_dates_and_versions(text: str) -> str:
    """Text with dates, clock times, version numbers and commit hashes blanked out, so that
    "v1.2.3 -> v1.2.4" or "2026-11-20 -> 2026-11-21" is never read as a measured change."""
    return _STRIP_RE.sub(" ", text)
