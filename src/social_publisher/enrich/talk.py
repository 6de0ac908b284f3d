"""Credential talk: a sentence that says where a password, token, key or certificate lives,
what it is or whose it is ("the Vault root token lives in /etc/vault/root.txt").

A sentence is credential talk when it names a credential (a *term*: "password", "root token",
"TLS certificate", "пароль", ...) and reveals something about it (a *cue*: a place, a path, a
person, a value, how it is made). A sentence that only names one ("I limited the calls per API
key", "the password is hashed with argon2id") is not.

Both are looked up word by word in sets, not by one long alternation of regexes: a sentence is
lower-cased and split into words once (snake_case and kebab-case split too, so API_KEY is
"api key"), which keeps the check fast on long texts.
"""

from __future__ import annotations

import re

_WORDS = re.compile(r"[^\W\d_]+(?:[_-][^\W\d_]+)*|\d+")


def _words(lowered: str) -> list[str]:
    """Words in order; of an identifier (OPENAI_API_KEY, password_min_length) only its last two
    parts, which say what it holds ("api key"; "min length" is a setting, not a password)."""
    words: list[str] = []
    for token in _WORDS.findall(lowered):
        words += re.split(r"[_-]", token)[-2:] if ("_" in token or "-" in token) else [token]
    return words

# One word that names a credential, in any form listed.
_TERM_WORDS = frozenset("""
password passwords passwd passphrase passphrases credential credentials creds secret secrets
certificate certificates cert certs keystore keystores keychain keychains keyring keyrings username usernames
""".split())
# Words that name a credential when followed by "key(s)" / "token(s)" / "certificate(s)".
_KEY_OWNERS = frozenset("""
api secret access private ssh gpg pgp signing encryption master root deploy license account stripe aws google
openai anthropic github gitlab npm pypi huggingface face hf slack telegram vault tls ssl jwt
""".split())
_TOKEN_OWNERS = frozenset("""
auth authentication bot access refresh api bearer root session personal deploy vault oauth github gitlab npm pypi
slack telegram discord ci service admin hf face id
""".split())
_PAIRS = frozenset({("recovery", "code"), ("recovery", "codes"), ("user", "name"), ("user", "names"),
                    ("login", "name"), ("login", "names"), ("key", "pair"), ("key", "pairs"), ("token", "file"),
                    ("token", "files"), ("admin", "user"), ("admin", "users"), ("admin", "account"),
                    ("admin", "login"), ("administrator", "account"), ("totp", "seed"),
                    # "pin" alone is mostly a dependency pin ("Pin markdown==3.3.7"): a PIN is named so.
                    ("pin", "code"), ("pin", "codes"), ("pin", "number"), ("card", "pin"), ("sim", "pin")})
# Russian: word beginnings, and pairs of beginnings.
_RU_TERM_STEMS = ("парол", "логин", "сертификат", "администратор")
_RU_PAIRS = (("учётн", "запис"), ("учетн", "запис"), ("токен", "бот"), ("токен", "доступ"), ("токен", "авториз"),
             ("api", "ключ"), ("секретн", "ключ"), ("приватн", "ключ"), ("закрыт", "ключ"), ("ключ", "api"),
             ("ключ", "доступ"), ("ключ", "шифрован"))
# Cheap first look: a sentence with none of these (lower-cased) holds no term.
_STEMS = ("passw", "passph", "passwd", "cred", "secret", "key", "token", "cert", "username", "user name", "login",
          "pin", "recovery", "seed", "admin", "парол", "учётн", "учетн", "логин", "токен", "ключ", "сертификат",
          "администратор")

# Cue words: a place, a file, a person, or how the credential is made.
_CUE_WORDS = frozenset("""
store stored stores storing storage kept keep keeps lives live living sits sit resides reside located location
saved save placed derived derive derives generated generate generates path paths folder folders directory
directories file files env vault keychain keyring bitwarden bucket admin root owner default
""".split())
_CUE_PAIRS = frozenset({("found", "in"), ("found", "at"), ("found", "under"), ("put", "in"), ("put", "into"),
                        ("set", "to"), ("changed", "to"),
                        ("reset", "to"), ("for", "user"), ("belongs", "to"), ("belong", "to"),
                        ("environment", "variable"), ("environment", "variables"), ("secret", "manager")})
_RU_CUE_STEMS = ("храни", "лежит", "лежат", "находит", "файл", "папк", "каталог", "админ", "переменн")
# Cues that are characters, not words: a path (absolute, home, or a file with its extension; not
# "cert/verify/trust_env"), code other than a bare name (`cert_authority`, `verify=False` name a
# setting, not where one lives: _BARE_CODE unwraps them first), a quoted token, a value after
# "is" / ":" / "=" (not a measurement: "Hash passwords: 0.184 s → 0.097 s" tells a time).
_BARE_CODE = re.compile(r"`([\w.]+(?:\(\))?(?:=\w+)?)`")
_CUE_MARKS = re.compile(r"(?<![\w.])(?:~|\.{1,2})?/[\w.-]|[\w.-]+/[\w./-]*\.[a-z]{1,5}\b|`"
                        r"|1password|(?<!\w)[\"'][^\"'\s]+[\"']|(?:\bis|\bare|\bwas|\bwere|:|=)\s*[\"'`]?"
                        r"(?!\d[\d.,]*\s?(?:ms|s|sec|min|h|%|[KMGT]?B)\b)(?=\S*[\d_@#$%^&*!~])|\bпут[ьи]\b")


def may_name_credential(lowered: str) -> bool:
    """A cheap first look at lower-cased text: False means no sentence in it names a credential."""
    return any(stem in lowered for stem in _STEMS)


# A credential word made into what lacks or withstands one ("secret-free errors", "token-less",
# "password-safe logs"): it names no credential, it says there is none.
_WITHOUT_ONE = re.compile(r"(?<![\w/.-])[^\W\d_]+-(?:free|less|safe|proof)\b")


def credential_term(sentence: str) -> str | None:
    """The credential a sentence names ("root token", "password"), or None."""
    lowered = sentence.lower()
    if not may_name_credential(lowered):
        return None
    if "-" in lowered:
        lowered = _WITHOUT_ONE.sub(" ", lowered)
    words = _words(lowered)
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        if word in _TERM_WORDS:
            return word
        if following.rstrip("s") in ("key", "token") and word in (_KEY_OWNERS if following[:3] == "key" else _TOKEN_OWNERS):
            return f"{word} {following}"
        if following.startswith("certificate") or (word, following) in _PAIRS:
            return f"{word} {following}"
        if word[0] >= "а" and (word.startswith(_RU_TERM_STEMS) or any(
                word.startswith(a) and following.startswith(b) for a, b in _RU_PAIRS)):
            return f"{word} {following}".strip()
    return None


def revealing(sentence: str) -> bool:
    """True when a sentence tells where, what or whose: a place, a file, a person, a value."""
    lowered = sentence.lower()
    if "`" in lowered:
        lowered = _BARE_CODE.sub(r"\1", lowered)
    words = [w for w in _WORDS.findall(lowered) if "_" not in w and "-" not in w]  # "vault-ops" is a name
    if not _CUE_WORDS.isdisjoint(words) or any(w.startswith(_RU_CUE_STEMS) for w in words):
        return True
    if any(pair in _CUE_PAIRS for pair in zip(words, words[1:])):
        return True
    return bool(_CUE_MARKS.search(lowered))


def credential_talk(sentence: str) -> str | None:
    """The credential term of a sentence that reveals something about it, or None."""
    term = credential_term(sentence)
    return term if term and revealing(sentence) else None
