"""What each stage returns: counts for the summary line and for `--json` output, and how every
command prints its `--json` output (`print_json`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import click
import orjson


def print_json(data: Any) -> None:
    """`--json` output: indented JSON on stdout, anything not JSON-native as its text."""
    click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2, default=str).decode())


@dataclass
class StageReport:
    """Base for stage reports: `as_dict()` for --json, `summary()` for a human line, `warnings` shown once."""

    stage: str = ""
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        fields = {k: v for k, v in self.as_dict().items() if isinstance(v, (int, float)) and k != "stage"}
        return f"{self.stage}: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in fields.items())
