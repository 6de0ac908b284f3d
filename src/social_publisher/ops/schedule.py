"""`schedule`: run `social-publisher run` every day without a terminal open.

`install` writes a systemd user service and timer (`~/.config/systemd/user/`), or with `--cron`
prints a crontab line; both run exactly the same command. Tokens are not in the units: the
service reads them from an optional environment file (`~/.config/social-publisher/env`, lines
of `TELEGRAM_BOT_TOKEN=...`), which only the user can read. `status` tells whether the timer
is installed and when the last run ended, and how; `remove` takes the units away.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from social_publisher.errors import UsageError

UNIT = "social-publisher"
_AT = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def parse_at(at: str) -> tuple[int, int]:
    match = _AT.fullmatch(at.strip())
    if not match:
        raise UsageError(f"--at {at!r}: give a time of day as HH:MM, e.g. 07:30")
    return int(match.group(1)), int(match.group(2))


def unit_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "systemd" / "user"


def env_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "social-publisher" / "env"


def program() -> str:
    """The absolute path of the `social-publisher` executable this Python runs (its venv's)."""
    beside = Path(sys.executable).with_name("social-publisher")
    if beside.exists():
        return str(beside)
    found = shutil.which("social-publisher")
    return os.path.abspath(found) if found else f"{sys.executable} -m social_publisher"


def run_command(config_path: Path) -> list[str]:
    """The command every schedule runs."""
    return [*shlex.split(program()), "--config", str(config_path.resolve()), "run"]


@dataclass(frozen=True)
class Units:
    service: str
    timer: str


def units(config_path: Path, at: str) -> Units:
    hour, minute = parse_at(at)
    command = " ".join(_systemd_quote(part) for part in run_command(config_path))
    service = (
        "[Unit]\n"
        "Description=Bot Social Publisher: collect, write and publish the day's posts\n"
        "Wants=network-online.target\n"
        "After=network-online.target\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"WorkingDirectory={_systemd_quote(str(config_path.resolve().parent))}\n"
        f"EnvironmentFile=-{env_file()}\n"
        f"ExecStart={command}\n"
        "Nice=10\n"
    )
    timer = (
        "[Unit]\n"
        f"Description=Run Bot Social Publisher every day at {hour:02d}:{minute:02d}\n"
        "\n"
        "[Timer]\n"
        f"OnCalendar=*-*-* {hour:02d}:{minute:02d}:00\n"
        "Persistent=true\n"
        f"Unit={UNIT}.service\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )
    return Units(service=service, timer=timer)


def _systemd_quote(word: str) -> str:
    if re.fullmatch(r"[\w@%+=:,./-]+", word):
        return word
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'


def crontab_line(config_path: Path, at: str) -> str:
    hour, minute = parse_at(at)
    command = " ".join(shlex.quote(part) for part in run_command(config_path))
    env = env_file()
    load_env = f"[ -r {shlex.quote(str(env))} ] && set -a && . {shlex.quote(str(env))}; "
    return f"{minute} {hour} * * * {load_env}{command} >/dev/null 2>&1"


def install(config_path: Path, at: str, *, enable: bool) -> tuple[list[Path], str]:
    """Write the units; enable the timer when asked and systemd answers. Returns (files, what to do next)."""
    made = units(config_path, at)
    folder = unit_dir()
    folder.mkdir(parents=True, exist_ok=True)
    service, timer = folder / f"{UNIT}.service", folder / f"{UNIT}.timer"
    service.write_text(made.service, encoding="utf-8")
    timer.write_text(made.timer, encoding="utf-8")
    manual = f"systemctl --user daemon-reload && systemctl --user enable --now {UNIT}.timer"
    if enable and shutil.which("systemctl"):
        reload = _systemctl("daemon-reload")
        started = reload == 0 and _systemctl("enable", "--now", f"{UNIT}.timer") == 0
        if started:
            return [service, timer], f"timer enabled: runs daily at {at} (see `social-publisher schedule status`)"
        return [service, timer], f"could not reach the systemd user manager; run: {manual}"
    return [service, timer], f"next: {manual}"


def remove() -> list[Path]:
    folder = unit_dir()
    files = [folder / f"{UNIT}.timer", folder / f"{UNIT}.service"]
    if shutil.which("systemctl") and files[0].exists():
        _systemctl("disable", "--now", f"{UNIT}.timer")
    removed = []
    for path in files:
        if path.exists():
            path.unlink()
            removed.append(path)
    if removed and shutil.which("systemctl"):
        _systemctl("daemon-reload")
    return removed


def installed_timer() -> Path | None:
    path = unit_dir() / f"{UNIT}.timer"
    return path if path.exists() else None


def next_run() -> str | None:
    """When systemd will start the timer next, if it can tell."""
    if not shutil.which("systemctl"):
        return None
    try:
        result = subprocess.run(["systemctl", "--user", "show", f"{UNIT}.timer", "--property=NextElapseUSecRealtime",
                                 "--value"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    value = result.stdout.strip()
    return value if result.returncode == 0 and value and value != "n/a" else None


def _systemctl(*args: str) -> int:
    try:
        return subprocess.run(["systemctl", "--user", *args], capture_output=True, timeout=30).returncode
    except (OSError, subprocess.TimeoutExpired):
        return 1
