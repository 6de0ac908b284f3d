"""Titles: one topic of the story, named from its sources, with the key number when it has one.

An English title tells the headline action in natural English and in sentence case, its words
as the sources wrote them ("How I added support for nested imports", "Fix for missing csv
Pygments support in sqlite-utils", "From 850 ms to 240 ms: adding retry with backoff"): never
title-cased ("Csv", "Pytest"), never a list of five features (a list keeps its first item), never
a phrase cut after a preposition. A Russian title quotes no English: it names the measured result
("Точность в llm-router: 73.0% → 76.8%"), a headline written in Russian, or the topics of the
work in Russian words (`russian.topics`) in one of several shapes, so the set of titles does not
read as one template ("Внешние ключи и транзакции в sqlite-utils", "Исправления в sqlite-utils:
транзакции", "sqlite-utils: триггеры — две новые возможности"). A title that names only the kind
of work ("How I built a new feature") is the last resort, for a story whose sources name nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from social_publisher.enrich.sentences import without_references
from social_publisher.write import text as measure
from social_publisher.write.offline.actions import Action, gerund, parse, past
from social_publisher.write.offline.metrics import metric_label, shown_value, value_kind
from social_publisher.write.offline.phrases import PHRASES
from social_publisher.write.offline import russian
from social_publisher.write.offline.plan import MIN_PAGE_SHARE, Plan, told_action
from social_publisher.write.offline.prose import capital, lower_first

_TRAILING_JUNK = {"a", "an", "the", "and", "or", "for", "to", "in", "of", "on", "at", "by", "with", "from", "as",
                  "into", "vs", "via", "but", "nor", "not", "without", "instead", "than", "when", "if", "that",
                  "и", "в", "на", "с", "для", "по", "к", "из", "от", "не", "без"}
# Words a shortened phrase may stop before: what follows them is a detail of what comes before.
_CUT_BEFORE = {"with", "in", "for", "when", "that", "to", "from", "into", "on", "by", "and", "or", "if", "so",
               "because", "after", "before", "instead", "without", "than", "via", "using", "while", "where",
               "which", "but", "now"}
EN_WORDS = (4, 12)  # the writer's own bounds for an English title (checks.bad_title allows 3 to 14)
RU_WORDS = (5, 10)


def make_title(plan: Plan, lang: str) -> str:
    """A title naming the story's topic, with the key number when there is one.

    A Russian title must read as Russian as a whole (project names excepted), so it is built
    from Russian words only.
    """
    specific, fallbacks = _title_candidates_en(plan) if lang == "en" else _title_candidates_ru(plan)
    low, high = EN_WORDS if lang == "en" else RU_WORDS
    named = plan.project.lower() + " " if lang == "en" else None  # "sqlite-utils dump command" is whole at 3 words
    fitting = [t for t in specific if t.text and (low - bool(named and t.text.lower().startswith(named)))
               <= measure.words(t.text) <= high
               and measure.script_share(t.text, lang, ignore=[plan.project]) >= MIN_PAGE_SHARE]
    if fitting:
        # Best first: the whole action, then a number in the title, then more of the action kept;
        # among equals the story's hash picks, so titles vary between stories.
        best = max(t.rank for t in fitting)
        equals = list(dict.fromkeys(t.text for t in fitting if t.rank == best))
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
        return (self.complete, min(self.kept, 4), bool(re.search(r"\d", self.text)), min(self.kept, 8))


def _fit(template: str, phrase: str, limit: int = EN_WORDS[1]) -> _Title:
    """Fill `{X}` with `phrase`, shortened where it must be at a place a reader would stop (`_shorten`)."""
    fixed = measure.words(template.replace("{X}", ""))
    all_words = phrase.split()
    # A reader's words, as the checks count them: "_decode_default_value" is three.
    room = limit - fixed - sum(max(1, measure.words(word)) - 1 for word in all_words)
    words = _shorten(all_words, room)
    if not words:
        return _Title("", False)
    return _Title(template.replace("{X}", " ".join(words)), len(words) == len(all_words), len(words))


def _shorten(words: list[str], room: int) -> list[str]:
    """The phrase whole when it fits in `room` words; else cut at its last clause break that fits
    ("…, closes", " — ", "(…"), else before a word that starts a detail ("with", "when", "to"):
    never in the middle of what it names. Empty when no such place leaves three words."""
    if room <= 0:
        return []
    if len(words) <= room:
        return _trim(words)
    for index in range(room, 2, -1):  # a clause break: the kept part ends with "," ";" ":" or the next opens "("
        if words[index - 1].endswith((",", ";", ":")) or words[index].startswith(("(", "—", "–", "-")):
            return _trim(words[:index])
    for index in range(room, 2, -1):
        if words[index].lower() in _CUT_BEFORE:
            kept = _trim(words[:index])
            if len(kept) >= 3:
                return kept
    return []


def _trim(words: list[str]) -> list[str]:
    """Cut words off the end until the phrase no longer ends on a preposition, a negation or a comma."""
    words = list(words)
    while words:
        last = words[-1].lower().strip(",;:«»")
        if last in _TRAILING_JUNK or last in ("-", "—", "–"):
            words.pop()
        elif words[-1].endswith((",", ";", ":")):
            words[-1] = words[-1].rstrip(",;:")
        else:
            break
    return words


def sentence_case(text: str, project: str = "") -> str:
    """The title as the sources wrote it, its first letter upper-cased unless it starts with a name
    (the project, an identifier such as `db.query()` or `add_column`): no other word changes case."""
    text = text.replace("`", "").strip()
    first, _, rest = text.partition(" ")
    if project and first.lower().rstrip(":,") == project.lower():
        return project + first[len(project):] + (" " + rest if rest else "")
    if re.match(r"[A-Z][a-z\d]*_\w|[A-Z][a-z]{0,2}\.[a-z_]", first):  # "Add_column", "Db.table()": code, as written
        return first[:1].lower() + first[1:] + (" " + rest if rest else "")
    if _CODE_START.match(first):  # "db.query()", "add_column", "--raw", ".get()": a name keeps its case
        return text
    return capital(text)


_CODE_START = re.compile(r"[a-z][\w.]*(?:[_(=]|\.\w|\d)|--?\w|\.\w|[a-z]+[A-Z]")


def as_written(text: str, project: str = "") -> str:
    """Undo the capital a subject's first word was given when it is a name: the project
    ("Sqlite-utils json …"), an identifier ("Add_column", "Db.table()", "Enable_fts()")."""
    first, _, rest = text.partition(" ")
    if project and first.lower().rstrip(":,") == project.lower():
        first = project + first[len(project):]
    elif re.match(r"[A-Z][a-z\d]*_\w|[A-Z][a-z]{0,2}\.[a-z_]", first):
        first = first[:1].lower() + first[1:]
    return first + (" " + rest if rest else "")


def topic_text(text: str) -> str:
    """One topic out of a subject: without issue references, the first clause of a ";" list, the
    first item (two when the first is short) of a long list ("Site channel, channel registry,
    Atom feeds, sitemap, atomic site output" names the site channel)."""
    text = without_references(text.strip()).strip()
    text = re.split(r"; |\. (?=[A-Z])", text)[0].strip()
    text = re.sub(r"\s*\((?=[^()]*\s)[^()=._]*\)", "", text).strip()  # an aside, "(after the first 100)"; not code
    items = [item.strip() for item in re.split(r",\s+|\s+and\s+", text)]
    long_list = len(items) >= 4 or (len(items) == 3 and len(text.split()) > 8)
    if long_list and all(1 <= len(item.split()) <= 5 for item in items[:3]) and ":" not in items[0]:
        first = items[0]
        return f"{first} and {items[1]}" if len(first.split()) <= 2 and len(items[1].split()) <= 3 else first
    return text


def _topic_action(plan: Plan) -> Action | None:
    """The action the English title names: the headline (as the post tells it), reduced to one topic."""
    headline = plan.headline
    if headline is None and plan.actions:
        headline = next((a for a in plan.actions if a.lang == "en"), None)
    if headline is None or headline.lang != "en":
        return None
    bare = without_references(headline.original).strip()  # before the numbers go: no "refs" left behind
    told = told_action(plan, "en", parse(bare) if bare and bare != headline.original else headline)
    if told is None:
        return None
    one = as_written(topic_text(told.original), plan.project)
    return told if one == told.original else parse(one)


def _title_candidates_en(plan: Plan) -> tuple[list[_Title], list[str]]:
    project = plan.project
    action = _topic_action(plan)
    g = gerund(action) if action else None
    noun = action.original if action and not action.known else None
    named = bool(project) and project.lower() in (g or noun or "").lower()
    pair = plan.pairs[0] if plan.pairs else None
    out: list[_Title] = []
    fallbacks: list[str] = []
    if pair:
        b, a = shown_value(pair["before"], "en"), shown_value(pair["after"], "en")
        # Bare counts say nothing alone ("…forward auth: 6,277 → 2,745"): the metric goes with them.
        label = metric_label(pair.get("context", ""), pair["before"]) if value_kind(pair["before"]) == "count" else None
        if label:
            a = f"{a} {label[0]}"
        for phrase in (g, noun):
            if phrase:
                out += [_fit(f"From {b} to {a}: {{X}}", phrase), _fit(f"{{X}}: {b} → {a}", phrase)]
        fallbacks += [f"From {b} to {a}: {lower_first(phrase, 'en')}" for phrase in _kind_titles(plan, "en")]
    elif g or noun:
        counted = next((n for n in plan.numbers if metric_label(n.get("context", ""), n["value"])), None)
        if counted:
            label = metric_label(counted.get("context", ""), counted["value"])
            out.append(_fit(f"{{X}}: {counted['value']} {label[0]}", g or noun))  # type: ignore[index]
    if g and action:
        past_phrase = past(action, "en") or g
        out.append(_fit("How I {X}", past_phrase))
        if not named:  # "Adding test for sqlite-utils search" names the project already
            out += [_fit(f"{{X}} in {project}", g), _fit(f"How I {{X}} in {project}", past_phrase)]
    if noun and noun.replace("`", "").lower().startswith(project.lower() + " "):  # "sqlite-utils memory command"
        out.append(_fit("{X}", noun.replace("`", "")))
    elif noun and ": " in noun:  # "Analyze tables options: --common-limit, …": one colon, the project before it
        head, tail = noun.split(": ", 1)
        out += [_fit(f"{head} in {project}: {{X}}", tail), _fit(f"{head}: {{X}}", tail)]
    elif noun and named:
        out.append(_fit("{X}", noun))
    elif noun:
        out += [_fit(f"{{X}} in {project}", noun), _fit(f"{project}: {{X}}", noun)]
    if not fallbacks:
        topic = _fallback_topic(plan)
        if topic and topic.lower().startswith(project.lower() + " "):
            fallbacks = [as_written(topic, project)]
        else:
            fallbacks = [f"{topic} in {project}"] if topic else [f"{phrase} in {project}" for phrase in
                                                                 _kind_titles(plan, "en")]
    return ([replace(t, text=sentence_case(t.text, project)) for t in out if t.text],
            [sentence_case(t, project) for t in fallbacks])


def _fallback_topic(plan: Plan) -> str | None:
    """A short name of the work from the sources when no title frame fits: the head of the headline
    (or of the first action, a note title, the goal), at most eight words."""
    texts = [a.original for a in ([plan.headline] if plan.headline else []) + plan.actions if a.lang == "en"]
    texts += [t for t in plan.facts.get("note_titles", []) if measure.language_of(t) == "en"]
    for text in texts:
        words = _shorten(topic_text(text).split(), 8)
        if words:
            return " ".join(words)
    return None


def _title_candidates_ru(plan: Plan) -> tuple[list[_Title], list[str]]:
    project = plan.project
    pair = plan.pairs[0] if plan.pairs else None
    arrow = f"{shown_value(pair['before'], 'ru')} → {shown_value(pair['after'], 'ru')}" if pair else ""
    out: list[_Title] = []
    headline = plan.headline
    if headline and headline.known and headline.lang == "ru":
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
    label = metric_label(pair.get("context", ""), pair["before"]) if pair else None
    if label:  # "Время входа в homelab-auth: 0.184 с → 0.097 с" names the result, not just the kind of work
        out.append(_Title(f"{capital(label[1])} в {project}: {arrow}", True, 2))
    out += [_Title(text, True, 1) for text in _ru_topic_titles(plan)]
    kind_phrases = [phrase.format(P=project) for phrase in _kind_titles(plan, "ru")]
    if pair:  # one colon per title: frames that have their own colon go without the number
        fallbacks = [f"{arrow}: {lower_first(phrase, 'ru')}" for phrase in kind_phrases if ":" not in phrase]
    else:
        fallbacks = kind_phrases
    return [replace(t, text=t.text.replace("`", "")) for t in out], fallbacks


# The kind of work as the head of a Russian title ("Исправления в sqlite-utils: транзакции").
_RU_KIND_HEAD = {"fix": "Исправления в {P}", "feature": "Новое в {P}", "perf": "Ускорение {P}",
                 "refactor": "Переделки в {P}", "test": "В тестах {P}", "docs": "В документации {P}",
                 "experiment": "Эксперименты в {P}", "infra": "Окружение {P}", "learning": "Разбираюсь в {P}",
                 "other": "Работа над {P}"}


def _ru_topic_titles(plan: Plan) -> list[str]:
    """Russian titles that name the story's topics (nominative), in several shapes: the topic with
    what was done to it, two topics, the kind of work with its topics, the topic with the changes
    counted by kind. Which shape a story gets depends on its hash, so a run's titles differ."""
    topics = _title_topics(plan)
    own = _KIND_TOPIC.get(plan.kind)
    if own in topics and len(topics) > 1:  # "Документация: что я описал в документации" says it twice
        topics = [t for t in topics if t != own]
    if not topics:
        return []
    project, first = plan.project, topics[0]
    if first == own:  # the kind is the only topic: say it once
        return [f"{capital(first)} в {project}: {phrase}" for phrase in
                PHRASES["ru"].get(f"title_done:{plan.kind}", PHRASES["ru"]["title_done:other"])]
    book = PHRASES["ru"]
    done = book.get(f"title_done:{plan.kind}", book["title_done:other"])
    titles = [frame.format(T=capital(first), P=project) for frame in
              book.get(f"title_topic:{plan.kind}", book["title_topic:other"])]
    titles += [f"{capital(first)} в {project}: {phrase}" for phrase in done]
    head = _RU_KIND_HEAD.get(plan.kind, _RU_KIND_HEAD["other"]).format(P=project)
    titles.append(f"{head}: {first}")
    if len(topics) > 1:
        both = f"{first} и {topics[1]}"
        titles += [f"{capital(both)} в {project}", f"{head}: {both}",
                   f"{capital(both)} в {project}: {done[0]}"]
    kinds = [(n, phrase) for kind, n, phrase in russian.kind_counts(plan.actions) if kind != "other"][:2]
    counts = [phrase for _, phrase in kinds]
    if sum(n for n, _ in kinds) >= 2:
        titles += [f"{project}: {first} — {' и '.join(counts)}", f"{capital(first)} в {project}: {' и '.join(counts)}"]
    return titles


# Topics a kind of work names by itself ("правка документации" is about документация).
_KIND_TOPIC = {"docs": "документация", "test": "тесты", "perf": "скорость работы", "refactor": "чистка кода"}


def _title_topics(plan: Plan) -> list[str]:
    """The topics the Russian title names, most telling first: a headline written in Russian that is
    not a verb phrase (a note's title), else the glossary topic of the headline, then of all the
    subjects and note titles, then of the files; the code's language as the last resort."""
    if plan.headline and plan.headline.lang == "ru" and not plan.headline.known \
            and measure.words(plan.headline.original) <= 5:
        return [plan.headline.original[:1].lower() + plan.headline.original[1:]]
    found = russian.topics(without_project([plan.headline.original], plan.project), most=1) if plan.headline else []
    texts = [a.original for a in plan.actions] + plan.facts.get("note_titles", [])
    for more in (russian.topics(without_project(texts, plan.project), most=3),
                 russian.topics(plan.facts.get("files", []), most=2)):
        found += [t for t in more if t not in found]
    if found:
        return found[:2]
    return [f"код на {_LANGUAGE_NAMES[lang]}" for lang in plan.facts.get("languages", []) if lang in _LANGUAGE_NAMES][:1]


def without_project(texts: list[str], project: str) -> list[str]:
    """The texts without the project's name: "sqlite-utils insert …" is not about storage (`\\bsqlite\\b`)."""
    if not project:
        return texts
    pattern = re.compile(re.escape(project), re.IGNORECASE)
    return [pattern.sub(" ", text) for text in texts]


_LANGUAGE_NAMES = {"python": "Python", "javascript": "JavaScript", "typescript": "TypeScript", "go": "Go",
                   "rust": "Rust", "java": "Java", "kotlin": "Kotlin", "ruby": "Ruby", "php": "PHP", "c": "C",
                   "cpp": "C++", "csharp": "C#", "swift": "Swift", "shell": "Bash", "sql": "SQL"}


def _ru_past_short(action: Action, max_obj_words: int) -> str | None:
    if action.lang == "ru":
        words = action.original.split()
        phrase = " ".join(words[: max_obj_words + 1])
        return phrase[:1].lower() + phrase[1:]
    words = _trim(action.obj.split()[:max_obj_words])
    if not words:
        return None
    return past(replace(action, obj=" ".join(words)), "ru")
