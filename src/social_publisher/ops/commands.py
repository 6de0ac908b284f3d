"""The command-line verbs for running unattended: `doctor`, `schedule install|status|remove`,
`daemon` and `backup`, and the end-of-run summary table `run` prints. `cli.py` adds them to the
main group; each is a thin layer over the modules beside this one."""

from __future__ import annotations

import signal
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import click

from social_publisher import clock
from social_publisher.errors import PublisherError, UsageError
from social_publisher.ops import doctor as doctor_checks
from social_publisher.ops import schedule as scheduling
from social_publisher.report import print_json as _print_json

DEFAULT_AT = "07:30"


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print every check as JSON.")
@click.pass_obj
def doctor(state, as_json: bool) -> None:
    """Check this setup: config, sources, store, writer backend, channel credentials, site folder.

    One line per check, with the fix for each that fails; exit code 0 when all pass, 1 otherwise.
    """
    checks = doctor_checks.run_checks(state.config_path)
    failed = [check for check in checks if not check.ok]
    if as_json:
        _print_json({"ok": not failed, "checks": [check.as_dict() for check in checks]})
    else:
        for check in checks:
            click.echo(check.line())
        click.echo(f"{len(checks) - len(failed)} of {len(checks)} checks passed")
    if failed:
        raise SystemExit(1)


@click.group()
def schedule() -> None:
    """Run `social-publisher run` every day: a systemd user timer (or a crontab line)."""


@schedule.command("install")
@click.option("--at", "at", default=DEFAULT_AT, show_default=True, metavar="HH:MM", help="Local time of the daily run.")
@click.option("--cron", is_flag=True, help="Print a crontab line instead of writing systemd units.")
@click.option("--enable/--no-enable", default=True, show_default=True,
              help="Enable the timer at once (systemctl --user) after writing the units.")
@click.pass_obj
def schedule_install(state, at: str, cron: bool, enable: bool) -> None:
    """Write ~/.config/systemd/user/social-publisher.{service,timer} and enable the timer."""
    config = state.config(check_sources=False)
    path = config.config_path
    if cron:
        click.echo(scheduling.crontab_line(path, at))
        click.echo(f"# add it with `crontab -e`; tokens go in {scheduling.env_file()} (KEY=value lines)", err=True)
        return
    files, next_step = scheduling.install(path, at, enable=enable)
    for file in files:
        click.echo(f"wrote {file}")
    click.echo(next_step)
    click.echo(f"tokens (TELEGRAM_BOT_TOKEN=..., one per line) go in {scheduling.env_file()}; chmod 600 it")


@schedule.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def schedule_status(state, as_json: bool) -> None:
    """Whether the daily timer is installed, when it runs next, and how the last runs ended."""
    from social_publisher.pipeline import open_store

    config = state.config(check_sources=False)
    timer = scheduling.installed_timer()
    with open_store(config) as store:
        runs = store.last_runs(5)
    data = {"timer": str(timer) if timer else None, "next_run": scheduling.next_run() if timer else None,
            "runs": runs}
    if as_json:
        _print_json(data)
        return
    if timer:
        click.echo(f"timer: {timer}" + (f" (next run {data['next_run']})" if data["next_run"] else ""))
    else:
        click.echo("timer: not installed (run `social-publisher schedule install`)")
    if not runs:
        click.echo("no run recorded yet")
    for run in runs:
        click.echo(f"  {describe_run(run)}")


def describe_run(run: dict[str, Any]) -> str:
    status = run["status"]
    if status == "running":
        status = "still running, or killed (the next run resumes it)"
    text = f"{run['started_at']}  {run['command']}: {status}"
    summary = run.get("summary") or {}
    if summary.get("error"):
        text += f" — {summary['error']}"
    elif summary:
        text += " — " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in summary.items()
                                   if isinstance(v, (int, float)))
    return text


@schedule.command("remove")
def schedule_remove() -> None:
    """Disable the daily timer and delete its units."""
    removed = scheduling.remove()
    if not removed:
        click.echo("no schedule was installed")
    for path in removed:
        click.echo(f"removed {path}")


@click.command()
@click.option("--at", "at", default=DEFAULT_AT, show_default=True, metavar="HH:MM",
              help="Local time of the daily run.")
@click.option("--now", "run_now", is_flag=True, help="Run once at start too, then daily.")
@click.option("--max-runs", type=int, default=0, hidden=True, help="Stop after this many runs (tests).")
@click.pass_obj
def daemon(state, at: str, run_now: bool, max_runs: int) -> None:
    """Run in the foreground and `run` every day at --at (for a container). Stops on SIGTERM or Ctrl+C."""
    from social_publisher.cli import run_recorded
    from social_publisher.pipeline import open_store

    hour, minute = scheduling.parse_at(at)
    # What cannot heal by itself fails now, with the exit code a supervisor acts on, instead of
    # being found at the first round hours later and then again every day: a config that does not
    # load, a store that cannot be opened (a store error in a later round is logged and retried).
    with open_store(state.config()):
        pass
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    runs = 0
    due = run_now
    while not stop.is_set():
        if due:
            try:
                run_recorded(state, command="daemon")
            except PublisherError as exc:  # logged and recorded; the next day is tried again
                click.echo(f"error: {exc}", err=True)
            runs += 1
            if max_runs and runs >= max_runs:
                break
        wait = seconds_until(clock.now().astimezone(), hour, minute)
        click.echo(f"next run in {wait / 3600:.1f} h", err=True)
        due = _wait_polling_review(state, stop, wait)
    click.echo("daemon stopped", err=True)


REVIEW_POLL_S = 300.0


def _wait_polling_review(state, stop: threading.Event, wait: float) -> bool:
    """Sleep `wait` seconds (True unless stopped), reading Telegram review answers every few minutes
    so an approved post goes out without waiting for the next day."""
    from social_publisher.ops.telegram_review import configured

    poll = REVIEW_POLL_S if configured(state.config(check_sources=False)) else wait
    while wait > 0:
        step = min(wait, poll)
        if stop.wait(step):
            return False
        wait -= step
        if wait > 0:
            poll_review(state)
    return True


def poll_review(state) -> None:
    """Apply the owner's Telegram answers; publish at once what they approved."""
    from social_publisher.ops.telegram_review import review
    from social_publisher.pipeline import RunInProgress, exclusive_run, open_store
    from social_publisher.publish import publish

    config = state.config(check_sources=False)
    try:
        with exclusive_run(config), open_store(config) as store:
            report = review(store, config)
            if report is not None and report.approved:
                publish(store, config)
    except RunInProgress:
        return  # a run is going: it reads the answers itself
    except PublisherError as exc:
        click.echo(f"error: {exc}", err=True)


def seconds_until(now: datetime, hour: int, minute: int) -> float:
    """Seconds from `now` (aware, local) to the next HH:MM."""
    target = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if target <= now:
        target += timedelta(days=1)
    return max(1.0, (target - now).total_seconds())


@click.command()
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def backup(state, target: Path) -> None:
    """Copy the store to TARGET consistently (SQLite's backup API), even while a run is going."""
    from social_publisher.pipeline import open_store

    config = state.config(check_sources=False)
    if target.exists():
        raise UsageError(f"{target}: already exists; choose a new file name")
    if not config.store.path.exists():
        raise UsageError(f"{config.store.path}: no store yet (run `social-publisher run` first)")
    started = time.perf_counter()
    with open_store(config) as store:
        store.backup_to(target)
    click.echo(f"backed up {config.store.path} to {target} ({target.stat().st_size / 2**20:.1f} MB, "
               f"{time.perf_counter() - started:.1f} s)")


def summary_table(reports: list, before: dict[str, int], after: dict[str, int], llm: tuple[int, int, str]) -> str:
    """The table `run` ends with: what each stage did, published per channel, LLM calls, redactions."""
    by_stage = {report.stage: report for report in reports}
    rows: list[tuple[str, str]] = []

    def field(stage: str, name: str) -> Any:
        report = by_stage.get(stage)
        return getattr(report, name, None) if report is not None else None

    if "collect" in by_stage:
        rows.append(("new activity", str(field("collect", "new_activity"))))
    if "select" in by_stage:
        rows.append(("stories selected", str(field("select", "stories_selected"))))
    if "enrich" in by_stage:
        rows.append(("redactions", str(field("enrich", "redactions"))))
    if "write" in by_stage:
        rows.append(("posts written", str(field("write", "posts"))))
        rejected = field("write", "rejected") or 0
        reasons = [w for w in by_stage["write"].warnings if "rejected" in w][:3]
        rows.append(("rejected", str(rejected) + (f" ({'; '.join(reasons)})" if reasons else "")))
    channels = sorted(set(before) | set(after))
    if "publish" in by_stage:
        published = ", ".join(f"{name} {after.get(name, 0) - before.get(name, 0)}" for name in channels) or "none"
        rows.append(("published", published))
        failed = field("publish", "failed") or 0
        if failed:
            rows.append(("failed (retried next run)", str(failed)))
    used, budget, backend = llm
    rows.append(("LLM calls today", "offline writer, none" if backend == "offline" else f"{used} of {budget}"))
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"  {name:<{width}}  {value}" for name, value in rows)
