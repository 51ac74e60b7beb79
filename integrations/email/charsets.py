"""Turn bytes from a mail into text, whatever charset the sender claimed.

Mail clients lie about charsets all the time: ``us-ascii`` bodies full of
UTF-8, ``iso-8859-1`` that is really windows-1252, names Python does not know
(``x-unknown``, ``iso-8859-8-i``, ``ks_c_5601-1987``). A helpdesk must still
show the shopper's words, so decoding never raises: it tries the declared
charset, then UTF-8, then the message's other charsets, then detection with
charset-normalizer, and finally windows-1252 with replacement characters.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from dataclasses import dataclass

from charset_normalizer import from_bytes

# Label -> Python codec, following the WHATWG Encoding Standard where mail
# clients follow browsers (latin-1 labels mean windows-1252 in practice).
_ALIASES: dict[str, str] = {
    "us-ascii": "ascii",
    "ansi_x3.4-1968": "ascii",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "iso-8859-9": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "iso-8859-8-i": "iso8859_8",
    "iso-8859-6-i": "iso8859_6",
    "iso-8859-6-e": "iso8859_6",
    "iso-8859-8-e": "iso8859_8",
    "utf8": "utf-8",
    "uft-8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "unicode-1-1-utf-7": "utf-7",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "euc-kr": "cp949",
    "gb2312": "gb18030",
    "iso-gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "x-sjis": "cp932",
    "sjis": "cp932",
    "x-mac-cyrillic": "mac_cyrillic",
    "x-mac-roman": "mac_roman",
    "macintosh": "mac_roman",
    "windows-874": "cp874",
}

# Labels that carry no information: decode as if nothing was declared.
_UNKNOWN = {"x-unknown", "unknown", "unknown-8bit", "x-user-defined", "default", "charset", "none"}

# Codecs that are not character sets of mail text, even though Python knows them.
_REFUSED = {"unicode_escape", "raw_unicode_escape", "punycode", "idna", "undefined", "mbcs", "oem"}

# 7-bit encodings: pure-ASCII bytes are meaningful in them, so no fast path.
_SEVEN_BIT = {"utf-7", "iso2022_jp", "iso2022_jp_2", "iso2022_kr", "hz"}

_LATIN_GUESSES = {"cp1250", "cp1257", "iso8859_2", "iso8859_15", "latin_1", "mac_roman", "iso8859_13",
                  "iso8859_4", "iso8859_10", "iso8859_16", "cp850", "cp437", "iso8859_3", "iso8859_14"}


# Below this many 8-bit bytes detection is guesswork: the message's other charsets are a better bet.
MIN_DETECTION_BYTES = 8


@dataclass(frozen=True)
class Decoded:
    """Text plus how it was obtained, so a caller can record a defect."""

    text: str
    charset: str
    note: str | None = None


def codec_for(label: str | None) -> str | None:
    """Map a declared charset label to a Python codec name, or None when unusable."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    if not name or name in _UNKNOWN or len(name) > 40:
        return None
    name = _ALIASES.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return None
    if info.name.replace("-", "_") in _REFUSED or not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def decode_bytes(data: bytes, declared: str | None = None, *, hints: Iterable[str | None] = ()) -> Decoded:
    """Decode ``data`` without raising: declared charset first, then fallbacks."""
    codec = codec_for(declared)
    if data.isascii() and codec not in _SEVEN_BIT:
        return Decoded(data.decode("ascii"), "ascii")
    if codec is not None:
        decoded = _try_declared(data, codec, declared or "")
        if decoded is not None:
            return decoded
    if codec == "utf-8":
        lenient = data.decode("utf-8", errors="replace")
        if lenient.count("\ufffd") - data.count(b"\xef\xbf\xbd") <= max(3, len(lenient) // 200):
            return Decoded(lenient, "utf-8", "a few invalid UTF-8 bytes were replaced")
    note = f"charset {declared!r} could not decode the bytes" if declared else None
    return _guess(data, hints, note)


def _try_declared(data: bytes, codec: str, label: str) -> Decoded | None:
    """Use the declared codec unless the bytes fail it or are plainly UTF-8."""
    unicode_or_7bit = codec in ("utf-8", "utf-8-sig", "utf-16", "utf-32") or codec in _SEVEN_BIT
    if not unicode_or_7bit and not data.isascii() and _is_utf8(data):
        return Decoded(data.decode("utf-8"), "utf-8", f"declared {label!r} but the bytes are UTF-8")
    try:
        return Decoded(data.decode(codec), codec)
    except (UnicodeDecodeError, LookupError, ValueError):
        return None


def _guess(data: bytes, hints: Iterable[str | None], note: str | None) -> Decoded:
    """Find a charset for undeclared or mis-declared bytes."""
    if _is_utf8(data):
        return Decoded(data.decode("utf-8"), "utf-8", note)
    detected = _detect(data) if _non_ascii_count(data) >= MIN_DETECTION_BYTES else None
    if detected is not None:
        return Decoded(detected[0], detected[1], note or f"charset detected as {detected[1]}")
    for hint in hints:
        codec = codec_for(hint)
        if codec and codec not in ("utf-8", "utf-8-sig", "ascii"):
            try:
                return Decoded(data.decode(codec), codec, note)
            except (UnicodeDecodeError, LookupError, ValueError):
                continue
    return Decoded(data.decode("cp1252", errors="replace"), "cp1252", note or "charset unknown")


def _non_ascii_count(data: bytes) -> int:
    """How many bytes carry charset information; a few bytes are too little to detect from."""
    return len(data) - len(data.translate(None, bytes(range(128))))


def _detect(data: bytes) -> tuple[str, str] | None:
    """Ask charset-normalizer; prefer windows-1252 over other Latin guesses (our shoppers write French)."""
    try:
        best = from_bytes(data[:200_000]).best()
    except Exception:  # noqa: BLE001 - a heuristic must never take ingestion down
        return None
    if best is None:
        return None
    codec = codec_for(best.encoding) or "cp1252"
    if codec in _LATIN_GUESSES:
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    return data.decode(codec, errors="replace"), codec


def _is_utf8(data: bytes) -> bool:
    """True when ``data`` is valid UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


_SURROGATES = re.compile("[\udc80-\udcff]+")
_BAD_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def repair_surrogates(text: str, hints: Iterable[str | None] = ()) -> str:
    """Decode runs of raw 8-bit bytes that the stdlib kept as surrogate escapes."""
    if not _SURROGATES.search(text):
        return text
    hint_list = list(hints)

    def fix(match: re.Match[str]) -> str:
        raw = bytes(ord(ch) - 0xDC00 for ch in match.group(0))
        return decode_bytes(raw, None, hints=hint_list).text

    return _SURROGATES.sub(fix, text)


def clean_text(text: str) -> str:
    """Make text safe to store: no NUL or stray control characters, valid UTF-8."""
    text = _BAD_CONTROLS.sub("", text.replace("\x00", ""))
    return text.encode("utf-8", errors="replace").decode("utf-8")
