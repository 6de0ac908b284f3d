"""Numbers in a post: which measured values are worth telling and what to call them, in both languages."""

from __future__ import annotations

import re

from social_publisher import signals
from social_publisher.write import text as measure
from social_publisher.write.offline.phrases import (COUNTED, EN_UNITS, METRICS, RU_UNITS, RU_WORD_UNITS, SIZE_UNITS,
                                                   TIME_UNITS)
from social_publisher.write.offline.russian import plural_form


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


def metric_label(context: str, value: str, *, strict: bool = False) -> tuple[str, str] | None:
    """(English, Russian) label for a number: a metric word right beside it in its sentence
    ("accuracy 76.8%", "7 tests", "latency of 120 ms"), or None when nothing that close names it.
    `strict`: only the word right after the number or the nearest one before it counts."""
    if value.partition(" ")[2] in ("points", "point", "pp"):
        return "difference", "разница"  # "1.6 points below": a difference between two results
    position = context.find(value)
    if position < 0:
        position = context.find(value.split()[0])
    if position < 0 or context.lstrip().startswith("|"):  # a table row: columns, not a sentence
        return None
    before = re.findall(r"[A-Za-zА-Яа-яЁё]+", context[:position])[-6:]
    after = re.findall(r"[A-Za-zА-Яа-яЁё]+", context[position + len(value):])[:2]
    before = [w for w in before if w.lower() not in _GLUE][-1 if strict else -2:]
    kind = value_kind(value)
    # strict: the word after, or the one after an adjective ("14 search tests"), or the nearest before
    nearby = after[:2] if strict and len(after) > 1 and after[0].islower() else after[:1]
    for word in [*nearby, *reversed(before), *([] if strict else after[1:])]:
        metric = METRICS.get(word.lower()) or METRICS.get(word.lower() + "s")  # "500-question split"
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


_GLUE = {"of", "the", "a", "an", "is", "was", "at", "to", "on", "in", "by", "from", "reached", "went", "now", "over",
         "for", "with", "across", "under", "below", "above", "about", "around", "than"}


def shown_value(value: str, lang: str) -> str:
    """A measured value with its unit in the post's language; the number itself never changes."""
    if " of " in value:  # "83 of 120"
        return value if lang == "en" else value.replace(" of ", " из ")
    number, _, unit = value.partition(" ")
    if re.fullmatch(r"[\d.,]+[kM]", number):  # "100k rows": thousands and millions written on the number
        number, unit = number[:-1], number[-1] + (f" {unit}" if unit else "")
        return f"{number}{unit}" if lang == "en" else f"{number} {RU_UNITS[unit[0]]}{unit[1:]}"
    if lang == "ru":
        if unit in RU_WORD_UNITS:  # "2.8 пункта", "5 пунктов", "32 минуты": the unit agrees with the number
            forms = RU_WORD_UNITS[unit]
            whole = re.fullmatch(r"\d+", number.replace(",", ""))
            return f"{number} {plural_form(int(number.replace(',', '')), forms) if whole else forms[1]}"
        return f"{number} {RU_UNITS.get(unit, unit)}".strip()
    english = EN_UNITS.get(unit, unit)
    return f"{number}{english}" if english == "x" else f"{number} {english}".strip()



_UNIT_AFTER = (r"(?:\s?(?:%|×|x\b)|\s(?:ms|s|sec|seconds|min|minutes|h|hours|points|KB|MB|GB|TB|мс|с|сек|мин|ч)\b)?")
_BY_KIND = {"time": ("time", "время"), "size": ("size", "размер")}  # a unit says what was measured
_HTTP_STATUS = re.compile(r"(?<![\w.,])([1-5]\d\d)(?=s?\s+(?:responses?|errors?|status|Bad Request|Too Many|Not Found|'))")
_OF = re.compile(r"(?<![\w.,])(\d+) (?:of|out of|из) (\d+) ([A-Za-zА-Яа-яЁё]+)")


def labelled_values(sentence: str) -> list[tuple[str, tuple[str, str]]] | None:
    """Every number of a sentence as written (unit included) with its (English, Russian) metric
    label, or None when one of them has none: what the Russian post can carry of an English
    sentence is a labelled list of its numbers ("83 of 120 subscribers": "подписчиков: 83 из 120")."""
    found: list[tuple[str, tuple[str, str]]] = []
    rest = sentence
    for match in _OF.finditer(sentence):
        metric = METRICS.get(match.group(3).lower())
        if metric and metric[2] == "count":
            found.append((f"{match.group(1)} of {match.group(2)}", (metric[0], metric[1])))
            rest = rest.replace(match.group(0), " ")
    for match in _HTTP_STATUS.finditer(rest):
        found.append((match.group(1), ("HTTP status", "код ответа")))
        rest = rest.replace(match.group(0), " ", 1)
    for written in re.finditer(rf"(?<![\w.,])\d+(?:[.,]\d+)*(?:[kM](?![A-Za-z]))?{_UNIT_AFTER}", rest):
        if re.search(r"[A-Za-z]-$", rest[:written.start()]):
            continue  # "UTF-8": a name with a number, told as code (plan.numbered_names)
        if rest[:written.start()].endswith("#"):
            return None  # "(#719)": an issue or PR number, never a count of what the sentence names
        value = written.group(0).strip()
        if not measure.numbers(value) or not measure.numbers(value) <= measure.numbers(rest):
            continue  # a date, a clock time or a version: not a number the checks count
        if value_kind(value) == "count" and signals.workload_count(rest, written.start(), written.end()):
            return None  # "on 1,000 stories", "100k rows / 20 projects": what the work ran on, no result
        label = metric_label(rest, value, strict=True)
        if label is None and measure.numbers(value) <= measured(sentence):
            label = _BY_KIND.get(value_kind(value))  # "took 3.1 s": a time; never "a 1 MB pipe", a setting
        if label is None:
            return None
        found.append((value, label))
    return found


def measured(sentence: str) -> set[str]:
    """The numbers `signals.measurements` reads as results in the sentence."""
    return {n for m in signals.measurements(sentence) for n in measure.numbers(m.value)}
