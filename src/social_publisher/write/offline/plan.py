"""The offline writer's plan: which facts of a brief a post tells, chosen once for both languages.

Both languages render the same plan. A post tells the sources' own words (commit subjects,
notes, lessons) only in the language they were written in and never quotes the other language;
both posts must still carry the same numbers, so the plan records the numbers both can show
(`carried`: measured pairs and labelled numbers, error lines, and every number of a sentence
that the other post can list under a metric name, `metrics.labelled_values`). A sentence is told
only when all its numbers are carried; a commit subject that is not is told without the numbers
(`without_numbers`). Strings a check would reject (instructions, metadata, credential talk,
third-person narration) never enter a plan. How much a plan tells is set by a detail level (CAPS) and a quoting level (QUOTING).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from typing import Any

import orjson
from rapidfuzz import fuzz

from social_publisher.enrich import jokes
from social_publisher.records import SESSION_TOOLS, Brief
from social_publisher.write import text as measure
from social_publisher.write.text import language_of
from social_publisher.enrich.sentences import without_references
from social_publisher.write.offline.actions import Action, head_of, parse, whole_note
from social_publisher.write.checks import quotable as _check_quotable
from social_publisher.write.offline.metrics import labelled_values, metric_label, tellable_number
from social_publisher.write.offline.phrases import KIND_OF_CATEGORY

# Per detail level: how much of the brief is told. A higher level is used when a lower one is too short.
CAPS = ({"actions": 6, "files": 4, "numbers": 4, "pairs": 3, "lessons": 2, "commands": 2, "next": 2, "notes": 4,
         "commit_notes": 3},
        {"actions": 10, "files": 8, "numbers": 8, "pairs": 5, "lessons": 4, "commands": 4, "next": 3, "notes": 8,
         "commit_notes": 5},
        # more of what explains the work (commit bodies, notes, lessons), never more subjects or files
        {"actions": 10, "files": 8, "numbers": 8, "pairs": 5, "lessons": 6, "commands": 4, "next": 3, "notes": 12,
         "commit_notes": 10})
# How much of the sources' own words a plan quotes: 0 all it can, 1 less, 2 only what names the work.
QUOTING = (
    {"notes": None, "commit_notes": None, "lessons": None, "next": None, "contexts": True, "unknown_actions": True},
    {"notes": 2, "commit_notes": 1, "lessons": 2, "next": None, "contexts": False, "unknown_actions": True},
    {"notes": 0, "commit_notes": 0, "lessons": 1, "next": 0, "contexts": False, "unknown_actions": False},
)
# Share of an English page's letters (quotations included) in its language the writer aims for; the
# check asks for checks.MIN_SCRIPT_SHARE, the margin keeps the writer clear of it.
MIN_PAGE_SHARE = 0.66
# Words a post must not even quote: they read as pipeline metadata or as an instruction (defects 1, 2).
_UNQUOTABLE = re.compile(r"\btags?\b|\bcategor|тег|категори|\brules\s*:|proofread", re.IGNORECASE)


@dataclass(frozen=True)
class Plan:
    """What one post will tell, chosen once for both languages."""

    project: str
    kind: str
    seed: str
    quote_contexts: bool  # whole source sentences may be quoted beside numbers
    level: int
    headline: Action | None
    problem: dict[str, str] | None
    goal: str | None
    actions: list[Action]
    files: list[str]
    more_files: bool
    stats: dict[str, int]
    tool: str | None
    fail_then_pass: str | None
    failed_only: str | None
    commands: list[str]
    pairs: list[dict[str, str]]
    numbers: list[dict[str, str]]
    lessons: list[str]
    next: list[str]
    note_points: list[str]
    commit_notes: list[str]
    joke: jokes.Joke | None = None
    facts: dict[str, Any] = field(default_factory=dict, repr=False)
    carried: frozenset[str] = frozenset()  # numbers both posts show: all an own-words sentence may hold
    wiki: dict[str, Any] | None = field(default=None, repr=False)  # brief.wiki, for write/offline/worth_knowing.py


def tells(plan: Plan, lang: str, text: str) -> bool:
    """Whether the post in `lang` tells this own-words sentence or commit subject whole: it is
    written in `lang`, and both posts carry its numbers."""
    return language_of(text) == lang and measure.numbers(text) <= plan.carried


def told(plan: Plan, lang: str, items: list[str]) -> list[str]:
    """The items of one of the plan's lists that the post in `lang` tells."""
    return [item for item in items if tells(plan, lang, item)]


def told_action(plan: Plan, lang: str, action: Action) -> Action | None:
    """The action as a post tells it: whole, or without the numbers the posts do not both carry;
    None when it cannot lose them and still say what it said ("older than 3.35", "Python 3.7")."""
    if measure.numbers(action.original) <= plan.carried:
        return action
    kept = without_numbers(action.original, plan.carried)
    return parse(kept) if kept else None


def own_sentences(plan: Plan) -> list[str]:
    """The sources' sentences a post may tell in their own language, in the order the post tells them."""
    goal = [plan.goal] if plan.goal and plan.goal != (plan.headline.original if plan.headline else None) else []
    texts = [*goal, *(a.original for a in plan.actions), *plan.commit_notes, *plan.note_points, *plan.lessons,
             *plan.next]
    return list(dict.fromkeys(texts))


def carried_numbers(plan: Plan) -> frozenset[str]:
    """The numbers both posts show: measured pairs, numbers with a metric name, the error line and
    the failing command (code, the same in both languages), and the numbers of every sentence that
    can be listed by metric names in the other language."""
    found: set[str] = set()
    for pair in plan.pairs:
        found |= measure.numbers(pair["before"]) | measure.numbers(pair["after"])
    for number in plan.numbers:
        if metric_label(number.get("context", ""), number["value"]):
            found |= measure.numbers(number["value"])
    if plan.problem and plan.problem["kind"] == "error":
        found |= measure.numbers(plan.problem["text"])
        if plan.fail_then_pass:
            found |= measure.numbers(plan.fail_then_pass)
    for sentence in own_sentences(plan):
        for value, _ in labelled_values(sentence) or []:
            found |= measure.numbers(value)
    for text in [*(a.original for a in plan.actions), *plan.commit_notes, *plan.lessons]:
        if language_of(text) == "en":  # the Russian post shows them as code names
            for name in numbered_names(text):
                found |= measure.numbers(name)
    return frozenset(found)


_NUMBERED_NAME = re.compile(r"(?<![\w`.-])[A-Za-z][A-Za-z\d.]*-\d+[A-Za-z\d.]*(?![\w-])")


def numbered_names(text: str) -> list[str]:
    """Names with a number in them ("UTF-16", "GPT-4", "ISO-8601"): told as code in either language."""
    return _NUMBERED_NAME.findall(text)


# Words whose object a number is: without it the phrase says something else or nothing
# ("older than 3.35", "at least 3 retries", "about 3.8 and deterministic", "first 100 rows").
_NEEDS_ITS_NUMBER = frozenset(("than", "least", "most", "over", "under", "below", "above", "since", "until", "before",
                               "after", "between", "about", "around", "upto", "first", "last", "top", "only", "every",
                               "each", "per", "exactly", "nearly", "almost", "version", "v"))
_PREPOSITIONS = ("at", "to", "from", "of", "by", "with", "in", "on", "for", "#", "closes", "fixes", "refs", "see")
_ARGUMENT_PREPOSITIONS = ("at", "to", "from", "of", "by", "with", "in", "on", "for", "against", "into", "than")
_UNIT_WORD = re.compile(r"(?:ms|s|sec|min|h|%|[KMGT]B|x|px|pt|em|rem|dpi|fps|k)[,;:]?")
_VERSION = re.compile(r"\(?v?\d+\.\d+[\w.+-]*[,;:)]?")  # "3.7", "3.12+", "3.15-dev", "20.8b1"


def without_numbers(text: str, allowed: frozenset[str]) -> str:
    """The text without what holds a number outside `allowed`: the clause of a list that holds it
    ("CLI tests: one-line messages, exit 2, help" -> "CLI tests: one-line messages, help"), an
    aside in parentheses ("Benchmark (100k rows / 20 projects) and speed-ups" -> "Benchmark and
    speed-ups"), or else the word ("Telegram 429 responses" -> "Telegram responses", no dangling
    "to" or unit left). "" when the text cannot lose the number and still say what it said: the
    number is what a word compares with ("older than 3.35"), a version of a name after a
    preposition ("support for Python 3.7", "on SQLite 3.35"), a name with its bound ("Ruff>=0.16.0"),
    or the object of a preposition with the sentence going on after it ("about 3.8 and …")."""
    head, colon, tail = text.partition(": ")
    if not colon:
        head, tail = "", text
    clauses = re.split(r"(?<=[,;])\s+", tail)
    if len(clauses) > 1 and all(c.count("(") == c.count(")") for c in clauses):  # not inside "f(a, b)"
        reduced = [c if not measure.numbers(c) - allowed else _without_modifiers(c, allowed) for c in clauses]
        kept = [c for c in reduced if c]
        if kept and not measure.numbers(head) - allowed:  # each clause keeps its own "," or ";"
            return (f"{head}: " if colon else "") + " ".join(kept).rstrip(",;")
    asides = re.sub(r"\s*\((?=[^()]*\s)[^()]*\)", lambda m: "" if measure.numbers(m.group(0)) - allowed else m.group(0),
                    text)
    if asides != text and asides.strip():
        return without_numbers(asides, allowed)
    kept_words: list[str] = []
    dropped = False
    words = text.split()
    for index, word in enumerate(words):
        if measure.numbers(word) - allowed:
            previous = kept_words[-1] if kept_words else ""
            if previous.lower().strip("(") in _NEEDS_ITS_NUMBER or re.search(r"[A-Za-z][<>=~!]=?\d", word):
                return ""
            following = words[index + 1] if index + 1 < len(words) else ""
            modifier = re.fullmatch(r"[a-z][a-z-]{2,}", following) and not re.fullmatch(
                r"(?:ms|sec|min|px|pt|em|rem|dpi|fps|and|or|to|from|with|for|in|on|at|by)", following)
            named = re.fullmatch(r"[A-Z][\w.+-]*", previous) is not None
            if _VERSION.fullmatch(word) and (named and (modifier or len(kept_words) > 1 and kept_words[-2].lower()
                                                        in _ARGUMENT_PREPOSITIONS) or not named and not modifier):
                return ""  # "support for Python 3.7", "Python 3.12+ connections", "Python :: 3.13": the version
                # is the claim; a tool's version after its name may go ("Applied Black 20.8b1"), and one
                # that names which of a thing ("to 4.0rc3 release notes")
            if not modifier and previous.lower() in _ARGUMENT_PREPOSITIONS:
                rest = words[index:]
                if len(rest) > 1 and _UNIT_WORD.fullmatch(rest[1]):
                    rest = rest[1:]
                if len(rest) > 1 and not re.search(r"[,;:]$", rest[0]):
                    return ""  # "about 3.8 and deterministic": the sentence goes on from the number
            while not modifier and kept_words and kept_words[-1].lower() in _PREPOSITIONS:
                kept_words.pop()  # "retry at 30 s" -> "retry"; "subheadings to 4.0rc3 release notes" keeps its "to"
            dropped = True
            continue
        if dropped and _UNIT_WORD.fullmatch(word):
            continue  # the unit of the number just left out
        dropped = False
        kept_words.append(word)
    return " ".join(kept_words).rstrip(" ,;:")


def _without_modifiers(clause: str, allowed: frozenset[str]) -> str | None:
    """The clause without numbers that only size the noun after them ("through a 1 MB pipe" ->
    "through a pipe"), or None when a number is more than that ("exit 2", "older than 3.35")."""
    words = clause.split()
    kept: list[str] = []
    skip = False
    for index, word in enumerate(words):
        if skip:
            skip = False
            if _UNIT_WORD.fullmatch(word):
                continue
        if measure.numbers(word) - allowed:
            following = words[index + 1] if index + 1 < len(words) else ""
            if _UNIT_WORD.fullmatch(following):
                following = words[index + 2] if index + 2 < len(words) else ""
            previous = kept[-1].lower() if kept else ""
            if (not re.fullmatch(r"[a-z][a-z-]{2,}[,;]?", following) or previous in _NEEDS_ITS_NUMBER
                    or previous in _ARGUMENT_PREPOSITIONS or _VERSION.fullmatch(word)):
                return None
            skip = True
            continue
        kept.append(word)
    return " ".join(kept)


def build_plan(brief: Brief, attempt: int, level: int, quoting: int) -> Plan:
    """The plan at one detail level (CAPS index) and quoting level (QUOTING index); `attempt` changes
    the seed, so a retry picks other phrasing variants."""
    facts = brief.facts
    caps = CAPS[level]
    quotes = QUOTING[quoting]
    seed = hashlib.sha256(orjson.dumps(facts, option=orjson.OPT_SORT_KEYS) + f":{attempt}".encode()).hexdigest()

    def told(key: str, cap_key: str | None = None) -> list[str]:
        limit = quotes[cap_key or key]
        cap = caps[cap_key or key]
        chosen = [without_references(s) for s in facts.get(key, []) if s and quotable(s)]
        chosen = [s for s in chosen if key != "commit_notes" or whole_note(s)]
        return chosen[: cap if limit is None else min(cap, limit)]

    headline = (parse(without_references(facts["headline"])) if facts.get("headline") and quotable(facts["headline"])
                else None)
    problem = facts.get("problem") if facts.get("problem") and quotable(facts["problem"].get("text", "")) else None
    goal = facts.get("goal") if facts.get("goal") and quotable(facts["goal"]) else None
    actions = _distinct_actions([parse(without_references(a["text"])) for a in facts.get("actions", [])
                                 if quotable(a.get("text", ""))])
    if not quotes["unknown_actions"]:
        actions = [a for a in actions if a.known or head_of(a.original) != a.original] or actions[:2]
    commands = facts.get("commands", [])
    failed = {c["command"] for c in commands if c.get("failed")}
    passed = {c["command"] for c in commands if not c.get("failed")}
    fail_then_pass = next((c["command"] for c in commands if c["command"] in failed & passed), None)
    failed_only = next((c["command"] for c in commands if c["command"] in failed - passed), None)
    if problem and problem.get("kind") == "failed_command" and problem.get("text") == failed_only:
        failed_only = None
    others = [c["command"] for c in commands if c["command"] not in failed]
    pairs = [p for p in facts.get("before_after", []) if p.get("before") and p.get("after")][: caps["pairs"]]
    in_pairs = {p["before"] for p in pairs} | {p["after"] for p in pairs}
    numbers = []
    for number in facts.get("numbers", []):
        if number["value"] in in_pairs or not tellable_number(number):
            continue
        labelled = metric_label(number.get("context", ""), number["value"]) is not None
        if labelled or (quotes["contexts"] and quotable(number.get("context", ""))):
            numbers.append(number)
    files = facts.get("files", [])
    sources = facts.get("sources", [])
    tool = next((name for source, name in SESSION_TOOLS.items() if source in sources), None)
    plan = Plan(
        project=facts.get("project", ""),
        kind=_kind(facts.get("category", ""), headline, problem),
        seed=seed,
        quote_contexts=quotes["contexts"],
        level=level,
        headline=headline,
        problem=problem,
        goal=goal,
        actions=actions[: caps["actions"]],
        files=files[: caps["files"]],
        more_files=len(files) > caps["files"],
        stats=facts.get("stats", {}),
        tool=tool,
        fail_then_pass=fail_then_pass,
        failed_only=failed_only,
        commands=list(dict.fromkeys(others))[: caps["commands"]],
        pairs=pairs,
        numbers=numbers[: caps["numbers"]],
        lessons=told("lessons"),
        next=told("next"),
        note_points=told("note_points", "notes"),
        commit_notes=told("commit_notes"),
        joke=jokes.get(brief.joke_id),
        facts=facts,
        wiki=brief.wiki,
    )
    return replace(plan, carried=carried_numbers(plan))


def quotable(text: str) -> bool:
    """A brief's string the writer may tell: it passes the content checks and holds no word that
    reads as metadata or instruction even in a quotation."""
    return _check_quotable(text) and not _UNQUOTABLE.search(text)


def _kind(category: str, headline: Action | None, problem: dict[str, str] | None) -> str:
    lowered = category.lower()
    for kind, words in KIND_OF_CATEGORY:
        if any(word in lowered for word in words):
            return kind
    if headline and headline.kind != "other":
        return headline.kind
    return "fix" if problem else "other"


def _distinct_actions(actions: list[Action]) -> list[Action]:
    kept: list[Action] = []
    for action in actions:
        if all(fuzz.token_set_ratio(action.obj or action.original, k.obj or k.original) < 80 for k in kept):
            kept.append(action)
    return kept
