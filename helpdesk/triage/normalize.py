"""Text normalisation for triage features.

Shoppers write the same word many ways (accents or not, ``svpppp``, Arabic
letter variants, order numbers that differ on every ticket). Folding those
variants before vectorising lets a small corpus generalise: the model learns
``colis`` once instead of ``colis``/``côlis``/``COLIS``, and never learns that
order ``#10432`` means anything.
"""

from __future__ import annotations

import re
import unicodedata

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
# Which account a post tags says who was addressed, not what went wrong: a
# faulty phone and a rude shop assistant are both tagged @brand. Keeping the
# name would let the model learn brand -> category from whichever brands the
# corpus happened to pair with each category.
# The one thing a handle does say: a carrier was tagged, so delivery is at stake.
_MENTION = re.compile(r"(?<!\w)@(\w{1,30})")
_CARRIER = re.compile(
    r"(?:ups|fedex|usps|dhl|royalmail|hermes|evri|dpd|gls|tnt|yodel|parcelforce|canadapost|auspost|ontrac|lasership"
    r"|colissimo|chronopost|laposte|mondialrelay|relaiscolis|aramex|amana|amazonlogistics)"
    r"(?:_?(?:help|support|care|customercare|uk|us|usa|fr|ma|express|parcels|news))*",
    re.IGNORECASE,
)
_ORDER = re.compile(
    r"#\s?[\w-]*\d[\w-]*|\bn[°º]\s*\d[\w-]*|\b[a-z]{2,5}[-_]\d{3,}\b|\b\d{3,}(?:-\d{2,})+\b",
    re.IGNORECASE,
)
# Digits glued to letters are Darija letters (m3a, 7ta, 9rib): keep them.
_NUMBER = re.compile(r"(?<![^\W\d_])\d+(?:[.,:/h]\d+)*(?![^\W\d_])")
_REPEAT = re.compile(r"(.)\1{2,}")
_SPACES = re.compile(r"\s+")
_HTML_ENTITY = re.compile(r"&(?:amp|quot|lt|gt|#39|nbsp);")

_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
        "ى": "ي", "ئ": "ي", "ؤ": "و", "ة": "ه",
        "ـ": None,  # tatweel
        "گ": "ك", "ڭ": "ك", "ک": "ك", "ی": "ي", "ڤ": "ف", "پ": "ب",
    }
)
_EASTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


_REPLY_HEADER = re.compile(
    r"^\s*(?:-{2,}\s*(?:original message|message d'origine|message initial)\s*-{2,}"
    r"|(?:le|on)\b.{0,80}\b(?:a écrit|wrote)\s*:?"
    r"|(?:de|from)\s?:.*\n\s*(?:envoyé|sent|date|objet|subject|à|to)\s?:)",
    re.IGNORECASE | re.MULTILINE,
)


_FORWARD = re.compile(r"^.*(?:forwarded message|message transféré|fwd?:|tr :).*$", re.IGNORECASE | re.MULTILINE)


def strip_quoted(body: str) -> str:
    """Drop ``>`` lines and everything after a reply header below some new text.

    The intake removes quoted history before triage; this is a cheap second
    line of defence so a stray quote of another topic does not steer the
    category. A header at the very top (a forwarded message) is kept, since
    the forwarded text is then the message itself.
    """
    lines = [line for line in body.splitlines() if not line.lstrip().startswith(">")]
    text = "\n".join(lines)
    for match in _REPLY_HEADER.finditer(text):
        if _FORWARD.sub("", text[: match.start()]).strip():
            return text[: match.start()].rstrip()
    return text


def _strip_marks(text: str) -> str:
    """Drop combining marks (Latin accents, Arabic harakat), keep base letters."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def mask(text: str) -> str:
    """Replace identifiers that vary per ticket by stable placeholder words."""
    text = _HTML_ENTITY.sub(" ", text)
    text = _URL.sub(" zurl ", text)
    text = _EMAIL.sub(" zmail ", text)
    text = _MENTION.sub(lambda m: " zat zcarrier " if _CARRIER.fullmatch(m.group(1)) else " zat ", text)
    text = _ORDER.sub(" zorder ", text)
    return _NUMBER.sub(" znum ", text)


def normalize(text: str) -> str:
    """Fold a message to the form the vectorisers see.

    Lowercase, Arabic letter variants folded, accents and harakat dropped,
    runs of 3+ identical characters cut to two, identifiers masked.
    """
    text = unicodedata.normalize("NFKC", text).translate(_EASTERN_DIGITS)
    text = text.lower().translate(_ARABIC_FOLD)
    text = _strip_marks(text).replace("œ", "oe").replace("æ", "ae")
    text = mask(text)
    text = _REPEAT.sub(r"\1\1", text)
    return _SPACES.sub(" ", text).strip()


# A negator, an optional filler word, then the word it negates ("pas abime", "isn't damaged", "لم يصل").
_NEGATED = re.compile(
    r"(?:\b(?:not|never|no|pas|jamais|sans|aucun|aucune|rien|machi|mashi|ma|لا|لم|لن|ليس|ليست|غير|بدون)|n['’]t)\s+"
    r"(?:(?:been|be|is|was|a|an|the|any|even|yet|really|at all|de|d|du|la|le|les|l|un|une|encore|du tout|tres"
    r"|n['’](?:est|etait|a|ai)|est|etait)\s+)?"
    r"(\w\w+)"
)


def negation_marks(text: str) -> str:
    """``neg_<word>`` for each negated word of a normalised text.

    "not damaged, I just don't like it" is a return, "damaged" a conformity
    claim: the extra tokens let the model weigh a negated defect word on its
    own instead of as the defect word itself.
    """
    return " ".join(f"neg_{word}" for word in _NEGATED.findall(text))

