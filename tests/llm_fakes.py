"""Fake LLM backends for tests and bench/write.py: a fake `claude` executable and a loopback HTTP
server speaking the OpenAI `/v1/chat/completions` and Anthropic `/v1/messages` protocols.

Both compose a real bilingual answer from the brief they received (the JSON block of the
prompt), the way a model would: `compose(prompt)` rebuilds the facts it was sent and tells them
with the offline writer, in every language the prompt asks for, as the response contract says.
So what they write depends only on what they were sent, and the tests can read what they were
sent (`record`). A *script* of per-call behaviours makes them fail on purpose:

  good | fenced | garbage | echo-schema:<lang> | title-heading:<lang> | invented-link:<lang> | error | exit1 | sleep:<s> | 429 | 500
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

from social_publisher.config import Config
from social_publisher.records import SESSION_TOOLS, Brief
from social_publisher.write import text as measure
from social_publisher.write.offline import OfflineWriter

ENVELOPE = Path(__file__).with_name("data") / "claude_envelope.json"
BRIEF_BLOCK = re.compile(r"The brief:\n```json\n(?P<json>.*)\n```\s*\Z", re.DOTALL)
ASKED_LENGTH = re.compile(r"Each body is (\d+) to \d+ words")
ASKED = re.compile(r'"(en|ru)": \{"title": "\.\.\.", "body_md": "\.\.\."\}')
TOOLS = {name: source for source, name in SESSION_TOOLS.items()}
CONTINUES = {"en": "This picks up where [the previous post]({link}) left off.",
             "ru": "Это продолжение [прошлого поста]({link})."}


# -- composing an answer from the prompt --------------------------------------------------------

def asked_languages(prompt: str) -> list[str]:
    return ASKED.findall(prompt.split("Answer with one JSON object", 1)[-1])


def facts_from_prompt(prompt: str) -> dict[str, Any]:
    match = BRIEF_BLOCK.search(prompt)
    assert match, "the prompt has no brief block"
    payload = json.loads(match.group("json"))
    facts = {k: payload.get(k, []) for k in ("actions", "numbers", "before_after", "lessons", "next", "note_points",
                                              "commit_notes", "note_titles", "files", "languages")}
    facts.update(project=payload.get("project", ""), category="", tags=[], goal=payload.get("goal"),
                 headline=payload.get("headline"), problem=payload.get("problem"),
                 stats=payload.get("stats", {}), sources=[TOOLS[t] for t in payload.get("worked_with", [])],
                 commands=[{"command": c.removesuffix(" (failed)"), "failed": c.endswith(" (failed)")}
                           for c in payload.get("commands", [])],
                 earlier_posts=payload.get("earlier_posts", []), worth_knowing=payload.get("worth_knowing"))
    return facts


def compose(prompt: str, behaviour: str = "good") -> str:
    """The model's text for this prompt: one JSON object with every asked language."""
    if behaviour == "garbage":
        return "Sure! Here is a lovely post about your week. Let me know if you want changes."
    facts = facts_from_prompt(prompt)
    langs = asked_languages(prompt)
    wiki = {lang: {"title": page["topic"], "extract": page["fact"], "description": "", "url": page.get("url", "")}
            for lang, page in (facts.pop("worth_knowing") or {}).items()}
    drafts = _drafts_of_asked_length(prompt, Brief(story_id=0, facts=facts, wiki=wiki or None), langs)
    answer = {}
    for lang, draft in drafts.items():
        paragraphs = draft.body_md.split("\n\n")
        if paragraphs and "😄" in paragraphs[-1]:
            paragraphs.pop()  # the program adds the joke, the prompt says
        if facts["earlier_posts"]:
            link = facts["earlier_posts"][0]["links"].get(lang)
            if link:
                paragraphs.insert(1, CONTINUES[lang].format(link=link))
        body = "\n\n".join(paragraphs)
        kind, _, target = behaviour.partition(":")
        if target == lang and kind == "echo-schema":
            body += '\n\nFormat: {"title": "...", "body_md": "..."}'
        if target == lang and kind == "title-heading":
            body = f"## {draft.title}\n\n{body}"
        if target == lang and kind == "invented-link":
            body += "\n\nMore in [the benchmark write-up](https://blog.example.net/fetcher-benchmarks)."
        answer[lang] = {"title": draft.title, "body_md": body}
    text = json.dumps(answer, ensure_ascii=False, indent=1)
    return f"```json\n{text}\n```" if behaviour == "fenced" else text


def _drafts_of_asked_length(prompt: str, brief: Brief, langs: list[str]) -> dict:
    """The offline writer's drafts, as a model that tries to write the length it was asked: the first
    of its phrasings whose body reaches the asked minimum, else the longest. (It sees less than the
    stored brief, so its first phrasing may fall short.) The body judged is the English one when
    English is asked: the offline writer tells English sources only partly in Russian."""
    asked = int(ASKED_LENGTH.search(prompt).group(1))
    judged = "en" if "en" in langs else langs[0]
    writer, best = OfflineWriter(Config()), None
    for attempt in range(3):
        drafts = writer.draft_story(brief, langs, attempt=attempt)
        told = measure.words(drafts[judged].body_md)
        if told >= asked:
            return drafts
        if best is None or told > best[0]:
            best = (told, drafts)
    return best[1]


# -- the script of behaviours and the record of what was received, shared by processes --------

class Workbench:
    """A folder holding the fakes' script (behaviours still to play) and record (one JSON line per call)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.script_path = self.folder / "script.json"
        self.record_path = self.folder / "record.jsonl"
        self.lock_path = self.folder / "lock"

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with open(self.lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def script(self, *behaviours: str) -> None:
        with self._locked():
            self.script_path.write_text(json.dumps(list(behaviours)))

    def next_behaviour(self, entry: dict[str, Any]) -> str:
        """Take the next scripted behaviour ("good" once the script is played) and record the call."""
        with self._locked():
            queue = json.loads(self.script_path.read_text()) if self.script_path.exists() else []
            behaviour = queue.pop(0) if queue else "good"
            self.script_path.write_text(json.dumps(queue))
            with open(self.record_path, "a", encoding="utf-8") as out:
                out.write(json.dumps({**entry, "behaviour": behaviour}, ensure_ascii=False) + "\n")
        return behaviour

    def record(self) -> list[dict[str, Any]]:
        if not self.record_path.exists():
            return []
        return [json.loads(line) for line in self.record_path.read_text(encoding="utf-8").splitlines() if line]


# -- the fake `claude` executable -------------------------------------------------------------

CLAUDE_SCRIPT = """#!{python}
import sys
sys.path.insert(0, {tests!r})
import llm_fakes
sys.exit(llm_fakes.claude_main(sys.argv[1:]))
"""


def install_claude(bin_dir: Path, bench: Workbench) -> Path:
    """Write the fake `claude` into bin_dir (put it first on PATH; FAKE_LLM_DIR must name `bench`'s folder)."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    path = bin_dir / "claude"
    path.write_text(CLAUDE_SCRIPT.format(python=sys.executable, tests=str(Path(__file__).parent)))
    path.chmod(0o755)
    return path


def claude_main(argv: list[str]) -> int:
    prompt = sys.stdin.read()
    bench = Workbench(Path(os.environ["FAKE_LLM_DIR"]))
    behaviour = bench.next_behaviour({"argv": argv, "stdin": prompt})
    if behaviour == "exit1":
        print("Error: not logged in; run `claude login`", file=sys.stderr)
        return 1
    if behaviour.startswith("sleep:"):
        time.sleep(float(behaviour.split(":", 1)[1]))
        behaviour = "good"
    if "--output-format" not in argv or argv[argv.index("--output-format") + 1] != "json" or "-p" not in argv:
        print("fake claude: expected -p --output-format json", file=sys.stderr)
        return 2
    envelope = json.loads(ENVELOPE.read_text())
    if behaviour == "error":
        envelope.update(subtype="error_during_execution", is_error=True, result="API Error: 529 overloaded")
    elif behaviour == "garbage-envelope":
        print("<html>502 Bad Gateway</html>")
        return 0
    else:
        envelope["result"] = compose(prompt, behaviour)
    envelope["session_id"] = str(uuid.uuid4())
    envelope["usage"]["input_tokens"] = len(prompt) // 4
    envelope["usage"]["output_tokens"] = len(envelope["result"]) // 4
    print(json.dumps(envelope, ensure_ascii=False))
    return 0


# -- the loopback HTTP server -------------------------------------------------------------------

class FakeLLMServer:
    """`/v1/chat/completions` (OpenAI) and `/v1/messages` (Anthropic) on 127.0.0.1, in a thread."""

    def __init__(self, bench: Workbench):
        self.bench = bench
        handler = type("Handler", (_Handler,), {"bench": bench})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> "FakeLLMServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    bench: Workbench

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        body = json.loads(raw or b"{}")
        anthropic = self.path.rstrip("/").endswith("/v1/messages")
        if not anthropic and not self.path.rstrip("/").endswith("/chat/completions"):
            return self._send(404, {"error": {"message": f"no route {self.path}"}})
        prompt = "".join(m["content"] if isinstance(m["content"], str) else
                         "".join(part.get("text", "") for part in m["content"]) for m in body.get("messages", []))
        behaviour = self.bench.next_behaviour({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
        if behaviour.startswith("sleep:"):
            time.sleep(float(behaviour.split(":", 1)[1]))
            behaviour = "good"
        if behaviour in ("429", "500"):
            status = int(behaviour)
            kind = "rate_limit_error" if status == 429 else "api_error"
            error = {"type": "error", "error": {"type": kind, "message": f"fake {status}"}} if anthropic else \
                {"error": {"message": f"fake {status}", "type": kind, "code": None}}
            return self._send(status, error, {"retry-after": "0"})
        text = compose(prompt, behaviour)
        usage_in, usage_out = len(prompt) // 4, len(text) // 4
        if anthropic:
            reply = {"id": f"msg_{uuid.uuid4().hex[:24]}", "type": "message", "role": "assistant",
                     "model": body.get("model"), "content": [{"type": "text", "text": text}],
                     "stop_reason": "end_turn", "stop_sequence": None,
                     "usage": {"input_tokens": usage_in, "output_tokens": usage_out}}
        else:
            reply = {"id": f"chatcmpl-{uuid.uuid4().hex[:12]}", "object": "chat.completion",
                     "created": int(time.time()), "model": body.get("model"),
                     "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                  "finish_reason": "stop"}],
                     "usage": {"prompt_tokens": usage_in, "completion_tokens": usage_out,
                               "total_tokens": usage_in + usage_out}}
        self._send(200, reply)

    def _send(self, status: int, payload: dict, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode()
        try:
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
            pass
