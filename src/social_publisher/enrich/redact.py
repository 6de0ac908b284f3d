"""Secret and private-data redaction: what must never leave the machine.

Two layers, both pure functions of text:
- *values* that are secret or private wherever they appear (provider keys and tokens,
  passwords in assignments and commands, card and phone numbers, internal hosts, e-mails,
  IP addresses, ...: found by `detect.py`) are replaced by a neutral mask,
  `[redacted: aws key]`; home folders are rewritten to `~`;
- *credential talk*, a sentence that says where a password, token, key or certificate
  lives, what it is or whose it is ("the Vault root token lives in /etc/vault/root.txt",
  defect 6 of post-anatomy.md), is dropped whole. A sentence that names such a thing
  without revealing anything ("I limited the calls per API key") stays.

`Redactor.scrub` masks, then drops every sentence that only existed to carry a masked
value (little else is left in it) or that is credential talk. `Redactor.findings` is the
same detection used as a check on written posts (nothing the redactor removed may come back).
Fingerprints of removed values are keyed hashes (HMAC-SHA256 with the store's own random
key), so a fingerprint cannot be turned back into a short value such as an IP address.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from social_publisher.enrich.detect import Detector, Span, looks_random
from social_publisher.enrich.talk import credential_term, may_name_credential, revealing
from social_publisher.signals import SENTENCE_BREAK

MASK_RE = re.compile(r"\[redacted: [a-z0-9 -]+\]")

# Paths that name where secrets are kept.
CREDENTIAL_PATH = re.compile(
    r"(?i)(?:^|[\s`'\"(/])[\w./~-]*(?:auth\.json|\.env\b|secrets?[\w-]*\.\w+|credentials?[\w-]*\.\w+"
    r"|users_database[\w.-]*\.ya?ml|\.pem\b|\.p12\b|\.pfx\b|\.key\b|\.jks\b|\.keystore\b|id_rsa|id_ed25519|id_ecdsa"
    r"|\.netrc|\.pgpass|\.npmrc|\.pypirc|htpasswd|keyring|\.kube/config|\.aws/credentials|\.docker/config\.json)"
)
_PATH_STEMS = ("auth.json", ".env", "secret", "credential", "users_database", ".pem", ".p12", ".pfx", ".key", ".jks",
               ".keystore", "id_rsa", "id_ed25519", "id_ecdsa", ".netrc", ".pgpass", ".npmrc", ".pypirc", "htpasswd",
               "keyring", ".kube/config")
# Home folders name the user: rewritten to "~" (kept, not dropped). A repository path may
# start with "home/<user>/" (a dotfiles repository, a backup).
HOME_PATH = re.compile(r"(?:(?<![\w.~-])/home|(?<![\w.~-])/Users|[A-Za-z]:\\Users)[/\\][^/\\\s\"'`)]+"
                       r"|(?<![\w./~-])home/[^/\s\"'`)]+(?=/)")

_SENTENCE_SPLIT = re.compile(f"({SENTENCE_BREAK.pattern})")  # the group keeps the separators
# A sentence keeps its mask only when it still says something without the value.
MIN_CONTENT_WORDS = 4
_WORD = re.compile(r"[^\W\d_]{3,}(?:-[^\W\d_]+)*")
_STOPWORDS = frozenset("""
the and for with from into that this then than was were are has have had use used using via its our your their
him her his she they them you not but also just now all any some per out off over under onto about again
it's i'm i've let set get got put run ran see one two these those here there which what when
для это как что при над под без или его она они мой мою моё мне был была было были уже ещё еще так там тут
""".split())


@dataclass(frozen=True)
class Finding:
    """One thing the redactor would remove: its kind and the text it matched."""

    kind: str
    text: str


@dataclass(frozen=True)
class Removed:
    """One value (or dropped sentence) removed from a text, for the audit log."""

    kind: str
    value: str

    @property
    def preview(self) -> str:
        return preview(self.value)


@dataclass
class Scrubbed:
    """The result of scrubbing one text: what is left, what was removed."""

    text: str
    removed: int = 0
    fingerprints: set[str] = field(default_factory=set)
    found: list[Removed] = field(default_factory=list)

    def note(self, kind: str, value: str) -> None:
        self.removed += 1
        self.found.append(Removed(kind, value))


def preview(value: str) -> str:
    """A removed value as it may be shown to its owner: the first and last two characters only."""
    value = " ".join(value.split())
    shown = f"{value[:2]}…{value[-2:]}" if len(value) >= 8 else "…"
    return f"{shown} ({len(value)} chars)"


def mask(kind: str) -> str:
    return f"[redacted: {kind}]"


def fingerprint(value: str, key: bytes = b"") -> str:
    """`<words>:<keyed hash prefix>` of a removed value, so a check can spot it without storing it."""
    words = value.split()
    digest = hmac.new(key, " ".join(words).lower().encode("utf-8"), hashlib.sha256).hexdigest()[:20]
    return f"{len(words)}:{digest}"


class Redactor:
    """Finds and removes secrets, private values and credential talk.

    `extra_patterns` and `private_domains` come from the config ([enrich] redact_patterns,
    private_domains); `key` is the store's fingerprint key (`Store.redaction_key()`).
    """

    def __init__(self, extra_patterns: Iterable[str] = (), private_domains: Iterable[str] = (), key: bytes = b""):
        self.detector = Detector(extra_patterns, private_domains)
        self.key = key
        # scrub_json's strings and scrub_words' words (select's evidence, tag reasons, signature
        # words) repeat thousands of times in one run: each is judged once.
        self._scrubbed: dict[str, str] = {}
        self._word_kept: dict[str, bool] = {}

    @classmethod
    def for_config(cls, config: Any, store: Any = None) -> "Redactor":
        """The redactor a stage uses: the config's patterns and domains, the store's key."""
        return cls(config.enrich.redact_patterns, config.enrich.private_domains,
                   key=store.redaction_key() if store is not None else b"")

    def fingerprint(self, value: str) -> str:
        return fingerprint(value, self.key)

    def spans(self, text: str) -> list[Span]:
        return self.detector.spans(text)

    def findings(self, text: str) -> list[Finding]:
        """Everything in `text` the redactor would remove (values first, then credential talk)."""
        text = MASK_RE.sub(" ", text)
        found = [Finding(s.kind, text[s.start:s.end]) for s in self.detector.spans(text)]
        if may_name_credential(text.lower()):
            for sentence in _SENTENCE_SPLIT.split(unwrap(text))[::2]:
                talk = _credential_talk(sentence)
                if talk:
                    found.append(Finding("credential talk", talk))
        if credential_path(text):
            found += [Finding("credential path", m.group(0).strip(" `'\"(")) for m in CREDENTIAL_PATH.finditer(text)]
        if _may_hold_home(text):
            found += [Finding("home path", m.group(0)) for m in HOME_PATH.finditer(text)]
        return found

    def mask(self, text: str, result: Scrubbed | None = None) -> str:
        """`text` with every secret or private value masked and home folders rewritten; nothing dropped."""
        result = result if result is not None else Scrubbed(text="")
        pieces, position = [], 0
        for span in self.detector.spans(text):
            value = text[span.start:span.end]
            pieces += [text[position:span.start], mask(span.kind)]
            position = span.end
            result.note(span.kind, value)
            if len(value) >= 4:  # shorter values would match ordinary words in a post
                result.fingerprints.add(self.fingerprint(value))
        pieces.append(text[position:])

        def home(match: re.Match[str]) -> str:
            result.note("home path", match.group(0))
            return "~"

        masked = "".join(pieces)
        return HOME_PATH.sub(home, masked) if _may_hold_home(masked) else masked

    def scrub(self, text: str) -> Scrubbed:
        """Mask every value, then drop each sentence that only carried one, and credential talk.

        Hard-wrapped lines are joined first, so a sentence is dropped whole even when it
        spans lines.
        """
        result = Scrubbed(text="")
        if not text:
            return result
        masked = self.mask(unwrap(text), result)
        lowered = masked.lower()
        may_talk, may_path = may_name_credential(lowered), may_hold_credential_path(lowered)
        if not (may_talk or may_path or has_mask(masked)):
            result.text = masked.strip()
            return result
        kept: list[str] = []
        parts = _SENTENCE_SPLIT.split(masked)
        for index in range(0, len(parts), 2):
            sentence = parts[index]
            separator = parts[index + 1] if index + 1 < len(parts) else ""
            if has_mask(sentence) and (_content_words(sentence) < MIN_CONTENT_WORDS
                                       or may_talk and credential_term(MASK_RE.sub(" ", sentence))):
                continue  # the sentence was there for the value (its mask is already counted)
            path = may_path and credential_path(sentence)
            if path or may_talk and _credential_talk(sentence):
                result.note("credential path" if path else "credential talk", sentence.strip())
                continue
            kept.append(sentence + separator)
        result.text = "".join(kept).strip()
        return result

    def whole_or_none(self, text: str) -> str | None:
        """`text` with home folders rewritten, or None when anything else in it would be redacted.

        For commands, error lines and paths, where dropping a sentence would leave a broken fragment.
        """
        if any(finding.kind != "home path" for finding in self.findings(text)):
            return None
        return HOME_PATH.sub("~", text)

    def scrub_path(self, path: str) -> str | None:
        """A file path as it may be shown: home folder rewritten, None when it names a secret's home
        or holds a private value (an internal host name, an e-mail)."""
        if credential_path(path) or self.detector.spans(path):
            return None
        return HOME_PATH.sub("~", path)

    def scrub_words(self, words: str) -> str:
        """Space-separated words (select's duplicate signature) without those that are a secret or
        look like one out of context: a provider key, a random value, a long run mixing letters and
        digits ("hunter2hunter2"; "sqlite3" and "gsm8k" stay)."""
        return " ".join(word for word in words.split(" ") if self._keeps_word(word))

    def _keeps_word(self, word: str) -> bool:
        kept = self._word_kept.get(word)
        if kept is None:
            kept = not (self.detector.spans(word) or looks_random(word) or _MIXED_SEGMENT.search(word))
            _remember(self._word_kept, word, kept)
        return kept

    def scrub_json(self, value: Any, skip: frozenset[str] = frozenset()) -> Any:
        """A JSON-like value with every string masked (credential talk replaced by its mask);
        keys in `skip` are kept as they are. For what select stores and prints."""
        if isinstance(value, str):
            if not value:
                return value
            scrubbed = self._scrubbed.get(value)
            if scrubbed is None:
                masked = self.mask(value)
                scrubbed = mask("credential talk") if _credential_talk(masked) or credential_path(masked) else masked
                if len(value) <= _REMEMBERED_LENGTH:
                    _remember(self._scrubbed, value, scrubbed)
            return scrubbed
        if isinstance(value, dict):
            return {k: v if k in skip else self.scrub_json(v, skip) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.scrub_json(v, skip) for v in value]
        return value


_REMEMBERED_LENGTH = 300  # longer strings rarely come back
_REMEMBERED = 50_000


def _remember(memo: dict, key: str, value: Any) -> None:
    if len(memo) >= _REMEMBERED:
        memo.clear()
    memo[key] = value


_MIXED_SEGMENT = re.compile(r"(?=[^_]*\d)(?=[^_]*[^\W\d_])[^_]{8,}")


def has_mask(text: str) -> bool:
    return "[redacted: " in text and bool(MASK_RE.search(text))


def may_hold_credential_path(lowered: str) -> bool:
    return any(stem in lowered for stem in _PATH_STEMS)


def credential_path(text: str) -> re.Match[str] | None:
    return CREDENTIAL_PATH.search(text) if may_hold_credential_path(text.lower()) else None


def _may_hold_home(text: str) -> bool:
    return "home/" in text or "Users" in text


def _content_words(sentence: str) -> int:
    """Plain words left in a sentence once its masks are out: code (names, paths, assignments) is
    not counted, so `export API_KEY=[redacted: ...]` says nothing without its value."""
    words = (token.strip("`'\"()[]{}<>,;:.!?«»*") for token in MASK_RE.sub(" ", sentence).split())
    return sum(1 for w in words if _WORD.fullmatch(w) and w.lower() not in _STOPWORDS
               and not (w.isupper() and len(w) > 1))


def _credential_talk(sentence: str) -> str | None:
    """The credential term of a sentence that reveals where, what or whose a credential is
    (a masked value beside a credential term reveals one too)."""
    masked = has_mask(sentence)
    plain = MASK_RE.sub(" ", sentence) if masked else sentence
    term = credential_term(plain)
    if term and (masked or revealing(plain)):
        return term
    return None


_BLOCK_START = re.compile(r"\s*(?:[-*•+]\s|\d+[.)]\s|#|\||```|>|-{3,})")


def unwrap(text: str) -> str:
    """Join hard-wrapped lines into their paragraph or list item; code fences, headings, tables stay."""
    out: list[str] = []
    in_fence = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            in_fence = not in_fence
            out.append(line)
            continue
        previous = out[-1] if out else ""
        joins = (not in_fence and stripped and previous.strip() and not _BLOCK_START.match(line)
                 and not re.match(r"\s*(?:#|\||```|-{3,})", previous))
        if joins:
            out[-1] = previous.rstrip() + " " + stripped
        else:
            out.append(line)
    return "\n".join(out)
