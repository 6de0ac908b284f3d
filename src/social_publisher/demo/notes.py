"""The demo's notes folder: markdown work notes with YAML front matter (project, date, tags).

Each note holds measured numbers and a lesson learned. The homelab note also holds
the line a careless publisher would leak: where the admin password lives.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from social_publisher.demo.planted import ADMIN_PASSWORD_FILE, ADMIN_USER


@dataclass(frozen=True)
class Note:
    day: int  # same day numbering as the projects' blocks
    at: str  # local time the note was last saved, UTC+3
    slug: str
    project: str
    tags: tuple[str, ...]
    body: str


NOTES = (
    Note(day=1, at="11:05", slug="telegram-429-lessons", project="tg-digest-bot",
         tags=("telegram", "python", "rate-limits"), body="""\
# Telegram 429s: wait as told, then stop bursting

The morning digest reached 83 of 120 subscribers. The 37 others got
`429 Too Many Requests` with `retry_after: 4`, and the sender simply gave up.

| change | delivered | 429 responses | send time |
|---|---|---|---|
| before | 83/120 | 37 | 6.1 s |
| honour retry_after (3 attempts) | 120/120 | 41 | 168.2 s |
| + pace 25 subscribers/s | 120/120 | 0 | 9.9 s |

Lesson: retrying is the safety net, not the fix. Telegram allows about 30
messages per second per bot; staying under it costs 3.8 s and saves 158 s of
waiting. A retry that ignores `retry_after` would only extend the throttling.
"""),
    Note(day=2, at="19:20", slug="homelab-sso-notes", project="homelab-auth",
         tags=("authelia", "nginx", "security", "homelab"), body=f"""\
# Single sign-on for the home server

Authelia 4.38 behind nginx `auth_request`, protecting Grafana and whoami.

- First try looped: 50 redirects after login. The authz subrequest did not pass
  `X-Forwarded-Proto`, so Authelia ignored the secure session cookie.
- Latency of the auth hop (wrk, 20 connections, 30 s): p50 2.9 ms without auth,
  6.8 ms with auth_request, 3.6 ms with `keepalive 16` on the Authelia upstream.
- argon2id on the N100: defaults (64 MiB, t=3, p=4) 212.4 ms per hash; t=1, p=2
  74.1 ms. A full login went from 0.184 s to 0.097 s.

Admin login: user `{ADMIN_USER}`, password is the one in `{ADMIN_PASSWORD_FILE}`;
Authelia keeps only its argon2id hash in `/config/users_database.yml`.

Lesson: measure the auth hop before blaming the app. Most of the extra latency
was nginx opening a fresh connection to Authelia for every request.
"""),
    Note(day=3, at="12:10", slug="math-expert-negative-results", project="llm-router",
         tags=("ml", "gsm8k", "fine-tuning", "experiments"), body="""\
# Curriculum data and longer training both hurt the math expert

Starting point: difficulty routing gives **76.8%** on the GSM8K dev split (500
questions), math expert trained 500 steps.

| run | change | accuracy | eval ppl |
|---|---|---|---|
| baseline | 500 steps | 76.8% | 1.60 |
| curriculum | + 89 borderline solutions sampled at T=0.9 | 73.4% | 2.16 |
| long | 1000 steps, original data | 75.2% | 1.58 (train loss 0.004) |

On the way: `--steps` was parsed but never used, so the first "1000-step" run
was really another 500-step run (32 minutes of GPU time lost).

Lesson: 76.8% is a narrow optimum, not a foundation. Temperature-sampled
solutions are noise with a correct label, and near-zero training loss means
memorising. Next: task-aligned chain-of-thought data, not more steps.
"""),
)

NOTES_TZ = timezone(timedelta(hours=3))


def write_notes(directory: Path, first_day: date) -> list[Path]:
    """Write every note as `<date>-<slug>.md`, its mtime set to when it was saved."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for note in NOTES:
        day = first_day + timedelta(days=note.day)
        saved = datetime.combine(day, time.fromisoformat(note.at), tzinfo=NOTES_TZ)
        front = (f"---\nproject: {note.project}\ndate: {day.isoformat()}\n"
                 f"tags: [{', '.join(note.tags)}]\n---\n\n")
        path = directory / f"{day.isoformat()}-{note.slug}.md"
        path.write_text(front + note.body, encoding="utf-8")
        os.utime(path, (saved.timestamp(), saved.timestamp()))
        written.append(path)
    return written
