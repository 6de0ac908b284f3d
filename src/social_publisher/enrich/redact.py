"""Secret and private-data redaction: what must never leave the machine.

Two layers, both pure functions of text:
- *secrets and private values* (provider keys, tokens, JWTs, PEM blocks, URLs
  with credentials, `KEY=value` / `password: value` assignments, emails, IP
  addresses, commit hashes, the user's own `redact_patterns`) are found by pattern;
- *credential talk* (sentences about passwords, admin user names, where a key or
  credential file lives: defect 6 of post-anatomy.md) is found by topic.

`Redactor.scrub` drops every sentence that holds either, rather than masking a
value and keeping the sentence around it: a sentence that carried a secret is
about the secret. `Redactor.findings` is the same detection used as a check on
written posts (nothing the redactor removed may come back).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Iterable

from social_publisher.signals import SENTENCE_BREAK

# (kind, pattern) for values that are secret or private wherever they appear.
SECRET_PATTERNS: tuple[tuple[str, str], ...] = (
    ("pem block", r"-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|\Z)"),
    ("anthropic key", r"\bsk-ant-[A-Za-z0-9_-]{10,}"),
    ("openai key", r"\bsk-(?:proj-)?[A-Za-z0-9_-]{16,}"),
    ("github token", r"\bgh[pousr]_[A-Za-z0-9]{20,}|\bgithub_pat_[A-Za-z0-9_]{20,}"),
    ("aws key", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    ("slack token", r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    ("telegram bot token", r"\b\d{8,10}:[A-Za-z0-9_-]{35}\b"),
    ("jwt", r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}"),
    ("bearer token", r"(?i)\bbearer\s+[A-Za-z0-9._~+/-]{11,}[A-Za-z0-9_~+/-]=*"),
    ("http auth header", r"(?i)\b(?:cookie|set-cookie|authorization|proxy-authorization|x-api-key)\s*:\s*[^\s\"']*[^\s\"'.,;]"),
    ("url credentials", r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@[^\s]*[^\s.,;)]"),
    ("secret assignment",
     r"\b[A-Za-z0-9_]*(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASS|PWD|CREDENTIALS?|AUTH)[A-Za-z0-9_]*"
     r"\s*[=:]\s*[\"']?[^\s\"',;]{2,}[^\s\"',;.]"),
    ("password assignment",
     r"(?i)\b(?:password|passwd|passphrase|pwd|secret|api[_ -]?key|access[_ -]?key|token|пароль)"
     r"\s*[=:]\s*[\"']?[^\s\"',;]{2,}[^\s\"',;.]"
     r"|\b(?:password|passphrase|пароль)\s+(?:is|это|—)\s+[\"']?[^\s\"',;]{2,}[^\s\"',;.]"),
    ("email", r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"),
    ("ip address", r"\b(?!127\.0\.0\.1\b)(?!0\.0\.0\.0\b)(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b"),
    # A hex run with both letters and digits, 7-40 long: a commit (or object) hash.
    ("commit hash", r"\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{7,40}\b"),
)

# Sentences on these topics are dropped whole: where a password lives, who the admin is.
CREDENTIAL_TALK = re.compile(
    r"(?i)\b(?:passwords?|passwd|passphrases?|credentials?|api[ _-]?keys?|secret[ _-]?keys?|access[ _-]?keys?"
    r"|private[ _-]?keys?|ssh[ _-]?keys?|(?:auth|authentication|bot|access|refresh|api|bearer)[ _-]?tokens?"
    r"|admin(?:istrator)?[ _-]?(?:user(?:name)?s?|accounts?|logins?)|usernames?|user names?|login names?"
    r"|парол\w*|учётн\w* запис\w*|учетн\w* запис\w*|логин\w*|токен\w* (?:бота|доступа|авторизации)"
    r"|(?:api|секретн\w*|приватн\w*) ключ\w*|ключ\w* (?:api|доступа)|администратор\w*)"
)
# Credential talk that is only about technique ("hash passwords with argon2id tuned to 74 ms") is
# kept: it says how, not where or what. Anything naming a place, a person or a value is not.
HASHING_TECHNIQUE = re.compile(r"(?i)\b(?:hash\w*|argon2\w*|bcrypt|scrypt|pbkdf2|хеш\w*|хэш\w*)")
REVEALING_DETAIL = re.compile(
    r"(?i)stor|kept|\bkeep|\blives?\b|locat|deriv|generat|\bfiles?\b|path|folder|directory|\benv\b|vault|"
    r"admin|root|usernames?|user names?|\bfor user|\bis\b|\bare in\b|храни|лежит|файл|папк|админ|`|\"|'|/"
)
# Paths that name where secrets are kept.
CREDENTIAL_PATH = re.compile(
    r"(?i)(?:^|[\s`'\"(/])[\w./~-]*(?:auth\.json|\.env\b|secrets?[\w-]*\.\w+|credentials?[\w-]*\.\w+"
    r"|users_database[\w.-]*\.ya?ml|\.pem\b|\.p12\b|\.pfx\b|\.key\b|id_rsa|id_ed25519|\.netrc|\.pgpass|htpasswd|keyring)"
)
# Home folders name the user: rewritten to "~" (kept, not dropped).
HOME_PATH = re.compile(r"(?:/home|/Users|C:\\Users)[/\\][^/\\\s]+")

_SENTENCE_SPLIT = re.compile(f"({SENTENCE_BREAK.pattern})")  # the group keeps the separators
_MARK = "\ue000"  # stands in for a removed value until its sentence is dropped


@dataclass(frozen=True)
class Finding:
    """One thing the redactor would remove: its kind and the text it matched."""

    kind: str
    text: str


@dataclass
class Scrubbed:
    """The result of scrubbing one text: what is left, how much was removed."""

    text: str
    removed: int = 0
    fingerprints: set[str] = field(default_factory=set)


def fingerprint(value: str) -> str:
    """`<words>:<sha256 prefix>` of a removed value, so a check can spot it without storing it."""
    words = value.split()
    digest = hashlib.sha256(" ".join(words).lower().encode("utf-8")).hexdigest()[:20]
    return f"{len(words)}:{digest}"


class Redactor:
    """Finds and removes secrets, private values and credential talk; extra regexes come from the config."""

    def __init__(self, extra_patterns: Iterable[str] = ()):
        self.patterns: list[tuple[str, re.Pattern[str]]] = [(k, re.compile(p)) for k, p in SECRET_PATTERNS]
        self.patterns += [("configured pattern", re.compile(p)) for p in extra_patterns]

    def findings(self, text: str) -> list[Finding]:
        """Everything in `text` the redactor would remove (values first, then credential talk)."""
        found = [Finding(kind, m.group(0)) for kind, pattern in self.patterns for m in pattern.finditer(text)]
        found += [Finding("credential talk", m.group(0).strip())
                  for sentence in _SENTENCE_SPLIT.split(unwrap(text))[::2] if not _technique_only(sentence)
                  for m in CREDENTIAL_TALK.finditer(sentence)]
        found += [Finding("credential path", m.group(0).strip(" `'\"(")) for m in CREDENTIAL_PATH.finditer(text)]
        found += [Finding("home path", m.group(0)) for m in HOME_PATH.finditer(text)]
        return found

    def scrub(self, text: str) -> Scrubbed:
        """Remove every sentence that holds a secret, a private value or credential talk.

        Hard-wrapped lines are joined first, so a sentence is dropped whole even when it
        spans lines. Home folders are rewritten to `~` instead (the sentence stays).
        """
        result = Scrubbed(text="")
        if not text:
            return result
        masked = unwrap(text)
        for _, pattern in self.patterns:
            masked = pattern.sub(lambda m: self._mark(m, result), masked)
        masked, homes = HOME_PATH.subn("~", masked)
        result.removed += homes
        kept: list[str] = []
        parts = _SENTENCE_SPLIT.split(masked)
        for index in range(0, len(parts), 2):
            sentence = parts[index]
            separator = parts[index + 1] if index + 1 < len(parts) else ""
            if _MARK in sentence:
                continue
            if CREDENTIAL_PATH.search(sentence) or (CREDENTIAL_TALK.search(sentence)
                                                     and not _technique_only(sentence)):
                result.removed += 1
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
        """A file path as it may be shown: home folder rewritten, None when it names a secret's home."""
        if CREDENTIAL_PATH.search(path) or any(p.search(path) for _, p in self.patterns):
            return None
        return HOME_PATH.sub("~", path)

    @staticmethod
    def _mark(match: re.Match[str], result: Scrubbed) -> str:
        result.removed += 1
        result.fingerprints.add(fingerprint(match.group(0)))
        return _MARK


def _technique_only(sentence: str) -> bool:
    """A sentence that mentions passwords only to say how they are hashed."""
    return bool(HASHING_TECHNIQUE.search(sentence)) and not REVEALING_DETAIL.search(sentence)


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
