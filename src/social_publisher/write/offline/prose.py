"""Small formatting helpers shared by the body and the title: phrasing variants, quotes, code, counts.

`Frames` picks a phrasing variant of `phrases.py` per key by a hash of the plan's seed, so a
given story always reads the same while different stories read differently.
"""

from __future__ import annotations

import hashlib
import re

from social_publisher.write.offline.actions import mark_code
from social_publisher.write.text import language_of
from social_publisher.write.offline.phrases import PHRASES


class Frames:
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



_COUNT_WORDS = {
    "en": {"commit": ("one commit", "commits"), "file": ("one file", "files"),
           "session": ("one session", "sessions"), "prompt": ("a single prompt", "prompts")},
    "ru": {"commit": ("один коммит", ("коммит", "коммита", "коммитов")),
           "file": ("один файл", ("файл", "файла", "файлов")),
           "session": ("в одной сессии", ("сессии", "сессиях", "сессиях")),
           "prompt": ("один запрос", ("запрос", "запроса", "запросов"))},
}


def count_of(n: int, noun: str, lang: str) -> str:
    """'one commit' / '3 commits' / 'один коммит' / '5 коммитов' (1 as a word in both languages)."""
    one, many = _COUNT_WORDS[lang][noun]
    if n == 1:
        return one
    if lang == "en":
        return f"{n} {many}"
    if noun == "session":
        return f"в {n} {many[1]}"
    return f"{n} {ru_plural(n, many)}"


def ru_plural(n: int, forms: tuple[str, str, str]) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return forms[1]
    return forms[2]


def bold(text: str) -> str:
    return f"**{text}**"


def code(text: str) -> str:
    return f"`{text.replace('`', chr(39))}`"


def quote_inline(text: str, lang: str) -> str:
    text = text.strip()
    if lang == "ru":  # Russian puts the full stop after the closing guillemet
        return f"«{text[:-1]}»." if text.endswith(".") and not text.endswith("..") else f"«{text}»"
    return f"“{text}”"


def quote_end(text: str, lang: str) -> str:
    """A quote that closes its sentence: inline in the post's language, a blockquote otherwise."""
    text = text.strip()
    if language_of(text) == lang:
        return quote_inline(mark_code(text), lang)
    return "\n\n> " + text


LEARNED = re.compile(
    r"^(?:I(?:'ve)? (?:learned|learnt|realized|realised|understood|found out|noticed) that\s+"
    r"|Я (?:понял|узнал|заметил|выяснил),? что\s+)", re.IGNORECASE)
NEXT_LABEL = re.compile(r"^(?:next steps?|next up|next|todo|to do|дальше|следующий шаг)\s*[:—-]\s*", re.IGNORECASE)


def own_words(text: str, lang: str, strip: re.Pattern[str] | None = None) -> str:
    """The user's own sentences told as the post's prose in its language; a blockquote in the other one.

    `strip` removes a lead-in ("I learned that", "Next step:") that the frame already says.
    """
    text = text.strip()
    if language_of(text) != lang:
        return "\n\n> " + text
    if strip is not None:
        text = strip.sub("", text)
    return lower_first(mark_code(text), lang)


def join_words(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + (" and " if lang == "en" else " и ") + items[-1]


def capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text and not text.startswith("`") else text


def lower_first(text: str, lang: str) -> str:
    """Russian continues a sentence after a colon in lower case (names and acronyms excepted)."""
    first = text.split(" ", 1)[0]
    if lang == "ru" and re.fullmatch(r"[А-ЯЁ][а-яё,]+", first):
        return text[:1].lower() + text[1:]
    return text
