"""The HTTP plumbing the outside channels share (Telegram, Mastodon, Bluesky).

`HttpChannel` is what such a channel shares: its config section is named like it
(`[mastodon]`), it is on when that section says `enabled` and takes the posts in its
`languages`. `Service` is one outside service: an httpx client with a timeout, retries (tenacity) on 429 and
5xx answers and on timeouts, waiting what the service asks for (`Retry-After`, rate-limit reset
headers, Telegram's `parameters.retry_after`) or backing off, and errors that never carry a URL
(Telegram's holds the bot token) or a secret. `Pacer` spaces messages to stay under a rate
limit. Both take a `Clock`, so tests run them on a fake one and never sleep.

One rule decides what may be retried: a failure to connect means nothing left the machine, so
it is always retried; a timeout or a dropped connection after the request went out means the
service may have acted on it, so it is retried only for idempotent requests, and otherwise
raised as `DeliveryUncertain` (the publication part is then "uncertain", never silently resent).

httpx and tenacity are imported when a service is first built: a run with no outside channel
enabled does not load them.
"""

from __future__ import annotations

import logging
import os
import time
from collections import deque
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Iterable, Mapping

import orjson

from social_publisher.config import Config
from social_publisher.errors import BackendUnavailable, PublisherError
from social_publisher.publish.channel import Channel, PublishContext
from social_publisher.records import Post

if TYPE_CHECKING:
    import httpx

USER_AGENT = "social-publisher (+https://github.com/; a bot that publishes a developer's blog posts)"
MAX_DESCRIPTION = 300


class Clock:
    """Wall time and waiting, in one place so tests can replace both."""

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


SYSTEM_CLOCK = Clock()


class RemoteError(PublisherError):
    """Raised when the service answered with an error: it did not take the request."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


class ServiceUnreachable(PublisherError):
    """Raised when no attempt reached the service (connection refused, DNS, connect timeout), or
    no answer came to an idempotent request; `reason` says why in a word ("timed out", "ConnectError")."""

    def __init__(self, message: str, reason: str = ""):
        super().__init__(message)
        self.reason = reason


def _reason(exc: Exception) -> str:
    import httpx

    return "timed out" if isinstance(exc, httpx.TimeoutException) else type(exc).__name__


class DeliveryUncertain(PublisherError):
    """Raised when a request that must not be repeated went out and no answer came back:
    the service may or may not have acted on it."""


def secret_from_env(env_name: str, what: str, *, secret: bool = True) -> str:
    """The value an environment variable holds (a secret unless said otherwise: scrubbed from
    every message and log line); BackendUnavailable naming the variable when it is unset."""
    value = os.environ.get(env_name, "").strip()
    if not value:
        raise BackendUnavailable(f"${env_name} is not set; export it with {what} to enable this channel")
    if secret:
        _SECRETS.add(value)
    return value


# Every secret a service was built with: the log filter below removes them from httpx's lines.
_SECRETS: set[str] = set()


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in {*secrets, *_SECRETS}:
        if secret:
            text = text.replace(secret, "***")
    return text


class _ScrubSecrets(logging.Filter):
    """httpx logs each request URL at INFO; a Telegram URL holds the bot token."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _SECRETS:
            record.msg = scrub(record.getMessage())
            record.args = ()
        return True


for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).addFilter(_ScrubSecrets())


@dataclass(frozen=True)
class Answer:
    """What the service said: status, headers and the JSON body (None when it was not JSON)."""

    status: int
    headers: Mapping[str, str]
    data: Any
    text: str  # the start of the body, secrets removed, for error messages

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class _Retry(Exception):
    """Internal: this attempt may be repeated (a 429/5xx answer, or a failure before or without effect)."""

    def __init__(self, answer: Answer | None = None, error: PublisherError | None = None,
                 wait: float | None = None):
        super().__init__()
        self.answer, self.error, self.wait = answer, error, wait


def header_retry_after(answer: Answer, clock: Clock) -> float | None:
    """Seconds the service asks us to wait: `Retry-After` (seconds or an HTTP date), else a
    rate-limit reset time (epoch seconds as Bluesky sends, or ISO as Mastodon does)."""
    headers = {key.lower(): value for key, value in answer.headers.items()}
    value = headers.get("retry-after", "").strip()
    if value:
        if value.isdigit():
            return float(value)
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - clock.time())
        except (TypeError, ValueError):
            pass
    for name in ("ratelimit-reset", "x-ratelimit-reset"):
        reset = headers.get(name, "").strip()
        if not reset:
            continue
        try:
            at = float(reset)
        except ValueError:
            from social_publisher.clock import parse_iso

            try:
                at = parse_iso(reset).timestamp()
            except ValueError:
                continue
        return max(0.0, at - clock.time())
    return None


@dataclass
class Service:
    """One outside service reached over HTTP at `base_url`.

    `label` names it in messages ("Telegram"); `secrets` are scrubbed from every description;
    `retry_after(answer)` may read a wait from the body where the service puts it there.
    """

    label: str
    base_url: str
    secrets: tuple[str, ...] = ()
    clock: Clock = SYSTEM_CLOCK
    timeout: float = 30.0
    attempts: int = 5
    max_wait: float = 300.0  # a longer wait asked by the service fails this run; the next run retries
    retry_after: Callable[[Answer], float | None] | None = None
    _client: "httpx.Client | None" = field(default=None, repr=False)

    def __post_init__(self) -> None:
        _SECRETS.update(secret for secret in self.secrets if secret)

    def __repr__(self) -> str:  # never show the secrets
        return f"Service({self.label!r})"

    @property
    def client(self) -> "httpx.Client":
        if self._client is None:
            import httpx

            self._client = httpx.Client(base_url=self.base_url.rstrip("/"), headers={"User-Agent": USER_AGENT},
                                        timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 10.0)))
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def add_secret(self, value: str) -> None:
        """A secret learned while running (a session token): scrubbed like the configured ones."""
        if value:
            self.secrets = (*self.secrets, value)
            _SECRETS.add(value)

    def scrub(self, text: str) -> str:
        return scrub(text, self.secrets)

    def request(self, method: str, path: str, *, idempotent: bool, **kwargs: Any) -> Answer:
        """Send one request, retried as the module docstring says; the final answer whatever its
        status (the channel turns an error answer into its own message), or an exception when
        no answer came: ServiceUnreachable, DeliveryUncertain."""
        import tenacity

        retrying = tenacity.Retrying(
            stop=self._stop, wait=self._wait, retry=tenacity.retry_if_exception_type(_Retry),
            sleep=self.clock.sleep, reraise=True,
        )
        last: _Retry | None = None
        try:
            for attempt in retrying:
                with attempt:
                    return self._once(method, path, idempotent, kwargs)
        except _Retry as exc:
            last = exc
        assert last is not None
        if last.answer is not None:
            return last.answer
        raise last.error  # type: ignore[misc]

    def _stop(self, state: Any) -> bool:
        if state.attempt_number >= self.attempts:
            return True
        failure = state.outcome.exception()
        return isinstance(failure, _Retry) and failure.wait is not None and failure.wait > self.max_wait

    def _wait(self, state: Any) -> float:
        failure = state.outcome.exception()
        if isinstance(failure, _Retry) and failure.wait is not None:
            return failure.wait
        return min(30.0, 0.5 * 2 ** (state.attempt_number - 1))

    def _once(self, method: str, path: str, idempotent: bool, kwargs: dict[str, Any]) -> Answer:
        import httpx

        failure: PublisherError | _Retry | None = None
        response = None
        try:
            response = self.client.request(method, path, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            failure = _Retry(error=ServiceUnreachable(f"{self.label}: could not connect ({type(exc).__name__})",
                                                      _reason(exc)))
        except httpx.HTTPError as exc:
            if idempotent:
                failure = _Retry(error=ServiceUnreachable(f"{self.label}: no answer ({type(exc).__name__})",
                                                          _reason(exc)))
            else:
                failure = DeliveryUncertain(f"{self.label}: the request went out but no answer came back "
                                            f"({type(exc).__name__}); the service may have it")
        if failure is not None:  # raised here, outside `except`, so no httpx error (and its URL) is chained
            raise failure
        assert response is not None
        answer = self._answer(response)
        if answer.status == 429 or answer.status >= 500:
            wait = self.retry_after(answer) if self.retry_after else None
            if wait is None:
                wait = header_retry_after(answer, self.clock)
            raise _Retry(answer=answer, wait=wait)
        return answer

    def _answer(self, response: "httpx.Response") -> Answer:
        body = response.content
        try:
            data = orjson.loads(body) if body else None
        except orjson.JSONDecodeError:
            data = None
        text = self.scrub(body[:MAX_DESCRIPTION].decode("utf-8", "replace"))
        return Answer(status=response.status_code, headers=dict(response.headers), data=data, text=text)

    def describe(self, answer: Answer, description: str | None = None) -> str:
        """A one-line description of an error answer, secrets removed, never the URL."""
        detail = description or answer.text or "no description"
        detail = " ".join(self.scrub(str(detail)).split())[:MAX_DESCRIPTION]
        return f"{self.label} answered {answer.status}: {detail}"


class Pacer:
    """Spaces sends to stay under rate limits given as (messages, per seconds), e.g. Telegram's
    1 a second and 20 a minute to one chat."""

    def __init__(self, limits: list[tuple[int, float]], clock: Clock = SYSTEM_CLOCK):
        self.limits = limits
        self.clock = clock
        self.sent: deque[float] = deque(maxlen=max(count for count, _ in limits))

    def wait(self) -> None:
        """Block until one more message may go out, and count it as sent now."""
        now = self.clock.monotonic()
        delay = 0.0
        for count, period in self.limits:
            if len(self.sent) >= count:
                delay = max(delay, self.sent[-count] + period - now)
        if delay > 0:
            self.clock.sleep(delay)
            now = self.clock.monotonic()
        self.sent.append(now)


class HttpChannel(Channel):
    """Base of the channels that talk to an outside service (see the module docstring)."""

    records_parts = True
    takes_digest = True
    clock: ClassVar[Clock] = SYSTEM_CLOCK  # tests put a fake clock here: no real sleeping
    timeout: ClassVar[float] = 30.0  # seconds for one request
    service: Service

    @classmethod
    def settings(cls, config: Config) -> Any:
        return getattr(config, cls.name)

    @classmethod
    def enabled(cls, config: Config) -> bool:
        return bool(cls.settings(config).enabled)

    @classmethod
    def accepts(cls, post: Post, config: Config) -> bool:
        return post.lang in cls.settings(config).languages

    def connect(self, label: str, base_url: str, secrets: tuple[str, ...], **options: Any) -> Service:
        return Service(label, base_url, secrets=secrets, clock=self.clock, timeout=self.timeout, **options)

    def finish(self, context: PublishContext) -> None:
        self.service.close()
