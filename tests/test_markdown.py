"""User text inside the app's Markdown renders literally: no image, link, formula or HTML."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from lcasym.presentation.markdown import plain_markdown

HOSTILE_NAMES = [
    "![tracker](https://evil.example/pixel.png)",
    "[click me](javascript:alert(1))",
    "<img src=x onerror=alert(1)>",
    "<https://evil.example>",
    "**bold** _it_ `code` # not a header",
    "$E = mc^2$ and :red[coloured] :material/warning:",
    "line one\nline two\r\n- not a list",
    "back\\slash [ok] (fine) 50% & more | pipes",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_markdown_shows_the_text_as_written(name):
    html = MarkdownIt("commonmark").render(plain_markdown(name))
    assert "<a" not in html and "<img" not in html and "<em>" not in html
    assert "<strong>" not in html and "<code>" not in html and "<h1>" not in html
    assert "<ul>" not in html
    # The paragraph holds the text itself, one line (line breaks become spaces).
    text = html.removeprefix("<p>").removesuffix("</p>\n")
    unescaped = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    unescaped = unescaped.replace("&amp;", "&")
    assert unescaped == re.sub(r"[\x00-\x1f]+", " ", name)


def test_no_automatic_links():
    # Streamlit's Markdown also turns bare URLs into links (GFM autolinks): the scheme is
    # broken up by escapes, so no linkifier sees "https://".
    assert "https://" not in plain_markdown("see https://evil.example")
    assert "www." not in plain_markdown("www.evil.example")
