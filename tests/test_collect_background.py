"""The transcript sources' store writer: batches of jobs in a thread of its own."""

from __future__ import annotations

import sys
from contextlib import nullcontext

import pytest

from social_publisher.collect import SourceReport
from social_publisher.collect.background import WRITER_SWITCH_INTERVAL, BackgroundWriter
from social_publisher.collect.transcripts import Batches, Rows
from social_publisher.records import SESSION, Activity
from social_publisher.store import Store, encode_activity


def row(n: int) -> Activity:
    return Activity(source="claude-code", project="p", kind=SESSION, occurred_at=f"2026-11-20T09:{n:02d}:00+00:00",
                    author="", text=f"turn {n}", meta={"turn_index": n}, fingerprint=f"fp{n}")


def test_merged_jobs_keep_their_order_and_the_later_cursor_of_a_key(store: Store):
    report = SourceReport(source="x", type="claude-code")
    seen: list[int] = []  # rows stored when the job in between ran
    with BackgroundWriter(store.path) as background:
        batches = Batches(background)
        batches.submit(Rows([encode_activity(row(1)), encode_activity(row(2))], {"a": {"offset": 1}, "b": {"offset": 5}}, report), rows=2)
        batches.submit(Rows([encode_activity(row(3))], {"a": {"offset": 2}}, report), rows=1)
        batches.submit(lambda s: seen.append(s.db.execute("SELECT count(*) FROM activity").fetchone()[0]))
        batches.submit(Rows([encode_activity(row(4)), encode_activity(row(1))], {"a": {"offset": 3}}, report), rows=2)
        batches.flush()
    texts = [a.text for a in sorted(store.activity(), key=lambda a: a.id)]
    assert texts == ["turn 1", "turn 2", "turn 3", "turn 4"]
    assert seen == [3]
    assert report.new_activity == 4  # the second fp1 is not new
    assert store.cursor("a") == {"offset": 3} and store.cursor("b") == {"offset": 5}


def test_more_cursors_than_one_statement_holds(store: Store):
    store.set_cursor("k7", {"old": True})
    store.set_cursors({f"k{n}": {"n": n} for n in range(1500)})
    assert store.cursor("k7") == {"n": 7} and store.cursor("k1499") == {"n": 1499}
    assert len(store.cursors_with_prefix("k")) == 1500


@pytest.mark.parametrize("fails", [False, True])
def test_the_switch_interval_is_given_back(store: Store, fails: bool):
    before = sys.getswitchinterval()
    with pytest.raises(RuntimeError) if fails else nullcontext():
        with BackgroundWriter(store.path):
            assert sys.getswitchinterval() == min(before, WRITER_SWITCH_INTERVAL)
            if fails:
                raise RuntimeError("collector failed")
    assert sys.getswitchinterval() == before



def test_after_a_failed_job_no_later_job_runs_even_once_the_error_was_raised(store: Store):
    """A later batch committed after a failed one would move the cursors past the failed batch's rows."""
    ran: list[str] = []

    def fail(_store: Store) -> None:
        raise RuntimeError("disk full")

    background = BackgroundWriter(store.path)
    background.submit(fail)
    with pytest.raises(RuntimeError, match="disk full"):
        while True:  # until the writer has met the error (jobs queued meanwhile come after the failed one)
            background.submit(lambda s: ran.append("queued before the error was raised"))
    background.submit(lambda s: ran.append("submitted after"))
    background.close()
    assert ran == []
