"""The words of the daily digest in English and Russian: its title, the day's numbers and
the line per post.

Counts agree with their noun by the language's CLDR plural rules (Babel), so Russian
reads "1 коммит", "3 коммита", "5 коммитов", "21 коммит"; numbers are grouped the
language's way ("1,234" / "1 234"). The body is Markdown; post titles in it are
escaped, so a title holding `[`, `*` or `<` stays text in every Markdown flavour we feed.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Iterable, NamedTuple

from babel import Locale
from babel.numbers import format_decimal

from social_publisher.publish import i18n

NUMBER_KEYS = ("projects", "commits", "sessions", "posts")

# Noun forms per CLDR plural category ("other" covers fractions, never met here).
_NOUNS: dict[str, dict[str, dict[str, str]]] = {
    "en": {
        "projects": {"one": "project", "other": "projects"},
        "commits": {"one": "commit", "other": "commits"},
        "sessions": {"one": "AI session", "other": "AI sessions"},
        "posts": {"one": "post", "other": "posts"},
    },
    "ru": {
        "projects": {"one": "проект", "few": "проекта", "many": "проектов", "other": "проекта"},
        "commits": {"one": "коммит", "few": "коммита", "many": "коммитов", "other": "коммита"},
        "sessions": {"one": "сессия с ИИ", "few": "сессии с ИИ", "many": "сессий с ИИ", "other": "сессии с ИИ"},
        "posts": {"one": "запись", "few": "записи", "many": "записей", "other": "записи"},
    },
}

_PHRASES = {
    "en": {"title": "Daily digest, {date}", "numbers": "The day in numbers: {counts}.",
           "posts_of_day": "Posts of the day", "digests": "Daily digests", "all_digests": "All digests"},
    "ru": {"title": "Дайджест за {date}", "numbers": "День в цифрах: {counts}.",
           "posts_of_day": "Записи дня", "digests": "Дайджесты", "all_digests": "Все дайджесты"},
}

# Characters that would start Markdown markup inside a link text, in CommonMark and kramdown
# alike, and the braces of Hugo shortcodes and Liquid tags (the digest is exported to both).
_MARKUP = re.compile(r"([\\`*_\[\]<>|{}])")


class Entry(NamedTuple):
    """One line of the digest: a post's title, where it is, its project."""

    title: str
    url: str
    project: str = ""


def _lang(lang: str) -> str:
    return lang if lang in _NOUNS else "en"


@lru_cache(maxsize=None)
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def count(number: int, noun: str, lang: str) -> str:
    """ "3 commits" / "3 коммита": the number and the noun form its plural category asks for."""
    lang = _lang(lang)
    forms = _NOUNS[lang][noun]
    form = forms.get(_locale(lang).plural_form(number), forms["other"])
    return f"{format_decimal(number, locale=lang)} {form}"


def phrases(lang: str) -> dict[str, str]:
    """The digest's words in one language (the site's templates use them too)."""
    return _PHRASES[_lang(lang)]


def phrase(key: str, lang: str) -> str:
    return phrases(lang)[key]


def title(day: date, lang: str) -> str:
    return phrase("title", lang).format(date=i18n.format_date(day, _lang(lang)))


def numbers_line(numbers: dict[str, int], lang: str) -> str:
    """The day's counts; a zero is left out ("0 AI sessions" tells a reader nothing), posts never."""
    counts = ", ".join(count(int(numbers.get(key, 0)), key, lang) for key in NUMBER_KEYS
                       if numbers.get(key) or key == "posts")
    return phrase("numbers", lang).format(counts=counts)


def escape(text: str) -> str:
    """Plain text made safe inside a Markdown link label."""
    return _MARKUP.sub(r"\\\1", " ".join(text.split()))


def body(numbers: dict[str, int], entries: Iterable[Entry], lang: str) -> str:
    """The digest as Markdown: the numbers, then a line per post linking to it."""
    lines = [numbers_line(numbers, lang), ""]
    for entry in entries:
        project = f" — {escape(entry.project)}" if entry.project else ""
        lines.append(f"- [{escape(entry.title)}]({entry.url}){project}")
    return "\n".join(lines) + "\n"
