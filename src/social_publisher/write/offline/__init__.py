"""The offline writer (a package of its own): a deterministic bilingual post composed from the brief, no network.

It makes a language-independent plan (`plan.py`: which facts to tell), renders it in
English or Russian (`render.py`, `titles.py`) and measures the result itself before any
check sees it. The Russian post says in Russian what it can and quotes no English sentence
(`russian.py`); at least MIN_CYRILLIC of its letters outside code and URLs are Cyrillic. Neither
post quotes the other language; numbers cross over as labelled lists, so both keep the same
numbers (`plan.carried_numbers`). More detail is added while a post is short of AIM_WORDS.
The retry (`attempt` 1) picks other phrasing variants and, unless only the length was wrong,
quotes less.
"""

from __future__ import annotations

from typing import Sequence

from social_publisher.records import SESSION_TOOLS, Brief
from social_publisher.write import checks
from social_publisher.write import text as measure
from social_publisher.write.base import Draft, Writer, register
from social_publisher.write.offline.plan import CAPS, MIN_PAGE_SHARE, QUOTING, Plan, build_plan
from social_publisher.write.offline.russian import MIN_CYRILLIC, cyrillic_share
from social_publisher.write.offline.render import render_body
from social_publisher.write.offline.titles import make_title

LANGS = ("en", "ru")
LANG_NAMES = {"en": "English", "ru": "Russian"}
AIM_WORDS = 250  # the length the writer aims at when the brief has the material (the sample's shortest is 365)


@register
class OfflineWriter(Writer):
    """Composes posts from bilingual templates; makes no network call (llm_calls stays 0)."""

    name = "offline"
    uses_llm = False

    def draft(self, brief: Brief, lang: str, *, attempt: int = 0, feedback: Sequence[str] = ()) -> Draft:
        writer = self.config.writer
        plan = make_plan(brief, attempt=attempt, min_words=writer.min_words, max_words=writer.max_words,
                         feedback=feedback)
        return render(plan, lang)

    def too_thin(self, brief: Brief, langs: Sequence[str]) -> str | None:
        """The post it would write falls short of the checked length in one of `langs`: the Russian
        post of English commits can tell their code names, topics and numbers, not their sentences, so
        a story of one terse commit may reach the bound in English only. It is then not written at all."""
        writer = self.config.writer
        plan = make_plan(brief, min_words=writer.min_words, max_words=writer.max_words)
        for lang in langs:
            told = measure.words(render(plan, lang).body_md)
            needed = checks.required_words(brief.facts, writer.min_words, lang)
            if told < needed:
                return (f"too thin for a post in {LANG_NAMES.get(lang, lang)}: it can tell {told} words of its "
                        f"sources (at least {needed} needed)")
        return None


def render(plan: Plan, lang: str) -> Draft:
    """The post for a plan in one language: title and body from one call, so they always agree."""
    return Draft(title=make_title(plan, lang), body_md=render_body(plan, lang))


def make_plan(brief: Brief, *, attempt: int = 0, min_words: int = 150, max_words: int = 900,
              feedback: Sequence[str] = ()) -> Plan:
    """The plan for a brief, measured by the writer itself before any check sees it.

    Tried from the most quoting to the least, each at every detail level (CAPS) from the
    lowest. A plan is fit when the English post keeps MIN_PAGE_SHARE of its letters English
    and the Russian one MIN_CYRILLIC of its letters outside code Cyrillic, both carry the same
    numbers and stay under `max_words`; it reaches when every language's post is as long as the
    checks ask (`checks.required_words`). The first fit plan that reaches and whose English post
    reaches AIM_WORDS wins; failing that, the fit plan that reaches (then: the longest English
    post). The retry after a failed content check starts at quoting level 1 and uses other
    phrasing variants.
    """
    length_only = all(reason.startswith(("too short", "too long")) for reason in feedback)
    first = 0 if attempt == 0 or length_only else 1
    aim = min(max(min_words, AIM_WORDS), max_words)
    need = {lang: checks.required_words(brief.facts, min_words, lang) for lang in LANGS}
    best: tuple[tuple[bool, int], Plan] | None = None
    plan: Plan | None = None
    for quoting in range(first, len(QUOTING)):
        for level in range(len(CAPS)):
            plan = build_plan(brief, attempt, level=level, quoting=quoting)
            drafts = {lang: render(plan, lang) for lang in LANGS}
            told = {lang: measure.words(d.body_md) for lang, d in drafts.items()}
            fit = (all(_prose_ok(plan, d.body_md, lang) for lang, d in drafts.items())
                   and len({frozenset(measure.numbers(d.title + "\n" + d.body_md)) for d in drafts.values()}) == 1
                   and max(told.values()) <= max_words)
            score = (all(told[lang] >= need[lang] for lang in LANGS), told["en"])
            if fit and score[0] and told["en"] >= aim:
                return plan
            if fit and (best is None or score > best[0]):
                best = (score, plan)
    return best[1] if best else plan  # type: ignore[return-value]


def _prose_ok(plan: Plan, body: str, lang: str) -> bool:
    if lang == "ru":
        return cyrillic_share(body) >= MIN_CYRILLIC
    return measure.script_share(body, lang, ignore=(plan.project, *SESSION_TOOLS.values())) >= MIN_PAGE_SHARE
