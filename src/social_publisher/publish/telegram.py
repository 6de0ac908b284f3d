"""The `telegram` channel: posts and digests to one chat through the Bot API (`[telegram]`).

A post, in `mode = "full"`: the cover (`sendPhoto`, multipart) with a caption holding the title
and as much of the opening as fits 1,024 units, then the text in messages of at most 4,096
(see richtext), the last ending with a link to the post on the site; without a cover the title
opens the first text message. In `mode = "link"`: one message, the title, the first paragraph
and the link, with the link's preview shown. `languages` picks which posts go.

Each message is a part (parts.send_parts), a digest's one message too: a run killed between two
messages resumes at the next; one killed during a send leaves that message uncertain for
`publish --resolve` (Telegram cannot be asked whether a message arrived). Messages
are paced to about 1 a second and 20 a minute; a 429 waits Telegram's `retry_after`.

Requests go through the Bot API call the review bot uses too (publish/bot_api.py): the token
lives only in the request path, errors name the environment variable that holds it, never the
URL, and a refused token stops the channel for the run after one request.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from social_publisher.config import Config
from social_publisher.errors import BackendUnavailable
from social_publisher.publish import i18n
from social_publisher.publish import richtext as rt
from social_publisher.publish.bot_api import BotApi, TokenRefused
from social_publisher.publish.channel import Digest, PublishContext, register
from social_publisher.publish.content import cover_source, post_url
from social_publisher.publish.http import Answer, HttpChannel, Pacer, RemoteError, secret_from_env
from social_publisher.publish.parts import send_parts
from social_publisher.publish.short import digest_markdown
from social_publisher.records import Post
from social_publisher.store import Store

RATE_LIMITS = [(1, 1.0), (20, 60.0)]  # per chat: 1 message a second, 20 a minute
LINK_MODE_OPENING = 700  # units of the first paragraph in link mode


@dataclass(frozen=True)
class Message:
    html: str
    photo: Path | None = None  # sent with sendPhoto, `html` as its caption
    preview: str = ""  # the link whose preview Telegram shows; none when empty


def _retry_after(answer: Answer) -> float | None:
    parameters = answer.data.get("parameters") if isinstance(answer.data, dict) else None
    value = parameters.get("retry_after") if isinstance(parameters, dict) else None
    return float(value) if isinstance(value, (int, float)) else None


def _link(text: str, url: str) -> rt.Block:
    return [rt.Run(text, (rt.Tag(rt.LINK_RANK, "a", url),))]


def plan(post: Post, config: Config, store: Store) -> list[Message]:
    """The messages one post becomes, in order (the same on every run for the same post)."""
    url = post_url(config, store, post)
    title: rt.Block = [rt.Run(post.title, (rt.BOLD,))]
    blocks = rt.markdown_blocks(post.body_md, title=post.title, base_url=url)
    if config.telegram.mode == "link":
        first = next((block for block in blocks if not any(rt.PRE in run.tags for run in block)), [])
        runs = [*title, rt.BLOCK_BREAK, *rt.first_piece(first, LINK_MODE_OPENING), rt.BLOCK_BREAK, *_link(url, url)]
        return [Message(rt.to_html(rt.first_piece(runs, rt.MESSAGE_LIMIT)), preview=url)]
    link = _link(i18n.strings(post.lang)["read_more"], url)
    cover = cover_source(store, config, post)
    if cover is None:
        return [Message(rt.to_html(runs)) for runs in rt.append_block(rt.pack([title, *blocks]), link)]
    parts = [title, *blocks]
    caption, rest = rt.take(parts, rt.CAPTION_LIMIT)
    if not caption:  # a title longer than a caption
        caption, rest = rt.first_piece(title, rt.CAPTION_LIMIT), blocks
    else:
        shown = len(parts) - len(rest)  # whole blocks in the caption
        if not rest and shown > 1 and not rt.fits([*caption, rt.BLOCK_BREAK, *link], rt.CAPTION_LIMIT):
            shown -= 1  # the link does not fit: the last block goes on with it, never the link alone
        while shown > 1 and tuple(parts[shown - 1]) == rt.RULE:
            shown -= 1  # a rule opens what follows it, it never ends the caption
        caption, rest = rt.joined(parts[:shown], rt.BLOCK_BREAK), parts[shown:]
    texts = rt.pack(rest)
    if texts:
        texts = rt.append_block(texts, link)
    elif rt.fits([*caption, rt.BLOCK_BREAK, *link], rt.CAPTION_LIMIT):
        caption = [*caption, rt.BLOCK_BREAK, *link]
    else:
        texts = [link]
    return [Message(rt.to_html(caption), photo=cover), *(Message(rt.to_html(runs)) for runs in texts)]


@register
class TelegramChannel(HttpChannel):
    name = "telegram"
    def __init__(self, config: Config):
        super().__init__(config)
        settings = config.telegram
        if not settings.chat_id:
            raise BackendUnavailable("[telegram] chat_id is not set; set it to the channel's @name or the chat id")
        self.token_env = settings.token_env
        self.token = secret_from_env(settings.token_env, "the bot token @BotFather gave you")
        self.service = self.connect("Telegram", settings.api_base, (self.token,), retry_after=_retry_after)
        self.bot = BotApi(self.service, self.token, self.token_env)
        self.pacer = Pacer(RATE_LIMITS, self.clock)
        self.refused: RemoteError | None = None

    def publish(self, post: Post, context: PublishContext) -> str:
        self._check_token()
        messages = plan(post, context.config, context.store)
        ids = send_parts(context, self, post, len(messages), lambda part: self.send(messages[part.index]),
                         pace=self.pacer.wait)
        return ",".join(ids)

    def publish_digest(self, digest: Digest, context: PublishContext) -> str:
        self._check_token()
        base = context.config.site.base_url

        def html(markdown: str) -> str:
            blocks = rt.markdown_blocks(markdown, base_url=base)
            return rt.to_html(rt.joined(blocks, rt.BLOCK_BREAK))

        markdown = digest_markdown(context.config, digest, lambda text: rt.units(html(text)) <= rt.MESSAGE_LIMIT)
        message = Message(html(markdown))
        return send_parts(context, self, digest, 1, lambda part: self.send(message), pace=self.pacer.wait)[0]


    def _check_token(self) -> None:
        if self.refused is not None:
            raise RemoteError(str(self.refused), self.refused.status)

    def send(self, message: Message) -> str:
        """One sendMessage or sendPhoto; the message id Telegram gave it."""
        fields: dict[str, Any] = {"chat_id": self.config.telegram.chat_id, "parse_mode": "HTML"}
        if message.photo is not None:
            mime = mimetypes.guess_type(message.photo.name)[0] or "application/octet-stream"
            answer = self._call("sendPhoto", data={**fields, "caption": message.html},
                                files={"photo": (message.photo.name, message.photo.read_bytes(), mime)})
        else:
            preview = {"url": message.preview, "prefer_large_media": True} if message.preview else {"is_disabled": True}
            answer = self._call("sendMessage", json={**fields, "text": message.html, "link_preview_options": preview})
        return str(answer["message_id"])

    def _call(self, method: str, **kwargs: Any) -> dict[str, Any]:
        try:
            return self.bot.call(method, result=dict, **kwargs)
        except TokenRefused as exc:
            self.refused = RemoteError(f"{exc}; set ${self.token_env} to the token @BotFather gave the bot", exc.status)
            raise self.refused from None
