"""The writer contract, and a registry of writers by name.

A writer turns a brief into a title and a Markdown body per language. `draft_story`
drafts every asked language of a story at once (an LLM writer makes one call for
all of them); its default drafts each language with `draft`, which is how the
offline writer and single-language plugins take part. Title and body always come
from one call, so they never disagree (defect 3). Built-in writers register
themselves with `@register` exactly as a plugin would; plugins are found through
the `social_publisher.writers` entry-point group.

A writer that could not write (the backend failed, the daily budget is spent)
raises `WriteFailed` / `BudgetSpent`: the stage stores nothing for that story, so
it is never half-written, and a later run tries again.
"""

from __future__ import annotations

from abc import ABC
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, ClassVar, Mapping, Sequence

from social_publisher.config import Config
from social_publisher.errors import BackendUnavailable, PublisherError
from social_publisher.records import Brief

if TYPE_CHECKING:
    from social_publisher.store import Store

ENTRY_POINT_GROUP = "social_publisher.writers"


@dataclass(frozen=True)
class Draft:
    """A post as a writer produced it: the page title and a body that does not repeat it."""

    title: str
    body_md: str
    llm_calls: int = 0


class WriteFailed(PublisherError):
    """Raised by a writer whose backend gave no usable answer (non-zero exit, error envelope,
    timeout, 429/5xx after retries, an answer that breaks the response contract). The story
    stays unwritten; the message is shown by `write` and `status`."""


class BudgetSpent(WriteFailed):
    """Raised by an LLM writer when `[writer] daily_budget` calls are already reserved today."""


class Writer(ABC):
    """A way of writing posts. Subclasses set `name` and implement `draft` (one language)
    or `draft_story` (every language at once).

    The constructor gets the whole config and the store (LLM writers keep their cache and
    budget there); a writer that cannot run (no key, no executable) raises
    BackendUnavailable there with a one-line reason.
    """

    name: ClassVar[str]
    uses_llm: ClassVar[bool] = True  # its calls count against [writer] daily_budget
    # True when a retry must redraft every language together (the offline writer's languages
    # share one plan); False when only the language that failed a check is asked again.
    retry_all_languages: ClassVar[bool] = True

    def __init__(self, config: Config, store: "Store | None" = None):
        self.config = config
        self.store = store

    def draft_story(self, brief: Brief, langs: Sequence[str], *, attempt: int = 0,
                    feedback: Mapping[str, Sequence[str]] | None = None) -> dict[str, Draft]:
        """Draft the post of `brief` in every language of `langs` at once.

        `feedback` maps a language to the reasons its previous draft failed the checks
        (on the retry, `attempt` 1). This default drafts each language with `draft`,
        handing it the reasons of every language.
        """
        reasons = sorted({reason for found in (feedback or {}).values() for reason in found})
        return {lang: self.draft(brief, lang, attempt=attempt, feedback=reasons) for lang in langs}

    def too_thin(self, brief: Brief, langs: Sequence[str]) -> str | None:
        """Why this writer cannot tell the story in every language of `langs` at the length the checks
        ask without padding, or None. The stage then drops the story before writing anything (like
        `checks.thin_story`), so a story is published in all its languages or in none. A writer that
        cannot know before it writes (an LLM) returns None."""
        return None

    def draft(self, brief: Brief, lang: str, *, attempt: int = 0, feedback: Sequence[str] = ()) -> Draft:
        """Write the post for `brief` in `lang` ("en" or "ru").

        `attempt` is 0 for the first try and 1 for the retry after a failed
        check; `feedback` then holds the reasons the checks gave (for every
        language of the story), and the writer must produce a different variant.
        """
        raise NotImplementedError(f"{type(self).__name__} implements neither draft nor draft_story")


WRITERS: dict[str, type[Writer]] = {}


def register(cls: type[Writer]) -> type[Writer]:
    """Class decorator: make a writer available by its `name` in `[writer] backend`."""
    WRITERS[cls.name] = cls
    return cls


def _load_writers() -> None:
    from social_publisher.write import llm, offline  # noqa: F401  (register themselves)

    for entry in entry_points(group=ENTRY_POINT_GROUP):
        if entry.name not in WRITERS:
            try:
                entry.load()
            except Exception as exc:  # a broken plugin must not stop the built-in writers
                WRITERS.pop(entry.name, None)
                _BROKEN[entry.name] = f"{type(exc).__name__}: {exc}"


_BROKEN: dict[str, str] = {}


def writer_for(config: Config, store: "Store | None" = None) -> Writer:
    """The configured writer, or BackendUnavailable saying why it cannot run."""
    _load_writers()
    name = config.writer.backend
    if name in _BROKEN:
        raise BackendUnavailable(f"writer backend {name!r} failed to load ({_BROKEN[name]})")
    if name not in WRITERS:
        raise BackendUnavailable(
            f"writer backend {name!r} is not implemented yet; set [writer] backend = \"offline\" to write posts"
        )
    return WRITERS[name](config, store)
