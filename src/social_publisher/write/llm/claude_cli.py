"""The `claude-cli` backend: `claude -p --output-format json`, the prompt on standard input.

It reads the CLI's result envelope, one JSON object: `type`, `subtype`, `is_error`, `result`
(the model's text), `session_id`, `duration_ms`, `total_cost_usd`, `usage`. A timeout may be
tried again; a non-zero exit, `is_error: true` or an unreadable envelope fails the call.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess

import orjson

from social_publisher.config import Config
from social_publisher.errors import BackendUnavailable
from social_publisher.write.base import WriteFailed, register
from social_publisher.write.llm import LLMWriter, Reply
from social_publisher.write.llm.retry import Retryable

MAX_SHOWN = 200  # characters of stderr / result text quoted in a failure reason


@register
class ClaudeCLIWriter(LLMWriter):
    name = "claude-cli"

    def __init__(self, config: Config, store=None):
        super().__init__(config, store)
        command = shlex.split(config.writer.command) or ["claude"]
        executable = shutil.which(command[0])
        if executable is None:
            raise BackendUnavailable(
                f"writer backend claude-cli: {command[0]!r} is not on PATH; install Claude Code "
                "(npm install -g @anthropic-ai/claude-code) or set [writer] command")
        self.argv = [executable, *command[1:], "-p", "--output-format", "json"]
        if config.writer.model:
            self.argv += ["--model", config.writer.model]

    def send(self, prompt: str) -> Reply:
        timeout = self.config.writer.timeout_s
        try:
            done = subprocess.run(self.argv, input=prompt, capture_output=True, text=True, encoding="utf-8",
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            raise Retryable(f"claude did not answer within {timeout:g} s ([writer] timeout_s)") from None
        except OSError as exc:
            raise WriteFailed(f"cannot run {self.argv[0]}: {exc}") from None
        if done.returncode != 0:
            said = (done.stderr or done.stdout).strip().splitlines()
            raise WriteFailed(f"claude exited with code {done.returncode}: {(said[-1] if said else '')[:MAX_SHOWN]}")
        try:
            envelope = orjson.loads(done.stdout)
        except orjson.JSONDecodeError:
            raise WriteFailed(f"claude printed no JSON envelope: {done.stdout.strip()[:60]!r}") from None
        if not isinstance(envelope, dict) or not isinstance(envelope.get("result"), str):
            raise WriteFailed("claude's envelope has no result text")
        if envelope.get("is_error") or envelope.get("subtype", "success") != "success":
            raise WriteFailed(f"claude reported an error ({envelope.get('subtype')}): "
                              f"{envelope['result'].strip()[:MAX_SHOWN]}")
        usage = envelope.get("usage") if isinstance(envelope.get("usage"), dict) else {}
        return Reply(text=envelope["result"],
                     input_tokens=int(usage.get("input_tokens") or 0) + int(usage.get("cache_read_input_tokens") or 0),
                     output_tokens=int(usage.get("output_tokens") or 0))
