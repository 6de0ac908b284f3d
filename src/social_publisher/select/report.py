"""What `select` returns: counts for the summary line, every candidate with its score,
features, category, tags and decision for `--json`, and `explain_text()` for `--explain`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from social_publisher.report import StageReport

KEPT = "kept"
DROPPED = "dropped"
TRIVIAL = "trivial"
HELD = "held"


@dataclass
class Candidate:
    """One group of activity and what select decided about it."""

    project: str
    started_at: str
    ended_at: str
    day: str
    fingerprint: str
    headline: str
    score: float
    category: str
    tags: list[str]
    features: dict[str, dict[str, Any]]
    tag_evidence: dict[str, list[str]]
    category_points: dict[str, float]
    activity_ids: list[int]  # the substance rows: what the story is made of
    considered_ids: list[int]  # every row of the group, trivial ones included
    excluded: dict[str, int]  # why rows were left out of the substance -> how many
    idle: str = ""  # why the story holds no work (features.idle_reason), or ""
    decision: str = ""
    reason: str = ""
    story_id: int | None = None
    duplicate_of: str | None = None
    similarity: float | None = None

    def explain(self, signature: str) -> dict[str, Any]:
        """The `explain` stored with the story."""
        return {
            "score": self.score, "features": self.features, "category": self.category,
            "category_points": self.category_points, "tags": self.tag_evidence, "decision": self.decision,
            "reason": self.reason, "headline": self.headline, "excluded": self.excluded,
            "duplicate_of": self.duplicate_of, "similarity": self.similarity, "signature": signature,
            "idle": self.idle or None,
        }


@dataclass
class SelectReport(StageReport):
    stage: str = "select"
    activity_read: int = 0
    activity_considered: int = 0
    activity_held: int = 0
    candidates_found: int = 0
    stories_selected: int = 0
    dropped_duplicate: int = 0
    dropped_over_cap: int = 0
    dropped_low_score: int = 0
    dropped_idle: int = 0
    score_floor: float = 0.0  # the floor this run applied (min_score, or the relative one when higher)
    trivial_groups: int = 0
    held_sessions: int = 0
    candidates: list[Candidate] = field(default_factory=list)

    def summary(self) -> str:
        return (f"select: {self.activity_read} activity rows, {self.candidates_found} candidates -> "
                f"{self.stories_selected} stories selected; dropped {self.dropped_duplicate} near-duplicate, "
                f"{self.dropped_over_cap} over the daily cap, {self.dropped_low_score} below min score "
                f"({self.score_floor:g}), {self.dropped_idle} with nothing done; "
                f"{self.trivial_groups} trivial-only groups; {self.held_sessions} sessions still open "
                f"({self.activity_held} rows left for the next run)")

    def explain_text(self) -> str:
        if not self.candidates:
            return "no new activity to select from"
        blocks = [_explain_candidate(c) for c in self.candidates]
        return "\n\n".join(blocks)


def _explain_candidate(c: Candidate) -> str:
    decision = c.decision.upper()
    if c.decision == DROPPED:
        decision += f" ({c.reason.split(':', 1)[0]})"
    span = f"{c.started_at[:16].replace('T', ' ')}–{c.ended_at[11:16]}"
    tags = ", ".join(c.tags) or "no tags"
    lines = [f"{decision}  {c.project}  {span}  score {c.score:g}  {c.category}  [{tags}]"]
    if c.headline:
        lines.append(f"    “{c.headline}”")
    for name, feature in sorted(c.features.items(), key=lambda item: (-item[1]["points"], item[0])):
        evidence = "; ".join(feature["evidence"])
        lines.append(f"    {name:<18} {feature['points']:>4g}  {evidence}")
    if c.excluded:
        left_out = ", ".join(f"{count} {why}" for why, count in sorted(c.excluded.items()))
        lines.append(f"    left out: {left_out}")
    lines.append(f"    why: {c.reason}")
    return "\n".join(lines)
