"""Rendering a plan as a Markdown body in English or Russian, with the frames of `phrases.py`.

The body never starts with a title (the page shows it), keeps `##` headings on lines of
their own between blank lines, tells the project in bold and key numbers in bold, and
closes with the joke line. Phrasing variants are picked by a hash of the plan's seed.
"""

from __future__ import annotations

import hashlib
import re

from social_publisher.write.actions import infinitive, language_of, mark_code, parse, past
from social_publisher.write.metrics import metric_label, shown_value
from social_publisher.write.phrases import PHRASES
from social_publisher.write.plan import Plan, quotable


class _Frames:
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


def render_body(plan: Plan, lang: str) -> str:
    """The Markdown body of the post for `plan` in `lang`."""
    frames = _Frames(lang, plan.seed)
    project = f"**{plan.project}**"
    parts: list[str] = []
    parts += _opening(plan, lang, frames, project)
    work = _work(plan, lang, frames)
    if work:
        parts.append(frames.pick(f"head_work:{plan.kind if plan.kind in ('fix', 'perf') else 'other'}"))
        parts += work
    parts += _numbers(plan, lang, frames)
    parts += _lessons(plan, lang, frames)
    if plan.next:
        parts.append(frames.pick("next", q=own_words(plan.next[0], lang, strip=_NEXT_LABEL)))
    if plan.joke:
        parts.append(f"{plan.joke.text(lang)} 😄")
    else:
        parts.append(frames.pick("no_joke", P=project))
    body = "\n\n".join(part.strip() for part in parts if part and part.strip())
    body = re.sub(r"[ \t]+\n", "\n", body)
    return body + "\n"


def _opening(plan: Plan, lang: str, frames: _Frames, project: str) -> list[str]:
    problem, goal = plan.problem, plan.goal
    first: str
    if problem and problem["kind"] == "error":
        first = frames.pick("open:error", P=project, err=code(problem["text"]))
    elif problem and problem["kind"] == "failed_command":
        first = frames.pick("open:failed_command", P=project, cmd=code(problem["text"]))
    elif problem and problem["kind"] == "fix":
        action = parse(problem["text"])
        inf = infinitive(action, lang)
        first = (frames.pick("open:fix", P=project, inf=inf) if inf
                 else frames.pick("open:fix_quoted", P=project, q=quote_inline(problem["text"], lang)))
    elif problem and problem["kind"] == "note" and plan.quote_contexts:
        first = frames.pick("open:note", P=project, q=quote_end(problem["text"], lang))
    elif goal:
        return [frames.pick("open:goal", P=project, q=quote_end(goal, lang))]
    elif plan.pairs:
        first = frames.pick("open:pair", P=project, before=bold(shown_value(plan.pairs[0]["before"], lang)),
                            after=bold(shown_value(plan.pairs[0]["after"], lang)))
    elif _opens_with_headline(plan):
        first = frames.pick("open:headline", P=project, inf=infinitive(plan.headline, lang))  # type: ignore[arg-type]
    else:
        first = frames.pick("open:plain", P=project)
    paragraphs = [first]
    if goal:
        paragraphs.append(frames.pick("goal_after_problem", q=quote_end(goal, lang)))
    return paragraphs


def _opens_with_headline(plan: Plan) -> bool:
    """True when the opening tells the headline action (nothing better to open with)."""
    return (not plan.problem and not plan.goal and not plan.pairs and plan.headline is not None
            and infinitive(plan.headline, "en") is not None)


def _work(plan: Plan, lang: str, frames: _Frames) -> list[str]:
    """What I did: the actions, the user's own notes, the files and counts, the session."""
    paragraphs = [_actions(plan, lang, frames)]
    for key, own in (("notes_lead", plan.note_points), ("commit_notes_lead", plan.commit_notes)):
        if own:
            paragraphs.append(frames.pick(key) + " " + own_words(" ".join(own), lang))
    paragraphs += [_files_and_counts(plan, lang, frames), _session(plan, lang, frames)]
    return [p for p in paragraphs if p]


def _actions(plan: Plan, lang: str, frames: _Frames) -> str:
    actions = plan.actions
    if _opens_with_headline(plan):  # the opening already said it; don't tell it twice
        actions = [a for a in actions if a.original != plan.headline.original]  # type: ignore[union-attr]
    told = [(a, past(a, lang)) for a in actions]
    known = [phrase for _, phrase in told if phrase]
    quoted = [quote_inline(a.original, lang) for a, phrase in told if not phrase]
    sentences = []
    connectors = frames.pick("steps").split("|")
    if len(known) == 1:
        sentences.append(frames.pick("single", a=known[0]))
        known = []
    for index, phrase in enumerate(known[: len(connectors) - 1]):
        last = index == len(known) - 1 and index > 0
        connector = connectors[-1] if last else connectors[index]
        sentences.append(f"{connector} {phrase}.")
    if quoted:
        listed = join_words(quoted, lang)
        key = ("quoted_one" if len(quoted) == 1 else "quoted_many") if sentences else \
            ("quoted_first_one" if len(quoted) == 1 else "quoted_first_many")
        sentences.append(frames.pick(key, q=listed, qs=listed))
    return " ".join(sentences)


def _files_and_counts(plan: Plan, lang: str, frames: _Frames) -> str:
    sentences = []
    if plan.files:
        more = frames.pick("files_more") if plan.more_files else ""
        sentences.append(frames.pick("files", files=join_words([code(f) for f in plan.files], lang), more=more))
    if plan.level:  # the longer post says which of the files were tests and docs
        every_file = plan.facts.get("files", [])
        tests = [f for f in every_file if re.search(r"(^|/)tests?(/|_)|_test\.|\.test\.|spec", f)]
        docs = [f for f in every_file if re.search(r"\.(md|rst|txt)$|(^|/)docs?/", f, re.IGNORECASE)]
        if tests:
            sentences.append(frames.pick("tests_too", files=join_words([code(f) for f in tests[:3]], lang)))
        if docs:
            sentences.append(frames.pick("docs_too", files=join_words([code(f) for f in docs[:3]], lang)))
    stats = plan.stats
    if stats.get("commits"):
        lines = ""
        if stats.get("lines_removed"):
            lines = frames.pick("stats_lines", added=str(stats.get("lines_added", 0)),
                                removed=str(stats.get("lines_removed", 0)))
        elif stats.get("lines_added"):
            lines = frames.pick("stats_added", added=str(stats["lines_added"]))
        sentences.append(frames.pick(
            "stats", commits=count_of(stats["commits"], "commit", lang),
            files_changed=count_of(stats.get("files_changed", 0), "file", lang), lines=lines))
    return " ".join(sentences)


def _session(plan: Plan, lang: str, frames: _Frames) -> str:
    sentences = []
    stats = plan.stats
    if plan.tool and stats.get("sessions"):
        sentences.append(frames.pick(
            "session", tool=plan.tool, sessions=count_of(stats["sessions"], "session", lang),
            prompts=count_of(stats.get("prompts", 0), "prompt", lang)))
    if plan.fail_then_pass:
        sentences.append(capital(frames.pick("fail_then_pass", cmd=code(plan.fail_then_pass))))
    elif plan.failed_only:
        sentences.append(capital(frames.pick("failed_only", cmd=code(plan.failed_only))))
    if plan.commands:
        sentences.append(frames.pick("commands", cmds=join_words([code(c) for c in plan.commands], lang)))
    return " ".join(sentences)


def _numbers(plan: Plan, lang: str, frames: _Frames) -> list[str]:
    if not plan.pairs and not plan.numbers:
        return []
    bullets = []
    for pair in plan.pairs:
        label = metric_label(pair.get("context", ""), pair["before"])
        arrow = f"{bold(shown_value(pair['before'], lang))} → {bold(shown_value(pair['after'], lang))}"
        if label:
            bullets.append(f"- {capital(label[0 if lang == 'en' else 1])}: {arrow}")
        elif plan.quote_contexts and quotable(pair.get("context", "")):
            bullets.append(f"- {arrow} — {quote_inline(pair['context'], lang)}")
        else:
            bullets.append(f"- {arrow}")
    by_context: dict[str, list[str]] = {}
    for number in plan.numbers:
        by_context.setdefault(number.get("context", ""), []).append(number["value"])
    already_told = " ".join(plan.note_points + plan.commit_notes)
    for context, values in by_context.items():
        shown = ", ".join(bold(shown_value(v, lang)) for v in values)
        labels = [metric_label(context, v) for v in values]
        if context and context in already_told and not any(labels):
            bullets.append(f"- {shown}")
            continue
        if len(values) > 1 and plan.quote_contexts and quotable(context) and context not in already_told:
            bullets.append(f"- {shown} — {quote_inline(context, lang)}")
            continue
        if len(values) > 1 and labels[0] and all(label == labels[0] for label in labels):
            bullets.append(f"- {capital(labels[0][0 if lang == 'en' else 1])}: {shown}")
            continue
        for value, label in zip(values, labels):
            if label:
                bullets.append(f"- {capital(label[0 if lang == 'en' else 1])}: {bold(shown_value(value, lang))}")
            elif context in already_told:
                bullets.append(f"- {bold(shown_value(value, lang))}")
            else:
                bullets.append(f"- {bold(shown_value(value, lang))} — {quote_inline(context, lang)}")
    heading = frames.pick("head_numbers_pairs" if plan.pairs else "head_numbers")
    paragraphs = [heading, frames.pick("numbers_intro"), "\n".join(bullets)]
    if plan.level and plan.pairs:  # the longer post says which pair matters, in words
        pair = plan.pairs[0]
        label = metric_label(pair.get("context", ""), pair["before"])
        before, after = bold(shown_value(pair["before"], lang)), bold(shown_value(pair["after"], lang))
        if label and not (lang == "ru" and label[1].endswith(("ов", "ок", "ей", "ий", "х"))):
            paragraphs.append(frames.pick("main_pair", label=label[0 if lang == "en" else 1], before=before,
                                          after=after))
        else:
            paragraphs.append(frames.pick("main_pair_plain", before=before, after=after))
    return paragraphs


def _lessons(plan: Plan, lang: str, frames: _Frames) -> list[str]:
    heading = frames.pick("head_lessons")
    reflection = frames.pick(f"reflection:{plan.kind}")
    if not plan.lessons:
        return [heading, reflection]
    paragraphs = [heading]
    for index, lesson in enumerate(plan.lessons):
        lead = frames.pick("lesson_lead" if index == 0 else "lesson_more")
        paragraphs.append(f"{lead} {own_words(lesson, lang, strip=_LEARNED)}")
    if plan.level:  # the longer post adds the rule of thumb for this kind of work
        paragraphs.append(frames.pick("reflection_more", r=reflection.split(": ", 1)[1]))
    return paragraphs


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


_LEARNED = re.compile(
    r"^(?:I(?:'ve)? (?:learned|learnt|realized|realised|understood|found out|noticed) that\s+"
    r"|Я (?:понял|узнал|заметил|выяснил),? что\s+)", re.IGNORECASE)
_NEXT_LABEL = re.compile(r"^(?:next steps?|next up|next|todo|to do|дальше|следующий шаг)\s*[:—-]\s*", re.IGNORECASE)


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
