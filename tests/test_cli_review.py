"""Manual review: with auto_approve off, posts wait as 'checked' until approved or rejected."""

from click.testing import CliRunner

from social_publisher.cli import cli
from social_publisher.records import Post, Story
from social_publisher.store import Store


def _config_with_two_waiting_posts(tmp_path):
    config = tmp_path / "publisher.toml"
    config.write_text("[review]\nauto_approve = false\n")
    with Store(tmp_path / "state" / "publisher.db") as store:
        story_id = store.add_story(Story(project="p", started_at="2026-11-20T10:00:00+00:00",
                                         ended_at="2026-11-20T11:00:00+00:00", score=5, category="feature",
                                         tags=[], activity_ids=[], fingerprint="s"))
        for lang in ("en", "ru"):
            store.add_post(Post(story_id=story_id, lang=lang, title=f"Title {lang}", slug=f"t-{lang}", body_md="b",
                                status="checked"))
    return config


def test_review_lists_approves_and_rejects(tmp_path):
    config = _config_with_two_waiting_posts(tmp_path)
    runner = CliRunner()
    listed = runner.invoke(cli, ["--config", str(config), "review"])
    assert listed.exit_code == 0 and "Title en" in listed.output and "Title ru" in listed.output
    decided = runner.invoke(cli, ["--config", str(config), "review", "--approve", "1", "--reject", "2"])
    assert decided.exit_code == 0, decided.output
    with Store(tmp_path / "state" / "publisher.db") as store:
        assert {p.lang: p.status for p in store.posts()} == {"en": "approved", "ru": "rejected"}
    assert "nothing waits" in runner.invoke(cli, ["--config", str(config), "review"]).output


def test_approving_a_post_that_does_not_wait_is_a_usage_error(tmp_path):
    config = _config_with_two_waiting_posts(tmp_path)
    result = CliRunner().invoke(cli, ["--config", str(config), "review", "--approve", "99"])
    assert result.exit_code != 0
    assert "post 99 is not waiting for review" in str(result.exception)
