"""Benchmark: the blog of 1,000 stories in English and Russian (2,000 post pages plus indexes,
tags, projects, months, feeds) built by us, by Pelican and by Hugo on the same posts, in one run.

    .venv/bin/python bench/site.py [--posts 1000] [--runs 3] [--seed 1] [--skip-pelican] [--skip-hugo]

Goals (issue 9): faster than Pelican, within 2x of Hugo, a one-post rebuild under 1 s.

- Ours: a store with 1,000 stories and their two posts (Markdown with headings, lists, a table
  and Python code for Pygments); `social-publisher publish` from an empty out_dir, timed as the
  command a user runs (interpreter start, reading the store, rendering, writing, recording the
  publications). Then the one-post rebuild: one new story in both languages, `publish` again
  (the figure is the median over --runs new stories).
- Pelican (PyPI, installed into bench/.data/pelican-venv on first use, never a project
  dependency): the same posts as Markdown files with Title/Date/Tags/Category/Slug/Lang
  metadata (translations joined by slug), its default theme, Atom feeds per language,
  20 posts per index page. `pelican content -o out` from an empty output folder.
- Hugo (Debian's `hugo`): the same posts as `content/posts/<slug>.<lang>.md` with front
  matter (translationKey), two languages, tags and categories taxonomies, a minimal theme with
  the same parts as ours (cover-less post page with tags and previous/next, paginated lists,
  term pages, RSS). `hugo --quiet -d out` from an empty output folder.

Every figure is the median of --runs builds, the three tools taking turns in each round, with
its CPU seconds (user + system, worker processes included) beside the wall clock: on a shared
machine the wall clock also counts the time spent waiting for a core. Building the inputs is
not timed. The same seed gives the same posts.
"""

from __future__ import annotations

import os
import sys

# bench/select.py would shadow the standard library's `select` module when this folder is sys.path[0].
_HERE = os.path.dirname(os.path.realpath(__file__))
sys.path[:] = [p for p in sys.path if os.path.realpath(p or os.getcwd()) != _HERE]

import argparse  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from datetime import datetime, timedelta, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

from social_publisher.records import Post, Story  # noqa: E402
from social_publisher.store import Store  # noqa: E402

DATA = Path(_HERE) / ".data" / "site"
PELICAN_VENV = Path(_HERE) / ".data" / "pelican-venv"
PROGRAM = Path(sys.executable).parent / "social-publisher"

PROJECTS = ["llm-analysis", "ai-agents", "homelab-auth", "tg-digest-bot", "trend-analysis", "borisovai-admin",
            "llm-router", "social-publisher"]
TAGS = ["python", "pytest", "sqlite", "asyncio", "telegram", "docker", "nginx", "rust", "typescript", "react",
        "pytorch", "lora", "moe", "gsm8k", "authelia", "grafana", "ci", "github-actions", "caching", "profiling",
        "markdown", "jinja2", "fastapi", "postgres", "redis", "kubernetes", "llm", "claude", "prompting", "git"]
CATEGORIES = ["bug_fix", "experiment", "feature", "refactor", "infrastructure", "docs", "learning"]
EN_WORDS = ("the suite cache router latency request model expert accuracy token batch query index migration "
            "handler retry timeout queue worker buffer parser schema release config profile test fixture "
            "commit branch deploy server client budget digest channel page feed build render template "
            "measured changed moved dropped kept split merged rewrote tuned fixed found traced checked").split()
RU_WORDS = ("набор тестов кэш маршрутизатор задержка запрос модель эксперт точность токен пакет индекс "
            "миграция обработчик повтор таймаут очередь воркер буфер парсер схема релиз конфиг профиль "
            "коммит ветка сервер клиент бюджет дайджест канал страница лента сборка шаблон "
            "измерил поменял перенёс убрал оставил разделил объединил переписал настроил исправил нашёл").split()
CODE = '''```python
def {name}(items, limit={n}):
    """Return the first {n} items that pass the check."""
    kept = []
    for item in items:
        if item.score > {k} and item.name not in SEEN:
            kept.append(item)
        if len(kept) >= limit:
            break
    return kept
```'''


def _sentence(rng: random.Random, words: list[str]) -> str:
    chosen = [rng.choice(words) for _ in range(rng.randint(8, 16))]
    number = rng.choice(["", f" {rng.randint(2, 900)}", f" {rng.randint(1, 99)}.{rng.randint(0, 9)}%"])
    text = " ".join(chosen[:5]) + number + " " + " ".join(chosen[5:])
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, words: list[str]) -> str:
    sentences = [_sentence(rng, words) for _ in range(rng.randint(3, 6))]
    sentences[0] = sentences[0].replace(words[1], f"**{words[1]}**", 1)
    return " ".join(sentences)


def make_body(rng: random.Random, lang: str) -> str:
    words = EN_WORDS if lang == "en" else RU_WORDS
    heads = ["What I tried", "What the numbers said", "What I learned"] if lang == "en" else [
        "Что я пробовал", "Что показали цифры", "Что я понял"]
    parts = [_paragraph(rng, words), _paragraph(rng, words), f"## {heads[0]}", _paragraph(rng, words),
             CODE.format(name=f"pick_{rng.randint(1, 99)}", n=rng.randint(2, 50), k=rng.randint(1, 9)),
             _paragraph(rng, words), f"## {heads[1]}",
             "\n".join(f"- {rng.choice(words)}: **{rng.randint(1, 99)} → {rng.randint(1, 99)}**" for _ in range(4)),
             "| before | after |\n|---|---|\n" + f"| {rng.randint(10, 99)} ms | {rng.randint(1, 9)} ms |",
             f"## {heads[2]}", _paragraph(rng, words), _paragraph(rng, words)]
    return "\n\n".join(parts) + "\n"


def make_posts(count: int, seed: int) -> list[dict]:
    """One record per story: its date, project, category, tags and the two posts."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, 9, 0, tzinfo=timezone.utc)
    stories = []
    for number in range(count):
        when = start + timedelta(hours=number * 26 + rng.randint(0, 5))
        topic = rng.choice(EN_WORDS[:30])
        stories.append({
            "number": number, "date": when, "project": rng.choice(PROJECTS), "category": rng.choice(CATEGORIES),
            "tags": rng.sample(TAGS, rng.randint(2, 4)), "slug": f"post-{number:04d}-{topic}",
            "en": {"title": f"How the {topic} went from {rng.randint(10, 99)} to {rng.randint(1, 9)} (#{number})",
                   "body": make_body(rng, "en")},
            "ru": {"title": f"Как {rng.choice(RU_WORDS[:30])} ускорился в {rng.randint(2, 9)} раз (№{number})",
                   "body": make_body(rng, "ru")},
        })
    return stories


# -- ours ---------------------------------------------------------------------------------

def add_story(store: Store, story: dict) -> None:
    when = story["date"].isoformat()
    story_id = store.add_story(Story(project=story["project"], started_at=when, ended_at=when, score=3.0,
                                     category=story["category"], tags=story["tags"], activity_ids=[],
                                     status="written", fingerprint=f"bench-{story['number']}"))
    for lang in ("en", "ru"):
        store.add_post(Post(story_id=story_id, lang=lang, title=story[lang]["title"], slug=story["slug"],
                            body_md=story[lang]["body"], status="approved", created_at=when))


def prepare_ours(folder: Path, stories: list[dict]) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    config = folder / "publisher.toml"
    config.write_text('[site]\nout_dir = "site"\nbase_url = "https://blog.example.org/"\n'
                      '[digest]\nenabled = false\n', encoding="utf-8")
    with Store(folder / "state" / "publisher.db") as store:
        for story in stories:
            add_story(store, story)
    return config


CPU: dict[str, list[float]] = {}  # CPU seconds (user + system) of each timed command, by label


def _timed(command: list[str], cwd: Path | None = None, label: str = "") -> float:
    """Wall-clock seconds of one command; its CPU seconds go to CPU[label] (on a shared machine the
    wall clock also counts time spent waiting for a core)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.setdefault(label, []).append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return elapsed


def _cpu(label: str) -> str:
    return f"{statistics.median(CPU[label]):.2f} s CPU" if CPU.get(label) else ""


def ours_once(stories: list[dict]) -> float:
    """One full build from an empty site (and empty caches)."""
    config = prepare_ours(DATA / "ours", stories)
    return _timed([str(PROGRAM), "--config", str(config), "publish"], label="ours")


def ours_rebuilds(stories: list[dict], runs: int, seed: int) -> float:
    """After a full build: add one new story (both languages) and publish, `runs` times; the median."""
    config = DATA / "ours" / "publisher.toml"
    rng = random.Random(seed + 1)
    rebuild = []
    last = stories[-1]
    for extra in range(runs):
        story = dict(make_posts(1, seed + 100 + extra)[0])
        story.update(number=len(stories) + extra, date=last["date"] + timedelta(days=extra + 1),
                     slug=f"new-post-{extra}-{rng.randint(0, 9999)}")
        with Store(DATA / "ours" / "state" / "publisher.db") as store:
            add_story(store, story)
        rebuild.append(_timed([str(PROGRAM), "--config", str(config), "publish"], label="rebuild"))
    return statistics.median(rebuild)


# -- Pelican --------------------------------------------------------------------------------

PELICAN_CONF = '''AUTHOR = "Bench"
SITENAME = "Blog"
SITEURL = "https://blog.example.org"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = 20
FEED_ALL_ATOM = "feeds/all.atom.xml"
TRANSLATION_FEED_ATOM = "feeds/all-{lang}.atom.xml"
CATEGORY_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
RELATIVE_URLS = True
LOAD_CONTENT_CACHE = False
ARTICLE_URL = "{lang}/{slug}.html"
ARTICLE_SAVE_AS = "{lang}/{slug}.html"
ARTICLE_LANG_URL = "{lang}/{slug}.html"
ARTICLE_LANG_SAVE_AS = "{lang}/{slug}.html"
'''


def prepare_pelican(folder: Path, stories: list[dict]) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    content = folder / "content"
    content.mkdir(parents=True)
    (folder / "pelicanconf.py").write_text(PELICAN_CONF, encoding="utf-8")
    for story in stories:
        for lang in ("en", "ru"):
            meta = (f"Title: {story[lang]['title']}\nDate: {story['date']:%Y-%m-%d %H:%M}\n"
                    f"Category: {story['category']}\nTags: {', '.join(story['tags'])}\nSlug: {story['slug']}\n"
                    f"Lang: {lang}\n\n")
            (content / f"{story['slug']}.{lang}.md").write_text(meta + story[lang]["body"], encoding="utf-8")


def pelican_binary() -> Path | None:
    binary = PELICAN_VENV / "bin" / "pelican"
    if not binary.is_file():
        print("installing Pelican from PyPI into bench/.data/pelican-venv ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(PELICAN_VENV)], check=True)
        done = subprocess.run([str(PELICAN_VENV / "bin" / "pip"), "install", "-q", "pelican", "markdown"], check=False)
        if done.returncode != 0:
            return None
    return binary


def pelican_once(binary: Path) -> float:
    folder = DATA / "pelican"
    shutil.rmtree(folder / "out", ignore_errors=True)
    return _timed([str(binary), "content", "-o", "out", "-s", "pelicanconf.py", "-q"], cwd=folder, label="pelican")


# -- Hugo ------------------------------------------------------------------------------------

HUGO_CONFIG = '''baseURL = "https://blog.example.org/"
title = "Blog"
defaultContentLanguage = "en"
defaultContentLanguageInSubdir = true
paginate = 20
disableKinds = []
[languages.en]
weight = 1
languageName = "English"
[languages.ru]
weight = 2
languageName = "Русский"
[taxonomies]
tag = "tags"
category = "categories"
[markup.highlight]
noClasses = false
'''
HUGO_LAYOUTS = {
    "_default/baseof.html": '''<!DOCTYPE html>
<html lang="{{ .Site.Language.Lang }}"><head><meta charset="utf-8"><title>{{ .Title }} — {{ .Site.Title }}</title>
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">{{ end }}
<link rel="stylesheet" href="{{ "style.css" | relURL }}"></head>
<body><header><a href="{{ "" | relLangURL }}">{{ .Site.Title }}</a></header><main>{{ block "main" . }}{{ end }}</main></body></html>
''',
    "_default/single.html": '''{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p>{{ .Date.Format "2 January 2006" }} · {{ .ReadingTime }} min · {{ range .Params.categories }}{{ . }}{{ end }}</p>
{{ range .Translations }}<p><a href="{{ .RelPermalink }}">{{ .Language.LanguageName }}</a></p>{{ end }}
{{ .Content }}
<ul>{{ range .Params.tags }}<li><a href="{{ "tags/" | relLangURL }}{{ . | urlize }}/">#{{ . }}</a></li>{{ end }}</ul>
{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
</article>{{ end }}
''',
    "_default/list.html": '''{{ define "main" }}<h1>{{ .Title }}</h1>
{{ range (.Paginate .Pages).Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p>{{ .Date.Format "2 January 2006" }}</p><p>{{ .Summary | plainify | truncate 240 }}</p></article>{{ end }}
{{ template "_internal/pagination.html" . }}{{ end }}
''',
    "_default/terms.html": '''{{ define "main" }}<h1>{{ .Title }}</h1><ul>
{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}
</ul>{{ end }}
''',
    "index.html": '''{{ define "main" }}<h1>{{ .Site.Title }}</h1>
{{ range first 20 (where .Site.RegularPages "Type" "posts") }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p>{{ .Summary | plainify | truncate 240 }}</p></article>{{ end }}{{ end }}
''',
}


def prepare_hugo(folder: Path, stories: list[dict]) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    posts = folder / "content" / "posts"
    posts.mkdir(parents=True)
    (folder / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        path = folder / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (folder / "static").mkdir()
    (folder / "static" / "style.css").write_text("body { max-width: 42rem; margin: auto; }\n", encoding="utf-8")
    for story in stories:
        for lang in ("en", "ru"):
            title = story[lang]["title"].replace('"', '\\"')
            front = (f'---\ntitle: "{title}"\ndate: {story["date"].isoformat()}\nslug: {story["slug"]}\n'
                     f'translationKey: {story["slug"]}\ntags: [{", ".join(story["tags"])}]\n'
                     f'categories: [{story["category"]}]\n---\n\n')
            (posts / f"{story['slug']}.{lang}.md").write_text(front + story[lang]["body"], encoding="utf-8")


def hugo_once(binary: str) -> float:
    folder = DATA / "hugo"
    shutil.rmtree(folder / "out", ignore_errors=True)
    return _timed([binary, "--quiet", "-d", "out"], cwd=folder, label="hugo")


def _count(folder: Path) -> int:
    return sum(1 for path in folder.rglob("*") if path.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description="Build one blog with us, Pelican and Hugo.")
    parser.add_argument("--posts", type=int, default=1000, help="stories, each posted in English and Russian")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-pelican", action="store_true")
    parser.add_argument("--skip-hugo", action="store_true")
    args = parser.parse_args()

    stories = make_posts(args.posts, args.seed)
    print(f"{args.posts} stories x 2 languages = {2 * args.posts} posts; median of {args.runs} runs, the three "
          f"tools taking turns in each round; {os.cpu_count()} cores")
    pelican_bin = None if args.skip_pelican else pelican_binary()
    hugo_bin = None if args.skip_hugo else shutil.which("hugo")
    if not args.skip_pelican and pelican_bin is None:
        print("Pelican could not be installed; skipped", file=sys.stderr)
    if not args.skip_hugo and hugo_bin is None:
        print("hugo is not installed (apt-get install -y hugo); skipped", file=sys.stderr)
    if pelican_bin:
        prepare_pelican(DATA / "pelican", stories)
    if hugo_bin:
        prepare_hugo(DATA / "hugo", stories)
    walls: dict[str, list[float]] = {"ours": [], "pelican": [], "hugo": []}
    for _ in range(args.runs):  # in turns, so a burst of load elsewhere hits all three alike
        walls["ours"].append(ours_once(stories))
        if pelican_bin:
            walls["pelican"].append(pelican_once(pelican_bin))
        if hugo_bin:
            walls["hugo"].append(hugo_once(hugo_bin))
    rebuild = ours_rebuilds(stories, args.runs, args.seed)

    def median(name: str) -> float | None:
        return statistics.median(walls[name]) if walls[name] else None

    def cpu(name: str) -> float:
        return statistics.median(CPU[name])

    ours, pelican, hugo = median("ours"), median("pelican"), median("hugo")
    ours_files = sum(1 for p in (DATA / "ours" / "site").rglob("*") if p.is_file() and not p.name.startswith("."))
    print(f"ours:    {ours:6.2f} s  ({_cpu('ours')}; {ours_files} files)")
    if pelican is not None:
        print(f"pelican: {pelican:6.2f} s  ({_cpu('pelican')}; {_count(DATA / 'pelican' / 'out')} files)")
    if hugo is not None:
        print(f"hugo:    {hugo:6.2f} s  ({_cpu('hugo')}; {_count(DATA / 'hugo' / 'out')} files)")
    if pelican is not None:
        print(f"ours / pelican = {ours / pelican:.2f} wall, {cpu('ours') / cpu('pelican'):.2f} CPU  (goal: below 1)")
    if hugo is not None:
        print(f"ours / hugo    = {ours / hugo:.2f} wall, {cpu('ours') / cpu('hugo'):.2f} CPU  (goal: at most 2)")
    print(f"one-post rebuild (one new story in both languages, at {2 * args.posts} posts): {rebuild:.2f} s "
          f"({_cpu('rebuild')})  (goal: under 1 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
