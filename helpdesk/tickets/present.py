"""Ticket data shaped for the API schemas and the staff pages (one place, so both say the same)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import Message, Order, Ticket, TicketEvent, User, utcnow
from ..sla import clocks


def order_view(ticket: Ticket) -> dict[str, Any] | None:
    order: Order | None = ticket.order
    if order is None:
        return {"number": ticket.order_number, "placed_at": None, "promised_delivery_at": None,
                "delivered_at": None, "total": None, "currency": None, "tracking": None,
                "refunds": []} if ticket.order_number else None
    tracking = [{"company": f.tracking_company, "number": f.tracking_number, "url": f.tracking_url,
                 "status": f.status, "shipped_at": _iso(f.shipped_at), "delivered_at": _iso(f.delivered_at)}
                for f in order.fulfilments if f.tracking_number or f.tracking_url or f.status]
    return {"number": order.number, "placed_at": order.placed_at, "promised_delivery_at": order.promised_delivery_at,
            "delivered_at": order.delivered_at, "total": order.total, "currency": order.currency,
            "tracking": tracking or None,
            "refunds": [{"amount": str(r.amount) if r.amount is not None else None, "currency": r.currency,
                         "created_at": _iso(r.created_at)} for r in order.refunds]}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def ticket_view(ticket: Ticket, *, now: datetime | None = None, portal_url: str | None = None) -> dict[str, Any]:
    return {
        "ref": ticket.ref, "status": ticket.status.value, "category": ticket.category.value,
        "category_confidence": round(ticket.category_confidence, 4),
        "category_source": ticket.category_source.value, "needs_review": ticket.needs_review,
        "priority": ticket.priority.value, "channel": ticket.channel.value, "subject": ticket.subject,
        "language": ticket.language,
        "customer": {"email": ticket.customer.email, "name": ticket.customer.name},
        "order": order_view(ticket), "assignee": ticket.assignee.email if ticket.assignee else None,
        "tags": ticket.tags, "sla": clocks.view(ticket, now or utcnow()), "portal_url": portal_url,
        "created_at": ticket.created_at, "updated_at": ticket.updated_at,
    }


def messages_of(ticket: Ticket, *, public_only: bool = False) -> list[Message]:
    stmt = select(Message).where(Message.ticket_id == ticket.id).order_by(Message.id)
    if public_only:
        stmt = stmt.where(Message.internal.is_(False))
    return list(db.session.scalars(stmt).all())


def message_view(message: Message) -> dict[str, Any]:
    author: User | None = message.author
    return {"id": message.id, "direction": message.direction.value, "internal": message.internal,
            "body": message.body, "triage_text": message.new_text, "language": message.language,
            "author": author.email if author else None, "created_at": message.created_at,
            "attachments": [{"id": a.id, "filename": a.filename, "content_type": a.content_type, "size": a.size,
                             "sha256": a.sha256} for a in message.attachments]}


def events_of(ticket: Ticket) -> list[TicketEvent]:
    return list(db.session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)
                                   .order_by(TicketEvent.seq)).all())


def ticket_detail(ticket: Ticket, **kw: Any) -> dict[str, Any]:
    from ..sla.legal import legal_view

    data = ticket_view(ticket, **kw)
    data["sla"]["legal_clocks"] = legal_view(ticket, kw.get("now") or utcnow())
    data["messages"] = [message_view(m) for m in messages_of(ticket)]
    data["events"] = [{"seq": e.seq, "kind": e.kind, "actor": e.actor, "data": e.data, "created_at": e.created_at}
                      for e in events_of(ticket)]
    return data
