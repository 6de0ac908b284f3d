"""Scores a group of activity for substance, from features that can be explained.

Each feature gives points and the evidence it saw; a story's score is their sum.
Weights and caps (the numbers below) are chosen so that a story with a problem, numbers
and a lesson scores around 10, a day of ordinary commits scores 1-3, and trivial work
scores 0 (its rows are excluded before any feature looks at them: see facts.py).

| feature | points | evidence |
|---|---|---|
| user_notes | 3 + up to 1 for length; +0.5 per further note (cap 4.5) | note titles |
| before_after | 2 per distinct pair (cap 4) | "73.0% → 76.8%" |
| measurements | 0.5 per measured number not in a pair (cap 2) | the numbers |
| problem_solved | 3 | "`pytest` failed, then passed"; "error ..., then commit 'Fix ...'" |
| fix_commit | 1.5 when a commit fixes a described bug and no failure was seen | commit subjects |
| problem_met | 1 for errors or failures left unsolved | the error |
| change_size | 0.4 per decade of lines changed (cap 1.6); 0.15 per file for AI-only edits (cap 0.9) | "+120 −30 lines in 7 files" |
| spread | 0.25 per extra top-level area touched (cap 1) | the areas |
| new_technologies | 1 per technology installed or new to the project (cap 2) | the tags |
| goal_prompts | 1 for a prompt that states a goal, +0.25 per further one (cap 1.5) | the prompt |
| ai_session | 0.15 per AI turn group (cap 0.75) | turn count |
| described_commits | 0.5 per commit with a body of 15+ words (cap 1) | commit subjects |
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from social_publisher.records import COMMIT, NOTE, SESSION
from social_publisher.select.facts import RowFacts
from social_publisher.select.tags import command_programs
from social_publisher.select.words import WordPattern
from social_publisher.signals import SENTENCE_BREAK, before_after_pairs, measurements


@dataclass
class Feature:
    name: str
    points: float
    evidence: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"points": round(self.points, 2), "evidence": self.evidence}


# All matched against lower-cased text (see words.WordPattern).
FIX_RE = WordPattern(r"fix(?:e[sd])?|hotfix|bug(?:fix)?|resolve[sd]?|repair(?:ed)?|patch(?:ed)?|crash\w*|regression",
                     r"исправ|почин|баг|ошибк")
_SOLVED_PROSE_RE = WordPattern(
    r"fixed|now (?:passes|pass|works|succeeds)|all (?:\d+ )?tests? pass\w*|tests? (?:now )?pass\w*|resolved|"
    r"works now|is working", r"исправлен|работает|проходят|починил")
_PROBLEM_TEXT_RE = WordPattern(r"problem|bug|error|issue|failure|failing|broke|broken|crash\w*",
                               r"проблем|ошибк|баг|слома|пада")
_SOLUTION_TEXT_RE = WordPattern(r"fixed|solved|solution|the fix|resolved|turned out|root cause|workaround",
                                r"решени|исправ|помогл|оказалось|причина")
_TESTS_FAILED_RE = WordPattern(r"\d+ (?:tests? )?failed|tests? fail(?:ed|ing|s)?")
_TESTS_FAILED_WORDS = ("failed", "test fail", "tests fail")  # every match of _TESTS_FAILED_RE holds one
_TESTS_PASSED_RE = re.compile(r"\b\d+ passed\b(?![^\n]*\bfailed\b)|\ball (?:\d+ )?tests? pass")
GOAL_RE = WordPattern(
    r"i want|i'd like|i need|we need|need to|goal|so that|make (?:it|the|sure)|implement|add|build|create|fix|"
    r"speed up|reduce|improve|optimi[sz]e|why|how (?:do|can|to)|figure out|investigate|find out|compare|measure|"
    r"write|refactor|migrate", r"нужно|надо|хочу|сделай|добав|реализ|исправ|почему|ускор|уменьш|улучш|цель|чтобы|"
    r"разбер|перепиш")
_DIGIT_RE = re.compile(r"\d")
_PAIR_HINT_RE = re.compile("->|→|=>|➜|from |From |с ")
_TELLING_PROMPT_CHARS = 40  # a shorter prompt ("fix the error") asks; it does not tell a problem and its fix
_ENOUGH_PAIRS, _ENOUGH_VALUES = 2, 8  # before_after is capped at 2 pairs, measurements at 4 lone values
_SKIP_PROGRAMS = {"cd", "echo", "cat", "ls", "tail", "head", "grep", "rg", "less", "sed", "awk", "wc", "sort", "true"}


def extract_features(rows: list[RowFacts], *, new_tags: list[str]) -> list[Feature]:
    """Every feature with points > 0 for these substance rows (excluded rows already removed)."""
    candidates = [
        _user_notes(rows),
        *_numbers(rows),
        _problem(rows),
        *_change(rows),
        _new_technologies(new_tags),
        _goal_prompts(rows),
        _ai_session(rows),
        _described_commits(rows),
    ]
    return [f for f in candidates if f is not None and f.points > 0]


def total(features: list[Feature]) -> float:
    return round(sum(f.points for f in features), 2)


IDLE_FACTOR = 0.1  # what an idle story keeps of its points: near zero, still ordered
# Prompts people type to try a tool, not to work: "Lorem ipsum", "hello world", "test 123".
_FIXTURE_RE = WordPattern(
    r"lorem ipsum|hello,? world|foo ?bar|asdf\w*|qwerty|test(?:ing)? (?:message|prompt|input|session|string|123)"
    r"|(?:testing )?special characters|this is a test|just testing|say hi",
    r"привет,? мир|тестов\w* сообщени")
_FIXTURE_PROMPT_CHARS = 120  # a longer prompt that mentions "hello world" is about something else


def idle_reason(rows: list[RowFacts]) -> str | None:
    """Why a story holds no work, or None: AI turns that changed no file, ran no command and made
    no commit (a chat, a tool tried out), or prompts that are test fixtures ("Lorem ipsum",
    "Create a hello world function") with no commit or note beside them."""
    sessions = [r for r in rows if r.kind == SESSION]
    if not sessions or any(r.kind in (COMMIT, NOTE) for r in rows):
        return None
    fixtures = [r.label for r in sessions
                if _FIXTURE_RE.search(r.human.lower()) and (len(r.human) <= _FIXTURE_PROMPT_CHARS
                                                            or "lorem ipsum" in r.human.lower())]
    if len(fixtures) == len(sessions):
        return f"test-fixture prompts ('{_short(fixtures[0], 50)}'), no commit"
    if not any(r.files or r.commands or r.errors for r in sessions):
        turns = len(sessions)
        return f"no file changed, no command run, no commit in {turns} AI turn group{'s' if turns > 1 else ''}"
    return None


def _user_notes(rows: list[RowFacts]) -> Feature | None:
    notes = [r for r in rows if r.kind == NOTE]
    if not notes:
        return None
    words = len(notes[0].human.split())
    points = min(4.5, 3.0 + min(1.0, words / 300) + 0.5 * (len(notes) - 1))
    return Feature("user_notes", points, [f"note '{n.label}'" for n in notes[:3]])


def _numbers(rows: list[RowFacts]) -> list[Feature]:
    pairs: list[tuple[str, str]] = []
    values: list[str] = []
    for row in rows:
        if len(pairs) >= _ENOUGH_PAIRS and len(values) >= _ENOUGH_VALUES:
            break  # the caps are reached; reading on would change no points
        for text in (row.human, row.prose):
            if not text or not _DIGIT_RE.search(text):
                continue
            sentences = SENTENCE_BREAK.split(text)
            # Only sentences with an arrow, "from" or "с" can hold a before/after pair.
            if _PAIR_HINT_RE.search(text):
                hinted = list(filter(_PAIR_HINT_RE.search, sentences))
                for before, after in before_after_pairs("\n".join(hinted)):  # dates, versions blanked there
                    if before != after and (before, after) not in pairs:
                        pairs.append((before, after))
            # measurements reads sentence by sentence and stops at the limit.
            for measured in measurements(text, limit=_ENOUGH_VALUES, sentences=sentences):
                if measured.value not in values:
                    values.append(measured.value)
    in_pairs = {_bare(v) for pair in pairs for v in pair}
    lone = [v for v in values if _bare(v) not in in_pairs]
    features = []
    if pairs:
        features.append(Feature("before_after", min(4.0, 2.0 * len(pairs)), [f"{b} → {a}" for b, a in pairs[:4]]))
    if lone:
        features.append(Feature("measurements", min(2.0, 0.5 * len(lone)), lone[:6]))
    return features


def _bare(value: str) -> str:
    return re.sub(r"[^\d.,]", "", value)


def _problem(rows: list[RowFacts]) -> Feature | None:
    open_failures: dict[str, str] = {}
    open_errors: list[str] = []
    solved: list[str] = []
    fix_commits: list[str] = []
    for row in rows:
        if row.kind == SESSION:
            for command, failed in row.commands:
                key = _program_key(command)
                if failed:
                    open_failures.setdefault(key, command)
                elif key in open_failures:
                    solved.append(f"`{_short(open_failures.pop(key))}` failed, then passed")
            prose = row.prose.lower()
            # Substring checks first: the regexes below only run on prose that can match them.
            failed_tests = "fail" in prose and (any(words in prose for words in _TESTS_FAILED_WORDS)
                                                and _TESTS_FAILED_RE.search(prose) or "FAILED" in row.prose)
            passed_tests = "pass" in prose and _TESTS_PASSED_RE.search(prose)
            if failed_tests and not passed_tests:
                open_failures.setdefault("tests", "tests")
            elif "tests" in open_failures and passed_tests:
                open_failures.pop("tests")
                solved.append("tests failed, then passed")
            if row.errors:
                open_errors.extend(row.errors)
            elif open_errors and (said_solved := _SOLVED_PROSE_RE.search(prose)):
                solved.append(f"error '{_short(open_errors[0])}', then: {_short(said_solved[0])}")
                open_errors.clear()
        elif row.kind == COMMIT and FIX_RE.search(row.label.lower()):
            if open_errors or open_failures:
                problem = open_errors[0] if open_errors else next(iter(open_failures.values()))
                solved.append(f"'{_short(problem)}', then commit '{_short(row.label)}'")
                open_errors.clear()
                open_failures.clear()
            elif len(row.label.split()) >= 3:
                fix_commits.append(row.label)
        if (row.kind == NOTE or (row.kind == SESSION and len(row.human) >= _TELLING_PROMPT_CHARS)) \
                and _tells_problem_and_fix(row.human.lower()):
            solved.append(f"{'note' if row.kind == NOTE else 'prompt'} '{_short(row.label)}' tells a problem and its fix")
    if solved:
        return Feature("problem_solved", 3.0, _unique(solved)[:3])
    if fix_commits:
        return Feature("fix_commit", 1.5, fix_commits[:3])
    unsolved = open_errors + list(open_failures.values())
    if unsolved:
        return Feature("problem_met", 1.0, [_short(u) for u in unsolved[:3]])
    return None


def _tells_problem_and_fix(lowered: str) -> bool:
    return _PROBLEM_TEXT_RE.search(lowered) is not None and _SOLUTION_TEXT_RE.search(lowered) is not None


@lru_cache(maxsize=4096)
def _program_key(command: str) -> str:
    programs = [p for p in command_programs(command) if p not in _SKIP_PROGRAMS]
    if not programs:
        return command.strip()
    # "python -m pytest" and "pytest" are the same check; "python script.py" is keyed by the script.
    if programs[0] in ("python", "python3") and len(programs) > 1:
        return programs[1]
    if programs[0] in ("python", "python3", "node", "go", "cargo", "npm"):
        words = command.split()
        index = words.index(programs[0]) if programs[0] in words else 0
        return " ".join(words[index:index + 2])
    return programs[0]


def _change(rows: list[RowFacts]) -> list[Feature]:
    added = removed = 0
    commit_files: set[str] = set()
    session_files: set[str] = set()
    for row in rows:
        for change in row.files:
            if change.generated:
                continue
            if row.kind == COMMIT:
                commit_files.add(change.path)
                added += change.added or 0
                removed += change.removed or 0
            else:
                session_files.add(change.path)
    features = []
    lines = added + removed
    if commit_files:
        points = min(1.6, 0.4 * math.log10(1 + lines))
        features.append(Feature("change_size", points, [f"+{added} −{removed} lines in {len(commit_files)} files"]))
    elif session_files:
        features.append(Feature("change_size", min(0.9, 0.15 * len(session_files)),
                                [f"{len(session_files)} files edited in AI sessions"]))
    areas = sorted({_area(path) for path in commit_files | session_files})
    if len(areas) > 1:
        features.append(Feature("spread", min(1.0, 0.25 * (len(areas) - 1)), [", ".join(areas[:6])]))
    return features


def _area(path: str) -> str:
    path = path.lstrip("./")
    parts = path.split("/")
    if len(parts) == 1:
        return "(root)"
    if parts[0] in ("src", "lib", "app", "packages") and len(parts) > 2:
        return "/".join(parts[:2])
    return parts[0]


def _new_technologies(new_tags: list[str]) -> Feature | None:
    if not new_tags:
        return None
    return Feature("new_technologies", min(2.0, 1.0 * len(new_tags)), list(new_tags[:4]))


def _goal_prompts(rows: list[RowFacts]) -> Feature | None:
    goals = [r.label for r in rows if r.kind == SESSION and len(r.label.split()) >= 4 and GOAL_RE.search(r.label.lower())]
    if not goals:
        return None
    return Feature("goal_prompts", min(1.5, 1.0 + 0.25 * (len(goals) - 1)), [f"'{_short(g)}'" for g in goals[:2]])


def _ai_session(rows: list[RowFacts]) -> Feature | None:
    turns = [r for r in rows if r.kind == SESSION]
    if not turns:
        return None
    sources = sorted({r.activity.source for r in turns})
    return Feature("ai_session", min(0.75, 0.15 * len(turns)), [f"{len(turns)} turn groups ({', '.join(sources)})"])


def _described_commits(rows: list[RowFacts]) -> Feature | None:
    described = []
    for row in rows:
        if row.kind == COMMIT:
            body = row.human.split("\n", 1)[1] if "\n" in row.human else ""
            if len(body.split()) >= 15:
                described.append(row.label)
    if not described:
        return None
    return Feature("described_commits", min(1.0, 0.5 * len(described)), described[:3])


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _unique(items: list[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen
