"""Rendering a plan as a Markdown body in English or Russian, with the frames of `phrases.py`.

The body never starts with a title (the page shows it), keeps `##` headings on lines of
their own between blank lines, tells the project in bold and key numbers in bold. It tells
the brief's facts in the order of the target post (reference/target-post.md): an opening that
names the kind of work and what it was about, what changed, the numbers, and — only when the
sources hold them — what I learned and what comes next; then the joke line. Nothing is
padded: no line counts, no list of every file, no lesson the sources do not state.

Each post tells the sources' own sentences written in its language and quotes none of the
other: the Russian post of English sources says in Russian what it can (the kind of work and
its topics, the changes counted by kind, the numbers with Russian names, errors, commands and
files as code, the notes written in Russian) and says how much it leaves to the English
version; the English post of Russian notes does the same the other way round.
"""

from __future__ import annotations

import re

from social_publisher.enrich.sentences import without_references
from social_publisher.write.offline import russian
from social_publisher.write.offline.actions import VERBS, Action, mark_code, past
from social_publisher.write.offline.actions import parse as parse_action
from social_publisher.write.offline.metrics import labelled_values, metric_label, shown_value
from social_publisher.write.offline.plan import Plan, numbered_names, own_sentences, quotable, tells, told_action
from social_publisher.write.offline.prose import (LEARNED, NEXT_LABEL, Frames, bold, capital, code, join_words, own_words,
                                                  quote_inline)
from social_publisher.write import text as measure
from social_publisher.write.text import language_of
from social_publisher.write.offline import worth_knowing
from social_publisher.write.offline.titles import without_project

MAX_FILES = 3  # files named in the "what changed" section, where none was named yet
MAX_PATHS = 5  # paths one post may name in all (issue 11: never six or more)
MAX_TOPICS = 3  # Russian topics the opening names
MAX_NAMES = 4  # code names of the explanations the Russian post adds
_PATH = re.compile(r"`([^`\s]*(?:/[^`\s]*|\.[A-Za-z]{1,5}))`")


def render_body(plan: Plan, lang: str) -> str:
    """The Markdown body of the post for `plan` in `lang`."""
    frames = Frames(lang, plan.seed)
    parts: list[str] = []
    parts += _opening(plan, lang, frames)
    parts += _changes(plan, lang, frames)
    parts += _notes(plan, lang, frames)
    parts += _numbers(plan, lang, frames)
    parts += _lessons(plan, lang, frames)
    parts += _next(plan, lang, frames)
    parts.append(worth_knowing.paragraph(plan.wiki, lang) or "")
    if plan.joke:  # without one the post just ends: a closing line of its own would be the same in every post
        parts.append(f"{plan.joke.text(lang)} 😄")
    body = "\n\n".join(part.strip() for part in parts if part and part.strip())
    body = re.sub(r"[ \t]+\n", "\n", body)
    return body + "\n"


# -- opening ------------------------------------------------------------------------------------


def _opening(plan: Plan, lang: str, frames: Frames) -> list[str]:
    project = bold(plan.project)
    kind = plan.kind
    headline = plan.headline if plan.headline and plan.headline.lang == lang else None
    if lang == "en":
        bare = without_references(headline.original) if headline else None
        if headline and bare != headline.original:  # briefs made before enrich dropped them
            headline = parse_action(bare)
        told = told_action(plan, "en", headline) if headline else None
        done = past(told, "en") if told else None
        fix_for = re.match(r"(fix(?:es)?) for (.+)", told.original, re.IGNORECASE) if told and not done else None
        if fix_for:  # "Fix for missing csv support": "I made a fix for …", never "I fixed for …"
            made = "fixes" if fix_for.group(1).lower() == "fixes" else "a fix"
            done = f"made {made} for {mark_code(fix_for.group(2))}"
        if done:  # "In **csvkit** I added CSV export for the report page."
            first = frames.pick("open_done", P=project, done=done)
        elif told:
            what = mark_code(_mid_sentence(told.original)).replace(": ", " — ", 1)  # one colon per sentence: the frame's
            first = frames.pick(f"open:{kind}", P=project, what=what)
        else:
            first = frames.pick(f"open_bare:{kind}", P=project)
    else:
        subjects = [t for t in _topics(plan) if t != _KIND_TOPIC.get(kind)]  # "писал документацию: документация"
        first = (frames.pick(f"open_topic:{kind}", P=project, t=join_words(subjects, "ru")) if subjects
                 else frames.pick(f"open:{kind}", P=project))
    paragraphs = [first]
    goal = plan.goal if plan.goal in own_sentences(plan) else None
    if goal and tells(plan, lang, goal):
        paragraphs.append(frames.pick("goal", q=own_words(goal, lang)))
    if plan.problem and plan.problem["kind"] == "error" and (kind == "fix" or not plan.fail_then_pass):
        paragraphs.append(frames.pick("error", err=code(plan.problem["text"])))
    return paragraphs


# First words of a subject that are plain English, lower-cased when the subject goes after a colon.
_PLAIN_STARTS = {"ability", "option", "options", "support", "new", "more", "better", "improved", "fix", "fixes",
                 "documentation", "docs", "tests", "test", "initial", "experimental", "some", "no", "removed",
                 "tracer", "type", "types", "unit", "minor", "small", "several", "use", "recreate", "coerce"}


def _mid_sentence(text: str) -> str:
    """A subject told after "…: " in the opening: its first word lower-cased when it is a plain word
    ("Ability to add …" -> "ability to add …"); names and verbs the table does not know keep their case."""
    first, _, rest = text.partition(" ")
    if first.lower() in _PLAIN_STARTS and first[:1].isupper() and first[1:].islower():
        return first.lower() + (" " + rest if rest else "")
    return text


def _topics(plan: Plan) -> list[str]:
    """What the story is about in Russian: the topics of its subjects first, then of its explanations
    (commit messages, lessons) written in English, at most MAX_TOPICS."""
    texts = [plan.headline.original] if plan.headline else []
    texts += [a.original for a in plan.actions] + plan.facts.get("note_titles", [])
    texts = without_project(texts, plan.project)  # "sqlite-utils insert" is not about storage
    found = russian.topics(texts) or russian.topics(plan.facts.get("files", []), most=1)
    explained = russian.topics(without_project(_explanations(plan), plan.project), most=MAX_TOPICS)
    return (found + [t for t in explained if t not in found])[:MAX_TOPICS]


def _explanations(plan: Plan) -> list[str]:
    """The English sentences that explain the work (commit messages, lessons): the Russian post names
    their topics and code names."""
    texts = [s for s in [*plan.commit_notes, *plan.lessons] if language_of(s) == "en"]
    return [_PATH.sub(" ", mark_code(s)) for s in texts]  # "README.md" in a sentence is a file, not a topic


def _other_language(plan: Plan, lang: str) -> list[str]:
    """The own-words sentences the other language's post tells (their numbers this post must list)."""
    other = "ru" if lang == "en" else "en"
    return [s for s in own_sentences(plan) if tells(plan, other, s)]


# -- what changed -------------------------------------------------------------------------------


def _changes(plan: Plan, lang: str, frames: Frames) -> list[str]:
    items = _change_items(plan, lang)
    paragraphs: list[str] = []
    if items:
        paragraphs.append("\n".join(f"- {item}" for item in items))
    paragraphs += _commit_notes(plan, lang, frames)
    paragraphs += _run(plan, lang, frames)
    files = _files(plan)
    if files:
        paragraphs.append(frames.pick("files", files=join_words([code(f) for f in files], lang)))
    if plan.tool:
        paragraphs.append(frames.pick("tool", tool=plan.tool))
    if not paragraphs:
        return []
    return [frames.pick(f"head_work:{plan.kind}"), *paragraphs]  # the story's kind names the section


def named(plan: Plan, text: str) -> str:
    """The project's name as it is spelled, where a sentence start capitalised it ("Sqlite-utils install -e")."""
    name = plan.project
    if name and name != name.capitalize() and text.startswith(name.capitalize()):
        return name + text[len(name):]
    return text


def _commit_notes(plan: Plan, lang: str, frames: Frames) -> list[str]:
    """What the commit messages explain: their sentences as a paragraph, their list items as a list."""
    subjects = {_bare(a.original) for a in plan.actions} | {_bare(plan.headline.original) if plan.headline else ""}
    notes = [named(plan, capital(mark_code(n.strip()))) for n in plan.commit_notes
             if tells(plan, lang, n) and _bare(n) not in subjects]  # a body that repeats its subject says it once
    if not notes:
        return []
    prose = [n for n in notes if n.endswith((".", "!", "?"))]
    items = [n for n in notes if n not in prose]
    # A list alone (a squash merge's steps) explains nothing: it is introduced as the steps it is.
    return [frames.pick("commit_notes" if prose else "commit_steps"), *([" ".join(prose)] if prose else []),
            *(["\n".join(f"- {n}" for n in items)] if items else [])]


def _change_items(plan: Plan, lang: str) -> list[str]:
    """The list of what went in: the commit subjects written in the post's language as written,
    the others retold by their code names and counted by kind of change (`_retold_ru`)."""
    opened = plan.headline.original if plan.headline and plan.headline.lang == lang == "en" else None
    actions = [a for a in plan.actions if a.original != opened]  # the opening told the headline
    own = [a for a in actions if a.lang == lang]
    told = [t for t in (told_action(plan, lang, a) for a in own) if t is not None]
    items = list(dict.fromkeys(capital(mark_code(t.original)) for t in told))
    foreign = [a for a in actions if a.lang != lang]
    if lang == "ru":
        return items + _retold_ru(plan, foreign, bool(items))
    for kind, n, phrase in _kind_counts_en(foreign):
        items.append(f"{phrase}")
    if not own and len(foreign) == 1 and not _identifiers(foreign):
        return []  # one change, its kind already in the opening: the list would repeat it
    return [named(plan, capital(item)) for item in items]


# Topics a kind of change names by itself: "одна правка документации: документация" says it twice.
_KIND_TOPIC = {"docs": "документация", "test": "тесты", "perf": "скорость работы", "refactor": "чистка кода"}


def _retold_ru(plan: Plan, foreign: list[Action], after: bool) -> list[str]:
    """English subjects told in Russian without quoting them: one line per subject that names code
    ("Исправил `delete_where()`", "Изменение: `db.query()`"), then the rest counted by kind, with
    the topics the opening has not told ("ещё два исправления и одна правка документации")."""
    items: list[str] = []
    shown: set[str] = set()
    rest: list[Action] = []
    for action in foreign:
        names = [n for n in _identifiers([action], most=3) if n not in shown]
        if not names:
            rest.append(action)
            continue
        shown |= set(names)
        renamed = re.search(r"`([^`]+)`\s+(?:to|into|with|->|→)\s+`([^`]+)`", mark_code(action.obj or action.original))
        if renamed and len(names) == 2 and {code(renamed.group(1)), code(renamed.group(2))} == set(names):
            items.append(f"{_russian_verb(action)} {names[0]} → {names[1]}")  # "Rename a to b": not "a и b"
        else:
            items.append(f"{_russian_verb(action, len(names))} {join_words(names, 'ru')}")
    if not items and len(rest) <= 1:
        return _explained_names(plan, shown)  # one change, its kind and topic already in the opening
    items, rest = _topical(plan, rest, items)
    if rest:
        counts = join_words([phrase for _, _, phrase in russian.kind_counts(rest)], "ru")
        told_topics = set(_topics(plan)) | {_KIND_TOPIC.get(a.kind, "") for a in rest}
        own_topics = russian.topics(without_project([a.original for a in rest], plan.project))
        new_topics = [t for t in own_topics if t not in told_topics] or own_topics  # the topics tell it apart
        line = ("ещё " if items or after else "") + counts
        if new_topics:
            line += f" ({'темы' if len(new_topics) > 1 else 'тема'} — {join_words(new_topics, 'ru')})"
        items.append(capital(line))
    return items + _explained_names(plan, shown)


MAX_TOPICAL = 3  # lines that tell a subject only by its kind and topic: more would read as a list of words


def _topical(plan: Plan, rest: list[Action], items: list[str]) -> tuple[list[str], list[Action]]:
    """One line per subject that names no code but a topic the post has not told yet, with its kind
    of change ("Исправление: вставка строк"), at most MAX_TOPICAL, after `items`; the subjects left
    over to be counted."""
    lines = list(items)
    said = set(_topics(plan))
    left: list[Action] = []
    for action in rest:
        kind = action.kind if action.kind in russian.KIND_NOUNS else "other"
        new = [t for t in russian.topics(without_project([action.original], plan.project))
               if t not in said and t != _KIND_TOPIC.get(kind)]
        if new and len(lines) - len(items) < MAX_TOPICAL:
            lines.append(f"{capital(russian.KIND_NOUNS[kind][1])}: {join_words(new, 'ru')}")
            said |= set(new)
        else:
            left.append(action)
    return lines, left


def _explained_names(plan: Plan, shown: set[str]) -> list[str]:
    """The code names the commit messages and lessons add to the subjects' ("`transform()`", "`IntegrityError`")."""
    names = [n for n in code_names(_explanations(plan)) if n not in shown][:MAX_NAMES]
    told = [t for t in [*plan.commit_notes, *plan.lessons] if language_of(t) == "en" and tells(plan, "en", t)]
    names += [code(n) for t in told for n in numbered_names(t) if code(n) not in {*shown, *names}]  # their numbers
    names = list(dict.fromkeys(names))
    if not names:
        return []
    where = "В описаниях коммитов" if plan.commit_notes else "В объяснениях"
    verb = "упоминается" if len(names) == 1 else "упоминаются"  # a code name has no gender to agree with
    return [f"{where} {verb} также {join_words(names, 'ru')}"]


# Verbs whose Russian reads right with a bare code name as object ("Исправил `delete_where()`");
# others mean something else beside code ("Raise InvalidColumns" is not "Поднял", "Migrate --list" names a command).
_CODE_VERBS = {"add", "implement", "introduce", "fix", "rename", "remove", "delete", "drop", "document", "describe",
               "rewrite", "simplify", "refactor", "cache", "optimize", "optimise", "speed"}


# What a code name is, when the subject says it right after the name ("`--sniff` option"): (one, many).
_ROLES = {"option": ("опция", "опции"), "method": ("метод", "методы"), "command": ("команда", "команды"),
          "parameter": ("параметр", "параметры"), "argument": ("аргумент", "аргументы"), "flag": ("флаг", "флаги"),
          "function": ("функция", "функции"), "hook": ("хук", "хуки"), "property": ("свойство", "свойства"),
          "properties": ("свойство", "свойства"), "exception": ("исключение", "исключения"),
          "class": ("класс", "классы"), "subcommand": ("подкоманда", "подкоманды")}
_ROLE_AFTER_CODE = re.compile(r"`\s+(?:plugin\s+)?(option|method|command|parameter|argument|flag|function|hook"
                              r"|property|properties|exception|class|subcommand)(e?s)?\b", re.IGNORECASE)


def _russian_verb(action: Action, names: int = 1) -> str:
    """The Russian for what a subject did to the code it names: its verb ("Исправил", "Убрал"), what
    the code is when the subject says it ("Опция" for "the `--sniff` option"), or else the kind of
    change ("Изменение:")."""
    if action.known and action.lang == "en" and action.verb in _CODE_VERBS:
        return capital(VERBS[action.verb][2])  # type: ignore[index]
    role = _ROLE_AFTER_CODE.search(mark_code(action.original))
    if role and action.verb is None:
        one, many = _ROLES[role.group(1).lower()]
        return capital(many if names > 1 or role.group(2) else one)
    kind = action.kind if action.kind in russian.KIND_NOUNS and action.verb in (None, *_CODE_VERBS) else "other"
    return capital(russian.KIND_NOUNS[kind][1]) + ":"


_EN_KINDS = {"fix": ("fix", "fixes"), "feature": ("new feature", "new features"), "perf": ("speed-up", "speed-ups"),
             "refactor": ("refactoring", "refactorings"), "test": ("change to the tests", "changes to the tests"),
             "docs": ("documentation change", "documentation changes"), "experiment": ("experiment", "experiments"),
             "infra": ("setup change", "setup changes"), "other": ("change", "changes")}
_EN_COUNTS = ("", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _kind_counts_en(actions: list[Action]) -> list[tuple[str, int, str]]:
    """English counterpart of `russian.kind_counts`, for commit subjects written in Russian."""
    out = []
    for kind, n, _ in russian.kind_counts(actions):
        one, many = _EN_KINDS[kind]
        count = _EN_COUNTS[n] if n < len(_EN_COUNTS) else "more than ten"
        out.append((kind, n, f"{count} {one if n == 1 else many}"))
    return out


def _identifiers(actions: list[Action], most: int = 2) -> list[str]:
    """Code names in the subjects (identifiers, not paths): language-neutral, so Russian may show them;
    every name with a number in it ("UTF-16") is shown, since both posts must carry its number."""
    found = code_names([action.original for action in actions], camel=False)
    numbered = [code(name) for action in actions for name in numbered_names(action.original)]
    return found[:most] + list(dict.fromkeys(numbered))


_CAMEL = re.compile(r"(?<![\w`])[A-Z][a-z]+(?:[A-Z][a-z]+)+(?![\w`])")  # "IntegrityError", "ForeignKey"
_NOT_CODE = {"GitHub", "JavaScript", "TypeScript", "YouTube", "LinkedIn", "WordPress", "PowerShell", "MacBook",
             "DevOps", "OpenAI", "ChatGPT", "FastAPI", "PyTorch", "TensorFlow", "NumPy", "SciPy"}


def code_names(texts: list[str], camel: bool = True) -> list[str]:
    """The code names in English texts, as code spans, without paths or digits (a digit would be a
    number the other post does not carry): identifiers, calls, flags, and (`camel`) CamelCase class
    names, which a subject's verb may not take ("Add SpatiaLite helpers" adds helpers, not SpatiaLite).
    A name told with and without its call parentheses is told once."""
    found: list[str] = []
    for text in texts:
        marked = mark_code(text)
        for name in re.findall(r"`([^`]+)`", marked):
            if not _PATH.fullmatch(f"`{name}`") and not re.search(r"\d", name):
                found.append(code(name))
        if camel:
            found += [code(n) for n in _CAMEL.findall(re.sub(r"`[^`]*`", " ", marked)) if n not in _NOT_CODE]
    kept: dict[str, str] = {}
    for name in found:
        kept.setdefault(re.sub(r"\(\)`$", "`", name), name)
    return list(kept.values())


def _run(plan: Plan, lang: str, frames: Frames) -> list[str]:
    """A failing run, told only with what it failed on (a bare "pytest failed" adds nothing)."""
    if plan.problem and plan.problem["kind"] == "error" and plan.fail_then_pass and plan.kind != "fix":
        return [frames.pick("fail_then_pass", cmd=code(plan.fail_then_pass), err=code(plan.problem["text"]))]
    return []


def _files(plan: Plan) -> list[str]:
    """Up to MAX_FILES of the most-changed files that no subject, note, error or command names, within
    MAX_PATHS for the whole post: the same for both languages."""
    said = " ".join([*own_sentences(plan), (plan.problem or {}).get("text", ""), plan.fail_then_pass or ""])
    named = set(_PATH.findall(mark_code(said)))
    room = min(MAX_FILES, MAX_PATHS - len(named))
    return [f for f in plan.files if f not in said][:max(room, 0)]


# -- the user's own words ---------------------------------------------------------------------


def _notes(plan: Plan, lang: str, frames: Frames) -> list[str]:
    shown = [n for n in plan.note_points if tells(plan, lang, n)]
    if not shown:
        return []
    return [frames.pick("head_notes"), " ".join(capital(own_words(s, lang)) for s in shown)]


def _lessons(plan: Plan, lang: str, frames: Frames) -> list[str]:
    """What I learned, only as the sources say it (a note's conclusion, a commit's why, the assistant's
    explanation); with no such sentence the section is left out."""
    shown = [s for s in plan.lessons if tells(plan, lang, s)]
    if not shown:
        return []
    return [frames.pick("head_lessons"), *(capital(own_words(s, lang, strip=LEARNED)) for s in shown)]


def _next(plan: Plan, lang: str, frames: Frames) -> list[str]:
    shown = [s for s in plan.next if tells(plan, lang, s)]
    if not shown:
        return []
    return [frames.pick("head_next"), " ".join(capital(own_words(s, lang, strip=NEXT_LABEL)) for s in shown)]


# -- numbers ------------------------------------------------------------------------------------


def _numbers(plan: Plan, lang: str, frames: Frames) -> list[str]:
    bullets = []
    for pair in plan.pairs:
        label = metric_label(pair.get("context", ""), pair["before"])
        arrow = f"{bold(shown_value(pair['before'], lang))} → {bold(shown_value(pair['after'], lang))}"
        bullets.append(f"- {capital(label[0 if lang == 'en' else 1])}: {arrow}" if label else f"- {arrow}")
    by_context: dict[str, list[str]] = {}
    said = {s.lower() for s in own_sentences(plan) if tells(plan, lang, s)}
    for number in plan.numbers:
        context = number.get("context", "")
        if _bare(context) in {_bare(t) for t in said}:
            continue  # the post tells the sentence itself, number and all
        by_context.setdefault(context, []).append(number["value"])
    for context, values in by_context.items():
        labels = [metric_label(context, v) for v in values]
        if len(values) > 1 and labels[0] and all(label == labels[0] for label in labels):
            shown = ", ".join(bold(shown_value(v, lang)) for v in values)
            bullets.append(f"- {capital(labels[0][0 if lang == 'en' else 1])}: {shown}")
            continue
        for value, label in zip(values, labels):
            if label:
                bullets.append(f"- {capital(label[0 if lang == 'en' else 1])}: {bold(shown_value(value, lang))}")
            elif (plan.quote_contexts and quotable(context) and tells(plan, lang, context) and len(context) < 239
                  and _bare(context) not in {_bare(t) for t in own_sentences(plan)}):
                bullets.append(f"- {bold(shown_value(value, lang))} — {quote_inline(mark_code(context.strip()), lang)}")
    shown_numbers = measure.numbers("\n".join(bullets))
    for sentence in _other_language(plan, lang):  # their numbers, named, since their words are not told
        named: dict[str, list[str]] = {}  # one line per metric: "Время: 8.4 с, 2.1 с"
        for value, label in labelled_values(sentence) or []:
            if not measure.numbers(value) <= shown_numbers:
                named.setdefault(capital(label[0 if lang == "en" else 1]), []).append(bold(shown_value(value, lang)))
                shown_numbers |= measure.numbers(value)
        bullets += [f"- {name}: {', '.join(values)}" for name, values in named.items()]
    bullets = _merged(list(dict.fromkeys(bullets)))
    if not bullets:
        return []
    return [frames.pick("head_numbers_pairs" if plan.pairs else "head_numbers"), "\n".join(bullets)]


def _bare(sentence: str) -> str:
    """A sentence compared as told: no list marker, no full stop, any case."""
    return without_references(sentence.lstrip("-*• ").strip()).rstrip(".").lower()


def _merged(bullets: list[str]) -> list[str]:
    """One line per metric name: "- Время: **8.4 с**" and "- Время: **2.1 с**" become one line."""
    out: list[str] = []
    index: dict[str, int] = {}
    for bullet in bullets:
        match = re.fullmatch(r"- ([^:*→]+): ([^→]+)", bullet)
        if match and match.group(1) in index:
            out[index[match.group(1)]] += ", " + match.group(2)
            continue
        if match:
            index[match.group(1)] = len(out)
        out.append(bullet)
    return out
