"""Who else has a ticket open: a collision warning before two agents answer the shopper twice.

Opening the ticket page (and reloading it with a macro) records the agent's
presence; anyone else seen within `WINDOW` is named on the page. A reply
posted from a page that is out of date (a message arrived after it was
loaded) is still saved, but the agent is told.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from ..models import Message, Ticket, TicketPresence, User, utcnow

WINDOW = timedelta(minutes=2)


def touch(ticket: Ticket, user: User, *, now: datetime | None = None) -> None:
    """Record that `user` has the ticket open now (one row per agent and ticket, upserted). The caller commits."""
    now = now or utcnow()
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(TicketPresence).values(ticket_id=ticket.id, user_id=user.id, merchant_id=ticket.merchant_id,
                                         seen_at=now)
    db.session.execute(stmt.on_conflict_do_update(index_elements=["ticket_id", "user_id"],
                                                  set_={"seen_at": stmt.excluded.seen_at}))
    # Old rows say nothing any more; dropping them keeps the table as small as the team's open tabs.
    db.session.execute(delete(TicketPresence).where(TicketPresence.ticket_id == ticket.id,
                                                    TicketPresence.seen_at < now - WINDOW))


def others_on(ticket: Ticket, user: User, *, now: datetime | None = None) -> list[User]:
    """The other agents who had this ticket open within the window."""
    now = now or utcnow()
    return list(db.session.scalars(
        select(User).join(TicketPresence, TicketPresence.user_id == User.id)
        .where(TicketPresence.ticket_id == ticket.id, TicketPresence.user_id != user.id,
               TicketPresence.seen_at >= now - WINDOW).order_by(User.email)).all())


def last_message_id(ticket: Ticket) -> int:
    return db.session.scalar(select(Message.id).where(Message.ticket_id == ticket.id)
                             .order_by(Message.id.desc()).limit(1)) or 0


def arrived_since(ticket: Ticket, seen_message_id: int | None, user: User) -> int:
    """How many messages, not written by `user`, arrived after the page showing `seen_message_id` was loaded."""
    if seen_message_id is None:
        return 0
    rows = db.session.scalars(select(Message.author_user_id).where(
        Message.ticket_id == ticket.id, Message.id > seen_message_id)).all()
    return sum(1 for author in rows if author != user.id)
