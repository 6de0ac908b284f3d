"""Review from Telegram: waiting posts go to the owner's private chat with Approve / Reject buttons.

With `[review] telegram_chat_id` set (and `auto_approve = false`), `run` — between write and
publish — and the daemon, every few minutes:
1. read the answers (`getUpdates`, callback queries only) from the stored offset; an answer from
   the owner (its `from.id` is the configured private chat's id) approves or rejects a post that
   still waits; anyone else's is ignored and told so. Each answer is acknowledged
   (`answerCallbackQuery`) and its message loses its buttons and says what was decided. The
   offset is stored after each update, so an answer is applied once; one delivered again after a
   crash finds its post decided already and changes nothing;
2. send each post that waits and was never sent, once: it is marked "sending" before the request
   and given its message id after, so a crash in between leaves it "sending" (reported, not sent
   again: the owner may have it) rather than sent twice.

The bot is the `[telegram]` one, called the way the channel calls it (publish/bot_api.py): its
token comes only from the variable `[telegram] token_env` names, and the Telegram channel itself
need not be enabled.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from social_publisher.config import Config
from social_publisher.errors import BackendUnavailable, PublisherError
from social_publisher.publish.bot_api import BotApi
from social_publisher.publish.http import Service, secret_from_env
from social_publisher.records import POST_APPROVED, POST_CHECKED, POST_REJECTED, Post
from social_publisher.report import StageReport
from social_publisher.store import Store

OFFSET_CURSOR = "telegram-review|offset"
SENT_CURSOR = "telegram-review|sent"  # post id -> message id, or "sending" while the request is out
SENDING = "sending"
PREVIEW_CHARS = 700
DECISIONS = {"approve": POST_APPROVED, "reject": POST_REJECTED}


@dataclass
class ReviewReport(StageReport):
    stage: str = "review"
    sent: int = 0
    approved: int = 0
    rejected: int = 0
    ignored: int = 0


def configured(config: Config) -> bool:
    return bool(config.review.telegram_chat_id)


def review(store: Store, config: Config) -> ReviewReport | None:
    """The pipeline's review step: apply the owner's answers, then send what newly waits
    (None, no report, when review from Telegram is not configured)."""
    if not configured(config):
        return None
    report = ReviewReport()
    try:
        bot = ReviewBot(config)
    except BackendUnavailable as exc:
        report.warnings.append(f"review from Telegram disabled: {exc}")
        return report
    try:
        bot.apply_answers(store, report)
        bot.send_waiting(store, report)
    except PublisherError as exc:  # the posts keep waiting; the next run tries again
        report.warnings.append(f"review from Telegram: {exc}")
    finally:
        bot.close()
    return report


class ReviewBot:
    def __init__(self, config: Config):
        settings = config.telegram
        self.owner = str(config.review.telegram_chat_id).strip()
        token = secret_from_env(settings.token_env, "the bot token @BotFather gave you")
        self.bot = BotApi(Service("Telegram", settings.api_base, secrets=(token,), timeout=30.0), token,
                          settings.token_env)

    def close(self) -> None:
        self.bot.service.close()

    # -- answers ----------------------------------------------------------------------------

    def apply_answers(self, store: Store, report: ReviewReport) -> None:
        offset = int(store.cursor(OFFSET_CURSOR) or 0)
        updates = self._call("getUpdates", {"offset": offset, "timeout": 0, "allowed_updates": ["callback_query"]})
        for update in updates if isinstance(updates, list) else []:
            if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
                continue
            query = update.get("callback_query")
            if isinstance(query, dict):
                self._answer(store, query, report)
            store.set_cursor(OFFSET_CURSOR, update["update_id"] + 1)

    def _answer(self, store: Store, query: dict[str, Any], report: ReviewReport) -> None:
        sender = (query.get("from") or {}).get("id")
        action, _, post_id = str(query.get("data") or "").partition(":")
        if str(sender) != self.owner:
            report.ignored += 1
            self._call("answerCallbackQuery", {"callback_query_id": query.get("id"),
                                               "text": "Only the blog's owner reviews its posts."})
            return
        post = next(iter(store.posts_by_id([int(post_id)])), None) if post_id.isdigit() else None
        status = DECISIONS.get(action)
        if post is None or status is None:
            self._call("answerCallbackQuery", {"callback_query_id": query.get("id"), "text": "Unknown post."})
            return
        if post.status == POST_CHECKED:
            store.set_post_status(post.id, status)  # type: ignore[arg-type]
            report.approved += status == POST_APPROVED
            report.rejected += status == POST_REJECTED
            outcome = "approved: it is published on this run" if status == POST_APPROVED else "rejected"
        else:
            outcome = f"already {post.status}"
        self._call("answerCallbackQuery", {"callback_query_id": query.get("id"), "text": f"Post {post.id} {outcome}."})
        message = query.get("message") or {}
        if isinstance(message, dict) and message.get("message_id"):
            self._call("editMessageText", {
                "chat_id": self.owner, "message_id": message["message_id"], "parse_mode": "HTML",
                "text": f"{review_text(post)}\n\n<b>{html.escape(outcome.split(':')[0].capitalize(), quote=False)}.</b>",
                "reply_markup": {"inline_keyboard": []},
            })

    # -- waiting posts ----------------------------------------------------------------------

    def send_waiting(self, store: Store, report: ReviewReport) -> None:
        sent: dict[str, str] = dict(store.cursor(SENT_CURSOR) or {})
        stuck = [post_id for post_id, value in sent.items() if value == SENDING]
        if stuck:
            report.warnings.append(f"review from Telegram: post(s) {', '.join(stuck)} were being sent when a run "
                                   "stopped and may be in the chat already; not sent again")
        for post in store.posts(status=POST_CHECKED):
            key = str(post.id)
            if key in sent:
                continue
            sent[key] = SENDING
            store.set_cursor(SENT_CURSOR, sent)
            result = self._call("sendMessage", {
                "chat_id": self.owner, "parse_mode": "HTML", "text": review_text(post),
                "link_preview_options": {"is_disabled": True},
                "reply_markup": {"inline_keyboard": [[
                    {"text": "✅ Approve", "callback_data": f"approve:{post.id}"},
                    {"text": "❌ Reject", "callback_data": f"reject:{post.id}"},
                ]]},
            })
            sent[key] = str(result.get("message_id", "")) if isinstance(result, dict) else ""
            store.set_cursor(SENT_CURSOR, sent)
            report.sent += 1

    def _call(self, method: str, payload: dict[str, Any]) -> Any:
        return self.bot.call(method, idempotent=method == "getUpdates", json=payload)


def review_text(post: Post) -> str:
    """The review message: title, language, the opening of the body, as Telegram HTML."""
    body = " ".join(post.body_md.split())
    opening = body[:PREVIEW_CHARS] + ("…" if len(body) > PREVIEW_CHARS else "")
    return (f"<b>{html.escape(post.title, quote=False)}</b>\n<i>post {post.id}, {post.lang}, waiting for review</i>\n\n"
            f"{html.escape(opening, quote=False)}")
