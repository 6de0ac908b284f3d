"""A loopback Telegram Bot API: `sendMessage`, `sendPhoto` (multipart), `getMe`.

It checks what the real API checks on the way in: the token in the path (401 "Unauthorized"
otherwise), `parse_mode=HTML` text that parses (only Telegram's tags, balanced, nested as Telegram
allows, entities well formed: 400 "can't parse entities" otherwise), and lengths after parsing
(4,096 UTF-16 units for a text, 1,024 for a caption). Every delivered message is in `messages`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fakes.server import FakeServer, Reply, Request

ALLOWED = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote",
           "tg-spoiler", "span", "tg-emoji"}
FORMATTING = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "tg-spoiler", "span"}
ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TOKEN = re.compile(r"<(/?)([a-zA-Z][\w-]*)((?:\s+[\w-]+=\"[^\"<>]*\")*)\s*>|&(#x[0-9a-fA-F]+|#\d+|\w+);|[<>&]")


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(html: str) -> str:
    """The text of Telegram HTML after parsing; ValueError with Telegram's kind of message if it does not parse."""
    text, stack, position = [], [], 0
    for match in _TOKEN.finditer(html):
        text.append(html[position:match.start()])
        position = match.end()
        closing, name, entity = match.group(1), match.group(2), match.group(4)
        if name:
            name = name.lower()
            if name not in ALLOWED:
                raise ValueError(f"can't parse entities: unsupported start tag \"{name}\"")
            if closing:
                if not stack or stack[-1] != name:
                    raise ValueError(f"can't parse entities: unexpected end tag \"{name}\"")
                stack.pop()
                continue
            inside = set(stack)
            if inside & {"code", "pre"} and not (name == "code" and stack[-1:] == ["pre"]):
                raise ValueError(f"can't parse entities: tag \"{name}\" inside code")
            if name in ("code", "pre") and inside & (FORMATTING | {"a"}):
                raise ValueError(f"can't parse entities: \"{name}\" inside formatting")
            if name == "a" and "a" in inside or name == "blockquote" and "blockquote" in inside:
                raise ValueError(f"can't parse entities: nested \"{name}\"")
            stack.append(name)
        elif entity:
            if entity.startswith("#x"):
                text.append(chr(int(entity[2:], 16)))
            elif entity.startswith("#"):
                text.append(chr(int(entity[1:])))
            elif entity in ENTITIES:
                text.append(ENTITIES[entity])
            else:
                raise ValueError(f"can't parse entities: unsupported entity \"&{entity};\"")
        else:
            raise ValueError(f"can't parse entities: bare \"{match.group(0)}\" at byte offset {match.start()}")
    text.append(html[position:])
    if stack:
        raise ValueError(f"can't parse entities: can't find end tag corresponding to start tag \"{stack[-1]}\"")
    return "".join(text)


@dataclass
class Delivered:
    message_id: int
    chat_id: str
    method: str
    html: str  # text or caption as received
    photo: bytes | None = None
    preview: dict | None = None
    reply_markup: dict | None = None


def error(status: int, description: str, **parameters) -> Reply:
    body = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return Reply(status, body)


def too_many(retry_after: int) -> Reply:
    return error(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


class TelegramServer(FakeServer):
    def __init__(self, token: str):
        super().__init__()
        self.token = token
        self.messages: list[Delivered] = []
        self._next_id = 100
        self.updates: list[dict] = []  # what getUpdates hands out (callback queries the test makes)
        self.callback_answers: list[dict] = []  # answerCallbackQuery calls
        self.edits: list[dict] = []  # editMessageText calls

    def press(self, user_id: int, data: str, message_id: int) -> dict:
        """A user presses an inline button under a message: queue the callback query update."""
        with self._lock:
            update = {"update_id": 5000 + len(self.updates), "callback_query": {
                "id": f"cq{len(self.updates)}", "from": {"id": user_id, "is_bot": False, "first_name": "U"},
                "message": {"message_id": message_id, "chat": {"id": user_id, "type": "private"}},
                "chat_instance": "1", "data": data}}
            self.updates.append(update)
        return update

    def route(self, request: Request) -> str:
        return request.path.rsplit("/", 1)[-1]

    def handle(self, request: Request) -> Reply:
        if request.path.split("/")[1:2] != [f"bot{self.token}"]:
            return error(401, "Unauthorized")
        fields = request.fields
        if request.route == "getMe":
            return Reply(200, {"ok": True, "result": {"id": 1, "is_bot": True, "username": "fake_bot"}})
        if request.route == "getUpdates":
            offset = int(fields.get("offset") or 0)
            with self._lock:
                return Reply(200, {"ok": True, "result": [u for u in self.updates if u["update_id"] >= offset]})
        if request.route == "answerCallbackQuery":
            with self._lock:
                self.callback_answers.append(dict(fields))
            return Reply(200, {"ok": True, "result": True})
        if request.route == "editMessageText":
            try:
                parse_html(fields.get("text", ""))
            except ValueError as exc:
                return error(400, f"Bad Request: {exc}")
            with self._lock:
                self.edits.append(dict(fields))
            return Reply(200, {"ok": True, "result": {"message_id": fields.get("message_id")}})
        if request.route not in ("sendMessage", "sendPhoto"):
            return error(404, "Not Found")
        if not fields.get("chat_id"):
            return error(400, "Bad Request: chat_id is empty")
        photo = None
        if request.route == "sendPhoto":
            if "photo" not in request.files:
                return error(400, "Bad Request: there is no photo in the request")
            photo = request.files["photo"][1]
            html, limit, what = fields.get("caption", ""), 1024, "message caption is too long"
        else:
            html, limit, what = fields.get("text", ""), 4096, "message is too long"
            if not html.strip():
                return error(400, "Bad Request: message text is empty")
        if fields.get("parse_mode") != "HTML":
            return error(400, "Bad Request: expected parse_mode HTML in this test")
        try:
            text = parse_html(html)
        except ValueError as exc:
            return error(400, f"Bad Request: {exc}")
        if units(text.strip()) > limit:
            return error(400, f"Bad Request: {what}")
        with self._lock:
            self._next_id += 1
            delivered = Delivered(self._next_id, str(fields["chat_id"]), request.route, html, photo,
                                  fields.get("link_preview_options") if isinstance(fields, dict) else None,
                                  fields.get("reply_markup") if isinstance(fields.get("reply_markup"), dict) else None)
            self.messages.append(delivered)
        return Reply(200, {"ok": True, "result": {"message_id": delivered.message_id,
                                                   "chat": {"id": -100, "type": "channel"}, "date": 0}})
