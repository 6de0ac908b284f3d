"""Build a story's facts: the only material a writer may use for its post.

Every text taken from activity passes through the redactor before anything is
extracted from it, so no key, fact or number can carry a secret. Facts keys
(all present; empty list / None / 0 when the sources have nothing):

- `project` (str), `category` (str), `tags` (list[str]): from the story, for the
  writer's choices only; a post must never narrate them.
- `period`: {"start", "end"}: ISO-8601 UTC bounds of the story's activity.
- `sources`: sorted activity sources ("aider", "claude-code", "codex", "git", "notes").
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
- `redacted_fingerprints`: list[str] of `Redactor.fingerprint` values removed
  from the sources (keyed with the store's own key, so they cannot be reversed by
  trying every IP address). For checks only: a writer must never show them.

Removed values are masked in place (`[redacted: aws key]`); a sentence that only
carried one is dropped.

Strings keep the language they were written in; the writer decides how to
quote a string that is not in the post's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from social_publisher import signals
from social_publisher.enrich import sentences as read
from social_publisher.enrich.redact import HOME_PATH, Redactor, Scrubbed, preview
from social_publisher.records import COMMIT, NOTE, SESSION, Activity, Story

MAX_ACTIONS = 10
MAX_FILES = 15
MAX_COMMANDS = 8
MAX_NUMBERS = 12
MAX_LESSONS = 5
MAX_NOTE_POINTS = 8
RETOLD_SHARE = 0.75  # of the longer text's words, shared: a commit note that only retells an action

@dataclass
class _Cleaner:
    """Scrubs every text once, keeping the count, fingerprints and audit log of what was removed."""

    redactor: Redactor
    removed: int = 0
    fingerprints: set[str] = field(default_factory=set)
    log: list[tuple[int | None, str, str, str]] = field(default_factory=list)  # (activity, kind, place, preview)
    activity: Activity | None = None

    def __call__(self, text: str | None, place: str = "text") -> str:
        if not text:
            return ""
        result = self.redactor.scrub(text)
        self.removed += result.removed
        self.fingerprints |= result.fingerprints
        for found in result.found:
            self._note(found.kind, place, found.preview)
        return result.text

    def path(self, path: str) -> str | None:
        shown = self.redactor.scrub_path(path)
        if shown is None:
            self.removed += 1
            self._dropped(path, "file path")
        elif shown != path:
            self._note("home path", "file path", preview(HOME_PATH.search(path).group(0)))
        return shown

    def whole(self, text: str | None, place: str = "command") -> str | None:
        """The text kept whole, or None (counted as a redaction) when any part of it is sensitive."""
        if not text:
            return None
        kept = self.redactor.whole_or_none(text)
        if kept is None:
            self.removed += 1
            self._dropped(text, place)
        return kept

    def _dropped(self, text: str, place: str) -> None:
        """Log a text left out whole: each value found in it, else why (a credential's path or talk)."""
        masked = Scrubbed(text="")
        self.redactor.mask(text, masked)
        self.fingerprints |= masked.fingerprints
        values = [found for found in masked.found if found.kind != "home path"]
        for found in values:
            self._note(found.kind, place, found.preview)
        if not values:
            kinds = [f.kind for f in self.redactor.findings(text) if f.kind != "home path"]
            self._note(kinds[0] if kinds else "credential path", place, preview(text))

    def _note(self, kind: str, place: str, shown: str) -> None:
        source = self.activity
        where = f"{source.kind} {place}" if source is not None and not place.startswith(source.kind) else place
        self.log.append((source.id if source is not None else None, kind, where, shown))


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


def build_facts(story: Story, activities: Iterable[Activity], redactor: Redactor,
                log: list[tuple[int | None, str, str, str]] | None = None) -> tuple[dict[str, Any], int]:
    """Return (facts, number of redactions) for one story from its activity rows; `log`, when
    given, receives (activity id, kind, place, masked preview) for every redaction."""
    clean = _Cleaner(redactor, log=log if log is not None else [])
    got = _Collected(category=story.category)
    for activity in activities:
        clean.activity = activity
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
        "actions": read.dedupe_dicts(got.actions, "text")[:MAX_ACTIONS],
        "files": [p for p, _ in sorted(got.files.items(), key=lambda item: -item[1])][:MAX_FILES],
        "commands": read.dedupe_dicts(got.commands, "command", "failed")[:MAX_COMMANDS],
        "numbers": _numbers(got.measured_texts),
        "before_after": _pairs(got.measured_texts),
        "lessons": read.dedupe(got.note_lessons + got.commit_lessons + got.prose_lessons)[:MAX_LESSONS],
        "next": read.dedupe(got.next_steps)[:3],
        "note_points": _unused(got, got.note_points),
        "commit_notes": _unused(got, got.commit_points),
        "note_titles": read.dedupe(got.note_titles),
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


# Subjects about the tests or the formatting of a change, not the change: they name no story.
_UPKEEP_SUBJECT = re.compile(r"^(?:(?:add(?:ed)?|more|new|fix(?:ed)?|updated?) )?(?:a |the )?(?:failing |unit )?tests?\b"
                             r"|^(?:appl(?:y|ied) |ran |run )?black\b|^(?:formatt|lint|typo|flake8|mypy)",
                             re.IGNORECASE)


def _headline_weight(subject: str, kind: str, lines: int, category: str, tests_only: bool = False) -> int:
    """How well a commit names the story: its category's kind of change first, then size;
    commits that only touch tests or formatting next to last, bulk imports and initial commits
    last, however many lines they add."""
    if _BULK_SUBJECT.match(subject):
        return 100
    if (tests_only or _UPKEEP_SUBJECT.match(subject)) and category not in ("test", "refactor"):
        return 500 + min(lines, 499)
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
    message = read.strip_trailers(activity.text)
    subject_raw, _, body_raw = message.partition("\n")
    if signals.is_trivial_commit(subject_raw, [f.get("path", "") for f in files]):
        return
    match = read.CONVENTIONAL_PREFIX.match(subject_raw)
    kind = match.group("type").lower() if match else ""
    subject = clean(subject_raw[match.end():] if match else subject_raw, "message").rstrip(".")
    subject = read.without_references(subject).rstrip(" .") or subject  # "…, refs #14", "… (#57)": for the tracker
    body = clean(body_raw, "message")
    if subject:
        got.actions.append({"text": read.capitalize(subject), "source": "commit"})
        tests_only = bool(files) and all(re.search(r"(?:^|/)tests?/|(?:^|/)test_[^/]*$|_test\.\w+$", str(f.get("path", "")))
                                         for f in files)
        got.headline_candidates.append((_headline_weight(subject, kind, weight, got.category, tests_only),
                                        read.capitalize(subject)))
        if kind == "fix" or re.match(r"(?i)fix(?:ed|es)?\b", subject):
            got.problems.append({"kind": "fix", "text": read.capitalize(subject)})
    got.measured_texts.append(f"{subject}. {body}".strip())
    _lessons_and_next(body, got.commit_lessons, got, note=True)
    for sentence in read.split_sentences(body):
        if 4 <= len(sentence.split()) <= 45 and not sentence.startswith(("#", "|", "```")):
            if not read.only_references(sentence):
                got.commit_points.append(read.without_references(sentence.lstrip("-*• ").strip()))


def _from_session(activity: Activity, clean: _Cleaner, got: _Collected) -> None:
    meta = activity.meta
    got.stats["prompts"] += 1
    got.session_ids.add(str(meta.get("session_id", activity.fingerprint)))
    cwd = str(meta.get("cwd") or "")
    prompt = clean(meta.get("prompt") or activity.text.split("\n\n", 1)[0], "prompt")
    goal = read.goal_from_prompt(prompt)
    if goal:
        got.goals.append(goal)
    for error in meta.get("errors") or []:
        scored = read.error_line(str(error))
        line = clean.whole(scored[1], "tool output") if scored else None
        if scored and line:
            got.errors.append((scored[0], line))
    for command in meta.get("commands") or []:
        raw = str(command.get("command", "")).strip()
        first_line = clean.whole(raw.splitlines()[0], "command") if raw else None
        shown = read.command_shown(first_line) if first_line else None
        if not shown:
            continue
        entry = {"command": shown, "failed": bool(command.get("failed"))}
        got.commands.append(entry)
        if entry["failed"]:
            got.problems.append({"kind": "failed_command", "text": entry["command"]})
    for key in ("files_edited", "files_written"):
        for path in meta.get(key) or []:
            relative = read.relative_path(str(path), cwd)
            shown = clean.path(relative)
            if shown:
                got.files[shown] = got.files.get(shown, 0) + 1
    summary = clean(meta.get("summary"), "summary")
    if summary:
        got.headline_candidates.append((10, summary))
    for prose in meta.get("assistant_text") or []:
        text = clean(str(prose), "assistant text")
        got.measured_texts.append(text)
        for sentence in read.split_sentences(text):
            done = read.DONE_SENTENCE.match(sentence)
            if done and 3 <= len(sentence.split()) <= 30 and not read.CHATTER.match(sentence):
                action = f"{done.group('verb').lower()} {done.group('rest')}".rstrip(".!:")
                got.actions.append({"text": action, "source": "session"})
                got.headline_candidates.append((5, action))
        _lessons_and_next(text, got.prose_lessons, got, note=False)
    if prompt:
        got.measured_texts.append(prompt)


def _from_note(activity: Activity, clean: _Cleaner, got: _Collected) -> None:
    got.stats["notes"] += 1
    meta = activity.meta
    title = clean(str(meta.get("title") or ""), "title").strip("# ")
    body = clean(activity.text, "text")
    if title:
        got.note_titles.append(title)
        got.headline_candidates.append((1, title))
    got.measured_texts.insert(0, body)
    _lessons_and_next(body, got.note_lessons, got, note=True)
    for sentence in read.split_sentences(body):
        if read.PROBLEM_MARKERS.search(sentence) and 4 <= len(sentence.split()) <= 40:
            got.problems.append({"kind": "note", "text": sentence})
            break
    for sentence in read.split_sentences(body):
        if not 4 <= len(sentence.split()) <= 45 or sentence.startswith(("#", "|", "```")):
            continue
        sentence = sentence.lstrip("-*• ").strip()
        if read.GOAL_MARKERS.search(sentence) and not got.note_goals:
            got.note_goals.append(sentence)
        got.note_points.append(sentence)


# -- ranking ----------------------------------------------------------------------


def _headline(got: _Collected) -> str | None:
    if got.headline_candidates:
        return max(got.headline_candidates, key=lambda item: item[0])[1]
    goals = got.goals + got.note_goals
    return goals[0] if goals else None


def _unused(got: _Collected, sentences: list[str]) -> list[str]:
    """Sentences not already told as the goal, the problem, a lesson, a next step or, nearly word
    for word, as an action (a squash-merged pull request's body repeats its commits' subjects)."""
    used = {s.lower() for s in got.note_goals + got.note_lessons + got.commit_lessons + got.next_steps}
    used |= {p["text"].lower() for p in got.problems}
    actions = [a["text"].lower() for a in got.actions]
    return read.dedupe([s for s in sentences if read.LESSON_LABEL.sub("", s).lower() not in used
                        and s.lower() not in used and not _retells(s.lower(), actions)])[:MAX_NOTE_POINTS]


def _retells(sentence: str, actions: list[str]) -> bool:
    """True when an action says nearly the same words as the sentence ("Make 'request'
    non-optional on responses" for "... on Response"): most words of the longer of the two are
    in both."""
    words = _word_stems(sentence)
    for action in actions:
        other = _word_stems(action)
        if words and other and len(words & other) >= RETOLD_SHARE * max(len(words), len(other)):
            return True
    return False


def _word_stems(text: str) -> set[str]:
    return {word.rstrip("s") or word for word in re.findall(r"[^\W_]+", text)}


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
        for sentence in read.split_sentences(text):
            for before, after in signals.before_after_pairs(sentence):
                if (before, after) not in seen and before != after:
                    seen.add((before, after))
                    pairs.append({"before": before, "after": after, "context": sentence.strip()[:240]})
    return pairs[:6]


def _lessons_and_next(text: str, into: list[str], got: _Collected, *, note: bool) -> None:
    for sentence in read.split_sentences(text):
        words = len(sentence.split())
        if not 5 <= words <= 45 or read.CHATTER.match(sentence) or sentence.lstrip().startswith(("#", "|", "`")):
            continue
        sentence = read.without_references(sentence.lstrip("-*• ").strip())
        if sentence.endswith(":"):
            continue  # the lead-in of a block the post does not show ("… the command was this:")
        labelled = read.LESSON_LABEL.match(sentence) is not None
        if read.NEXT_MARKERS.search(sentence):
            got.next_steps.append(sentence)
        elif labelled or read.LESSON_MARKERS.search(sentence) or (note and read.NOTE_LESSON_EXTRA.search(sentence)):
            into.append(read.capitalize(read.LESSON_LABEL.sub("", sentence)))


