"""Issue 8's acceptance: secrets and private data planted across every kind of source never
reach a brief, a post, a site file, what select stores or prints, or the redaction log.

A real git repository (commit messages, committed file paths), real Claude Code transcripts
(prompts, assistant text, Bash commands, a failing command's output) and a notes folder are
made with the demo's script machinery, then the real pipeline runs through the CLI:
collect -> select --explain -> enrich --show-redactions -> write -> publish -> status.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from social_publisher.cli import cli
from social_publisher.demo.builder import build_project
from social_publisher.demo.script import Bash, Chores, Commit, Project, Prompt, Say, Session, Write
from social_publisher.store import Store

# Made up, all of them.
STRIPE, STRIPE_RESTRICTED = "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "rk_live_51H8xYzAbCdEfGhIjKlMnOpQ"
GOOGLE, NPM = "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY", "npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
HF = "hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
SLACK_HOOK = "https://hooks.slack.com/services/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"
AWS_SECRET, AWS_SECRET_BARE = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "Zk3q9XwP2LmR7tVb8NcY4Hs6Jd1Fg5Qa0We2Rt7Y"
AWS_KEY, AUTH_TOKEN, API_KEY = "AKIAIOSFODNN7EXAMPLE", "abcDEF123456ghiJKL789", "q8Zr2LmX0vT7wKp4Nf9s"
NONCE, CURL_USER, MYSQL_PASSWORD = "Qm9vdHN0cmFwLW5vbmNlLTIwMjQ", "deploy:Tr0ub4dor-3", "S3cr3tPass"
CARD, PHONE_US, PHONE_RU, SSN = "4111 1111 1111 1111", "+1 415 555 0134", "+7 916 123-45-67", "536-90-4399"
IBAN = "DE89 3704 0044 0532 0130 00"
ANTHROPIC, OPENAI = "sk-ant-api03-" + "a1B2" * 12, "sk-proj-" + "Zx9" * 8
TELEGRAM, GITHUB = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ", "ghp_" + "A1b2C3d4E5" * 4
GITLAB = "glpat-x1Y2z3W4v5U6t7S8r9Q0"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
POSTGRES, EMAIL, IP = "postgres://app:s3cretpw@10.0.0.5:5432/billing", "pavel.dev@example.com", "10.20.30.40"
BEARER, SENDGRID = "Bearer abcdefghijklmnop1234", "SG." + "a1" * 11 + "." + "B2c" * 14 + "x"
PEM_BODY, DB_PASSWORD, CODENAME = "MIIEowIBAAKCAQEAx7PlantedPrivateKeyBody", "hunter2hunter2", "Project Nightjar"
VAULT_FILE, CERT_DIR = "/etc/vault/root.txt", "ops/certs/tls-bastion"

# (kind the redaction log must name, the value that must never come out)
PLANTED: list[tuple[str, str]] = [
    ("stripe key", STRIPE), ("stripe key", STRIPE_RESTRICTED), ("google api key", GOOGLE), ("npm token", NPM),
    ("hugging face token", HF), ("slack webhook", SLACK_HOOK), ("aws secret key", AWS_SECRET),
    ("aws secret key", AWS_SECRET_BARE), ("aws key", AWS_KEY), ("secret assignment", AUTH_TOKEN),
    ("secret assignment", API_KEY), ("secret assignment", DB_PASSWORD), ("high-entropy value", NONCE),
    ("basic auth", CURL_USER), ("password argument", MYSQL_PASSWORD), ("internal host", "db01.corp.internal"),
    ("internal host", "nas.home.arpa"), ("internal host", "build.acme.io"),  # the last from private_domains
    ("home path", "/home/pavel"), ("home path", "home/pavel/"),  # a committed path starting with home/<user>/
    ("home path", "/Users/anna"), ("credential talk", VAULT_FILE), ("credential talk", CERT_DIR),
    ("card number", CARD), ("phone number", PHONE_US), ("phone number", PHONE_RU), ("us ssn", SSN), ("iban", IBAN),
    ("anthropic key", ANTHROPIC), ("openai key", OPENAI), ("telegram bot token", TELEGRAM), ("github token", GITHUB),
    ("gitlab token", GITLAB), ("jwt", JWT), ("url credentials", POSTGRES), ("email", EMAIL), ("ip address", IP),
    ("bearer token", BEARER), ("sendgrid key", SENDGRID), ("private key", PEM_BODY),
    ("configured pattern", CODENAME),  # [enrich] redact_patterns
]
VALUES = [value for _, value in PLANTED]
BENIGN = [
    "Raised MAX_TOKENS=4096, 2.4 s to 1.1 s.",
    "Upgraded the gateway firmware to 7.2.0.12.",
    "I limited the calls per API key, and 429 responses went from 37 to 0.",
    "I added a usernames index, 80 ms to 4 ms.",
    "The password is hashed with argon2id and takes 74 ms per login.",
]


def _project() -> Project:
    session = Session(day=0, at="10:00", summary="Billing deploy to the private cluster", steps=(
        Prompt(f"Deploy the billing service to db01.corp.internal and measure p95 latency before and after. "
               f"Call me at {PHONE_US} if it fails. The Stripe key is {STRIPE} for the checkout tests."),
        Say(f"I will pull the model with the Hugging Face token {HF} and the AWS key {AWS_KEY}. "
            "Latency went from 840 ms to 210 ms after batching the writes."),
        Say(BENIGN[2] + " The deploy now pushes to nas.home.arpa and to build.acme.io as well, then the smoke "
            "tests run."),
        Bash(f"aws configure set aws_secret_access_key {AWS_SECRET}", ""),
        Bash(f"npm config set //registry.npmjs.org/:_authToken={NPM}", ""),
        Bash(f"curl -u {CURL_USER} https://api.example.org/v1/health", '{"ok": true}'),
        Bash(f"mysql -u root -p{MYSQL_PASSWORD} billing < schema.sql", ""),
        Bash("python deploy.py --check", f"Traceback (most recent call last):\nPermissionError: token {GITHUB} "
             f"rejected for {EMAIL} from {IP}", exit_code=1),
        Write("home/pavel/.config/billing/settings.toml", "timeout = 30\n"),
        Write("deploy/hosts/db01.corp.internal.yml", "replicas: 2\n"),
        Write("src/billing/checkout.py", "def charge(amount):\n    return amount\n"),
        Prompt(f"Now run the eval with ANTHROPIC_API_KEY={ANTHROPIC} exported and compare the accuracy with "
               "the 71.0% we had."),
        Bash("python -m eval.run", "accuracy 74.5%"),
        Say("Accuracy went from 71.0% to 74.5% on the eval set."),
        Commit("Add the checkout deploy for the private cluster\n\n"
               f"Uses envelope_nonce = \"{NONCE}\" for the signed requests and posts to {SLACK_HOOK} when it "
               f"is done.\n\n{BENIGN[0]}"),
    ))
    chores = Chores(day=1, at="14:00", commits=(
        Commit(f"Wire the Google Maps geocoder with {GOOGLE}\n\nThe refund worker takes {STRIPE_RESTRICTED} and "
               f"the OpenAI key {OPENAI}. Geocoding went from 1.9 s to 0.4 s per address.",
               files={"src/billing/geo.py": "def geocode(address):\n    return address\n"}),
        Commit(f"Fix the payout export for {CODENAME}\n\nThe payout test uses IBAN {IBAN}, card {CARD} and SSN "
               f"{SSN}; the export went from 12 s to 3 s. The notifier bot runs as {TELEGRAM} with the session "
               f"{JWT}.", files={"src/billing/payout.py": "def export():\n    return []\n"}),
        Commit(f"Move the ledger to the managed database\n\nDB_PASSWORD: {DB_PASSWORD}\n\nThe old ledger was "
               f"{POSTGRES}; migrations went from 40 s to 9 s. The mail relay key is {SENDGRID} and the GitLab "
               f"mirror uses {GITLAB}. The CI calls it with Authorization: {BEARER} and pushes with "
               f"--_authToken={AUTH_TOKEN} from /home/pavel/ci.",
               files={"src/billing/ledger.py": "def move():\n    return True\n"}),
        Commit(f"Document the deploy keys\n\n-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}\n"
               "-----END RSA PRIVATE KEY-----\n\nThe deploy docs now take 3 minutes to read instead of 15 minutes.",
               files={"docs/deploy.md": "# Deploy\n"}),
    ))
    return Project(name="vault-ops", utc_offset_hours=3, blocks=(session, chores))


NOTES = {
    "2026-11-04-ops-notes.md": f"""---
project: vault-ops
date: 2026-11-04
tags: [billing, ops]
---

# Ops notes for the billing cluster

The Vault root token lives in {VAULT_FILE} on the bastion.
The TLS certificate key is kept in {CERT_DIR}.key for now.
My phone for the on-call rota is {PHONE_RU}, the card on the vendor account is {CARD}.
The profiler ran from /Users/anna/traces and showed the hot loop in the exporter taking 61% of the time.
The config reads apiKey: {API_KEY} and the second AWS secret {AWS_SECRET_BARE}.

{BENIGN[1]}
{BENIGN[3]}
{BENIGN[4]}
""",
}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("planted")
    build_project(_project(), root / "projects", root / "claude" / "projects", date(2026, 11, 2))
    notes = root / "notes"
    notes.mkdir()
    for name, body in NOTES.items():
        (notes / name).write_text(body, encoding="utf-8")
    (root / "publisher.toml").write_text("""
[store]
path = "state/publisher.db"

[[sources]]
type = "git"
path = "projects/vault-ops"
project = "vault-ops"

[[sources]]
type = "claude-code"
path = "claude/projects"

[[sources]]
type = "notes"
path = "notes"

[select]
min_score = 0
max_stories_per_day = 20
duplicate_threshold = 100
hold_open_sessions = false

[enrich]
wikipedia = false
cover_images = false
private_domains = ["acme.io"]
redact_patterns = ["Project Nightjar"]

[site]
out_dir = "site"
""", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def outputs(workspace: Path) -> dict[str, str]:
    mp = pytest.MonkeyPatch()
    mp.setenv("SOCIAL_PUBLISHER_NOW", "2026-11-10T12:00:00+00:00")
    try:
        runner, config = CliRunner(), str(workspace / "publisher.toml")
        out: dict[str, str] = {}
        for name, args in (("collect", ["collect"]), ("select", ["select", "--explain"]),
                           ("select json", ["select", "--json"]),
                           ("enrich", ["enrich", "--show-redactions"]), ("write", ["write"]),
                           ("publish", ["publish"]), ("status", ["status"]),
                           ("redactions json", ["enrich", "--show-redactions", "--json"])):
            result = runner.invoke(cli, ["--config", config, *args])
            assert result.exit_code == 0, (name, result.output)
            out[name] = result.output
        return out
    finally:
        mp.undo()


def _leaks(text: str) -> list[str]:
    """Planted values found in `text`; numbers also with their spaces and dashes gone."""
    found = [value for value in VALUES if value in text]
    packed = re.sub(r"(?<=\d)[ -](?=\d)", "", text)
    return found + [value for value in (CARD, PHONE_US, PHONE_RU, SSN) if re.sub(r"\D", "", value) in packed]


def test_every_planted_value_was_collected_and_briefed(workspace: Path, outputs) -> None:
    """The test means something: each value is in the collected activity of a briefed story."""
    with Store(workspace / "state" / "publisher.db") as store:
        briefed = {i for story in store.stories() if store.brief(story.id) is not None for i in story.activity_ids}
        collected = "\n".join(json.dumps([a.text, a.meta], ensure_ascii=False)
                              for a in store.activity() if a.id in briefed)
    missing = [value for value in VALUES if value not in collected]
    assert missing == []
    assert len({kind for kind, _ in PLANTED}) >= 30


def test_no_planted_value_reaches_a_brief_a_post_the_site_or_the_store(workspace: Path, outputs) -> None:
    with Store(workspace / "state" / "publisher.db") as store:
        briefs = "\n".join(row[0] for row in store.db.execute("SELECT facts_json FROM briefs"))
        explain = "\n".join(row[0] for row in store.db.execute("SELECT explain_json FROM stories"))
        log = "\n".join(json.dumps(row) for row in store.redactions())
        posts = "\n".join(f"{p.title}\n{p.body_md}" for p in store.posts())
        assert len(store.posts()) >= 4
    site = workspace / "site"
    pages = {path: path.read_text(encoding="utf-8", errors="replace") for path in site.rglob("*") if path.is_file()
             and path.suffix in (".html", ".xml", ".json", ".txt", ".md")}
    assert len(pages) >= 5
    for where, text in {"briefs": briefs, "explain_json": explain, "redaction log": log, "posts": posts,
                        **{f"site {p.relative_to(site)}": t for p, t in pages.items()},
                        **{f"cli {name}": text for name, text in outputs.items()}}.items():
        assert _leaks(text) == [], where


def test_the_log_names_at_least_thirty_kinds_and_status_counts_them(workspace: Path, outputs) -> None:
    logged = json.loads(outputs["redactions json"])["redactions"]
    kinds = {row["kind"] for row in logged}
    assert {kind for kind, _ in PLANTED} - kinds == set()
    assert len(kinds) >= 30
    assert all(re.fullmatch(r"(?:.{2}….{2}|…) \(\d+ chars\)", row["preview"]) for row in logged)
    assert {row["place"].split()[0] for row in logged} >= {"commit", "session", "note"}
    assert "session prompt" in {row["place"] for row in logged} and "session command" in {r["place"] for r in logged}
    status = next(line for line in outputs["status"].splitlines() if line.strip().startswith("redactions"))
    assert re.search(r"card number \d+", status) and re.search(r"phone number \d+", status)
    assert "story " in outputs["enrich"] and "removed" in outputs["enrich"]


def test_no_post_is_rejected_for_sensitive_detail_it_does_not_hold(workspace: Path, outputs) -> None:
    with Store(workspace / "state" / "publisher.db") as store:
        reasons = [reason for post in store.posts() for reason in store.post_check_errors(post.id) or []]
    assert not [r for r in reasons if r.startswith("sensitive detail") or "redactor removed" in r]


def test_the_five_ordinary_sentences_reach_the_brief_whole(workspace: Path, outputs) -> None:
    with Store(workspace / "state" / "publisher.db") as store:
        briefs = "\n".join(row[0] for row in store.db.execute("SELECT facts_json FROM briefs"))
    for sentence in BENIGN:
        assert sentence.rstrip(".") in briefs, sentence


def test_private_digit_groups_never_become_measurements(workspace: Path, outputs) -> None:
    with Store(workspace / "state" / "publisher.db") as store:
        numbers = [n["value"] for story in store.stories() if store.brief(story.id)
                   for n in store.brief(story.id).facts["numbers"]]
    assert numbers and not {"4111", "1111", "415", "555", "0134", "916", "536", "4399", "3704"} & set(numbers)
