"""Gives a story one category, with the evidence for it.

Categories: feature, bug_fix, refactor, experiment, infrastructure, learning, docs.
Each category collects points from words in what the user wrote (commit messages,
prompts, notes; never the assistant's prose), from conventional-commit prefixes, from
the kind of files changed, and from the story's features. The highest total wins; ties
go to the earlier category in `CATEGORIES`, so the result never depends on input order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from social_publisher.records import COMMIT, NOTE, SESSION
from social_publisher.select.facts import RowFacts
from social_publisher.select.features import Feature

CATEGORIES = ("bug_fix", "experiment", "feature", "refactor", "infrastructure", "docs", "learning")

_WORDS = {
    "bug_fix": r"\b(?:fix(?:e[sd])?|bug\w*|hotfix|crash\w*|broken|regression|error|fails?|failing|resolve[sd]?)\b"
               r"|исправ\w*|почин\w*|баг\w*|ошибк\w*|пада\w*",
    "experiment": r"\b(?:experiment\w*|accuracy|benchmark\w*|baseline|train(?:ed|ing)?|eval\w*|hypothes\w*|ablation|"
                  r"phase \d+\w*|tried|trying|compare[ds]?|comparison|measur\w*|perplexity|loss|profil\w*|speed ?up)\b"
                  r"|эксперимент\w*|точност\w*|обуч\w*|замер\w*|сравн\w*|бенчмарк\w*|гипотез\w*",
    "feature": r"\b(?:add(?:s|ed)?|implement\w*|support\w*|introduc\w*|new|feat|creat\w*|build|built|enable[sd]?)\b"
               r"|добав\w*|реализ\w*|нов\w*|созда\w*",
    "refactor": r"\b(?:refactor\w*|restructur\w*|renam\w*|extract\w*|clean ?up|simplif\w*|reorgani[sz]\w*|split|"
                r"decoupl\w*|dedupl\w*|move[ds]?)\b|рефактор\w*|переимен\w*|упрост\w*|вынес\w*|перепис\w*",
    "infrastructure": r"\b(?:deploy\w*|ci|docker\w*|kubernetes|k8s|nginx|server|servers|hosting|backup\w*|"
                      r"monitoring|systemd|terraform|ansible|provision\w*|infra\w*|pipeline|workflow|ssl|tls|dns|"
                      r"proxy|vps)\b|деплой\w*|сервер\w*|инфраструкт\w*|развёрт\w*|разверт\w*",
    "docs": r"\b(?:docs?|documentation|readme|guide|docstrings?|changelog|tutorial)\b|документац\w*|ридми",
    "learning": r"\b(?:learn\w*|til|understand\w*|explain\w*|how does|why does|what is|read about|stud(?:y|ied)|"
                r"course|insight|lesson)\b|разобрал\w*|изуч\w*|понял\w*|узнал\w*|урок\w*",
}
_WORD_RES = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in _WORDS.items()}
_PREFIX_RE = re.compile(r"^(feat|fix|refactor|docs|ci|build|perf|test|chore|style)(?:\([^)]*\))?!?:", re.IGNORECASE)
_PREFIX_CATEGORY = {"feat": "feature", "fix": "bug_fix", "refactor": "refactor", "docs": "docs",
                    "ci": "infrastructure", "build": "infrastructure", "perf": "experiment"}
_INFRA_FILES_RE = re.compile(r"(?:^|/)(?:Dockerfile|docker-compose\.ya?ml|compose\.ya?ml|\.github/workflows/|"
                             r"\.gitlab-ci\.yml|Makefile|nginx|k8s/|helm/|terraform/|ansible/|deploy/)|\.(?:tf|service)$")
_DOC_FILES_RE = re.compile(r"\.(?:md|rst|adoc|txt)$|(?:^|/)docs?/", re.IGNORECASE)
_ML_TAGS = {"pytorch", "tensorflow", "jax", "huggingface", "llm", "scikit-learn", "numpy", "pandas", "jupyter"}
_INFRA_TAGS = {"docker", "kubernetes", "terraform", "ansible", "nginx", "traefik", "systemd", "github-actions", "aws",
               "authelia", "linux"}
_WORD_CAP = 3.0


@dataclass
class Classification:
    category: str
    points: dict[str, float]
    evidence: dict[str, list[str]]

    def as_dict(self) -> dict:
        return {"points": {k: round(v, 2) for k, v in self.points.items() if v > 0},
                "evidence": self.evidence.get(self.category, [])}


def classify(rows: list[RowFacts], features: list[Feature], tags: list[str]) -> Classification:
    points = {name: 0.0 for name in CATEGORIES}
    evidence: dict[str, list[str]] = {name: [] for name in CATEGORIES}

    def add(category: str, amount: float, why: str) -> None:
        points[category] += amount
        if why not in evidence[category] and len(evidence[category]) < 4:
            evidence[category].append(why)

    points["feature"] = 0.5  # plain work with no other signal is a feature
    human = "\n".join(r.human for r in rows)
    for category, pattern in _WORD_RES.items():
        words = pattern.findall(human)
        if words:
            add(category, min(_WORD_CAP, float(len(words))), "words: " + ", ".join(_unique_lower(words)[:4]))

    commits = [r for r in rows if r.kind == COMMIT]
    for commit in commits:
        match = _PREFIX_RE.match(commit.label)
        if match and match.group(1).lower() in _PREFIX_CATEGORY:
            add(_PREFIX_CATEGORY[match.group(1).lower()], 1.0, f"prefix '{match.group(0)}'")

    paths = [f.path for r in rows for f in r.files if not f.generated]
    if paths:
        infra = sum(1 for p in paths if _INFRA_FILES_RE.search(p))
        docs = sum(1 for p in paths if _DOC_FILES_RE.search(p))
        if infra / len(paths) >= 0.5:
            add("infrastructure", 2.0, f"{infra} of {len(paths)} files are deployment/CI files")
        if docs / len(paths) >= 0.8:
            add("docs", 3.0, f"{docs} of {len(paths)} files are documentation")
    added = sum(f.added or 0 for r in commits for f in r.files)
    removed = sum(f.removed or 0 for r in commits for f in r.files)
    if removed > added > 0 or (added == 0 and removed > 20):
        add("refactor", 1.0, f"more lines removed ({removed}) than added ({added})")
    new_files = sum(1 for r in commits for f in r.files if (f.added or 0) > 0 and f.removed == 0)
    if new_files:
        add("feature", min(1.0, 0.25 * new_files), f"{new_files} files grew without removals")

    by_name = {f.name: f for f in features}
    if "problem_solved" in by_name:
        add("bug_fix", 2.0, "problem solved: " + by_name["problem_solved"].evidence[0])
    if "fix_commit" in by_name:
        add("bug_fix", 1.0, "fix commit: " + by_name["fix_commit"].evidence[0])
    if "before_after" in by_name:
        add("experiment", 2.0, "measured change: " + by_name["before_after"].evidence[0])
    if "measurements" in by_name:
        add("experiment", 0.5, "measured numbers")
    ml = sorted(_ML_TAGS.intersection(tags))
    if ml:
        add("experiment", 0.5, "tags " + ", ".join(ml))
    infra_tags = sorted(_INFRA_TAGS.intersection(tags))
    if infra_tags:
        add("infrastructure", 0.5 * len(infra_tags), "tags " + ", ".join(infra_tags))

    if not commits:
        if any(r.kind == NOTE for r in rows) and not any(r.files for r in rows):
            add("learning", 1.5, "notes with no code changed")
        questions = [r for r in rows if r.kind == SESSION and r.label.rstrip().endswith("?")]
        if questions:
            add("learning", min(1.5, 0.5 * len(questions)), f"question '{questions[0].label[:60]}'")

    best = max(CATEGORIES, key=lambda name: (points[name], -CATEGORIES.index(name)))
    return Classification(best, points, evidence)


def _unique_lower(words: list[str]) -> list[str]:
    seen: list[str] = []
    for word in words:
        word = word.lower()
        if word not in seen:
            seen.append(word)
    return seen
