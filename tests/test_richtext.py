"""Markdown to Telegram HTML and the cutting of a post into messages (publish/richtext.py)."""

from __future__ import annotations

import re

from hypothesis import given, settings, strategies as st

from fakes.telegram_server import parse_html, units
from social_publisher.publish import richtext as rt


def html_parts(markdown: str, limit: int = rt.MESSAGE_LIMIT, **kwargs) -> list[str]:
    return [rt.to_html(part) for part in rt.pack(rt.markdown_blocks(markdown, **kwargs), limit)]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_commonmark_becomes_telegram_html():
    markdown = ("# A heading\n\nSome **bold**, *italic*, ~~gone~~, `x < y && z > 0` and a [link](https://e.org/a?b=1&c=2)."
                "\n\n- first\n- second\n  1. nested\n\n> quoted `code`\n\n```python\nif a < b:\n    print('&')\n```\n\n"
                "<script>alert(1)</script> & <b>raw</b>")
    [html] = html_parts(markdown)
    assert html == (
        "<b>A heading</b>\n\n"
        "Some <b>bold</b>, <i>italic</i>, <s>gone</s>, <code>x &lt; y &amp;&amp; z &gt; 0</code> and a "
        '<a href="https://e.org/a?b=1&amp;c=2">link</a>.\n\n'
        "• first\n• second\n   1. nested\n\n"
        "<blockquote>quoted <code>code</code></blockquote>\n\n"
        '<pre><code class="language-python">if a &lt; b:\n    print(\'&amp;\')</code></pre>\n\n'
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;raw&lt;/b&gt;"
    )
    parse_html(html)


def test_only_tags_and_nesting_telegram_accepts():
    markdown = "**bold `code` and [a `linked` word](https://e.org)** then ![alt text](https://e.org/i.png)"
    [html] = html_parts(markdown)
    parse_html(html)  # code never inside <b> or <a>
    assert "<b><code>" not in html and "<a" in html and "alt text" in html and "<img" not in html


def test_relative_links_become_absolute_and_unknown_schemes_are_dropped():
    [html] = html_parts("[next](other.html) [bad](javascript:alert(1)) [file](file:///etc/passwd)",
                        base_url="https://blog.example/en/post.html")
    assert '<a href="https://blog.example/en/other.html">next</a>' in html
    assert re.findall(r'href="([^"]*)"', html) == ["https://blog.example/en/other.html"]


def test_a_leading_heading_that_repeats_the_title_is_dropped():
    blocks = rt.markdown_blocks("# Faster tests!\n\nBody.", title="Faster tests")
    assert [rt.to_html(block) for block in blocks] == ["Body."]


LONG_POST = "\n\n".join([
    "## Миграция на новый планировщик 🚀",
    "Сегодня я переписал планировщик задач: раньше он держал всё в памяти, теперь — в SQLite. "
    "Проверка заняла 12 минут, а 😀👍🏽👨‍👩‍👧‍👦 эмодзи занимают по два кода UTF-16 и больше. " * 12,
    "```python\n" + "\n".join(f"def step_{n}(x):  # шаг {n} 🧪\n    return x < {n} and x & 1" for n in range(120))
    + "\n```",
    "**" + ("Очень длинный жирный абзац без переносов строк, который не влезает в одно сообщение. 🐍 " * 70).strip()
    + "**",
    "- пункт списка с [ссылкой](https://example.org/путь?a=1&b=2) и `кодом <тег>`\n" * 40,
    "Последний абзац. 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝔣𝔯𝔞𝔨𝔱𝔲𝔯.",
])


def test_a_long_post_splits_by_utf16_units_on_paragraph_boundaries():
    parts = html_parts(LONG_POST)
    assert len(parts) >= 5
    whole_text = parse_html(rt.to_html(rt.joined(rt.markdown_blocks(LONG_POST), rt.BLOCK_BREAK)))
    for part in parts:
        assert units(part) <= rt.MESSAGE_LIMIT  # the HTML as sent, stricter than Telegram's count
        part.encode("utf-16-le")  # strict: a lone surrogate (a cut emoji) would raise here
        assert units(parse_html(part)) <= rt.MESSAGE_LIMIT  # and every part parses, tags balanced
    assert squeeze("".join(parse_html(part) for part in parts)) == squeeze(whole_text)  # nothing lost or repeated
    # the code block is cut at line boundaries, each piece a complete <pre><code>
    code_lines = set(LONG_POST.split("```python\n")[1].split("\n```")[0].splitlines())
    code_parts = [part for part in parts if "def step_" in part]
    assert len(code_parts) >= 2
    for part in code_parts:
        body = part[part.index('<pre><code class="language-python">'):]
        assert body.count("<pre>") == body.count("</pre>") == 1 and body.endswith("</code></pre>")
        assert set(parse_html(body).splitlines()) <= code_lines  # whole lines only
    # the bold paragraph longer than a message is cut at words, its <b> closed and reopened
    bold_parts = [part for part in parts if "Очень длинный" in part]
    assert len(bold_parts) >= 2
    for part in bold_parts:
        for match in re.finditer("Очень длинный", part):
            before = part[:match.start()]
            assert before.count("<b>") == before.count("</b>") + 1  # inside an open <b>
    # emoji sequences stay whole
    assert all(part.count("👨‍👩‍👧‍👦") == part.count("👨") for part in parts)


def test_a_paragraph_cut_at_words_keeps_its_formatting_on_both_sides():
    paragraph = "**" + " ".join(f"слово{n}" for n in range(400)) + "**"
    parts = html_parts(paragraph, limit=300)
    assert len(parts) > 5
    for part in parts:
        assert part.startswith("<b>") and part.endswith("</b>") and units(part) <= 300
        parse_html(part)
    assert " ".join(parse_html(part) for part in parts).split() == [f"слово{n}" for n in range(400)]


def test_a_word_longer_than_a_message_is_cut_between_graphemes():
    emoji = "👍🏽" * 50 + "🇷🇺" * 50  # skin-tone and flag sequences: two code points, four UTF-16 units each
    parts = html_parts(emoji, limit=30)
    assert "".join(parts) == emoji
    for part in parts:
        assert units(part) <= 30
        assert not part.startswith("🏽") and len(part) % 2 == 0  # a cluster is never split


def test_text_and_caption_helpers():
    blocks = rt.markdown_blocks("First paragraph.\n\nSecond paragraph that is rather long. " * 3)
    taken, rest = rt.take(blocks, 40)
    assert rt.to_html(taken) == "First paragraph." and rest == blocks[1:]
    head = rt.first_piece([rt.Run("one two three four five six", (rt.BOLD,))], 16)
    assert rt.to_html(head) == "<b>one two</b>…" and units(rt.to_html(head)) <= 16


MARKDOWN_PIECES = st.sampled_from([
    "word ", "слово ", "😀", "👨‍👩‍👧", "<tag>", "&amp;", "&", " > ", "**b** ", "*i* ", "`c<d>` ", "[l](https://e.org/x) ",
    "\n", "\n\n", "\n\n```\ncode < 1\nmore\n```\n\n", "\n\n- item\n- item2\n\n", "\n\n# Head\n\n", "𝔘",
])


@settings(max_examples=120, deadline=None)
@given(st.lists(MARKDOWN_PIECES, min_size=1, max_size=120), st.integers(min_value=60, max_value=400))
def test_any_markdown_splits_into_parts_that_parse_fit_and_lose_nothing(pieces, limit):
    markdown = "".join(pieces)
    blocks = rt.markdown_blocks(markdown)
    whole = parse_html(rt.to_html(rt.joined(blocks, rt.BLOCK_BREAK))) if blocks else ""
    parts = [rt.to_html(part) for part in rt.pack(blocks, limit)]
    for part in parts:
        assert units(part) <= limit
        part.encode("utf-16-le")
        parse_html(part)
    assert squeeze("".join(parse_html(part) for part in parts)) == squeeze(whole)
