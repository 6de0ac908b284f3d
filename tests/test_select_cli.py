"""`social-publisher select`, `--explain` and `--json` through the real CLI."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from social_publisher.cli import cli
from social_publisher.store import Store
from test_select_support import at, bug_session, commit, trivial_day


@pytest.fixture
def workspace(tmp_path, write_config, monkeypatch):
    monkeypatch.setenv("SOCIAL_PUBLISHER_NOW", "2026-11-28T12:00:00+00:00")
    config = write_config('[store]\npath = "state/publisher.db"\n\n[select]\nmax_stories_per_day = 1\n')
    rows = (bug_session("cache-tool", 21, "s-1") + bug_session("other", 21, "s-2") + trivial_day("cache-tool", 22)
            + [commit("cache-tool", at(23, 9), "Rename a variable", [("src/a.py", 1, 1)])])
    with Store(config.store.path) as store:
        store.add_activity(rows)
    return config


def invoke(config, *args):
    result = CliRunner().invoke(cli, ["--config", str(config.config_path), "select", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_explain_shows_every_candidate_with_score_features_and_why(workspace):
    out = invoke(workspace, "--explain")
    assert out.splitlines()[0].startswith("select: 14 activity rows, 3 candidates -> 1 stories selected")
    assert out.count("KEPT ") == 1
    assert "DROPPED (over the daily cap)" in out
    assert "DROPPED (below min score)" in out
    assert "TRIVIAL " in out and "1 merge" in out
    assert "problem_solved" in out and "12.4 s → 3.1 s" in out
    assert "why: " in out


def test_json_carries_the_decisions(workspace):
    data = json.loads(invoke(workspace, "--json"))
    assert data["stage"] == "select" and data["stories_selected"] == 1
    decisions = [c["decision"] for c in data["candidates"]]
    assert decisions.count("kept") == 1 and decisions.count("trivial") == 1
    kept = next(c for c in data["candidates"] if c["decision"] == "kept")
    assert kept["category"] == "bug_fix" and "sqlite" in kept["tags"]
    assert kept["features"]["problem_solved"]["evidence"]
    assert kept["story_id"] is not None


def test_second_select_says_there_is_nothing_new(workspace):
    invoke(workspace)
    out = invoke(workspace, "--explain")
    assert "0 activity rows" in out and "no new activity" in out
