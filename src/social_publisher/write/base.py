"""The writer contract: one abstract method, and a registry of writers by name.

A writer turns a brief into a title and a Markdown body in one language, in one
call, so title and body can never disagree (defect 3). Built-in writers
register themselves with `@register` exactly as a plugin would; plugins are
found through the `social_publisher.writers` entry-point group.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import ClassVar, Sequence

from social_publisher.config import Config
from social_publisher.errors import BackendUnavailable
from social_publisher.records import Brief

ENTRY_POINT_GROUP = "social_publisher.writers"


@dataclass(frozen=True)
class Draft:
    """A post as a writer produced it: the page title and a body that does not repeat it."""

    title: str
    body_md: str
    llm_calls: int = 0


class Writer(ABC):
    """A way of writing posts. Subclasses set `name` and implement `draft`.

    The constructor gets the whole config; a writer that cannot run (no key, no
    executable) raises BackendUnavailable there with a one-line reason.
    """

    name: ClassVar[str]
    uses_llm: ClassVar[bool] = True  # its calls count against [writer] daily_budget

    def __init__(self, config: Config):
        self.config = config

    @abstractmethod
    def draft(self, brief: Brief, lang: str, *, attempt: int = 0, feedback: Sequence[str] = ()) -> Draft:
        """Write the post for `brief` in `lang` ("en" or "ru").

        `attempt` is 0 for the first try and 1 for the retry after a failed
        check; `feedback` then holds the reasons the checks gave (for every
        language of the story), and the writer must produce a different variant.
        """


WRITERS: dict[str, type[Writer]] = {}


def register(cls: type[Writer]) -> type[Writer]:
    """Class decorator: make a writer available by its `name` in `[writer] backend`."""
    WRITERS[cls.name] = cls
    return cls


def _load_writers() -> None:
    from social_publisher.write import offline  # noqa: F401  (registers itself)

    for entry in entry_points(group=ENTRY_POINT_GROUP):
        if entry.name not in WRITERS:
            try:
                entry.load()
            except Exception as exc:  # a broken plugin must not stop the built-in writers
                WRITERS.pop(entry.name, None)
                _BROKEN[entry.name] = f"{type(exc).__name__}: {exc}"


_BROKEN: dict[str, str] = {}


def writer_for(config: Config) -> Writer:
    """The configured writer, or BackendUnavailable saying why it cannot run."""
    _load_writers()
    name = config.writer.backend
    if name in _BROKEN:
        raise BackendUnavailable(f"writer backend {name!r} failed to load ({_BROKEN[name]})")
    if name not in WRITERS:
        raise BackendUnavailable(
            f"writer backend {name!r} is not implemented yet; set [writer] backend = \"offline\" to write posts"
        )
    return WRITERS[name](config)
