"""Running unattended: doctor, schedule (systemd units, crontab), daemon, the runs record, the log
file (no token in it), backup while a run writes, and `run --dry-run` changing nothing."""

from __future__ import annotations

import json
import shlex
import shutil
import sqlite3
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from social_publisher.demo import make_workspace
from social_publisher.ops import schedule
from social_publisher.store import Store

TOKEN = "7312345678:AAH-tEsTtOkEn_0123456789abcdefghijklm"


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-m", "social_publisher", *args], capture_output=True, text=True,
                          timeout=300, env={**os.environ, **(env or {})}, cwd=cwd)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """A demo workspace that has run once (its config path)."""
    folder = tmp_path_factory.mktemp("ops") / "demo"
    result = run_cli("demo", "--dir", str(folder))
    assert result.returncode == 0, result.stderr
    return folder / "publisher.toml"


def fresh_copy(demo: Path, tmp_path: Path) -> Path:
    target = tmp_path / "demo"
    shutil.copytree(demo.parent, target, symlinks=True)
    config = target / "publisher.toml"
    return config


class FakeServices(BaseHTTPRequestHandler):
    """Telegram getMe and an OpenAI-compatible /v1/models, recording every request path."""

    seen: list[str] = []

    def do_GET(self):  # noqa: N802 - the http.server API
        FakeServices.seen.append(self.path)
        if self.path == f"/bot{TOKEN}/getMe":
            self._answer(200, {"ok": True, "result": {"id": 7312345678, "is_bot": True, "username": "devlog_bot"}})
        elif self.path.startswith("/bot"):
            self._answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        elif self.path == "/v1/models":
            self._answer(200, {"object": "list", "data": [{"id": "qwen2.5:7b", "object": "model"}]})
        else:
            self._answer(404, {"error": "not found"})

    def _answer(self, code: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture
def services():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeServices)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeServices.seen = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


# -- doctor ---------------------------------------------------------------------------------------

def test_doctor_passes_every_check_on_the_demo(demo: Path):
    result = run_cli("--config", str(demo), "doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert all(line.startswith("ok") for line in lines[:-1]), lines
    assert any("writer (offline)" in line for line in lines) and any(line.startswith("ok   store") for line in lines)
    report = json.loads(run_cli("--config", str(demo), "doctor", "--json").stdout)
    assert report["ok"] is True and {c["name"] for c in report["checks"]} >= {"config", "store", "site"}


def test_doctor_names_every_problem_with_its_fix(demo: Path, tmp_path: Path):
    config = fresh_copy(demo, tmp_path)
    text = config.read_text()
    text = text.replace('backend = "offline"', 'backend = "claude-cli"\ncommand = "claude-not-installed"')
    text += '\n[[sources]]\ntype = "notes"\npath = "no/such/folder"\n'
    text += '\n[telegram]\nenabled = true\nchat_id = "@devlog"\ntoken_env = "DOCTOR_TEST_TOKEN"\n'
    config.write_text(text)
    result = run_cli("--config", str(config), "doctor", env={"DOCTOR_TEST_TOKEN": ""})
    assert result.returncode == 1
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    assert len(failed) == 3, result.stdout
    assert any("no/such/folder" in line and "fix:" in line for line in failed)
    assert any("$DOCTOR_TEST_TOKEN is not set" in line and "export DOCTOR_TEST_TOKEN=" in line for line in failed)
    assert any("claude-not-installed" in line and "not on PATH" in line and "fix:" in line for line in failed)


def test_doctor_asks_the_services_and_never_prints_the_token(demo: Path, tmp_path: Path, services: str):
    config = fresh_copy(demo, tmp_path)
    text = config.read_text().replace('backend = "offline"',
                                      f'backend = "openai"\nbase_url = "{services}/v1"\nmodel = "qwen2.5:7b"')
    text += f'\n[telegram]\nenabled = true\nchat_id = "@devlog"\napi_base = "{services}"\n'
    config.write_text(text)
    good = run_cli("--config", str(config), "doctor", "--json", env={"TELEGRAM_BOT_TOKEN": TOKEN})
    checks = {c["name"]: c for c in json.loads(good.stdout)["checks"]}
    assert checks["telegram"]["ok"] and "@devlog_bot" in checks["telegram"]["detail"]
    if checks["writer (openai)"]["detail"].startswith("the openai package is not installed"):
        pytest.fail("the test extra must install the openai SDK")
    assert checks["writer (openai)"]["ok"] is True, checks["writer (openai)"]
    assert "/v1/models" in FakeServices.seen and f"/bot{TOKEN}/getMe" in FakeServices.seen

    refused = run_cli("--config", str(config), "doctor", env={"TELEGRAM_BOT_TOKEN": TOKEN[:-3] + "xyz"})
    assert refused.returncode == 1
    assert "the token in $TELEGRAM_BOT_TOKEN was refused" in refused.stdout
    assert TOKEN[:-3] not in refused.stdout + refused.stderr


# -- schedule ----------------------------------------------------------------------------------------

@pytest.fixture
def xdg(tmp_path: Path, monkeypatch) -> Path:
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home


def test_schedule_install_writes_units_systemd_accepts_and_cron_runs_the_same(demo: Path, xdg: Path, tmp_path: Path):
    result = run_cli("--config", str(demo), "schedule", "install", "--at", "06:45", "--no-enable",
                     env={"XDG_CONFIG_HOME": str(xdg)})
    assert result.returncode == 0, result.stderr
    service = xdg / "systemd" / "user" / "social-publisher.service"
    timer = xdg / "systemd" / "user" / "social-publisher.timer"
    assert "OnCalendar=*-*-* 06:45:00" in timer.read_text() and "Persistent=true" in timer.read_text()
    exec_start = next(line for line in service.read_text().splitlines() if line.startswith("ExecStart="))
    command = shlex.split(exec_start.removeprefix("ExecStart="))
    assert command[1:] == ["--config", str(demo.resolve()), "run"] and Path(command[0]).exists()
    if shutil.which("systemd-analyze"):
        runtime = tmp_path / "runtime"
        runtime.mkdir(mode=0o700)
        verify = subprocess.run(["systemd-analyze", "verify", "--user", str(service), str(timer)],
                                capture_output=True, text=True, env={"XDG_RUNTIME_DIR": str(runtime), "PATH": "/usr/bin:/bin"})
        assert verify.returncode == 0, verify.stderr
    else:  # parse check: every line is a section, a comment or key=value
        import configparser

        for unit in (service, timer):
            configparser.ConfigParser(strict=True, interpolation=None).read_string(unit.read_text())
    cron = run_cli("--config", str(demo), "schedule", "install", "--at", "06:45", "--cron",
                   env={"XDG_CONFIG_HOME": str(xdg)})
    line = cron.stdout.strip()
    assert line.startswith("45 6 * * * ")
    assert shlex.join(command) in line  # the same command as the service's


def test_schedule_status_and_remove(demo: Path, xdg: Path, tmp_path: Path):
    config = fresh_copy(demo, tmp_path)
    assert run_cli("--config", str(config), "run").returncode == 0
    env = {"XDG_CONFIG_HOME": str(xdg)}
    run_cli("--config", str(config), "schedule", "install", "--no-enable", env=env)
    status = json.loads(run_cli("--config", str(config), "schedule", "status", "--json", env=env).stdout)
    assert status["timer"].endswith("social-publisher.timer")
    assert status["runs"][0]["command"] == "run" and status["runs"][0]["status"] == "ok"
    assert status["runs"][0]["ended_at"] >= status["runs"][0]["started_at"]
    removed = run_cli("--config", str(config), "schedule", "remove", env=env)
    assert "removed" in removed.stdout and not (xdg / "systemd" / "user" / "social-publisher.timer").exists()
    assert "not installed" in run_cli("--config", str(config), "schedule", "status", env=env).stdout


def test_a_bad_time_is_a_usage_error(demo: Path):
    result = run_cli("--config", str(demo), "schedule", "install", "--at", "25:99", "--no-enable")
    assert result.returncode == 2 and "HH:MM" in result.stderr and "Traceback" not in result.stderr


def test_daemon_runs_and_records_its_rounds(demo: Path, tmp_path: Path):
    config = fresh_copy(demo, tmp_path)
    result = run_cli("--config", str(config), "daemon", "--now", "--max-runs", "1")
    assert result.returncode == 0, result.stderr
    with Store(tmp_path / "demo" / "state" / "publisher.db") as store:
        assert store.last_runs(1)[0]["command"] == "daemon" and store.last_runs(1)[0]["status"] == "ok"


def test_daemon_on_a_store_it_cannot_open_fails_at_once_instead_of_waiting_for_its_time(demo: Path, tmp_path: Path):
    config = fresh_copy(demo, tmp_path)
    store_path = tmp_path / "demo" / "state" / "publisher.db"
    for suffix in ("-wal", "-shm"):
        Path(f"{store_path}{suffix}").unlink(missing_ok=True)
    store_path.write_bytes(b"this is not a SQLite database" * 100)
    result = run_cli("--config", str(config), "daemon", "--at", "03:00")  # without --now it would sleep till 03:00
    assert result.returncode != 0 and "cannot open the store" in result.stderr, result.stderr
    assert str(store_path) in result.stderr and "Traceback" not in result.stderr


def test_next_daily_time_is_today_or_tomorrow():
    from datetime import datetime, timezone

    from social_publisher.ops.commands import seconds_until

    morning = datetime(2026, 11, 26, 6, 0, tzinfo=timezone.utc)
    assert seconds_until(morning, 7, 30) == 90 * 60
    assert seconds_until(morning.replace(hour=8), 7, 30) == (23 * 60 + 30) * 60


# -- the log file ------------------------------------------------------------------------------------

def test_runs_log_json_lines_and_no_token(demo: Path, tmp_path: Path, capfd, monkeypatch):
    config = fresh_copy(demo, tmp_path)
    result = run_cli("--config", str(config), "-v", "run", env={"TELEGRAM_BOT_TOKEN": TOKEN})
    assert result.returncode == 0, result.stderr
    from social_publisher.ops import logs

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    logs.setup(tmp_path / "demo" / "state" / "publisher.db", verbosity=1)
    log = __import__("logging").getLogger("social_publisher.channel")
    log.error("sending to https://api.telegram.org/bot%s/sendMessage failed", TOKEN)
    try:
        raise RuntimeError(f"token {TOKEN} refused")
    except RuntimeError:
        log.exception("boom")
    console = capfd.readouterr().err
    logs.setup(None)
    log_file = tmp_path / "demo" / "state" / "logs" / "publisher.log"
    entries = [json.loads(line) for line in log_file.read_text().splitlines()]
    assert {e["stage"] for e in entries if "stage" in e} >= {"collect", "select", "write", "publish"}
    assert all({"time", "level", "message"} <= set(e) for e in entries)
    assert "boom" in console and "[redacted]" in console
    for text in (log_file.read_text(), console, result.stderr + result.stdout):
        assert TOKEN not in text
    assert any("[redacted]" in e["message"] for e in entries) and any("[redacted]" in e.get("traceback", "")
                                                                       for e in entries)


# -- backup and dry run ------------------------------------------------------------------------------

def test_backup_is_consistent_while_another_process_writes(demo: Path, tmp_path: Path):
    config = fresh_copy(demo, tmp_path)
    db = tmp_path / "demo" / "state" / "publisher.db"
    stop = threading.Event()

    def writer() -> None:
        connection = sqlite3.connect(db, timeout=30)
        index = 0
        while not stop.is_set():
            with connection:
                connection.execute("INSERT INTO cache (key, value, fetched_at) VALUES (?, '\"x\"', 'now')",
                                   (f"load-{index}",))
            index += 1
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        result = run_cli("--config", str(config), "backup", str(tmp_path / "copy.db"))
    finally:
        stop.set()
        thread.join()
    assert result.returncode == 0, result.stderr
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT COUNT(*) FROM posts").fetchone()[0] > 0
    again = run_cli("--config", str(config), "backup", str(tmp_path / "copy.db"))
    assert again.returncode == 2 and "already exists" in again.stderr


def test_dry_run_changes_nothing_and_says_what_would_happen(demo: Path, tmp_path: Path):
    config = fresh_copy(demo, tmp_path)
    folder = tmp_path / "demo"
    (folder / "notes" / "2026-12-01-new.md").write_text(
        "---\nproject: tg-digest-bot\ndate: 2026-11-27\n---\n# Faster digest\n\n"
        "The digest builder went from 4.2 s to 0.9 s after batching the queries.\n", encoding="utf-8")
    before_db = (folder / "state" / "publisher.db").read_bytes()
    site_before = {p: p.read_bytes() for p in (folder / "site").rglob("*") if p.is_file()}
    result = run_cli("--config", str(config), "run", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "dry run" in result.stdout and "new activity" in result.stdout
    assert (folder / "state" / "publisher.db").read_bytes() == before_db
    assert {p: p.read_bytes() for p in (folder / "site").rglob("*") if p.is_file()} == site_before


# -- review --edit -------------------------------------------------------------------------------------

EDITOR_SCRIPT = """import sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
lines = text.split("\\n")
lines[0] = "# " + {title!r}
text = "\\n".join(lines) + {extra!r}
open(path, "w", encoding="utf-8").write(text)
"""


def _editor(tmp_path: Path, name: str, title: str, extra: str) -> str:
    script = tmp_path / f"{name}.py"
    script.write_text(EDITOR_SCRIPT.format(title=title, extra=extra), encoding="utf-8")
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"


def test_review_edit_rechecks_the_post_on_save(tmp_path: Path):
    folder = tmp_path / "waiting"
    make_workspace(folder)
    config = folder / "publisher.toml"
    config.write_text(config.read_text().replace("auto_approve = true", "auto_approve = false"))
    assert "auto_approve = false" in config.read_text()
    assert run_cli("--config", str(config), "run").returncode == 0
    with Store(folder / "state" / "publisher.db") as store:
        post = next(p for p in store.posts(status="checked") if p.lang == "en")
    listed = run_cli("--config", str(config), "review")
    assert f"{post.id:>4}  en  waiting" in listed.stdout

    bad = _editor(tmp_path, "bad", post.title, "\nAfter the change the build got 97% faster.\n")
    result = run_cli("--config", str(config), "review", "--edit", str(post.id), env={"EDITOR": bad, "VISUAL": bad})
    assert result.returncode == 0, result.stderr
    assert "the checks reject it" in result.stdout and "97" in result.stdout
    with Store(folder / "state" / "publisher.db") as store:
        kept = store.posts_by_id([post.id])[0]
        assert kept.status == "rejected" and "97% faster" in kept.body_md  # the edit is kept, not lost
    listed = run_cli("--config", str(config), "review")
    assert f"{post.id:>4}  en  rejected" in listed.stdout and "97" in listed.stdout

    fixed_title = post.title.rstrip(".") + " again"
    good = _editor(tmp_path, "good", fixed_title, "")
    strip = (f"{shlex.quote(sys.executable)} -c \"import sys; p=sys.argv[1]; t=open(p).read(); "
             f"open(p,'w').write(t.replace('After the change the build got 97% faster.', ''))\" ")
    run_cli("--config", str(config), "review", "--edit", str(post.id), env={"EDITOR": strip, "VISUAL": strip})
    result = run_cli("--config", str(config), "review", "--edit", str(post.id), env={"EDITOR": good, "VISUAL": good})
    assert "saved and checked: checked" in result.stdout, result.stdout + result.stderr
    with Store(folder / "state" / "publisher.db") as store:
        edited = store.posts_by_id([post.id])[0]
        assert edited.title == fixed_title and edited.status == "checked" and "97%" not in edited.body_md

    approved = run_cli("--config", str(config), "review", "--approve", str(post.id))
    assert approved.returncode == 0
    published = run_cli("--config", str(config), "review", "--edit", str(post.id), env={"EDITOR": good})
    run_cli("--config", str(config), "publish")
    refused = run_cli("--config", str(config), "review", "--edit", str(post.id), env={"EDITOR": good})
    assert refused.returncode == 2 and "already published" in refused.stderr
    assert published.returncode == 0
