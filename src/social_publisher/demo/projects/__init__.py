"""The three demo projects, each a script of sessions and chores (see demo/script.py)."""

from social_publisher.demo.projects import homelab_auth, llm_router, tg_digest_bot
from social_publisher.demo.script import Project

PROJECTS: tuple[Project, ...] = (llm_router.PROJECT, tg_digest_bot.PROJECT, homelab_auth.PROJECT)
