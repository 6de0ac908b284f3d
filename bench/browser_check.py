"""Open the built blog in a real browser (Debian's headless chromium) and fail on what a reader would meet.

    python bench/browser_check.py                    # builds the demo workspace in a temp folder, checks it
    python bench/browser_check.py --site demo/site   # checks a site already built
    python bench/browser_check.py --shots shots/     # where the screenshots go (default bench/.data/shots)

For the root index and the newest post of each language (and each language's
index) it loads the page from `social-publisher serve`'s server on 127.0.0.1,
then fails on:
- any console message (our pages carry no script, so any message is an error:
  an uncaught exception, a blocked load, a CSP report);
- any request the page made for a file that is not there (the server saw it);
- any local link in the rendered DOM (href/src) that does not answer 200.
A screenshot of each page is saved. Exit code 0 when clean, 1 with the problems listed.
Needs `chromium` (apt-get install -y chromium); tests/test_site_browser.py uses the same code.
"""

from __future__ import annotations

import os
import sys

# bench/select.py would shadow the standard library's `select` (which http.server needs).
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import argparse  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import urllib.error  # noqa: E402
import urllib.request  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from html.parser import HTMLParser  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urldefrag, urljoin, urlsplit  # noqa: E402

from social_publisher.publish.serve import preview_server  # noqa: E402

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]
_CONSOLE = re.compile(r":CONSOLE(?:\(\d+\)|:\d+)\]\s*(?P<message>.*)")
TIMEOUT_S = 60


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


@dataclass
class PageResult:
    page: str
    screenshot: Path
    dom: str
    problems: list[str] = field(default_factory=list)


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _open(chromium: str, url: str, screenshot: Path, profile: Path, width: int, height: int) -> tuple[str, str]:
    command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}",
               f"--screenshot={screenshot}", "--dump-dom", url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"chromium exited {done.returncode} on {url}: {done.stderr.strip()[-500:]}")
    return done.stdout, done.stderr


def check_pages(site: Path, pages: list[str], shots: Path, *, chromium: str | None = None,
                width: int = 1280, height: int = 2000) -> list[PageResult]:
    """Load each page (a path inside `site`) in headless chromium; return what it found per page."""
    chromium = chromium or find_chromium()
    if chromium is None:
        raise RuntimeError("chromium is not installed (apt-get install -y chromium)")
    shots.mkdir(parents=True, exist_ok=True)
    server = preview_server(site, 0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="browser-check-") as profile:
            for page in pages:
                url = urljoin(server.url, page)
                missing_before = len(server.missing)
                screenshot = shots / (re.sub(r"[^A-Za-z0-9]+", "-", page).strip("-") + ".png")
                dom, log = _open(chromium, url, screenshot, Path(profile), width, height)
                result = PageResult(page=page, screenshot=screenshot, dom=dom)
                result.problems += [f"{page}: console: {m.group('message')}"
                                    for m in map(_CONSOLE.search, log.splitlines()) if m]
                result.problems += [f"{page}: the page asked for a missing file: {path}"
                                    for path in server.missing[missing_before:]]
                parser = _Links()
                parser.feed(dom)
                for link in sorted(set(parser.links)):
                    target = urldefrag(urljoin(url, link)).url
                    if urlsplit(target).netloc != urlsplit(server.url).netloc:
                        continue  # outside links (feeds' absolute URLs, data:) are not ours to load
                    status = _status(target)
                    if status != 200:
                        result.problems.append(f"{page}: broken local link {link} ({status})")
                if not screenshot.is_file() or screenshot.stat().st_size == 0:
                    result.problems.append(f"{page}: no screenshot was saved")
                results.append(result)
    finally:
        server.shutdown()
        server.server_close()
    return results


def pages_to_check(site: Path) -> list[str]:
    """The root index, each language's index and its newest post."""
    pages = ["index.html"]
    for index in sorted(site.glob("*/index.html")):
        lang = index.parent.name
        pages.append(f"{lang}/index.html")
        parser = _Links()
        parser.feed(index.read_text(encoding="utf-8"))
        inside = [urljoin(f"{lang}/index.html", link) for link in parser.links]
        posts = [path for path in inside if re.fullmatch(rf"{lang}/[a-z0-9][a-z0-9-]*\.html", path)
                 and path != f"{lang}/index.html"]
        if posts:
            pages.append(posts[0])
    return pages


def _demo_site(folder: Path) -> Path:
    from social_publisher.cli import main

    try:
        main(["demo", "--dir", str(folder)])
    except SystemExit as exc:
        if exc.code:
            raise
    return folder / "site"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build the demo workspace)")
    parser.add_argument("--shots", type=Path, default=Path(__file__).parent / ".data" / "shots")
    args = parser.parse_args()
    if find_chromium() is None:
        print("chromium is not installed: apt-get update && apt-get install -y chromium", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="browser-check-demo-") as scratch:
        site = args.site or _demo_site(Path(scratch) / "demo")
        results = check_pages(site, pages_to_check(site), args.shots)
    problems = [problem for result in results for problem in result.problems]
    for result in results:
        print(f"{'ok ' if not result.problems else 'BAD'} {result.page:60} {result.screenshot}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
