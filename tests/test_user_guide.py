"""The README's user guide, run as written: every shell command of the section, in order, in a
fresh HOME with a real repository and notes, against a loopback Telegram and a stand-in
`systemctl` (so no real timer is ever enabled by a test). Step 1 (the install) is the one line
not run here: CI runs the README's own install command before the tests."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from fakes.telegram_server import TelegramServer
from social_publisher.demo import make_workspace

README = Path(__file__).resolve().parents[1] / "README.md"
TOKEN = "5012345678:AAGuideToken_abcdefghijklmnopqrstuvw"
NOW = "2026-11-30T20:00:00+00:00"


def guide() -> list[tuple[str, str]]:
    """(kind, text) of each code block of the user guide, and the guide's prose as ("prose", text)."""
    text = README.read_text(encoding="utf-8")
    start = text.index("## User guide")
    section = text[start:text.index("\n## ", start + 3)]
    parts = re.split(r"```(\w+)\n(.*?)```", section, flags=re.S)
    blocks = [("prose", parts[0])]
    for index in range(1, len(parts), 3):
        blocks += [(parts[index], parts[index + 1]), ("prose", parts[index + 2])]
    return blocks


def test_the_user_guide_runs_as_written(tmp_path: Path):
    home = tmp_path / "home"
    workspace = make_workspace(tmp_path / "sample").parent
    shutil.copytree(workspace / "projects" / "llm-router", home / "code" / "my-project", symlinks=True)
    shutil.copytree(workspace / "notes", home / "notes" / "work")
    tool = tmp_path / "tool"
    tool.mkdir()
    (tool / ".venv").symlink_to(sys.prefix, target_is_directory=True)  # the venv CI just installed
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    calls = tmp_path / "systemctl-calls"
    (fake_bin / "systemctl").write_text(f"#!/bin/sh\necho \"$@\" >> {calls}\n")
    (fake_bin / "systemctl").chmod(0o755)
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "SOCIAL_PUBLISHER_NOW": NOW,
           "EDITOR": "true", "VISUAL": "true", "PATH": f"{fake_bin}{os.pathsep}{os.environ['PATH']}"}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    config = tool / "publisher.toml"
    ran: list[str] = []
    waiting: list[str] = []
    channel_title = ""

    with TelegramServer(TOKEN) as telegram:
        for kind, text in guide():
            if kind == "prose":
                if "set `auto_approve = false`" in text and config.exists():
                    config.write_text(config.read_text().replace("auto_approve = true", "auto_approve = false"))
                    assert "auto_approve = false" in config.read_text()
                continue
            if kind == "toml":
                config.write_text(config.read_text() + "\n" + text + f'api_base = "{telegram.url}"\n')
                continue
            for line in text.strip().splitlines():
                if line.startswith("python3 -m venv"):
                    continue  # step 1: CI runs the README's install before the tests
                if line.startswith("export "):
                    name, _, _value = line.removeprefix("export ").partition("=")
                    env[name] = TOKEN
                    ran.append(line)
                    continue
                if " ID" in line:
                    assert waiting, f"no waiting post for `{line}`"
                    line = line.replace(" ID", f" {waiting.pop(0)}")
                result = subprocess.run(line, shell=True, cwd=tool, env=env, capture_output=True, text=True,
                                        timeout=300)
                assert result.returncode == 0, f"`{line}` failed:\n{result.stdout}\n{result.stderr}"
                ran.append(line)
                if line.endswith(" review"):
                    listed = re.findall(r"^\s*(\d+)\s+(\w\w)\s+waiting", result.stdout, flags=re.M)
                    # approved last (after Telegram is set up): a post in the channel's language
                    english = [i for i, lang in listed if lang != "ru"]
                    russian = [i for i, lang in listed if lang == "ru"]
                    assert english and russian, result.stdout
                    waiting = [english[0], english[0], russian[0]]  # --edit, --approve, then --approve for the channel
                    titles = dict(re.findall(r"^\s*(\d+)\s+\w\w\s+waiting\s+(.+)$", result.stdout, flags=re.M))
                    channel_title = titles[russian[0]]

        delivered = [m for m in telegram.messages if m.chat_id == "@my_channel"]
        assert any(channel_title.split(":")[0] in m.html for m in delivered), "the approved post reached the channel"
    assert len(ran) >= 12
    assert (tool / "site" / "index.html").exists()
    assert (home / ".config" / "systemd" / "user" / "social-publisher.timer").exists()
    assert "enable --now social-publisher.timer" in calls.read_text()
    assert TOKEN not in (tool / "state" / "logs" / "publisher.log").read_text()
