"""SLA policies and escalation rules of a merchant, and the escalation steps a breach has scheduled."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, StrEnum, utcnow
from .ticket import Category, Priority, Ticket
from .types import enum_type


class SlaPolicy(Base):
    """A merchant's promise for one category and priority, in business minutes of its calendar.

    A combination without a row uses the defaults of `helpdesk.sla.policies`,
    so a new merchant has a policy for every category and priority at once.
    """

    __tablename__ = "sla_policy"
    __table_args__ = (
        UniqueConstraint("merchant_id", "category", "priority"),
        CheckConstraint("first_response_minutes > 0 AND resolution_minutes > 0", name="positive_targets"),
        CheckConstraint("warning_percent BETWEEN 1 AND 99", name="warning_percent_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id"), index=True)
    category: Mapped[Category] = mapped_column(enum_type(Category))
    priority: Mapped[Priority] = mapped_column(enum_type(Priority))
    first_response_minutes: Mapped[int]
    resolution_minutes: Mapped[int]
    # The warning comes when this share of the target has elapsed (in business time).
    warning_percent: Mapped[int] = mapped_column(default=75)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class EscalationAction(StrEnum):
    NOTIFY = "notify"
    RAISE_PRIORITY = "raise_priority"
    OPEN_DOSSIER = "open_dossier"


class EscalationRule(Base):
    """What to do once a ticket's resolution has been breached for `after_business_days` working days."""

    __tablename__ = "escalation_rule"
    __table_args__ = (CheckConstraint("after_business_days >= 0", name="days_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id"), index=True)
    action: Mapped[EscalationAction] = mapped_column(enum_type(EscalationAction))
    after_business_days: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EscalationTimer(Base):
    """One rule waiting to fire on one breached ticket; the sweep deletes the row as it fires it.

    Only pending steps are stored, so finding the due ones by `due_at` costs
    what is due, not the whole history; deleting the row is the claim that
    makes a step fire once even with several sweeps.
    """

    __tablename__ = "escalation_timer"
    __table_args__ = (UniqueConstraint("ticket_id", "rule_id"), Index("ix_escalation_timer_due", "due_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id"), index=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))
    rule_id: Mapped[int] = mapped_column(ForeignKey("escalation_rule.id", ondelete="CASCADE"), index=True)
    due_at: Mapped[datetime]


class TicketSla(Base):
    """The sweep's side of a ticket's SLA: when to look at it next and which warnings are recorded.

    One row per ticket, apart from the wide ticket row on purpose: the sweep
    rewrites it for every due ticket, and a narrow row under two indexes costs
    a fraction of a new version of the ticket row under its ten (measured: 7
    against 55 ms per thousand). The due times, pauses and breach flags stay on
    the ticket; lists and reports read a breach off the times, so the flags are
    in no index and the sweep sets them in place.
    """

    __tablename__ = "ticket_sla"
    __table_args__ = (Index("ix_ticket_sla_next_check", "next_check_at"),)

    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True)
    # Not indexed: every index here is paid on each sweep write, and nothing looks tickets up by merchant here.
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id"))
    # The earliest warning or due time still to record; NULL when nothing is pending (paused, done, all
    # recorded). The sweep reads this one index, so its cost follows what is due, not the number of tickets.
    next_check_at: Mapped[datetime | None]
    first_response_warned: Mapped[bool] = mapped_column(default=False, server_default=false())
    resolution_warned: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Lets a new ticket's row be made before the ticket has an id (`clocks.start`); never loaded otherwise.
    ticket: Mapped[Ticket] = relationship(lazy="raise")
