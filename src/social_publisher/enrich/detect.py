"""Finding secrets and private values in text: where each one is and what kind it is.

`Detector.spans(text)` returns non-overlapping `Span`s (kind, start, end). The
sources, each used for what it is good at:
- detect-secrets' provider plugins (Stripe, Slack tokens and webhooks, AWS, npm,
  GitHub, GitLab, JWT, SendGrid, Twilio, PyPI, ...): their own regexes, run over the
  whole text so every match has a position; its `KeywordDetector` for secret-sounding
  names in assignments. Its entropy plugins are not used: they flag plain prose.
- phonenumbers' `PhoneNumberMatcher` for international numbers (+1..., +7...);
  python-stdnum for Luhn-checked card numbers, US SSNs and IBANs.
- our own patterns where no library has one (Anthropic, OpenAI project, Hugging Face,
  Google API and Telegram bot keys, `curl -u user:password`, internal host names, a bare
  AWS secret key) and an entropy check of our own for values assigned to names that say
  nothing (`envelope_nonce = "..."`), tuned to leave words, hex hashes and versions alone.

Every check starts with a cheap search (a prefix, a keyword, a digit run), so text with
nothing in it costs a few regex scans.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator

import phonenumbers
from detect_secrets.plugins import (
    artifactory, aws, azure_storage_key, discord, github_token, gitlab_token, jwt, mailchimp, npm, openai,
    pypi_token, sendgrid, slack, square_oauth, stripe, twilio,
)
from detect_secrets.plugins.keyword import CONFIG_DENYLIST_REGEX_TO_GROUP, DENYLIST_REGEX, KeywordDetector
from stdnum import iban, luhn
from stdnum.us import ssn


@dataclass(frozen=True, order=True)
class Span:
    """One value to remove: text[start:end] is of `kind` ("aws key", "phone number", ...)."""

    start: int
    end: int
    kind: str


# -- detect-secrets' provider plugins -------------------------------------------------------------

# (plugin class, kind per denylist regex, triggers): the kinds we show instead of the plugins' own
# names; a plugin's regexes run only when the lower-cased text holds one of its triggers.
_PLUGINS: tuple[tuple[type, tuple[str, ...], tuple[str, ...]], ...] = (
    (stripe.StripeDetector, ("stripe key",), ("k_live_",)),
    (slack.SlackDetector, ("slack token", "slack webhook"), ("xox", "hooks.slack")),
    (aws.AWSKeyDetector, ("aws key", "aws secret key"), ("akia", "asia", "abia", "acca", "a3t", "aws")),
    (npm.NpmDetector, ("npm token",), ("_authtoken",)),
    (github_token.GitHubTokenDetector, ("github token",), ("ghp_", "gho_", "ghu_", "ghs_", "ghr_")),
    (gitlab_token.GitLabTokenDetector, ("gitlab token",) * 7, ("gl", "gr1348941")),
    (jwt.JwtTokenDetector, ("jwt",), ("eyj",)),
    (sendgrid.SendGridDetector, ("sendgrid key",), ("sg.",)),
    (twilio.TwilioKeyDetector, ("twilio key", "twilio key"), ("ac", "sk")),
    (mailchimp.MailchimpDetector, ("mailchimp key",), ("-us",)),
    (discord.DiscordBotTokenDetector, ("discord token",), (".",)),
    (pypi_token.PypiTokenDetector, ("pypi token", "pypi token"), ("pypi-",)),
    (openai.OpenAIDetector, ("openai key",), ("t3blbkfj",)),
    (artifactory.ArtifactoryDetector, ("artifactory token", "artifactory token"), ("akc", "ap")),
    (azure_storage_key.AzureStorageKeyDetector, ("azure storage key",), ("accountkey=",)),
    (square_oauth.SquareOAuthDetector, ("square token",), ("sq0csp",)),
)


@lru_cache(maxsize=1)
def _plugin_patterns() -> tuple[tuple[str, re.Pattern[str], object, frozenset[str]], ...]:
    found = []
    for plugin_class, kinds, words in _PLUGINS:
        plugin = plugin_class()
        for kind, pattern in zip(kinds, plugin.denylist):
            found.append((kind, pattern, plugin, frozenset(words)))
    return tuple(found)


def _plugin_spans(text: str, present: frozenset[str]) -> Iterator[Span]:
    for kind, pattern, plugin, gate in _plugin_patterns():
        if present.isdisjoint(gate):
            continue
        for match in pattern.finditer(text):
            group = 1 if pattern.groups else 0
            start, end = match.span(group)
            words = text[start:end].split()
            value = words[0].strip("\"'`,;") if words else ""  # some plugins take the rest of the line
            if not value:
                continue
            if isinstance(plugin, jwt.JwtTokenDetector) and not plugin.is_formally_valid(value):
                continue
            start = text.index(value, start)
            yield Span(start, start + len(value), kind)


# -- our own patterns: keys no library knows, credentials in URLs, commands and headers ---------

# (kind, pattern, triggers): the pattern runs only when the lower-cased text holds a trigger.
OWN_PATTERNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("private key", r"-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|\Z)", ("-----begin",)),
    ("anthropic key", r"(?<![\w-])sk-ant-[A-Za-z0-9_-]{10,}", ("sk-ant-",)),
    ("openai key", r"(?<![\w-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,}", ("sk-",)),
    ("stripe key", r"(?<![\w-])(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{10,}", ("k_live_", "k_test_")),
    ("stripe webhook secret", r"(?<![\w-])whsec_[0-9A-Za-z]{20,}", ("whsec_",)),
    ("google api key", r"(?<![\w-])AIza[0-9A-Za-z_-]{35}", ("aiza",)),
    ("google oauth token", r"(?<![\w-])ya29\.[0-9A-Za-z_-]{20,}", ("ya29.",)),
    ("hugging face token", r"(?<![\w-])hf_[A-Za-z0-9]{30,}", ("hf_",)),
    ("npm token", r"(?<![\w-])npm_[A-Za-z0-9]{36}\b", ("npm_",)),
    ("github token", r"(?<![\w-])(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})",
     ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_")),
    ("gitlab token", r"(?<![\w-])glpat-[A-Za-z0-9_-]{20,}", ("glpat-",)),
    ("aws key", r"(?<![\w-])(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b", ("akia", "asia", "abia", "acca")),
    ("slack token", r"(?<![\w-])xox[abprs]-[A-Za-z0-9-]{10,}", ("xox",)),
    ("slack webhook", r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/-]+", ("hooks.slack",)),
    ("discord webhook", r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_-]+",
     ("/api/webhooks/",)),
    ("telegram bot token", r"(?<!\d)\d{8,10}:[A-Za-z0-9_-]{35}\b", (":",)),
    ("jwt", r"(?<![\w-])eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}", ("eyj",)),
    ("bearer token", r"(?i)\bbearer\s+[A-Za-z0-9._~+/-]{11,}[A-Za-z0-9_~+/-]=*", ("bearer",)),
    ("http auth header",
     r"(?i)\b(?:cookie|set-cookie|authorization|proxy-authorization|x-api-key|x-auth-token|private-token)"
     r"\s*:\s*[^\s\"']*[^\s\"'.,;]", ("cookie", "authorization", "x-api-key", "x-auth-token", "private-token")),
    ("url credentials", r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@[^\s]*[^\s.,;)]", ("://",)),
    ("email", r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b", ("@",)),
)
# A hex run with both letters and digits, 7-40 long, standing alone: a commit (or object) hash.
_HEX_RUN = re.compile(r"[0-9a-f]{7,}")
# Credentials given to a command: the value only is masked (group "value").
_COMMAND_CREDENTIALS: tuple[tuple[str, re.Pattern[str], frozenset[str]], ...] = (
    ("basic auth", re.compile(r"(?:^|\s)(?:-u|--user)(?:\s+|=)[\"']?(?P<value>[^\s\"':]+:[^\s\"']+)"),
     frozenset({"-u", "--user"})),
    ("password argument", re.compile(r"\b(?:mysql|mysqldump|mariadb)\b[^\n]*?\s-p(?P<value>[^\s\"']{3,})"),
     frozenset({"mysql", "mariadb"})),
    ("password argument", re.compile(r"\bsshpass\s+-p\s*[\"']?(?P<value>[^\s\"']{3,})"), frozenset({"sshpass"})),
)
_PRIVATE_TLDS = ("internal", "local", "localdomain", "lan", "corp", "intranet", "home.arpa", "private")
_FILE_INFIXES = ("local", "localdomain", "private")
_IP = re.compile(r"\b(?!127\.0\.0\.1\b)(?!0\.0\.0\.0\b)(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b")
_IP_HINT = re.compile(r"\d\.\d{1,3}\.\d{1,3}\.\d")
# "firmware 7.2.0.12", "upgraded to 10.4.1.2": a version, not an address.
_VERSION_BEFORE = re.compile(
    r"(?i)(?:version|firmware|release|build|kernel|driver|patch\w*|upgrad\w*|updat\w*|bump\w*|\bv(?:er)?\.?"
    r"|верси\w*|прошивк\w*|обнов\w*|релиз\w*)\W+(?:[\w.-]+\W+){0,3}$")


# -- names that say "secret", and values that look like one -------------------------------------

# Names whose value is a secret however it looks (after the keyword plugin's own list).
_STRONG_NAME = re.compile(r"(?i)passw(?:or)?d|passphrase|\bpwd|_pwd|pass$|secret|credential|пароль|contrase")
_WEAK_NAME = re.compile(r"(?i)key|token|auth|cred|session|cookie|signature|private")
# Names of settings *about* secrets, not secrets: MAX_TOKENS, PASSWORD_MIN_LENGTH, API_KEY_FILE.
_SETTING_NAME = re.compile(
    r"(?i)(?:^|[_.-])(?:max|min|num|count|len|length|size|limit|ttl|timeout|expiry|expires?|age|rounds|cost"
    r"|iterations?|file|path|dir|env|var|name|url|header|type|field|id|ids|prefix|pattern|policy|hash|hashes"
    r"|algorithm|algo|version|enabled|required|strength|budget)(?:$|[_.-])|^(?:max|min|num)|tokens$|keys$|^n_"
    r"|(?:Max|Min|Len|Length|Size|Count|Limit|File|Path|Name|Url|Header|Type|Id)$")
_PLACEHOLDER = re.compile(
    r"(?i)^(?:\$|\{|<|%|\*{3}|x{3,}|\.{3}|…|changeme|change_me|example|sample|dummy|placeholder|your[_-]|redacted"
    r"|none|null|nil|true|false|yes|no|undefined|required|optional|string|str|int|bytes|number|boolean|bool|any"
    r"|secret|password|token|hidden|masked|empty|unset|env|os\.|process\.|getenv|input|prompt|config\.|settings\."
    r"|self\.|this\.|args\.|request\.|ctx\.|values\.|secrets\.|vars\.|params\.|hashed|hash|argon2|bcrypt|sha\d*"
    r"|md5|scrypt|pbkdf2|base64|hex|utf-?8|random|generated|rotated|same|new|old|default)")
_NAME = r"[A-Za-z_][A-Za-z0-9_.-]*"
_VALUE = r"[^\s\"'`,;)\]}]{2,}[^\s\"'`,;)\]}.:!?]"
_ASSIGNMENT = re.compile(
    rf"(?<![\w$.-])(?P<name>-{{0,2}}{_NAME})[\"'\]]{{0,2}}[ \t]*(?::=|=>|==|=|:)[ \t]*(?P<q>[\"'`]?)(?P<value>{_VALUE})")
_KEYWORD_PLUGIN = KeywordDetector()
_PLUGIN_KEYWORD = re.compile(DENYLIST_REGEX, re.IGNORECASE)
_NAME_BEFORE = re.compile(r"([\w.-]+)[\"'\]]{0,2}\s*(?::=|=>|==|=|:)\s*[\"'`]?$")
# A bare AWS secret access key: 40 characters of base64 with upper, lower and a digit.
_BARE_AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]*[A-Z])(?=[A-Za-z0-9/+]*[a-z])"
                              r"(?=[A-Za-z0-9/+]*\d)[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
_HEX_OR_UUID = re.compile(r"^(?:[0-9a-fA-F]{7,}|[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12})$")
_VERSION_OR_NUMBER = re.compile(r"^v?[\d.,_:+-]+(?:[a-z]{0,3}\d*)?$|^\d+(?:\.\d+)*[-+.]?(?:rc|alpha|beta|dev|post)\d*$")
_WORDY = re.compile(r"^[A-Za-z]+(?:[_.-][A-Za-z]+)*$|^[a-z]+(?:[A-Z][a-z]+)+$|^(?:[A-Z][a-z]+)+$")

# Entropy, in bits per character, above which a value of this length is random-looking.
# Measured: English identifiers and words of 16-40 letters stay under 3.9 ("getUserNameFromDatabase"
# 3.7); 20 random base62 characters give about 4.0-4.3, 32 give 4.5-4.8.
MIN_RANDOM_LENGTH = 16
ENTROPY_THRESHOLD = 3.6


def shannon_entropy(value: str) -> float:
    counts = Counter(value)
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def looks_random(value: str) -> bool:
    """A value that no person chose: long, mixed letters and digits, high entropy; not a hex hash,
    a UUID, a version, a path or a word."""
    if len(value) < MIN_RANDOM_LENGTH or _HEX_OR_UUID.match(value) or _VERSION_OR_NUMBER.match(value):
        return False
    if "/" in value.strip("/") and not _BARE_AWS_SECRET.fullmatch(value) or _WORDY.match(value):
        return False
    if not (re.search(r"\d", value) and re.search(r"[A-Za-z]", value)):
        return False
    if all(part.isalpha() or part.isdigit() for part in re.split(r"[-_.:]+", value) if part):
        return False  # words and numbers joined: claude-sonnet-4-5-20250929, build_2024_11
    threshold = ENTROPY_THRESHOLD + (0.4 if len(value) >= 32 else 0.0)
    return shannon_entropy(value) >= threshold


# Plain words that name a secret only when written as an identifier (PASS=, db_pass:), not in
# prose ("All 7 tests pass: the score is ...").
_PROSE_WORDS = frozenset({"pass", "passes", "key", "keys", "token", "tokens", "auth", "session", "sessions", "cookie",
                          "cookies", "secret", "secrets", "credential", "credentials", "creds"})
_COMMON_VALUE = re.compile(r"^(?:[a-z]{1,4}|the\w*|this|that|then|than|with|from|into|when|which|what)$")


def secret_value(name: str, value: str) -> bool:
    """True when `value`, given to `name`, is a secret: any real value for a password-like name; a
    token-like value for key/token/auth names; a random-looking value for any other name."""
    bare = name.lstrip("-").strip("\"'")
    if _PLACEHOLDER.match(value) or re.search(r"[(\[{]", value) or _COMMON_VALUE.match(value):
        return False
    if bare in _PROSE_WORDS:
        return looks_random(value) or bool(re.search(r"\d", value) and re.search(r"[A-Za-z]", value)
                                           and len(value) >= 8)
    if _STRONG_NAME.search(bare) and not _SETTING_NAME.search(bare):
        return len(value) >= 3 and not re.fullmatch(r"\d{1,3}", value)
    if _WEAK_NAME.search(bare) and not _SETTING_NAME.search(bare):
        if _VERSION_OR_NUMBER.match(value) or len(value) < 8:
            return False
        return bool(re.search(r"\d", value)) or looks_random(value) or not _WORDY.match(value)
    return looks_random(value)


# -- the detector ---------------------------------------------------------------------------------


class Detector:
    """All detection sources at once; `private_domains` are the user's own domains (private too)."""

    def __init__(self, extra_patterns: Iterable[str] = (), private_domains: Iterable[str] = ()):
        self.patterns = [(kind, re.compile(p), frozenset(words)) for kind, p, words in OWN_PATTERNS]
        self.patterns += [("configured pattern", re.compile(p), frozenset()) for p in extra_patterns]
        domains = [d.strip(".").lower() for d in private_domains if d.strip(".")]
        self.host_gate = frozenset(f".{t}" for t in _PRIVATE_TLDS) | frozenset(domains)
        self.words = tuple(sorted(set().union(self.host_gate, *(g for _, _, g in self.patterns),
                                              *(g for _, _, _, g in _plugin_patterns()),
                                              *(g for _, _, g in _COMMAND_CREDENTIALS))))
        self._cache: dict[str, list[Span]] = {}
        labels = r"(?<![\w.@-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
        loose = [re.escape(t) for t in _PRIVATE_TLDS if t not in _FILE_INFIXES]
        # A host may be a file's name ("deploy/db01.corp.internal.yml"); ".local" and ".private" are
        # also file-name infixes ("settings.local.json", "id.private.key"), so those must end the word.
        self.host = re.compile(
            rf"(?i){labels}(?:{'|'.join(loose)})(?![\w-])"
            rf"|{labels}(?:{'|'.join(_FILE_INFIXES)})(?![\w.-]*\w)"
            + (r"|(?<![\w.@-])(?:[a-z0-9-]+\.)*(?:" + "|".join(map(re.escape, domains)) + r")(?![\w-])"
               if domains else ""))

    def spans(self, text: str) -> list[Span]:
        """Every secret or private value in `text`, longest first where two overlap, in text order."""
        if not text:
            return []
        short = len(text) <= _CACHED_LENGTH
        if short and text in self._cache:
            return self._cache[text]
        lowered = text.lower()
        present = frozenset(w for w in self.words if w in lowered)  # faster than a regex of them all
        found: list[Span] = []
        for kind, pattern, gate in self.patterns:
            if not gate or not present.isdisjoint(gate):
                found += [Span(m.start(), m.end(), kind) for m in pattern.finditer(text) if m.end() > m.start()]
        found += _plugin_spans(text, present)
        found += [Span(m.start(), m.end(), "aws secret key") for m in _BARE_AWS_SECRET.finditer(text)
                  if looks_random(m.group(0))]
        for kind, pattern, gate in _COMMAND_CREDENTIALS:
            if not present.isdisjoint(gate):
                found += [Span(*m.span("value"), kind) for m in pattern.finditer(text)]
        found += _named_values(text, lowered)
        found += _commit_hashes(text)
        if not present.isdisjoint(self.host_gate):
            found += [Span(m.start(), m.end(), "internal host") for m in self.host.finditer(text)]
        if _IP_HINT.search(text):
            found += [Span(m.start(), m.end(), "ip address") for m in _IP.finditer(text)
                      if not _VERSION_BEFORE.search(text[max(0, m.start() - 60):m.start()])]
        if "+" in text:
            found += _phone_spans(text)
        found += _number_spans(text)
        spans = _without_overlaps(found)
        if short:
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            self._cache[text] = spans
        return spans


# Short texts (commit subjects, select's evidence) repeat a lot: their spans are remembered.
_CACHED_LENGTH = 300
_CACHE_SIZE = 20_000


_KEYWORDS = ("key", "pass", "pwd", "secret", "token", "auth", "cred", "session", "cookie", "contras", "пароль")
_NAME_CHAR = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
_ASSIGNED = re.compile(rf"[\"'\]]{{0,2}}[ \t]*(?::=|=>|==|=|:)[ \t]*(?P<q>[\"'`]?)(?P<value>{_VALUE})")
_ARGUMENT_VALUE = re.compile(rf"[ \t]+(?P<q>[\"']?)(?P<value>{_VALUE})")


def _named_values(text: str, lowered: str) -> Iterator[Span]:
    """Values of secret-sounding names (`apiKey: ...`, `--_authToken=...`, `password = ...`, an
    argument after `aws_secret_access_key`) and random-looking values of any name; the value only
    is the span."""
    names: set[tuple[int, int]] = set()
    for keyword in _KEYWORDS:
        at = lowered.find(keyword)
        while at >= 0:
            start, end = at, at + len(keyword)
            while start > 0 and text[start - 1] in _NAME_CHAR:
                start -= 1
            while end < len(text) and text[end] in _NAME_CHAR:
                end += 1
            names.add((start, end))
            at = lowered.find(keyword, end)
    for start, end in names:
        name = text[start:end]
        if re.match(r"-[^-]", name) and re.search(r"\d", name):
            continue  # "-pS3cr3tPass" is a value glued to its option, not a name
        assigned = _ASSIGNED.match(text, end)
        if assigned:
            if secret_value(name, assigned.group("value")):
                yield Span(*assigned.span("value"), _kind_of(name))
            elif _PLUGIN_KEYWORD.search(name):
                yield from _keyword_plugin(text[start:assigned.end()], start)
            continue
        argument = _ARGUMENT_VALUE.match(text, end)
        if argument and secret_value(name, argument.group("value")) and (
                argument.group("q") or looks_random(argument.group("value"))
                or _STRONG_NAME.search(name) and name.startswith("-")):
            yield Span(*argument.span("value"), _kind_of(name, argument=True))
    if "=" in text or ":" in text:  # random values of names that say nothing: envelope_nonce = "..."
        for match in _ASSIGNMENT.finditer(text):
            if looks_random(match.group("value")):
                yield Span(*match.span("value"), _kind_of(match.group("name")))


def _keyword_plugin(window: str, offset: int) -> Iterator[Span]:
    """detect-secrets' KeywordDetector (its config-file rules) on one `name = value` our own rules
    let pass. It gives the rest of the line as the value: the value is its first word, and the
    name before it must still be a secret's name (PASSWORD_MIN_LENGTH=12 is a setting)."""
    for value in _KEYWORD_PLUGIN.analyze_string(window, CONFIG_DENYLIST_REGEX_TO_GROUP):
        value = value.split()[0].strip("\"'`,;").rstrip(".:!?") if value.split() else ""
        at = window.find(value) if len(value) >= 3 else -1
        name = _NAME_BEFORE.search(window, 0, at) if at > 0 else None
        if name and not _SETTING_NAME.search(name.group(1)) and not _PLACEHOLDER.match(value) \
                and not _COMMON_VALUE.match(value) and not re.search(r"[(\[{]", value):
            yield Span(offset + at, offset + at + len(value), "secret assignment")


def _kind_of(name: str, argument: bool = False) -> str:
    name = name.lstrip("-")
    if re.search(r"(?i)aws.*secret", name):
        return "aws secret key"
    if _STRONG_NAME.search(name) or _WEAK_NAME.search(name):
        return "secret argument" if argument else "secret assignment"
    return "high-entropy value"


# A '+' followed by at least seven digits in phone-number punctuation: worth asking phonenumbers.
_PLUS_DIGIT = re.compile(r"\+[ \t]?\(?\d(?:[ \t().-]{0,2}\d){6,}")


def _phone_spans(text: str) -> Iterator[Span]:
    """International numbers (+1 415 ..., +7 916 ...): phonenumbers' matcher, run only around a '+'."""
    position = 0
    for hint in _PLUS_DIGIT.finditer(text):
        if hint.start() < position:
            continue
        window = text[hint.start():hint.start() + 32]
        for match in phonenumbers.PhoneNumberMatcher(window, None):
            yield Span(hint.start() + match.start, hint.start() + match.end, "phone number")
            position = hint.start() + match.end
            break


_DIGITS = re.compile(r"\d\d\d")
# Runs of 13-19 digits in groups (a card number); the edges are checked after matching, which
# lets the regex engine skip ahead to the next digit instead of trying a look-behind everywhere.
_DIGIT_RUN = re.compile(r"\d(?:[ -]?\d){12,}")
_SSN = re.compile(r"\d{3}-\d{2}-\d{4}")
_IBAN = re.compile(r"[A-Z]{2}\d\d(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?")
# Card numbers start with a known issuer prefix (Visa, Mastercard, Amex, Discover, JCB, UnionPay, Mir).
_CARD_PREFIX = re.compile(r"^(?:4|5[1-5]|2[2-7]|3[47]|6(?:011|5|4[4-9]|2)|35|220[0-4])")


def _number_spans(text: str) -> Iterator[Span]:
    """Card numbers (Luhn-valid, an issuer prefix, 13-19 digits), US SSNs and IBANs (python-stdnum)."""
    if not _DIGITS.search(text):
        return
    for match in _DIGIT_RUN.finditer(text):
        if not _alone(text, match, "\\w.,+-", ""):
            continue
        # The run may go on past the card ("4111 1111 1111 1111 12/26"): try its leading groups.
        groups = re.split(r"([ -])", match.group(0))
        for count in range(len(groups), 0, -2):
            candidate = "".join(groups[:count])
            digits = re.sub(r"\D", "", candidate)
            end = match.start() + len(candidate)
            if 13 <= len(digits) <= 19 and not (end < len(text) and text[end].isalnum()) \
                    and _CARD_PREFIX.match(digits) and luhn.is_valid(digits):
                yield Span(match.start(), end, "card number")
                break
    if "-" in text:
        for match in _SSN.finditer(text):
            if _alone(text, match, "\\w-", "\\w-") and ssn.is_valid(match.group(0)):
                yield Span(match.start(), match.end(), "us ssn")
    for match in _IBAN.finditer(text):
        if _alone(text, match, "\\w", "\\w") and iban.is_valid(match.group(0)):
            yield Span(match.start(), match.end(), "iban")


def _alone(text: str, match: re.Match[str], before: str, after: str) -> bool:
    """No character of class `before` just before the match, none of `after` just after it."""
    start, end = match.span()
    return not (start and re.match(f"[{before}]", text[start - 1])) and not (
        after and end < len(text) and re.match(f"[{after}]", text[end]))


def _commit_hashes(text: str) -> Iterator[Span]:
    for match in _HEX_RUN.finditer(text):
        value = match.group(0)
        if len(value) <= 40 and _alone(text, match, "\\w-", "\\w-") and not value.isdigit() \
                and not value.isalpha():
            yield Span(match.start(), match.end(), "commit hash")


_VAGUE_KINDS = frozenset({"commit hash", "high-entropy value"})


def _without_overlaps(spans: list[Span]) -> list[Span]:
    """Where spans overlap, the longest wins; of two as long, the more telling kind (a hex run is
    a commit hash only when nothing else explains it), then the first found."""
    chosen: list[Span] = []
    taken: list[tuple[int, int]] = []
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.kind in _VAGUE_KINDS, s.start)):
        if all(span.end <= start or span.start >= end for start, end in taken):
            chosen.append(span)
            taken.append((span.start, span.end))
    return sorted(chosen)
