"""User text inside Markdown: shown as written, never as links, images, formulas or HTML.

The app renders network, facility and exchange names inside Markdown (headers, captions,
messages). A name such as ``![x](https://evil.example/track.png)`` or
``[click](javascript:alert(1))`` would otherwise become a remote image or a link, ``$x$`` a
formula, ``:red[x]`` coloured text, and a bare ``https://...`` an automatic link.
:func:`plain_markdown` backslash-escapes every ASCII punctuation character (CommonMark
allows escaping any of them, and the escape shows the character itself), so no Markdown,
Streamlit directive or automatic link can start, and folds line breaks and control
characters into spaces (a name stays on its line).
"""

from __future__ import annotations

import re
import string

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def plain_markdown(text: object) -> str:
    r"""``text`` escaped so that Markdown renders it literally, on one line.

    >>> print(plain_markdown("[a](b)"))
    \[a\]\(b\)
    """
    flat = _CONTROL.sub(" ", str(text))
    return _PUNCTUATION.sub(r"\\\1", flat)
