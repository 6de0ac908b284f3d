"""Titles: 6-10 words naming what was done, with the key number when the story has one.

English titles are built from the headline action ("Adding Retry With Backoff: 850 ms → 240 ms");
a Russian title quotes no English: it names the measured result ("Точность в llm-router: 73.0% →
76.8%"), a headline written in Russian, or the topic of the work in Russian words
(`russian.topics`: "Повторные попытки в fetchbot: что я исправил").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from social_publisher.write import text as measure
from social_publisher.write.offline.actions import Action, gerund, past
from social_publisher.write.offline.metrics import metric_label, shown_value
from social_publisher.write.offline.phrases import PHRASES
from social_publisher.write.offline import russian
from social_publisher.write.offline.plan import MIN_PAGE_SHARE, Plan, told_action
from social_publisher.write.offline.prose import capital, lower_first

_SMALL_WORDS = {"a", "an", "the", "and", "or", "for", "to", "in", "of", "on", "at", "by", "with", "from", "as",
                "into", "vs", "via", "but", "nor"}
_TRAILING_JUNK = _SMALL_WORDS | {"not", "without", "instead", "than", "и", "в", "на", "с", "для", "по", "к", "из", "от",
                                  "не", "без"}


def make_title(plan: Plan, lang: str) -> str:
    """A title of 6-10 words (5-10 in Russian) naming what was done, with the key number when there is one.

    A Russian title must read as Russian as a whole (project names included), so it is built
    from Russian words only.
    """
    if lang == "en" and plan.headline:
        plan = replace(plan, headline=told_action(plan, "en", plan.headline))
    specific, fallbacks = _title_candidates_en(plan) if lang == "en" else _title_candidates_ru(plan)
    low = 6 if lang == "en" else 5
    fitting = [t for t in specific if t.text and low <= measure.words(t.text) <= 10
               and measure.script_share(t.text, lang, ignore=[plan.project]) >= MIN_PAGE_SHARE]
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
    words = _trim(all_words[:max(room, 0)])
    if not words:
        return _Title("", False)
    return _Title(template.replace("{X}", " ".join(words)), len(words) == len(all_words), len(words))


def _trim(words: list[str]) -> list[str]:
    """Cut words off the end until the phrase no longer ends on a preposition, a negation or a comma."""
    words = list(words)
    while words:
        last = words[-1].lower().strip(",;:«»")
        if last in _TRAILING_JUNK:
            words.pop()
        elif words[-1].endswith((",", ";", ":")):
            words[-1] = words[-1].rstrip(",;:")
        else:
            break
    return words


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
        b, a = shown_value(pair["before"], "en"), shown_value(pair["after"], "en")
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
    book = PHRASES["ru"]
    named = [frame.format(T=capital(topic), P=project) for topic in _title_topics(plan)
             for frame in book.get(f"title_topic:{plan.kind}", book["title_topic:other"])]
    out += [_Title(text, True, 1) for text in named]
    kind_phrases = [phrase.format(P=project) for phrase in _kind_titles(plan, "ru")]
    if pair:  # one colon per title: frames that have their own colon go without the number
        fallbacks = [f"{arrow}: {lower_first(phrase, 'ru')}" for phrase in kind_phrases if ":" not in phrase]
    else:
        fallbacks = kind_phrases
    return [replace(t, text=t.text.replace("`", "")) for t in out], fallbacks


def _title_topics(plan: Plan) -> list[str]:
    """The topic the Russian title names: a headline written in Russian that is not a verb phrase
    (a note's title), else the glossary topic of the headline, else of all the subjects."""
    if plan.headline and plan.headline.lang == "ru" and not plan.headline.known \
            and measure.words(plan.headline.original) <= 5:
        return [plan.headline.original[:1].lower() + plan.headline.original[1:]]
    if plan.headline:
        found = russian.topics([plan.headline.original], most=1)
        if found:
            return found
    found = russian.topics([a.original for a in plan.actions] + plan.facts.get("note_titles", []), most=1)
    if found:
        return found
    return [f"код на {_LANGUAGE_NAMES[lang]}" for lang in plan.facts.get("languages", []) if lang in _LANGUAGE_NAMES][:1]


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
