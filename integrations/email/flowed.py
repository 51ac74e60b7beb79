"""Undo ``format=flowed`` (RFC 3676) soft line breaks.

Apple Mail and Thunderbird wrap long lines with a trailing space and expect
the reader to join them. Joining matters here because quote detection works
line by line: a reply header ("Le ... a écrit :") cut in two is easier to
recognise once whole, and a sentence should not look like two.
"""

from __future__ import annotations

SIGNATURE_SEPARATOR = "-- "


def unflow(text: str, *, delsp: bool = False) -> str:
    """Join soft-broken lines of the same quote depth; hard breaks stay."""
    out: list[str] = []
    pending: str | None = None
    pending_depth = -1
    for line in text.split("\n"):
        depth, content = _split_quote(line)
        if pending is not None and depth == pending_depth and content:
            content = pending + content
        elif pending is not None:
            out.append(_render(pending_depth, pending))
        pending = None
        if content.endswith(" ") and content != SIGNATURE_SEPARATOR:
            pending, pending_depth = (content[:-1] if delsp else content), depth
        else:
            out.append(_render(depth, content))
    if pending is not None:
        out.append(_render(pending_depth, pending))
    return "\n".join(out)


def _split_quote(line: str) -> tuple[int, str]:
    """Quote depth and content, with space-stuffing removed."""
    depth = len(line) - len(line.lstrip(">"))
    content = line[depth:]
    content = content.removeprefix(" ")
    return depth, content


def _render(depth: int, content: str) -> str:
    """Rebuild a line with its quote markers."""
    if depth:
        return ">" * depth + " " + content
    return content
