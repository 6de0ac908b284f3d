"""Turn an action from the facts ("Add retry to the fetcher", "added a cache") into
first-person phrases in English and Russian.

Commit subjects and session sentences start with a verb; the verb is looked up
in a small bilingual table and the rest (the object) is kept as written. An
action whose verb is unknown, or that is written in the other language, is
quoted instead of paraphrased, so nothing is ever translated by guesswork.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from social_publisher.write.text import language_of

# base: (past, gerund, ru past (masculine, "я ..."), ru infinitive, kind)
VERBS: dict[str, tuple[str, str, str, str, str]] = {
    "add": ("added", "adding", "добавил", "добавить", "feature"),
    "implement": ("implemented", "implementing", "реализовал", "реализовать", "feature"),
    "introduce": ("introduced", "introducing", "ввёл", "ввести", "feature"),
    "support": ("added support for", "supporting", "добавил поддержку", "поддержать", "feature"),
    "create": ("created", "creating", "создал", "создать", "feature"),
    "build": ("built", "building", "собрал", "собрать", "feature"),
    "write": ("wrote", "writing", "написал", "написать", "feature"),
    "make": ("made", "making", "сделал", "сделать", "feature"),
    "enable": ("enabled", "enabling", "включил", "включить", "feature"),
    "allow": ("allowed", "allowing", "разрешил", "разрешить", "feature"),
    "wire": ("wired", "wiring", "подключил", "подключить", "feature"),
    "integrate": ("integrated", "integrating", "встроил", "встроить", "feature"),
    "fix": ("fixed", "fixing", "исправил", "исправить", "fix"),
    "handle": ("handled", "handling", "обработал", "обработать", "fix"),
    "prevent": ("prevented", "preventing", "предотвратил", "предотвратить", "fix"),
    "avoid": ("avoided", "avoiding", "избежал", "избежать", "fix"),
    "repair": ("repaired", "repairing", "починил", "починить", "fix"),
    "resolve": ("resolved", "resolving", "устранил", "устранить", "fix"),
    "guard": ("guarded", "guarding", "защитил", "защитить", "fix"),
    "speed": ("sped", "speeding", "ускорил", "ускорить", "perf"),
    "optimize": ("optimized", "optimizing", "оптимизировал", "оптимизировать", "perf"),
    "optimise": ("optimised", "optimising", "оптимизировал", "оптимизировать", "perf"),
    "cache": ("cached", "caching", "закешировал", "закешировать", "perf"),
    "reduce": ("reduced", "reducing", "сократил", "сократить", "perf"),
    "lower": ("lowered", "lowering", "снизил", "снизить", "perf"),
    "batch": ("batched", "batching", "сгруппировал", "сгруппировать", "perf"),
    "parallelize": ("parallelized", "parallelizing", "распараллелил", "распараллелить", "perf"),
    "increase": ("increased", "increasing", "увеличил", "увеличить", "perf"),
    "limit": ("limited", "limiting", "ограничил", "ограничить", "perf"),
    "refactor": ("refactored", "refactoring", "переработал", "переработать", "refactor"),
    "rewrite": ("rewrote", "rewriting", "переписал", "переписать", "refactor"),
    "extract": ("extracted", "extracting", "вынес", "вынести", "refactor"),
    "split": ("split", "splitting", "разделил", "разделить", "refactor"),
    "simplify": ("simplified", "simplifying", "упростил", "упростить", "refactor"),
    "rename": ("renamed", "renaming", "переименовал", "переименовать", "refactor"),
    "move": ("moved", "moving", "перенёс", "перенести", "refactor"),
    "replace": ("replaced", "replacing", "заменил", "заменить", "refactor"),
    "remove": ("removed", "removing", "убрал", "убрать", "refactor"),
    "delete": ("deleted", "deleting", "удалил", "удалить", "refactor"),
    "drop": ("dropped", "dropping", "убрал", "убрать", "refactor"),
    "clean": ("cleaned", "cleaning", "почистил", "почистить", "refactor"),
    "tidy": ("tidied", "tidying", "привёл в порядок", "привести в порядок", "refactor"),
    "polish": ("polished", "polishing", "отполировал", "отполировать", "refactor"),
    "harden": ("hardened", "hardening", "укрепил", "укрепить", "fix"),
    "restore": ("restored", "restoring", "восстановил", "восстановить", "fix"),
    "detect": ("detected", "detecting", "научил код распознавать", "научить код распознавать", "feature"),
    "teach": ("taught", "teaching", "научил", "научить", "feature"),
    "show": ("showed", "showing", "показал", "показать", "feature"),
    "keep": ("kept", "keeping", "сохранил", "сохранить", "refactor"),
    "skip": ("skipped", "skipping", "пропустил", "пропустить", "fix"),
    "group": ("grouped", "grouping", "сгруппировал", "сгруппировать", "refactor"),
    "store": ("stored", "storing", "сохранил", "сохранить", "feature"),
    "collect": ("collected", "collecting", "собрал", "собрать", "feature"),
    "publish": ("published", "publishing", "опубликовал", "опубликовать", "infra"),
    "send": ("sent", "sending", "отправил", "отправить", "feature"),
    "parse": ("parsed", "parsing", "разобрал", "разобрать", "feature"),
    "render": ("rendered", "rendering", "отрисовал", "отрисовать", "feature"),
    "retry": ("retried", "retrying", "повторил", "повторить", "fix"),
    "record": ("recorded", "recording", "записал", "записать", "docs"),
    "route": ("routed", "routing", "направил", "направить", "feature"),
    "import": ("imported", "importing", "импортировал", "импортировать", "other"),
    "export": ("exported", "exporting", "экспортировал", "экспортировать", "feature"),
    "honour": ("honoured", "honouring", "начал учитывать", "учитывать", "fix"),
    "honor": ("honored", "honoring", "начал учитывать", "учитывать", "fix"),
    "respect": ("respected", "respecting", "начал учитывать", "учитывать", "fix"),
    "put": ("put", "putting", "поставил", "поставить", "infra"),
    "pass": ("passed", "passing", "передал", "передать", "feature"),
    "return": ("returned", "returning", "вернул", "вернуть", "fix"),
    "accept": ("accepted", "accepting", "научил код принимать", "принимать", "feature"),
    "reject": ("rejected", "rejecting", "научил код отклонять", "отклонять", "fix"),
    "expose": ("exposed", "exposing", "открыл", "открыть", "feature"),
    "load": ("loaded", "loading", "загрузил", "загрузить", "feature"),
    "save": ("saved", "saving", "сохранил", "сохранить", "feature"),
    "read": ("read", "reading", "прочитал", "прочитать", "feature"),
    "fetch": ("fetched", "fetching", "получил", "получить", "feature"),
    "download": ("downloaded", "downloading", "скачал", "скачать", "feature"),
    "upload": ("uploaded", "uploading", "загрузил", "загрузить", "feature"),
    "sync": ("synced", "syncing", "синхронизировал", "синхронизировать", "feature"),
    "schedule": ("scheduled", "scheduling", "запланировал", "запланировать", "feature"),
    "throttle": ("throttled", "throttling", "притормозил", "притормозить", "perf"),
    "wrap": ("wrapped", "wrapping", "обернул", "обернуть", "refactor"),
    "cap": ("capped", "capping", "ограничил", "ограничить", "fix"),
    "raise": ("raised", "raising", "поднял", "поднять", "other"),  # a limit, or an exception: no kind of its own
    "catch": ("caught", "catching", "перехватил", "перехватить", "fix"),
    "ignore": ("ignored", "ignoring", "стал игнорировать", "игнорировать", "fix"),
    "filter": ("filtered", "filtering", "отфильтровал", "отфильтровать", "feature"),
    "sort": ("sorted", "sorting", "отсортировал", "отсортировать", "feature"),
    "dedupe": ("deduplicated", "deduplicating", "убрал дубли:", "убрать дубли:", "fix"),
    "deduplicate": ("deduplicated", "deduplicating", "убрал дубли:", "убрать дубли:", "fix"),
    "normalize": ("normalized", "normalizing", "нормализовал", "нормализовать", "refactor"),
    "normalise": ("normalised", "normalising", "нормализовал", "нормализовать", "refactor"),
    "escape": ("escaped", "escaping", "экранировал", "экранировать", "fix"),
    "sanitize": ("sanitized", "sanitizing", "очистил", "очистить", "fix"),
    "redact": ("redacted", "redacting", "скрыл", "скрыть", "fix"),
    "encrypt": ("encrypted", "encrypting", "зашифровал", "зашифровать", "feature"),
    "compress": ("compressed", "compressing", "сжал", "сжать", "perf"),
    "profile": ("profiled", "profiling", "профилировал", "профилировать", "perf"),
    "trace": ("traced", "tracing", "отследил", "отследить", "fix"),
    "instrument": ("instrumented", "instrumenting", "добавил метрики в", "добавить метрики в", "infra"),
    "monitor": ("monitored", "monitoring", "поставил на мониторинг", "поставить на мониторинг", "infra"),
    "notify": ("notified", "notifying", "добавил уведомления:", "добавить уведомления:", "feature"),
    "report": ("reported", "reporting", "вывел в отчёт", "вывести в отчёт", "feature"),
    "print": ("printed", "printing", "вывел", "вывести", "feature"),
    "format": ("formatted", "formatting", "отформатировал", "отформатировать", "refactor"),
    "annotate": ("annotated", "annotating", "аннотировал", "аннотировать", "refactor"),
    "port": ("ported", "porting", "портировал", "портировать", "refactor"),
    "translate": ("translated", "translating", "перевёл", "перевести", "feature"),
    "localize": ("localized", "localizing", "локализовал", "локализовать", "feature"),
    "stream": ("streamed", "streaming", "сделал потоковым", "сделать потоковым", "perf"),
    "count": ("counted", "counting", "посчитал", "посчитать", "feature"),
    "serve": ("served", "serving", "отдал", "отдать", "feature"),
    "bound": ("bounded", "bounding", "ограничил", "ограничить", "fix"),
    "protect": ("protected", "protecting", "защитил", "защитить", "fix"),
    "secure": ("secured", "securing", "защитил", "защитить", "fix"),
    "warn": ("warned", "warning", "добавил предупреждение:", "добавить предупреждение:", "feature"),
    "switch": ("switched", "switching", "переключил", "переключить", "refactor"),
    "change": ("changed", "changing", "изменил", "изменить", "refactor"),
    "update": ("updated", "updating", "обновил", "обновить", "refactor"),
    "improve": ("improved", "improving", "улучшил", "улучшить", "refactor"),
    "tighten": ("tightened", "tightening", "ужесточил", "ужесточить", "refactor"),
    "unify": ("unified", "unifying", "унифицировал", "унифицировать", "refactor"),
    "test": ("tested", "testing", "покрыл тестами", "покрыть тестами", "test"),
    "cover": ("covered", "covering", "покрыл", "покрыть", "test"),
    "check": ("checked", "checking", "проверил", "проверить", "test"),
    "validate": ("validated", "validating", "добавил проверку", "проверить", "test"),
    "verify": ("verified", "verifying", "проверил", "проверить", "test"),
    "document": ("documented", "documenting", "описал", "описать", "docs"),
    "describe": ("described", "describing", "описал", "описать", "docs"),
    "explain": ("explained", "explaining", "объяснил", "объяснить", "docs"),
    "train": ("trained", "training", "обучил", "обучить", "experiment"),
    "tune": ("tuned", "tuning", "настроил", "настроить", "experiment"),
    "measure": ("measured", "measuring", "измерил", "измерить", "experiment"),
    "benchmark": ("benchmarked", "benchmarking", "замерил", "замерить", "experiment"),
    "evaluate": ("evaluated", "evaluating", "оценил", "оценить", "experiment"),
    "compare": ("compared", "comparing", "сравнил", "сравнить", "experiment"),
    "try": ("tried", "trying", "попробовал", "попробовать", "experiment"),
    "experiment": ("experimented with", "experimenting with", "поэкспериментировал с", "поэкспериментировать с",
                   "experiment"),
    "configure": ("configured", "configuring", "настроил", "настроить", "infra"),
    "set": ("set", "setting", "настроил", "настроить", "infra"),
    "deploy": ("deployed", "deploying", "развернул", "развернуть", "infra"),
    "migrate": ("migrated", "migrating", "перевёл", "перевести", "infra"),
    "upgrade": ("upgraded", "upgrading", "обновил", "обновить", "infra"),
    "pin": ("pinned", "pinning", "зафиксировал", "зафиксировать", "infra"),
    "log": ("logged", "logging", "залогировал", "залогировать", "infra"),
    "run": ("ran", "running", "запустил", "запустить", "infra"),
    "ship": ("shipped", "shipping", "выкатил", "выкатить", "infra"),
    "release": ("released", "releasing", "выпустил", "выпустить", "infra"),
}
# Verb forms as they appear in subjects and sentences -> base.
_IRREGULAR = {"caught": "catch", "read": "read", "put": "put", "taught": "teach", "kept": "keep", "sent": "send", "showed": "show", "shown": "show", "wrote": "write", "written": "write", "made": "make", "built": "build", "sped": "speed",
              "ran": "run", "split": "split", "set": "set", "tried": "try", "tidied": "tidy",
              "simplified": "simplify", "unified": "unify", "verified": "verify", "parallelised": "parallelize",
              "rewrote": "rewrite", "rewritten": "rewrite"}
_PHRASAL = {"speed up": "speed", "set up": "set", "clean up": "clean", "tidy up": "tidy", "wire up": "wire",
            "sped up": "speed", "cleaned up": "clean", "wired up": "wire", "tidied up": "tidy"}
# Russian past forms -> base, so a Russian subject can still be classified.
_RU_PAST = {ru: base for base, (_, _, ru, _, _) in VERBS.items() if " " not in ru and ":" not in ru}
_FILE = (r"(?:[\w.-]+/)*[\w-]+\.(?:py|js|ts|tsx|jsx|go|rs|rb|java|kt|c|h|cpp|hpp|cs|php|sh|sql|toml|yaml|yml|json|md|"
         r"txt|cfg|ini|html|css|lock|rst)")
_DOTTED = r"\.?(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*"  # "db.query", ".convert", "Table.pks"
# A call with its arguments when they hold no space-separated prose ("insert(pk=, alter=True)").
_CALL = rf"{_DOTTED}\((?:[^()\s]|, ){{0,60}}\)"
_SNAKE = r"\.?(?:[A-Za-z_]\w*\.)*\w*[A-Za-z\d]_\w+(?:\.\w+)*(?:=[\w.]*)?"  # "foreign_keys=", "journal_mode=wal"
_FLAG = r"(?<![^\s(\[\"'/])--?[a-z][\w-]*=?"  # "--fmt", "-e"; not the "-prefixed" of "execute()-prefixed"
_CODEY = re.compile(rf"(?<![`\w.-])({_FILE}|{_CALL}|{_SNAKE}|{_FLAG})(?![`\w(-])")
_SPAN_OR_CODEY = re.compile(rf"(`[^`\n]*`)|{_CODEY.pattern}")  # a code span is kept; what follows it stays prose


@dataclass(frozen=True)
class Action:
    """One action split into its verb (a VERBS key, or None) and the rest."""

    original: str
    lang: str
    verb: str | None
    obj: str

    @property
    def kind(self) -> str:
        return VERBS[self.verb][4] if self.verb else "other"

    @property
    def known(self) -> bool:
        return self.verb is not None and bool(self.obj)


# "collect: git source", "feat(api)!: add X", "Store: run migrations": a scope label before the subject.
_SCOPE_PREFIX = re.compile(r"^[\w./-]{1,20}(?:\([\w./, -]{1,30}\))?!?:\s+(?=\S)")


def parse(text: str) -> Action:
    text = _SCOPE_PREFIX.sub("", text.strip()).rstrip(".!")
    lang = language_of(text)
    lowered = text.lower()
    if lang == "ru":
        first, _, rest = text.partition(" ")
        base = _RU_PAST.get(first.lower())
        return Action(text, lang, base, rest.strip())
    for phrase, base in _PHRASAL.items():
        if lowered.startswith(phrase + " "):
            return Action(text, lang, base, text[len(phrase):].strip())
    first, _, rest = text.partition(" ")
    base = _base_form(first.lower())
    rest = rest.strip()
    if base in _NOUN_TOO and first.lower() == base and not _reads_as_verb(rest):
        base = None  # "Retry logic for the uploader", "Cache layer": a noun phrase, quoted as written
    if re.match(r"(?:and|or|&|\+)\s", rest, re.IGNORECASE):
        base = None  # "checks and tests: ...": a list of nouns, not a verb with its object
    if base == "fix" and re.match(r"for\s", rest, re.IGNORECASE):
        base = None  # "Fix for missing csv support", "Fixes for Ruff": a noun phrase ("fixed for …" is no English)
    if re.search(r"\bnow\s+[a-z]+s\b", rest):
        base = None  # "Create table now works for m2m": a statement about a command, not an order
    if re.match(r"--?[a-z][\w-]*:\s", rest):
        base = None  # "Migrate --stop-before: validate names": a command and its option, then what changed
    if base == "experiment" and rest.lower().startswith("with "):
        rest = rest[5:]
    return Action(text, lang, base, rest)


# Words that start commit subjects as verbs ("Cache the results") and as nouns ("Cache layer").
_NOUN_TOO = {"retry", "cache", "log", "report", "print", "format", "count", "record", "trace", "profile", "filter",
             "sort", "store", "group", "route", "import", "export", "stream", "release", "benchmark", "experiment",
             "test", "check", "document", "schedule", "sync", "upload", "download", "wrap", "cap", "bound", "serve",
             "run", "set", "limit", "split", "change", "update", "support", "pass", "return", "load", "save", "read",
             "fetch", "warn", "notify", "collect", "render", "parse", "send", "show", "keep", "skip", "lower",
             "batch", "measure", "pin", "port", "translate", "secure", "protect", "guard", "detect"}
_DETERMINERS = {"the", "a", "an", "all", "each", "every", "its", "their", "my", "our", "this", "that", "these",
                "those", "some", "any", "no", "both", "up", "out", "away", "it", "them"}


def _reads_as_verb(rest: str) -> bool:
    """Whether the words after an ambiguous first word make it a verb: "the results", "failed requests
    to the log", "prompts to the expert"; not "logic for the uploader"."""
    words = rest.split()
    if not words:
        return False
    first = words[0].lower().strip("`'\"")
    if first in _DETERMINERS or re.search(r"[`._/()]", words[0]):
        return True
    if first.endswith("s") and not first.endswith(("ss", "us", "is")):
        return True
    return bool(re.search(r"\b(?:to|from|into|through|onto|per|before|after|across)\b", rest.lower()))


def _base_form(word: str) -> str | None:
    if word in VERBS:
        return word
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    for suffix, replacement in (("ied", "y"), ("ies", "y"), ("ed", ""), ("ed", "e"), ("es", ""), ("s", ""),
                                ("ing", ""), ("ing", "e")):
        if word.endswith(suffix):
            candidate = word[: -len(suffix)] + replacement
            if candidate in VERBS:
                return candidate
            if len(candidate) > 2 and candidate[-1] == candidate[-2] and candidate[:-1] in VERBS:
                return candidate[:-1]  # "dropped" -> "drop"
    return None


_HEAD_END = re.compile(r":\s|;\s|\s[—–]\s|\s\(")
_DANGLING = {"a", "an", "the", "and", "or", "for", "to", "in", "of", "on", "at", "by", "with", "from", "as", "into",
             "not", "without", "than", "but"}


def head_of(text: str, max_words: int = 6) -> str:
    """The short form of a commit subject for a page that cannot quote it whole: the words before
    its first ':', ';', ' — ' or ' (' ("CLI error tests" of "CLI error tests: one-line messages"),
    plus every later clause that holds a number, between '…' ("CLI error tests: … exit 2 …"), so the
    short form carries every number the whole subject does. A long subject without such a break
    keeps its first words and '…' (whole when it holds a number); a short one is its own head."""
    text = text.strip().rstrip(".")
    match = _HEAD_END.search(text)
    if match and 1 <= len(text[: match.start()].split()) <= max_words:
        head, tail = text[: match.start()].rstrip(" ,"), text[match.start():]
        clauses = re.split(r"(?<=[,;])\s+", tail.lstrip(":;—– "))
        kept = [i for i, clause in enumerate(clauses) if re.search(r"\d", clause)]
        if not kept:
            return head
        if match.group(0).strip() == "(":  # a number in a parenthesis: the subject is short enough whole
            return text
        told = " … ".join(clauses[i].rstrip(",;") for i in kept)
        return (f"{head}{match.group(0).rstrip()} {'… ' if kept[0] else ''}{told}"
                f"{' …' if kept[-1] < len(clauses) - 1 else ''}")
    words = text.split()
    if len(words) <= max_words or re.search(r"\d", text):
        return text
    kept_words = words[:5]
    while len(kept_words) > 1 and kept_words[-1].lower().strip(",;:") in _DANGLING:
        kept_words.pop()
    return " ".join(kept_words).rstrip(",;:") + "…"


def mark_code(text: str) -> str:
    """Wrap file names and identifiers in backticks so they read (and are checked) as code: a code
    span covers the whole name ("`db.begin()`", "`foreign_keys=`", "`add_foreign_keys()`"), and
    text already in backticks is left as it is."""
    return _SPAN_OR_CODEY.sub(lambda m: m.group(1) or f"`{m.group(2)}`", text)


def past(action: Action, lang: str) -> str | None:
    """'added retry to the fetcher' / 'добавил «retry to the fetcher»'; None when it must be quoted instead."""
    if not action.known:
        return None
    if action.lang == lang == "ru":
        return action.original[:1].lower() + action.original[1:]
    if action.lang == "ru":
        return None
    en_past, _, ru_past, _, _ = VERBS[action.verb]  # type: ignore[index]
    if lang == "en":
        return f"{en_past}{' up' if action.verb in ('speed',) else ''} {mark_code(action.obj)}"
    return f"{ru_past} «{mark_code(action.obj)}»"


def gerund(action: Action) -> str | None:
    """'Adding retry to the fetcher' (English titles); None when the action is not an English verb phrase."""
    if not action.known or action.lang != "en":
        return None
    return f"{VERBS[action.verb][1]}{' up' if action.verb == 'speed' else ''} {action.obj}"  # type: ignore[index]


_REFERENCES_ONLY = re.compile(r"(?i)^(?:(?:closes|close|fixes|fixed|refs?|see|resolves|part of)\s+"
                              r"(?:#\d+|https?://\S+|[\w.-]+/[\w.-]+#\d+)[,.;\s]*)+$")
_CODE_MARKS = re.compile(r"[\[\]{}()\"=<>]")


def whole_note(text: str) -> bool:
    """Whether a sentence of a commit body can be told on its own: not the lead-in of a list or code
    block the post does not show ("… in the existing tuple forms:"), not cut ("… FOREIGN KEY ..."),
    not code itself (`foreign_keys=[(["a", "b"], "departments")]`, a command line with its quoted
    argument) and not only references
    ("Closes #559 Closes #235")."""
    text = text.strip()
    if not re.search(r"[^\W\d_]{2}", text) or text.endswith((":", "...", "…", ",", ";")) or _REFERENCES_ONLY.match(text):
        return False  # "." is what "Refs #296, closes #246." leaves in a brief made before enrich dropped it
    if not text.endswith((".", "!", "?")) and re.search(r"\"[^\"]*\s[^\"]*\"|^\$ |\s\|\s", text):
        return False  # a command line from an indented block: 'sqlite-utils json db.db "select * from t"'

    return len(_CODE_MARKS.findall(text)) * 8 <= len(text)
