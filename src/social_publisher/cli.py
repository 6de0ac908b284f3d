"""The `social-publisher` command line: a thin layer over the stages and the store.

Every PublisherError becomes one line on stderr with its exit code (2 for bad
usage or input, 1 for failures); tracebacks only with --debug.
"""

from __future__ import annotations

import logging
import shutil
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import click

from social_publisher import clock
from social_publisher.config import DEFAULT_CONFIG, Config, load_config
from social_publisher.errors import PublisherError, UsageError
from social_publisher.pipeline import STAGE_ORDER, exclusive_run, open_store, run_stages
from social_publisher.report import StageReport
from social_publisher.report import print_json as _print_json


class State:
    def __init__(self, config_path: str, debug: bool, verbosity: int = 0):
        self.config_path = config_path
        self.debug = debug
        self.verbosity = verbosity

    def config(self, *, check_sources: bool = True) -> Config:
        """The loaded config; from here on, log records go to the state folder's log file too."""
        from social_publisher.ops import logs

        config = load_config(self.config_path, check_sources=check_sources)
        logs.setup(config.store.path, verbosity=self.verbosity, secret_envs=logs.secret_envs_of(config))
        return config


def _program() -> str:
    """How the user started us, for commands we suggest: `.venv/bin/social-publisher` works
    even when the virtual environment is not activated."""
    invoked = sys.argv[0] if sys.argv else ""
    if Path(invoked).name == "social-publisher" and shutil.which("social-publisher") != invoked:
        return invoked
    return "social-publisher"


def _echo_report(report: StageReport) -> None:
    click.echo(report.summary())
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    _log_report(report)


def _log_report(report: StageReport) -> None:
    """The stage's summary and warnings in the log file (the console has them already)."""
    log = logging.getLogger("social_publisher.run")
    log.info(report.summary(), extra={"stage": report.stage, "console": False})
    for warning in report.warnings:
        log.warning(warning, extra={"stage": report.stage, "console": False})


def _run(state: State, stages: tuple[str, ...], as_json: bool) -> None:
    config = state.config()
    with exclusive_run(config), open_store(config) as store:
        reports = run_stages(store, config, stages, on_report=None if as_json else _echo_report)
    if as_json:
        data = [r.as_dict() for r in reports]
        _print_json(data[0] if len(data) == 1 else data)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", default=DEFAULT_CONFIG, show_default=True, metavar="PATH",
              help="The publisher.toml to use; relative paths in it are relative to the file.")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.option("-v", "--verbose", "verbosity", count=True,
              help="Say more on the console (-v: info, -vv: debug); the log file keeps info either way.")
@click.version_option(package_name="social-publisher")
@click.pass_context
def cli(ctx: click.Context, config_path: str, debug: bool, verbosity: int) -> None:
    """Turn your git history, Claude Code sessions and notes into bilingual blog posts.

    Stages, in order: collect -> select -> enrich -> write -> publish.
    Try `social-publisher demo --dir /tmp/demo` for a complete offline example.
    """
    ctx.obj = State(config_path, debug, verbosity)


def _stage_command(name: str, help_text: str) -> None:
    @cli.command(name=name, help=help_text)
    @click.option("--json", "as_json", is_flag=True, help="Print the stage report as JSON.")
    @click.pass_obj
    def command(state: State, as_json: bool) -> None:
        _run(state, (name,), as_json)


_stage_command("collect", "Read the configured sources and store new activity (incremental).")
@cli.command(name="write")
@click.option("--json", "as_json", is_flag=True, help="Print the stage report (or the dry-run plan) as JSON.")
@click.option("--dry-run", is_flag=True, help="Write nothing: show today's LLM calls used, the calls the waiting "
                                              "stories need and which would wait for tomorrow.")
@click.pass_obj
def write_command(state: State, as_json: bool, dry_run: bool) -> None:
    """Write an English and a Russian post for each briefed story, and check them."""
    if not dry_run:
        _run(state, ("write",), as_json)
        return
    from social_publisher.write import plan

    config = state.config(check_sources=False)
    with open_store(config) as store:
        budget_plan = plan(store, config)
    if as_json:
        _print_json(budget_plan.as_dict())
        return
    for line in budget_plan.lines():
        click.echo(line)


@cli.command(name="publish")
@click.option("--json", "as_json", is_flag=True, help="Print the stage report as JSON.")
@click.option("--resolve", nargs=2, metavar="POST_ID|digest:DAY:LANG sent|resend",
              help="Settle a publication (a post's, or a day's digest) a crash left uncertain: `sent` (it is on "
                   "the channel: go on after it) or `resend` (it is not: send it again); then publish as usual.")
@click.option("--channel", metavar="NAME", help="With --resolve: the channel, when it waits on several.")
@click.pass_obj
def publish_command(state: State, as_json: bool, resolve: tuple[str, str] | None, channel: str | None) -> None:
    """Publish approved posts: build the static site and post to enabled channels."""
    if resolve:
        from social_publisher.publish import CHANNELS, active_channels, once

        ref, action = resolve
        config = state.config()
        active_channels(config)  # registers the built-in channels
        with exclusive_run(config), open_store(config) as store:
            click.echo(once.resolve(store, CHANNELS, ref, action, channel), err=as_json)
    _run(state, ("publish",), as_json)


@cli.command(name="enrich")
@click.option("--json", "as_json", is_flag=True, help="Print the stage report as JSON.")
@click.option("--show-redactions", is_flag=True,
              help="Then list what was removed from each story's sources, masked (kind, where, first and last "
                   "two characters).")
@click.pass_obj
def enrich_command(state: State, as_json: bool, show_redactions: bool) -> None:
    """Build redacted briefs (the facts a writer may use) for selected stories."""
    if not show_redactions:
        _run(state, ("enrich",), as_json)
        return
    config = state.config()
    with exclusive_run(config), open_store(config) as store:
        (report,) = run_stages(store, config, ("enrich",), on_report=None if as_json else _echo_report)
        logged = store.redactions()
        projects = {story.id: story.project for story in store.stories(ids={row["story_id"] for row in logged})}
    if as_json:
        _print_json({**report.as_dict(), "redactions": logged})
        return
    if not logged:
        click.echo("nothing was redacted from any story")
    for story_id in sorted({row["story_id"] for row in logged}):
        rows = [row for row in logged if row["story_id"] == story_id]
        click.echo(f"story {story_id} ({projects.get(story_id, '?')}): {len(rows)} removed")
        for row in rows:
            source = f"activity {row['activity_id']}, " if row["activity_id"] is not None else ""
            click.echo(f"  {row['kind']:<20} {source}{row['place']:<24} {row['preview']}")


@cli.command(name="select")
@click.option("--json", "as_json", is_flag=True, help="Print candidates and decisions as JSON.")
@click.option("--explain", is_flag=True, help="Show each candidate's score, features and why it was kept or dropped.")
@click.pass_obj
def select_command(state: State, as_json: bool, explain: bool) -> None:
    """Group new activity into stories, score them and keep the best."""
    from social_publisher.select import select

    config = state.config()
    with exclusive_run(config), open_store(config) as store:
        report = select(store, config)
    if as_json:
        _print_json(report.as_dict())
        return
    _echo_report(report)
    if explain:
        click.echo(report.explain_text())


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print all stage reports as JSON.")
@click.option("--dry-run", is_flag=True,
              help="Run every stage on a copy of the store: write nothing else, send nothing, say what would happen.")
@click.pass_obj
def run(state: State, as_json: bool, dry_run: bool) -> None:
    """Run every stage in order: collect, select, enrich, write, publish; end with a summary table."""
    run_recorded(state, command="run", as_json=as_json, dry_run=dry_run)


def run_recorded(state: State, *, command: str, as_json: bool = False, dry_run: bool = False) -> list[StageReport]:
    """`run` (and each daemon round): every stage under the run lock, recorded in the store's runs
    table (how it ended, for `schedule status`), then the summary table."""
    from social_publisher.ops.commands import summary_table
    from social_publisher.ops.dry_run import dry_run_config

    config = state.config()
    with exclusive_run(config), (dry_run_config(config) if dry_run else nullcontext(config)) as config:
        with open_store(config) as store:
            run_id = store.begin_run(command + (" --dry-run" if dry_run else ""))
            before = store.published_per_channel()
            try:
                reports = run_stages(store, config, STAGE_ORDER, on_report=None if as_json else _echo_report)
            except BaseException as exc:
                store.end_run(run_id, "failed", {"error": f"{type(exc).__name__}: {exc}"[:300]})
                raise
            after = store.published_per_channel()
            day = clock.today().isoformat()
            llm = (store.llm_calls_on(day), config.writer.daily_budget, config.writer.backend)
            store.end_run(run_id, "ok", {r.stage: _headline(r) for r in reports})
    if as_json:
        _print_json([r.as_dict() for r in reports])
    else:
        if dry_run:
            click.echo("dry run: nothing was stored, written or sent; this is what a run would do now:")
        click.echo(summary_table(reports, before, after, llm))
    return reports


def _headline(report: StageReport) -> int:
    """One number per stage for the runs table."""
    for name in ("new_activity", "stories_selected", "briefs", "posts", "published"):
        value = getattr(report, name, None)
        if isinstance(value, int):
            return value
    return 0


@cli.command()
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="The day to digest (default: yesterday, in [digest] timezone).")
@click.option("--json", "as_json", is_flag=True, help="Print the day's digests and where they went as JSON.")
@click.pass_obj
def digest(state: State, day: Any, as_json: bool) -> None:
    """Make the daily digest of a closed day (one per language) and publish it to the site and channels."""
    from social_publisher.publish import digests, publish

    config = state.config(check_sources=False)
    target = digests.closed_day(config, day.date() if day else None)
    with exclusive_run(config), open_store(config) as store:
        report = publish(store, config, posts=False, digest_days=[target])
        made = store.digests(day=target.isoformat())
        channels = {digest.id: sorted(row.channel for row in store.digest_publications()
                                      if row.digest_id == digest.id and row.status == "published")
                    for digest in made}
    if as_json:
        _print_json({"day": target.isoformat(), "report": report.as_dict(),
                     "digests": [{"id": d.id, "lang": d.lang, "title": d.title, "numbers": d.numbers,
                                  "post_ids": list(d.post_ids), "body_md": d.body_md, "channels": channels[d.id]}
                                 for d in made]})
        return
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not made:
        click.echo(f"{target.isoformat()}: no posts that day, so no digest")
    for d in made:
        click.echo(f"{d.day} {d.lang}: {d.title} — {d.numbers.get('posts', 0)} post(s); "
                   f"on {', '.join(channels[d.id]) or 'no channel yet'}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.pass_obj
def status(state: State, as_json: bool) -> None:
    """Counts per stage and today's LLM budget use."""
    from social_publisher.collect.claude_code import AGE_OUT_WARNING_DAYS, aging_out_everywhere

    from social_publisher.write import plan

    config = state.config(check_sources=False)
    with open_store(config) as store:
        counts = store.counts()
        budget_plan = plan(store, config)
        aging = [str(path) for path in aging_out_everywhere(store, config, clock.now())]
    data = {"store": str(config.store.path), "counts": counts,
            "llm_budget": budget_plan.as_dict(),
            "transcripts_aging_out": aging}
    if as_json:
        _print_json(data)
        return
    if aging:
        click.echo(f"warning: {len(aging)} Claude Code transcript(s) older than {AGE_OUT_WARNING_DAYS} days were "
                   f"never collected; Claude Code deletes them after 30 days: run `social-publisher collect` "
                   f"(first: {aging[0]})", err=True)
    click.echo(f"store: {config.store.path}")
    for table, by_status in counts.items():
        detail = ", ".join(f"{k} {v}" for k, v in sorted(by_status.items())) or "none"
        click.echo(f"  {table:<20} {detail}")
    for line in budget_plan.lines():
        click.echo(line)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print every post with its sources as JSON.")
@click.option("--lang", type=click.Choice(["en", "ru"]), help="Only posts in this language.")
@click.pass_obj
def posts(state: State, as_json: bool, lang: str | None) -> None:
    """List the written posts."""
    config = state.config(check_sources=False)
    with open_store(config) as store:
        stories = {s.id: s for s in store.stories()}
        rows = []
        for post in store.posts(lang=lang):
            story = stories.get(post.story_id)
            rows.append({
                "id": post.id, "story_id": post.story_id, "lang": post.lang, "title": post.title,
                "slug": post.slug, "category": story.category if story else None,
                "tags": story.tags if story else [], "body_md": post.body_md, "status": post.status,
                "sources": story.activity_ids if story else [], "llm_calls": post.llm_calls,
                "backend": post.backend, "created_at": post.created_at,
            })
    if as_json:
        _print_json(rows)
        return
    if not rows:
        click.echo("no posts yet (run `social-publisher run`)")
    for row in rows:
        click.echo(f"{row['id']:>4}  {row['lang']}  {row['status']:<9}  {row['title']}")


@cli.command()
@click.option("--approve", "approve_ids", type=int, multiple=True, metavar="ID",
              help="Approve this post (repeatable); it is published on the next run.")
@click.option("--reject", "reject_ids", type=int, multiple=True, metavar="ID", help="Reject this post (repeatable).")
@click.option("--edit", "edit_id", type=int, metavar="ID",
              help="Open the post's Markdown in $EDITOR; the checks run again when you save.")
@click.pass_obj
def review(state: State, approve_ids: tuple[int, ...], reject_ids: tuple[int, ...], edit_id: int | None) -> None:
    """List posts waiting for approval and rejected posts with their reasons; approve, reject or edit them."""
    config = state.config(check_sources=False)
    with open_store(config) as store:
        if edit_id is not None:
            from social_publisher.ops.review import edit

            result = edit(store, config, edit_id, lambda text: click.edit(text, extension=".md"))
            if not result.changed:
                click.echo(f"post {edit_id}: not changed")
            elif result.reasons:
                click.echo(f"post {edit_id}: saved, but the checks reject it (run --edit again):")
                for reason in result.reasons:
                    click.echo(f"  - {reason}")
            else:
                click.echo(f"post {edit_id}: saved and checked: {result.status}")
            return
        waiting = {post.id: post for post in store.posts(status="checked")}
        for post_id, status in [*((i, "approved") for i in approve_ids), *((i, "rejected") for i in reject_ids)]:
            if post_id not in waiting:
                raise UsageError(f"post {post_id} is not waiting for review (see `social-publisher review`)")
            store.set_post_status(post_id, status)
            click.echo(f"{status} {post_id}: {waiting.pop(post_id).title}")
        if approve_ids or reject_ids:
            return
        rejected = [(post, store.post_check_errors(post.id)) for post in store.posts(status="rejected")]
    if not waiting:
        click.echo("nothing waits for review")
    for post in waiting.values():
        click.echo(f"{post.id:>4}  {post.lang}  waiting   {post.title}")
    for post, reasons in rejected:
        click.echo(f"{post.id:>4}  {post.lang}  rejected  {post.title}")
        for reason in reasons[:3]:
            click.echo(f"            - {reason}")
    if rejected:
        click.echo(f"fix one with `{_program()} review --edit ID`")


@cli.command()
@click.option("--git", "git_repos", multiple=True, metavar="PATH",
              type=click.Path(file_okay=False, path_type=Path), help="A git repository to read (repeatable).")
@click.option("--notes", type=click.Path(file_okay=False, path_type=Path), help="A folder of markdown notes.")
@click.option("--dir", "directory", default=".", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Where to write publisher.toml.")
def init(git_repos: tuple[Path, ...], notes: Path | None, directory: Path) -> None:
    """Write a starter publisher.toml for your own projects.

    Claude Code (~/.claude/projects) and Codex (~/.codex/sessions) transcripts are added
    when those folders exist, and a repository's Aider chat history (.aider.chat.history.md)
    when it has one. Then: social-publisher run.
    """
    from social_publisher.starter import write_starter

    repos = [repo.expanduser().resolve() for repo in git_repos] or \
        ([Path.cwd()] if (Path.cwd() / ".git").exists() and not notes else [])
    path = write_starter(directory, repos, notes.expanduser().resolve() if notes else None)
    click.echo(f"wrote {path}")
    click.echo(f"next: {_program()} --config {path} run")


@cli.command()
@click.option("--dir", "directory", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to create the sample workspace in (created if missing).")
@click.pass_obj
def demo(state: State, directory: Path) -> None:
    """Create a sample workspace (3 git projects, Claude Code transcripts, notes) and publish it offline."""
    from social_publisher.demo import make_workspace

    config_path = make_workspace(directory)
    click.echo(f"sample workspace: {directory.resolve()}")
    config = load_config(config_path)
    with exclusive_run(config), open_store(config) as store:
        reports = {r.stage: r for r in run_stages(store, config)}
        stories = len(store.stories(status=("selected", "briefed", "written")))
        posts_written = len(store.posts())
    pages = getattr(reports.get("publish"), "pages_built", 0)
    click.echo(f"activity collected: {reports['collect'].new_activity}")
    click.echo(f"stories found: {stories}")
    click.echo(f"posts written: {posts_written}")
    click.echo(f"pages built: {pages}")
    click.echo(f"open the site: {config.site.out_dir / 'index.html'}")
    click.echo(f"run again with: {_program()} --config {config_path} run")


@cli.command()
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="The port on 127.0.0.1 to listen on (0 picks a free one).")
def serve(port: int) -> None:
    """Preview the built site in a browser: an HTTP server on 127.0.0.1 (loopback only) until Ctrl+C."""
    from social_publisher.publish.serve import preview_server

    config = click.get_current_context().obj.config(check_sources=False)
    server = preview_server(config.site.out_dir, port)
    click.echo(f"serving {config.site.out_dir} at {server.url} (Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        server.server_close()


def _add_ops_commands() -> None:
    from social_publisher.ops import commands

    for command in (commands.doctor, commands.schedule, commands.daemon, commands.backup):
        cli.add_command(command)


_add_ops_commands()


def main(argv: list[str] | None = None) -> None:
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        cli.main(args=argv, prog_name="social-publisher", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except PublisherError as exc:
        if debug:
            raise
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted; run again to resume", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug, not the user's input: one line, the traceback in the log and with --debug
        if debug:
            raise
        logging.getLogger("social_publisher").error("unexpected error", exc_info=True)
        click.echo(f"error: unexpected {type(exc).__name__}: {exc} (run again with --debug for the traceback)", err=True)
        sys.exit(1)
    sys.exit(0)
