"""Text signals shared by select (for scoring) and enrich (for facts).

Pure functions over strings: measured numbers, before/after pairs, trivial
commit messages. Kept in one place so the selector scores exactly what the
writer will later be allowed to say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

class WordPattern:
    """Whole words and word beginnings (stems), looked for in lower-cased text.

    Python's regex engine cannot skip ahead on a pattern that starts with `\\b` or with
    IGNORECASE, which made such searches the slowest part of select; this pattern has
    neither and checks the word start itself.
    """

    def __init__(self, words: str = "", stems: str = "", tokens: str = ""):
        parts = ([rf"(?:{words})\b"] if words else []) + ([f"(?:{stems})"] if stems else [])
        self._re = re.compile("|".join(parts + ([f"(?:{tokens})"] if tokens else [])))
        # Tokens ("->", "→") are not words: no word start is checked for them.

    def finditer(self, lowered: str):
        for match in self._re.finditer(lowered):
            if _starts_word(lowered, match.start()):
                yield match

    def search(self, lowered: str) -> re.Match[str] | None:
        match = self._re.search(lowered)
        while match is not None:
            if _starts_word(lowered, match.start()):
                return match
            match = self._re.search(lowered, match.start() + 1)
        return None


def _starts_word(lowered: str, start: int) -> bool:
    """No letter, digit or _ glued before `start` (a match starting with a symbol always counts)."""
    if start == 0 or not (lowered[start].isalnum() or lowered[start] == "_"):
        return True
    before = lowered[start - 1]
    return not (before.isalnum() or before == "_")


# A number with an optional unit: 76.8%, 1,000 steps, 0.4 s, 3x, 120 ms, 2.5 GB
_UNIT = (r"(?:%|x|×|ms|s|sec|seconds|min|minutes|h|hours|MB/s|GB/s|KB|MB|GB|TB|k|M|pp|points?"
         r"|мс|сек|с|мин|ч|КБ|МБ|ГБ|ТБ|п\.п\.|раза?)")
# Thousands with a comma or a (no-break) space (1,000; 100 000), a Russian decimal comma before a unit (76,8%),
# or a plain number.
# A number glued to a name by a hyphen (CIFAR-10, GPT-4) is part of the name, not a measurement.
_NUMBER = (rf"(?<![\w.,])(?<![^\W\d_]-)-?\d{{1,3}}(?:[,\u00a0\u202f]\d{{3}}|(?<=\d) \d{{3}}(?![\d.,]))+(?:\.\d+)?(?!,\d)"
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

# Spans whose numbers are never measurements, blanked before numbers are read: commit trailers
# ("Co-Authored-By: Claude Opus 4.5 <…>"), URLs with their fragments ("#t=12,30,45"), inline code,
# PR and issue numbers ("#1", "PR 12"), dates, timestamps, clock times, versions, commit hashes,
# and lists of numbers joined by slashes or commas ("100/300/500 ms" is a setting, not a result).
_NOT_MEASURED_RE = re.compile(
    r"(?im)^[ \t]*(?:[a-z][\w-]*-by|change-id|refs?|see-also|bug|issue|pr|ticket|cherry-picked-from):.*$"
    r"|\b(?:https?|ftp|file)://\S+|\bwww\.\S+"
    r"|`[^`\n]*`"
    r"|(?<![\w&])#\d+\b|\b(?:pr|pull request|issue|ticket|bug|mr)\s*#?\d+\b"
    r"|\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|\b\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\b"
    r"|\bv?\d+\.\d+\.\d+(?:[-+.][\w.]*)?|\bv\d+(?:\.\d+)?\b"
    r"|\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}\b"
    r"|\b\d+(?:[.,]\d+)?(?:\s*/\s*\d+(?:[.,]\d+)?){2,}"
    r"|\b\d+(?:,\s+\d+){2,}\b"
)
# "key: value" and "key = value" (CSS declarations, config lines, assignments): the value is a
# setting, not a result, unless the key names something measured ("Accuracy: 76.8%").
_SETTING_RE = re.compile(r"(?P<key>[A-Za-z_][\w.-]*)\s*(?::|=|:=)\s*(?=[-\d])")
# A number written as a result needs a unit: a measure (%, ms, MB, 3x) or a counted thing.
_COUNTED = (r"(?:rows?|records?|items?|files?|lines?|tests?|commits?|calls?|requests?|queries|query|users?|steps?"
            r"|epochs?|tokens?|messages?|posts?|pages?|errors?|warnings?|failures?|samples?|examples?|questions?"
            r"|documents?|docs|chunks?|entries|sessions?|turns?|retries|iterations?|runs?|jobs?|tasks?|events?"
            r"|images?|bytes|packets?|connections?|passed|failed|failing|skipped|hits?|misses|points?|characters?|chars"
            r"|units?|emoji|emojis|words?|subscribers?|members?|people|notes?|stories|answers?|times|objects?|nodes?"
            r"|строк\w*|символ\w*|запис\w*|тест\w*|запрос\w*|файл\w*|ошиб\w*|шаг\w*|сообщени\w*|прошл\w*|упал\w*|вызов\w*)")
_COUNTED_RE = re.compile(rf"\s(?:[^\W\d_]+[ -])?{_COUNTED}\b", re.IGNORECASE)
# A unitless number counts only right after the name of a dimensionless metric ("loss 0.31").
_METRIC_BEFORE_RE = re.compile(
    r"(?:accuracy|loss|perplexity|f1|auc|bleu|rouge|precision|recall|score|ratio|speedup|coverage|mrr|ndcg|r2"
    r"|точност\w*|потер\w*|метрик\w*)\W{0,3}(?:(?:of|is|was|at|to|went|from|now|reached|стала?|была?|с|до|—)\W{1,3})?$",
    re.IGNORECASE,
)
_MEASURED_KEYS = re.compile(
    r"accuracy|loss|latency|p\d\d|throughput|speed|time|duration|elapsed|took|memory|rss|size|coverage|score|f1"
    r"|perplexity|precision|recall|tests?|passed|failed|rows|requests|calls|errors|total|result|before|after"
    r"|точность|время|память|размер|скорость",
    re.IGNORECASE,
)
# A result is told with words like these ...
_RESULT_RE = WordPattern(
    r"(?:took|takes|taking|take|went|goes|dropped|drops|fell|falls|rose|rises|grew|grows|improved|improves"
    r"|reduced|reduces|cut|cuts|sped|speeds?|speedup|faster|slower|quicker|smaller|larger|bigger|lower|higher"
    r"|measured|measures|benchmarked|profiled|passed|passes|failed|fails|failing|saved|saves|shaved|halved"
    r"|doubled|reached|reaches|hit|scored|scores|achieved|gained|lost|increased|decreased|now|down|up|from"
    r"|instead|vs|versus|compared|was|were|imported|processed|indexed|handled|sent|served|returned|found|shows?|showed"
    r"|gives|gave|got|stays?|stayed|remains?|peaks?|peaked|averages?|averaged|median|mean|total|per|within"
    r"|accuracy|latency|throughput|memory|loss|perplexity|coverage|overhead|runtime|wall|elapsed|duration"
    r"|заня\w*|занима\w*|вырос\w*|упал\w*|снизил\w*|сократил\w*|ускор\w*|стал\w*|сэконом\w*|измер\w*|прошл\w*"
    r"|точност\w*|задержк\w* составил\w*|вместо|было|итог\w*)",
    tokens=r"->|→|=>|➜|\d\s?% (?:of|из|от)\b",
)
# ... and a setting or a requirement with words like these (they win unless the result is told
# strongly: "the retry took 3.1 s" is measured, "retry after 100/300/500 ms" is configured).
_SETTING_WORDS_RE = WordPattern(
    r"(?:retry|retries|retrying|backoff|back-off|delays?|timeouts?|interval|sleeps?|wait|waits|ttl|expires?"
    r"|default|defaults|limit|limits|limited|cap|capped|threshold|configured?|config|setting|settings"
    r"|option|flag|env|port|width|height|margin|padding|opacity|font|max|min|at most|at least|up to|no more than"
    r"|goal|target|should|must|aim|budget|quota|set to|resize|scale|crop|quality|ago|before now|from now"
    r"|задержк\w*|таймаут\w*|повтор\w*|интервал\w*|лимит\w*|порог\w*|по умолчанию|настро\w*|цель|должн\w*)",
)
_STRONG_RESULT_RE = WordPattern(
    r"(?:took|takes|went|dropped|fell|rose|grew|improved|reduced|sped|faster|slower|measured|passed|failed"
    r"|saved|halved|доходит|занял\w*|занимает|вырос\w*|упал\w*|снизил\w*|ускор\w*|прошл\w*)",
    tokens=r"->|→|=>|➜",
)
_LETTER_WORD_RE = re.compile(r"[^\W\d_]{3,}")
# A count that sizes what a run worked on, not what it measured: "Hugo on 1,000 stories",
# "3x faster on 100k rows", "(100k rows / 20 projects)"; and a label line's count ("Stories: 1,000",
# "Total: 1,000 stories"), which names no result.
_WORKLOAD_BEFORE_RE = re.compile(r"\b(?:on|over|across|against|with|for|among)\s+(?:(?:the|a|all|some|about)\s+)?$",
                                 re.IGNORECASE)
_WORKLOAD_AFTER_RE = re.compile(r"\s*(?:[^\W\d_]+\s+)?/\s*\d|\s*[^\W\d_]+\s+/\s*\d")
_LABEL_BEFORE_RE = re.compile(r"^[\W_]*[^\W\d_][^\W\d_ ]*(?: [^\W\d_]+){0,2}\s*:\s*$")


@dataclass(frozen=True)
class Measurement:
    """A number found in text with the words around it (the context a writer may quote)."""

    value: str  # as written, unit included: "76.8%"
    context: str  # the sentence (trimmed) that holds it


def measurements(text: str, *, limit: int = 20, sentences: list[str] | None = None) -> list[Measurement]:
    """Numbers told as results: a number with a unit (a measure such as %, ms, MB, 3x, or a counted
    thing: "1,000 rows", "42 passed"; a dimensionless metric's value right after its name: "loss 0.31")
    in a sentence that names what was measured and reports a result.

    Never measurements: commit trailers, URLs, inline code, PR/issue numbers, dates, timestamps,
    clock times, versions, hashes, number lists ("100/300/500 ms"), the values of settings and CSS
    ("max-width: 100%", "timeout = 30 s"), and numbers in a sentence about settings or goals
    ("retry after 500 ms", "must stay under 10 s") unless it tells a result strongly ("took 3.1 s").
    `sentences`: the text already split at SENTENCE_BREAK, when the caller has it.
    """
    found: list[Measurement] = []
    seen: set[str] = set()
    for original, sentence in _cleaned_sentences(text, sentences):
        if not _reports_result(sentence):
            continue
        settings = _setting_spans(sentence)
        for match in _finditer(NUMBER_RE, _NUMBER_START_RE, sentence):
            value, unit = match.group("value"), match.group("unit") or ""
            if unit == "s" and _HTTP_STATUS_PLURAL_RE.fullmatch(match.group(0)):
                continue  # "Telegram 429s", "no 5xx... 503s": plural status codes, not seconds
            if settings and any(start <= match.start() < end for start, end in settings):
                continue
            if not unit and not _counted_or_metric(sentence, match):
                continue
            if unit in ("", "k", "M") and workload_count(sentence, match.start(), match.end()):
                continue
            written = f"{value}{unit}" if unit in ("%", "x", "×") else f"{value} {unit}".strip()
            if written in seen:
                continue
            seen.add(written)
            found.append(Measurement(value=written, context=original.strip()[:240]))
            if len(found) >= limit:
                return found
    return found


def _reports_result(sentence: str) -> bool:
    """The sentence names a subject (a word besides the number) and tells a result, not a setting."""
    if not _LETTER_WORD_RE.search(sentence):
        return False
    lowered = sentence.lower()
    if _SETTING_WORDS_RE.search(lowered) and not _STRONG_RESULT_RE.search(lowered):
        return False
    return _RESULT_RE.search(lowered) is not None


def _setting_spans(sentence: str) -> list[tuple[int, int]]:
    """Where the values of "key: value" / "key = value" settings lie (up to the next ; or , or end)."""
    spans = []
    if ":" not in sentence and "=" not in sentence:
        return spans  # no "key: value" in it (most sentences): spare the regex
    for match in _SETTING_RE.finditer(sentence):
        key = match.group("key")
        code_like = "=" in match.group(0) or key[0].islower() or any(c in key for c in "-_.")
        if not code_like or _MEASURED_KEYS.search(key):
            continue
        end = len(sentence)
        for stop in (";", ",", " "):
            found = sentence.find(stop, match.end() + 1)
            if found != -1:
                end = min(end, found)
        spans.append((match.end(), end + 1))
    return spans


def workload_count(sentence: str, start: int, end: int) -> bool:
    """Whether the count at sentence[start:end] sizes the work rather than reports its result: it
    follows "on", "over", "with", "for" ("on 1,000 stories"), is one of "N things / M things", or is
    the value of a label line with no result told strongly ("Stories: 1,000", "Total: 1,000 stories")."""
    before = sentence[:start]
    if _WORKLOAD_BEFORE_RE.search(before) or _WORKLOAD_AFTER_RE.match(sentence, end) or before.rstrip().endswith("/"):
        return True
    return bool(_LABEL_BEFORE_RE.match(before)) and not _STRONG_RESULT_RE.search(sentence[end:].lower())


def _counted_or_metric(sentence: str, match: re.Match[str]) -> bool:
    """A unitless number is a result when it counts things ("1,000 rows", "42 passed", "3 tests
    failed") or follows a dimensionless metric's name ("loss 0.31", "accuracy of 0.87")."""
    if _COUNTED_RE.match(sentence, match.end()):
        return True
    return "." in match.group("value") and _METRIC_BEFORE_RE.search(sentence, 0, match.start()) is not None


def before_after_pairs(text: str) -> list[tuple[str, str]]:
    """Pairs like ("73.0%", "76.8%") from "73.0% → 76.8%" or "from 6 to 3" (dates, versions,
    PR numbers, URLs and trailers are blanked first, so "v1.2.3 -> v1.2.4" is no pair)."""
    pairs = []
    text = _blank_not_measured(text) if _DIGIT_RE.search(text) else text
    for match in _finditer(BEFORE_AFTER_RE, _PAIR_START_RE, text):
        before = match.group("before") or match.group("before2") or match.group("before3")
        after = match.group("after") or match.group("after2") or match.group("after3")
        if before and after:
            pairs.append((before.strip(), after.strip()))
    return pairs


def _blank(match: re.Match[str]) -> str:
    return " "


# What every span _NOT_MEASURED_RE blanks needs somewhere: cheap to look for, and most sentences
# have none of it, so the long pattern runs on few of them.
_NOT_MEASURED_HINT_RE = re.compile(r"[:`#/]|www\.|\d[-:]\d|,\s+\d|\d\.\d+\.\d|\bv\d")
_HEX_RUN_RE = re.compile(r"[0-9a-f]{7}")
_ID_WORD_RE = re.compile(r"(?:pr|request|issue|ticket|bug|mr)\s*#?\d")


def _blank_not_measured(text: str) -> str:
    if _NOT_MEASURED_HINT_RE.search(text) or _HEX_RUN_RE.search(text) or _ID_WORD_RE.search(text.lower()):
        return _NOT_MEASURED_RE.sub(_blank, text)
    return text


def _cleaned_sentences(text: str, sentences: list[str] | None = None) -> Iterator[tuple[str, str]]:
    """(sentence as written, the same with non-measured spans blanked) for sentences holding a digit.

    Trailers are whole lines and URLs never hold a sentence break, so blanking sentence by
    sentence equals blanking the whole text first."""
    for sentence in SENTENCE_BREAK.split(text) if sentences is None else sentences:
        if not _DIGIT_RE.search(sentence):
            continue  # no number, nothing to measure
        cleaned = _blank_not_measured(sentence)
        if _DIGIT_RE.search(cleaned):
            yield sentence, cleaned


_TRAILER_RE = re.compile(r"^[A-Za-z][\w-]*(?:-[\w-]+)*:\s+\S")
_GENERATED_LINE_RE = re.compile(r"generated with|🤖|co-authored-by", re.IGNORECASE)


def strip_trailers(message: str) -> str:
    """A commit message without its trailers ("Co-Authored-By: Claude Opus 4.5 <…>",
    "Signed-off-by: …") and the lines a tool adds ("🤖 Generated with …")."""
    if ":" not in message and "🤖" not in message and "generated with" not in message.lower():
        return message.strip()
    lines = [line for line in message.strip().splitlines() if not _GENERATED_LINE_RE.search(line)]
    while len(lines) > 1 and (not lines[-1].strip() or _TRAILER_RE.match(lines[-1])):
        lines.pop()  # the subject stays, even when it reads "batch: add a manifest"
    return "\n".join(lines)


# Where one sentence ends and the next begins: after . ! ? and whitespace, or at a line break.
# The one definition for select, enrich and the redactor. Not after an abbreviation ("e.g.",
# "i.e.", "vs.", "т. е."; "etc." only before a lower-case word), nor after an ellipsis ("FOREIGN KEY ...
# REFERENCES" elides code), nor inside parentheses on one line.
# The cheap tests come first ("after . ! ? and before whitespace"), so the abbreviation
# lookbehinds run only where a sentence may end: 4x faster on long prose, the same splits.
SENTENCE_BREAK = re.compile(
    r"(?<=[.!?])(?=\s)"
    r"(?<!\b(?i:e\.g|i\.e)\.)(?<!\b(?i:vs|cf)\.)(?<!\bт\.)(?<!\bт\.е\.)(?<!\bт\. е\.)(?<!\bт\.к\.)(?<!\bт\. к\.)"
    r"(?<!\.\.\.)(?:(?<=etc\.)(?=\s+[A-ZА-ЯЁ\d])|(?<!etc\.))(?![^()\n]*\))\s+|\n+"
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
