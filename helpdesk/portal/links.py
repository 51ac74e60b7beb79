"""Portal links: issue, verify and revoke the shopper's magic link to a ticket.

The token is signed (itsdangerous, with SECRET_KEY) and names a link row;
the row gives expiry and revocation on the server side. A token opens its
own ticket only, and is never an API credential.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from ..errors import NotFound
from ..extensions import db
from ..models import PortalLink, Ticket, utcnow

LIFETIME = timedelta(days=60)
SALT = "helpdesk.portal-link"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def issue_link(ticket: Ticket, *, now: datetime | None = None, lifetime: timedelta = LIFETIME) -> str:
    """A new token for the ticket's shopper. The caller commits."""
    now = now or utcnow()
    link = PortalLink(merchant_id=ticket.merchant_id, ticket_id=ticket.id, nonce=secrets.token_hex(12),
                      created_at=now, expires_at=now + lifetime)
    db.session.add(link)
    db.session.flush()
    return _serializer().dumps({"l": link.id, "n": link.nonce})


def current_token(ticket: Ticket, *, now: datetime | None = None) -> str:
    """The ticket's newest valid token, or a new one."""
    now = now or utcnow()
    link = db.session.scalars(select(PortalLink).where(
        PortalLink.ticket_id == ticket.id, PortalLink.revoked_at.is_(None), PortalLink.expires_at > now + timedelta(days=7))
        .order_by(PortalLink.id.desc()).limit(1)).first()
    if link is None:
        return issue_link(ticket, now=now)
    return _serializer().dumps({"l": link.id, "n": link.nonce})


def base_url() -> str:
    configured = current_app.config.get("HELPDESK_BASE_URL")
    if configured:
        return configured.rstrip("/")
    try:
        return request.host_url.rstrip("/")
    except RuntimeError:
        return "http://127.0.0.1:5000"


def portal_url_for(ticket: Ticket) -> str:
    return f"{base_url()}/portal/{current_token(ticket)}"


def resolve(token: str, *, now: datetime | None = None) -> tuple[Ticket, PortalLink]:
    """The ticket a token opens; expired, revoked, forged or malformed tokens are all the same 404."""
    now = now or utcnow()
    data: dict = {}
    try:
        data = _serializer().loads(token, max_age=int(LIFETIME.total_seconds()) + 86400)
        link = db.session.get(PortalLink, int(data["l"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        link = None
    if (link is None or not secrets.compare_digest(link.nonce, str(data.get("n", "")))
            or link.revoked_at is not None or link.expires_at <= now):
        raise NotFound("This link is not valid any more. Ask for a new one by email.")
    ticket = db.session.get(Ticket, link.ticket_id)
    if ticket is None:
        raise NotFound("This link is not valid any more.")
    return ticket, link


def revoke_links(ticket: Ticket, *, now: datetime | None = None) -> int:
    now = now or utcnow()
    links = db.session.scalars(select(PortalLink).where(PortalLink.ticket_id == ticket.id,
                                                        PortalLink.revoked_at.is_(None))).all()
    for link in links:
        link.revoked_at = now
    return len(links)
