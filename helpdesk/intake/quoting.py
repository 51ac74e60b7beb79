"""Separate what a shopper newly wrote from quoted history and signatures.

Triage must read the shopper's words, not the merchant's previous answer
quoted below them nor "Envoyé de mon iPhone" (SPEC 4.2: quoted history and
signatures are kept on the stored message but left out of what triage
reads). Mail clients mark history in a few ways, handled here line by line:

* ``>`` quoted lines (removed wherever they are, so inline answers stay);
* attribution lines in French, English, Arabic, German, Spanish, Italian,
  Portuguese and Dutch ("Le lun. 3 nov. 2026 à 10:02, X a écrit :"), which
  must contain a digit (the date) so a sentence like "le livreur a écrit :"
  is not taken for one;
* Outlook blocks ("-----Original Message-----", "De : / Envoyé : / À : /
  Objet :") and forward markers ("---------- Forwarded message ---------",
  "Début du message réexpédié :"): everything from there on is history;
* signatures: the "-- " delimiter, "Sent from my iPhone" lines, and closing
  formulas ("Cordialement," / "مع تحياتي") followed by at most a short name.

When nothing new is left (a bare forward, or only a signature above the
history), the text after the history header is used instead: for a forward
it *is* the complaint. The result is never empty when the input had text.
Pure functions: no Flask, no database, no dependency on ``integrations``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_NEWLINE = re.compile(r"\r\n|\r|\n")
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u061c]")
_MAX_DEPTH = 3
_MAX_HEADER_CHARS = 400

# Attribution lines, matched on one to three joined lines (clients wrap them).
_ATTRIBUTION_START = re.compile(r"^-*\s*(on|le|am|el|il|em|op|في|فى|بتاريخ)\s", re.IGNORECASE)
_ATTRIBUTIONS = [re.compile(r"-*\s*" + p, re.IGNORECASE) for p in (
    r"on\s.{4,300}\swrote\s*:",
    r"le\s.{4,300}\sa\s+[ée]crit\s*:",
    r"(?:في|فى|بتاريخ)\s.{4,300}(?:كتب|كتبت|بواسطة).{0,200}:",
    r"am\s.{4,300}\sschrieb\b.{0,200}:",
    r"el\s.{4,300}\sescribi[óo]\s*:",
    r"il\s.{4,300}\sha\s+scritto\s*:",
    r"em\s.{4,300}\sescreveu\s*:",
    r"op\s.{4,300}\sschreef\b.{0,200}:",
)]
# Any line ending like an attribution counts when quoted lines follow it, and so
# does any "...:" line naming an address or a time (other languages, odd clients).
_WROTE = re.compile(
    r".{0,300}(?:\swrote|\sa\s+[ée]crit|كتب|كتبت|\sschrieb|\sescribi[óo]|\sha\s+scritto|\sescreveu)\s*:",
    re.IGNORECASE,
)
_LOOSE_ATTRIBUTION = re.compile(_WROTE.pattern + r"|.{0,300}(?:@|\d{1,2}[:h]\d{2}).{0,300}:", re.IGNORECASE)
_SEPARATOR = re.compile(
    r"-{2,}\s*(?:original message|message d'origine|mail original|mensaje original|ursprüngliche nachricht|"
    r"messaggio originale|mensagem original|oorspronkelijk bericht|الرسالة الأصلية|"
    r"forwarded message|message transf[ée]r[ée]|mail transf[ée]r[ée]|mensaje reenviado|"
    r"weitergeleitete nachricht|messaggio inoltrato|mensagem encaminhada|doorgestuurd bericht|"
    r"(?:ال)?رسالة (?:ال)?مُ?عاد توجيهها)\s*-{2,}",
    re.IGNORECASE,
)
_FORWARD_INTRO = re.compile(
    r"(?:begin forwarded message|d[ée]but du message (?:r[ée]exp[ée]di[ée]|transf[ée]r[ée])|"
    r"inicio del mensaje reenviado|anfang der weitergeleiteten nachricht|بداية الرسالة المعاد توجيهها)\s*:",
    re.IGNORECASE,
)
_UNDERSCORES = re.compile(r"_{8,}")
_FIELD = re.compile(r"^\*?\s*([^\W\d_][\w' .-]{0,20}?)\s*:\*?\s*\S", re.IGNORECASE)
_FROM_KEYS = {"from", "de", "von", "من", "المرسل", "van", "da", "od", "från", "fra"}
_OTHER_KEYS = {
    "sent", "date", "to", "subject", "cc", "envoyé", "envoye", "à", "a", "objet", "copie à", "gesendet",
    "datum", "an", "betreff", "enviado", "fecha", "para", "asunto", "inviato", "oggetto", "aan",
    "onderwerp", "verzonden", "تم الإرسال", "التاريخ", "إلى", "الى", "الموضوع", "نسخة",
}

# Signatures.
_SIG_DELIMITER = re.compile(r"--")
_DEVICE = (r"(?:my |mon |ma |mi |mio |l'|الـ ?|جهاز |هاتف ?)?(?:iphone|ipad|android|galaxy|samsung|huawei|"
           r"xiaomi|smartphone|mobile|t[ée]l[ée]phone|portable|outlook|yahoo|gmail|آيفون|ايفون|أيفون|هاتفي|"
           r"جوالي|جهازي|سامسونج|أوتلوك)")
_MOBILE = re.compile(
    rf"(?:sent from {_DEVICE}|sent from my |get outlook for|envoy[ée] (?:de|depuis|[àa] partir de) {_DEVICE}|"
    rf"t[ée]l[ée]charge[rz] outlook|obtenir outlook|von meinem .{{1,30}} gesendet|enviado desde {_DEVICE}|"
    rf"inviato da {_DEVICE}|(?:أُرسلت|أرسلت|ارسلت|تم الإرسال|تم الارسال|مرسل|أُرسل) من {_DEVICE}).*",
    re.IGNORECASE,
)
# Formal closings end a letter: removed with up to three short lines after them (name, title, phone).
_CLOSING = re.compile(
    r"(?:(?:bien |tr[èe]s )?cordialement|bien [àa] vous|"
    r"(?:sinc[èe]res |meilleures )?salutations(?: distingu[ée]es)?|"
    r"best|(?:best|kind|warm|warmest) regards|best wishes|regards|cheers|mit freundlichen gr[üu](?:ß|ss)en|"
    r"atentamente|saludos(?: cordiales)?|un saludo|distinti saluti|cordiali saluti)"
    r"[\s,.!]*(?:,\s*\S.{0,40})?",
    re.IGNORECASE,
)
# Thanks and Arabic closings may close a sentence too: removed only when a short name follows.
_NAME_CLOSING = re.compile(
    r"(?:merci(?: beaucoup| d'avance| par avance| bien)?|thanks?(?: a lot| in advance)?|"
    r"thank you|many thanks|danke|gracias|grazie|"
    r"شكرا|شكراً|شكرًا|وشكرا|وشكراً|مع الشكر|شكرا جزيلا|شكرا لكم|"
    r"مع تحياتي|مع خالص التحيات|مع أطيب التحيات|تحياتي|مع التحية|وتقبلوا فائق الاحترام)[\s,.!،]*",
    re.IGNORECASE,
)
_PHONE = re.compile(r"[\w\s.:]{0,12}[+(]?\d[\d\s().-]{5,}\d")
_NAME_PARTICLES = {"de", "du", "des", "la", "le", "el", "al", "ben", "bin", "ibn", "van", "von", "der", "da",
                   "di"}
_SHORT_LINE = 50
_MAX_SIGNATURE_LINES = 3


@dataclass(frozen=True)
class _Cut:
    """Where history starts (``start``) and where the quoted message's own text starts (``body``)."""

    start: int
    body: int


def new_text(body: str) -> str:
    """What the shopper newly wrote; the whole (trimmed) text when nothing else is left."""
    return split_quoted(body)[0]


def split_quoted(body: str) -> tuple[str, str]:
    """Return ``(new, rest)``: the new text, and the quoted history and signatures removed from it."""
    lines = _NEWLINE.split(body or "")
    keep = _keep_mask([_plain(line) for line in lines], 0)
    new = _join(line for line, kept in zip(lines, keep, strict=True) if kept)
    if not new:
        return _join(lines), ""
    return new, _join(line for line, kept in zip(lines, keep, strict=True) if not kept)


def _keep_mask(lines: list[str], depth: int) -> list[bool]:
    """True for each line that belongs to the new text (``lines`` already passed through ``_plain``)."""
    keep = [True] * len(lines)
    cut = _drop_quotes(lines, keep)
    if cut is not None:
        keep[cut.start:] = [False] * (len(lines) - cut.start)
    sig = _signature_start(lines, keep)
    if sig is not None:
        trial = keep[:sig] + [False] * (len(keep) - sig)
        if _has_text(lines, trial) or (cut is not None and depth < _MAX_DEPTH):
            keep = trial
    if cut is not None and not _has_text(lines, keep) and depth < _MAX_DEPTH:
        keep[cut.body:] = _keep_mask(lines[cut.body:], depth + 1)
    return keep


def _drop_quotes(lines: list[str], keep: list[bool]) -> _Cut | None:
    """Unmark ``>`` lines and attributions above them; return the top-posted history cut, if any."""
    i = 0
    while i < len(lines):
        if _is_quoted(lines[i]):
            keep[i] = False
            i += 1
            continue
        span = _attribution_span(lines, i)
        if span and _quoted_next(lines, i + span):
            keep[i:i + span] = [False] * span
            i += span
            continue
        if span:
            return _Cut(i, i + span)
        cut = _separator_cut(lines, i)
        if cut is not None:
            return cut
        i += 1
    return None


def _attribution_span(lines: list[str], i: int) -> int:
    """Number of lines (1-3) forming an attribution line at ``i``, else 0."""
    first = lines[i]
    if not first or not any(line.endswith(":") for line in lines[i:i + 3]):
        return 0
    strict = bool(_ATTRIBUTION_START.match(first))
    joined = ""
    for span in range(1, 4):
        if i + span > len(lines) or not lines[i + span - 1] or _is_quoted(lines[i + span - 1]):
            break
        joined = f"{joined} {lines[i + span - 1]}".strip()
        if len(joined) > _MAX_HEADER_CHARS:
            break
        if not joined.endswith(":"):
            continue
        if strict and re.search(r"\d", joined) and any(p.fullmatch(joined) for p in _ATTRIBUTIONS):
            return span
        if _loose_start(first) and _LOOSE_ATTRIBUTION.fullmatch(joined) and _quoted_next(lines, i + span):
            return 0 if _later_start(lines, i, span) else span
    return 0


def _loose_start(line: str) -> bool:
    """Could a loose attribution begin here? It names a date, a time or the verb."""
    return bool(re.search(r"\d", line)) or bool(_WROTE.fullmatch(line))


def _later_start(lines: list[str], i: int, span: int) -> bool:
    """Does the attribution really begin on a later line (line ``i`` being the shopper's)?"""
    for k in range(1, span):
        suffix = " ".join(line for line in lines[i + k:i + span])
        if _loose_start(lines[i + k]) and _LOOSE_ATTRIBUTION.fullmatch(suffix):
            return True
    return False


def _separator_cut(lines: list[str], i: int) -> _Cut | None:
    """An Outlook/Gmail/Apple history marker or header block at ``i``."""
    text = lines[i]
    if _SEPARATOR.fullmatch(text) or _FORWARD_INTRO.fullmatch(text):
        return _Cut(i, _skip_header_block(lines, i + 1))
    if _UNDERSCORES.fullmatch(text):
        nxt = _next_text_line(lines, i + 1)
        if nxt is not None and _header_block_end(lines, nxt) is not None:
            return _Cut(i, _skip_header_block(lines, nxt))
        return None
    end = _header_block_end(lines, i)
    return _Cut(i, end) if end is not None else None


def _header_block_end(lines: list[str], i: int) -> int | None:
    """If a From:/De :/من: header block starts at ``i``, the index after it."""
    if _field_key(lines[i]) not in _FROM_KEYS:
        return None
    others, j, last = 0, i + 1, i
    while j < len(lines) and j <= last + 2:
        key = _field_key(lines[j])
        if key in _OTHER_KEYS:
            others, last = others + 1, j
        elif lines[j] and key is None:
            break
        j += 1
    return last + 1 if others >= 2 else None


def _skip_header_block(lines: list[str], i: int) -> int:
    """Index of the first line after the header fields that follow a marker."""
    j = _next_text_line(lines, i)
    if j is None:
        return len(lines)
    end = _header_block_end(lines, j)
    if end is None and _field_key(lines[j]) is not None:
        while j < len(lines) and _field_key(lines[j]) is not None:
            j += 1
        return j
    return end if end is not None else j


def _field_key(line: str) -> str | None:
    """The lower-case key of a ``Key: value`` line, else None."""
    match = _FIELD.match(line)
    return match.group(1).strip().lower() if match else None


def _signature_start(lines: list[str], keep: list[bool]) -> int | None:
    """Index of the line where the signature of the kept text begins, if there is one."""
    kept = [i for i, k in enumerate(keep) if k and lines[i]]
    for pos, index in enumerate(kept):
        after = [lines[k] for k in kept[pos + 1:pos + 2 + _MAX_SIGNATURE_LINES]]
        if _is_signature_start(lines[index], after):
            return index
    return None


def _is_signature_start(text: str, after: list[str]) -> bool:
    """Does a signature begin with this line, given the non-blank lines after it?"""
    if _SIG_DELIMITER.fullmatch(text):
        return True
    if len(after) > _MAX_SIGNATURE_LINES:
        return False
    short_tail = all(_is_short(a) for a in after)
    if _MOBILE.fullmatch(text) and _is_short(text) and short_tail:
        return True
    if _CLOSING.fullmatch(text) and short_tail:
        return True
    return bool(_NAME_CLOSING.fullmatch(text)) and bool(after) and all(_is_name(a) for a in after)


def _is_short(line: str) -> bool:
    """A line that looks like a name, title or phone number rather than a sentence."""
    return len(line) <= _SHORT_LINE and len(line.split()) <= 8 and not line.endswith(("?", "؟"))


def _is_name(line: str) -> bool:
    """A person's name (capitalised words, or up to three words of a script without case) or a phone."""
    if _PHONE.fullmatch(line) or re.fullmatch(r"\S+@\S+", line):
        return True
    words = line.split()
    if not 1 <= len(words) <= 4 or len(line) > 40 or line.endswith((".", "!", "?", "؟", ":")):
        return False
    cased = [w for w in words if w[0].isalpha() and w[0].lower() != w[0].upper()]
    if not cased:
        return len(words) <= 3
    return all(w[0].isupper() or w.lower() in _NAME_PARTICLES for w in cased)


def _is_quoted(line: str) -> bool:
    """A ``>`` quoted line (bidi marks and indentation were already dropped)."""
    return line.startswith(">")


def _quoted_next(lines: list[str], i: int) -> bool:
    """Is the next non-blank line from ``i`` a quoted one?"""
    j = _next_text_line(lines, i)
    return j is not None and _is_quoted(lines[j])


def _next_text_line(lines: list[str], i: int) -> int | None:
    """Index of the next non-blank line from ``i``."""
    for j in range(i, len(lines)):
        if lines[j]:
            return j
    return None


def _plain(line: str) -> str:
    """The line without bidi controls and surrounding space, for matching only."""
    return _BIDI.sub("", line).strip()


def _has_text(lines: list[str], keep: list[bool]) -> bool:
    """Is any kept line non-blank?"""
    return any(k and line for line, k in zip(lines, keep, strict=True))


def _join(lines: Iterable[str]) -> str:
    """Join lines, trimming trailing spaces, runs of blank lines and the ends."""
    out: list[str] = []
    for line in lines:
        line = line.rstrip()
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n")
