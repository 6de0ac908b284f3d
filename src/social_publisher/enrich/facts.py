"""Build a story's facts: the only material a writer may use for its post.

Every text taken from activity passes through the redactor before anything is
extracted from it, so no key, fact or number can carry a secret. Facts keys
(all present; empty list / None / 0 when the sources have nothing):

- `project` (str), `category` (str), `tags` (list[str]): from the story, for the
  writer's choices only; a post must never narrate them.
- `period`: {"start", "end"}: ISO-8601 UTC bounds of the story's activity.
- `sources`: sorted activity sources ("git", "claude-code", "codex", "notes").
- `languages`: programming languages of the changed files (from commit meta).
- `headline` (str | None): the one action that best names the story (the
  commit subject with most changed lines, else a session's action, else a
  note title, else the goal).
- `goal` (str | None): the user's own stated goal, first sentences of the first
  substantial prompt of a session (else of a note), the user's words verbatim.
- `problem`: {"kind", "text"} | None: an error met. `kind` is "error" (an
  error message from a session), "failed_command" (text is the command),
  "fix" (a fix commit's subject) or "note" (a note sentence about a bug).
- `actions`: list of {"text", "source"}: what was done, in order. For commits
  the subject without its conventional prefix ("Add retry to the fetcher",
  source "commit"); for sessions a past-tense sentence from the assistant's
  prose or the session summary ("added retry to the fetcher", source
  "session"); trivial commits (merges, bumps, typos) are left out.
- `files`: list of relative paths edited or written, most-changed first; paths
  that name where secrets live are left out.
- `commands`: list of {"command", "failed"} run in sessions, in order, without
  read-only ones (ls, cat, git status, ...).
- `numbers`: list of {"value", "context"} from `signals.measurements`: a
  measured value as written ("76.8%", "120 ms") and the sentence that holds it.
- `before_after`: list of {"before", "after", "context"} from
  `signals.before_after_pairs` ("73.0%" -> "76.8%").
- `lessons`: list[str]: sentences that state an insight, from notes first,
  then from the assistant's prose ("turns out", "root cause", "learned", ...).
- `next`: list[str]: sentences about what comes next (TODO, next step).
- `note_points`: list[str]: the other substantial sentences of notes (the
  user's own words), in order, for stories told mostly from notes.
- `commit_notes`: list[str]: sentences from commit message bodies (the user's
  own explanation of a change), in order.
- `note_titles`: list[str].
- `stats`: {"commits", "files_changed", "lines_added", "lines_removed",
  "sessions", "prompts", "notes"}: ints.
- `redacted_fingerprints`: list[str] of `redact.fingerprint` values removed
  from the sources. For checks only: a writer must never show them.

Strings keep the language they were written in; the writer decides how to
quote a string that is not in the post's language.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from social_publisher import signals
from social_publisher.enrich.redact import Redactor, unwrap
from social_publisher.records import COMMIT, NOTE, SESSION, Activity, Story

MAX_ACTIONS = 10
MAX_FILES = 15
MAX_COMMANDS = 8
MAX_NUMBERS = 12
MAX_LESSONS = 5
MAX_NOTE_POINTS = 8

_CONVENTIONAL_PREFIX = re.compile(r"^(?P<type>[a-zA-Z]+)(?:\([^)]*\))?!?:\s*")
_TRAILER = re.compile(r"^[A-Za-z][\w-]*(?:-[\w-]+)*:\s+\S")
_GENERATED_LINE = re.compile(r"generated with|🤖|co-authored-by", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_DONE_VERBS = (
    "added|fixed|updated|refactored|rewrote|rewritten|implemented|introduced|improved|optimized|optimised|"
    "removed|deleted|dropped|renamed|moved|extracted|split|replaced|switched|cached|simplified|created|wrote|"
    "built|configured|migrated|enabled|disabled|wired|integrated|reduced|increased|limited|tightened|"
    "documented|tested|measured|benchmarked|trained|tuned|handled|prevented|changed|made|set up|cleaned up|"
    "добавил|исправил|обновил|переписал|реализовал|улучшил|ускорил|убрал|удалил|перенёс|перенес|вынес|"
    "заменил|упростил|создал|настроил|подключил|уменьшил|увеличил|ограничил|описал|проверил|замерил"
)
_DONE_SENTENCE = re.compile(
    rf"^(?:[-*•]\s*)?(?:(?:I|We)(?:'ve| have)?\s+|Я\s+)?(?P<verb>{_DONE_VERBS})\b\s+(?P<rest>\S.*)$",
    re.IGNORECASE,
)
_CHATTER = re.compile(
    r"^(?:let me|let's|i'll|i will|i'm going|i am going|now (?:let|i)|next,? i|first,? i|great|perfect|sure|okay|ok\b|"
    r"done[.!]?$|here(?:'s| is)|давай|сейчас|теперь я|отлично)",
    re.IGNORECASE,
)
_LESSON_MARKERS = re.compile(
    r"\b(?:learn(?:ed|t)|lesson|turns? out|turned out|root cause|the trick|the catch|the key (?:insight|lesson|point)"
    r"|insight|realiz(?:ed|e)|realis(?:ed|e)|takeaway|gotcha|surprising(?:ly)?|it matters|the real problem"
    r"|понял|урок|оказалось|вывод|причина была|главное|хитрость)\b",
    re.IGNORECASE,
)
_GOAL_MARKERS = re.compile(
    r"\b(?:goal|want(?:ed)?|need(?:ed)? to|plan(?:ned)? to|trying to|aim(?:ed)? to|so that|хочу|хотел|нужно|надо|цель|план)\b",
    re.IGNORECASE,
)
_LESSON_LABEL = re.compile(r"^(?:lesson|lessons learned|takeaway|insight|note|вывод|урок|итог)\s*[:—-]\s*", re.IGNORECASE)
_NOTE_LESSON_EXTRA = re.compile(r"\b(?:because|so the fix|потому что|поэтому)\b", re.IGNORECASE)
_NEXT_MARKERS = re.compile(
    r"\b(?:next step|next time|next up|todo|to do next|plan to|will try|follow[- ]up|следующ\w+ шаг|дальше|потом попробую)\b",
    re.IGNORECASE,
)
_PROBLEM_MARKERS = re.compile(
    r"\b(?:bug|broke|broken|crash(?:ed|es)?|fail(?:s|ed|ing)?|error|flaky|slow|timeout|timed out|regression|leak"
    r"|ошибк\w*|падал\w*|сломал\w*|тормозил\w*|утечк\w*)\b",
    re.IGNORECASE,
)
_ERROR_LINE = re.compile(r"\b\w*(?:Error|Exception|Failure|FAILED|failed|error)\b.*")
_EXCEPTION_NAME = re.compile(r"(?<![\w…])[A-Z]\w*(?:Error|Exception)\b.*")
_TEST_HEADER = re.compile(r"test session starts|^platform \w+ --|^rootdir:|^collected \d+ items")
_EXIT_CODE = re.compile(r"\bexit (?:code|status)\b", re.IGNORECASE)
# Commands that only look around or move code between branches: not part of the story.
_READ_ONLY_COMMANDS = re.compile(
    r"^\s*(?:ls|ll|cat|head|tail|less|more|pwd|cd|echo|printf|which|type|grep|rg|find|fd|wc|tree|stat|file|du|df|"
    r"sed -n|awk|sort|uniq|diff|git|gh|true|sleep|clear|export|source|set)\b"
)
_COMMAND_SEPARATOR = re.compile(r"\s*(?:&&|\|\||;|\|)\s*")
MAX_COMMAND_CHARS = 80
_PROMPT_NOISE = re.compile(r"^\s*(?:/|<)")


@dataclass
class _Cleaner:
    """Scrubs every text once, keeping the count and fingerprints of what was removed."""

    redactor: Redactor
    removed: int = 0
    fingerprints: set[str] = field(default_factory=set)

    def __call__(self, text: str | None) -> str:
        if not text:
            return ""
        result = self.redactor.scrub(text)
        self.removed += result.removed
        self.fingerprints |= result.fingerprints
        return result.text

    def path(self, path: str) -> str | None:
        shown = self.redactor.scrub_path(path)
        if shown is None:
            self.removed += 1
        return shown

    def whole(self, text: str | None) -> str | None:
        """The text kept whole, or None (counted as a redaction) when any part of it is sensitive."""
        if not text:
            return None
        kept = self.redactor.whole_or_none(text)
        if kept is None:
            self.removed += 1
        return kept


@dataclass
class _Collected:
    """Cleaned material gathered from a story's activity, before it is ranked into facts."""

    goals: list[str] = field(default_factory=list)  # from prompts: the user's own words
    note_goals: list[str] = field(default_factory=list)
    note_points: list[str] = field(default_factory=list)
    commit_points: list[str] = field(default_factory=list)
    commit_lessons: list[str] = field(default_factory=list)
    problems: list[dict[str, str]] = field(default_factory=list)
    actions: list[dict[str, str]] = field(default_factory=list)
    headline_candidates: list[tuple[int, str]] = field(default_factory=list)  # (weight, text)
    files: dict[str, int] = field(default_factory=dict)  # path -> weight
    commands: list[dict[str, Any]] = field(default_factory=list)
    measured_texts: list[str] = field(default_factory=list)  # in priority order
    note_lessons: list[str] = field(default_factory=list)
    prose_lessons: list[str] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)
    note_titles: list[str] = field(default_factory=list)
    languages: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    commit_files: set[str] = field(default_factory=set)
    stats: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("commits", "files_changed", "lines_added", "lines_removed", "sessions", "prompts", "notes"), 0))
    session_ids: set[str] = field(default_factory=set)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (how telling, first line)
    category: str = ""


def build_facts(story: Story, activities: Iterable[Activity], redactor: Redactor) -> tuple[dict[str, Any], int]:
    """Return (facts, number of redactions) for one story from its activity rows."""
    clean = _Cleaner(redactor)
    got = _Collected(category=story.category)
    for activity in activities:
        got.sources.add(activity.source)
        if activity.kind == COMMIT:
            _from_commit(activity, clean, got)
        elif activity.kind == SESSION:
            _from_session(activity, clean, got)
        elif activity.kind == NOTE:
            _from_note(activity, clean, got)
    got.stats["files_changed"] = len(got.commit_files)
    got.stats["sessions"] = len(got.session_ids)
    facts = {
        "project": story.project,
        "category": story.category,
        "tags": list(story.tags),
        "period": {"start": story.started_at, "end": story.ended_at},
        "sources": sorted(got.sources),
        "languages": sorted(got.languages),
        "headline": _headline(got),
        "goal": (got.goals + got.note_goals)[0] if got.goals or got.note_goals else None,
        "problem": _problem(got),
        "actions": _dedupe_dicts(got.actions, "text")[:MAX_ACTIONS],
        "files": [p for p, _ in sorted(got.files.items(), key=lambda item: -item[1])][:MAX_FILES],
        "commands": _dedupe_dicts(got.commands, "command", "failed")[:MAX_COMMANDS],
        "numbers": _numbers(got.measured_texts),
        "before_after": _pairs(got.measured_texts),
        "lessons": _dedupe(got.note_lessons + got.commit_lessons + got.prose_lessons)[:MAX_LESSONS],
        "next": _dedupe(got.next_steps)[:3],
        "note_points": _unused(got, got.note_points),
        "commit_notes": _unused(got, got.commit_points),
        "note_titles": _dedupe(got.note_titles),
        "stats": got.stats,
        "redacted_fingerprints": sorted(clean.fingerprints),
    }
    return facts, clean.removed


# -- per kind -------------------------------------------------------------------


_BULK_SUBJECT = re.compile(r"^(?:import|initial|init\b|vendor|scaffold|bootstrap|copy|move .* from|add .* from)",
                           re.IGNORECASE)
_KIND_OF_COMMIT = (("bug_fix", r"^(?:fix|repair|resolve|handle|honou?r|prevent|guard)"),
                   ("feature", r"^(?:add|implement|introduce|support|create|build|enable)"),
                   ("refactor", r"^(?:refactor|split|extract|rename|move|simplify|clean)"),
                   ("docs", r"^(?:doc|document|describe|write up)"),
                   ("experiment", r"^(?:record|measure|benchmark|train|tune|try|compare|evaluate)"))


def _headline_weight(subject: str, kind: str, lines: int, category: str) -> int:
    """How well a commit names the story: its category's kind of change first, then size;
    bulk imports and initial commits last, however many lines they add."""
    if _BULK_SUBJECT.match(subject):
        return 100
    matches = any(category == name and (re.match(pattern, subject, re.IGNORECASE) or kind == name.split("_")[-1])
                  for name, pattern in _KIND_OF_COMMIT)
    return (100_000 if matches else 1000) + lines


def _from_commit(activity: Activity, clean: _Cleaner, got: _Collected) -> None:
    meta = activity.meta
    if meta.get("is_merge"):
        return
    got.stats["commits"] += 1
    files = meta.get("files") or []
    weight = 0
    for entry in files:
        added, removed = entry.get("added") or 0, entry.get("removed") or 0
        got.stats["lines_added"] += added
        got.stats["lines_removed"] += removed
        weight += added + removed
        path = clean.path(str(entry.get("path", "")))
        if path:
            got.commit_files.add(path)
            got.files[path] = got.files.get(path, 0) + added + removed + 1
    got.languages.update(meta.get("languages") or [])
    message = _strip_trailers(activity.text)
    subject_raw, _, body_raw = message.partition("\n")
    if signals.is_trivial_commit(subject_raw, [f.get("path", "") for f in files]):
        return
    match = _CONVENTIONAL_PREFIX.match(subject_raw)
    kind = match.group("type").lower() if match else ""
    subject = clean(subject_raw[match.end():] if match else subject_raw).rstrip(".")
    body = clean(body_raw)
    if subject:
        got.actions.append({"text": _capitalize(subject), "source": "commit"})
        got.headline_candidates.append((_headline_weight(subject, kind, weight, got.category), _capitalize(subject)))
        if kind == "fix" or re.match(r"(?i)fix(?:ed|es)?\b", subject):
            got.problems.append({"kind": "fix", "text": _capitalize(subject)})
    got.measured_texts.append(f"{subject}. {body}".strip())
    _lessons_and_next(body, got.commit_lessons, got, note=True)
    for sentence in _sentences(body):
        if 4 <= len(sentence.split()) <= 45 and not sentence.startswith(("#", "|", "```")):
            got.commit_points.append(sentence.lstrip("-*• ").strip())


def _from_session(activity: Activity, clean: _Cleaner, got: _Collected) -> None:
    meta = activity.meta
    got.stats["prompts"] += 1
    got.session_ids.add(str(meta.get("session_id", activity.fingerprint)))
    cwd = str(meta.get("cwd") or "")
    prompt = clean(meta.get("prompt") or activity.text.split("\n\n", 1)[0])
    goal = _goal_from_prompt(prompt)
    if goal:
        got.goals.append(goal)
    for error in meta.get("errors") or []:
        scored = _error_line(str(error))
        line = clean.whole(scored[1]) if scored else None
        if scored and line:
            got.errors.append((scored[0], line))
    for command in meta.get("commands") or []:
        raw = str(command.get("command", "")).strip()
        first_line = clean.whole(raw.splitlines()[0]) if raw else None
        shown = _command_shown(first_line) if first_line else None
        if not shown:
            continue
        entry = {"command": shown, "failed": bool(command.get("failed"))}
        got.commands.append(entry)
        if entry["failed"]:
            got.problems.append({"kind": "failed_command", "text": entry["command"]})
    for key in ("files_edited", "files_written"):
        for path in meta.get(key) or []:
            relative = _relative(str(path), cwd)
            shown = clean.path(relative)
            if shown:
                got.files[shown] = got.files.get(shown, 0) + 1
    summary = clean(meta.get("summary"))
    if summary:
        got.headline_candidates.append((10, summary))
    for prose in meta.get("assistant_text") or []:
        text = clean(str(prose))
        got.measured_texts.append(text)
        for sentence in _sentences(text):
            done = _DONE_SENTENCE.match(sentence)
            if done and 3 <= len(sentence.split()) <= 30 and not _CHATTER.match(sentence):
                action = f"{done.group('verb').lower()} {done.group('rest')}".rstrip(".!:")
                got.actions.append({"text": action, "source": "session"})
                got.headline_candidates.append((5, action))
        _lessons_and_next(text, got.prose_lessons, got, note=False)
    if prompt:
        got.measured_texts.append(prompt)


def _from_note(activity: Activity, clean: _Cleaner, got: _Collected) -> None:
    got.stats["notes"] += 1
    meta = activity.meta
    title = clean(str(meta.get("title") or "")).strip("# ")
    body = clean(activity.text)
    if title:
        got.note_titles.append(title)
        got.headline_candidates.append((1, title))
    got.measured_texts.insert(0, body)
    _lessons_and_next(body, got.note_lessons, got, note=True)
    for sentence in _sentences(body):
        if _PROBLEM_MARKERS.search(sentence) and 4 <= len(sentence.split()) <= 40:
            got.problems.append({"kind": "note", "text": sentence})
            break
    for sentence in _sentences(body):
        if not 4 <= len(sentence.split()) <= 45 or sentence.startswith(("#", "|", "```")):
            continue
        sentence = sentence.lstrip("-*• ").strip()
        if _GOAL_MARKERS.search(sentence) and not got.note_goals:
            got.note_goals.append(sentence)
        got.note_points.append(sentence)


# -- ranking ----------------------------------------------------------------------


def _headline(got: _Collected) -> str | None:
    if got.headline_candidates:
        return max(got.headline_candidates, key=lambda item: item[0])[1]
    goals = got.goals + got.note_goals
    return goals[0] if goals else None


def _unused(got: _Collected, sentences: list[str]) -> list[str]:
    """Sentences not already told as the goal, the problem, a lesson or a next step."""
    used = {s.lower() for s in got.note_goals + got.note_lessons + got.commit_lessons + got.next_steps}
    used |= {p["text"].lower() for p in got.problems}
    return _dedupe([s for s in sentences if _LESSON_LABEL.sub("", s).lower() not in used
                    and s.lower() not in used])[:MAX_NOTE_POINTS]


def _problem(got: _Collected) -> dict[str, str] | None:
    if got.errors:
        best = max(score for score, _ in got.errors)
        return {"kind": "error", "text": next(text for score, text in got.errors if score == best)}
    for kind in ("failed_command", "fix", "note"):
        for problem in got.problems:
            if problem["kind"] == kind:
                return problem
    return None


def _numbers(texts: list[str]) -> list[dict[str, str]]:
    found, seen = [], set()
    for text in texts:
        for measurement in signals.measurements(text):
            if measurement.value not in seen:
                seen.add(measurement.value)
                found.append({"value": measurement.value, "context": measurement.context})
    return found[:MAX_NUMBERS]


def _pairs(texts: list[str]) -> list[dict[str, str]]:
    pairs, seen = [], set()
    for text in texts:
        for sentence in _sentences(text):
            for before, after in signals.before_after_pairs(sentence):
                if (before, after) not in seen and before != after:
                    seen.add((before, after))
                    pairs.append({"before": before, "after": after, "context": sentence.strip()[:240]})
    return pairs[:6]


# -- text helpers -------------------------------------------------------------------


def _strip_trailers(message: str) -> str:
    lines = [line for line in message.strip().splitlines() if not _GENERATED_LINE.search(line)]
    while lines and (not lines[-1].strip() or _TRAILER.match(lines[-1])):
        lines.pop()
    return "\n".join(lines)


def _goal_from_prompt(prompt: str) -> str | None:
    paragraph = prompt.strip().split("\n\n", 1)[0].strip()
    if not paragraph or _PROMPT_NOISE.match(paragraph) or len(paragraph.split()) < 4:
        return None
    sentences = _sentences(paragraph)
    goal = " ".join(sentences[:2]).strip()
    if len(goal) > 240:
        goal = sentences[0][:240].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return goal


def _error_line(text: str) -> tuple[int, str] | None:
    """The most telling line of an error output, with a score: an exception and its message (3)
    beats a failure summary (2) beats any other line (1) beats "Exit code 1" or a test header (0)."""
    scored = []
    for position, raw in enumerate(text.splitlines()):
        line = raw.strip().strip("=-*_ ").strip()
        if not line:
            continue
        exception = _EXCEPTION_NAME.search(line)
        if exception:
            scored.append((3, position, exception.group(0)))
        elif _EXIT_CODE.search(line) or _TEST_HEADER.search(line) or "…" in line:
            scored.append((0, position, line))
        elif _ERROR_LINE.search(line):
            scored.append((2, position, line))
        else:
            scored.append((1, position, line))
    if not scored:
        return None
    score, _, line = max(scored, key=lambda item: (item[0], item[1]))
    return score, line[:160].rstrip()


def _command_shown(command: str) -> str | None:
    """The part of a command worth telling: the first step that does something, short enough to read."""
    first_line = command.strip().splitlines()[0] if command.strip() else ""
    if "<<" in first_line:
        return None
    for segment in _COMMAND_SEPARATOR.split(first_line):
        segment = segment.strip()
        if segment.count('"') % 2 or segment.count("'") % 2:
            return None  # a separator inside quotes: the command cannot be cut cleanly
        if segment and not _READ_ONLY_COMMANDS.match(segment):
            return segment if len(segment) <= MAX_COMMAND_CHARS else None
    return None


def _lessons_and_next(text: str, into: list[str], got: _Collected, *, note: bool) -> None:
    for sentence in _sentences(text):
        words = len(sentence.split())
        if not 5 <= words <= 45 or _CHATTER.match(sentence) or sentence.lstrip().startswith(("#", "|", "`")):
            continue
        sentence = sentence.lstrip("-*• ").strip()
        labelled = _LESSON_LABEL.match(sentence) is not None
        if _NEXT_MARKERS.search(sentence):
            got.next_steps.append(sentence)
        elif labelled or _LESSON_MARKERS.search(sentence) or (note and _NOTE_LESSON_EXTRA.search(sentence)):
            into.append(_capitalize(_LESSON_LABEL.sub("", sentence)))


def _relative(path: str, cwd: str) -> str:
    if cwd and path.startswith(cwd.rstrip("/") + "/"):
        return path[len(cwd.rstrip("/")) + 1:]
    if path.startswith("/"):
        parts = path.strip("/").split("/")
        return posixpath.join(*parts[-2:]) if len(parts) >= 2 else parts[-1]
    return path


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(unwrap(text or "")) if s and s.strip()]


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _dedupe(items: list[str]) -> list[str]:
    seen, out = set(), []
    for item in items:
        key = item.strip().lower()
        if key and key not in seen:
            seen.add(key)
            out.append(item.strip())
    return out


def _dedupe_dicts(items: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    seen, out = set(), []
    for item in items:
        key = tuple(str(item[k]).strip().lower() for k in keys)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out
