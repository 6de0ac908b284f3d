"""A loopback HTTP server that records every request and can be scripted, slowed or hung.

Subclasses name a request's route (`route`) and answer it (`handle`). On top of that, a test can:
- `script(route, *replies)`: answer the next requests on that route with these replies first,
  without acting on them (a 429, a 500, a 400...), or after acting on them with
  `Reply(..., act=True)` (the service did it, then its answer was lost in a 502);
- `delay = seconds`: wait before answering every request (a slow service);
- `hang(route, nth, act=True)`: act on the nth request on that route (the message is delivered;
  with `act=False` it is not), then never answer it until the server closes: the client cannot
  know whether it went through.

    with TelegramServer(token) as server:   # server.url is http://127.0.0.1:<port>
        ...
        server.requests                     # every Request, in order
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str  # without the query
    query: dict[str, str]
    headers: dict[str, str]  # names lowercased
    body: bytes
    route: str = ""
    json: Any = None
    form: dict[str, str] = field(default_factory=dict)  # urlencoded or multipart text fields
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # multipart files: name -> (filename, bytes)

    @property
    def fields(self) -> dict[str, Any]:
        """The request's parameters however they came (JSON body, form, multipart)."""
        return self.json if isinstance(self.json, dict) else self.form


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # JSON-serialisable, or bytes as they are
    headers: dict[str, str] = field(default_factory=dict)
    act: bool = False  # scripted: handle the request as usual, then answer this instead


def _parse(request: Request) -> None:
    kind = request.headers.get("content-type", "")
    if kind.startswith("application/json") and request.body:
        request.json = json.loads(request.body)
    elif kind.startswith("application/x-www-form-urlencoded"):
        request.form = {key: values[-1] for key, values in parse_qs(request.body.decode()).items()}
    elif kind.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + kind.encode() + b"\r\n\r\n" + request.body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            if part.get_filename():
                request.files[name] = (part.get_filename(), payload)
            else:
                request.form[name] = payload.decode("utf-8")


class FakeServer:
    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.delay = 0.0
        self._scripts: dict[str, deque[Reply]] = defaultdict(deque)
        self._hangs: dict[str, tuple[int, bool]] = {}
        self._seen: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None

    # -- for subclasses ----------------------------------------------------------------

    def route(self, request: Request) -> str:
        return request.path

    def handle(self, request: Request) -> Reply:
        return Reply(404, {"error": "not found"})

    # -- for tests -----------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._httpd is not None, "start the server first"
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def script(self, route: str, *replies: Reply) -> None:
        with self._lock:
            self._scripts[route].extend(replies)

    def hang(self, route: str, nth: int = 1, *, act: bool = True) -> None:
        with self._lock:
            self._hangs[route] = (self._seen[route] + nth, act)

    def received(self, route: str) -> list[Request]:
        with self._lock:
            return [request for request in self.requests if request.route == route]

    def wait_for(self, predicate, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.01)
        return False

    def start(self) -> "FakeServer":
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server._serve(self)

            do_POST = do_PUT = do_DELETE = do_GET

            def log_message(self, *args: Any) -> None:  # quiet
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def close(self) -> None:
        self._closing.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def __enter__(self) -> "FakeServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the exchange ----------------------------------------------------------------

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        split = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        request = Request(method=handler.command, path=split.path,
                          query={key: values[-1] for key, values in parse_qs(split.query).items()},
                          headers={key.lower(): value for key, value in handler.headers.items()},
                          body=handler.rfile.read(length) if length else b"")
        _parse(request)
        request.route = self.route(request)
        with self._lock:
            self.requests.append(request)
            self._seen[request.route] += 1
            scripted = self._scripts[request.route].popleft() if self._scripts[request.route] else None
            hang_at, act = self._hangs.get(request.route, (0, True))
            hang = hang_at == self._seen[request.route]
        if self.delay:
            time.sleep(self.delay)
        reply = self.handle(request) if (scripted is None or scripted.act) and (act or not hang) else None
        reply = scripted or reply
        if hang:
            self._closing.wait()
            handler.close_connection = True
            return
        body = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
        handler.send_response(reply.status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)
