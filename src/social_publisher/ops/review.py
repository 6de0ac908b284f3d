"""Reviewing posts by hand: what waits, what was rejected and why, and `review --edit ID`.

An edit opens the post's Markdown (its title as the first `# ` line) in `$EDITOR`; on save the
checks every written post must pass run again on the new text. Passing, the post becomes
"checked" (and "approved" with `[review] auto_approve`), even if it had been rejected: the
person's edit is a new draft. Failing, the edit is kept with its reasons (status "rejected"),
so nothing typed is lost and the next `--edit` starts from it. A published post is not edited
here: the channels hold it already.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from social_publisher.config import Config
from social_publisher.enrich.redact import Redactor
from social_publisher.errors import UsageError
from social_publisher.records import POST_APPROVED, POST_CHECKED, POST_PUBLISHED, POST_REJECTED, Post
from social_publisher.store import Store

EDITABLE = (POST_CHECKED, POST_APPROVED, POST_REJECTED)


@dataclass(frozen=True)
class EditResult:
    post_id: int
    changed: bool
    status: str
    reasons: list[str]


def as_buffer(post: Post) -> str:
    return f"# {post.title}\n\n{post.body_md.strip()}\n"


def from_buffer(text: str) -> tuple[str, str]:
    """(title, body) from an edited buffer: the first non-empty line is the title (`# ` optional)."""
    lines = text.replace("\r\n", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise UsageError("the edited post is empty; nothing was changed")
    title = lines[0].strip().removeprefix("#").strip()
    return title, "\n".join(lines[1:]).strip() + "\n"


def edit(store: Store, config: Config, post_id: int, editor: Callable[[str], str | None]) -> EditResult:
    from social_publisher.write import check_context, checks

    post = next(iter(store.posts_by_id([post_id])), None)
    if post is None:
        raise UsageError(f"post {post_id} does not exist (see `social-publisher posts`)")
    if post.status not in EDITABLE:
        reason = "already published on its channels" if post.status == POST_PUBLISHED else f"{post.status}"
        raise UsageError(f"post {post_id} is {reason}; only waiting or rejected posts are edited")
    edited = editor(as_buffer(post))
    if edited is None or edited == as_buffer(post):
        return EditResult(post_id, False, post.status, store.post_check_errors(post_id))
    title, body = from_buffer(edited)
    brief = store.brief(post.story_id)
    if brief is None:
        raise UsageError(f"post {post_id}: its story has no brief any more; cannot check the edit")
    reasons = checks.check_post(title, body, check_context(brief, post.lang, config,
                                                           Redactor.for_config(config, store)))
    others = {p.lang: f"{p.title}\n{p.body_md}" for p in store.posts(story_id=post.story_id) if p.id != post_id}
    differ = checks.numbers_differ({**others, post.lang: f"{title}\n{body}"})
    if differ:
        reasons.append(differ)
    status = POST_REJECTED if reasons else (POST_APPROVED if config.review.auto_approve else POST_CHECKED)
    store.edit_post(post_id, title=title, body_md=body, status=status, check_errors=reasons or None)
    return EditResult(post_id, True, status, reasons)
