"""Turns one group of activity into a scored, categorised, tagged candidate story."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from social_publisher.enrich.redact import Redactor
from social_publisher.records import NOTE, SESSION, fingerprint
from social_publisher.select.categories import classify
from social_publisher.select.dedupe import Signature
from social_publisher.select.facts import RowFacts, row_facts
from social_publisher.select.features import GOAL_RE, IDLE_FACTOR, extract_features, idle_reason, total
from social_publisher.select.grouping import Group
from social_publisher.select.topics import file_name_parts
from social_publisher.select.report import Candidate
from social_publisher.select.tags import (
    TagEvidence, detect_in_command, detect_in_imports, detect_in_path, detect_in_text, tag_for_alias,
)
from social_publisher.select.words import word_counts

_NOTE_CHARS = 2000  # of a note's body that the duplicate signature reads
_PROSE_CHARS_FOR_TAGS = 4000  # of each turn's assistant prose that tag detection reads


@dataclass
class Built:
    candidate: Candidate
    signature: Signature
    substantial: bool  # False when every row was trivial: never a story


class CandidateBuilder:
    """Builds candidates in time order, remembering per project which technologies it has seen,
    so "new technologies" means new to that project."""

    def __init__(self, known_tags: dict[str, set[str]], redactor: Redactor | None = None):
        self._known_tags = known_tags
        self._redactor = redactor

    def build(self, group: Group, reverted: set[str] = frozenset()) -> Built:
        """`reverted`: the commit hashes the project's reverts name (facts.reverted_hashes)."""
        facts = [row_facts(row, reverted) for row in group.rows]
        substance = [f for f in facts if not f.excluded]
        excluded = Counter(f.excluded for f in facts if f.excluded)
        found, installed = _detect_tags(substance)
        tags = found.tags()
        known = self._known_tags.get(group.project)
        new_tags = list(installed)
        if known is not None:  # a project seen before: a tag it never had is new
            new_tags += [t for t in tags if t not in known and t not in new_tags]
        if substance:
            self._known_tags.setdefault(group.project, set()).update(tags)
        features = extract_features(substance, new_tags=new_tags) if substance else []
        score = total(features)
        idle = idle_reason(substance) if substance else None
        feature_points = {f.name: f.as_dict() for f in features}
        if idle:  # near zero, and said why: a chat or a fixture is no story however it scored
            damped = round(score * IDLE_FACTOR, 2)
            feature_points["nothing_done"] = {"points": round(damped - score, 2), "evidence": [idle]}
            score = damped
        words = word_counts(_human_texts(substance))
        classification = classify(substance, features, tags, words)
        fingerprints = sorted(f.activity.fingerprint for f in (substance or facts))
        candidate = Candidate(
            project=group.project, started_at=group.started_at, ended_at=group.ended_at, day=group.day,
            fingerprint=fingerprint("story", *fingerprints), headline=_headline(substance or facts),
            score=score, category=classification.category if substance else "-", tags=tags,
            features=feature_points, tag_evidence=found.explain(), idle=idle or "",
            category_points=classification.as_dict()["points"],
            activity_ids=[f.activity.id for f in substance if f.activity.id is not None],
            considered_ids=[row.id for row in group.rows if row.id is not None],
            excluded=dict(sorted(excluded.items())),
        )
        built = Built(candidate, signature_of(substance, features, words), bool(substance))
        if self._redactor is not None:
            _redact(built, self._redactor)
        return built


def _redact(built: Built, redactor: Redactor) -> None:
    """Mask secrets and private values in a candidate's texts before they are decided, stored or
    printed, and leave secret-looking words out of the signature that is stored with it."""
    c = built.candidate
    c.headline = redactor.scrub_json(c.headline)
    c.features = redactor.scrub_json(c.features)
    c.tag_evidence = redactor.scrub_json(c.tag_evidence)
    built.signature = Signature.from_key(redactor.scrub_words(built.signature.stored_key))


def _human_texts(substance: list[RowFacts]) -> list[str]:
    return [f.human[:_NOTE_CHARS] if f.kind == NOTE else f.human for f in substance]


def signature_of(substance: list[RowFacts], features=(), words: Counter[str] | None = None) -> Signature:
    """The duplicate signature: the words of the human text plus the measured numbers, and the
    anchors (file names, code-like words, numbers) that meet across languages."""
    texts = _human_texts(substance)
    counts = Counter(words) if words is not None else word_counts(texts)
    measured = [" ".join(f.evidence) for f in features if f.name in ("before_after", "measurements")]
    counts.update(word_counts(measured))
    names = {part for f in substance for change in f.files if not change.generated
             for part in file_name_parts(change.path)}
    return Signature.of_words(counts).with_anchors(texts, sorted(names), measured)


def _detect_tags(rows: list[RowFacts]) -> tuple[TagEvidence, list[str]]:
    found = TagEvidence()
    installed: list[str] = []
    paths: set[str] = set()
    for row in rows:
        for change in row.files:
            if change.path not in paths and not change.generated:
                paths.add(change.path)
                detect_in_path(change.path, found)
        languages = row.activity.meta.get("languages")
        for language in languages if isinstance(languages, list) else []:
            tag = tag_for_alias(str(language))
            if tag:
                found.add(tag, 1.0, f"language {language}")
        for tag in detect_in_imports(row.activity.meta.get("imports"), found):
            if tag not in installed:
                installed.append(tag)
        for command, _ in row.commands:
            for tag in detect_in_command(command, found):
                if tag not in installed:
                    installed.append(tag)
    # What the user wrote counts fully; the assistant's prose and error output count half,
    # and only the start of each turn's prose is read (it says what the turn was about).
    detect_in_text("\n".join(r.human for r in rows), found)
    detect_in_text("\n".join([r.prose[:_PROSE_CHARS_FOR_TAGS] for r in rows if r.prose]
                             + [e for r in rows for e in r.errors]), found, weight=0.5, loose=True)
    return found, installed


def _headline(rows: list[RowFacts]) -> str:
    notes = [r.label for r in rows if r.kind == NOTE and r.label]
    if notes:
        return notes[0]
    goals = [r.label for r in rows if r.kind == SESSION and GOAL_RE.search(r.label.lower()) and len(r.label.split()) >= 4]
    if goals:
        return goals[0]
    labelled = [(index, r) for index, r in enumerate(rows) if r.label]
    if not labelled:
        return ""
    # The commit that changed the most tells the most about the session.
    _, best = max(labelled, key=lambda item: (sum((f.added or 0) + (f.removed or 0) for f in item[1].files), -item[0]))
    return best.label
