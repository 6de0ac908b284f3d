"""The vocabulary the demo projects are written in: sessions, chores and their steps.

A project is a list of work blocks in time order. A `Session` is one Claude Code
conversation: its steps become transcript lines, and the file steps (`Write`,
`Edit`) and git steps (`Commit`, `Switch`, `Merge`) really happen in the project's
repository at the step's time, so transcripts and history tell the same story.
`Chores` are commits made outside any session. Each step says how long it takes
(`secs`), which fixes every timestamp without running anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta, timezone, tzinfo


@dataclass(frozen=True)
class Prompt:
    """The user types a prompt; `secs` is the pause before it (reading, thinking, coffee)."""

    text: str
    secs: int = 90


@dataclass(frozen=True)
class Say:
    """Assistant prose."""

    text: str
    secs: int = 20


@dataclass(frozen=True)
class Think:
    """An assistant thinking block."""

    text: str
    secs: int = 10


@dataclass(frozen=True)
class Read:
    """Read tool: the result shows the file as it is in the repository at that moment."""

    path: str
    secs: int = 6


@dataclass(frozen=True)
class Write:
    """Write tool: creates or replaces a file in the repository."""

    path: str
    content: str
    secs: int = 45


@dataclass(frozen=True)
class Edit:
    """Edit tool: replaces the one occurrence of `old` with `new` in a repository file."""

    path: str
    old: str
    new: str
    secs: int = 25


@dataclass(frozen=True)
class Bash:
    """Bash tool with a scripted output; `exit_code` other than 0 makes an error result.

    `{cwd}` in the output is replaced by the project's absolute path.
    """

    command: str
    output: str
    exit_code: int = 0
    description: str = ""
    secs: int = 30


@dataclass(frozen=True)
class Task:
    """A subagent (Task tool): its conversation is written as sidechain lines."""

    description: str
    prompt: str
    answer: str
    secs: int = 90


@dataclass(frozen=True)
class Commit:
    """Stage everything and commit. `files` and `edits` change the tree first (used by chores)."""

    message: str
    files: dict[str, str] = field(default_factory=dict)
    edits: tuple[tuple[str, str, str], ...] = ()  # (path, old, new)
    secs: int = 12


@dataclass(frozen=True)
class Switch:
    branch: str
    create: bool = False
    secs: int = 4


@dataclass(frozen=True)
class Merge:
    """A real merge commit of `branch` into the current branch."""

    branch: str
    message: str = ""
    secs: int = 8

    @property
    def commit_message(self) -> str:
        return self.message or f"Merge branch '{self.branch}'"


Step = Prompt | Say | Think | Read | Write | Edit | Bash | Task | Commit | Switch | Merge
GIT_STEPS = (Commit, Switch, Merge)


@dataclass(frozen=True)
class Session:
    """One Claude Code conversation starting on `day` (0 = first day) at local time `at` ("HH:MM")."""

    day: int
    at: str
    summary: str  # the title Claude Code stores as the session's "summary" line
    steps: tuple[Step, ...]

    @property
    def duration(self) -> timedelta:
        return timedelta(seconds=sum(step.secs for step in self.steps))


@dataclass(frozen=True)
class Chores:
    """Commits made outside any session, `gap_minutes` apart, starting on `day` at `at`."""

    day: int
    at: str
    commits: tuple[Commit | Switch | Merge, ...]
    gap_minutes: int = 6

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.gap_minutes * max(0, len(self.commits) - 1))


Block = Session | Chores


@dataclass(frozen=True)
class Project:
    """One demo project: a git repository and the Claude Code sessions that built it."""

    name: str
    utc_offset_hours: float
    blocks: tuple[Block, ...]

    @property
    def tz(self) -> tzinfo:
        return timezone(timedelta(hours=self.utc_offset_hours))

    @property
    def sessions(self) -> list[Session]:
        return [block for block in self.blocks if isinstance(block, Session)]
