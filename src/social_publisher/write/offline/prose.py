"""Small formatting helpers shared by the body and the title: phrasing variants, quotes, code.

`Frames` picks a phrasing variant of `phrases.py` per key by a hash of the plan's seed, so a
given story always reads the same while different stories read differently.
"""

from __future__ import annotations

import hashlib
import re

from social_publisher.enrich.sentences import starts_with_code
from social_publisher.write.offline.actions import mark_code
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



def bold(text: str) -> str:
    return f"**{text}**"


def code(text: str) -> str:
    return f"`{text.replace('`', chr(39))}`"


def quote_inline(text: str, lang: str) -> str:
    text = text.strip()
    if lang == "ru":  # Russian puts the full stop after the closing guillemet
        return f"«{text[:-1]}»." if text.endswith(".") and not text.endswith("..") else f"«{text}»"
    return f"“{text}”"


LEARNED = re.compile(
    r"^(?:I(?:'ve)? (?:learned|learnt|realized|realised|understood|found out|noticed) that\s+"
    r"|Я (?:понял|узнал|заметил|выяснил),? что\s+)", re.IGNORECASE)
NEXT_LABEL = re.compile(r"^(?:next steps?|next up|next|todo|to do|дальше|следующий шаг)\s*[:—-]\s*", re.IGNORECASE)


def own_words(text: str, lang: str, strip: re.Pattern[str] | None = None) -> str:
    """The user's own sentence (written in the post's language) told as the post's prose.

    `strip` removes a lead-in ("I learned that", "Next step:") that the heading already says.
    """
    text = text.strip()
    if strip is not None:
        text = strip.sub("", text)
    return lower_first(mark_code(text), lang)


def join_words(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + (" and " if lang == "en" else " и ") + items[-1]


def capital(text: str) -> str:
    """The first letter upper-cased, unless the text starts with code or a name: an identifier's case
    is never changed ("db.query()", "foreign_keys=", "p95", "iOS")."""
    if not text or starts_with_code(text):
        return text
    return text[:1].upper() + text[1:]


def lower_first(text: str, lang: str) -> str:
    """Russian continues a sentence after a colon in lower case (names and acronyms excepted)."""
    first = text.split(" ", 1)[0]
    if lang == "ru" and re.fullmatch(r"[А-ЯЁ][а-яё,]+", first):
        return text[:1].lower() + text[1:]
    return text
