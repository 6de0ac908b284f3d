"""Gives a story one category, with the evidence for it.

Categories: feature, bug_fix, refactor, experiment, infrastructure, learning, docs.
Each category collects points from the work itself and from words in what the user wrote
(commit messages, prompts, notes; never the assistant's prose), from the kind of files
changed, and from the story's features. The work: every commit names its kind (its
conventional prefix, else the first word of its subject, else documentation-only files),
weighed by how much it changed, so a day of features with one small "Fix for ..." commit is
a feature day and a day of release notes and docs is a docs day (`_work_shares`). Words
count less where commits say what the work was. The highest total wins; ties go to the
earlier category in `CATEGORIES`, so the result never depends on input order.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from social_publisher.records import COMMIT, NOTE, SESSION
from social_publisher.select.facts import RowFacts
from social_publisher.select.features import Feature
from social_publisher.select.words import word_counts

CATEGORIES = ("bug_fix", "experiment", "feature", "refactor", "infrastructure", "docs", "learning")

# Per category: whole words | word beginnings (Russian stems, "refactor..." ) | phrases.
_VOCABULARY = {
    "bug_fix": ("fix fixes fixed fixing hotfix broken regression error errors fail fails failing failed resolve "
                "resolved resolves rejected wrong incorrect exception traceback",
                "bug crash исправ почин баг ошибк пада", "doesn't work|does not work|not working|bad request|too long"),
    "experiment": ("accuracy baseline train trained training hypothesis ablation phase tried trying compare compared "
                   "compares comparison perplexity loss speedup",
                   "experiment benchmark eval hypothes measur profil эксперимент точност обуч замер сравн бенчмарк "
                   "гипотез", "speed up"),
    "feature": ("add adds added new feat build built enable enabled enables support supports supported",
                "implement introduc creat добав реализ нов созда", ""),
    "refactor": ("move moved moves cleanup", "refactor restructur renam extract simplif reorgani decoupl dedupl "
                 "рефактор переимен упрост вынес перепис", "clean up"),
    "infrastructure": ("ci k8s kubernetes nginx server servers hosting monitoring systemd terraform ansible "
                       "pipeline workflow ssl tls dns proxy vps",
                       "deploy docker backup provision infra деплой сервер инфраструкт развёрт разверт", ""),
    "docs": ("doc docs documentation readme guide docstring docstrings changelog tutorial ридми", "документац", ""),
    "learning": ("til insight lesson course study studied", "learn understand explain разобрал изуч понял узнал урок",
                 "how does|why does|what is|read about"),
}
_EXACT: dict[str, list[str]] = {}
for _category, (_words, _, _) in _VOCABULARY.items():
    for _word in _words.split():
        _EXACT.setdefault(_word, []).append(_category)
_PREFIXES = tuple((category, tuple(prefixes.split())) for category, (_, prefixes, _) in _VOCABULARY.items())
_PHRASES = tuple((category, phrase) for category, (_, _, phrases) in _VOCABULARY.items()
                 for phrase in phrases.split("|") if phrase)
# Memo of words already judged: those that name a category, and those that name none. The
# vocabulary of a developer's work is small, so most words of a story are known after a while.
_WORD_CATEGORIES: dict[str, tuple[str, ...]] = {}
_NO_CATEGORY: set[str] = set()
_MEMO_LIMIT = 500_000


def _categories_of(word: str) -> tuple[str, ...]:
    known = _WORD_CATEGORIES.get(word)
    if known is None:
        found = list(_EXACT.get(word, ()))
        found += [c for c, prefixes in _PREFIXES if c not in found and word.startswith(prefixes)]
        known = tuple(found)
        if len(_WORD_CATEGORIES) + len(_NO_CATEGORY) < _MEMO_LIMIT:
            if known:
                _WORD_CATEGORIES[word] = known
            else:
                _NO_CATEGORY.add(word)
    return known


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
_SCOPE_RE = re.compile(r"^[\w./-]{1,20}:\s+")  # "select: group activity ...": the area, then the subject
_WORK_POINTS = 3.0  # what the whole story's commits are worth, shared out by kind and size
# The kind of work a commit subject names by its first word (after any conventional prefix).
# A word followed by "-", "." or "(" names a command or a function ("Drop-table and drop-view …"), not the work.
_SUBJECT_KINDS = tuple((category, re.compile(f"(?:{pattern})(?![-.(])", re.IGNORECASE)) for category, pattern in (
    ("docs", r"(?:docs?|document\w*|describe\w*|clarif\w*|readme|changelog|release notes|releas\w*|explain\w*)\b"
             r"|(?:updat|improv|tweak|expand|rewr)\w* (?:the )?(?:readme|docs?|documentation|changelog)\b"),
    ("bug_fix", r"(?:fix\w*|hotfix\w*|repair\w*|resolve\w*|correct\w*|handle\w*|prevent\w*|avoid\w*)\b"),
    ("refactor", r"(?:refactor\w*|renam\w*|mov(?:e|ed|es)|extract\w*|simplif\w*|clean\w*|restructur\w*|"
                 r"reorgani[sz]\w*|tid(?:y|ied)|remov\w*|drop(?:s|ped)?|delet\w*)\b"),
    ("feature", r"(?:add\w*|implement\w*|introduc\w*|support\w*|creat\w*|build\w*|built|enabl\w*|new|allow\w*|"
                r"experimental|option|ability)\b"),
    ("experiment", r"(?:measur\w*|benchmark\w*|profil\w*|compar\w*|evaluat\w*|train\w*|tun(?:e|ed|ing)|tr(?:y|ied))\b"),
    ("infrastructure", r"(?:deploy\w*|ci|provision\w*|dockeri[sz]\w*)\b"),
))


@dataclass
class Classification:
    category: str
    points: dict[str, float]
    evidence: dict[str, list[str]]

    def as_dict(self) -> dict:
        return {"points": {k: round(v, 2) for k, v in self.points.items() if v > 0},
                "evidence": self.evidence.get(self.category, [])}


@lru_cache(maxsize=65536)  # the same paths come back in story after story
def _file_kind(path: str) -> tuple[bool, bool]:
    """(a deployment/CI file, a documentation file): deploy/README.md is both."""
    return _INFRA_FILES_RE.search(path) is not None, _DOC_FILES_RE.search(path) is not None


def classify(rows: list[RowFacts], features: list[Feature], tags: list[str],
             words: Counter[str] | None = None) -> Classification:
    """Pick the category; `words` are the counted words of the rows' human text (word_counts), when at hand."""
    points = {name: 0.0 for name in CATEGORIES}
    evidence: dict[str, list[str]] = {name: [] for name in CATEGORIES}

    def add(category: str, amount: float, why: str) -> None:
        points[category] += amount
        if why not in evidence[category] and len(evidence[category]) < 4:
            evidence[category].append(why)

    points["feature"] = 0.5  # plain work with no other signal is a feature
    if words is None:
        words = word_counts([r.human for r in rows])
    hits: dict[str, list[str]] = {}
    counts: Counter[str] = Counter()
    for word in words.keys() - _NO_CATEGORY:  # set difference in C: skips every word known to say nothing
        count = words[word]
        for category in _categories_of(word):
            counts[category] += count
            hits.setdefault(category, []).append(word)
    for found in hits.values():
        found.sort()
    human = None
    for category, phrase in _PHRASES:
        human = human if human is not None else "\n".join(r.human for r in rows).lower()
        if phrase in human:
            counts[category] += human.count(phrase)
            hits.setdefault(category, []).append(phrase)
    # Where commits say what the work was, their words (bodies explain errors a feature avoids) weigh less.
    commit_rows = sum(1 for r in rows if r.kind == COMMIT)
    cap = _WORD_CAP * (1 - 0.5 * commit_rows / len(rows)) if rows else _WORD_CAP
    for category in CATEGORIES:
        if counts[category]:
            add(category, min(cap, float(counts[category])), "words: " + ", ".join(hits[category][:4]))

    commits = [r for r in rows if r.kind == COMMIT]
    shares, why = _work_shares(commits)
    for category, share in shares.items():
        add(category, _WORK_POINTS * share, f"{share:.0%} of the work: " + "; ".join(why[category][:2]))

    paths = [f.path for r in rows for f in r.files if not f.generated]
    if paths:
        kinds = [_file_kind(p) for p in paths]
        infra = sum(1 for is_infra, _ in kinds if is_infra)
        docs = sum(1 for _, is_docs in kinds if is_docs)
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
    if "fix_commit" in by_name:  # one fix among many other commits says little about the day
        add("bug_fix", min(1.0, 2 * shares.get("bug_fix", 0.0)) if commits else 1.0,
            "fix commit: " + by_name["fix_commit"].evidence[0])
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


def commit_kind(row: RowFacts) -> tuple[str | None, float]:
    """The kind of work one commit names, and how sure (1, or 0.5 for a subject that names a new
    thing without a verb: "Experimental TUI powered by Trogon", "Site channel, Atom feeds")."""
    subject = row.label.strip()
    match = _PREFIX_RE.match(subject)
    if match:
        if match.group(1).lower() in _PREFIX_CATEGORY:
            return _PREFIX_CATEGORY[match.group(1).lower()], 1.0
        subject = subject[match.end():].strip()
    subject = _SCOPE_RE.sub("", subject)
    paths = [f.path for f in row.files if not f.generated]
    if paths and all(_DOC_FILES_RE.search(p) for p in paths):
        return "docs", 1.0
    for category, pattern in _SUBJECT_KINDS:
        if pattern.match(subject):
            return category, 1.0
    added = sum(f.added or 0 for f in row.files if not f.generated)
    removed = sum(f.removed or 0 for f in row.files if not f.generated)
    if added >= 20 and added >= 3 * removed:
        return "feature", 0.5
    return None, 0.0


def _work_shares(commits: list[RowFacts]) -> tuple[dict[str, float], dict[str, list[str]]]:
    """Per category, the share of the story's commits (weighed by lines changed) that do its kind of work."""
    votes: dict[str, float] = {}
    why: dict[str, list[str]] = {}
    total = 0.0
    for row in commits:
        lines = sum((f.added or 0) + (f.removed or 0) for f in row.files if not f.generated)
        weight = 1.0 + math.log2(1 + lines)
        total += weight
        category, sure = commit_kind(row)
        if category:
            votes[category] = votes.get(category, 0.0) + weight * sure
            why.setdefault(category, []).append(f"'{row.label[:50]}'")
    return ({c: v / total for c, v in votes.items() if v > 0} if total else {}), why

