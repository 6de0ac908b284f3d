"""The byte-level shortcut for large Claude Code lines: a cut line parses to the same structure
as the whole line, except the cut values (emptied, or a head and a tail of the original)."""

from __future__ import annotations

import json

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from social_publisher.collect.elide import ELIDE_ABOVE, elide

ELLIPSIS = "\n…\n"
# Text that stresses the byte patterns: quotes, backslashes, JSON-looking fragments, non-ASCII.
tricky = st.text(alphabet=st.sampled_from(['"', "\\", ":", ",", "{", "}", "[", "]", "a", " ", "\n", "é", "ж",
                                           "\u2192", "😀", "\t", "u", "0"]), max_size=50)
fragments = st.sampled_from(['","is_error":', '":"', '"}}],"stop_reason":', '","signature":"', "\\u00e9", '\\"',
                             '","new_string":"', '"type":"text"'])
big_text = st.lists(tricky | fragments, min_size=1, max_size=30).map("".join).map(
    lambda text: (text * (1 + 9000 // max(1, len(text))))[:9000 + len(text) % 7])


def consistent(full, cut, path="") -> bool:
    """`cut` equals `full` except strings that were emptied or shortened to head + … + tail."""
    if isinstance(full, dict):
        return isinstance(cut, dict) and full.keys() == cut.keys() and all(
            consistent(full[k], cut[k], f"{path}.{k}") for k in full)
    if isinstance(full, list):
        return isinstance(cut, list) and len(full) == len(cut) and all(
            consistent(a, b, f"{path}[{i}]") for i, (a, b) in enumerate(zip(full, cut)))
    if isinstance(full, str) and isinstance(cut, str) and cut != full:
        if cut == "":
            return True
        head, _, tail = cut.partition(ELLIPSIS)
        return full.startswith(head) and full.endswith(tail) and len(head) + len(tail) > 100
    return full == cut


def line(kind: str, text: str, other: str, order: int) -> bytes:
    base = {"parentUuid": "p", "isSidechain": False, "cwd": "/home/dev/x", "sessionId": "s", "type": "user"}
    if kind == "result":
        block = {"tool_use_id": "toolu_1", "type": "tool_result", "content": text, "is_error": order % 2 == 0}
        extra_blocks = [] if order < 2 else [{"tool_use_id": "toolu_2", "type": "tool_result", "content": other}]
        message = {"role": "user", "content": [block, *extra_blocks]}
        copy = {"stdout": text if order % 3 else other, "stderr": ""}
        record = {**base, "message": message, "uuid": "u", "timestamp": "2026-11-20T10:00:00.000Z",
                  "toolUseResult": copy}
    elif kind == "thinking":
        blocks = [{"type": "thinking", "thinking": text, "signature": "RXE" * 100}]
        if order % 2:
            blocks.append({"type": "text", "text": other})
        record = {**base, "type": "assistant", "message": {"id": "m", "role": "assistant", "content": blocks,
                                                            "stop_reason": None}, "timestamp": "t"}
    else:
        tool_input = {"file_path": "/home/dev/x/a.py", "old_string": text, "new_string": other}
        if order % 2:
            tool_input = {"file_path": "/home/dev/x/b.py", "content": text}
        if order % 3 == 0:
            tool_input["replace_all"] = False
        record = {**base, "type": "assistant", "message": {
            "id": "m", "role": "assistant", "content": [{"type": "tool_use", "id": "t1",
                                                         "name": "Write" if order % 2 else "Edit",
                                                         "input": tool_input}],
            "stop_reason": None}, "timestamp": "t"}
    return json.dumps(record, ensure_ascii=order % 4 == 0, separators=(",", ":")).encode() + b"\n"


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(["result", "thinking", "tool_use"]), text=big_text, other=tricky | big_text,
       order=st.integers(0, 11))
def test_a_cut_line_parses_to_the_same_structure(kind, text, other, order):
    raw = line(kind, text, other, order)
    full = orjson.loads(raw)
    result = elide(raw)
    if result is None:
        return
    cut_line, sizes = result
    cut = orjson.loads(cut_line)
    assert consistent(full, cut), (raw[:300], cut_line[:300])
    assert len(cut_line) <= len(raw)
    assert all(size >= 0 for size in sizes.values())


def test_typical_lines_are_cut():
    text = ('x = call("a", 1)  # comment\n' * 400)
    for kind in ("result", "thinking", "tool_use"):
        raw = line(kind, text, "short", 1)
        assert len(raw) > ELIDE_ABOVE
        assert elide(raw) is not None, kind


@settings(suppress_health_check=[HealthCheck.large_base_example])
@given(data=st.binary(min_size=ELIDE_ABOVE, max_size=ELIDE_ABOVE + 200)
       | st.lists(fragments | tricky, max_size=400).map(lambda parts: "".join(parts).encode()))
def test_arbitrary_bytes_never_crash_the_shortcut(data):
    result = elide(data)
    assert result is None or len(result[0]) <= len(data)
