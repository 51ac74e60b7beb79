"""From a widget post to a ticket: read the files, check them, journal the delivery and process it at once.

The widget answers with a working `ref` and `portal_url`, so the delivery is
processed within the request (SPEC 2); the journal row keyed by the client's
key makes a repeated post the same ticket.
"""
from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass
from typing import Any

import filetype
from flask import current_app, request
from flask_babel import gettext as _

from ..errors import ValidationFailed
from ..extensions import db
from ..files import EVIDENCE_TYPES, clean_filename
from ..intake.journal import accept_and_process
from ..models import DeliveryStatus, Merchant, Ticket

MAX_FILES = 5


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    data: bytes


def form_data() -> dict[str, Any]:
    """The posted fields, whether the widget sent JSON or a multipart form."""
    if request.is_json:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise ValidationFailed("not JSON", fields={"_schema": [_("Send the form fields as JSON or as a form.")]})
        return data
    return {k: v for k, v in request.form.items()}


def uploads(data: dict[str, Any]) -> list[Upload]:
    """Files of a multipart post (`files`), or base64 `attachments` of a JSON one (the API's shape)."""
    if not request.is_json:
        posted = [f for key in ("files", "files[]", "file") for f in request.files.getlist(key) if f.filename]
        return [Upload(f.filename or "file", f.mimetype or "", f.read()) for f in posted]
    out = []
    for item in data.get("attachments") or data.get("files") or []:
        try:
            out.append(Upload(str(item["filename"]), str(item.get("content_type") or ""),
                              base64.b64decode(item["data_base64"], validate=True)))
        except (KeyError, TypeError, binascii.Error, ValueError) as exc:
            raise ValidationFailed("bad file", fields={"files": [_("A file could not be read.")]}) from exc
    return out


def real_type(data: bytes) -> str | None:
    """The type the bytes prove they are; a declared type or a file name proves nothing (an HTML page
    named photo.jpg stays HTML), so unrecognisable bytes are refused."""
    kind = filetype.guess(data[:8192])
    return kind.mime if kind is not None else None


def human_size(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB" if size >= 1024 * 1024 else f"{size / 1024:g} KB"


def check_uploads(files: list[Upload]) -> list[Upload]:
    """Each file's real type (sniffed, not the name) and size; every problem named with its file."""
    limit = current_app.config["HELPDESK_MAX_ATTACHMENT"]
    problems = []
    if len(files) > MAX_FILES:
        problems.append(_("At most %(n)d files.", n=MAX_FILES))
    checked = []
    for f in files[:MAX_FILES]:
        name = clean_filename(f.filename)
        kind = real_type(f.data)
        if len(f.data) > limit:
            problems.append(_("%(name)s is larger than %(size)s.", name=name, size=human_size(limit)))
        elif not f.data:
            problems.append(_("%(name)s is empty.", name=name))
        elif kind not in EVIDENCE_TYPES:
            problems.append(_("%(name)s: only photos (JPEG, PNG, GIF, WebP, HEIC) and PDF files are accepted.",
                              name=name))
        else:
            checked.append(Upload(name, kind, f.data))
    if problems:
        raise ValidationFailed("files refused", fields={"files": problems})
    return checked


@dataclass(frozen=True)
class Posted:
    ticket: Ticket
    opened: bool  # this post opened the ticket (else its message went into the shopper's open one)


def journal_and_process(merchant: Merchant, channel: str, payload: dict[str, Any], key: str | None,
                        meta: dict[str, Any] | None = None) -> Posted:
    """Journal the post under the client's key, process it now, and return its ticket. Commits."""
    raw = json.dumps(payload, ensure_ascii=False).encode()
    delivery, _duplicate = accept_and_process(merchant.id, channel, f"{merchant.id}:{key or uuid.uuid4()}", raw,
                                              meta=meta)
    if delivery.status is not DeliveryStatus.DONE or delivery.ticket_id is None:
        raise RuntimeError(f"widget delivery {delivery.id} could not be processed: {delivery.last_error}")
    ticket = db.session.get(Ticket, delivery.ticket_id)
    assert ticket is not None
    # A ticket this post opened was created after it arrived; the shopper's open ticket it joined, before.
    return Posted(ticket, opened=ticket.created_at >= delivery.received_at)


def complaint_payload(data: dict[str, Any], files: list[Upload]) -> dict[str, Any]:
    """The journaled form: the complaint shape the "widget" channel handler reads (SPEC 4.1 fields)."""
    return {"email": data["email"], "name": data.get("name") or "", "order_number": data.get("order_number"),
            "subject": "", "message": data["message"], "category_hint": data.get("category_hint"),
            "attachments": [{"filename": f.filename, "content_type": f.content_type,
                             "data_base64": base64.b64encode(f.data).decode()} for f in files]}
