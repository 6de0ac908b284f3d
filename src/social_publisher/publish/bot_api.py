"""The Telegram Bot API call: one for every bot request the program makes, the `telegram`
channel's (publish/telegram.py) and the review bot's (ops/telegram_review.py).

The token lives only in the request path. Errors never carry the URL: Telegram's description of
a failure, secrets removed, or, when it refuses the token (401, or 404 for a malformed one),
`TokenRefused` naming the environment variable that holds it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from social_publisher.publish.http import RemoteError, Service


class TokenRefused(RemoteError):
    """Telegram refused the bot token: every further call would be refused too."""


@dataclass
class BotApi:
    """One bot: the service it is reached at, its token and the variable the token came from."""

    service: Service
    token: str = field(repr=False)  # never shown
    token_env: str = ""

    def call(self, method: str, *, idempotent: bool = False, result: type | None = None, **kwargs: Any) -> Any:
        """POST one Bot API method (`json=`, or `data=` and `files=`) and return its `result`
        (which must be a `result` when that is given); RemoteError otherwise."""
        answer = self.service.request("POST", f"/bot{self.token}/{method}", idempotent=idempotent, **kwargs)
        data = answer.data if isinstance(answer.data, dict) else {}
        if answer.ok and data.get("ok") and (result is None or isinstance(data.get("result"), result)):
            return data.get("result")
        if answer.status in (401, 404):  # Telegram answers 404 to a malformed token
            raise TokenRefused(f"the token in ${self.token_env} was refused by Telegram ({answer.status})",
                               answer.status)
        description = data.get("description") if isinstance(data.get("description"), str) else None
        raise RemoteError(self.service.describe(answer, description), answer.status)
