"""`run --dry-run`: every stage on a throwaway copy of the store, with nothing sent anywhere.

The copy is made with SQLite's backup API into a temporary folder, and so is the site; every
channel but the site is switched off, and an LLM writer is replaced by the offline one (a dry
run must not spend the budget or send a brief out), which the run says. The temporary folder
is deleted afterwards: the real store, site and channels are exactly as before.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from social_publisher.config import Config
from social_publisher.store import Store

CHANNEL_SECTIONS = ("telegram", "markdown", "mastodon", "bluesky")


@contextmanager
def dry_run_config(config: Config) -> Iterator[Config]:
    with tempfile.TemporaryDirectory(prefix="social-publisher-dry-run-") as scratch:
        copy = config.model_copy(deep=True)
        copy._config_path = config.config_path
        copy.store.path = Path(scratch) / "state" / config.store.path.name
        if config.store.path.exists():
            with Store(config.store.path) as store:
                store.backup_to(copy.store.path)
        copy.site.out_dir = Path(scratch) / "site"
        for section in CHANNEL_SECTIONS:
            settings = getattr(copy, section, None)
            if settings is not None and getattr(settings, "enabled", False):
                settings.enabled = False
                click.echo(f"dry run: {section} is not sent to", err=True)
        if copy.writer.backend != "offline":
            click.echo(f"dry run: posts are drafted by the offline writer, not {copy.writer.backend} "
                       "(no LLM call is made)", err=True)
            copy.writer.backend = "offline"
        yield copy
