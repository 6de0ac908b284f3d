"""Splitting text into words once, so categories, duplicate signatures and tags look words
up in dictionaries instead of running a long regex per text (select reads 100,000 rows in
seconds this way)."""

from __future__ import annotations

import re
from collections import Counter

from social_publisher.signals import WordPattern  # noqa: F401  (select's modules import it from here)

# Lower-cased words and numbers; a decimal number stays one token ("76.8", "76,8").
_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)?|[^\W\d_]+")
# Words as written, letters and digits together ("sqlite3", "k8s", "React").
_CASED_TOKEN_RE = re.compile(r"[^\W_]+")


def word_counts(texts: list[str]) -> Counter[str]:
    """How often each lower-cased word or number occurs (ё read as е)."""
    counts: Counter[str] = Counter()
    for text in texts:
        if text:
            counts.update(_TOKEN_RE.findall(text.lower().replace("ё", "е")))
    return counts


def word_list(text: str) -> list[str]:
    """Words as written, letters and digits together ("sqlite3", "k8s"), in order."""
    return _CASED_TOKEN_RE.findall(text)


def is_cyrillic(word: str) -> bool:
    return bool(word) and ("а" <= word[0] <= "я" or word[0] == "ё")
