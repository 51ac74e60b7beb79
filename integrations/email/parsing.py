"""The stdlib parser with ``policy.default``, made unable to raise on a header.

``policy.default`` builds a typed header object each time a header is read,
and on some real mail that construction raises (RFC 2231 parameters in
iso-2022-jp that do not decode, ``To: group:;`` shapes), even from inside
``parsebytes`` when the parser asks for the Content-Type. This policy keeps
everything of ``policy.default`` but, when building the header object
fails, hands back the unfolded raw string, which the ``Message`` methods we
use (content type, parameters, file name) accept as well.
"""

from __future__ import annotations

import re
from email.message import Message
from email.parser import BytesParser
from email.policy import EmailPolicy
from functools import lru_cache
from typing import Any

_LEADING_JUNK = re.compile(rb"\A(?:\xef\xbb\xbf)?(?:[ \t]*\r?\n)+(?=[!-9;-~]+:)")


class TolerantPolicy(EmailPolicy):
    """``policy.default`` whose header access falls back to the raw text instead of raising.

    Parsed headers are cached: the parser and ``get_content_type`` ask for the
    same Content-Type many times, and the stdlib rebuilds it each time (header
    objects are immutable, so sharing them is safe).
    """

    def header_fetch_parse(self, name: str, value: str) -> Any:
        """Parse as the default policy does; on failure return the raw value, unfolded."""
        if not isinstance(value, str) or hasattr(value, "name") or len(value) > 2000:
            return self._parse_uncached(name, value)
        return _cached_parse(self, name.lower(), value)

    def _parse_uncached(self, name: str, value: str) -> Any:
        """The default parse, or the unfolded raw value when it raises."""
        try:
            return super().header_fetch_parse(name, value)
        except Exception:  # noqa: BLE001 - never raise on mail input
            return re.sub(r"\r?\n[ \t]*|\r[ \t]*", " ", str(value)).strip()


@lru_cache(maxsize=2048)
def _cached_parse(policy: TolerantPolicy, name: str, value: str) -> Any:
    """Memoised :meth:`TolerantPolicy._parse_uncached`."""
    return policy._parse_uncached(name, value)


POLICY = TolerantPolicy()


def parse_bytes(raw: bytes) -> Message | None:
    """Parse raw mail bytes; None when even the tolerant parser gives up."""
    try:
        return BytesParser(policy=POLICY).parsebytes(_LEADING_JUNK.sub(b"", raw[:4096]) + raw[4096:])
    except Exception:  # noqa: BLE001 - never raise on mail input
        return None


def parse_headers_only(raw: bytes) -> Message | None:
    """Parse only the header block: the last resort when the body breaks the parser."""
    try:
        return BytesParser(policy=POLICY).parsebytes(raw, headersonly=True)
    except Exception:  # noqa: BLE001 - never raise on mail input
        return None
