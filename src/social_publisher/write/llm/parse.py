"""The response contract of every LLM backend, parsed strictly.

The model answers with one JSON object holding the asked languages and nothing else:
`{"en": {"title": "...", "body_md": "..."}, "ru": {"title": "...", "body_md": "..."}}`.
A ```json fence around the object is tolerated; anything else (text around it, a missing
or extra language, a missing, extra or empty field) is refused with the reason.
"""

from __future__ import annotations

import re
from typing import Sequence

import orjson

FIELDS = ("title", "body_md")
_FENCE = re.compile(r"\A```(?:json|JSON)?[ \t]*\n(?P<inner>.*?)\n?[ \t]*```\Z", re.DOTALL)


class AnswerError(ValueError):
    """Raised by `parse_answer` when an answer breaks the response contract; the message says how."""


def parse_answer(text: str, langs: Sequence[str]) -> dict[str, tuple[str, str]]:
    """(title, body_md) per asked language, or AnswerError."""
    stripped = text.strip()
    fenced = _FENCE.match(stripped)
    if fenced:
        stripped = fenced.group("inner").strip()
    if not stripped:
        raise AnswerError("the answer is empty")
    try:
        data = orjson.loads(stripped)
    except orjson.JSONDecodeError as exc:
        start = stripped[:40].replace("\n", " ")
        raise AnswerError(f"the answer is not one JSON object ({exc}); it starts {start!r}") from None
    if not isinstance(data, dict):
        raise AnswerError(f"the answer is JSON but not an object (a {type(data).__name__})")
    missing = [lang for lang in langs if lang not in data]
    if missing:
        raise AnswerError(f"the answer has no {', '.join(repr(m) for m in missing)} version")
    extra = sorted(set(data) - set(langs))
    if extra:
        raise AnswerError(f"the answer has keys that were not asked for: {', '.join(map(repr, extra))}")
    out: dict[str, tuple[str, str]] = {}
    for lang in langs:
        version = data[lang]
        if not isinstance(version, dict):
            raise AnswerError(f"{lang!r} is not an object with title and body_md")
        unknown = sorted(set(version) - set(FIELDS))
        if unknown:
            raise AnswerError(f"{lang!r} has unexpected fields: {', '.join(map(repr, unknown))}")
        for field in FIELDS:
            value = version.get(field)
            if not isinstance(value, str) or not value.strip():
                raise AnswerError(f"{lang!r} has no {field} text")
        out[lang] = (version["title"].strip(), version["body_md"].strip())
    return out
