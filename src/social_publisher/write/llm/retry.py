"""Retries of one LLM call (tenacity): after a 429, a 5xx or a timeout, wait what the server's
`retry-after` says (seconds or an HTTP date), else back off exponentially, then try again.

All attempts belong to one reserved call: the budget counts the call once, however many
attempts it took. A wait longer than MAX_WAIT_S is not slept: the call fails and the story
waits for a later run.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Callable, TypeVar

from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from social_publisher.write.base import WriteFailed

T = TypeVar("T")
MAX_WAIT_S = 60.0
_BACKOFF = wait_exponential(multiplier=0.5, min=0.5, max=MAX_WAIT_S)


class Retryable(WriteFailed):
    """Raised by a backend for a failure worth another attempt (429, 5xx, timeout, connection lost)."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


def retry_after_seconds(value: str | None) -> float | None:
    """A `retry-after` header as seconds: a number, or an HTTP date from now; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _wait(state: RetryCallState) -> float:
    exc = state.outcome.exception() if state.outcome else None
    if isinstance(exc, Retryable) and exc.retry_after is not None:
        return exc.retry_after
    return _BACKOFF(state)


def _stop_on_long_wait(state: RetryCallState) -> bool:
    exc = state.outcome.exception() if state.outcome else None
    return isinstance(exc, Retryable) and (exc.retry_after or 0) > MAX_WAIT_S


def call_with_retries(send: Callable[[], T], retries: int, *, sleep: Callable[[float], None] = time.sleep) -> T:
    """`send()`, attempted up to 1 + `retries` times while it raises Retryable; the last failure is raised."""
    retrying = Retrying(
        sleep=sleep,
        retry=retry_if_exception_type(Retryable),
        stop=stop_after_attempt(1 + retries) | _stop_on_long_wait,
        wait=_wait,
        reraise=True,
    )
    return retrying(send)


def sdk_failure(sdk, exc: Exception, timeout_s: float, where: str) -> WriteFailed:
    """The failure to raise for an exception of the anthropic or openai SDK (they share these classes):
    Retryable for 429, 5xx, timeouts and lost connections, WriteFailed for the rest."""
    if isinstance(exc, sdk.APIStatusError):
        reason = f"HTTP {exc.status_code}: {_error_message(exc)}"
        if exc.status_code == 429 or exc.status_code >= 500:
            return Retryable(reason, retry_after_seconds(exc.response.headers.get("retry-after")))
        return WriteFailed(reason)
    if isinstance(exc, sdk.APITimeoutError):
        return Retryable(f"no answer within {timeout_s:g} s ([writer] timeout_s)")
    if isinstance(exc, sdk.APIConnectionError):
        return Retryable(f"cannot reach {where}: {type(exc).__name__}")
    return WriteFailed(f"{type(exc).__name__}: {exc}")


def _error_message(exc) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])[:200]
    return str(getattr(exc, "message", exc))[:200]
