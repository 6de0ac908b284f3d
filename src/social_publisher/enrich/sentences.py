"""Reading developer text sentence by sentence: commit subjects and trailers, prompts, error
output, shell commands, file paths. Pure patterns and functions used by `facts.py`."""

from __future__ import annotations

import posixpath
import re
from typing import Any

from social_publisher.enrich.redact import unwrap
from social_publisher.signals import SENTENCE_BREAK, strip_trailers  # noqa: F401  (read.strip_trailers)

CONVENTIONAL_PREFIX = re.compile(r"^(?P<type>[a-zA-Z]+)(?:\([^)]*\))?!?:\s*")
DONE_VERBS = (
    "added|fixed|updated|refactored|rewrote|rewritten|implemented|introduced|improved|optimized|optimised|"
    "removed|deleted|dropped|renamed|moved|extracted|split|replaced|switched|cached|simplified|created|wrote|"
    "built|configured|migrated|enabled|disabled|wired|integrated|reduced|increased|limited|tightened|"
    "documented|tested|measured|benchmarked|trained|tuned|handled|prevented|changed|made|set up|cleaned up|"
    "добавил|исправил|обновил|переписал|реализовал|улучшил|ускорил|убрал|удалил|перенёс|перенес|вынес|"
    "заменил|упростил|создал|настроил|подключил|уменьшил|увеличил|ограничил|описал|проверил|замерил"
)
DONE_SENTENCE = re.compile(
    rf"^(?:[-*•]\s*)?(?:(?:I|We)(?:'ve| have)?\s+|Я\s+)?(?P<verb>{DONE_VERBS})\b\s+(?P<rest>\S.*)$",
    re.IGNORECASE,
)
CHATTER = re.compile(
    r"^(?:let me|let's|i'll|i will|i'm going|i am going|now (?:let|i)|next,? i|first,? i|great|perfect|sure|okay|ok\b|"
    r"done[.!]?$|here(?:'s| is)|давай|сейчас|теперь я|отлично)",
    re.IGNORECASE,
)
LESSON_MARKERS = re.compile(
    r"\b(?:learn(?:ed|t)|lesson|turns? out|turned out|root cause|the trick|the catch|the key (?:insight|lesson|point)"
    r"|insight|realiz(?:ed|e)|realis(?:ed|e)|takeaway|gotcha|surprising(?:ly)?|it matters|the real problem"
    r"|понял|урок|оказалось|вывод|причина была|главное|хитрость)\b",
    re.IGNORECASE,
)
GOAL_MARKERS = re.compile(
    r"\b(?:goal|want(?:ed)?|need(?:ed)? to|plan(?:ned)? to|trying to|aim(?:ed)? to|so that|хочу|хотел|нужно|надо|цель|план)\b",
    re.IGNORECASE,
)
LESSON_LABEL = re.compile(r"^(?:lesson|lessons learned|takeaway|insight|note|вывод|урок|итог)\s*[:—-]\s*", re.IGNORECASE)
NOTE_LESSON_EXTRA = re.compile(r"\b(?:because|so the fix|потому что|поэтому)\b", re.IGNORECASE)
NEXT_MARKERS = re.compile(
    r"\b(?:next step|next time|next up|todo|to do next|plan to|will try|follow[- ]up|следующ\w+ шаг|дальше|потом попробую)\b",
    re.IGNORECASE,
)
PROBLEM_MARKERS = re.compile(
    r"\b(?:bug|broke|broken|crash(?:ed|es)?|fail(?:s|ed|ing)?|error|flaky|slow|timeout|timed out|regression|leak"
    r"|ошибк\w*|падал\w*|сломал\w*|тормозил\w*|утечк\w*)\b",
    re.IGNORECASE,
)
ERROR_LINE = re.compile(r"\b\w*(?:Error|Exception|Failure|FAILED|failed|error)\b.*")
EXCEPTION_NAME = re.compile(r"(?<![\w…])[A-Z]\w*(?:Error|Exception)\b.*")
TEST_HEADER = re.compile(r"test session starts|^platform \w+ --|^rootdir:|^collected \d+ items")
EXIT_CODE = re.compile(r"\bexit (?:code|status)\b", re.IGNORECASE)
# Commands that only look around or move code between branches: not part of the story.
READ_ONLY_COMMANDS = re.compile(
    r"^\s*(?:ls|ll|cat|head|tail|less|more|pwd|cd|echo|printf|which|type|grep|rg|find|fd|wc|tree|stat|file|du|df|"
    r"sed -n|awk|sort|uniq|diff|git|gh|true|sleep|clear|export|source|set)\b"
)
COMMAND_SEPARATOR = re.compile(r"\s*(?:&&|\|\||;|\|)\s*")
MAX_COMMAND_CHARS = 80
PROMPT_NOISE = re.compile(r"^\s*(?:/|<)")






def goal_from_prompt(prompt: str) -> str | None:
    paragraph = prompt.strip().split("\n\n", 1)[0].strip()
    if not paragraph or PROMPT_NOISE.match(paragraph) or len(paragraph.split()) < 4:
        return None
    sentences = split_sentences(paragraph)
    goal = " ".join(sentences[:2]).strip()
    if len(goal) > 240:
        goal = sentences[0][:240].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return goal




def error_line(text: str) -> tuple[int, str] | None:
    """The most telling line of an error output, with a score: an exception and its message (3)
    beats a failure summary (2) beats any other line (1) beats "Exit code 1" or a test header (0)."""
    scored = []
    for position, raw in enumerate(text.splitlines()):
        line = raw.strip().strip("=-*_ ").strip()
        if not line:
            continue
        exception = EXCEPTION_NAME.search(line)
        if exception:
            scored.append((3, position, exception.group(0)))
        elif EXIT_CODE.search(line) or TEST_HEADER.search(line) or "…" in line:
            scored.append((0, position, line))
        elif ERROR_LINE.search(line):
            scored.append((2, position, line))
        else:
            scored.append((1, position, line))
    if not scored:
        return None
    score, _, line = max(scored, key=lambda item: (item[0], item[1]))
    return score, line[:160].rstrip()




def command_shown(command: str) -> str | None:
    """The part of a command worth telling: the first step that does something, short enough to read."""
    first_line = command.strip().splitlines()[0] if command.strip() else ""
    if "<<" in first_line:
        return None
    for segment in COMMAND_SEPARATOR.split(first_line):
        segment = segment.strip()
        if segment.count('"') % 2 or segment.count("'") % 2:
            return None  # a separator inside quotes: the command cannot be cut cleanly
        if segment and not READ_ONLY_COMMANDS.match(segment):
            return segment if len(segment) <= MAX_COMMAND_CHARS else None
    return None




def relative_path(path: str, cwd: str) -> str:
    if cwd and path.startswith(cwd.rstrip("/") + "/"):
        return path[len(cwd.rstrip("/")) + 1:]
    if path.startswith("/"):
        parts = path.strip("/").split("/")
        return posixpath.join(*parts[-2:]) if len(parts) >= 2 else parts[-1]
    return path




def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_BREAK.split(unwrap(text or "")) if s and s.strip()]




# Issue and pull-request references: "(#719)", "(closes #834)", ", refs #14", "Refs #172 - ",
# "- closes #3, #4", "… fixes #12" at the end, "per https://github.com/…#issuecomment-…".
_REFERENCE_WORDS = r"refs?|closes?|closed|fix(?:es|ed)?|resolves?|resolved|see|re|part of"
_REFERENCE_NUMBERS = r"#\d+(?:\s*(?:,|and|&)\s*#\d+)*"
_REFERENCE = re.compile(
    rf"\s*\((?:(?:{_REFERENCE_WORDS})\b:?\s*)?{_REFERENCE_NUMBERS}\)"
    rf"|(?:\s+[-–—]|[,;])?\s*\b(?:closes|closed|fixes|refs?|see|resolves)\b:?\s*{_REFERENCE_NUMBERS}\b\s*(?:[-–—:]\s*)?"
    rf"|[\s,;.–—-]*\b(?:{_REFERENCE_WORDS})\b:?\s*{_REFERENCE_NUMBERS}\s*$"
    r"|\s*\bper\s+https?://\S+",
    re.IGNORECASE)


def without_references(text: str) -> str:
    """The text without its issue and pull-request references ("(#719)", "closes #834", "Refs #172 -",
    "…, refs #14"): an issue number is no fact a reader can use, and the other language could not
    carry it. A text that is nothing but a reference is returned as it was."""
    if "#" not in text and "http" not in text or not _REFERENCE.search(text):
        return text
    stripped = _REFERENCE.sub(" ", text)
    stripped = re.sub(r"\s+([.,;:!?])(?=\s|$)", r"\1", re.sub(r"\s{2,}", " ", stripped)).strip(" ,;")
    if not stripped or stripped == text.strip():
        return text
    if text.rstrip().endswith(".") and not stripped.endswith((".", "!", "?")):
        stripped += "."  # the full stop went with a URL
    return stripped[:1].upper() + stripped[1:] if text[:1].isupper() else stripped


_POINTER = re.compile(r"^\W*(?:see|refs?|cf\.?)\s+#\d+\b", re.IGNORECASE)


def only_references(text: str) -> bool:
    """Whether the text says nothing but issue references ("Closes #559 Closes #235") or only points
    at one ("See #566 for the design discussion")."""
    if _POINTER.match(text):
        return True
    return bool(_REFERENCE.search(text)) and not _REFERENCE.sub(" ", text).strip(" ,;.:-")


_CODE_START = re.compile(r"`|[a-z][\w.]*(?:[_(=`/]|\.\w|\d)|[a-z]+[A-Z]|\.\w|--?\w")


def starts_with_code(text: str) -> bool:
    """Whether the text starts with an identifier or a path ("db.query()", "add_foreign_keys()", "p95", "iOS",
    "--flag", "bench/site.py")."""
    return bool(_CODE_START.match(text.split(" ", 1)[0]))


def capitalize(text: str) -> str:
    """The first letter upper-cased, unless the text starts with an identifier ("db.query() now…",
    "add_foreign_keys() errors…", "p95 latency…"): a name's case is never changed."""
    if not text or starts_with_code(text):
        return text
    return text[:1].upper() + text[1:]




def dedupe(items: list[str]) -> list[str]:
    seen, out = set(), []
    for item in items:
        key = item.strip().lower()
        if key and key not in seen:
            seen.add(key)
            out.append(item.strip())
    return out




def dedupe_dicts(items: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    seen, out = set(), []
    for item in items:
        key = tuple(str(item[k]).strip().lower() for k in keys)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out
