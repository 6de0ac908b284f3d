"""The "worth knowing" paragraph: the brief's Wikipedia fact (`brief.wiki`, see enrich/wikipedia.py)
told in the post's language, with its source named and linked (the text is CC BY-SA).

The English post tells the English extract, the Russian post the Russian one; a post whose
language has no page leaves the paragraph out. At most MAX_SENTENCES sentences of the
extract are kept: asides in parentheses (pronunciations, dates) and stress marks are
dropped, and so is any sentence with a number, a word a check would reject or the other
language's script, so the paragraph never changes which numbers a post carries
(en and ru must carry the same ones) and never trips a content check.
"""

from __future__ import annotations

import re
from typing import Any

from social_publisher.signals import SENTENCE_BREAK
from social_publisher.write import text as measure
from social_publisher.write.offline.plan import quotable

LABEL = {"en": "Worth knowing", "ru": "Полезно знать"}
SOURCE = {"en": "Wikipedia", "ru": "Википедия"}
MAX_SENTENCES = 2
MAX_WORDS = 60
_ASIDE = re.compile(r"\s*\([^()]*\)|\s*\[[^\[\]]*\]")
_STRESS = re.compile("[\u0300\u0301]")


def paragraph(wiki: dict[str, Any] | None, lang: str) -> str | None:
    """The paragraph for a post in `lang`, or None when there is nothing to tell in that language."""
    page = (wiki or {}).get(lang)
    if not page or not page.get("extract"):
        return None
    kept: list[str] = []
    for sentence in SENTENCE_BREAK.split(_clean(page["extract"])):
        sentence = sentence.strip()
        if (not sentence or measure.numbers(sentence) or not quotable(sentence)
                or measure.language_of(sentence) != lang):
            continue
        if kept and measure.words(" ".join([*kept, sentence])) > MAX_WORDS:
            break
        kept.append(sentence)
        if len(kept) == MAX_SENTENCES:
            break
    if not kept or measure.words(kept[0]) > MAX_WORDS:
        return None
    url = page.get("url", "")
    source = f"[{SOURCE[lang]}: {page.get('title', '')}](<{url}>)" if _safe_url(url) else SOURCE[lang]
    text = f"**{LABEL[lang]}.** {' '.join(kept)} ({source}, CC BY-SA)"
    return None if measure.numbers(text) else text


def _clean(extract: str) -> str:
    text = _STRESS.sub("", extract)
    for _ in range(3):  # nested asides, innermost first
        text = _ASIDE.sub("", text)
    return re.sub(r"\s+([,.;:])", r"\1", re.sub(r"\s+", " ", text)).strip()


def _safe_url(url: str) -> bool:
    return bool(re.fullmatch(r"https?://[^\s<>]+", url))
