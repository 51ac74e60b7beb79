"""SLA warnings, breaches and escalation notices mailed to the staff the sweep names (assignee or supervisors).

Registered in `helpdesk.sla.notify.NOTIFIERS`; runs in the sweep's transaction,
so the mails are recorded with it and sent after its commit. A mail names the
ticket and the promise at stake and links to the ticket page; it never quotes
the shopper.
"""
from __future__ import annotations

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import Merchant, Ticket, User

from .outbound import queue_mail


def _what(kind: str) -> str:
    texts = {
        "sla.first_response_warning": _("the first answer to the shopper is due soon"),
        "sla.resolution_warning": _("the resolution is due soon"),
        "sla.first_response_breached": _("the first answer to the shopper is overdue"),
        "sla.resolution_breached": _("the resolution is overdue"),
        "sla.escalation_notice": _("an escalation rule applies to this ticket"),
    }
    return texts.get(kind, kind)


def _link(ticket: Ticket) -> str:
    try:
        return url_for("tickets.show", ref=ticket.ref, _external=True)
    except RuntimeError:  # no request: the sweep runs in a worker
        from helpdesk.portal.links import base_url
        return f"{base_url()}/tickets/{ticket.ref}"


def mail_staff_notice(ticket_id: int, kind: str, user_ids: list[int]) -> None:
    if not user_ids:
        return
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None:
        return
    merchant = db.session.get(Merchant, ticket.merchant_id)
    users = db.session.scalars(select(User).where(User.id.in_(user_ids), User.active.is_(True)))
    for user in users:
        language = user.language or (merchant.language if merchant else "fr")
        with force_locale(language):
            subject = _("SLA: %(what)s", what=_what(kind))
            text = _("Ticket %(ref)s: %(what)s.\n\nOpen it: %(link)s", ref=ticket.ref, what=_what(kind),
                     link=_link(ticket))
        # Not threaded into the shopper's conversation (no ticket_id): a notice is about the ticket, not in it.
        queue_mail(db.session, merchant_id=ticket.merchant_id, to=user.email, subject=f"[{ticket.ref}] {subject}",
                   text=text, kind="sla_notice", language=language)
