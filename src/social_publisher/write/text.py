"""Measuring a written post: its words, its numbers, its languages.

Shared by the checks and the offline writer, so the writer measures itself
exactly as it will be judged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

# Dates, clock times and x.y.z versions are not results: they are left out on both sides.
_NOT_A_RESULT = re.compile(
    r"\b\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?\b|\b\d{1,2}:\d{2}(?::\d{2})?\b|\bv?\d+(?:\.\d+){2,}\b"
)
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[^\W_](?:[\w'’-]*\w)?")
_FENCE = re.compile(r"```.*?(?:```|\Z)", re.DOTALL)
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_URL = re.compile(r"https?://\S+|\]\([^)]*\)")
_PATHLIKE = re.compile(r"\S*[/\\]\S*|\S+\.[A-Za-z]{1,5}\b|\S+_\S+")
_QUOTED = re.compile(r"«[^»\n]*»|“[^”\n]*”|\"[^\"\n]*\"")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_LATIN = re.compile(r"[A-Za-z]")


def words(markdown: str) -> int:
    """Words a reader sees (Markdown markers and code fences' syntax do not count)."""
    text = re.sub(r"[#>*_`|]", " ", markdown)
    return len(_WORD.findall(text))


def numbers(text: str) -> set[str]:
    """The numeric values in `text`, normalised ("1,000" -> "1000", "76,8" -> "76.8")."""
    cleaned = _NOT_A_RESULT.sub(" ", _URL.sub(" ", text))  # a link's target holds no result
    return {_normalise(match.group(0)) for match in _NUMBER.finditer(cleaned)}


def _normalise(token: str) -> str:
    if "," in token:
        head, *groups = token.split(",")
        if all(len(g) == 3 and g.isdigit() for g in groups) and "." not in head:
            return head + "".join(groups)
        token = token.replace(",", ".")
    return token



def language_of(text: str) -> str:
    """"ru" when most letters are Cyrillic, else "en"."""
    cyrillic, latin = len(_CYRILLIC.findall(text)), len(_LATIN.findall(text))
    return "ru" if cyrillic > latin else "en"

@dataclass(frozen=True)
class Letters:
    """Letters of a text split into the author's own prose and quoted or code material."""

    native_cyrillic: int
    native_latin: int
    quoted: int

    @property
    def native(self) -> int:
        return self.native_cyrillic + self.native_latin

    def share(self, lang: str) -> float:
        """Share of the post's own prose written in `lang`'s alphabet (1.0 when there is none)."""
        if not self.native:
            return 1.0
        return (self.native_cyrillic if lang == "ru" else self.native_latin) / self.native

    @property
    def native_share(self) -> float:
        total = self.native + self.quoted
        return self.native / total if total else 1.0


def letters(markdown: str, ignore: Iterable[str] = ()) -> Letters:
    """Count the letters of the post's own prose and of its quotations (blockquotes, quoted text).

    Code, paths, URLs and `ignore` words (names) belong to no language and are not counted.
    """
    text = _CODE_SPAN.sub(" ", _FENCE.sub(" ", markdown))
    quoted_parts: list[str] = []
    lines = []
    for line in text.splitlines():
        if line.lstrip().startswith(">"):
            quoted_parts.append(_PATHLIKE.sub(" ", line))
        else:
            lines.append(line)
    text = "\n".join(lines)
    quoted_parts += [_PATHLIKE.sub(" ", q) for q in _QUOTED.findall(text)]
    text = _QUOTED.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _PATHLIKE.sub(" ", text)
    for name in sorted({n for n in ignore if n}, key=len, reverse=True):
        text = re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)
    quoted = "".join(quoted_parts)
    return Letters(
        native_cyrillic=len(_CYRILLIC.findall(text)),
        native_latin=len(_LATIN.findall(text)),
        quoted=len(_CYRILLIC.findall(quoted)) + len(_LATIN.findall(quoted)),
    )


def script_share(markdown: str, lang: str, ignore: Iterable[str] = ()) -> float:
    """Share of all letters, quotations included, written in `lang`'s alphabet (Cyrillic for "ru").

    Only code, file names, URLs, Markdown markers and `ignore` words (names) are left out: this is
    what a reader sees as the language of the page.
    """
    text = _CODE_SPAN.sub(" ", _FENCE.sub(" ", markdown)).replace("**", " ")
    text = _URL.sub(" ", text)
    text = re.sub(r"\S+\.\w{1,4}\b", " ", text)
    for name in sorted({n for n in ignore if n}, key=len, reverse=True):
        text = re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)
    cyrillic, latin = len(_CYRILLIC.findall(text)), len(_LATIN.findall(text))
    if not cyrillic + latin:
        return 1.0
    return (cyrillic if lang == "ru" else latin) / (cyrillic + latin)
