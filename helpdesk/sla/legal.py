"""Legal clocks of one ticket: its facts (order dates, the complaint itself) fed to the rules of `legal_rules`.

The ticket is the shopper's written notice: a return ticket counts as the
withdrawal received and a non-conformity ticket as the request for repair or
replacement, on the day it was opened. An event `legal.<fact>` on the
timeline (with `at` in its data) records a fact the order does not carry,
e.g. `legal.cancellation_received` or `legal.remedied`.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import Category, Merchant, Ticket, TicketEvent
from .clocks import calendar_for
from .legal_rules import EVENTS, legal_clocks_for


def ticket_facts(ticket: Ticket) -> dict[str, datetime]:
    facts: dict[str, datetime] = {}
    order = ticket.order
    if order is not None:
        for fact, value in (("order_placed", order.placed_at), ("delivery_promised", order.promised_delivery_at),
                            ("delivered", order.delivered_at)):
            if value is not None:
                facts[fact] = value
        refunds = [r.created_at for r in order.refunds if r.created_at is not None]
        if refunds:
            facts["refunded"] = min(refunds)
    if ticket.category is Category.RETURN and "delivered" in facts:
        facts["withdrawal_received"] = ticket.created_at
    if ticket.category is Category.NON_CONFORMITY:
        facts["complaint_received"] = ticket.created_at
    recorded = db.session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                            TicketEvent.kind.startswith("legal."))
                                  .order_by(TicketEvent.seq))
    for event in recorded:
        fact = event.kind.removeprefix("legal.")
        if fact in EVENTS and event.data.get("at"):
            facts[fact] = datetime.fromisoformat(event.data["at"])
    return facts


def legal_view(ticket: Ticket, now: datetime, language: str = "en") -> list[dict[str, Any]]:
    """The ticket's legal clocks, soonest first, each with its status (`warning` before it passes)."""
    merchant = db.session.get(Merchant, ticket.merchant_id)
    assert merchant is not None
    clocks = legal_clocks_for(merchant.country, ticket.category.value, ticket_facts(ticket), now=now,
                              calendar=calendar_for(merchant))
    return [{"code": c.rule.code, "article": c.rule.article,
             "title": c.rule.title_fr if language == "fr" else c.rule.title_en,
             "starts_at": c.starts_at, "due_at": c.due_at, "warn_at": c.warn_at, "status": c.status,
             "stopped_at": c.stopped_at, "met": c.met} for c in clocks]
