"""Finds a story that tells again what an earlier story told.

A story's *signature* is the 40 most frequent word stems of what the user wrote (commit
messages, prompts, notes) plus its measured numbers. Stems are the first six characters
of a lower-cased word, with ё read as е and one Russian ending cut first, so English
plurals and Russian case endings ("роутер", "роутера"; "точность", "точности") meet;
numbers keep their digits ("76,8" and "76.8" are one).

Two stories are near-duplicates when they belong to the same project, share a tag (a
story with no tags is not told apart by tags), and their signatures are at least `duplicate_threshold` similar. The
similarity is rapidfuzz's character-level ratio over the sorted stems, taken with the
share of stems the two have in common, whichever is higher — the ratio forgives small
spelling differences, the shared share forgives a different order of telling.

A Russian note and an English session about the same work share few stems, so a signature
also keeps *anchors*, which read the same in both languages: the names of the files touched,
code-like words (`FTS5`, `bm25`, `retry_after`, `SQLite`; in mostly Cyrillic text every Latin
word), and numbers (`20 000` and `20,000` are one; dates, versions, times and PR numbers are not
read; English text gives only its measured numbers, Russian text all of its own).
Two stories written in different languages (the share of Cyrillic letters in what the user
wrote) are also near-duplicates when at least `_MIN_ANCHORS` anchors meet and they cover
`duplicate_threshold` percent of the smaller story's anchors.

Only stories of the same project are compared, and a cheap shared-stem count filters
the pairs before rapidfuzz runs, so the check stays linear in practice.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter

from rapidfuzz import fuzz

from social_publisher.select.words import word_counts

SIGNATURE_SIZE = 40
ANCHORS_SIZE = 60
_MIN_ANCHORS = 4
_ANCHORS_MARK = " || "  # separates the stems from the language and anchors in a stored key
_LATIN_TOKEN_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# A number standing alone: not part of a date, a version, a clock time, an id ("#12") or a name ("GPT-4").
_NUMBER_TOKEN_RE = re.compile(r"(?<![\w.,:/#-])(?:\d{1,3}(?:[,\u00a0\u202f ]\d{3})+|\d+(?:[.,]\d+)?)(?![\w]|[.,:/-]\d)")
_NUMBER_SPACES_RE = re.compile(r"[\s\u00a0\u202f]|,(?=\d{3}\b)")
_ANCHOR_CHARS = 4_000  # of what the user wrote that anchors are read from
_LANGUAGE_SAMPLE = 2_000
_CYRILLIC_RE = re.compile(r"[а-яА-ЯёЁ]")
_LETTER_RE = re.compile(r"[^\W\d_]")
_EXTENSIONS = frozenset("py js ts tsx jsx rs go rb md css html json toml yaml yml txt sh sql".split())
_MIN_STEMS = 5
_WORDS_READ = 200
_STEMS: dict[str, str] = {}  # memo: word -> stem ("" for a word left out)
_STOPWORDS = frozenset("""
a about above after again all also an and any are as at be because been before being below between both but by
can could did do does doing done down during each few for from further get got had has have having he her here
him his how i if in into is it its itself just let me more most my no nor not now of off on once only or other
our out over own same she should so some such than that the their them then there these they this those through
to too under until up very was we were what when where which while who why will with would you your
и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от меня
еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж вам ведь там
потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже
себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас
были куда зачем всех никогда можно при наконец два об другой хоть после над больше тот через эти нас про всего
них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более
всегда конечно всю между это
""".split())


class Signature:
    """Stems (what rapidfuzz compares, joined in `key`), the language, and the anchors, which are
    read from the story's text only when asked for (a cross-language comparison, or storing)."""

    __slots__ = ("stems", "key", "lang", "_source", "_anchors")

    def __init__(self, stems: frozenset[str], key: str, anchors: frozenset[str] | None = frozenset(),
                 lang: str = "", source: tuple = ()):
        self.stems, self.key, self.lang = stems, key, lang
        self._anchors, self._source = anchors, source

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Signature) and (self.stems, self.lang, self.anchors) == (
            other.stems, other.lang, other.anchors)

    def __repr__(self) -> str:
        return f"Signature({self.key!r}, lang={self.lang!r})"

    @property
    def anchors(self) -> frozenset[str]:
        if self._anchors is None:
            self._anchors = anchors_of(*self._source)
            self._source = ()
        return self._anchors

    @classmethod
    def of(cls, texts: list[str]) -> "Signature":
        return cls.of_words(word_counts(texts))

    @property
    def stored_key(self) -> str:
        """The key kept with a story: the stems, then the language and anchors."""
        if not self.anchors:
            return self.key
        return f"{self.key}{_ANCHORS_MARK}{self.lang} {' '.join(sorted(self.anchors))}"

    def with_anchors(self, texts: list[str], names: list[str], numbers: list[str] = ()) -> "Signature":
        """This signature with the language of `texts`, and anchors to read from them, file `names`
        and measured `numbers` when they are first needed."""
        joined = "\n".join(t for t in texts if t)[:_ANCHOR_CHARS]
        return Signature(self.stems, self.key, None, language_of(joined), (joined, tuple(names), tuple(numbers)))

    @classmethod
    def of_words(cls, words: Counter[str]) -> "Signature":
        """The signature of counted words (see words.word_counts)."""
        counts: Counter[str] = Counter()
        # The most frequent words hold the most frequent stems; a long story's rare words are skipped.
        frequent = sorted(words.items(), key=itemgetter(1), reverse=True)[:_WORDS_READ]
        for word, count in frequent:
            stem = _STEMS.get(word)
            if stem is None:
                stem = _stem(word) or ""
                if len(_STEMS) < 500_000:
                    _STEMS[word] = stem
            if stem:
                counts[stem] += count
        top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:SIGNATURE_SIZE]
        stems = frozenset(stem for stem, _ in top)
        return cls(stems, " ".join(sorted(stems)))

    @classmethod
    def from_key(cls, key: str) -> "Signature":
        key, _, rest = key.partition(_ANCHORS_MARK)
        stems = frozenset(key.split())
        lang, _, anchors = rest.partition(" ")
        return cls(stems, " ".join(sorted(stems)), frozenset(anchors.split()), lang)


def language_of(text: str) -> str:
    """"ru" when most letters of (the start of) the text are Cyrillic, else "en"."""
    sample = text[:_LANGUAGE_SAMPLE]
    if not _CYRILLIC_RE.search(sample):
        return "en"
    letters = len(_LETTER_RE.findall(sample))
    return "ru" if letters and len(_CYRILLIC_RE.findall(sample)) * 2 > letters else "en"


def anchors_of(joined: str, names: tuple[str, ...] = (), numbers: tuple[str, ...] = ()) -> frozenset[str]:
    """The anchors of what the user wrote (see the module docstring)."""
    lang = language_of(joined)
    found: Counter[str] = Counter(name.lower() for name in names if len(name) > 2)
    for token, count in Counter(_LATIN_TOKEN_RE.findall(joined)).items():
        lowered = token.lower()
        if len(token) < 2 or lowered in _EXTENSIONS:
            continue
        # Every Latin word of Russian text is a name, a term or code; in English, code-like words:
        # with a digit or _ (fts5, retry_after), or a capital past the first letter (SQLite, LIKE).
        if lang == "ru":
            if len(token) > 2 and lowered not in _STOPWORDS:
                found[lowered] += count
        elif not token.isalpha() or not token[1:].islower():  # tokens hold only letters, digits and _
            found[lowered] += count
    # In English text only the measured numbers are read: the Russian side reads all its own.
    for number in _NUMBER_TOKEN_RE.findall("\n".join([joined if lang == "ru" else "", *numbers])):
        digits = _NUMBER_SPACES_RE.sub("", number).replace(",", ".")
        if len(digits.replace(".", "")) >= 2:
            found[digits] += 1
    top = sorted(found.items(), key=lambda item: (-item[1], item[0]))[:ANCHORS_SIZE]
    return frozenset(anchor for anchor, _ in top)


def cross_language_similarity(a: Signature, b: Signature) -> float:
    """0-100 for stories told in different languages: the share of the smaller anchor set met."""
    if not a.lang or not b.lang or a.lang == b.lang:
        return 0.0
    smaller = min(len(a.anchors), len(b.anchors))
    shared = len(a.anchors & b.anchors)
    if smaller < _MIN_ANCHORS or shared < _MIN_ANCHORS:
        return 0.0
    return 100.0 * shared / smaller


# Russian endings, longest first; one is cut before truncating, so "роутера" meets "роутер".
_RU_ENDINGS = tuple(sorted(
    "ами ями ого его ому ему ыми ими ой ей ом ем ам ям ах ях ов ев ую юю ая яя ое ее ые ие ый ий ы и а я о е у ю ь"
    .split(), key=len, reverse=True))


def _stem(token: str) -> str | None:
    if token[0].isdigit():
        number = token.replace(",", ".")
        return number if len(number) >= 2 else None
    if len(token) < 3 or token in _STOPWORDS:
        return None
    if "а" <= token[-1] <= "я":
        for ending in _RU_ENDINGS:
            if token.endswith(ending) and len(token) - len(ending) >= 3:
                token = token[: -len(ending)]
                break
    return token[:6]


def similarity(a: Signature, b: Signature) -> float:
    """0-100: how much two signatures tell the same thing."""
    if len(a.stems) < _MIN_STEMS or len(b.stems) < _MIN_STEMS:
        return 0.0
    shared = len(a.stems & b.stems)
    dice = 200.0 * shared / (len(a.stems) + len(b.stems))
    return max(dice, fuzz.ratio(a.key, b.key))


@dataclass
class Known:
    """A story already kept (stored earlier or selected in this run) that later ones are checked against."""

    label: str  # "story 12" or "candidate <fingerprint>"
    tags: frozenset[str]
    signature: Signature


@dataclass
class DuplicateIndex:
    threshold: float
    by_project: dict[str, list[Known]] = field(default_factory=dict)

    def add(self, project: str, label: str, tags: list[str], signature: Signature) -> None:
        self.by_project.setdefault(project, []).append(Known(label, frozenset(tags), signature))

    def find(self, project: str, tags: list[str], signature: Signature) -> tuple[Known, float] | None:
        """The most similar known story of the project at or above the threshold, if any."""

        tag_set = frozenset(tags)
        # Dice >= t needs at least t/200 * (|a| + |b|) shared stems; the ratio can forgive some
        # misses, so the prefilter asks for a third of that before paying for rapidfuzz.
        best: tuple[Known, float] | None = None
        stems, lang, threshold = signature.stems, signature.lang, self.threshold
        size = len(stems)
        # This loop runs for every pair of a project's candidates: what it looks up is held in locals.
        for known in self.by_project.get(project, ()):
            if tag_set and known.tags and tag_set.isdisjoint(known.tags):
                continue
            other = known.signature
            score = cross_language_similarity(signature, other) if lang != other.lang else 0.0
            if len(stems & other.stems) * 600 >= threshold * (size + len(other.stems)):
                score = max(score, similarity(signature, other))
            if score >= threshold and (best is None or score > best[1]):
                best = (known, score)
        return best
