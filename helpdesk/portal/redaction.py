"""Portal tokens stay out of logs (SPEC 7.1): an access log line shows `/portal/<redacted>` instead.

A portal URL is a bearer secret: whoever reads it opens the ticket. Web
servers log request paths, so `helpdesk serve` uses `RedactingLogger`
(gunicorn's `logger_class`) and anything else that logs a path can call
`redact_tokens`.
"""
from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

_PORTAL_TOKEN = re.compile(r"(/portal/)(?!link\b)[^/?#\s\"]+")
REDACTED = r"\1<redacted>"


def redact_tokens(text: str) -> str:
    return _PORTAL_TOKEN.sub(REDACTED, text)


class RedactingLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger whose access-log atoms (request line, path, referer) carry no portal token."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "f", "{raw_uri}e", "{path_info}e"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact_tokens(atoms[key])
        return atoms
