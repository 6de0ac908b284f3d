"""Rich text for the outside channels: a post's Markdown parsed once into blocks of runs, then
written as Telegram HTML (cut into messages) or as plain text with link spans (Mastodon, Bluesky).

The Markdown is parsed by markdown-it-py (CommonMark, raw HTML off) into blocks, each a list of
runs: a piece of text and the tags it sits in. Headings become bold lines, list items lines with
bullets, table rows lines of cells, relative links absolute.

Telegram HTML: only tags Telegram supports are written (`b i s code pre a blockquote`), nested
only as Telegram allows (code and pre hold no other tag and sit in none but a blockquote), and
only `& < >` are escaped in text (`"` too in an `href`). Lengths are UTF-16 code units, as
Telegram counts them, taken over the HTML as sent (stricter than Telegram, which counts after
parsing, so a part never comes back "too long"). `pack` fills messages with whole blocks
(paragraph boundaries); a block longer than a message is cut at line, then word, then grapheme
boundaries, its open tags closed at the cut and reopened in the next message, so no message ends
inside a tag, an entity or a surrogate pair.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import regex
from markdown_it import MarkdownIt
from markdown_it.token import Token

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
LINK_SCHEMES = {"http", "https", "tg", "mailto"}


@dataclass(frozen=True)
class Tag:
    rank: int  # nesting order, outermost first
    name: str
    attr: str = ""  # href for <a>, the language for <code> inside <pre>

    def open(self) -> str:
        if self.name == "a":
            return f'<a href="{escape(self.attr, quote=True)}">'
        if self.name == "code" and self.attr:
            return f'<code class="language-{escape(self.attr, quote=True)}">'
        return f"<{self.name}>"

    def close(self) -> str:
        return f"</{self.name}>"


QUOTE, PRE, CODE, LINK_RANK, BOLD, ITALIC, STRIKE = (
    Tag(0, "blockquote"), Tag(1, "pre"), Tag(2, "code"), 3, Tag(4, "b"), Tag(5, "i"), Tag(6, "s"))
_FORMATS = {"strong_open": BOLD, "em_open": ITALIC, "s_open": STRIKE}
_CLOSES = {"strong_close": BOLD, "em_close": ITALIC, "s_close": STRIKE}


@dataclass(frozen=True)
class Run:
    text: str
    tags: tuple[Tag, ...] = ()


Block = list[Run]
NEWLINE = Run("\n")
RULE = (Run("———"),)  # a thematic break (`---`) as a block of its own
BLOCK_BREAK = Run("\n\n")


def escape(text: str, *, quote: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quote else text


def units(text: str) -> int:
    """Length in UTF-16 code units (an astral character such as most emoji counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def to_html(runs: list[Run]) -> str:
    """Runs as HTML: tags opened and closed only where the formatting changes, all closed at the end."""
    out: list[str] = []
    stack: tuple[Tag, ...] = ()
    for run in runs:
        if not run.text:
            continue
        common = 0
        while common < min(len(stack), len(run.tags)) and stack[common] == run.tags[common]:
            common += 1
        out.extend(tag.close() for tag in reversed(stack[common:]))
        out.extend(tag.open() for tag in run.tags[common:])
        out.append(escape(run.text))
        stack = run.tags
    out.extend(tag.close() for tag in reversed(stack))
    return "".join(out)


def fits(runs: list[Run], limit: int) -> bool:
    return units(to_html(runs)) <= limit


# -- Markdown to blocks ----------------------------------------------------------


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def _normalise(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text).strip().casefold()


def markdown_blocks(body_md: str, *, title: str = "", base_url: str = "") -> list[Block]:
    """The body as blocks; a leading heading that repeats the title is dropped (the title is sent
    on its own); relative links are made absolute against `base_url`."""
    tokens = _markdown().parse(body_md)
    if (title and len(tokens) >= 3 and tokens[0].type == "heading_open"
            and _normalise(tokens[1].content) == _normalise(title)):
        tokens = tokens[3:]
    return [block for block in _Blocks(base_url).render(tokens) if any(run.text.strip() for run in block)]


def _close_index(tokens: list[Token], start: int) -> int:
    """Index of the token closing the one opened at `start`."""
    depth = 0
    for index in range(start, len(tokens)):
        depth += tokens[index].nesting
        if depth == 0:
            return index
    return len(tokens) - 1


def joined(blocks: list[Block], separator: Run) -> Block:
    out: Block = []
    for block in blocks:
        if out:
            out.append(separator)
        out.extend(block)
    return out


class _Blocks:
    def __init__(self, base_url: str):
        self.base_url = base_url

    def render(self, tokens: list[Token], depth: int = 0) -> list[Block]:
        blocks: list[Block] = []
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if token.type in ("fence", "code_block"):
                code = token.content.rstrip("\n") or " "
                language = re.sub(r"[^\w+#.-]", "", token.info.split()[0]) if token.info.strip() else ""
                blocks.append([Run(code, (PRE, Tag(CODE.rank, "code", language)))])
            elif token.type == "hr":
                blocks.append(list(RULE))
            elif token.nesting == 1:
                end = _close_index(tokens, index)
                inner = tokens[index + 1:end]
                if token.type == "paragraph_open":
                    blocks.append(self.inline(inner))
                elif token.type == "heading_open":
                    blocks.append(self.inline(inner, (BOLD,)))
                elif token.type in ("bullet_list_open", "ordered_list_open"):
                    blocks.append(self.list(token, inner, depth))
                elif token.type == "blockquote_open":
                    quoted = joined(self.render(inner, depth), NEWLINE)
                    blocks.append([Run(run.text, _with(run.tags, QUOTE)) for run in quoted])
                elif token.type == "table_open":
                    blocks.append(self.table(inner))
                else:
                    blocks.extend(self.render(inner, depth))
                index = end
            elif token.type == "inline":
                blocks.append(self.inline([token]))
            index += 1
        return blocks

    def list(self, opening: Token, tokens: list[Token], depth: int) -> Block:
        lines: list[Block] = []
        index = 0
        number = int(opening.attrGet("start") or 1)
        while index < len(tokens):
            if tokens[index].type != "list_item_open":
                index += 1
                continue
            end = _close_index(tokens, index)
            marker = f"{number}." if opening.type == "ordered_list_open" else ("•" if depth == 0 else "◦")
            inner = joined(self.render(tokens[index + 1:end], depth + 1), NEWLINE)
            lines.append([Run("   " * depth + marker + " "), *inner])
            number += 1
            index = end + 1
        return joined(lines, NEWLINE)

    def table(self, tokens: list[Token]) -> Block:
        rows: list[Block] = []
        row: list[Block] = []
        for index, token in enumerate(tokens):
            if token.type == "tr_open":
                row = []
            elif token.type == "inline":
                header = index > 0 and tokens[index - 1].type == "th_open"
                row.append(self.inline([token], (BOLD,) if header else ()))
            elif token.type == "tr_close":
                rows.append(joined(row, Run(" | ")))
        return joined(rows, NEWLINE)

    def inline(self, tokens: list[Token], base: tuple[Tag, ...] = ()) -> Block:
        runs: Block = []
        for token in tokens:
            if token.type == "inline":
                runs.extend(self._children(token.children or [], base))
        return runs

    def _children(self, children: list[Token], base: tuple[Tag, ...]) -> Block:
        runs: Block = []
        active: list[Tag] = list(base)
        for child in children:
            kind = child.type
            if kind in _FORMATS:
                active.append(_FORMATS[kind])
            elif kind in _CLOSES and _CLOSES[kind] in active:
                _remove_last(active, _CLOSES[kind])
            elif kind == "link_open":
                href = self._href(str(child.attrGet("href") or ""))
                active.append(Tag(LINK_RANK, "a", href) if href else Tag(LINK_RANK, "", ""))
            elif kind == "link_close":
                for position in range(len(active) - 1, -1, -1):
                    if active[position].rank == LINK_RANK:
                        del active[position]
                        break
            elif kind == "code_inline":
                inside_link = any(tag.name == "a" for tag in active)
                runs.append(Run(child.content, _tags(active) if inside_link else _code_tags(active)))
            elif kind == "softbreak":
                runs.append(Run(" ", _tags(active)))
            elif kind == "hardbreak":
                runs.append(Run("\n", _tags(active)))
            elif kind == "image":
                alt = "".join(grand.content for grand in child.children or []) or child.content
                runs.append(Run(alt, _tags(active)))
            elif child.content:  # text, and anything else that carries text
                runs.append(Run(child.content, _tags(active)))
        return runs

    def _href(self, href: str) -> str:
        if not href:
            return ""
        if not urlsplit(href).scheme and self.base_url:
            href = urljoin(self.base_url, href)
        return href if urlsplit(href).scheme.lower() in LINK_SCHEMES else ""


def _remove_last(active: list[Tag], tag: Tag) -> None:
    for position in range(len(active) - 1, -1, -1):
        if active[position] == tag:
            del active[position]
            return


def _tags(active: list[Tag]) -> tuple[Tag, ...]:
    """The formatting of a text run: known tags, each once, outermost first."""
    return tuple(sorted({tag for tag in active if tag.name}, key=lambda tag: tag.rank))


def _code_tags(active: list[Tag]) -> tuple[Tag, ...]:
    """Inline code takes no other formatting (Telegram forbids it), only an enclosing blockquote."""
    return (QUOTE, CODE) if QUOTE in active else (CODE,)


def _with(tags: tuple[Tag, ...], outer: Tag) -> tuple[Tag, ...]:
    if PRE in tags or outer in tags:  # a code block keeps only its own tags; blockquotes don't nest
        return tags
    return (outer, *tags)


# -- Cutting into messages ---------------------------------------------------------

_LINE = re.compile(r"[^\n]*\n+")
_WORD = re.compile(r"\S+\s*")


def _boundaries(text: str, level: int) -> list[int]:
    """Positions a block may be cut at: after each line, word or grapheme."""
    if level == 0:
        found = [match.end() for match in _LINE.finditer(text)]
    elif level == 1:
        found = [match.end() for match in _WORD.finditer(text)]
    else:
        found = [match.end() for match in regex.finditer(r"\X", text)]
    if not found or found[-1] != len(text):
        found.append(len(text))
    return found


def _slice(runs: list[Run], start: int, end: int) -> list[Run]:
    out, position = [], 0
    for run in runs:
        run_end = position + len(run.text)
        if run_end > start and position < end:
            out.append(Run(run.text[max(start, position) - position:min(end, run_end) - position], run.tags))
        position = run_end
    return out


def _trim(runs: list[Run]) -> list[Run]:
    """No blank lines at the start of a part, no whitespace at its end (code indentation is kept)."""
    runs = list(runs)
    while runs and not runs[0].text.strip("\n"):
        runs.pop(0)
    if runs:
        runs[0] = Run(runs[0].text.lstrip("\n"), runs[0].tags)
    while runs and not runs[-1].text.strip():
        runs.pop()
    if runs:
        runs[-1] = Run(runs[-1].text.rstrip(), runs[-1].tags)
    return runs


def split_block(block: Block, limit: int, level: int = 0) -> list[list[Run]]:
    """Cut one block into pieces that each fit `limit`, at the coarsest boundaries that allow it."""
    text = "".join(run.text for run in block)
    cuts = _boundaries(text, level)
    pieces: list[list[Run]] = []
    start = 0
    while start < len(text):
        first = bisect.bisect_right(cuts, start)
        low, high, best = first, len(cuts) - 1, -1
        while low <= high:  # the farthest cut whose piece still fits (fitting only shrinks as it grows)
            middle = (low + high) // 2
            if fits(_slice(block, start, cuts[middle]), limit):
                best, low = middle, middle + 1
            else:
                high = middle - 1
        if best >= 0:
            piece = _trim(_slice(block, start, cuts[best]))
            if piece:
                pieces.append(piece)
            start = cuts[best]
        elif level >= 2:  # a single grapheme wider than the limit: nothing finer to cut at
            pieces.append(_slice(block, start, cuts[first]))
            start = cuts[first]
        else:  # even the next line (word) is too long: cut it finer
            pieces.extend(split_block(_slice(block, start, cuts[first]), limit, level + 1))
            start = cuts[first]
    return pieces


def pack(blocks: list[Block], limit: int = MESSAGE_LIMIT) -> list[list[Run]]:
    """Blocks into as few messages as fit `limit`, each message whole blocks where possible."""
    messages: list[list[Run]] = []
    current: list[Run] = []
    for block in blocks:
        candidate = [*current, BLOCK_BREAK, *block] if current else list(block)
        if fits(candidate, limit):
            current = candidate
            continue
        if current:
            messages.append(current)
            current = []
        if fits(block, limit):
            current = list(block)
            continue
        pieces = split_block(block, limit)
        messages.extend(pieces[:-1])
        current = pieces[-1] if pieces else []
    if current:
        messages.append(current)
    return messages


def take(blocks: list[Block], limit: int) -> tuple[list[Run], list[Block]]:
    """As many leading whole blocks as fit one message of `limit`, and the blocks left over."""
    taken: list[Run] = []
    for index, block in enumerate(blocks):
        candidate = [*taken, BLOCK_BREAK, *block] if taken else list(block)
        if not fits(candidate, limit):
            return taken, blocks[index:]
        taken = candidate
    return taken, []


def append_block(messages: list[list[Run]], block: Block, limit: int = MESSAGE_LIMIT) -> list[list[Run]]:
    """`block` at the end of the last message, or as a message of its own when it does not fit."""
    if messages and fits([*messages[-1], BLOCK_BREAK, *block], limit):
        return [*messages[:-1], [*messages[-1], BLOCK_BREAK, *block]]
    return [*messages, list(block)]


def first_piece(block: Block, limit: int) -> list[Run]:
    """The opening of a block cut to `limit` at a word boundary, with an ellipsis when cut."""
    if fits(block, limit):
        return list(block)
    pieces = split_block(block, max(1, limit - 1), level=1)
    head = pieces[0] if pieces else []
    return [*head, Run("…")]


# -- Plain text ------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    start: int  # character offsets in the plain text
    end: int
    url: str


def plain_text(blocks: list[Block], *, show_urls: bool = False) -> tuple[str, list[Span]]:
    """Blocks as plain text (blank lines between them) and where each link's text is.

    With `show_urls`, a link whose text is not its address is followed by the address
    (Mastodon shows and shortens addresses itself; Bluesky links the text with a facet)."""
    text, spans = "", []
    for block in blocks:
        if text:
            text += "\n\n"
        for run in block:
            link = next((tag.attr for tag in run.tags if tag.name == "a"), "")
            if link and spans and spans[-1].url == link and spans[-1].end == len(text):
                spans[-1] = Span(spans[-1].start, len(text) + len(run.text), link)  # one link, several runs
            elif link:
                spans.append(Span(len(text), len(text) + len(run.text), link))
            text += run.text
    return _with_addresses(text, spans) if show_urls else (text, spans)


def _with_addresses(text: str, spans: list[Span]) -> tuple[str, list[Span]]:
    out, kept, position = "", [], 0
    for span in spans:
        out += text[position:span.end]
        if text[span.start:span.end].strip() != span.url:
            out += f" {span.url}"
        kept.append(Span(len(out) - len(span.url), len(out), span.url))
        position = span.end
    return out + text[position:], kept
