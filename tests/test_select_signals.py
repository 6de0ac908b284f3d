"""The shared text signals as select relies on them: trivial commits, numbers, before/after pairs."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from social_publisher.signals import (
    before_after_pairs, is_trivial_commit, measurements, strip_dates_and_versions, trivial_reason,
)


@pytest.mark.parametrize("message, reason", [
    ("Merge branch 'feature/x' into main", "merge"),
    ("Merge pull request #12 from dev/login", "merge"),
    ("bump version to 1.4.2", "version bump"),
    ("chore: bump version", "version bump"),
    ("Bump requests from 2.31.0 to 2.32.3", "version bump"),
    ("chore(release): 1.4.0", "version bump"),
    ("v2.0.1", "version bump"),
    ("fix typo in README", "typo"),
    ("Fix a typo in the docs", "typo"),
    ("Исправил опечатку", "typo"),
    ("Run black", "formatting"),
    ("Reformat with ruff", "formatting"),
    ("fix lint", "formatting"),
    ("style: trailing commas", "formatting"),
    ('Revert "Add cache"', "revert"),
    ("wip", "no content"),
    ("Update README.md", "no content"),
])
def test_trivial_messages_and_their_reason(message, reason):
    assert trivial_reason(message) == reason
    assert is_trivial_commit(message)


@pytest.mark.parametrize("message", [
    "Fix crash when the config file is empty",
    "Add Telegram channel publisher",
    "Speed up the import: 12.4 s -> 3.1 s",
    "Typography: use proper quotes in titles",
    "Merger of two queues into one scheduler",
    "Formatter for Telegram HTML messages",
])
def test_real_work_is_not_trivial(message):
    assert trivial_reason(message, ["src/app.py"]) is None


def test_lockfile_only_changes_are_trivial_whatever_the_message():
    assert trivial_reason("Refresh", ["poetry.lock", "frontend/package-lock.json"]) == "lockfile only"
    assert trivial_reason("Refresh", ["poetry.lock", "src/app.py"]) is None


def test_russian_decimal_commas_and_units():
    values = [m.value for m in measurements("Точность выросла с 73,0% до 76,8%, сборка занимает 12 сек.")]
    assert values == ["73,0%", "76,8%", "12 сек"]
    assert before_after_pairs("точность выросла с 73,0% до 76,8%") == [("73,0%", "76,8%")]
    assert before_after_pairs("время сборки: 40 сек → 12 сек") == [("40 сек", "12 сек")]


def test_thousands_are_still_one_number():
    assert [m.value for m in measurements("Imported 1,000 rows in 2.5 s")] == ["1,000", "2.5 s"]


def test_numbers_in_names_are_not_measurements():
    values = [m.value for m in measurements("CIFAR-10 accuracy went from 83.7% to 85.0% with GPT-4")]
    assert values == ["83.7%", "85.0%"]


def test_dates_versions_and_hashes_are_not_changes():
    text = strip_dates_and_versions("v1.2.3 -> v1.2.4 on 2026-11-20T10:00:00Z, commit 3f9a2c1d; 6 calls -> 3")
    assert before_after_pairs(text) == [("6", "3")]
    assert "1234567 rows" in strip_dates_and_versions("1234567 rows")


@given(st.text(max_size=300))
def test_signals_never_raise(text):
    trivial_reason(text)
    measurements(text)
    before_after_pairs(strip_dates_and_versions(text))


def test_plural_http_status_codes_are_not_seconds():
    from social_publisher.signals import measurements

    values = [m.value for m in measurements("Telegram 429s kept coming; the send took 168.2 s, then 120s.")]
    assert values == ["168.2 s", "120 s"]
