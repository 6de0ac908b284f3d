"""The "what I did" section of a post: the actions, the user's own notes, the files and counts, the session.

Actions with a known verb are told as steps in the first person ("First I added ..."); the
others (noun-phrase commit subjects such as "CLI error tests: one-line messages, exit 2") go
into a short "what went in" list, as written in English and quoted in Russian, where a subject
too long for the Russian page is named by its head (`plan.told_action`).
"""

from __future__ import annotations

import re
from collections import Counter

from social_publisher.write.offline.actions import Action, mark_code, past
from social_publisher.write.offline.phrases import COUNT_WORDS, TOPICS
from social_publisher.write.offline.plan import Plan, told, told_action
from social_publisher.write.offline.prose import (Frames, capital, code, count_of, join_words, own_words, quote_inline,
                                          ru_plural)

_CHANGES = ("изменение", "изменения", "изменений")
_REMARKS = ("наблюдение", "наблюдения", "наблюдений")
STEPS = 4  # actions told as steps in prose; more of them read better as a list
LIST_FROM = 3  # subjects that go into a bulleted list rather than a sentence


def work(plan: Plan, lang: str, frames: Frames, skip: Action | None = None) -> list[str]:
    """The section's paragraphs; `skip` is an action the opening already told."""
    paragraphs = actions(plan, lang, frames, skip)
    for key, own in (("notes_lead", plan.note_points), ("commit_notes_lead", plan.commit_notes)):
        shown = told(plan, lang, own)
        if shown:
            paragraphs.append(frames.pick(key) + " " + own_words(" ".join(shown), lang))
    left_out = len(plan.note_points + plan.commit_notes) - len(told(plan, lang, plan.note_points + plan.commit_notes))
    if left_out and lang == "ru":  # said in English, too long to quote here: say that they exist, counted
        k = f"{COUNT_WORDS['ru'][min(left_out, 10)]} {ru_plural(left_out, _REMARKS)}"
        paragraphs.append(frames.pick("own_left_out", k=k))
    paragraphs += [files_and_counts(plan, lang, frames), session(plan, lang, frames)]
    return [p for p in paragraphs if p]


def actions(plan: Plan, lang: str, frames: Frames, skip: Action | None = None) -> list[str]:
    shown = [told_action(plan, lang, a) for a in plan.actions if (skip is None or a.original != skip.original)
             and not (lang == "ru" and a.original in plan.ru_skipped)]
    steps = [a for a in shown if past(a, lang)][:STEPS]
    rest = [a for a in shown if a not in steps]
    sentences = _steps([past(a, lang) or "" for a in steps], frames)
    if len(rest) >= LIST_FROM:
        lead = frames.pick("went_in_more" if sentences else "went_in")
        bullets = "\n".join(f"- {item}" for item in dict.fromkeys(_list_item(a, lang) for a in rest))
        summary = " ".join(s for s in (_skipped(plan, lang, frames), _topic_share(plan, lang, frames)) if s)
        return [p for p in (" ".join(sentences), f"{lead}\n\n{bullets}", summary) if p]
    if rest:
        listed = join_words([quote_inline(a.original, lang) for a in rest], lang)
        key = ("quoted_one" if len(rest) == 1 else "quoted_many") if sentences else \
            ("quoted_first_one" if len(rest) == 1 else "quoted_first_many")
        sentences.append(frames.pick(key, q=listed, qs=listed))
    return [" ".join(sentences)] if sentences else []


def _steps(phrases: list[str], frames: Frames) -> list[str]:
    if len(phrases) == 1:
        return [frames.pick("single", a=phrases[0])]
    connectors = frames.pick("steps").split("|")
    sentences = []
    for index, phrase in enumerate(phrases[: len(connectors) - 1]):
        last = index == len(phrases) - 1 and index > 0
        sentences.append(f"{connectors[-1] if last else connectors[index]} {phrase}.")
    return sentences


def _skipped(plan: Plan, lang: str, frames: Frames) -> str:
    k = len(plan.ru_skipped) if lang == "ru" else 0
    if not k:
        return ""
    return frames.pick("skipped_one") if k == 1 else frames.pick("skipped", k=f"{COUNT_WORDS['ru'][min(k, 10)]} {ru_plural(k, _CHANGES)}")


def _topic_share(plan: Plan, lang: str, frames: Frames) -> str:
    """What most of the listed subjects are about, counted in words ("Five of these ten are about tests")."""
    subjects = [a.original for a in plan.actions]
    if not 3 <= len(subjects) < len(COUNT_WORDS["en"]):
        return ""
    for pattern, topic_en, topic_ru in TOPICS:
        k = sum(1 for s in subjects if re.search(pattern, s, re.IGNORECASE))
        if 2 <= k < len(subjects):
            n = len(subjects)
            said = frames.pick("topic_share", k=COUNT_WORDS[lang][k], n=COUNT_WORDS["en" if lang == "en" else "ru_of"][n],
                               topic=topic_en if lang == "en" else topic_ru)
            return capital(said)
    return ""


def _list_item(action: Action, lang: str) -> str:
    """A commit subject as a list item: as written in its own language, quoted in the other."""
    if action.lang == lang:
        return capital(mark_code(action.original))
    phrase = past(action, lang)
    return capital(phrase) if phrase else quote_inline(mark_code(action.original), lang)


def files_and_counts(plan: Plan, lang: str, frames: Frames) -> str:
    sentences = []
    every_file = plan.facts.get("files", [])
    areas = _areas(every_file)
    if plan.more_files and len(areas) >= 2:
        sentences.append(frames.pick("areas", areas=join_words([code(a) for a in areas], lang)))
    if plan.files:
        more = frames.pick("files_more") if plan.more_files else ""
        sentences.append(frames.pick("files", files=join_words([code(f) for f in plan.files], lang), more=more))
    if plan.level:  # the longer post says which of the files were tests and docs
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


def _areas(files: list[str], most: int = 4) -> list[str]:
    """The folders that hold at least two of the changed files, most files first (ties: as listed)."""
    folders = Counter(f.rsplit("/", 1)[0] + "/" for f in files if "/" in f)
    return [folder for folder, n in folders.most_common() if n >= 2][:most]


def session(plan: Plan, lang: str, frames: Frames) -> str:
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
