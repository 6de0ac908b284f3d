"""The redactor: secrets, private values and credential talk never survive scrubbing."""

from __future__ import annotations

import pytest

from social_publisher.enrich.redact import Redactor, fingerprint, unwrap

SECRETS = {
    "anthropic key": "sk-ant-api03-" + "a1B2" * 12,
    "openai key": "sk-proj-" + "Zx9" * 8,
    "github token": "ghp_" + "A1b2C3d4E5" * 4,
    "github pat": "github_pat_" + "11ABCDEFG0" * 3,
    "aws key": "AKIA" + "ABCDEFGHIJKLMNOP",
    "slack token": "xoxb-1234567890-abcdefghij",
    "telegram bot token": "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ",
    "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "url credentials": "postgres://app:s3cretpw@db.internal:5432/app",
    "email": "pavel.dev@example.com",
}


@pytest.mark.parametrize("kind", sorted(SECRETS))
def test_every_secret_kind_is_removed_with_its_sentence(kind: str) -> None:
    secret = SECRETS[kind]
    text = f"The accuracy went from 73.0% to 76.8%. I used {secret} to call the service. Tests pass."
    result = Redactor().scrub(text)
    assert secret not in result.text
    assert "to call the service" not in result.text  # the whole sentence goes, not just the value
    assert result.text == "The accuracy went from 73.0% to 76.8%. Tests pass."
    assert result.removed >= 1
    assert fingerprint(secret) in result.fingerprints


def test_pem_block_spanning_lines_is_removed() -> None:
    text = "Key below.\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nabcdef\n-----END RSA PRIVATE KEY-----\nDone here."
    result = Redactor().scrub(text)
    assert "MIIE" not in result.text and "BEGIN" not in result.text
    assert "Done here." in result.text


def test_assignments_of_keys_and_passwords_are_removed() -> None:
    for text in ("export OPENAI_API_KEY=abc123def456", "DB_PASSWORD: hunter2hunter", "password = correcthorse",
                 "пароль: qwerty123", "Authorization: Bearer abcdefghijklmnop1234"):
        assert Redactor().findings(text), text
        assert Redactor().scrub(text + ". Fine.").text == "Fine."


def test_sample_blog_admin_password_detail_is_dropped() -> None:
    # post-anatomy defect 6, quoted from the sample blog's Authelia post.
    text = ("The default admin account gets created with a username that's hardcoded in every Authelia setup: "
            "**admin**. Instead, it's derived from the Management UI's own authentication store at "
            "`/etc/management-ui/auth.json`. The developer committed these changes in `e287a26` and pushed them. "
            "Argon2 is designed to be slow.")
    result = Redactor().scrub(text)
    assert result.text == "Argon2 is designed to be slow."
    assert result.removed == 3


def test_a_sentence_wrapped_over_lines_is_dropped_whole() -> None:
    text = "Logins are slow.\nThe admin password\nis stored in /srv/app/config.yml for now.\nNext: benchmark."
    scrubbed = Redactor().scrub(text).text
    assert "config.yml" not in scrubbed and "stored" not in scrubbed
    assert "Logins are slow." in scrubbed and "Next: benchmark." in scrubbed


def test_home_folder_is_rewritten_not_dropped() -> None:
    result = Redactor().scrub("Edited /home/pavel/code/bot/main.py to add retries.")
    assert result.text == "Edited ~/code/bot/main.py to add retries."
    assert result.removed == 1


def test_ordinary_engineering_prose_survives() -> None:
    text = ("Next-token prediction improved: perplexity went from 1.60 to 2.16. The tokenizer splits emoji into "
            "4 units. I cached the HTTP client and the latency dropped to 120 ms.")
    assert Redactor().scrub(text).text == text
    assert Redactor().findings(text) == []


def test_configured_patterns_are_removed_too() -> None:
    redactor = Redactor([r"\bAcme ?Corp\b"])
    result = redactor.scrub("I shipped the report for Acme Corp today. It has 12 pages.")
    assert result.text == "It has 12 pages."
    assert fingerprint("Acme Corp") in result.fingerprints


def test_whole_or_none_for_commands_and_paths() -> None:
    redactor = Redactor()
    assert redactor.whole_or_none("ANTHROPIC_API_KEY=sk-ant-xyz1234567890 python eval.py") is None
    assert redactor.whole_or_none("pytest /home/dev/proj/tests -q") == "pytest ~/proj/tests -q"
    assert redactor.scrub_path("config/.env") is None
    assert redactor.scrub_path("/etc/management-ui/auth.json") is None
    assert redactor.scrub_path("src/app.py") == "src/app.py"


def test_unwrap_joins_paragraph_lines_but_keeps_lists_and_code() -> None:
    text = "One sentence\nwrapped here.\n\n- item one\n  continues\n- item two\n```\ncode line\nmore\n```"
    assert unwrap(text) == "One sentence wrapped here.\n\n- item one continues\n- item two\n```\ncode line\nmore\n```"


def test_how_passwords_are_hashed_is_kept_but_where_they_live_is_not():
    from social_publisher.enrich.redact import Redactor

    redactor = Redactor([])
    kept = "Hash passwords with argon2id tuned to 74 ms."
    assert redactor.scrub(kept).text == kept
    assert redactor.scrub_path("authelia/users_database.example.yml") is None
    for revealing in ("The admin password hash is stored in users_database.yml.",
                      "Password hashes are kept in /etc/authelia/users.yml.",
                      "The hashed password for admin is in the vault."):
        assert redactor.scrub(revealing).text == "", revealing
