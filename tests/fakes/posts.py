"""Stories, approved posts and digests straight into a real store, for the channel tests."""

from __future__ import annotations

from social_publisher.records import Brief, Digest, Post, Story


def approved_post(store, key: str, *, lang: str = "ru", title: str = "", body: str = "",
                  tags: tuple[str, ...] = ("python",), cover=None, story_id: int | None = None) -> int:
    """A story (unless `story_id` is given) and one approved post of it; returns the post id."""
    if story_id is None:
        story_id = store.add_story(Story(project="demo", started_at="2026-11-20T08:00:00+00:00",
                                         ended_at="2026-11-20T10:00:00+00:00", score=2.0, category="code_change",
                                         tags=list(tags), activity_ids=[], status="written", fingerprint=key))
        if cover is not None:
            store.save_brief(Brief(story_id=story_id, facts={}, image_path=str(cover)))
    return store.add_post(Post(story_id=story_id, lang=lang, title=title or f"Post {key}: a story worth telling",
                               slug=f"post-{key}", body_md=body or f"Body of {key}.", status="approved",
                               created_at="2026-11-21T09:00:00+00:00"))


def stored_digest(store, digest: Digest) -> Digest:
    """The digest as the store keeps it (with its id): channels publish stored digests only."""
    store.add_digest(digest)
    return store.digests(day=digest.day, lang=digest.lang)[0]
