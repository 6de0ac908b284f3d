"""Secrets planted in the demo on purpose, so tests can prove none of them reaches a post.

All values are made up. The API key sits in a Bash command of an llm-router
session; the admin password's location and user name sit in a homelab-auth note.
"""

FAKE_API_KEY = ("sk-ant-api03-FAKE_demo_key_not_real_0123456789abcdefghijklmnopqrstuvwxyz"
                "ABCDEFGHIJKLMNOPQRSTUVWXYZ_000000-AA")
ADMIN_USER = "admin"
ADMIN_PASSWORD_FILE = "/etc/management-ui/auth.json"

# Strings that must never appear in a brief or a post.
PLANTED_SECRETS = (FAKE_API_KEY, ADMIN_PASSWORD_FILE)
