"""Bad usage or input: one line on stderr, exit code 2, never a traceback."""

import subprocess
import sys
from pathlib import Path

import pytest


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "social_publisher", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def _assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    for fragment in fragments:
        assert fragment in lines[0]


def test_nonexistent_config(tmp_path: Path):
    result = run_cli("--config", str(tmp_path / "absent.toml"), "run")
    _assert_one_line_error(result, "absent.toml", "not found")


def test_unknown_backend(tmp_path: Path):
    config = tmp_path / "publisher.toml"
    config.write_text('[writer]\nbackend = "telepathy"\n')
    result = run_cli("--config", str(config), "run")
    _assert_one_line_error(result, "publisher.toml:2", "telepathy")


def test_source_path_that_does_not_exist(tmp_path: Path):
    config = tmp_path / "publisher.toml"
    config.write_text('[[sources]]\ntype = "git"\npath = "~/no/such/repo"\n')
    result = run_cli("--config", str(config), "collect")
    _assert_one_line_error(result, "publisher.toml:3", "does not exist")


def test_unknown_command_is_usage_error(tmp_path: Path):
    result = run_cli("frobnicate")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "No such command" in result.stderr


@pytest.mark.parametrize("command", ["collect", "select", "enrich", "write", "publish", "run", "status", "posts",
                                     "review", "demo", "init"])
def test_every_command_has_help(command: str):
    from click.testing import CliRunner

    from social_publisher.cli import cli

    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert len(result.output.split("Options:")[0].strip().splitlines()) >= 2  # usage line + description
