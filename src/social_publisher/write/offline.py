"""The offline writer: a deterministic bilingual post composed from the brief, no network.

It first makes a language-independent *plan* (which facts to tell, in which
order, which phrasing variant), then renders the plan in English or Russian
with the frames of `phrases.py`. Both languages render the same plan, so they
carry the same numbers; every number comes from the brief. Strings the writer
would quote but that a check would reject (instructions, metadata, credential
talk, third-person narration) are left out of the plan. The retry (`attempt` 1)
picks other variants and quotes less.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from typing import Any, Sequence

import orjson
from rapidfuzz import fuzz

from social_publisher.enrich import jokes
from social_publisher.records import Brief
from social_publisher.write import text as measure
from social_publisher.write.actions import Action, gerund, infinitive, language_of, mark_code, parse, past
from social_publisher.write.base import Draft, Writer, register
from social_publisher.write.checks import quotable as _check_quotable
from social_publisher.write.phrases import COUNTED, EN_UNITS, SIZE_UNITS, TIME_UNITS, KIND_OF_CATEGORY, METRICS, PHRASES, RU_UNITS

LANGS = ("en", "ru")
# Per detail level: how much of the brief is told. Level 1 is used when level 0 is too short.
CAPS = ({"actions": 4, "files": 4, "numbers": 4, "pairs": 3, "lessons": 2, "commands": 2, "next": 0, "notes": 3,
         "commit_notes": 2},
        {"actions": 8, "files": 8, "numbers": 8, "pairs": 5, "lessons": 4, "commands": 4, "next": 1, "notes": 6,
         "commit_notes": 4})
# Share of a page's letters (quotations included) in its language the writer aims for; the check
# asks for checks.MIN_SCRIPT_SHARE, the margin keeps the writer clear of it.
MIN_PAGE_SHARE = 0.66
# Words a post must not even quote: they read as pipeline metadata or as an instruction (defects 1, 2).
_UNQUOTABLE = re.compile(r"\btags?\b|\bcategor|\bтег|категори|\brules\s*:|proofread", re.IGNORECASE)
_SMALL_WORDS = {"a", "an", "the", "and", "or", "for", "to", "in", "of", "on", "at", "by", "with", "from", "as",
                "into", "vs", "via", "but", "nor"}
_TRAILING_JUNK = _SMALL_WORDS | {"not", "without", "instead", "than", "и", "в", "на", "с", "для", "по", "к", "из", "от",
                                  "не", "без"}


@dataclass(frozen=True)
class Plan:
    """What one post will tell, chosen once for both languages."""

    project: str
    kind: str
    seed: str
    conservative: bool  # no number contexts quoted
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


@register
class OfflineWriter(Writer):
    """Composes posts from bilingual templates; makes no network call (llm_calls stays 0)."""

    name = "offline"

    def draft(self, brief: Brief, lang: str, *, attempt: int = 0, feedback: Sequence[str] = ()) -> Draft:
        plan = make_plan(brief, attempt=attempt, min_words=self.config.writer.min_words, feedback=feedback)
        return render(plan, lang)


# -- planning ---------------------------------------------------------------------------------------


# How much of the sources' own words a plan quotes: 0 all it can, 1 less, 2 only what names the work.
QUOTING = (
    {"notes": None, "commit_notes": None, "lessons": None, "next": None, "contexts": True, "unknown_actions": True},
    {"notes": 2, "commit_notes": 1, "lessons": 2, "next": None, "contexts": False, "unknown_actions": True},
    {"notes": 0, "commit_notes": 0, "lessons": 1, "next": 0, "contexts": False, "unknown_actions": False},
)


def make_plan(brief: Brief, *, attempt: int = 0, min_words: int = 150, feedback: Sequence[str] = ()) -> Plan:
    """The plan for a brief, measured by the writer itself before any check sees it.

    Tried from the most quoting to the least, each at detail level 0 then 1: the first plan
    whose posts reach `min_words` in both languages while their own prose (not quotations
    in the other language) keeps MIN_PAGE_SHARE of the letters wins; failing that, the most
    detailed plan that keeps the prose share. The retry after a failed content check starts
    at quoting level 1 and uses other phrasing variants.
    """
    length_only = all(reason.startswith(("too short", "too long")) for reason in feedback)
    first = 0 if attempt == 0 or length_only else 1
    fallback: Plan | None = None
    plan: Plan | None = None
    for quoting in range(first, len(QUOTING)):
        for level in (0, 1):
            plan = _plan(brief, attempt, level=level, quoting=quoting)
            drafts = [render(plan, lang) for lang in LANGS]
            names = (plan.project, "Claude Code", "Codex")
            prose_ok = all(measure.script_share(d.body_md, lang, ignore=names) >= MIN_PAGE_SHARE
                           for lang, d in zip(LANGS, drafts))
            long_enough = min(measure.words(d.body_md) for d in drafts) >= min_words
            if prose_ok and long_enough:
                return plan
            if prose_ok and fallback is None:
                fallback = plan
            if long_enough:
                break  # more detail would only add quotations
    return fallback or plan  # type: ignore[return-value]


def _plan(brief: Brief, attempt: int, level: int, quoting: int) -> Plan:
    facts = brief.facts
    caps = CAPS[level]
    quotes = QUOTING[quoting]
    seed = hashlib.sha256(orjson.dumps(facts, option=orjson.OPT_SORT_KEYS) + f":{attempt}".encode()).hexdigest()

    def told(key: str, cap_key: str | None = None) -> list[str]:
        limit = quotes[cap_key or key]
        cap = caps[cap_key or key]
        chosen = [s for s in facts.get(key, []) if s and quotable(s)]
        return chosen[: cap if limit is None else min(cap, limit)]

    headline = parse(facts["headline"]) if facts.get("headline") and quotable(facts["headline"]) else None
    problem = facts.get("problem") if facts.get("problem") and quotable(facts["problem"].get("text", "")) else None
    goal = facts.get("goal") if facts.get("goal") and quotable(facts["goal"]) else None
    actions = _distinct_actions([parse(a["text"]) for a in facts.get("actions", []) if quotable(a.get("text", ""))])
    if not quotes["unknown_actions"]:
        actions = [a for a in actions if a.known] or actions[:2]
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
    tool = "Claude Code" if "claude-code" in sources else "Codex" if "codex" in sources else None
    return Plan(
        project=facts.get("project", ""),
        kind=_kind(facts.get("category", ""), headline, problem),
        seed=seed,
        conservative=not quotes["contexts"],
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
    )


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


def tellable_number(number: dict[str, str]) -> bool:
    """A bare integer ("429", "500") is told only when a counted noun follows it ("7 tests");
    values with a unit, a percent sign or a decimal point always are."""
    value = number["value"]
    if number.get("context", "").lstrip().startswith("|"):
        return False  # a table row: which column a number belongs to is not known
    digits, _, unit = value.partition(" ")
    if unit == "s" and re.search(rf"(?<![\w.,]){re.escape(digits)}s\b", number.get("context", "")):
        return False  # "no 429s": a plural, not seconds
    if not re.fullmatch(r"-?\d+(?:[,\u00a0]\d{3})*", value):
        return True
    follows = re.search(rf"(?<![\w.,]){re.escape(value)}\s+([A-Za-zА-Яа-яЁё]+)", number.get("context", ""))
    return bool(follows and follows.group(1).lower() in COUNTED)


def metric_label(context: str, value: str) -> tuple[str, str] | None:
    """(English, Russian) label for a number: a metric word right beside it in its sentence
    ("accuracy 76.8%", "7 tests", "latency of 120 ms"), or None when nothing that close names it."""
    position = context.find(value)
    if position < 0:
        position = context.find(value.split()[0])
    if position < 0 or context.lstrip().startswith("|"):  # a table row: columns, not a sentence
        return None
    before = re.findall(r"[A-Za-zА-Яа-яЁё]+", context[:position])[-6:]
    after = re.findall(r"[A-Za-zА-Яа-яЁё]+", context[position + len(value):])[:2]
    before = [w for w in before if w.lower() not in _GLUE][-2:]
    kind = _value_kind(value)
    for word in [*after[:1], *reversed(before), *after[1:]]:
        metric = METRICS.get(word.lower())
        if metric and metric[2] in ("any", kind) and not (metric[2] == "any" and kind == "count"):
            rate = re.search(rf"\b{re.escape(word)}\s+per\s+(second|minute|hour|day)\b", context)
            if rate:
                ru_unit = {"second": "секунду", "minute": "минуту", "hour": "час", "day": "день"}[rate.group(1)]
                return f"{metric[0]} per {rate.group(1)}", f"{metric[1]} в {ru_unit}"
            return metric[0], metric[1]
    return None


def _value_kind(value: str) -> str:
    number, _, unit = value.partition(" ")
    if unit in TIME_UNITS:
        return "time"
    if unit in SIZE_UNITS:
        return "size"
    if number.endswith("%") or "." in number or "," in number and not re.fullmatch(r"\d{1,3}(?:,\d{3})+", number):
        return "ratio"
    return "count" if not unit and not number.endswith(("x", "×")) else "factor"


_GLUE = {"of", "the", "a", "an", "is", "was", "at", "to", "on", "in", "by", "from", "reached", "went", "now"}


# -- rendering ----------------------------------------------------------------------------------------


class _Frames:
    """Picks a phrasing variant per key by a hash of the plan's seed."""

    def __init__(self, lang: str, seed: str):
        self.lang, self.seed = lang, seed
        self.book = PHRASES[lang]

    def variants(self, key: str) -> list[str]:
        if key in self.book:
            return self.book[key]
        return self.book[key.split(":")[0] + ":other"]

    def pick(self, key: str, **values: str) -> str:
        options = self.variants(key)
        index = int(hashlib.sha256(f"{self.seed}:{key}".encode()).hexdigest(), 16) % len(options)
        return options[index].format(**values)


def render(plan: Plan, lang: str) -> Draft:
    frames = _Frames(lang, plan.seed)
    project = f"**{plan.project}**"
    parts: list[str] = []
    parts += _opening(plan, lang, frames, project)
    work = _work(plan, lang, frames)
    if work:
        parts.append(frames.pick(f"head_work:{plan.kind if plan.kind in ('fix', 'perf') else 'other'}"))
        parts += work
    parts += _numbers(plan, lang, frames)
    parts += _lessons(plan, lang, frames)
    if plan.next:
        parts.append(frames.pick("next", q=_own_words(plan.next[0], lang, strip=_NEXT_LABEL)))
    if plan.joke:
        parts.append(f"{plan.joke.text(lang)} 😄")
    else:
        parts.append(frames.pick("no_joke", P=project))
    body = "\n\n".join(part.strip() for part in parts if part and part.strip())
    body = re.sub(r"[ \t]+\n", "\n", body)
    return Draft(title=make_title(plan, lang), body_md=body + "\n")


def _opening(plan: Plan, lang: str, frames: _Frames, project: str) -> list[str]:
    problem, goal = plan.problem, plan.goal
    first: str
    if problem and problem["kind"] == "error":
        first = frames.pick("open:error", P=project, err=_code(problem["text"]))
    elif problem and problem["kind"] == "failed_command":
        first = frames.pick("open:failed_command", P=project, cmd=_code(problem["text"]))
    elif problem and problem["kind"] == "fix":
        action = parse(problem["text"])
        inf = infinitive(action, lang)
        first = (frames.pick("open:fix", P=project, inf=inf) if inf
                 else frames.pick("open:fix_quoted", P=project, q=_quote_inline(problem["text"], lang)))
    elif problem and problem["kind"] == "note" and not plan.conservative:
        first = frames.pick("open:note", P=project, q=_quote_end(problem["text"], lang))
    elif goal:
        return [frames.pick("open:goal", P=project, q=_quote_end(goal, lang))]
    elif plan.pairs:
        first = frames.pick("open:pair", P=project, before=_bold(_value(plan.pairs[0]["before"], lang)),
                            after=_bold(_value(plan.pairs[0]["after"], lang)))
    elif _opens_with_headline(plan):
        first = frames.pick("open:headline", P=project, inf=infinitive(plan.headline, lang))  # type: ignore[arg-type]
    else:
        first = frames.pick("open:plain", P=project)
    paragraphs = [first]
    if goal:
        paragraphs.append(frames.pick("goal_after_problem", q=_quote_end(goal, lang)))
    return paragraphs


def _opens_with_headline(plan: Plan) -> bool:
    """True when the opening tells the headline action (nothing better to open with)."""
    return (not plan.problem and not plan.goal and not plan.pairs and plan.headline is not None
            and infinitive(plan.headline, "en") is not None)


def _work(plan: Plan, lang: str, frames: _Frames) -> list[str]:
    paragraphs = []
    actions = plan.actions
    if _opens_with_headline(plan):  # the opening already said it; don't tell it twice
        actions = [a for a in actions if a.original != plan.headline.original]  # type: ignore[union-attr]
    told = [(a, past(a, lang)) for a in actions]
    known = [phrase for _, phrase in told if phrase]
    quoted = [_quote_inline(a.original, lang) for a, phrase in told if not phrase]
    sentences = []
    connectors = frames.pick("steps").split("|")
    if len(known) == 1:
        sentences.append(frames.pick("single", a=known[0]))
        known = []
    for index, phrase in enumerate(known[: len(connectors) - 1]):
        last = index == len(known) - 1 and index > 0
        connector = connectors[-1] if last else connectors[index]
        sentences.append(f"{connector} {phrase}.")
    if quoted:
        and_word = " and " if lang == "en" else " и "
        listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + and_word + quoted[-1]
        key = ("quoted_one" if len(quoted) == 1 else "quoted_many") if sentences else \
            ("quoted_first_one" if len(quoted) == 1 else "quoted_first_many")
        sentences.append(frames.pick(key, q=listed, qs=listed))
    if sentences:
        paragraphs.append(" ".join(sentences))
    for key, sentences in (("notes_lead", plan.note_points), ("commit_notes_lead", plan.commit_notes)):
        if sentences:
            paragraphs.append(frames.pick(key) + " " + _own_words(" ".join(sentences), lang))

    facts_sentences = []
    if plan.files:
        more = frames.pick("files_more") if plan.more_files else ""
        facts_sentences.append(frames.pick("files", files=_join([_code(f) for f in plan.files], lang), more=more))
    if plan.level:  # the longer post says which of the files were tests and docs
        every_file = plan.facts.get("files", [])
        tests = [f for f in every_file if re.search(r"(^|/)tests?(/|_)|_test\.|\.test\.|spec", f)]
        docs = [f for f in every_file if re.search(r"\.(md|rst|txt)$|(^|/)docs?/", f, re.IGNORECASE)]
        if tests:
            facts_sentences.append(frames.pick("tests_too", files=_join([_code(f) for f in tests[:3]], lang)))
        if docs:
            facts_sentences.append(frames.pick("docs_too", files=_join([_code(f) for f in docs[:3]], lang)))
    stats = plan.stats
    if stats.get("commits"):
        lines = ""
        if stats.get("lines_removed"):
            lines = frames.pick("stats_lines", added=str(stats.get("lines_added", 0)),
                                removed=str(stats.get("lines_removed", 0)))
        elif stats.get("lines_added"):
            lines = frames.pick("stats_added", added=str(stats["lines_added"]))
        facts_sentences.append(frames.pick(
            "stats", commits=_count(stats["commits"], "commit", lang),
            files_changed=_count(stats.get("files_changed", 0), "file", lang), lines=lines))
    if facts_sentences:
        paragraphs.append(" ".join(facts_sentences))

    session_sentences = []
    if plan.tool and stats.get("sessions"):
        session_sentences.append(frames.pick(
            "session", tool=plan.tool, sessions=_count(stats["sessions"], "session", lang),
            prompts=_count(stats.get("prompts", 0), "prompt", lang)))
    if plan.fail_then_pass:
        session_sentences.append(_capital(frames.pick("fail_then_pass", cmd=_code(plan.fail_then_pass))))
    elif plan.failed_only:
        session_sentences.append(_capital(frames.pick("failed_only", cmd=_code(plan.failed_only))))
    if plan.commands:
        session_sentences.append(frames.pick("commands", cmds=_join([_code(c) for c in plan.commands], lang)))
    if session_sentences:
        paragraphs.append(" ".join(session_sentences))
    return paragraphs


def _numbers(plan: Plan, lang: str, frames: _Frames) -> list[str]:
    if not plan.pairs and not plan.numbers:
        return []
    bullets = []
    for pair in plan.pairs:
        label = metric_label(pair.get("context", ""), pair["before"])
        arrow = f"{_bold(_value(pair['before'], lang))} → {_bold(_value(pair['after'], lang))}"
        if label:
            bullets.append(f"- {_capital(label[0 if lang == 'en' else 1])}: {arrow}")
        elif not plan.conservative and quotable(pair.get("context", "")):
            bullets.append(f"- {arrow} — {_quote_inline(pair['context'], lang)}")
        else:
            bullets.append(f"- {arrow}")
    by_context: dict[str, list[str]] = {}
    for number in plan.numbers:
        by_context.setdefault(number.get("context", ""), []).append(number["value"])
    already_told = " ".join(plan.note_points + plan.commit_notes)
    for context, values in by_context.items():
        shown = ", ".join(_bold(_value(v, lang)) for v in values)
        labels = [metric_label(context, v) for v in values]
        if context and context in already_told and not any(labels):
            bullets.append(f"- {shown}")
            continue
        if len(values) > 1 and not plan.conservative and quotable(context) and context not in already_told:
            bullets.append(f"- {shown} — {_quote_inline(context, lang)}")
            continue
        if len(values) > 1 and labels[0] and all(label == labels[0] for label in labels):
            bullets.append(f"- {_capital(labels[0][0 if lang == 'en' else 1])}: {shown}")
            continue
        for value, label in zip(values, labels):
            if label:
                bullets.append(f"- {_capital(label[0 if lang == 'en' else 1])}: {_bold(_value(value, lang))}")
            elif context in already_told:
                bullets.append(f"- {_bold(_value(value, lang))}")
            else:
                bullets.append(f"- {_bold(_value(value, lang))} — {_quote_inline(context, lang)}")
    heading = frames.pick("head_numbers_pairs" if plan.pairs else "head_numbers")
    paragraphs = [heading, frames.pick("numbers_intro"), "\n".join(bullets)]
    if plan.level and plan.pairs:  # the longer post says which pair matters, in words
        pair = plan.pairs[0]
        label = metric_label(pair.get("context", ""), pair["before"])
        before, after = _bold(_value(pair["before"], lang)), _bold(_value(pair["after"], lang))
        if label and not (lang == "ru" and label[1].endswith(("ов", "ок", "ей", "ий", "х"))):
            paragraphs.append(frames.pick("main_pair", label=label[0 if lang == "en" else 1], before=before,
                                          after=after))
        else:
            paragraphs.append(frames.pick("main_pair_plain", before=before, after=after))
    return paragraphs


def _lessons(plan: Plan, lang: str, frames: _Frames) -> list[str]:
    heading = frames.pick("head_lessons")
    reflection = frames.pick(f"reflection:{plan.kind}")
    if not plan.lessons:
        return [heading, reflection]
    paragraphs = [heading]
    for index, lesson in enumerate(plan.lessons):
        lead = frames.pick("lesson_lead" if index == 0 else "lesson_more")
        paragraphs.append(f"{lead} {_own_words(lesson, lang, strip=_LEARNED)}")
    if plan.level:  # the longer post adds the rule of thumb for this kind of work
        paragraphs.append(frames.pick("reflection_more", r=reflection.split(": ", 1)[1]))
    return paragraphs


# -- titles -------------------------------------------------------------------------------------------


def make_title(plan: Plan, lang: str) -> str:
    """A title of 6-10 words (5-10 in Russian) naming what was done, with the key number when there is one.

    A Russian title must read as Russian as a whole (project names included), so one that would
    quote too much English falls back to a Russian frame for the kind of work.
    """
    specific, fallbacks = _title_candidates_en(plan) if lang == "en" else _title_candidates_ru(plan)
    low = 6 if lang == "en" else 5
    fitting = [t for t in specific if t.text and low <= measure.words(t.text) <= 10
               and measure.script_share(t.text, lang) >= MIN_PAGE_SHARE]
    if fitting:
        # Best first: the whole action, then a number in the title, then more of the action kept;
        # among equals the story's hash picks, so titles vary between stories.
        best = max(t.rank for t in fitting)
        equals = [t.text for t in fitting if t.rank == best]
        return equals[int(plan.seed[:8], 16) % len(equals)]
    return fallbacks[int(plan.seed[8:16], 16) % len(fallbacks)]


def _kind_titles(plan: Plan, lang: str) -> list[str]:
    book = PHRASES[lang]
    return book.get(f"title_kind:{plan.kind}", book["title_kind:other"])


@dataclass(frozen=True)
class _Title:
    text: str
    complete: bool  # the action phrase fitted whole
    kept: int = 0  # words of the action phrase kept

    @property
    def rank(self) -> tuple[bool, int, bool, int]:
        # Keeping enough of the action to name it matters more than fitting a number in.
        return (self.complete, min(self.kept, 4), bool(re.search(r"\d", self.text)), self.kept)


def _fit(template: str, phrase: str, limit: int = 10) -> _Title:
    """Fill `{X}` with as many words of `phrase` as fit in `limit` words, without a dangling preposition."""
    fixed = measure.words(template.replace("{X}", ""))
    all_words = phrase.split()
    room = limit - fixed
    words = all_words[:max(room, 0)]
    while words and (words[-1].lower().strip(",;:«»") in _TRAILING_JUNK or words[-1].endswith((",", ";", ":"))):
        if words[-1].endswith((",", ";", ":")) and words[-1].lower().strip(",;:") not in _TRAILING_JUNK:
            words[-1] = words[-1].rstrip(",;:")
            continue
        words.pop()
    if not words:
        return _Title("", False)
    return _Title(template.replace("{X}", " ".join(words)), len(words) == len(all_words), len(words))


def _title_case(text: str, keep: str = "") -> str:
    out = []
    for index, word in enumerate(text.replace("`", "").split()):
        if keep and word.strip(":,") == keep:
            out.append(word)
        elif re.search(r"[._/\d()]|[a-z][A-Z]|^[A-Z]{2,}", word) or (index and out[-1][-1:].isdigit() and len(word) <= 4):
            out.append(word)
        elif index > 0 and word.lower() in _SMALL_WORDS and not out[-1].endswith(":"):
            out.append(word.lower())
        else:
            out.append(word[:1].upper() + word[1:])
    return " ".join(out)


def _title_candidates_en(plan: Plan) -> tuple[list[_Title], list[str]]:
    project = plan.project
    kind_phrases = _kind_titles(plan, "en")
    g = gerund(plan.headline) if plan.headline else None
    noun = plan.headline.original if plan.headline and not plan.headline.known and plan.headline.lang == "en" else None
    pair = plan.pairs[0] if plan.pairs else None
    out: list[_Title] = []
    fallbacks: list[str] = []
    if pair:
        b, a = _value(pair["before"], "en"), _value(pair["after"], "en")
        if g:
            out += [_fit(f"From {b} to {a}: {{X}}", g), _fit(f"{{X}}: {b} → {a}", g)]
        if noun:
            out += [_fit(f"From {b} to {a}: {{X}}", noun), _fit(f"{{X}}: {b} → {a}", noun)]
        fallbacks += [f"From {b} to {a}: {phrase}" for phrase in kind_phrases]
    elif g:
        counted = next((n for n in plan.numbers if metric_label(n.get("context", ""), n["value"])), None)
        if counted:
            label = metric_label(counted.get("context", ""), counted["value"])
            out.append(_fit(f"{{X}}: {counted['value']} {label[0]}", g))  # type: ignore[index]
    if g:
        past_phrase = past(plan.headline, "en") if plan.headline else None
        out += [_fit("How I {X}", past_phrase or g), _fit(f"{{X}} in {project}", g),
                _fit(f"How I {{X}} in {project}", past_phrase or g)]
    if noun:
        out.append(_fit(f"{{X}} in {project}", noun))
    if not fallbacks:
        fallbacks = [f"{phrase} in {project}" for phrase in kind_phrases]
    return ([replace(t, text=_title_case(t.text, project)) for t in out if t.text],
            [_title_case(t, project) for t in fallbacks])


def _title_candidates_ru(plan: Plan) -> tuple[list[_Title], list[str]]:
    project = plan.project
    kind_phrases = [phrase.format(P=project) for phrase in _kind_titles(plan, "ru")]
    pair = plan.pairs[0] if plan.pairs else None
    arrow = f"{_value(pair['before'], 'ru')} → {_value(pair['after'], 'ru')}" if pair else ""
    out: list[_Title] = []
    headline = plan.headline
    if headline and headline.known:
        whole = len(headline.obj.split())
        for room in (5, 4, 3, 2):
            phrase = _ru_past_short(headline, room)
            if not phrase:
                continue
            complete, kept = room >= whole, min(room, whole)
            if pair:
                out += [_Title(f"{arrow}: как я {phrase}", complete, kept),
                        _Title(f"Как я {phrase} в {project}: {arrow}", complete, kept)]
            out += [_Title(f"Как я {phrase} в {project}", complete, kept),
                    _Title(f"{project}: как я {phrase}", complete, kept)]
    if pair:  # one colon per title: frames that have their own colon go without the number
        fallbacks = [f"{arrow}: {_lower_first(phrase, 'ru')}" for phrase in kind_phrases if ":" not in phrase]
    else:
        fallbacks = kind_phrases
    return [replace(t, text=t.text.replace("`", "")) for t in out], fallbacks


def _ru_past_short(action: Action, max_obj_words: int) -> str | None:
    if action.lang == "ru":
        words = action.original.split()
        phrase = " ".join(words[: max_obj_words + 1])
        return phrase[:1].lower() + phrase[1:]
    words = action.obj.split()[:max_obj_words]
    while words and (words[-1].lower().strip(",;:") in _TRAILING_JUNK or words[-1].endswith((",", ";", ":"))):
        if words[-1].endswith((",", ";", ":")) and words[-1].lower().strip(",;:") not in _TRAILING_JUNK:
            words[-1] = words[-1].rstrip(",;:")
            continue
        words.pop()
    if not words:
        return None
    return past(replace(action, obj=" ".join(words)), "ru")


# -- small formatting helpers ---------------------------------------------------------------------------


_COUNT_WORDS = {
    "en": {"commit": ("one commit", "commits"), "file": ("one file", "files"),
           "session": ("one session", "sessions"), "prompt": ("a single prompt", "prompts")},
    "ru": {"commit": ("один коммит", ("коммит", "коммита", "коммитов")),
           "file": ("один файл", ("файл", "файла", "файлов")),
           "session": ("в одной сессии", ("сессии", "сессиях", "сессиях")),
           "prompt": ("один запрос", ("запрос", "запроса", "запросов"))},
}


def _count(n: int, noun: str, lang: str) -> str:
    """'one commit' / '3 commits' / 'один коммит' / '5 коммитов' (1 as a word in both languages)."""
    one, many = _COUNT_WORDS[lang][noun]
    if n == 1:
        return one
    if lang == "en":
        return f"{n} {many}"
    if noun == "session":
        return f"в {n} {many[1]}"
    return f"{n} {_ru_plural(n, many)}"


def _ru_plural(n: int, forms: tuple[str, str, str]) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return forms[1]
    return forms[2]


def _value(value: str, lang: str) -> str:
    """A measured value with its unit in the post's language; the number itself never changes."""
    number, _, unit = value.partition(" ")
    if lang == "ru":
        return f"{number} {RU_UNITS.get(unit, unit)}".strip()
    english = EN_UNITS.get(unit, unit)
    return f"{number}{english}" if english == "x" else f"{number} {english}".strip()


def _bold(text: str) -> str:
    return f"**{text}**"


def _code(text: str) -> str:
    return f"`{text.replace('`', chr(39))}`"


def _quote_inline(text: str, lang: str) -> str:
    text = text.strip()
    if lang == "ru":  # Russian puts the full stop after the closing guillemet
        return f"«{text[:-1]}»." if text.endswith(".") and not text.endswith("..") else f"«{text}»"
    return f"“{text}”"


def _quote_end(text: str, lang: str) -> str:
    """A quote that closes its sentence: inline in the post's language, a blockquote otherwise."""
    text = text.strip()
    if language_of(text) == lang:
        return _quote_inline(mark_code(text), lang)
    return "\n\n> " + text


_LEARNED = re.compile(
    r"^(?:I(?:'ve)? (?:learned|learnt|realized|realised|understood|found out|noticed) that\s+"
    r"|Я (?:понял|узнал|заметил|выяснил),? что\s+)", re.IGNORECASE)
_NEXT_LABEL = re.compile(r"^(?:next steps?|next up|next|todo|to do|дальше|следующий шаг)\s*[:—-]\s*", re.IGNORECASE)


def _own_words(text: str, lang: str, strip: re.Pattern[str] | None = None) -> str:
    """The user's own sentences told as the post's prose in its language; a blockquote in the other one.

    `strip` removes a lead-in ("I learned that", "Next step:") that the frame already says.
    """
    text = text.strip()
    if language_of(text) != lang:
        return "\n\n> " + text
    if strip is not None:
        text = strip.sub("", text)
    return _lower_first(mark_code(text), lang)


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + (" and " if lang == "en" else " и ") + items[-1]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text and not text.startswith("`") else text


def _lower_first(text: str, lang: str) -> str:
    """Russian continues a sentence after a colon in lower case (names and acronyms excepted)."""
    first = text.split(" ", 1)[0]
    if lang == "ru" and re.fullmatch(r"[А-ЯЁ][а-яё,]+", first):
        return text[:1].lower() + text[1:]
    return text
