"""The orchestrator: stage order, and one run at a time per store."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from social_publisher.pipeline import STAGE_ORDER, RunInProgress, exclusive_run, run_stages


def test_stages_run_in_the_documented_order(write_config, store):
    config = write_config("")
    seen = []
    run_stages(store, config, tuple(reversed(STAGE_ORDER)), on_report=lambda report: seen.append(report.stage))
    assert seen == ["collect", "select", "enrich", "write", "publish"]


def test_a_second_run_on_the_same_store_is_refused_while_the_first_holds_it(write_config, tmp_path: Path):
    config = write_config("")
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from social_publisher.config import load_config
            from social_publisher.pipeline import exclusive_run
            with exclusive_run(load_config({str(config.config_path)!r})):
                print("locked", flush=True)
                sys.stdin.readline()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(RunInProgress, match=rf"another run is in progress \(pid {holder.pid}\)"):
            with exclusive_run(config):
                pass
    finally:
        holder.communicate("done\n", timeout=30)
    with exclusive_run(config):  # released when the holder ends
        pass
