"""Loads and validates `publisher.toml` (the contract in DESIGN.md).

Validation happens once, at start: unknown keys and bad values are rejected with
the file, the line and the key's name; relative paths are resolved against the
directory of the config file.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from social_publisher.errors import ConfigError

DEFAULT_CONFIG = "publisher.toml"
SOURCE_TYPES = ("git", "claude-code", "notes", "codex", "aider")
WRITER_BACKENDS = ("offline", "claude-cli", "anthropic", "openai")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StoreConfig(_Section):
    path: Path = Path("state/publisher.db")


class SourceConfig(_Section):
    type: Literal["git", "claude-code", "notes", "codex", "aider"]
    path: Path | None = None
    project: str | None = None
    authors: list[str] = Field(default_factory=list)  # git: the user's own names/emails

    @property
    def name(self) -> str:
        """A stable name for cursors and reports: type plus resolved path."""
        return f"{self.type}:{self.path}"


class CollectConfig(_Section):
    # Tell only recent work on a source's first collection: activity older than this many days
    # before that first run is counted and left out, then and ever after (0: the whole history).
    # `init` writes 14, so pointing the tool at a years-old repository does not publish its past.
    history_days: int = Field(default=0, ge=0)


class SelectConfig(_Section):
    max_stories_per_day: int = Field(default=5, ge=1)
    session_gap_hours: float = Field(default=3.0, gt=0)
    min_score: float = Field(default=1.0, ge=0)
    # Similarity (0-100) at or above which a story of the same project with overlapping tags
    # counts as the same story told again.
    duplicate_threshold: float = Field(default=65.0, ge=0, le=100)
    # Leave a session whose last activity is within session_gap_hours of now for the next run,
    # so a session still going on is not split into two stories.
    hold_open_sessions: bool = True
    # The floor relative to your own work: a story must also score at least this share of the
    # median score of your recent candidates (this run's and the stored ones; 0 turns it off).
    relative_min_score: float = Field(default=0.25, ge=0, le=1)
    # Split a work session into stories by topic (files, folders, commit subjects, AI sessions).
    split_topics: bool = True


class WriterConfig(_Section):
    backend: str = "offline"
    languages: list[Literal["en", "ru"]] = Field(default_factory=lambda: ["en", "ru"])
    daily_budget: int = Field(default=100, ge=0)
    command: str = "claude"
    timeout_s: float = Field(default=300, gt=0)  # one LLM call, each attempt
    retries: int = Field(default=2, ge=0, le=10)  # further attempts after a 429, 5xx or timeout
    model: str = ""
    base_url: str = ""
    proofread: bool = False
    voice: Literal["first_person"] = "first_person"
    min_words: int = Field(default=150, ge=0)
    max_words: int = Field(default=900, ge=50)

    @field_validator("backend")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        if value not in WRITER_BACKENDS:
            raise ValueError(f"unknown backend {value!r}; choose one of: {', '.join(WRITER_BACKENDS)}")
        return value


class EnrichConfig(_Section):
    wikipedia: bool = True
    wikipedia_api: str = "https://{lang}.wikipedia.org/api/rest_v1"
    # Wikimedia asks every client to name itself and give a way to reach its operator.
    user_agent: str = ("social-publisher/0.1 (Bot Social Publisher; "
                       "set [enrich] user_agent to your e-mail or site)")
    wikipedia_ttl_days: float = Field(default=30, gt=0)
    wikipedia_timeout_s: float = Field(default=5.0, gt=0)
    jokes: bool = True
    cover_images: bool = True
    redact_patterns: list[str] = Field(default_factory=list)
    private_domains: list[str] = Field(default_factory=list)  # the user's own domains: host names in them are private

    @field_validator("private_domains")
    @classmethod
    def _domains_are_names(cls, value: list[str]) -> list[str]:
        for domain in value:
            if not re.fullmatch(r"\.?(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z0-9-]+", domain):
                raise ValueError(f"private domain {domain!r} is not a domain name (like corp.example.com)")
        return value

    @field_validator("wikipedia_api")
    @classmethod
    def _api_has_lang(cls, value: str) -> str:
        if not re.match(r"https?://", value) or "{lang}" not in value:
            raise ValueError(f"{value!r} must be an http(s) URL with a {{lang}} placeholder, "
                             "e.g. https://{lang}.wikipedia.org/api/rest_v1")
        return value.rstrip("/")

    @field_validator("redact_patterns")
    @classmethod
    def _patterns_compile(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"redact pattern {pattern!r} is not a valid regex: {exc}") from None
        return value


SITE_DESCRIPTIONS = {
    "en": "Posts about the development process, solved problems and learned technologies",
    "ru": "Записи о процессе разработки, решённых задачах и изученных технологиях",
}


class SiteConfig(_Section):
    out_dir: Path = Path("site")
    title: str = "Blog"
    # One string for every language, or a table per language: description = { en = "...", ru = "..." }.
    description: str | dict[str, str] = Field(default_factory=lambda: dict(SITE_DESCRIPTIONS))
    base_url: str = "https://example.org/"

    def description_in(self, lang: str) -> str:
        """The tagline for pages in `lang`: its own entry, else English, else the first one given."""
        if isinstance(self.description, str):
            return self.description
        return self.description.get(lang) or self.description.get("en") or next(iter(self.description.values()), "")


_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _env_name(value: str) -> str:
    """A key that names an environment variable. The message never repeats the value: a user who
    pasted the secret itself here must not see it echoed into a terminal or a log."""
    if not _ENV_NAME.match(value):
        raise ValueError("must be the name of an environment variable (e.g. TELEGRAM_BOT_TOKEN), "
                         "not the secret itself; put the secret in that variable")
    return value


class TelegramConfig(_Section):
    enabled: bool = False
    token_env: str = "TELEGRAM_BOT_TOKEN"
    chat_id: str = ""
    api_base: str = "https://api.telegram.org"
    languages: list[Literal["en", "ru"]] = Field(default_factory=lambda: ["ru"])
    mode: Literal["full", "link"] = "full"  # full: cover + text parts; link: one message with a preview

    _token_env = field_validator("token_env")(_env_name)


class MastodonConfig(_Section):
    enabled: bool = False
    instance: str = "https://mastodon.social"
    token_env: str = "MASTODON_TOKEN"
    languages: list[Literal["en", "ru"]] = Field(default_factory=lambda: ["en"])

    _token_env = field_validator("token_env")(_env_name)


class BlueskyConfig(_Section):
    enabled: bool = False
    service: str = "https://bsky.social"
    handle_env: str = "BLUESKY_HANDLE"
    password_env: str = "BLUESKY_APP_PASSWORD"
    languages: list[Literal["en", "ru"]] = Field(default_factory=lambda: ["en"])

    _env_names = field_validator("handle_env", "password_env")(_env_name)


class MarkdownConfig(_Section):
    """The Markdown export channel: posts and digests as Hugo or Jekyll files with front matter."""

    enabled: bool = False
    out_dir: Path = Path("export")
    flavor: Literal["hugo", "jekyll"] = "hugo"


class DigestConfig(_Section):
    """The daily digest: one per closed day that has posts, per language."""

    enabled: bool = True
    days_back: int = Field(default=7, ge=1)  # `run` makes digests for at most this many closed days
    timezone: str = ""  # IANA name ("Europe/Moscow"); empty: the machine's local time

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone {value!r} (an IANA name such as 'Europe/Moscow')") from None
        return value


class ReviewConfig(_Section):
    auto_approve: bool = True
    # The owner's private chat with the [telegram] bot: waiting posts are sent there with
    # Approve / Reject buttons (see ops/telegram_review.py). Empty: review only from the CLI.
    telegram_chat_id: str = ""

    @field_validator("telegram_chat_id", mode="before")
    @classmethod
    def _chat_id_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class Config(_Section):
    store: StoreConfig = Field(default_factory=StoreConfig)
    sources: list[SourceConfig] = Field(default_factory=list)
    collect: CollectConfig = Field(default_factory=CollectConfig)
    select: SelectConfig = Field(default_factory=SelectConfig)
    writer: WriterConfig = Field(default_factory=WriterConfig)
    enrich: EnrichConfig = Field(default_factory=EnrichConfig)
    site: SiteConfig = Field(default_factory=SiteConfig)
    telegram: TelegramConfig = Field(default_factory=TelegramConfig)
    review: ReviewConfig = Field(default_factory=ReviewConfig)
    markdown: MarkdownConfig = Field(default_factory=MarkdownConfig)
    digest: DigestConfig = Field(default_factory=DigestConfig)
    mastodon: MastodonConfig = Field(default_factory=MastodonConfig)
    bluesky: BlueskyConfig = Field(default_factory=BlueskyConfig)

    # Set by load_config, never read from the file.
    _config_path: Path | None = PrivateAttr(default=None)

    @property
    def config_path(self) -> Path | None:
        return self._config_path

    @property
    def base_dir(self) -> Path:
        """The folder relative paths in the file are resolved against."""
        return self._config_path.parent if self._config_path else Path.cwd()


def load_config(path: str | Path, *, check_sources: bool = True) -> Config:
    """Read, validate and resolve a config file; raise ConfigError with file:line on any problem."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise ConfigError(
            f"{path}: config file not found (create one, or run 'social-publisher demo --dir DIR' for an example)"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}:{_toml_error_line(exc)}: invalid TOML: {_strip_position(str(exc))}") from None
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe_validation_error(path, text, data, exc)) from None
    return _resolve(config, path.resolve(), text, check_sources=check_sources)


def _resolve(config: Config, path: Path, text: str, *, check_sources: bool) -> Config:
    base = path.parent
    config._config_path = path

    def absolute(value: Path) -> Path:
        value = value.expanduser()
        return value if value.is_absolute() else (base / value)

    config.store.path = absolute(config.store.path)
    config.site.out_dir = absolute(config.site.out_dir)
    config.markdown.out_dir = absolute(config.markdown.out_dir)
    for index, source in enumerate(config.sources):
        if source.path is None:
            if source.type == "claude-code":
                source.path = Path("~/.claude/projects")
            elif source.type == "codex":
                source.path = Path("~/.codex/sessions")
            else:
                line = _line_of_table(text, "sources", index)
                raise ConfigError(f"{path}:{line}: [[sources]] of type {source.type!r} needs a 'path'")
        source.path = absolute(source.path)
        if check_sources and not source.path.exists():
            line = _line_of_key(text, "sources", "path", index) or _line_of_table(text, "sources", index)
            raise ConfigError(f"{path}:{line}: source path does not exist: {source.path}")
    return config


def _toml_error_line(exc: tomllib.TOMLDecodeError) -> int:
    match = re.search(r"at line (\d+)", str(exc))
    return int(match.group(1)) if match else 1


def _strip_position(message: str) -> str:
    return re.sub(r"\s*\(at line \d+, column \d+\)", "", message)


def _describe_validation_error(path: Path, text: str, data: dict, exc: ValidationError) -> str:
    error = exc.errors()[0]
    loc = [part for part in error["loc"]]
    section = str(loc[0]) if loc else ""
    index = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
    key_parts = [str(p) for p in loc if not isinstance(p, int)]
    key = key_parts[-1] if key_parts else ""
    line = None
    if len(key_parts) >= 2 or (len(key_parts) == 1 and index is None and section not in data):
        line = _line_of_key(text, section if len(key_parts) >= 2 else None, key, index)
    if line is None and section:
        line = _line_of_table(text, section, index or 0)
    where = f"{path}:{line or 1}"
    dotted = ".".join(key_parts)
    if error["type"] == "extra_forbidden":
        return f"{where}: unknown key '{dotted}'"
    message = error["msg"].removeprefix("Value error, ")
    return f"{where}: '{dotted}': {message}"


def _table_spans(text: str) -> list[tuple[str, int]]:
    """List (header name, line number) for each [table] / [[array]] header."""
    spans = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.match(r"\s*\[\[?\s*([A-Za-z0-9_.-]+)\s*\]\]?", line)
        if match:
            spans.append((match.group(1), number))
    return spans


def _line_of_table(text: str, section: str, index: int = 0) -> int | None:
    matches = [number for name, number in _table_spans(text) if name == section]
    if len(matches) > index:
        return matches[index]
    return matches[0] if matches else None


def _line_of_key(text: str, section: str | None, key: str, index: int | None = None) -> int | None:
    """Best-effort line of `key = ...` inside a section (the n-th one for arrays of tables)."""
    lines = text.splitlines()
    start = 0
    if section:
        header = _line_of_table(text, section, index or 0)
        if header is None:
            return None
        start = header
    for number in range(start, len(lines)):
        line = lines[number]
        if number > start and section and re.match(r"\s*\[", line):
            break
        if not section and re.match(r"\s*\[", line):
            break
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number + 1
    return None
