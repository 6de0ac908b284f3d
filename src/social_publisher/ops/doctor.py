"""`doctor`: one line per check of a setup, each failing one with the fix.

Checks, in order: the config file, each source path (a git source must be a repository), the
store (opens, schema version, free disk), the writer backend (the `claude` command answers
`--version`; the API key is set; an OpenAI-compatible server answers `/v1/models`), each enabled
channel's credentials (Telegram `getMe`, Mastodon `verify_credentials`, Bluesky
`createSession`) and that the site folder is writable.

Network checks speak to the configured services only, once each with a short timeout, through
the channels' HTTP plumbing (publish/http.py `Service`). No secret is ever printed: a refused
token is named by the environment variable that holds it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from social_publisher.config import Config, load_config
from social_publisher.errors import ConfigError
from social_publisher.publish.http import Answer, Service, ServiceUnreachable

TIMEOUT_S = 10
MIN_FREE_MB = 100


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""

    def line(self) -> str:
        mark = "ok  " if self.ok else "FAIL"
        text = f"{mark} {self.name}: {self.detail}"
        return text if self.ok or not self.fix else f"{text} — fix: {self.fix}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def run_checks(config_path: str | Path) -> list[Check]:
    """Every check for the config at `config_path`; a config that does not load is the only check."""
    try:
        config = load_config(config_path, check_sources=False)
    except ConfigError as exc:
        return [Check("config", False, str(exc), "edit the file (or run `social-publisher init`)")]
    checks = [Check("config", True, str(config.config_path))]
    for check in CHECKS:
        checks.extend(check(config))
    return checks


# -- sources, store, site ------------------------------------------------------------------------

def _sources(config: Config) -> Iterator[Check]:
    if not config.sources:
        yield Check("sources", False, "no [[sources]] configured", "add a [[sources]] entry (see README)")
    for index, source in enumerate(config.sources, start=1):
        name = f"source {index} ({source.type})"
        path = Path(source.path) if source.path else None
        if path is None or not path.exists():
            yield Check(name, False, f"{path}: does not exist", "fix [[sources]] path, or remove the entry")
        elif source.type == "git" and not _is_git_repository(path):
            yield Check(name, False, f"{path}: not a git repository", "point path at a repository's folder")
        else:
            yield Check(name, True, str(path))


def _is_git_repository(path: Path) -> bool:
    try:
        result = subprocess.run(["git", "-C", str(path), "rev-parse", "--git-dir"], capture_output=True,
                                timeout=TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def _store(config: Config) -> Iterator[Check]:
    from social_publisher.store import MIGRATIONS

    path = config.store.path
    known = len(MIGRATIONS)
    if path.exists():
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
                version = db.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            yield Check("store", False, f"{path}: cannot be opened ({exc})",
                        "restore it from a backup (`social-publisher backup`) or move it away")
            return
        if version > known:
            yield Check("store", False, f"{path}: schema version {version} is newer than this program ({known})",
                        "upgrade social-publisher")
            return
        detail = f"{path} (schema {version} of {known}{', will migrate' if version < known else ''})"
    else:
        detail = f"{path} (not created yet; the first run creates it)"
    folder = _existing_parent(path)
    free_mb = shutil.disk_usage(folder).free // 2**20
    if free_mb < MIN_FREE_MB:
        yield Check("store", False, f"{detail}; only {free_mb} MB free on {folder}", "free some disk space")
    else:
        yield Check("store", True, f"{detail}; {free_mb:,} MB free")


def _site(config: Config) -> Iterator[Check]:
    out = config.site.out_dir
    folder = _existing_parent(out)
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
            pass
    except OSError as exc:
        yield Check("site", False, f"{out}: not writable ({exc.strerror or exc})",
                    "set [site] out_dir to a folder you can write")
        return
    yield Check("site", True, f"{out} is writable")


def _existing_parent(path: Path) -> Path:
    for folder in (path, *path.parents):
        if folder.is_dir():
            return folder
    return Path.cwd()


# -- the writer backend --------------------------------------------------------------------------

def _writer(config: Config) -> Iterator[Check]:
    writer = config.writer
    name = f"writer ({writer.backend})"
    if writer.backend == "offline":
        yield Check(name, True, "the offline writer needs nothing")
    elif writer.backend == "claude-cli":
        yield _claude_cli(name, writer.command)
    elif writer.backend == "anthropic":
        yield from _sdk(name, "anthropic", "ANTHROPIC_API_KEY")
    elif writer.backend == "openai":
        yield from _openai(name, config)


def _claude_cli(name: str, command: str) -> Check:
    executable = shutil.which(command)
    if executable is None:
        return Check(name, False, f"`{command}` is not on PATH",
                     "install Claude Code (npm install -g @anthropic-ai/claude-code) or set [writer] command")
    try:
        result = subprocess.run([executable, "--version"], capture_output=True, text=True, timeout=TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Check(name, False, f"`{command} --version` did not answer ({type(exc).__name__})",
                     "check that the claude command runs in this shell")
    if result.returncode != 0:
        return Check(name, False, f"`{command} --version` exited {result.returncode}",
                     "run it by hand to see why; log in with `claude` once")
    return Check(name, True, f"{executable}: {result.stdout.strip() or 'answers'}")


def _sdk(name: str, module: str, key_env: str) -> Iterator[Check]:
    import importlib.util

    if importlib.util.find_spec(module) is None:
        yield Check(name, False, f"the {module} package is not installed",
                    f"pip install 'social-publisher[{module}]'")
        return
    if not os.environ.get(key_env):
        yield Check(name, False, f"${key_env} is not set", f"export {key_env}=...")
        return
    yield Check(name, True, f"{module} installed, ${key_env} set")


def _openai(name: str, config: Config) -> Iterator[Check]:
    checks = list(_sdk(name, "openai", "OPENAI_API_KEY"))
    base_url = config.writer.base_url.rstrip("/")
    if checks and not checks[0].ok and "not installed" in checks[0].detail:
        yield checks[0]
        return
    if not base_url:  # the real OpenAI service: the key is what matters
        yield from checks
        return
    key = os.environ.get("OPENAI_API_KEY", "")
    answer = _ask(name, base_url, "GET", "/models", secret=key, headers={"Authorization": f"Bearer {key}"} if key else {})
    if isinstance(answer, str):
        yield Check(name, False, f"{base_url}/models: {answer}", "start the server, or fix [writer] base_url")
    elif answer.status != 200:
        yield Check(name, False, f"{base_url}/models answered HTTP {answer.status}",
                    "check [writer] base_url and, if the server needs one, $OPENAI_API_KEY")
    else:
        models = [m.get("id") for m in (_json(answer).get("data") or []) if isinstance(m, dict)]
        wanted = config.writer.model
        if wanted and models and wanted not in models:
            yield Check(name, False, f"model {wanted!r} is not served at {base_url} (it has {', '.join(models[:5])})",
                        "set [writer] model to one the server has")
        else:
            yield Check(name, True, f"{base_url} answers ({len(models)} model(s))")


# -- channels --------------------------------------------------------------------------------------

def _channels(config: Config) -> Iterator[Check]:
    for section, check in (("telegram", _telegram), ("mastodon", _mastodon), ("bluesky", _bluesky)):
        settings = getattr(config, section, None)
        if settings is not None and getattr(settings, "enabled", False):
            yield check(settings)


def _secret(env: str) -> str | None:
    value = os.environ.get(env, "")
    return value or None


def _telegram(settings) -> Check:
    token = _secret(settings.token_env)
    if token is None:
        return Check("telegram", False, f"${settings.token_env} is not set",
                     f"export {settings.token_env}=<the token @BotFather gave you>")
    answer = _ask("Telegram", settings.api_base, "GET", f"/bot{token}/getMe", secret=token)
    if isinstance(answer, str):
        return Check("telegram", False, f"{settings.api_base} did not answer ({answer})", "check the network")
    if answer.status == 401:
        return Check("telegram", False, f"the token in ${settings.token_env} was refused",
                     "get a new token from @BotFather")
    if answer.status != 200:
        return Check("telegram", False, f"getMe answered HTTP {answer.status}", "try again later")
    bot = _json(answer).get("result") or {}
    if not settings.chat_id:
        return Check("telegram", False, f"bot @{bot.get('username', '?')} works but [telegram] chat_id is empty",
                     "set [telegram] chat_id (e.g. \"@my_channel\")")
    return Check("telegram", True, f"bot @{bot.get('username', '?')} → {settings.chat_id}")


def _mastodon(settings) -> Check:
    token = _secret(settings.token_env)
    if token is None:
        return Check("mastodon", False, f"${settings.token_env} is not set",
                     f"export {settings.token_env}=<an access token with write:statuses>")
    answer = _ask("Mastodon", settings.instance, "GET", "/api/v1/accounts/verify_credentials", secret=token,
                  headers={"Authorization": f"Bearer {token}"})
    if isinstance(answer, str):
        return Check("mastodon", False, f"{settings.instance} did not answer ({answer})", "check [mastodon] instance")
    if answer.status in (401, 403):
        return Check("mastodon", False, f"the token in ${settings.token_env} was refused",
                     "create a new access token in the instance's Development settings")
    if answer.status != 200:
        return Check("mastodon", False, f"verify_credentials answered HTTP {answer.status}", "try again later")
    return Check("mastodon", True, f"@{_json(answer).get('acct', '?')} on {settings.instance}")


def _bluesky(settings) -> Check:
    handle, password = _secret(settings.handle_env), _secret(settings.password_env)
    missing = [env for env, value in ((settings.handle_env, handle), (settings.password_env, password)) if not value]
    if missing:
        return Check("bluesky", False, " and ".join(f"${env}" for env in missing) + " not set",
                     "; ".join(f"export {env}=..." for env in missing))
    answer = _ask("Bluesky", settings.service, "POST", "/xrpc/com.atproto.server.createSession", secret=password,
                  json={"identifier": handle, "password": password})
    if isinstance(answer, str):
        return Check("bluesky", False, f"{settings.service} did not answer ({answer})", "check [bluesky] service")
    if answer.status in (400, 401):
        return Check("bluesky", False, f"the handle/app password in ${settings.handle_env}/${settings.password_env} "
                     "were refused", "create an app password in Bluesky's settings")
    if answer.status != 200:
        return Check("bluesky", False, f"createSession answered HTTP {answer.status}", "try again later")
    return Check("bluesky", True, f"{_json(answer).get('handle', handle)} on {settings.service}")


def _ask(label: str, base_url: str, method: str, path: str, *, secret: str = "", **kwargs: Any) -> Answer | str:
    """The service's answer, asked once with a short timeout through the channels' HTTP plumbing
    (publish/http.py), or a short reason it gave none (never the URL: it may hold a token)."""
    service = Service(label, base_url, secrets=(secret,) if secret else (), timeout=TIMEOUT_S, attempts=1)
    try:
        return service.request(method, path, idempotent=True, **kwargs)
    except ServiceUnreachable as exc:
        return exc.reason or str(exc)
    finally:
        service.close()


def _json(answer: Answer) -> dict[str, Any]:
    return answer.data if isinstance(answer.data, dict) else {}


CHECKS: tuple[Callable[[Config], Iterator[Check]], ...] = (_sources, _store, _writer, _channels, _site)
