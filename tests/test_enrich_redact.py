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
    # The admin's name and the password's home go with their sentences; the commit hash is masked.
    assert result.text == ("The developer committed these changes in `[redacted: commit hash]` and pushed them. "
                   "Argon2 is designed to be slow.")
    assert result.removed == 3 and "admin" not in result.text and "auth.json" not in result.text


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


# -- issue 8: kinds the first redactor let through ------------------------------------------------

# (kind, text as it is written, the value that must go)
VALUES = [
    ("stripe key", "STRIPE_KEY = sk_live_4eC39HqLyjWDarjtT1zdp7dc", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
    ("stripe key", "rk_live_51H8xYzAbCdEfGhIjKlMnOpQ", "rk_live_51H8xYzAbCdEfGhIjKlMnOpQ"),
    ("google api key", "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY", "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"),
    ("npm token", "//registry.npmjs.org/:_authToken=npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
     "npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"),
    ("hugging face token", "hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"),
    ("slack webhook", "https://hooks.slack.com/services/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",
     "xYz123AbC456dEf789GhI012"),
    ("aws secret key", "aws configure set aws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
     "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("aws secret key", "the key wJalrXUtnFEMI/K7MDENG/bPxRfiCYzXAMPLEK3Y", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzXAMPLEK3Y"),
    ("secret assignment", "--_authToken=abcDEF123456ghiJKL789", "abcDEF123456ghiJKL789"),
    ("secret assignment", "apiKey: q8Zr2LmX0vT7wKp4Nf9s", "q8Zr2LmX0vT7wKp4Nf9s"),
    ("high-entropy value", 'envelope_nonce = "Qm9vdHN0cmFwLW5vbmNlLTIwMjQ"', "Qm9vdHN0cmFwLW5vbmNlLTIwMjQ"),
    ("basic auth", "curl -u deploy:Tr0ub4dor-3 https://api.example.org/v1", "Tr0ub4dor-3"),
    ("password argument", "mysql -u root -pS3cr3tPass app", "S3cr3tPass"),
    ("internal host", "ssh db01.corp.internal", "db01.corp.internal"),
    ("internal host", "ping nas.home.arpa", "nas.home.arpa"),
    ("internal host", "open printer.lan", "printer.lan"),
    ("card number", "card 4111 1111 1111 1111", "4111 1111 1111 1111"),
    ("phone number", "call +1 415 555 0134", "+1 415 555 0134"),
    ("phone number", "звонить +7 916 123-45-67", "+7 916 123-45-67"),
    ("us ssn", "SSN 536-90-4399", "536-90-4399"),
    ("iban", "IBAN DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 00"),
    ("gitlab token", "glpat-x1Y2z3W4v5U6t7S8r9Q0", "glpat-x1Y2z3W4v5U6t7S8r9Q0"),
    ("openai key", "sk-proj-" + "Zx9" * 8, "sk-proj-" + "Zx9" * 8),
]


@pytest.mark.parametrize("kind,written,value", VALUES, ids=[f"{k}:{w[:18]}" for k, w, _ in VALUES])
def test_each_value_is_masked_by_kind_and_its_carrier_sentence_dropped(kind: str, written: str, value: str) -> None:
    redactor = Redactor(key=b"store key")
    assert (kind, value) in {(f.kind, f.text) for f in redactor.findings(written)} or any(
        f.kind == kind and value in f.text for f in redactor.findings(written))
    result = redactor.scrub(f"Tests pass in 4.2 s. I used {written} for the staging run. Done.")
    assert value not in result.text and kind in {found.kind for found in result.found}
    if len(written.split()) <= 2:  # the sentence was only there for the value
        assert result.text == "Tests pass in 4.2 s. Done."
    else:  # a command says something without its value
        assert "staging run" not in result.text or f"[redacted: {kind}]" in result.text
    masked = redactor.mask(written)
    assert value not in masked and f"[redacted: {kind}]" in masked


BENIGN = [
    "Raised MAX_TOKENS=4096, 2.4 s to 1.1 s",
    "Upgraded the gateway firmware to 7.2.0.12",
    "I limited the calls per API key, and 429 responses went from 37 to 0",
    "I added a usernames index, 80 ms to 4 ms",
    "The password is hashed with argon2id and takes 74 ms per login",
    # and more of the same family
    "PASSWORD_MIN_LENGTH=12 is enforced on signup",
    "checksum = \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\" matches the release",
    'model = "claude-sonnet-4-5-20250929" answers in 3.1 s',
    "The tokenizer splits emoji into 4 units and the token budget is 2000 tokens per request",
    "All 7 tests pass: the difficulty score is 0.6 for long problems",
    "apiKey: string is the type of the field",
    "Edited .claude/settings.local.json to allow pytest",
    "The secret to fast builds is caching, 9 min to 2 min",
    "Latency +15 ms at p99, +120 −30 lines in 7 files",
]


@pytest.mark.parametrize("sentence", BENIGN)
def test_ordinary_sentences_survive_whole(sentence: str) -> None:
    redactor = Redactor()
    assert redactor.findings(sentence) == []
    assert redactor.scrub(sentence).text == sentence


def test_a_sentence_with_more_to_say_keeps_its_mask() -> None:
    text = "I moved the staging database from db01.corp.internal to the managed cluster, so backups take 4 min."
    result = Redactor().scrub(text)
    assert result.text == ("I moved the staging database from [redacted: internal host] to the managed cluster, "
                           "so backups take 4 min.")
    assert [found.kind for found in result.found] == ["internal host"]


def test_credential_talk_covers_tokens_keys_and_certificates() -> None:
    redactor = Redactor()
    for talk in ("The Vault root token lives in /etc/vault/root.txt.",
                 "The TLS certificate key is kept in ops/certs on the bastion.",
                 "My Stripe key is in the .env file.",
                 "Admin user: pavel, the one with sudo.",
                 "Пароль администратора лежит в файле secrets.txt."):
        assert redactor.scrub(talk).text == "", talk
        assert any(f.kind in ("credential talk", "credential path") for f in redactor.findings(talk)), talk
    for plain in ("I rotated the bot token after the demo.", "Certificates renew every 60 days."):
        assert redactor.scrub(plain).text == plain


def test_naming_a_setting_or_pinning_a_dependency_is_no_credential_talk() -> None:
    """Real subjects of an HTTP client's history (httpx): certificates and pins are its vocabulary."""
    redactor = Redactor()
    for plain in ("Pin markdown==3.3.7 to prevent mkautodoc loading failure",
                  "Pin CI version of `click` to resolve mypy error",
                  "Drop per-request cert/verify/trust_env",
                  "Fixed test issue regarding `cert_authority` trust of ssl context",
                  "Forward `cert` param to SSLConf if `verify=False`",
                  "Hash passwords with argon2id tuned: 0.184 s → 0.097 s"):
        assert redactor.findings(plain) == [], plain
        assert redactor.scrub(plain).text == plain
    for talk in ("The deploy key lives in `~/.ssh/deploy`.", "The card PIN is 4921.",
                 "Moved the bot token to secrets/prod.env.", "The TLS certificate sits in /etc/ssl/private."):
        assert redactor.scrub(talk).text == "", talk


def test_private_domains_from_the_config_are_private_hosts() -> None:
    redactor = Redactor(private_domains=["acme.io"])
    assert redactor.scrub("Deploy to git.acme.io.").text == ""
    assert Redactor().scrub("Deploy to git.acme.io.").text == "Deploy to git.acme.io."
    assert redactor.scrub("The acme.io homepage loads in 80 ms on the new CDN edge now.").text.startswith(
        "The [redacted: internal host] homepage")


def test_home_folders_of_every_form_are_rewritten() -> None:
    redactor = Redactor()
    assert redactor.scrub_path("home/pavel/.config/fish/config.fish") == "~/.config/fish/config.fish"
    assert redactor.scrub_path("/Users/anna/code/app/main.py") == "~/code/app/main.py"
    assert redactor.scrub("Ran C:\\Users\\anna\\bench.py twice today.").text == "Ran ~\\bench.py twice today."
    assert redactor.scrub_path("src/home/view.py") == "src/home/view.py"


def test_entropy_check_flags_random_values_and_leaves_chosen_ones() -> None:
    import random
    import string

    from social_publisher.enrich.detect import looks_random

    rng = random.Random(8)
    alphabet = string.ascii_letters + string.digits
    tokens = ["".join(rng.choice(alphabet) for _ in range(rng.randint(20, 48))) for _ in range(300)]
    assert sum(looks_random(t) for t in tokens) >= 297  # a random token with no digit, or a repeat-heavy one, is rare
    chosen = ["getUserNameFromDatabase", "correcthorsebatterystaple", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",
              "3f2b9c1e-8d4a-4b6e-9f1a-2c3d4e5f6a7b", "claude-sonnet-4-5-20250929", "2.16.0-rc1",
              "src/social_publisher/enrich/redact.py", "build_2024_11_30_nightly", "ghcr.io/acme/app:1.4.2"]
    assert [c for c in chosen if looks_random(c)] == []


def test_fingerprints_are_keyed_per_store() -> None:
    import hashlib

    ip = "10.20.30.40"
    one, two = Redactor(key=b"a" * 32), Redactor(key=b"b" * 32)
    found = one.scrub(f"Connected to {ip} over ssh.").fingerprints
    assert found == {one.fingerprint(ip)} and one.fingerprint(ip) != two.fingerprint(ip)
    unsalted = "1:" + hashlib.sha256(ip.encode()).hexdigest()[:20]
    assert unsalted not in found  # the old fingerprint gave the address away to a brute force


def test_previews_show_only_the_ends_of_long_values() -> None:
    from social_publisher.enrich.redact import preview

    assert preview("sk_live_4eC39HqLyjWDarjtT1zdp7dc") == "sk…dc (32 chars)"
    assert preview("hunter2") == "… (7 chars)"


def test_scrub_json_masks_every_string_but_the_skipped_keys() -> None:
    redactor = Redactor()
    value = {"headline": "Call +1 415 555 0134 when it breaks",
             "evidence": ["curl -u ops:Hunter22 https://x.org", "12 ms"], "points": 2.5, "signature": "keep me"}
    scrubbed = redactor.scrub_json(value, skip=frozenset({"signature"}))
    assert "+1 415" not in str(scrubbed) and "Hunter22" not in str(scrubbed)
    assert scrubbed["points"] == 2.5 and scrubbed["signature"] == "keep me" and scrubbed["evidence"][1] == "12 ms"
