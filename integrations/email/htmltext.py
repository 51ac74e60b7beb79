"""Sanitise mail HTML for display and turn it into text for triage.

Mail HTML comes from strangers: it is cleaned with nh3 before anyone stores
or shows it (SPEC: shopper text is escaped or sanitised). The text version is
made from the *cleaned* HTML, so script and style contents never reach
triage, and an XML declaration cannot trip lxml inside inscriptis.
"""

from __future__ import annotations

import html as html_lib
import re

import nh3
from inscriptis import get_text

# ``cid:`` stays so the app can point inline images at stored attachments.
_URL_SCHEMES = set(nh3.ALLOWED_URL_SCHEMES) | {"cid"}
_ATTRIBUTES = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
_ATTRIBUTES["*"] = {"dir", "lang", "title", "align"}  # dir="rtl" matters for Arabic mail
_DROPPED_WITH_CONTENT = {"script", "style", "head", "title", "template", "noscript", "object", "iframe"}

_CLEANER = nh3.Cleaner(
    attributes=_ATTRIBUTES,
    clean_content_tags=_DROPPED_WITH_CONTENT,
    url_schemes=_URL_SCHEMES,
    link_rel="noopener noreferrer nofollow",
)
_BLANK_RUNS = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
MAX_HTML_CHARS = 5_000_000


def sanitize_html(html: str) -> str:
    """Return HTML safe to show to staff: no scripts, handlers, styles or foreign schemes."""
    try:
        return str(_CLEANER.clean(html[:MAX_HTML_CHARS]))
    except Exception:  # noqa: BLE001 - a display copy is never worth a lost mail
        return html_lib.escape(html[:MAX_HTML_CHARS])


def html_to_text(safe_html: str) -> str:
    """Readable text of already-sanitised HTML, keeping paragraphs and table layout."""
    if not safe_html.strip():
        return ""
    try:
        text = get_text(safe_html)
    except Exception:  # noqa: BLE001 - lxml refuses some inputs: strip tags instead
        text = html_lib.unescape(nh3.clean(safe_html, tags=set()))
    return tidy_text(text)


def tidy_text(text: str) -> str:
    """Drop trailing spaces and collapse runs of blank lines left by layout tables."""
    text = _TRAILING_SPACE.sub("\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _BLANK_RUNS.sub("\n\n", text).strip("\n")
