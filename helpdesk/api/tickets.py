"""Ticket routes of the REST API (SPEC 4.4)."""
from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import Blueprint

from ..auth.accounts import find_user
from . import token_required
from ..auth.principal import require_principal
from ..auth.scoping import get_ticket, staff_merchant_id
from ..errors import ValidationFailed
from ..extensions import db
from ..intake import api_channel
from ..models import Merchant
from ..portal.links import portal_url_for
from ..tickets import listing, services
from ..tickets.present import ticket_detail, ticket_view
from .schemas import ComplaintIn, MessageIn, MessageOut, TicketDetailOut, TicketListArgs, TicketPageOut, TicketPatchIn

blp = Blueprint("tickets_api", __name__, url_prefix="/api/v1/tickets", description="Tickets")
token_required(blp)


@blp.get("")
@blp.arguments(TicketListArgs, location="query")
@blp.response(200, TicketPageOut)
def list_tickets(args: dict[str, Any]) -> dict[str, Any]:
    """Tickets of the caller's merchant, newest first, with a cursor to the next page."""
    limit, cursor = args.pop("limit"), args.pop("cursor", None)
    page = listing.list_tickets(args, limit=limit, cursor=cursor)
    return {"items": [ticket_view(t) for t in page.items], "next": page.next}


@blp.post("")
@blp.arguments(ComplaintIn)
@blp.response(201, TicketDetailOut)
def create_ticket(complaint: dict[str, Any]) -> Any:
    """Open a ticket from a complaint; journaled and created in this request, so `ref` works at once."""
    merchant = db.session.get(Merchant, staff_merchant_id())
    assert merchant is not None
    key = request.headers.get("Idempotency-Key")
    ticket, created = api_channel.create_from_api(merchant, complaint, request.get_data(), key)
    url = portal_url_for(ticket)  # a new ticket's link is a row of its own: committed with the ticket
    db.session.commit()
    data = ticket_detail(ticket, portal_url=url)
    return data, 201 if created else 200


@blp.get("/<ref>")
@blp.response(200, TicketDetailOut)
def get_ticket_route(ref: str) -> dict[str, Any]:
    """One ticket with its messages and timeline."""
    return ticket_detail(get_ticket(ref))


@blp.patch("/<ref>")
@blp.arguments(TicketPatchIn)
@blp.response(200, TicketDetailOut)
def patch_ticket(changes: dict[str, Any], ref: str) -> dict[str, Any]:
    """Change status, category (a correction that trains triage), priority, assignee or tags."""
    principal = require_principal()
    ticket = get_ticket(ref, for_update=True)
    if "assignee" in changes and changes["assignee"] is not None:
        user = find_user(changes["assignee"])
        if user is None:
            raise ValidationFailed("no such agent", fields={"assignee": ["No agent of this merchant has that email."]})
        changes["assignee"] = user  # services.assign refuses another merchant's user or a non-agent
    services.update_ticket(ticket, changes, principal.user)
    db.session.commit()
    return ticket_detail(ticket)


@blp.post("/<ref>/messages")
@blp.arguments(MessageIn)
@blp.response(201, MessageOut)
def post_message(data: dict[str, Any], ref: str) -> dict[str, Any]:
    """A reply to the shopper, or an internal note (`internal: true`)."""
    from ..tickets.present import message_view

    principal = require_principal()
    ticket = get_ticket(ref, for_update=True)
    message = services.add_staff_message(ticket, principal.user, data["body"], internal=data["internal"])
    db.session.commit()
    return message_view(message)
