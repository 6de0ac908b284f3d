"""The sources footer every post ends with: project, dates, commit short hashes, session and note dates.

The write stage appends it after the checks passed (for every writer, offline included), so it
is on the site and in `posts --json` like the rest of the body. It is the program's text, not
the writer's: `strip_footer` takes it off again before any check measures a body (length,
numbers, language), so re-checking a stored post judges the writer's text alone. Dates are
ISO (not results for the number checks) and hashes are the same in both languages.
"""

from __future__ import annotations

import re
from typing import Iterable

from social_publisher.records import COMMIT, NOTE, SESSION, Activity

MAX_HASHES = 6
RULE = "\n\n---\n\n"
LABELS = {
    "en": {"sources": "Sources", "commits": "commits", "more": "more", "sessions": "sessions", "notes": "notes"},
    "ru": {"sources": "Источники", "commits": "коммиты", "more": "ещё", "sessions": "сессии", "notes": "заметки"},
}
_FOOTER = re.compile(r"\n*^---\n\n\*(?:" + "|".join(v["sources"] for v in LABELS.values()) + r"):[^\n]*\*\s*\Z",
                     re.MULTILINE)


def footer(project: str, activity: Iterable[Activity], lang: str) -> str:
    """One italic line: `*Sources: `project` · dates · commits `abc1234`, … · sessions dates · notes dates*`."""
    words = LABELS.get(lang, LABELS["en"])
    rows = sorted(activity, key=lambda a: a.occurred_at)
    parts = [f"`{project}`"] if project else []  # names and hashes in code: they belong to no language
    days = sorted({a.occurred_at[:10] for a in rows})
    if days:
        parts.append(days[0] if len(days) == 1 else f"{days[0]} – {days[-1]}")
    hashes = [str(a.meta.get("hash", ""))[:7] for a in rows if a.kind == COMMIT and a.meta.get("hash")]
    if hashes:
        shown = ", ".join(f"`{h}`" for h in hashes[:MAX_HASHES])
        more = f" (+{len(hashes) - MAX_HASHES} {words['more']})" if len(hashes) > MAX_HASHES else ""
        parts.append(f"{words['commits']} {shown}{more}")
    session_days = sorted({a.occurred_at[:10] for a in rows if a.kind == SESSION})
    if session_days:
        parts.append(f"{words['sessions']} {', '.join(session_days)}")
    note_days = sorted({a.occurred_at[:10] for a in rows if a.kind == NOTE})
    if note_days:
        parts.append(f"{words['notes']} {', '.join(note_days)}")
    return f"*{words['sources']}: {' · '.join(parts)}*"


def with_footer(body_md: str, footer_line: str) -> str:
    return strip_footer(body_md).rstrip() + RULE + footer_line


def strip_footer(body_md: str) -> str:
    """The body without the sources footer (unchanged when it has none)."""
    return _FOOTER.sub("", body_md).rstrip() if "---" in body_md else body_md
