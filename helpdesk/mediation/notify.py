"""Tell the parties of a case what changed, by email, in each reader's language (SPEC 6.1).

The shopper's mail carries the portal link; the merchant's goes to its
supervisors. A mail never carries caucus text: about a caucus message it
goes only to that caucus's party and says only that there is something to
read. The room's text stays in the room.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..labels import as_read
from ..models import MediationCase, Party, Role, User

log = logging.getLogger(__name__)
LANGUAGES = ("fr", "en", "ar")

# What happened, as one line the reader understands without opening the case.
NEWS = {
    "submitted": _l("A mediation case was opened for this dispute."),
    "awaiting_consent": _l("The mediation service found the request admissible. Your answer is needed: do you "
                           "agree to mediation?"),
    "inadmissible": _l("The mediation service found the request inadmissible."),
    "refused": _l("Mediation will not take place: a party declined it or did not answer in time."),
    "open": _l("Both parties agreed to mediation: the mediation room is open."),
    "agreement": _l("The mediation ended in an agreement. The settlement can be downloaded."),
    "failure": _l("The mediation ended without an agreement."),
    "withdrawn": _l("A party withdrew from the mediation; it has ended."),
    "expired": _l("The mediation reached its time limit without an agreement and has ended."),
    "message": _l("There is a new message for you in the mediation room."),
    "proposal": _l("The mediator put forward a proposal. Please accept or refuse it before the date shown."),
    "proposal_answered": _l("A party answered a proposal in the mediation."),
    "extended": _l("The mediator extended the mediation, as the case is complex."),
    "ends_soon": _l("The mediation ends soon, at:"),
    "admissibility_soon": _l("The decision on this case's admissibility is due by:"),
    "collective": _l("Your case was joined with similar disputes against the same merchant. Your name and "
                     "messages stay private."),
}
WITHDRAW_REMINDER = _l("You are free to withdraw from the mediation at any time.")


def tell_parties(case: MediationCase, news: str, *, parties: Iterable[Party] = (Party.MERCHANT, Party.SHOPPER),
                 detail: str | None = None, due: datetime | None = None, remind_withdrawal: bool = False) -> int:
    """Queue one mail per recipient; returns how many were queued (0 when no email channel is installed)."""
    queue = current_app.extensions.get("helpdesk_queue_mail")
    if queue is None:
        log.warning("no email channel installed: mediation news %r for case %s not mailed", news, case.id)
        return 0
    sent = 0
    ticket = case.ticket
    for party in parties:
        for to, language, link in _recipients(case, party):
            with force_locale(language):
                subject = _("Mediation case %(id)s: %(ref)s", id=case.id, ref=ticket.ref)
                lines = [str(NEWS[news])]
                if due is not None:  # in the reader's language, on the merchant's clock
                    zone = ZoneInfo(case.merchant.timezone)
                    lines.append(format_datetime(as_read(due, zone), "full", tzinfo=zone, locale=language))
                if detail:
                    lines.append(detail)
                if remind_withdrawal:
                    lines.append(str(WITHDRAW_REMINDER))
                lines += ["", _("Follow the case here: %(link)s", link=link), "",
                          _("This mediation is free for the shopper and confidential.")]
            queue(db.session, merchant_id=case.merchant_id, to=to, subject=subject, text="\n".join(lines) + "\n",
                  ticket_id=ticket.id, kind=f"mediation.{news}", language=language)
            sent += 1
    return sent


def _recipients(case: MediationCase, party: Party) -> list[tuple[str, str, str]]:
    from ..portal.links import base_url, portal_url_for

    if party is Party.SHOPPER:
        ticket = case.ticket
        language = _language(ticket.language, ticket.customer.language if ticket.customer else None,
                             case.merchant.language)
        return [(ticket.customer.email, language, portal_url_for(ticket))]
    if party is Party.MERCHANT:
        users = db.session.scalars(select(User).where(User.merchant_id == case.merchant_id,
                                                      User.role == Role.SUPERVISOR, User.active.is_(True)))
        link = f"{base_url()}/mediation/cases/{case.id}"
        return [(u.email, _language(u.language, case.merchant.language), link) for u in users]
    users = db.session.scalars(select(User).where(User.mediation_service_id == case.mediation_service_id,
                                                  User.role == Role.MEDIATOR, User.active.is_(True)))
    link = f"{base_url()}/mediation/cases/{case.id}"
    return [(u.email, _language(u.language), link) for u in users]


def _language(*candidates: str | None) -> str:
    return next((c[:2] for c in candidates if c and c[:2] in LANGUAGES), "fr")
