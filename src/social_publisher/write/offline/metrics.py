"""Numbers in a post: which measured values are worth telling and what to call them, in both languages."""

from __future__ import annotations

import re

from social_publisher.write.offline.phrases import COUNTED, EN_UNITS, METRICS, RU_UNITS, SIZE_UNITS, TIME_UNITS


def tellable_number(number: dict[str, str]) -> bool:
    """A bare integer ("429", "500") is told only when a counted noun follows it ("7 tests");
    values with a unit, a percent sign or a decimal point always are."""
    value = number["value"]
    if number.get("context", "").lstrip().startswith("|"):
        return False  # a table row: which column a number belongs to is not known
    digits, _, unit = value.partition(" ")
    if unit == "s" and re.search(rf"(?<![\w.,]){re.escape(digits)}s\b", number.get("context", "")):
        return False  # "no 429s": a plural, not seconds
    if not re.fullmatch(r"-?\d+(?:[,\u00a0]\d{3})*", value):
        return True
    follows = re.search(rf"(?<![\w.,]){re.escape(value)}\s+([A-Za-zА-Яа-яЁё]+)", number.get("context", ""))
    return bool(follows and follows.group(1).lower() in COUNTED)


def metric_label(context: str, value: str) -> tuple[str, str] | None:
    """(English, Russian) label for a number: a metric word right beside it in its sentence
    ("accuracy 76.8%", "7 tests", "latency of 120 ms"), or None when nothing that close names it."""
    position = context.find(value)
    if position < 0:
        position = context.find(value.split()[0])
    if position < 0 or context.lstrip().startswith("|"):  # a table row: columns, not a sentence
        return None
    before = re.findall(r"[A-Za-zА-Яа-яЁё]+", context[:position])[-6:]
    after = re.findall(r"[A-Za-zА-Яа-яЁё]+", context[position + len(value):])[:2]
    before = [w for w in before if w.lower() not in _GLUE][-2:]
    kind = value_kind(value)
    for word in [*after[:1], *reversed(before), *after[1:]]:
        metric = METRICS.get(word.lower())
        if metric and metric[2] in ("any", kind) and not (metric[2] == "any" and kind == "count"):
            rate = re.search(rf"\b{re.escape(word)}\s+per\s+(second|minute|hour|day)\b", context)
            if rate:
                ru_unit = {"second": "секунду", "minute": "минуту", "hour": "час", "day": "день"}[rate.group(1)]
                return f"{metric[0]} per {rate.group(1)}", f"{metric[1]} в {ru_unit}"
            return metric[0], metric[1]
    return None


def value_kind(value: str) -> str:
    number, _, unit = value.partition(" ")
    if unit in TIME_UNITS:
        return "time"
    if unit in SIZE_UNITS:
        return "size"
    if number.endswith("%") or "." in number or "," in number and not re.fullmatch(r"\d{1,3}(?:,\d{3})+", number):
        return "ratio"
    return "count" if not unit and not number.endswith(("x", "×")) else "factor"


_GLUE = {"of", "the", "a", "an", "is", "was", "at", "to", "on", "in", "by", "from", "reached", "went", "now"}


def shown_value(value: str, lang: str) -> str:
    """A measured value with its unit in the post's language; the number itself never changes."""
    number, _, unit = value.partition(" ")
    if lang == "ru":
        return f"{number} {RU_UNITS.get(unit, unit)}".strip()
    english = EN_UNITS.get(unit, unit)
    return f"{number}{english}" if english == "x" else f"{number} {english}".strip()

