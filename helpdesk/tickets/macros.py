"""Canned replies: who may see and change them, and filling their placeholders for one ticket.

Placeholders are written `{shopper_name}`; an unknown one is left as typed so
the agent sees it before sending, and nothing but these names is looked up.
"""
from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from ..errors import Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..models import Macro, Merchant, Role, Ticket, User

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
PLACEHOLDERS: dict[str, Any] = {
    "shopper_name": _l("the shopper's name"), "shopper_email": _l("the shopper's email"),
    "order_number": _l("the order number"), "tracking_link": _l("the tracking link of the order"),
    "ref": _l("the ticket reference"), "portal_link": _l("the shopper's portal link"),
    "agent_name": _l("your name"), "shop_name": _l("the shop's name"),
}
LANGUAGES = ("fr", "en", "ar")


def macros_for(user: User, language: str | None = None) -> list[Macro]:
    """The team's shared macros and the user's own, the ticket's language first."""
    rows = list(db.session.scalars(select(Macro).where(
        Macro.merchant_id == user.merchant_id, or_(Macro.owner_id.is_(None), Macro.owner_id == user.id))
        .order_by(Macro.name)))
    return sorted(rows, key=lambda m: (m.language != language, m.name.lower()))


def _editable(user: User, macro_id: int) -> Macro:
    macro = db.session.get(Macro, macro_id)
    if macro is None or macro.merchant_id != user.merchant_id or macro.owner_id not in (None, user.id):
        raise NotFound("No such macro.")
    if macro.owner_id is None and user.role is not Role.SUPERVISOR:
        raise Forbidden("Only a supervisor changes the team's macros.")
    return macro


def save_macro(user: User, *, name: str, body: str, language: str, shared: bool,
               macro_id: int | None = None) -> Macro:
    name, body = " ".join(name.split())[:80], body.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Give the macro a name."]
    if not body:
        errors["body"] = ["Write the reply."]
    if language not in LANGUAGES:
        errors["language"] = ["French, English or Arabic."]
    if errors:
        raise ValidationFailed("the macro is incomplete", fields=errors)
    if shared and user.role is not Role.SUPERVISOR:
        raise Forbidden("Only a supervisor shares macros with the team.")
    macro = _editable(user, macro_id) if macro_id else Macro(merchant_id=user.merchant_id)
    macro.name, macro.body, macro.language = name, body, language
    macro.owner_id = None if shared else user.id
    db.session.add(macro)
    db.session.flush()
    return macro


def delete_macro(user: User, macro_id: int) -> None:
    db.session.delete(_editable(user, macro_id))


def fill(macro: Macro, ticket: Ticket, agent: User, *, portal_url: str | None = None) -> str:
    """The macro's text for this ticket."""
    if macro.merchant_id != ticket.merchant_id:
        raise NotFound("No such macro.")
    order = ticket.order
    tracking = next((f.tracking_url for f in reversed(order.fulfilments) if f.tracking_url), None) if order else None
    merchant = db.session.get(Merchant, ticket.merchant_id)
    values = {
        "shopper_name": ticket.customer.name or ticket.customer.email, "shopper_email": ticket.customer.email,
        "order_number": (order.number if order else ticket.order_number) or "", "tracking_link": tracking or "",
        "ref": ticket.ref, "portal_link": portal_url or "", "agent_name": agent.name or agent.email,
        "shop_name": merchant.name if merchant else "",
    }
    return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), macro.body)
