"""Rendering a plan as a Markdown body in English or Russian, with the frames of `phrases.py`.

The body never starts with a title (the page shows it), keeps `##` headings on lines of
their own between blank lines, tells the project in bold and key numbers in bold, and
follows the arc of the sample blog: the opening (problem or goal), what I did (`work.py`),
the numbers, what I learned, what comes next, and the joke line.
"""

from __future__ import annotations

import re

from social_publisher.write.offline.actions import infinitive, parse
from social_publisher.write.offline.metrics import metric_label, shown_value
from social_publisher.write.offline.plan import Plan, quotable, told
from social_publisher.write.offline.prose import (LEARNED, NEXT_LABEL, Frames, bold, capital, code, own_words, quote_end,
                                          quote_inline)
from social_publisher.write.offline.work import work
from social_publisher.write.offline import worth_knowing


def render_body(plan: Plan, lang: str) -> str:
    """The Markdown body of the post for `plan` in `lang`."""
    frames = Frames(lang, plan.seed)
    project = f"**{plan.project}**"
    parts: list[str] = []
    parts += _opening(plan, lang, frames, project)
    done = work(plan, lang, frames, skip=plan.headline if _opens_with_headline(plan) else None)
    if done:
        parts.append(frames.pick(f"head_work:{plan.kind if plan.kind in ('fix', 'perf') else 'other'}"))
        parts += done
    parts += _numbers(plan, lang, frames)
    parts += _lessons(plan, lang, frames)
    parts += _next(plan, lang, frames)
    parts.append(worth_knowing.paragraph(plan.wiki, lang) or "")
    if plan.joke:
        parts.append(f"{plan.joke.text(lang)} 😄")
    else:
        parts.append(frames.pick("no_joke", P=project))
    body = "\n\n".join(part.strip() for part in parts if part and part.strip())
    body = re.sub(r"[ \t]+\n", "\n", body)
    return body + "\n"


def _opening(plan: Plan, lang: str, frames: Frames, project: str) -> list[str]:
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



def _numbers(plan: Plan, lang: str, frames: Frames) -> list[str]:
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
    already_told = _told_text(plan, lang)
    for context, values in by_context.items():
        shown = ", ".join(bold(shown_value(v, lang)) for v in values)
        labels = [metric_label(context, v) for v in values]
        told_here = bool(context) and context.rstrip(". ").lower() in already_told
        if len(values) > 1 and plan.quote_contexts and quotable(context) and not told_here:
            bullets.append(f"- {shown} — {quote_inline(context, lang)}")
            continue
        if len(values) > 1 and labels[0] and all(label == labels[0] for label in labels):
            bullets.append(f"- {capital(labels[0][0 if lang == 'en' else 1])}: {shown}")
            continue
        for value, label in zip(values, labels):
            if label:
                bullets.append(f"- {capital(label[0 if lang == 'en' else 1])}: {bold(shown_value(value, lang))}")
            elif not told_here:  # a number whose sentence the post already tells needs no line of its own
                bullets.append(f"- {bold(shown_value(value, lang))} — {quote_inline(context, lang)}")
    if not bullets:
        return []
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


def _lessons(plan: Plan, lang: str, frames: Frames) -> list[str]:
    heading = frames.pick("head_lessons")
    reflection = frames.pick(f"reflection:{plan.kind}")
    lessons = told(plan, lang, plan.lessons)
    if not lessons:
        return [heading, reflection]
    paragraphs = [heading]
    for index, lesson in enumerate(lessons):
        lead = frames.pick("lesson_lead" if index == 0 else "lesson_more")
        paragraphs.append(f"{lead} {own_words(lesson, lang, strip=LEARNED)}")
    if plan.level:  # the longer post adds the rule of thumb for this kind of work
        paragraphs.append(frames.pick("reflection_more", r=reflection.split(": ", 1)[1]))
    return paragraphs


def _next(plan: Plan, lang: str, frames: Frames) -> list[str]:
    """What comes next, in the user's own words, as the closing paragraph before the joke."""
    shown = told(plan, lang, plan.next)
    if not shown:
        return []
    if all(own_words(s, lang).startswith("\n") for s in shown):  # the other language: one blockquote
        said = own_words(" ".join(shown), lang)
    else:
        said = " ".join(own_words(s, lang, strip=NEXT_LABEL) for s in shown)
    return [frames.pick("head_next"), frames.pick("next", q=said)]


def _told_text(plan: Plan, lang: str) -> str:
    """The sources' sentences the post already tells (commit subjects, if short, with their numbers),
    lower-cased: a number whose sentence is among them needs no line of its own."""
    own = told(plan, lang, plan.note_points + plan.commit_notes)
    subjects = [a.original for a in plan.actions]  # told whole or short, always with their numbers
    return " ".join(own + subjects).lower()
