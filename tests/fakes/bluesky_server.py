"""A loopback Bluesky PDS: `createSession`, `createRecord` and `getRecord` over XRPC.

As the real server: 401 AuthenticationRequired for a wrong password or token, 400 ExpiredToken
when `expire_tokens()` was called, 400 InvalidRequest for a post over 300 graphemes or with a
facet outside its text's UTF-8 bytes or a record key already used, RecordNotFound from
getRecord. Every record made is in `records` (rkey -> record).
"""

from __future__ import annotations

import itertools

import regex

from fakes.server import FakeServer, Reply, Request

DID = "did:plc:fakeuser0000000000000000"


def invalid(message: str) -> Reply:
    return Reply(400, {"error": "InvalidRequest", "message": message})


class BlueskyServer(FakeServer):
    def __init__(self, handle: str, password: str):
        super().__init__()
        self.account, self.password = handle, password
        self.records: dict[str, dict] = {}
        self.tokens: set[str] = set()
        self._counter = itertools.count(1)

    def route(self, request: Request) -> str:
        return request.path.removeprefix("/xrpc/")

    def expire_tokens(self) -> None:
        with self._lock:
            self.tokens.clear()

    def handle(self, request: Request) -> Reply:
        if request.route == "com.atproto.server.createSession":
            fields = request.fields
            if fields.get("identifier") != self.account or fields.get("password") != self.password:
                return Reply(401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password"})
            token = f"jwt-{next(self._counter)}-access"
            with self._lock:
                self.tokens.add(token)
            return Reply(200, {"did": DID, "handle": self.account, "accessJwt": token, "refreshJwt": token + "-refresh"})
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if not bearer.startswith("jwt-"):
            return Reply(401, {"error": "AuthenticationRequired", "message": "Authentication Required"})
        if bearer not in self.tokens:
            return Reply(400, {"error": "ExpiredToken", "message": "Token has expired"})
        if request.route == "com.atproto.repo.getRecord":
            record = self.records.get(request.query.get("rkey", ""))
            if record is None:
                return Reply(400, {"error": "RecordNotFound", "message": "Could not locate record"})
            return Reply(200, {"uri": self._uri(request.query["rkey"]), "cid": "bafyfake", "value": record})
        if request.route == "com.atproto.repo.createRecord":
            return self._create(request.fields)
        return Reply(404, {"error": "MethodNotImplemented", "message": "Method Not Implemented"})

    def _uri(self, rkey: str) -> str:
        return f"at://{DID}/app.bsky.feed.post/{rkey}"

    def _create(self, body: dict) -> Reply:
        record, rkey = body.get("record") or {}, str(body.get("rkey") or f"auto{next(self._counter)}")
        if body.get("repo") != DID or body.get("collection") != "app.bsky.feed.post":
            return invalid("Invalid repo or collection")
        text = str(record.get("text", ""))
        if len(regex.findall(r"\X", text)) > 300:
            return invalid("Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes")
        size = len(text.encode("utf-8"))
        for facet in record.get("facets", []):
            index = facet.get("index", {})
            if not 0 <= index.get("byteStart", -1) < index.get("byteEnd", -1) <= size:
                return invalid("Invalid app.bsky.feed.post record: facet index out of the text")
        if not record.get("createdAt"):
            return invalid("Invalid app.bsky.feed.post record: Record must have the property \"createdAt\"")
        with self._lock:
            if rkey in self.records:
                return invalid("Record already exists")
            self.records[rkey] = record
        return Reply(200, {"uri": self._uri(rkey), "cid": "bafyfake"})
