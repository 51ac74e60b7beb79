"""Mail to shoppers from the portal side: withdrawal acknowledgements and fresh portal links.

Each mail has one template per language in templates/portal/email/
(`<name>.<lang>.txt`: the subject on the first line, a blank line, the body),
because an acknowledgement must read right in the shopper's language the day
it is sent. Sending belongs to the email channel: `create_app` puts its
`queue_mail` in `app.extensions["helpdesk_queue_mail"]` (helpdesk may not
import integrations), which records the mail durably and sends it by a job.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import current_app, render_template

from ..extensions import db
from ..models import Merchant

log = logging.getLogger(__name__)
LANGUAGES = ("fr", "en", "ar")


def mail_language(*candidates: str | None) -> str:
    return next((c[:2] for c in candidates if c and c[:2] in LANGUAGES), "fr")


def render_mail(name: str, language: str, **context: Any) -> tuple[str, str]:
    """(subject, text) of a mail template in that language."""
    rendered = render_template(f"portal/email/{name}.{mail_language(language)}.txt", **context)
    subject, _, body = rendered.lstrip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def local_instant(at: datetime, merchant: Merchant, language: str) -> str:
    """A date and time as the shopper reads it, in the merchant's time zone, with the zone named."""
    return format_datetime(at, "full", tzinfo=ZoneInfo(merchant.timezone), locale=mail_language(language))


def queue_shopper_mail(*, merchant_id: int, to: str, subject: str, text: str, kind: str, language: str,
                       ticket_id: int | None = None) -> Any | None:
    """Record and send a mail through the email channel; None (and a log line) when no channel is installed."""
    queue = current_app.extensions.get("helpdesk_queue_mail")
    if queue is None:
        log.warning("no email channel installed: %s mail for merchant %s not recorded", kind, merchant_id)
        return None
    return queue(db.session, merchant_id=merchant_id, to=to, subject=subject, text=text, ticket_id=ticket_id,
                 kind=kind, language=language)
