"""@mentions in internal notes: the named colleague gets a Mention row (their unread list) and a mail.

`@amina`, `@Amina.Alaoui` or `@amina.alaoui` (the local part of her address)
name a staff user of the note's merchant; anyone else, another merchant's
staff included, is ignored, so a note can never reach outside the team. The
mail goes through the email channel (`app.extensions["helpdesk_queue_mail"]`)
in the caller's transaction, so a rolled-back note sends nothing. It names
the ticket and links to it, and never quotes the note or the shopper.
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from datetime import datetime

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from ..extensions import db
from ..models import Mention, Merchant, Message, Role, Ticket, User, utcnow
from .timeline import record_event

log = logging.getLogger(__name__)
# `@` not glued to a word, so "bob@example.com" mentions nobody; the name may be Latin or Arabic letters.
MENTION = re.compile(r"(?<![\w@.])@([\w][\w.+-]*)")
STAFF = (Role.AGENT, Role.SUPERVISOR)


def _key(text: str) -> str:
    """Names compare without case, spaces, dots, dashes or underscores: @AminaAlaoui == @amina.alaoui."""
    return re.sub(r"[\s._-]+", "", text.casefold())


def mentioned_handles(body: str) -> set[str]:
    return {_key(m.group(1).rstrip(".-+")) for m in MENTION.finditer(body or "")} - {""}


def mentioned_users(merchant_id: int, body: str) -> list[User]:
    """The merchant's active staff named in `body`: by full name, by first name when only one colleague has it,
    or by the local part of their address."""
    handles = mentioned_handles(body)
    if not handles:
        return []
    staff = db.session.scalars(select(User).where(User.merchant_id == merchant_id, User.role.in_(STAFF),
                                                  User.active.is_(True)).order_by(User.id)).all()
    first_names = Counter(_first(u) for u in staff)
    return [u for u in staff if handles & {_key(u.name or ""), _key(u.email.split("@", 1)[0]), _key(u.email)}
            or (_first(u) in handles and first_names[_first(u)] == 1)]


def _first(user: User) -> str:
    words = (user.name or "").split()
    return _key(words[0]) if words else ""


def record_mentions(ticket: Ticket, message: Message, author: User, *, now: datetime | None = None) -> list[Mention]:
    """Record and announce the mentions of an internal note. The caller commits.

    The author is never notified of their own mention.
    """
    now = now or utcnow()
    users = [u for u in mentioned_users(ticket.merchant_id, message.body) if u.id != author.id]
    rows = [Mention(merchant_id=ticket.merchant_id, ticket_id=ticket.id, message_id=message.id, user_id=u.id,
                    author_id=author.id, created_at=now) for u in users]
    if not rows:
        return []
    db.session.add_all(rows)
    db.session.flush()
    record_event(ticket, "note.mentioned", f"{author.role.value}:{author.id}",
                 {"message_id": message.id, "users": [u.id for u in users]}, at=now)
    for user in users:
        _mail(ticket, author, user)
    return rows


def _mail(ticket: Ticket, author: User, user: User) -> None:
    queue = current_app.extensions.get("helpdesk_queue_mail")
    if queue is None:
        log.info("no email channel installed: mention of user %s on ticket %s not mailed", user.id, ticket.id)
        return
    merchant = db.session.get(Merchant, ticket.merchant_id)
    language = user.language or (merchant.language if merchant else "fr")
    with force_locale(language):
        subject = _("%(who)s mentioned you in a note", who=author.name or author.email)
        text = _("%(who)s mentioned you in an internal note on ticket %(ref)s.\n\nOpen it: %(link)s",
                 who=author.name or author.email, ref=ticket.ref, link=_link(ticket))
    # Not threaded into the shopper's conversation (no ticket_id): it is about the ticket, not in it.
    queue(db.session, merchant_id=ticket.merchant_id, to=user.email, subject=f"[{ticket.ref}] {subject}", text=text,
          kind="mention", language=language)


def _link(ticket: Ticket) -> str:
    try:
        return url_for("tickets.show", ref=ticket.ref, _external=True)
    except RuntimeError:  # no request (a job, the CLI)
        from ..portal.links import base_url
        return f"{base_url()}/tickets/{ticket.ref}"


def mentions_of(user: User, *, limit: int = 100) -> list[Mention]:
    """The user's mentions, unread first, then newest first."""
    return list(db.session.scalars(select(Mention).where(Mention.user_id == user.id)
                                   .order_by(Mention.read_at.is_not(None), Mention.id.desc()).limit(limit)))


def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(Mention)
                             .where(Mention.user_id == user.id, Mention.read_at.is_(None))) or 0


def mark_read(user: User, *, ticket: Ticket | None = None, mention_id: int | None = None,
              now: datetime | None = None) -> int:
    """Mark the user's unread mentions read (all, those of one ticket, or one); how many changed. Caller commits."""
    stmt = update(Mention).where(Mention.user_id == user.id, Mention.read_at.is_(None))
    if ticket is not None:
        stmt = stmt.where(Mention.ticket_id == ticket.id)
    if mention_id is not None:
        stmt = stmt.where(Mention.id == mention_id)
    return db.session.execute(stmt.values(read_at=now or utcnow())).rowcount or 0


def mention_of(user: User, mention_id: int) -> Mention | None:
    """One of the user's own mentions (None for anyone else's, whichever merchant)."""
    return db.session.scalar(select(Mention).where(Mention.id == mention_id, Mention.user_id == user.id))
