"""The documented list of tags a story may carry, and how each is detected.

Every tag a story gets comes from `TAGS` below: a canonical name plus the ways it
shows up in activity. Detection looks at, in order of trust:

- files touched (extensions such as `.py`, names such as `Dockerfile`, folders such as
  `.github/workflows/`) and the languages the git collector reported;
- imports and dependencies a commit added (the git collector's `meta.imports`: `import torch`
  in train.py -> pytorch; `"fastapi>=0.110"` in pyproject.toml -> fastapi, a new technology);
- imports written in text or code blocks (`import torch` -> pytorch);
- commands run in AI sessions (`docker build` -> docker, `pip install aiogram` -> telegram);
- words in the text (aliases; Cyrillic aliases also match their inflected forms,
  so "телеграме" -> telegram).

Words in commit messages, prompts and notes count fully; words in the assistant's prose
(the first 4,000 characters of each turn, split at whitespace) and in error output count
half, because an assistant mentions many things the work never touched. A tag needs at
least one point to be kept; a story keeps its 8 strongest. To add a tag, add a `Tag(...)` line: nothing else
needs to change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from social_publisher.select.words import WordPattern, is_cyrillic, word_list


@dataclass(frozen=True)
class Tag:
    name: str
    words: tuple[str, ...] = ()  # aliases matched case-insensitively as whole words
    cased: tuple[str, ...] = ()  # aliases matched only as written (for words that are also English words)
    extensions: tuple[str, ...] = ()  # file extensions, with the dot
    files: tuple[str, ...] = ()  # file names (basename) or folder prefixes ending in "/"
    imports: tuple[str, ...] = ()  # top-level module names
    commands: tuple[str, ...] = ()  # programs run in a shell
    packages: tuple[str, ...] = ()  # names given to pip/npm/cargo/... install


TAGS: tuple[Tag, ...] = (
    # languages
    Tag("python", words=("python", "python3", "cpython", "питон"), extensions=(".py", ".pyi", ".pyx"),
        files=("pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", "requirements-dev.txt", "Pipfile",
               "uv.lock", "poetry.lock", "tox.ini"),
        commands=("python", "python3", "pip", "pip3", "uv", "poetry", "pipx")),
    Tag("javascript", words=("javascript", "ecmascript"), extensions=(".js", ".mjs", ".cjs", ".jsx")),
    Tag("typescript", words=("typescript",), extensions=(".ts", ".tsx", ".mts"), files=("tsconfig.json",),
        commands=("tsc",)),
    Tag("nodejs", words=("node.js", "nodejs"), files=("package.json", "package-lock.json", "yarn.lock",
                                                       "pnpm-lock.yaml"),
        commands=("node", "npm", "npx", "yarn", "pnpm")),
    Tag("rust", words=("rust", "rustc"), extensions=(".rs",), files=("Cargo.toml", "Cargo.lock"),
        commands=("cargo", "rustc", "rustup")),
    Tag("go", words=("golang",), extensions=(".go",), files=("go.mod", "go.sum"), commands=("go",)),
    Tag("java", words=("java",), extensions=(".java",), files=("pom.xml", "build.gradle"),
        commands=("mvn", "gradle", "java")),
    Tag("kotlin", words=("kotlin",), extensions=(".kt", ".kts")),
    Tag("swift", cased=("Swift", "SwiftUI"), extensions=(".swift",), files=("Package.swift",)),
    Tag("c", extensions=(".c", ".h"), commands=("gcc", "clang")),
    Tag("cpp", words=("c++", "cpp"), extensions=(".cpp", ".cc", ".cxx", ".hpp"), files=("CMakeLists.txt",),
        commands=("cmake", "g++", "clang++")),
    Tag("csharp", words=("c#", "csharp", ".net", "dotnet"), extensions=(".cs", ".csproj"), commands=("dotnet",)),
    Tag("ruby", words=("ruby", "ruby on rails"), extensions=(".rb",), files=("Gemfile",), commands=("bundle", "rake")),
    Tag("php", words=("php", "laravel"), extensions=(".php",), files=("composer.json",), commands=("php",)),
    Tag("bash", words=("bash", "shell script", "zsh"), extensions=(".sh", ".bash", ".zsh"), commands=("bash", "sh")),
    Tag("sql", words=("sql",), extensions=(".sql",)),
    Tag("html-css", words=("html", "css", "tailwind"), extensions=(".html", ".htm", ".css", ".scss", ".sass")),
    # data stores
    Tag("sqlite", words=("sqlite", "sqlite3"), extensions=(".sqlite", ".sqlite3", ".db"), imports=("sqlite3",),
        commands=("sqlite3",)),
    Tag("postgresql", words=("postgres", "postgresql", "psql", "постгрес"), imports=("psycopg", "psycopg2", "asyncpg"),
        commands=("psql", "pg_dump"), packages=("psycopg", "psycopg2", "psycopg2-binary", "asyncpg")),
    Tag("mysql", words=("mysql", "mariadb"), imports=("pymysql", "mysqldb"), commands=("mysql",)),
    Tag("redis", words=("redis",), imports=("redis",), commands=("redis-cli", "redis-server"), packages=("redis",)),
    Tag("mongodb", words=("mongodb", "mongo"), imports=("pymongo", "motor"), commands=("mongosh",),
        packages=("pymongo", "motor", "mongodb")),
    # infrastructure
    Tag("docker", words=("docker", "dockerfile", "docker-compose", "container image", "докер"),
        files=("Dockerfile", "docker-compose.yml", "docker-compose.yaml", "compose.yaml", "compose.yml",
               ".dockerignore"),
        commands=("docker", "docker-compose", "podman")),
    Tag("kubernetes", words=("kubernetes", "k8s", "kubectl", "helm chart"), files=("Chart.yaml", "k8s/"),
        commands=("kubectl", "helm", "k3s", "minikube")),
    Tag("terraform", words=("terraform",), extensions=(".tf",), commands=("terraform",)),
    Tag("ansible", words=("ansible", "ansible playbook"), commands=("ansible", "ansible-playbook")),
    Tag("nginx", words=("nginx",), files=("nginx.conf", "nginx/"), commands=("nginx",)),
    Tag("traefik", words=("traefik",), files=("traefik.yml", "traefik.toml")),
    Tag("authelia", words=("authelia",)),
    Tag("systemd", words=("systemd", "systemctl", "journalctl"), extensions=(".service", ".timer"),
        commands=("systemctl", "journalctl")),
    Tag("github-actions", words=("github actions", "github action"), files=(".github/workflows/",)),
    Tag("aws", words=("aws", "amazon s3", "aws lambda", "ec2"), imports=("boto3",), commands=("aws",),
        packages=("boto3",)),
    Tag("linux", words=("linux", "ubuntu", "debian", "линукс"), commands=("apt", "apt-get")),
    # frameworks and libraries
    Tag("telegram", words=("telegram", "bot api", "aiogram", "telebot", "телеграм", "телеграмм"),
        imports=("telegram", "aiogram", "telebot", "pyrogram", "telethon"),
        packages=("python-telegram-bot", "aiogram", "pytelegrambotapi", "pyrogram", "telethon")),
    Tag("fastapi", words=("fastapi",), imports=("fastapi",), commands=("uvicorn",), packages=("fastapi",)),
    Tag("django", words=("django",), imports=("django",), files=("manage.py",), packages=("django",)),
    Tag("flask", words=("flask",), imports=("flask",), packages=("flask",)),
    Tag("react", cased=("React", "ReactJS", "Next.js", "NextJS"), extensions=(".jsx", ".tsx"),
        packages=("react", "next")),
    Tag("vue", words=("vue", "vue.js", "nuxt"), extensions=(".vue",), packages=("vue", "nuxt")),
    Tag("sqlalchemy", words=("sqlalchemy", "alembic"), imports=("sqlalchemy", "alembic"),
        packages=("sqlalchemy", "alembic")),
    Tag("pydantic", words=("pydantic",), imports=("pydantic",), packages=("pydantic",)),
    Tag("asyncio", words=("asyncio", "async/await"), imports=("asyncio", "trio", "anyio")),
    Tag("pytest", words=("pytest",), imports=("pytest",), files=("conftest.py", "pytest.ini"), commands=("pytest",),
        packages=("pytest",)),
    # machine learning and AI
    Tag("pytorch", words=("pytorch", "torch"), imports=("torch", "torchvision", "lightning"),
        packages=("torch", "torchvision", "pytorch", "lightning", "pytorch-lightning")),
    Tag("tensorflow", words=("tensorflow", "keras"), imports=("tensorflow", "keras"),
        packages=("tensorflow", "keras")),
    Tag("jax", words=("jax", "flax"), imports=("jax", "flax"), packages=("jax", "flax")),
    Tag("numpy", words=("numpy",), imports=("numpy",), packages=("numpy",)),
    Tag("pandas", words=("pandas", "dataframe"), imports=("pandas", "polars"), packages=("pandas", "polars")),
    Tag("scikit-learn", words=("scikit-learn", "sklearn"), imports=("sklearn",), packages=("scikit-learn",)),
    Tag("huggingface", words=("hugging face", "huggingface", "transformers library"),
        imports=("transformers", "datasets", "peft", "accelerate"),
        packages=("transformers", "datasets", "peft", "accelerate")),
    Tag("llm", words=("llm", "llms", "large language model", "gpt", "qwen", "llama", "mistral", "lora", "qlora",
                      "fine-tuning", "fine-tune", "mixture of experts", "moe", "rag", "языковая модель", "нейросет"),
        imports=("vllm", "llama_cpp"), packages=("vllm", "llama-cpp-python")),
    Tag("claude", words=("claude", "claude code", "anthropic"), imports=("anthropic",), commands=("claude",),
        packages=("anthropic",)),
    Tag("openai", words=("openai", "chatgpt"), imports=("openai",), packages=("openai",)),
    Tag("ollama", words=("ollama",), imports=("ollama",), commands=("ollama",), packages=("ollama",)),
    Tag("jupyter", words=("jupyter", "jupyter notebook", "ipynb"), extensions=(".ipynb",), commands=("jupyter",)),
)

TAG_NAMES: tuple[str, ...] = tuple(tag.name for tag in TAGS)
MAX_TAGS = 8

_EXTENSIONS: dict[str, list[str]] = {}
_FILE_NAMES: dict[str, list[str]] = {}
for _tag in TAGS:
    for _ext in _tag.extensions:
        _EXTENSIONS.setdefault(_ext, []).append(_tag.name)  # .tsx is typescript and react
    for _name in _tag.files:
        if not _name.endswith("/"):
            _FILE_NAMES.setdefault(_name, []).append(_tag.name)
_FOLDERS = tuple((folder, tag.name) for tag in TAGS for folder in tag.files if folder.endswith("/"))
_IMPORTS = {module: tag.name for tag in TAGS for module in tag.imports}
_COMMANDS = {command: tag.name for tag in TAGS for command in tag.commands}
_PACKAGES = {package.lower(): tag.name for tag in TAGS for package in tag.packages}
# A tag's own name is an alias too, unless it is an everyday word ("go", "c") or needs its case ("React").
_ALIASES = {alias.lower(): tag.name for tag in TAGS
            for alias in ((tag.name,) if len(tag.name) > 2 and not tag.cased else ()) + tag.words}
_CASED = {alias: tag.name for tag in TAGS for alias in tag.cased}


def _is_phrase(alias: str) -> bool:
    return not re.fullmatch(r"[^\W_]+", alias)


# Single-word aliases are looked up in a dict of the text's words; phrases ("node.js",
# "bot api", "c++") are looked for as substrings once their first word is present;
# Cyrillic aliases also match as a word prefix (Russian inflects nouns: "телеграме").
_SINGLE = {alias: tag for alias, tag in _ALIASES.items() if not _is_phrase(alias)}
_PHRASES = tuple((alias, re.findall(r"[^\W_]+", alias)[0], tag) for alias, tag in sorted(_ALIASES.items())
                 if _is_phrase(alias))
_CYRILLIC_PREFIXES = tuple((alias, tag) for alias, tag in sorted(_ALIASES.items()) if is_cyrillic(alias))
# For loose reading: every alias without a space, with clinging punctuation, -> (alias, tag);
# and the first words of spaced phrases, so a phrase is looked for only when it can be there.
_OPENERS = ("", "(", "[", "`", '"', "'", "*", "**")
_CLOSERS = ("", ".", ",", ":", ";", "?", "!", ")", "]", "`", '"', "'", "'s", "*", "**", "),", ").", "`,", "`.", "`)")
_LOOSE = {opener + alias + closer: (alias, tag)
          for alias, tag in sorted({**_SINGLE, **{a: t for a, _, t in _PHRASES if " " not in a}}.items())
          for opener in _OPENERS for closer in _CLOSERS}
_SPACED_PHRASES = tuple(item for item in _PHRASES if " " in item[0])
_LOOSE_FIRST_WORDS = {opener + first + closer: first
                      for _, first, _ in _SPACED_PHRASES for opener in _OPENERS for closer in _CLOSERS}
_CYRILLIC_RE = WordPattern(stems="|".join(re.escape(a) + r"\w*" for a, _ in _CYRILLIC_PREFIXES))
_CASED_PATTERNS = tuple((alias, re.compile(rf"(?<![\w.]){re.escape(alias)}(?!\w)"), tag)
                        for alias, tag in sorted(_CASED.items()))
_IMPORT_RE = re.compile(r"^[ \t>]*(?:from\s+([A-Za-z_][\w]*)[\w.]*\s+import\b|import\s+([A-Za-z_][\w]*))", re.MULTILINE)
_INSTALL_RE = re.compile(
    r"\b(?:pip3?|uv pip|python3? -m pip)\s+install\s+(?P<pip>[^;&|]+)"
    r"|\b(?:uv|poetry|cargo|pnpm|yarn)\s+add\s+(?P<add>[^;&|]+)"
    r"|\bnpm\s+(?:install|i)\s+(?P<npm>[^;&|]+)"
    r"|\bgo\s+get\s+(?P<go>[^;&|]+)"
)


class TagEvidence:
    """Points and evidence per tag, filled by the detect_* functions."""

    def __init__(self) -> None:
        self.points: dict[str, float] = {}
        self.evidence: dict[str, list[str]] = {}

    def add(self, tag: str, points: float, evidence: str) -> None:
        self.points[tag] = self.points.get(tag, 0.0) + points
        items = self.evidence.setdefault(tag, [])
        if len(items) < 3 and evidence not in items:
            items.append(evidence)

    def tags(self, limit: int = MAX_TAGS) -> list[str]:
        """Kept tags, strongest first (ties by name, so the order is stable)."""
        kept = [(tag, points) for tag, points in self.points.items() if points >= 1.0]
        kept.sort(key=lambda item: (-item[1], item[0]))
        return [tag for tag, _ in kept[:limit]]

    def explain(self, limit: int = MAX_TAGS) -> dict[str, list[str]]:
        return {tag: self.evidence[tag] for tag in self.tags(limit)}


def tag_for_alias(word: str) -> str | None:
    """The canonical tag for a name or alias ("PyTorch", "torch", "Python") or None."""
    lowered = word.strip().lower()
    return _ALIASES.get(lowered) or _PACKAGES.get(lowered) or _IMPORTS.get(lowered) or _CASED.get(word.strip())


def detect_in_path(path: str, found: TagEvidence) -> None:
    base = path.rsplit("/", 1)[-1]
    dot = base.rfind(".")
    tags = _FILE_NAMES.get(base, []) + (_EXTENSIONS.get(base[dot:].lower(), []) if dot > 0 else [])
    for tag in dict.fromkeys(tags):
        found.add(tag, 1.0, f"file {path}")
    for folder, tag in _FOLDERS:
        if path.startswith(folder) or f"/{folder}" in path:
            found.add(tag, 1.0, f"file {path}")


def detect_in_text(text: str, found: TagEvidence, *, weight: float = 1.0, loose: bool = False) -> None:
    """Tag the words, phrases and imports of a text.

    `loose` reads long text (an assistant's prose) the quick way: words split at whitespace,
    known with the punctuation that usually clings to them ("docker,", "(pytorch)", "`uv`").
    A word glued to other text ("sqlite3.connect") is missed there, which half-weight prose can afford.
    """
    if not text:
        return
    lowered = text.lower()
    if loose:
        tokens = lowered.split()
        words = set(tokens)
        for variant in sorted(words & _LOOSE.keys()):
            alias, tag = _LOOSE[variant]
            found.add(tag, weight * tokens.count(variant), f"text '{alias}'")
        words = {_LOOSE_FIRST_WORDS[v] for v in words & _LOOSE_FIRST_WORDS.keys()} | words
    else:
        tokens = word_list(lowered)
        words = set(tokens)
        for word in sorted(words & _SINGLE.keys()):
            found.add(_SINGLE[word], weight * tokens.count(word), f"text '{word}'")
    if _CYRILLIC_PREFIXES:
        for match in _CYRILLIC_RE.finditer(lowered):
            found.add(_cyrillic_tag(match.group(0)), weight, f"text '{match.group(0)}'")
    for phrase, first, tag in (_SPACED_PHRASES if loose else _PHRASES):
        if first in words:
            count = lowered.count(phrase)
            if count:
                found.add(tag, weight * count, f"text '{phrase}'")
    for alias, pattern, tag in _CASED_PATTERNS:
        if alias in text:
            count = len(pattern.findall(text))
            if count:
                found.add(tag, weight * count, f"text '{alias}'")
    if "import" in text:
        for match in _IMPORT_RE.finditer(text):
            module = match.group(1) or match.group(2)
            tag = _IMPORTS.get(module)
            if tag:
                found.add(tag, 1.0, f"import {module}")


def _cyrillic_tag(word: str) -> str:
    return next(tag for prefix, tag in _CYRILLIC_PREFIXES if word.startswith(prefix))


def detect_in_imports(imports: object, found: TagEvidence) -> list[str]:
    """Tag the modules a commit's diff imports and the packages it declares (`meta.imports`);
    return the tags of declared dependencies (new technologies, like an install)."""
    declared: list[str] = []
    for item in imports if isinstance(imports, list) else ():
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        name, path = item["name"], str(item.get("path", ""))
        if item.get("kind") == "dependency":
            lowered = name.lower()
            tag = _PACKAGES.get(lowered) or _PACKAGES.get(lowered.rsplit("/", 1)[-1]) or _IMPORTS.get(lowered)
            if tag:
                found.add(tag, 1.0, f"dependency {name} in {path}")
                if tag not in declared:
                    declared.append(tag)
        else:
            tag = _IMPORTS.get(name)
            if tag:
                found.add(tag, 1.0, f"import {name} in {path}")
    return declared


def detect_in_command(command: str, found: TagEvidence) -> list[str]:
    """Tag the programs a shell command runs; return tags of packages it installs (new technologies)."""
    evidence, installed = _command_tags(command)
    for tag, why in evidence:
        found.add(tag, 1.0, why)
    return list(installed)


@lru_cache(maxsize=8192)  # sessions run the same few commands again and again
def _command_tags(command: str) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    evidence = [(_COMMANDS[program], f"command {program}") for program in command_programs(command)
                if program in _COMMANDS]
    installed = installed_packages(command)
    evidence += [(tag, f"installed in `{command[:60]}`") for tag in installed]
    return tuple(evidence), tuple(installed)


def installed_packages(command: str) -> list[str]:
    tags = []
    for match in _INSTALL_RE.finditer(command):
        args = next(group for group in match.groups() if group)
        for arg in args.split():
            if arg.startswith("-"):
                continue
            name = re.split(r"[=<>\[@~!]", arg.strip("'\""), maxsplit=1)[0].lower()
            tag = _PACKAGES.get(name) or _PACKAGES.get(name.rsplit("/", 1)[-1])
            if tag and tag not in tags:
                tags.append(tag)
    return tags


def command_programs(command: str) -> list[str]:
    """The programs a shell line runs: `cd x && uv run pytest -q | tail` -> ["cd", "pytest", "tail"]."""
    programs = []
    for part in re.split(r"&&|\|\||[;|]", command):
        words = part.split()
        while words and ("=" in words[0] and not words[0].startswith("=")):
            words = words[1:]  # VAR=value prefixes
        while words and words[0] in ("sudo", "time", "exec", "nohup", "env"):
            words = words[1:]
        if len(words) >= 3 and words[0] in ("python", "python3") and words[1] == "-m":
            programs.append(words[0])
            words = words[2:]
        elif len(words) >= 3 and words[0] in ("uv", "poetry", "pdm", "hatch") and words[1] == "run":
            words = words[2:]
        elif len(words) >= 2 and words[0] in ("npx", "pnpx", "bunx"):
            words = words[1:]
        if words:
            programs.append(words[0].rsplit("/", 1)[-1])
    return programs
