"""A loopback Mastodon: `POST /api/v1/statuses` with a Bearer token.

As the real server: 401 for a wrong token, 422 for a status over 500 characters (graphemes, every
address counted as 23), and an `Idempotency-Key` already seen returns the status made for it the
first time instead of a new one. Every status made is in `statuses`.
"""

from __future__ import annotations

import re

import regex

from fakes.server import FakeServer, Reply, Request

_URL = re.compile(r"https?://\S+")


def mastodon_length(text: str) -> int:
    return len(regex.findall(r"\X", _URL.sub("x" * 23, text)))


class MastodonServer(FakeServer):
    def __init__(self, token: str, limit: int = 500):
        super().__init__()
        self.token = token
        self.limit = limit
        self.statuses: list[dict] = []
        self.by_key: dict[str, dict] = {}

    def route(self, request: Request) -> str:
        return request.path

    def handle(self, request: Request) -> Reply:
        if request.path != "/api/v1/statuses" or request.method != "POST":
            return Reply(404, {"error": "Record not found"})
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return Reply(401, {"error": "The access token is invalid"})
        key = request.headers.get("idempotency-key")
        with self._lock:
            if key and key in self.by_key:
                return Reply(200, self.by_key[key])
        text = str(request.fields.get("status", ""))
        if not text.strip():
            return Reply(422, {"error": "Validation failed: Text can't be blank"})
        if mastodon_length(text) > self.limit:
            return Reply(422, {"error": f"Validation failed: Text character limit of {self.limit} exceeded"})
        with self._lock:
            status = {"id": str(1000 + len(self.statuses)), "content": text, "language": request.fields.get("language"),
                      "visibility": request.fields.get("visibility"), "url": f"{self.url}/@me/{1000 + len(self.statuses)}"}
            self.statuses.append(status)
            if key:
                self.by_key[key] = status
        return Reply(200, status)
