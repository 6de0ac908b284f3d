"""The `mastodon` channel: each post (and digest) as one status on `[mastodon] instance`.

A status is the title, the opening of the post and the link to it on the site, with the story's
tags as hashtags where they fit, at most 500 characters as Mastodon counts them (any address
costs 23). `POST /api/v1/statuses` carries an `Idempotency-Key` made from the publication (a post's or a
digest's alike) and kept in its part record: a retry, or a resend after a crash within the hour
Mastodon remembers the key, returns the status already made instead of a second one; past the
hour an interrupted send waits for `publish --resolve`.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from social_publisher.config import Config
from social_publisher.publish import richtext as rt
from social_publisher.publish.channel import Digest, PublishContext, register
from social_publisher.publish.content import post_url
from social_publisher.publish.http import HttpChannel, RemoteError, secret_from_env
from social_publisher.publish.parts import send_parts
from social_publisher.publish.short import digest_markdown, hashtags, opening, status
from social_publisher.records import Post

LIMIT = 500
URL_COST = 23  # Mastodon counts every address as 23 characters, however long
_URL = re.compile(r"https?://\S+")


def length(text: str) -> int:
    """Characters as Mastodon counts them (code points: never fewer than its grapheme count)."""
    return len(_URL.sub("x" * URL_COST, text))


def digest_text(markdown: str, base_url: str) -> str:
    return rt.plain_text(rt.markdown_blocks(markdown, base_url=base_url), show_urls=True)[0]


@register
class MastodonChannel(HttpChannel):
    name = "mastodon"
    resend_window = 3000.0  # Mastodon keeps an Idempotency-Key for an hour
    def __init__(self, config: Config):
        super().__init__(config)
        settings = config.mastodon
        self.token_env = settings.token_env
        self.token = secret_from_env(settings.token_env, "an access token with the write:statuses scope "
                                     "(Preferences → Development → New application)")
        self.host = urlsplit(settings.instance).netloc or settings.instance
        self.service = self.connect(f"Mastodon ({self.host})", settings.instance, (self.token,))

    def publish(self, post: Post, context: PublishContext) -> str:
        url = post_url(context.config, context.store, post)
        text, _ = status(post.title, opening(post), url, hashtags(context.store, post), limit=LIMIT, length=length)
        ids = send_parts(context, self, post, 1, lambda part: self.post_status(text, post.lang, part.key))
        return ids[0]

    def publish_digest(self, digest: Digest, context: PublishContext) -> str:
        base = context.config.site.base_url
        markdown = digest_markdown(context.config, digest, lambda text: length(digest_text(text, base)) <= LIMIT)
        text = digest_text(markdown, base)
        return send_parts(context, self, digest, 1, lambda part: self.post_status(text, digest.lang, part.key))[0]


    def post_status(self, text: str, lang: str, key: str) -> str:
        answer = self.service.request(
            "POST", "/api/v1/statuses", idempotent=True,  # the Idempotency-Key makes a repeat harmless
            json={"status": text, "visibility": "public", "language": lang},
            headers={"Authorization": f"Bearer {self.token}", "Idempotency-Key": key},
        )
        data = answer.data if isinstance(answer.data, dict) else {}
        if answer.ok and data.get("id"):
            return str(data["id"])
        description = data.get("error") if isinstance(data.get("error"), str) else None
        if answer.status == 401:
            raise RemoteError(f"the token in ${self.token_env} was refused by {self.host} (401: "
                              f"{self.service.scrub(description or 'unauthorized')}); set it to an access token "
                              "with the write:statuses scope", answer.status)
        raise RemoteError(self.service.describe(answer, description), answer.status)
