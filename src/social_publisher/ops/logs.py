"""The log: JSON lines in a rotating file beside the store (`<state>/logs/publisher.log`), and a
quiet console (warnings only; `-v` for info, `-vv` for debug).

Every record passes `SecretFilter` first, on the way to every handler: the values of the
environment variables that hold tokens (those the config names, and the API keys) and anything
shaped like a token (a Telegram bot URL, a provider key) become `[redacted]`, in the message
and in its arguments, so no token reaches a log line whoever logs it.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
from pathlib import Path

import orjson

from social_publisher import clock

LOGGER = "social_publisher"
MAX_BYTES = 1 << 20
BACKUPS = 5
ALWAYS_SECRET_ENVS = ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "TELEGRAM_BOT_TOKEN", "MASTODON_TOKEN",
                      "BLUESKY_APP_PASSWORD")
_TOKEN_SHAPES = re.compile(
    r"bot\d{6,12}:[\w-]{30,}"             # Telegram bot token in an API URL
    r"|\b\d{8,10}:[\w-]{30,}"               # a bare Telegram bot token
    r"|\bsk-(?:ant-)?[\w-]{20,}"          # Anthropic / OpenAI keys
    r"|\b(?:ghp|gho|github_pat|xox[abp]|hf|npm)_[\w-]{16,}"
    r"|(?i:bearer)\s+[\w.~+/-]{16,}=*"
)


def log_path(store_path: Path) -> Path:
    return store_path.parent / "logs" / "publisher.log"


class SecretFilter(logging.Filter):
    """Masks secrets in every record (message and arguments) before any handler sees it."""

    def __init__(self, secret_envs: tuple[str, ...] = ()):
        super().__init__()
        self.secret_envs = tuple(dict.fromkeys((*ALWAYS_SECRET_ENVS, *secret_envs)))

    def scrub(self, text: str) -> str:
        for env in self.secret_envs:
            value = os.environ.get(env)
            if value and len(value) >= 6:
                text = text.replace(value, "[redacted]")
        return _TOKEN_SHAPES.sub("[redacted]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.scrub(record.getMessage())
        record.args = None
        if record.exc_info:
            import traceback

            record.exc_text = self.scrub("".join(traceback.format_exception(*record.exc_info)))
            record.exc_info = None
        return True


class JsonLines(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, and any `extra` fields."""

    _STANDARD = set(vars(logging.LogRecord("x", 0, "x", 0, "x", None, None))) | {"message"}

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": clock.iso(clock.now()), "level": record.levelname.lower(), "logger": record.name,
                 "message": record.getMessage()}
        entry.update({k: v for k, v in vars(record).items() if k not in self._STANDARD and not k.startswith("_")})
        if record.exc_text:
            entry["traceback"] = record.exc_text
        return orjson.dumps(entry, default=str).decode()


def setup(store_path: Path | None, *, verbosity: int = 0, secret_envs: tuple[str, ...] = ()) -> Path | None:
    """Send the package's log records to the file (when a store path is known) and the console.

    Safe to call again (a second call replaces the handlers). Returns the log file's path.
    """
    logger = logging.getLogger(LOGGER)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    for old in list(logger.filters):
        logger.removeFilter(old)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    secrets = SecretFilter(secret_envs)
    console = logging.StreamHandler()
    console.setLevel(logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    console.addFilter(secrets)
    console.addFilter(lambda record: getattr(record, "console", True))  # the CLI printed those itself
    logger.addHandler(console)
    if store_path is None:
        return None
    path = log_path(store_path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                                            encoding="utf-8")
    except OSError:
        return None  # a read-only state folder must not stop the run; the console still shows warnings
    file_handler.setLevel(logging.DEBUG if verbosity >= 2 else logging.INFO)
    file_handler.setFormatter(JsonLines())
    file_handler.addFilter(secrets)
    logger.addHandler(file_handler)
    return path


def secret_envs_of(config) -> tuple[str, ...]:
    """The environment variable names the config says hold secrets."""
    names = []
    for section in ("telegram", "mastodon", "bluesky"):
        settings = getattr(config, section, None)
        for field in ("token_env", "handle_env", "password_env"):
            value = getattr(settings, field, None) if settings is not None else None
            if isinstance(value, str) and value and field != "handle_env":
                names.append(value)
    return tuple(names)
