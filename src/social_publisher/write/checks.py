"""Checks on every written post: each returns a one-line reason, or None when the post passes.

They cover DESIGN.md's list and the sample blog's defects (post-anatomy.md):
1 leaked instructions, 2 narrated pipeline metadata, 3 a second title inside the
body, 4 Markdown flattened onto one line, 5 a voice that is not first person,
6 security-sensitive detail (anything the redactor would remove); plus numbers
that are not in the brief, en/ru carrying different numbers, the wrong
language, a length outside the configured bounds, a missing or generic title, an
LLM answer echoing its prompt or the response schema, the title repeated as a section
heading, and a link that is not in the brief. A post that fails any check is rejected, never
published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from rapidfuzz import fuzz

from social_publisher.enrich.redact import Redactor, has_mask
from social_publisher.write import text as measure
from social_publisher.write.provenance import strip_footer

# -- 1: instructions and prompt fragments -------------------------------------------------

_LEAK_EXACT = re.compile(r"\b(?:Do NOT|DO NOT|Return ONLY|ONLY return|RETURN ONLY)\b")
_LEAK_PHRASES = re.compile(
    r"what to fix\s*:|return only the (?:corrected|revised|edited|final|fixed) (?:text|post|article|version)"
    r"|no comments or annotations|return the text as is|if there are no errors"
    r"|here(?:'s| is) (?:the|your) (?:corrected|revised|rewritten|improved|final) (?:text|post|version|article)"
    r"|corrected text\s*:|as an ai(?: language)? model|you are an? (?:expert|helpful|professional|senior|skilled)\b"
    r"|\bwrite an? (?:blog )?post about\b|\brules\s*:\s*(?:-|\n)|\binstructions\s*:|\bsystem prompt\s*:"
    r"|</?(?:instructions|system|prompt|context|brief)>|\{\{|\}\}|\{(?:title|body|facts|lang|brief)\}"
    r"|верни только|не меняй (?:структуру|заголовки|текст)|не добавляй (?:и не удаляй )?(?:абзац|раздел)"
    r"|вот исправленный|что исправить\s*:|правила\s*:\s*(?:-|\n)|исправь(?:те)? (?:ошибки|текст)",
    re.IGNORECASE,
)
_INSTRUCTION_BULLET = re.compile(
    r"(?:^|\s)[-*]\s*(?:Punctuation|Spelling|Grammar|Meaning|Style|Tone|Format|Length|Пунктуация|Орфография|Грамматика)\s*:",
    re.IGNORECASE | re.MULTILINE,
)


def prompt_leak(text: str) -> str | None:
    """Defect 1: proofreading or writing instructions pasted into the post."""
    match = _LEAK_EXACT.search(text) or _LEAK_PHRASES.search(text)
    if match:
        return f"instruction text leaked into the post: {match.group(0)!r}"
    bullets = _INSTRUCTION_BULLET.findall(text)
    if len(bullets) >= 2:
        return f"instruction list leaked into the post: {bullets[0].strip()!r}"
    return None


# -- 2: pipeline metadata narrated ----------------------------------------------------------

_METADATA = re.compile(
    r"\bcategor(?:y|ized|ised)\b\s*(?:is|was|:|=|marked|set|as|of this)\b|\bmarked as\s+`?[a-z]+_[a-z_]+"
    r"|\btags?\b\s*(?:noting|:|=|marked|set to|include\b|including)|\btagged (?:as|with)\b"
    r"|\b(?:code_change|bug_fix|feature_work|story_id|facts_json|joke_id|before_after|files_changed|lines_added"
    r"|lines_removed|activity_ids|redacted_fingerprints|note_titles)\b"
    r"|\((?:the model|the domain|the implementation language|the language|the framework)\)"
    r"|\b(?:this|the) (?:brief|story|post) (?:was|is) (?:generated|selected|scored|categori[sz]ed)\b"
    r"|\bкатегори\w*\s*(?:—|:|=|отмечен\w*|указан\w*|помечен\w*)|\b(?:теги|тегами|тэги|метки|метками)\s*(?:—|:|=|отмечен\w*|указан\w*|включа\w*)",
    re.IGNORECASE,
)


def narrated_metadata(text: str, category: str = "") -> str | None:
    """Defect 2: the story's category, tags or other pipeline fields narrated as prose."""
    match = _METADATA.search(text)
    if match:
        return f"pipeline metadata narrated: {match.group(0)!r}"
    if category and "_" in category and re.search(rf"\b{re.escape(category)}\b", text):
        return f"pipeline metadata narrated: the category label {category!r}"
    return None


# -- 3 and 4: one title, real Markdown structure --------------------------------------------

def _plain(line: str) -> str:
    return re.sub(r"[#*_`\s]+", " ", line).strip().lower()


def second_title(title: str, body: str) -> str | None:
    """Defect 3: a `#` title inside the body (the page already shows the title), or the title repeated."""
    for line in body.splitlines():
        if re.match(r"\s{0,3}#(?!#)\s*\S", line):
            return f"second title inside the body: {line.strip()[:80]!r}"
    first = next((line for line in body.splitlines() if line.strip()), "")
    if title and _plain(first) == _plain(title):
        return "the body repeats the title as its first line"
    return None


def title_as_heading(title: str, body: str) -> str | None:
    """The body repeats the title as a section heading (`## <the title>`): the page shows it once already."""
    wanted = _plain(title)
    if not wanted:
        return None
    for line in body.splitlines():
        heading = re.match(r"\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)
        if heading and (_plain(heading.group(1)) == wanted or fuzz.ratio(_plain(heading.group(1)), wanted) >= 90):
            return f"the body repeats the title as a heading: {line.strip()[:80]!r}"
    return None


_SCHEMA_ECHO = re.compile(r"\bbody_md\b|\"title\"\s*:|\{\s*\"(?:en|ru)\"\s*:|\"\.\.\.\"")


def echoed_prompt(text: str, instructions: Iterable[str] = ()) -> str | None:
    """The answer echoes the prompt (one of its instruction clauses, compared word by word) or the response schema."""
    match = _SCHEMA_ECHO.search(text)
    if match:
        return f"the answer echoes the response schema: {match.group(0)!r}"
    flat = " " + " ".join(re.findall(r"[\w']+", text.lower())) + " "
    for clause in instructions:
        if f" {clause} " in flat:
            return f"the answer echoes the prompt: {clause[:60]!r}"
    return None


def flattened_markdown(body: str) -> str | None:
    """Defect 4: headings or lists run into the paragraph text; no paragraph breaks."""
    for line in body.splitlines():
        heading = re.match(r"\s{0,3}(#{1,6})\s+(.*)", line)
        if heading and measure.words(heading.group(2)) > 12:
            return f"heading runs into its paragraph: {line.strip()[:80]!r}"
        if re.search(r"[^\s#]\s+#{2,6}\s+\w", line):
            return f"heading marker inside a line of text: {line.strip()[:80]!r}"
        if len(re.findall(r"\s[-*]\s+[A-ZА-Я][\w ]{0,24}:", line)) >= 2:
            return f"list items flattened onto one line: {line.strip()[:80]!r}"
        if measure.words(line) > 220:
            return "a single line holds more than 220 words: line breaks were lost"
    if measure.words(body) >= 120 and not re.search(r"\n\s*\n", body):
        return "no paragraph breaks: the body is one block of text"
    return None


# -- 5: one voice -----------------------------------------------------------------------------

_THIRD_PERSON_EN = re.compile(
    r"\bthe (?:developer|engineer|programmer|author|coder)\b"
    r"|\b(?:he|she)\s+(?:had|has|was|is|needed|started|wrote|created|faced|decided|added|fixed|committed|pushed"
    r"|examined|structured|turned|spent|built|ran|wanted|tried)\b"
    r"|\b(?:his|her)\s+(?:voice agent|project|code|bot|work|task|team|repo|repository|changes|commit|tests|session)\b",
    re.IGNORECASE,
)
_NAMED_SUBJECT = re.compile(
    r"\b([A-Z][a-z]{2,})\s+(?:faced|needed|started|structured|decided|wrote|created|committed|pushed|examined|turned"
    r"|spent|wanted|tried|realized|realised|noticed|broke|finished)\b"
)
_NOT_A_PERSON = {"The", "This", "That", "Then", "There", "Training", "Work", "Everything", "Nothing", "Phase", "Claude",
                 "Codex", "Aider", "Python", "Git", "Testing", "Each", "Every", "What", "When", "Once", "After", "Before"}
# "он"/"она" also stand for things in Russian ("тест упал — он ..."), so only verbs of a person's choices count.
_PERSON_VERBS_RU = (r"(?:решил|решила|начал|начала|столкнул\w*|захотел\w*|хотел|хотела|понял|поняла|потратил\w*"
                    r"|попробовал\w*|занял\w*|взял\w*|сел|села|провёл|провела|закоммитил\w*|запушил\w*|написал\w*"
                    r"|создал\w*|добавил\w*|исправил\w*|разобрал\w*|выяснил\w*|заметил\w*)")
_THIRD_PERSON_RU = re.compile(
    rf"\bразработчик(?:у|а|ом|и)?\s+\w+(?:л|ла|лся|лась)\b|\b(?:он|она)\s+{_PERSON_VERBS_RU}\b"
    rf"|\bавтор\w*\s+\w+(?:л|ла)\b|\b(?:его|её|ее)\s+(?:проект\w*|код\w*|бот\w*|задач\w*|коммит\w*|репозитори\w*)\b",
    re.IGNORECASE,
)
_FIRST_PERSON_EN = re.compile(r"\b(?:I|I'm|I've|I'd|I'll|[Mm]y|me|mine|myself|[Ww]e|[Oo]ur|us|we've|We've)\b")
_FIRST_PERSON_RU = re.compile(r"\b(?:я|мне|меня|мной|мною|мой|моя|моё|мое|мои|моих|моим|моей|моего|моему|мы|нам|нас"
                              r"|наш|наша|наше|наши|наших)\b", re.IGNORECASE)


def voice(body: str, lang: str) -> str | None:
    """Defect 5: the post must be told in the first person throughout, never about 'the developer'."""
    if lang == "ru":
        match = _THIRD_PERSON_RU.search(body)
        if match:
            return f"third-person narration: {match.group(0)!r}"
        first_person = len(_FIRST_PERSON_RU.findall(body))
    else:
        match = _THIRD_PERSON_EN.search(body)
        if match:
            return f"third-person narration: {match.group(0)!r}"
        names = [m.group(1) for m in _NAMED_SUBJECT.finditer(body) if m.group(1) not in _NOT_A_PERSON]
        repeated = {name for name in names if names.count(name) >= 2}
        if repeated:
            return f"third-person narration about {sorted(repeated)[0]!r}"
        first_person = len(_FIRST_PERSON_EN.findall(body))
    if first_person < 2:
        return "not told in the first person (fewer than two first-person words)"
    return None


# -- 6: nothing the redactor removed comes back ----------------------------------------------

def sensitive_detail(text: str, redactor: Redactor, fingerprints: Iterable[str] = ()) -> str | None:
    """Defect 6 and DESIGN's last rule: secrets, private values, credential talk, or a removed value."""
    findings = redactor.findings(text)
    if findings:
        return f"sensitive detail ({findings[0].kind}): {findings[0].text[:40]!r}"
    wanted = set(fingerprints)
    if wanted:
        tokens = [t.strip("`'\"()[]{}<>,;:.!?«»“”*") for t in text.split()]
        sizes = {int(f.split(":", 1)[0]) for f in wanted if ":" in f}
        for size in sizes:
            for start in range(len(tokens) - size + 1):
                if redactor.fingerprint(" ".join(tokens[start:start + size])) in wanted:
                    return "a value the redactor removed from the sources came back"
    return None


_PLAIN_REDACTOR = Redactor()


def quotable(text: str) -> bool:
    """True when a string from the brief may be quoted in a post: no instructions, metadata,
    sensitive detail, redaction mask or third-person narration in it (writers use this to leave such
    strings out)."""
    return not (prompt_leak(text) or narrated_metadata(text) or has_mask(text) or _PLAIN_REDACTOR.findings(text)
                or _THIRD_PERSON_EN.search(text) or _THIRD_PERSON_RU.search(text))


# -- numbers, language, length, title -----------------------------------------------------------

def invented_numbers(text: str, allowed_text: str) -> str | None:
    """Every number in the post must appear in the brief (no invented results)."""
    extra = measure.numbers(text) - measure.numbers(allowed_text)
    if extra:
        return f"numbers not in the brief: {', '.join(sorted(extra))}"
    return None


def numbers_differ(texts: dict[str, str]) -> str | None:
    """The language versions of one story must carry the same numbers."""
    missing = numbers_missing(texts)
    return missing[min(missing)] if missing else None


def numbers_missing(texts: dict[str, str]) -> dict[str, str]:
    """Per language version, the reason it fails the pair check: it lacks numbers another version has."""
    sets = {lang: measure.numbers(text) for lang, text in texts.items()}
    if len(sets) < 2:
        return {}
    union = set().union(*sets.values())
    return {lang: f"{lang} version lacks numbers the other version has: {', '.join(sorted(union - found))}"
            for lang, found in sorted(sets.items()) if union - found}


_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")  # [text](target "title")
_BARE_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>()\[\]`\"']+")


def invented_links(text: str, allowed_text: str) -> str | None:
    """Every link in the post must come from the brief (a source, a Wikipedia page, an earlier
    post): a writer that makes up a URL sends readers to a page nobody checked."""
    targets = _LINK_TARGET.findall(text) + _BARE_URL.findall(_LINK_TARGET.sub("]", text))
    for target in targets:
        url = target.rstrip(".,;:!?»”")
        if url and url not in allowed_text:
            return f"link not in the brief: {url[:80]!r}"
    return None


MIN_SCRIPT_SHARE = 0.6  # of all letters, quotations included (code, file names and names left out)


def wrong_language(title: str, body: str, lang: str, names: Iterable[str] = ()) -> str | None:
    """The post must read as `lang`: its own prose almost entirely, the page as a whole mostly.

    Code, file names and proper names belong to no language and are left out. Quotations in
    the other language are allowed (a commit subject, the user's own prompt) but may not
    make up the bulk of the page: a Russian post is mostly Cyrillic.
    """
    names = list(names)
    counted = measure.letters(body, ignore=names)
    needed = 0.75 if lang == "ru" else 0.9
    if counted.share(lang) < needed:
        return f"body is not mostly in {lang}: {counted.share(lang):.0%} of its own prose"
    overall = measure.script_share(body, lang, ignore=names)
    if overall < MIN_SCRIPT_SHARE:
        return f"body is mostly quotation in another language: only {overall:.0%} of its letters are {lang}"
    if measure.script_share(title, lang, ignore=names) < MIN_SCRIPT_SHARE:
        return f"title is not in {lang}: {title!r}"
    return None


def length(body: str, min_words: int, max_words: int) -> str | None:
    count = measure.words(body)
    if count < min_words:
        return f"too short: {count} words (at least {min_words})"
    if count > max_words:
        return f"too long: {count} words (at most {max_words})"
    return None


def material_words(facts: dict[str, Any], lang: str | None = None) -> int:
    """Words of the brief's own text (goal, problem, actions, lessons, next steps, notes, commit
    notes, number contexts) plus one per file name: what a post may tell without padding.

    With `lang`, only the text written in that language counts (file names, commands and error
    lines belong to every language): a post cannot retell in Russian what the sources say only
    in English, and the offline writer never quotes it.
    """
    problem = facts.get("problem") or {}
    neutral = [problem.get("text", "")] if problem.get("kind") in ("error", "failed_command") else []
    texts = [facts.get("goal") or ""] + ([problem.get("text", "")] if not neutral else [])
    texts += [a.get("text", "") for a in facts.get("actions", [])]
    texts += [*facts.get("lessons", []), *facts.get("next", []), *facts.get("note_points", []),
              *facts.get("commit_notes", [])]
    texts += [n.get("context", "") for n in facts.get("numbers", [])]
    shown = [t for t in set(texts) if t and (lang is None or measure.language_of(t) == lang)]
    return sum(measure.words(t) for t in shown + neutral) + len(facts.get("files", []))


def thin_story(facts: dict[str, Any], min_words: int) -> str | None:
    """Why a story is not worth a post, or None: its sources hold less than a third of `min_words`
    and nothing measured (a measured result is worth a short post on its own)."""
    material = material_words(facts)
    if material < min_words // 3 and not facts.get("before_after") and not facts.get("numbers"):
        return f"too thin for a post: its sources hold {material} words (at least {min_words // 3} needed)"
    return None


def required_words(facts: dict[str, Any], min_words: int, lang: str | None = None) -> int:
    """The length a post must reach: `min_words` when the sources hold at least that many words
    the post's language can tell (`material_words`), a third of it otherwise.

    A writer must never pad a story with invented facts or filler to reach the target, so a post
    is not asked to be longer than its sources allow (README: "Length of a post"). A story whose
    sources hold less than a third of `min_words` is not written at all (`thin_story`).
    """
    return min_words if material_words(facts, lang) >= min_words else min_words // 3


GENERIC_TITLES = {
    "update", "updates", "changes", "progress", "progress update", "daily update", "work log", "dev log", "devlog",
    "untitled", "new post", "blog post", "post", "development update", "today's work", "what i did today",
    "обновление", "изменения", "прогресс", "без названия", "новый пост", "что я сделал сегодня",
}


def bad_title(title: str, project: str = "") -> str | None:
    """Title present, one line, not generic, a reasonable length."""
    stripped = title.strip()
    if not stripped:
        return "title missing"
    if "\n" in stripped or stripped.startswith("#"):
        return f"title is not a single plain line: {stripped[:60]!r}"
    plain = re.sub(r"[^\w\s']", " ", stripped.lower())
    plain = " ".join(plain.split())
    if plain in GENERIC_TITLES or (project and plain in (project.lower(), f"{project.lower()} update")):
        return f"title is generic: {stripped!r}"
    count = measure.words(stripped)
    if count < 3 or count > 14:
        return f"title has {count} words (3 to 14 expected): {stripped!r}"
    return None


# -- all together ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckContext:
    """What the checks need besides the post: the brief's facts and allowed text, the bounds."""

    lang: str
    facts: dict[str, Any]
    allowed_text: str  # text numbers and links may come from: the facts, the joke, earlier posts
    min_words: int
    max_words: int
    redactor: Redactor
    names: tuple[str, ...] = field(default_factory=tuple)  # proper names the language check ignores
    instructions: tuple[str, ...] = field(default_factory=tuple)  # the prompt's sentences a post must not echo


def check_post(title: str, body: str, ctx: CheckContext) -> list[str]:
    """Every single-post check; the reasons of those that fail, in a fixed order.

    The sources footer the stage appends is the program's text and is left out.
    """
    body = strip_footer(body)
    full = f"{title}\n\n{body}"
    reasons = [
        echoed_prompt(full, ctx.instructions),
        bad_title(title, ctx.facts.get("project", "")),
        prompt_leak(full),
        narrated_metadata(full, ctx.facts.get("category", "")),
        second_title(title, body),
        title_as_heading(title, body),
        flattened_markdown(body),
        voice(body, ctx.lang),
        sensitive_detail(full, ctx.redactor, ctx.facts.get("redacted_fingerprints", [])),
        invented_numbers(full, ctx.allowed_text),
        invented_links(full, ctx.allowed_text),
        wrong_language(title, body, ctx.lang, ctx.names),
        length(body, ctx.min_words, ctx.max_words),
    ]
    return [reason for reason in reasons if reason]
