"""The prompt of an LLM writer: the template in `prompts/post.md` filled with one story's brief.

Only the brief goes out (facts already redacted by enrich, numbers with their sentences,
files, commands, the Wikipedia fact, the project's last posts), never raw transcript
text, and the whole prompt is scrubbed by the redactor once more before it leaves. It is
kept within MAX_PROMPT_TOKENS (estimated as characters / 4): long lists are cut from
their least useful end until it fits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from string import Template
from typing import Any, Callable, Mapping, Sequence

import orjson

from social_publisher.records import SESSION_TOOLS, Brief

MAX_PROMPT_TOKENS = 2000
CHARS_PER_TOKEN = 4
LANGUAGE_NAMES = {"en": "English", "ru": "Russian"}
MAX_TEXT = 300  # characters kept of any one brief sentence
MAX_WIKI = 420
# Lists of the brief, cut from the end in this order (least useful first) while the prompt is too long.
TRIM_ORDER = ("commands", "files", "commit_notes", "note_points", "note_titles", "earlier_posts", "actions", "numbers",
              "before_after", "lessons", "next")
MIN_KEPT = {"actions": 3, "numbers": 4, "before_after": 2, "lessons": 1, "next": 1}


@lru_cache(maxsize=1)
def template_text() -> str:
    return resources.files("social_publisher.write.llm").joinpath("prompts/post.md").read_text(encoding="utf-8")


def instruction_sentences() -> tuple[str, ...]:
    """The template's own clauses of six words or more, as lowercase words: a post holding one echoes the prompt."""
    text = re.sub(r"\$\w+", " ", template_text())
    text = re.sub(r"```.*?```", " ", text, flags=re.DOTALL)
    clauses = (" ".join(re.findall(r"[\w']+", part.lower())) for part in re.split(r"[.;:!?]\s|\n\s*-\s", text))
    return tuple(dict.fromkeys(c for c in clauses if len(c.split()) >= 6))


def estimate_tokens(text: str) -> int:
    return -(-len(text) // CHARS_PER_TOKEN)


@dataclass(frozen=True)
class Prompt:
    text: str
    langs: tuple[str, ...]

    @property
    def tokens(self) -> int:
        return estimate_tokens(self.text)


def build_prompt(brief: Brief, langs: Sequence[str], *, min_words: int, max_words: int, proofread: bool = False,
                 feedback: Mapping[str, Sequence[str]] | None = None,
                 earlier_posts: Sequence[Mapping[str, Any]] = (),
                 scrub: Callable[[str], str] | None = None) -> Prompt:
    """The prompt asking for `langs` of this brief (on a retry, only the failed ones, with the reasons).

    `scrub` is applied to every string of the brief before it goes in (value by value, so the JSON
    stays whole).
    """
    langs = tuple(langs)
    payload = brief_payload(brief, earlier_posts)
    if scrub is not None:
        payload = _map_strings(payload, scrub)
    limit = MAX_PROMPT_TOKENS * CHARS_PER_TOKEN
    text = _fill(payload, langs, min_words, max_words, proofread, feedback)
    for key in TRIM_ORDER:
        while len(text) > limit and len(payload.get(key) or ()) > MIN_KEPT.get(key, 0):
            payload[key] = payload[key][:-1]
            if not payload[key]:
                del payload[key]
            text = _fill(payload, langs, min_words, max_words, proofread, feedback)
    return Prompt(text=text, langs=langs)


def _fill(payload: dict[str, Any], langs: tuple[str, ...], min_words: int, max_words: int, proofread: bool,
          feedback: Mapping[str, Sequence[str]] | None) -> str:
    names = " and ".join(f'"{lang}" in {LANGUAGE_NAMES[lang]}' for lang in langs)
    languages = f"- Write the post in {names}."
    if "ru" in langs:
        languages += (" Write the Russian as Russian, not translated word for word: English stays only inside"
                      " code spans and names.")
    if len(langs) > 1:
        languages += " Numbers are identical in every language."
    languages += "\n"
    asked_again = {lang: list(reasons) for lang, reasons in (feedback or {}).items() if lang in langs and reasons}
    retry = ""
    for lang, reasons in asked_again.items():
        retry += f"\nYour previous \"{lang}\" post failed these checks; write it again without these faults:\n"
        retry += "".join(f"- {reason}\n" for reason in reasons[:6])
    schema = "{" + ", ".join(f'"{lang}": {{"title": "...", "body_md": "..."}}' for lang in langs) + "}"
    return Template(template_text()).substitute(
        length=f"Each body is {min_words} to {max_words} words; the title is 4 to 12 words, on one line.",
        languages=languages,
        proofread=("- Before you answer, proofread every text: spelling, grammar and punctuation, meaning kept.\n"
                   if proofread else ""),
        feedback=retry,
        schema=schema,
        brief=orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode(),
    )


def brief_payload(brief: Brief, earlier_posts: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """What of the brief the model sees: facts with their context, never pipeline fields or raw text."""
    facts = brief.facts
    period = facts.get("period") or {}
    payload: dict[str, Any] = {"project": facts.get("project", "")}
    dates = sorted({str(period.get(k, ""))[:10] for k in ("start", "end") if period.get(k)})
    if dates:
        payload["dates"] = dates
    tools = [SESSION_TOOLS[s] for s in facts.get("sources", []) if s in SESSION_TOOLS]
    if tools:
        payload["worked_with"] = tools
    for key in ("headline", "goal"):
        if facts.get(key):
            payload[key] = _cut(facts[key])
    problem = facts.get("problem")
    if isinstance(problem, dict) and problem.get("text"):
        payload["problem"] = {"kind": problem.get("kind", ""), "text": _cut(problem["text"])}
    payload["actions"] = [{"text": _cut(a.get("text", "")), "source": a.get("source", "")}
                          for a in facts.get("actions", []) if a.get("text")]
    payload["numbers"] = [{"value": n.get("value"), "context": _cut(n.get("context", ""))}
                          for n in facts.get("numbers", [])]
    payload["before_after"] = [{k: (_cut(v) if k == "context" else v) for k, v in pair.items()}
                               for pair in facts.get("before_after", [])]
    for key in ("lessons", "next", "note_points", "commit_notes", "note_titles"):
        payload[key] = [_cut(text) for text in facts.get(key, []) if text]
    payload["files"] = list(facts.get("files", []))
    payload["commands"] = [c.get("command", "") + (" (failed)" if c.get("failed") else "")
                           for c in facts.get("commands", [])]
    stats = {k: v for k, v in (facts.get("stats") or {}).items() if v}
    if stats:
        payload["stats"] = stats
    if facts.get("languages"):
        payload["languages"] = list(facts["languages"])
    wiki = _wiki(brief.wiki)
    if wiki:
        payload["worth_knowing"] = wiki
    if earlier_posts:
        payload["earlier_posts"] = [dict(post) for post in earlier_posts]
    return {k: v for k, v in payload.items() if v not in (None, "", [], {})}


def _map_strings(value: Any, function: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return function(value)
    if isinstance(value, dict):
        return {key: _map_strings(item, function) for key, item in value.items()}
    if isinstance(value, list):
        return [_map_strings(item, function) for item in value]
    return value


def _wiki(wiki: Any) -> dict[str, Any] | None:
    """The enrichment fact (`brief.wiki`: {"tag", "en": {title, extract, url, ...}, "ru": {...}}), per language
    as {"topic", "fact", "url"}; anything of another shape, or empty, gives None."""
    if not isinstance(wiki, dict):
        return None
    out: dict[str, Any] = {}
    for lang in ("en", "ru"):
        page = wiki.get(lang)
        if isinstance(page, dict) and isinstance(page.get("extract"), str) and page["extract"].strip():
            entry = {"topic": str(page.get("title") or ""), "fact": _cut(page["extract"], MAX_WIKI)}
            if isinstance(page.get("url"), str) and page["url"].startswith("https://"):
                entry["url"] = page["url"]
            out[lang] = entry
    return out or None


def _cut(text: Any, limit: int = MAX_TEXT) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1].rsplit(" ", 1)[0] + "…"
