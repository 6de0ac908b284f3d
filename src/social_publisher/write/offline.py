"""The offline writer: a deterministic bilingual post composed from the brief, no network.

It makes a language-independent plan (`plan.py`: which facts to tell), renders it in
English or Russian (`render.py`, `titles.py`) and measures the result itself before any
check sees it: more detail when a post would be short, fewer quotations when quotes in the
other language would crowd out the post's own prose. The retry (`attempt` 1) picks other
phrasing variants and, unless only the length was wrong, quotes less.
"""

from __future__ import annotations

from typing import Sequence

from social_publisher.records import Brief
from social_publisher.write import text as measure
from social_publisher.write.base import Draft, Writer, register
from social_publisher.write.plan import MIN_PAGE_SHARE, QUOTING, Plan, build_plan
from social_publisher.write.render import render_body
from social_publisher.write.titles import make_title

LANGS = ("en", "ru")


@register
class OfflineWriter(Writer):
    """Composes posts from bilingual templates; makes no network call (llm_calls stays 0)."""

    name = "offline"
    uses_llm = False

    def draft(self, brief: Brief, lang: str, *, attempt: int = 0, feedback: Sequence[str] = ()) -> Draft:
        plan = make_plan(brief, attempt=attempt, min_words=self.config.writer.min_words, feedback=feedback)
        return render(plan, lang)


def render(plan: Plan, lang: str) -> Draft:
    """The post for a plan in one language: title and body from one call, so they always agree."""
    return Draft(title=make_title(plan, lang), body_md=render_body(plan, lang))


def make_plan(brief: Brief, *, attempt: int = 0, min_words: int = 150, feedback: Sequence[str] = ()) -> Plan:
    """The plan for a brief, measured by the writer itself before any check sees it.

    Tried from the most quoting to the least, each at detail level 0 then 1: the first plan
    whose posts reach `min_words` in both languages while their own prose (not quotations
    in the other language) keeps MIN_PAGE_SHARE of the letters wins; failing that, the most
    detailed plan that keeps the prose share. The retry after a failed content check starts
    at quoting level 1 and uses other phrasing variants.
    """
    length_only = all(reason.startswith(("too short", "too long")) for reason in feedback)
    first = 0 if attempt == 0 or length_only else 1
    fallback: Plan | None = None
    plan: Plan | None = None
    for quoting in range(first, len(QUOTING)):
        for level in (0, 1):
            plan = build_plan(brief, attempt, level=level, quoting=quoting)
            drafts = [Draft("", render_body(plan, lang)) for lang in LANGS]
            names = (plan.project, "Claude Code", "Codex")
            prose_ok = all(measure.script_share(d.body_md, lang, ignore=names) >= MIN_PAGE_SHARE
                           for lang, d in zip(LANGS, drafts))
            long_enough = min(measure.words(d.body_md) for d in drafts) >= min_words
            if prose_ok and long_enough:
                return plan
            if prose_ok and fallback is None:
                fallback = plan
            if long_enough:
                break  # more detail would only add quotations
    return fallback or plan  # type: ignore[return-value]
