"""Cheap byte-level shortcuts: cut the large string values a story never needs (tool outputs,
thinking blocks, written file contents) out of a raw Claude Code line before it is parsed.

Why a cut is exact. Inside a JSON string every `"` is escaped as `\\"`, so a byte pattern in
which a quote follows a non-backslash byte (`":"`, `","is_error":`) can only be JSON structure,
never string content. A value's body starts after an opening pattern (`"content":"`) and is
looked for up to `first`, the next `":"` (a key with a string value). A closing pattern
(`","is_error":`, `"}}],"stop_reason":`) found before `first` begins with a quote that closes
a string which is a value (not a key: a comma or brace follows) and has no `":"` before it
after the opening: in valid JSON that string can only be the body itself. So the cut removes
exactly one string body — never a neighbouring key or block.

A cut keeps a head and a tail of a tool output, trimmed so that no escape sequence or UTF-8
character is split. Anything unexpected (a pattern missing, another key order) means no
shortcut, and the caller parses the whole line; so does a parse error after a cut. One
difference remains: a line whose only defect lies inside a value that is cut (say, a stray
invalid byte in a tool output) is read rather than reported.

`elide(line)` returns (smaller line, {what was cut: its size in bytes}) or None. `ends_of_string`
keeps the same head and tail of one raw string value (the collector's typed decoder hands over a
large tool output raw, unparsed), so both ways store the same output.
"""

from __future__ import annotations

import orjson

ELIDE_ABOVE = 4096  # shorter lines are parsed whole: looking for cuts would not pay
HEAD_WINDOW = 3072  # a content block's type sits near the start of a line: looked for only there
KEEP = 1200  # bytes kept of each end of a tool output (the collector keeps 300 characters of each)
_KEY_WITH_STRING = b'":"'
_RESULT = b'"type":"tool_result","content":"'
_RESULT_END = (b'","is_error":',)
_THINKING = b'"type":"thinking","thinking":"'
_SIGNATURE = b'","signature":"'
_TOOL_USE = b'"type":"tool_use"'
_FILE_PATH = b'"file_path":"'
_INPUT_FIELDS = {  # large tool_use inputs and what closes them, per tool
    b'"name":"Write"': ((b'"content":"', (b'"}}],"stop_reason":',)),),
    b'"name":"Edit"': ((b'"old_string":"', (b'","new_string":"',)),
                       (b'"new_string":"', (b'"}}],"stop_reason":', b'","replace_all":'))),
}
_COPY = b',"toolUseResult":{'  # the output again: Bash stdout, Read file content
_RESULT_COPIES = (
    (b'"stdout":"', (b'","stderr":"',)),
    (b'"content":"', (b'","numLines":',)),
)
_BACKSLASH, _QUOTE = 0x5C, 0x22
_ELLIPSIS = b"\\n\xe2\x80\xa6\\n"  # "\n…\n" between the head and the tail of a cut output


def elide(line: bytes) -> tuple[bytes, dict[str, int]] | None:
    if len(line) < ELIDE_ABOVE:
        return None
    if (start := _after(line, _RESULT, 0, HEAD_WINDOW)) >= 0:
        return _tool_result(line, start)
    if (start := _after(line, _THINKING, 0, HEAD_WINDOW)) >= 0:
        return _thinking(line, start)
    if line.find(_TOOL_USE, 0, HEAD_WINDOW) >= 0:
        return _tool_use(line)
    return None


def _after(line: bytes, pattern: bytes, start: int = 0, end: int | None = None) -> int:
    found = line.find(pattern, start, end)
    return found + len(pattern) if found >= 0 else -1


def _closing(line: bytes, start: int, endings: tuple[bytes, ...]) -> int:
    """End of the string body that begins at `start`, if one of `endings` closes it; else -1.

    One scan, for `first` (see the module docstring); an ending that itself holds `":"` can only
    be the one at `first`, any other is looked for backwards from `first`.
    """
    if start < 0:
        return -1
    first = line.find(_KEY_WITH_STRING, start)
    if first < 0:
        first = len(line)
    best = -1
    for ending in endings:
        inner = ending.find(_KEY_WITH_STRING)
        if inner >= 0:
            found = first - inner if first - inner >= start and line.startswith(ending, first - inner) else -1
        else:
            found = line.rfind(ending, start, first)
        if found >= 0 and (best < 0 or found < best):
            best = found
    return best


def _tool_result(line: bytes, start: int) -> tuple[bytes, dict[str, int]] | None:
    end = _closing(line, start, _RESULT_END)
    if end < 0:
        return None
    size = end - start
    parts = [line[:start], _ends(line, start, end)]
    rest = end
    copy = _copy_of(line, start, end)
    if copy >= 0:
        parts.append(line[rest:copy])
        rest = copy + size
    elif (copy := _after(line, _COPY, rest, rest + HEAD_WINDOW)) >= 0:
        for opening, endings in _RESULT_COPIES:  # at most one of them, near the start of the copy
            value = _after(line, opening, copy, copy + HEAD_WINDOW)
            close = _closing(line, value, endings)
            if close >= 0:
                parts.append(line[rest:value])
                rest = close
                break
    parts.append(line[rest:])
    return b"".join(parts), {"tool_result": size}


def _copy_of(line: bytes, start: int, end: int) -> int:
    """Start of an exact copy of the string body line[start:end] later in the line; else -1."""
    size = end - start
    if size < 2 * KEEP:
        return -1
    found = line.find(line[start:start + 64], end)
    if found < 2 or line[found - 1] != _QUOTE or line[found - 2] == _BACKSLASH:
        return -1
    if found + size >= len(line) or line[found + size] != _QUOTE or line[found:found + size] != line[start:end]:
        return -1
    return found


def _thinking(line: bytes, start: int) -> tuple[bytes, dict[str, int]] | None:
    end = _closing(line, start, (_SIGNATURE,))
    if end < 0:
        return None
    signature = end + len(_SIGNATURE)
    signature_end = line.find(b'"', signature)  # base64: no quote, no backslash inside
    if signature_end < 0 or line.find(b"\\", signature, signature_end) >= 0:
        return None
    return line[:start] + line[end:signature] + line[signature_end:], {"thinking": end - start}


def _tool_use(line: bytes) -> tuple[bytes, dict[str, int]] | None:
    """Cut Write/Edit file contents; only when the file path comes first (it is what is kept)."""
    fields = next((fields for name, fields in _INPUT_FIELDS.items() if line.find(name, 0, HEAD_WINDOW) >= 0), None)
    path = line.find(_FILE_PATH, 0, HEAD_WINDOW + 1024) if fields else -1
    if path < 0:
        return None
    parts, rest, cut = [], path, 0
    for opening, endings in fields:
        value = _after(line, opening, rest)
        close = _closing(line, value, endings)
        if close >= 0:
            parts.append(line[rest:value])
            cut += close - value
            rest = close
    if not cut:
        return None
    return line[:path] + b"".join(parts) + line[rest:], {"tool_input": cut}


def ends_of_string(value: bytes) -> bytes | None:
    """A raw JSON string (quotes included) cut as `elide` cuts a tool output; None for another value."""
    if len(value) < 2 or value[0] != _QUOTE or value[-1] != _QUOTE:
        return None
    return b'"' + _ends(value, 1, len(value) - 1) + b'"'


def _ends(line: bytes, start: int, end: int) -> bytes:
    """Head and tail of the string body line[start:end], cut on escape and character boundaries."""
    if end - start <= 2 * KEEP:
        return line[start:end]
    head_end = _boundary_before(line, start + KEEP, start)
    tail_start = _boundary_after(line, end - KEEP, end)
    head, tail = line[start:head_end], line[tail_start:end]
    # Escapes and UTF-8 characters are whole by now; only a \uXXXX surrogate pair can be split.
    if head.find(b"\\u", len(head) - 12) >= 0 and not _is_string_body(head):
        head = head[:-6] if _is_string_body(head[:-6]) else b""
    if tail.find(b"\\u", 0, 12) >= 0 and not _is_string_body(tail):
        tail = tail[6:] if _is_string_body(tail[6:]) else b""
    return head + _ELLIPSIS + tail


def _is_string_body(body: bytes) -> bool:
    try:
        orjson.loads(b'"' + body + b'"')
    except orjson.JSONDecodeError:
        return False
    return True


def _boundary_before(line: bytes, position: int, floor: int) -> int:
    """The latest position <= `position` where an escape sequence or a UTF-8 character begins."""
    backslash = line.rfind(b"\\", max(floor, position - 6), position)
    if backslash >= 0 and _starts_escape(line, backslash, floor):
        if backslash + _escape_length(line, backslash) > position:
            position = backslash  # the escape straddles `position`: cut before it
    while position > floor and 0x80 <= line[position] <= 0xBF:
        position -= 1
    return position


def _boundary_after(line: bytes, position: int, ceiling: int) -> int:
    """The earliest position >= `position` where an escape sequence or a UTF-8 character begins."""
    backslash = line.rfind(b"\\", max(0, position - 6), position)
    if backslash >= 0:
        if _starts_escape(line, backslash, 0):
            position = max(position, backslash + _escape_length(line, backslash))
        else:  # the second backslash of an escaped one
            position = max(position, backslash + 1)
    while position < ceiling and 0x80 <= line[position] <= 0xBF:
        position += 1
    return position


def _starts_escape(line: bytes, backslash: int, floor: int) -> bool:
    """Whether the backslash at `backslash` begins an escape: an even number of backslashes precede it."""
    before = line[floor:backslash]
    return (len(before) - len(before.rstrip(b"\\"))) % 2 == 0


def _escape_length(line: bytes, backslash: int) -> int:
    return 6 if line[backslash + 1:backslash + 2] == b"u" else 2
