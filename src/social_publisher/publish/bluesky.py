"""The `bluesky` channel: each post (and digest) as one `app.bsky.feed.post` record (`[bluesky]`).

`com.atproto.server.createSession` with the handle and app password from the environment, once
per run and only when something is sent, then `com.atproto.repo.createRecord`. A post is the
title, the opening and the link, at most 300 graphemes; the link (shown shortened) and the
hashtags are facets with UTF-8 byte offsets, and an external embed gives the link a card.

Each record gets its record key (a TID) before it is sent, kept in its part record: after an
interrupted send the channel asks `com.atproto.repo.getRecord` whether that key exists before
sending again, so nothing is ever posted twice and no crash needs the user's word.
"""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import regex

from social_publisher import clock
from social_publisher.config import Config
from social_publisher.publish import richtext as rt
from social_publisher.publish.channel import Digest, PublishContext, register
from social_publisher.publish.content import post_url
from social_publisher.publish.http import Answer, HttpChannel, RemoteError, secret_from_env
from social_publisher.publish.parts import Part, send_parts
from social_publisher.publish.short import digest_markdown, hashtags, opening, status
from social_publisher.records import Post, PublicationKey, fingerprint

LIMIT = 300  # graphemes
SHOWN_LINK = 40  # graphemes of the address shown in the text; the facet carries it whole
COLLECTION = "app.bsky.feed.post"
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def graphemes(text: str) -> int:
    return len(regex.findall(r"\X", text))


def tid(micros: int, clock_id: int) -> str:
    """An AT Protocol timestamp identifier: 53 bits of microseconds, 10 of clock id, base32-sortable."""
    value = (micros & ((1 << 53) - 1)) << 10 | (clock_id & 0x3FF)
    return "".join(_TID_ALPHABET[(value >> shift) & 31] for shift in range(60, -1, -5))


def new_record_key(publication: PublicationKey, index: int) -> str:
    return tid(int(clock.now().timestamp() * 1_000_000), secrets.randbelow(1024))


def digest_record_key(digest: Digest) -> str:
    """A digest's record key, fixed by its day and language (as it was before digests recorded
    their parts, so one left pending then is still looked up under its key)."""
    day = datetime.fromisoformat(digest.day).replace(hour=12, tzinfo=timezone.utc)
    return tid(int(day.timestamp() * 1_000_000), int(fingerprint(digest.day, digest.lang), 16) % 1024)


def shown_link(url: str) -> str:
    """The address as the text shows it: no scheme, cut with an ellipsis past SHOWN_LINK graphemes."""
    shown = url.split("://", 1)[-1].rstrip("/")
    clusters = regex.findall(r"\X", shown)
    return shown if len(clusters) <= SHOWN_LINK else "".join(clusters[:SHOWN_LINK - 1]) + "…"


def byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def link_facet(text: str, start: int, end: int, url: str) -> dict[str, Any]:
    return {"index": {"byteStart": byte_offset(text, start), "byteEnd": byte_offset(text, end)},
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": url}]}


def tag_facets(text: str, after: int) -> list[dict[str, Any]]:
    facets = []
    for match in regex.finditer(r"(?<!\w)#(\w+)", text[after:]):
        start, end = after + match.start(), after + match.end()
        facets.append({"index": {"byteStart": byte_offset(text, start), "byteEnd": byte_offset(text, end)},
                       "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": match.group(1)}]})
    return facets


def post_record(post: Post, url: str, tags: list[str], created_at: str) -> dict[str, Any]:
    """The app.bsky.feed.post record for a post: text within LIMIT, the link and tags as facets."""
    shown = shown_link(url)
    summary = opening(post)
    text, start = status(post.title, summary, shown, tags, limit=LIMIT, length=graphemes)
    end = start + len(shown)
    return {
        "$type": COLLECTION, "text": text, "createdAt": created_at, "langs": [post.lang],
        "facets": [link_facet(text, start, end, url), *tag_facets(text, end)],
        "embed": {"$type": "app.bsky.embed.external",
                  "external": {"uri": url, "title": post.title, "description": summary[:300]}},
    }


def stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@register
class BlueskyChannel(HttpChannel):
    name = "bluesky"
    idempotent = True  # a record key sent twice makes one record: the channel looks before it resends
    resend_window = math.inf
    def __init__(self, config: Config):
        super().__init__(config)
        settings = config.bluesky
        self.handle_env, self.password_env = settings.handle_env, settings.password_env
        self.handle = secret_from_env(settings.handle_env, "your Bluesky handle (name.bsky.social)",
                                      secret=False)
        self.password = secret_from_env(settings.password_env, "an app password (Settings → App passwords)")
        self.host = urlsplit(settings.service).netloc or settings.service
        self.service = self.connect(f"Bluesky ({self.host})", settings.service, (self.password,))
        self.session: dict[str, str] | None = None
        self.refused: RemoteError | None = None

    def publish(self, post: Post, context: PublishContext) -> str:
        url = post_url(context.config, context.store, post)
        tags = hashtags(context.store, post)

        def send(part: Part) -> str:
            record = post_record(post, url, tags, stamp(clock.now()))
            return self.create(record, part.key, look_first=part.resumed)

        return send_parts(context, self, post, 1, send, key=new_record_key)[0]

    def publish_digest(self, digest: Digest, context: PublishContext) -> str:
        base = context.config.site.base_url

        def text_of(markdown: str) -> tuple[str, list[rt.Span]]:
            return rt.plain_text(rt.markdown_blocks(markdown, base_url=base))

        markdown = digest_markdown(context.config, digest, lambda md: graphemes(text_of(md)[0]) <= LIMIT)
        text, spans = text_of(markdown)
        record = {"$type": COLLECTION, "text": text, "createdAt": stamp(clock.now()), "langs": [digest.lang],
                  "facets": [link_facet(text, span.start, span.end, span.url) for span in spans]}
        return send_parts(context, self, digest, 1, lambda part: self.create(record, part.key, look_first=part.resumed),
                          key=lambda publication, index: digest_record_key(digest))[0]


    def create(self, record: dict[str, Any], rkey: str, *, look_first: bool) -> str:
        """createRecord under `rkey`, or the record already there under it; returns its at:// URI."""
        session = self._session()
        if look_first and (existing := self._existing(rkey)):
            return existing
        body = {"repo": session["did"], "collection": COLLECTION, "rkey": rkey, "record": record}
        answer = self._xrpc("POST", "com.atproto.repo.createRecord", json=body)
        if answer.ok and isinstance(answer.data, dict) and answer.data.get("uri"):
            return str(answer.data["uri"])
        if answer.status == 400 and (existing := self._existing(rkey)):  # a retry of one that went through
            return existing
        raise self._error(answer)

    def _existing(self, rkey: str) -> str | None:
        params = {"repo": self._session()["did"], "collection": COLLECTION, "rkey": rkey}
        answer = self._xrpc("GET", "com.atproto.repo.getRecord", params=params)
        if answer.ok and isinstance(answer.data, dict):
            return str(answer.data.get("uri") or f"at://{params['repo']}/{COLLECTION}/{rkey}")
        if answer.status == 400 and _error_name(answer) == "RecordNotFound":
            return None
        raise self._error(answer)

    def _xrpc(self, method: str, name: str, **kwargs: Any) -> Answer:
        for attempt in range(2):
            headers = {"Authorization": f"Bearer {self._session()['accessJwt']}"}
            answer = self.service.request(method, f"/xrpc/{name}", idempotent=True, headers=headers, **kwargs)
            if attempt == 0 and answer.status == 400 and _error_name(answer) == "ExpiredToken":
                self.session = None  # log in again once
                continue
            return answer
        return answer

    def _session(self) -> dict[str, str]:
        if self.refused is not None:
            raise RemoteError(str(self.refused), self.refused.status)
        if self.session is None:
            answer = self.service.request("POST", "/xrpc/com.atproto.server.createSession", idempotent=True,
                                          json={"identifier": self.handle, "password": self.password})
            data = answer.data if isinstance(answer.data, dict) else {}
            if not (answer.ok and data.get("accessJwt") and data.get("did")):
                if answer.status == 401:
                    self.refused = RemoteError(
                        f"the handle in ${self.handle_env} and app password in ${self.password_env} were refused "
                        f"by {self.host} (401: {self.service.scrub(_error_text(answer) or 'unauthorized')})",
                        answer.status)
                    raise self.refused
                raise self._error(answer)
            self.service.add_secret(str(data["accessJwt"]))
            self.service.add_secret(str(data.get("refreshJwt", "")))
            self.session = {"did": str(data["did"]), "accessJwt": str(data["accessJwt"])}
        return self.session

    def _error(self, answer: Answer) -> RemoteError:
        return RemoteError(self.service.describe(answer, _error_text(answer)), answer.status)


def _error_name(answer: Answer) -> str:
    return str(answer.data.get("error", "")) if isinstance(answer.data, dict) else ""


def _error_text(answer: Answer) -> str | None:
    if not isinstance(answer.data, dict):
        return None
    parts = [str(answer.data[key]) for key in ("error", "message") if answer.data.get(key)]
    return ": ".join(parts) or None
