"""Walk a parsed MIME tree into body text, HTML and attachments.

Which parts are "the message" and which are files is a judgement the
stdlib leaves to us (``get_body`` only returns one part). The rules here:
in ``multipart/alternative`` take the plain branch for text and the HTML
branch for HTML; elsewhere every inline text/plain or text/html part without
a file name is body, everything else (images, PDFs, S/MIME signatures,
winmail.dat, forwarded ``message/rfc822``, delivery reports) is an
attachment. Nothing here raises: each part is handled on its own and a
failure becomes a defect string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import policy
from email.generator import BytesGenerator
from email.message import Message
from io import BytesIO

from integrations.email.charsets import clean_text, decode_bytes, repair_surrogates
from integrations.email.flowed import unflow
from integrations.email.headers import decode_text, message_id, raw_header
from integrations.email.htmltext import html_to_text, sanitize_html
from integrations.email.parsing import parse_bytes

MAX_DEPTH = 20
MAX_PARTS = 500
_GENERATOR_POLICY = policy.default.clone(refold_source="none", linesep="\r\n")
_EXTENSIONS = {
    "image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
    "image/heic": ".heic", "application/pdf": ".pdf", "text/plain": ".txt", "text/html": ".html",
    "text/calendar": ".ics", "text/csv": ".csv", "application/zip": ".zip", "video/mp4": ".mp4",
}
_FIXED_NAMES = {
    "application/ms-tnef": "winmail.dat", "application/vnd.ms-tnef": "winmail.dat",
    "application/pkcs7-signature": "smime.p7s", "application/x-pkcs7-signature": "smime.p7s",
    "application/pkcs7-mime": "smime.p7m", "application/x-pkcs7-mime": "smime.p7m",
    "application/pgp-signature": "signature.asc", "application/pgp-encrypted": "pgp-encrypted.asc",
    "message/delivery-status": "delivery-status.txt", "text/rfc822-headers": "rfc822-headers.txt",
    "message/disposition-notification": "disposition-notification.txt",
}
_BOUNDARY_LINE = re.compile(rb"^--([!-~]{1,200}?)(?:--)?[ \t\r]*$", re.MULTILINE)


@dataclass
class Attachment:
    """A file carried by the mail. ``skipped`` files were over the size limit: ``data`` is empty."""

    filename: str
    content_type: str
    data: bytes
    inline: bool = False
    content_id: str | None = None
    size: int = 0
    skipped: bool = False


@dataclass
class Walk:
    """What the walk collected so far; one per branch of an alternative."""

    hints: list[str]
    max_bytes: int
    defects: list[str]
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    parts_seen: int = 0

    def branch(self) -> Walk:
        """A fresh collector sharing the defects list, for one alternative."""
        return Walk(self.hints, self.max_bytes, self.defects, parts_seen=self.parts_seen)


def walk(part: Message, path: str, w: Walk, depth: int = 0) -> None:
    """Dispatch one MIME part to the handler for its kind."""
    w.parts_seen += 1
    if depth > MAX_DEPTH or w.parts_seen > MAX_PARTS:
        w.defects.append(f"{path}: too deep or too many parts; the rest was ignored")
        return
    try:
        ctype = part.get_content_type()
    except Exception:  # noqa: BLE001 - never raise on mail input
        ctype = "application/octet-stream"
    try:
        _dispatch(part, ctype, path, w, depth)
    except Exception as exc:  # noqa: BLE001 - one bad part must not cost the whole mail
        w.defects.append(f"{path}: could not read part ({type(exc).__name__})")
    _note_defects(part, path, w)  # after decoding, so base64/QP defects are included


def _dispatch(part: Message, ctype: str, path: str, w: Walk, depth: int) -> None:
    """Route a part: container, attached message, body text or file."""
    if ctype.startswith("message/"):
        _add_attachment(part, ctype, path, w)
        if ctype == "message/rfc822" and isinstance(part.get_payload(), list):
            w.messages.extend(p for p in part.get_payload() if isinstance(p, Message))
    elif part.is_multipart():
        _walk_multipart(part, ctype, path, w, depth)
    elif ctype.startswith("multipart/"):
        _walk_boundaryless(part, ctype, path, w, depth)
    elif _is_body(part, ctype):
        _add_body(part, ctype, path, w)
    else:
        _add_attachment(part, ctype, path, w)


def _walk_multipart(part: Message, ctype: str, path: str, w: Walk, depth: int) -> None:
    """Walk children; alternatives are merged so each kind of body comes from one branch."""
    children = [c for c in part.get_payload() if isinstance(c, Message)]
    if not children:
        _add_stray_text(part.preamble, path, w)
        return
    if ctype != "multipart/alternative":
        for index, child in enumerate(children, 1):
            walk(child, f"{path}.{index}", w, depth + 1)
        return
    branches = []
    for index, child in enumerate(children, 1):
        branch = w.branch()
        walk(child, f"{path}.{index}", branch, depth + 1)
        w.parts_seen = branch.parts_seen
        branches.append(branch)
    _merge_alternatives(branches, w)


def _merge_alternatives(branches: list[Walk], w: Walk) -> None:
    """Take text from the last branch with plain text, HTML from the last with HTML, all files."""
    with_plain = [b for b in branches if any(t.strip() for t in b.plain)]
    with_html = [b for b in branches if b.html]
    if with_html:
        w.html.extend(with_html[-1].html)
    if with_plain:
        w.plain.extend(with_plain[-1].plain)
    elif with_html:
        w.plain.extend(html_to_text(h) for h in with_html[-1].html)
    seen: set[tuple[str, str | None, int]] = set()
    for branch in branches:
        w.messages.extend(branch.messages)
        for att in branch.attachments:
            key = (att.filename, att.content_id, att.size)
            if key not in seen:
                seen.add(key)
                w.attachments.append(att)


def _walk_boundaryless(part: Message, ctype: str, path: str, w: Walk, depth: int) -> None:
    """A multipart whose boundary is missing: guess it from the first ``--token`` line."""
    data = _payload_bytes(part)
    match = _BOUNDARY_LINE.search(data)
    if match is None or depth >= MAX_DEPTH:
        _add_stray_text(data, path, w)
        return
    boundary = match.group(1).decode("ascii").replace('"', "")
    w.defects.append(f"{path}: multipart without a usable boundary; guessed {boundary!r}")
    rebuilt = parse_bytes(f'Content-Type: {ctype}; boundary="{boundary}"\r\n\r\n'.encode("ascii") + data)
    if rebuilt is None or not rebuilt.is_multipart():
        _add_stray_text(data, path, w)
        return
    _walk_multipart(rebuilt, ctype, path, w, depth)


def _add_stray_text(data: bytes | str | None, path: str, w: Walk) -> None:
    """Keep text found outside any part (a preamble, an unparsable multipart) as body."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    if data and data.strip():
        w.plain.append(_normalise(decode_bytes(data, None, hints=w.hints).text))
        w.defects.append(f"{path}: body text recovered from outside the MIME parts")


def _is_body(part: Message, ctype: str) -> bool:
    """Inline text/plain or text/html without a file name is part of the message itself."""
    if ctype not in ("text/plain", "text/html"):
        return False
    return _disposition(part) != "attachment" and not _raw_filename(part)


def _add_body(part: Message, ctype: str, path: str, w: Walk) -> None:
    """Decode a body part into text (or sanitised HTML)."""
    data = _payload_bytes(part)
    decoded = decode_bytes(data, _param(part, "charset"), hints=w.hints)
    if decoded.note:
        w.defects.append(f"{path}: {decoded.note}")
    text = _normalise(decoded.text)
    if ctype == "text/html":
        w.html.append(sanitize_html(text))
        return
    if (_param(part, "format") or "").lower() == "flowed":
        text = unflow(text, delsp=(_param(part, "delsp") or "").lower() == "yes")
    w.plain.append(text)


def _add_attachment(part: Message, ctype: str, path: str, w: Walk) -> None:
    """Record a file; over the size limit only its name and size are kept."""
    filename = _filename(part, ctype, len(w.attachments) + 1, w.hints)
    content_id = message_id(raw_header(part, "content-id"))
    disposition = _disposition(part)
    inline = disposition == "inline" or (disposition is None and content_id is not None)
    data = _message_bytes(part) if ctype.startswith("message/") else None
    size = len(data) if data is not None else _estimated_size(part)
    if size > w.max_bytes:
        w.defects.append(f"{path}: attachment {filename!r} of about {size} bytes skipped "
                         f"(limit {w.max_bytes})")
        w.attachments.append(Attachment(filename, ctype, b"", inline, content_id, size, skipped=True))
        return
    data = _payload_bytes(part) if data is None else data
    w.attachments.append(Attachment(filename, ctype, data, inline, content_id, len(data)))


def _filename(part: Message, ctype: str, index: int, hints: list[str]) -> str:
    """A safe file name: RFC 2231 or encoded-word names decoded, no path, never empty."""
    name = decode_text(repair_surrogates(_raw_filename(part) or "", hints), hints)
    name = re.sub(r"[\x00-\x1f\x7f]", "", name.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:190] + dot + ext[:9]) if dot and len(ext) < 10 else name[:200]
    if name:
        return name
    if ctype in _FIXED_NAMES:
        return _FIXED_NAMES[ctype]
    if ctype == "message/rfc822":
        return f"message-{index}.eml"
    return f"attachment-{index}{_EXTENSIONS.get(ctype, '.bin')}"


def _raw_filename(part: Message) -> str | None:
    """``filename`` (RFC 2231 aware) or the older ``name`` parameter."""
    try:
        name = part.get_filename() or part.get_param("name")
    except Exception:  # noqa: BLE001 - never raise on mail input
        return None
    if isinstance(name, tuple):  # an RFC 2231 triple the stdlib could not collapse
        name = name[2]
    return str(name) if name else None


def _disposition(part: Message) -> str | None:
    """``inline``, ``attachment`` or None, tolerating a broken header."""
    try:
        return part.get_content_disposition()
    except Exception:  # noqa: BLE001 - never raise on mail input
        return None


def _param(part: Message, name: str) -> str | None:
    """A Content-Type parameter as a plain string, or None."""
    try:
        value = part.get_param(name)
    except Exception:  # noqa: BLE001 - never raise on mail input
        return None
    if isinstance(value, tuple):
        value = value[2]
    return str(value) if value else None


def _payload_bytes(part: Message) -> bytes:
    """Decoded content of a leaf part (base64/QP undone), b"" when there is none."""
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 - never raise on mail input
        data = None
    if isinstance(data, bytes):
        return data
    payload = part.get_payload()
    return payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""


def _message_bytes(part: Message) -> bytes:
    """Bytes of an attached message (or a delivery report body) as it would be saved to disk."""
    payload = part.get_payload()
    if part.get_content_type() == "message/rfc822" and isinstance(payload, list) and len(payload) == 1:
        inner = payload[0]
        return _generate(inner) if isinstance(inner, Message) else b""
    whole = _generate(part)
    return whole.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in whole else whole


def _generate(msg: Message) -> bytes:
    """Serialise a message without re-folding its headers; never raises."""
    buffer = BytesIO()
    try:
        BytesGenerator(buffer, policy=_GENERATOR_POLICY).flatten(msg)  # type: ignore[arg-type]
        return buffer.getvalue()
    except Exception:  # noqa: BLE001 - never raise on mail input
        try:
            return msg.as_string(policy=_GENERATOR_POLICY).encode("utf-8", "surrogateescape")
        except Exception:  # noqa: BLE001 - never raise on mail input
            return b""


def _estimated_size(part: Message) -> int:
    """Size after decoding, estimated from the encoded text so big files are never decoded."""
    payload = part.get_payload()
    if not isinstance(payload, str):
        return 0
    encoding = str(part.get("content-transfer-encoding", "")).strip().lower()
    if encoding == "base64":
        return len(re.sub(r"\s+", "", payload)) * 3 // 4
    return len(payload)


def _note_defects(part: Message, path: str, w: Walk) -> None:
    """Copy the parser's defects of this part, by class name."""
    for defect in getattr(part, "defects", ()) or ():
        w.defects.append(f"{path}: {type(defect).__name__}")


def _normalise(text: str) -> str:
    """LF line ends and storable characters."""
    return clean_text(text.replace("\r\n", "\n").replace("\r", "\n"))

