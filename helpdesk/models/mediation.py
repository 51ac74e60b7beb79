"""Mediation cases: the dossier a ticket becomes when it goes to a neutral mediation service (SPEC 6, 6.1)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from .base import Base, StrEnum, utcnow
from .tenancy import MediationService, Merchant
from .ticket import Ticket
from .types import enum_type


class CaseStatus(StrEnum):
    SUBMITTED = "submitted"
    INADMISSIBLE = "inadmissible"
    AWAITING_CONSENT = "awaiting_consent"
    REFUSED = "refused"
    OPEN = "open"
    AGREEMENT = "agreement"
    FAILURE = "failure"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


ACTIVE_CASE_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.AWAITING_CONSENT, CaseStatus.OPEN)


class OpenedBy(StrEnum):
    MERCHANT = "merchant"
    SHOPPER = "shopper"
    RULE = "rule"  # an escalation rule of the merchant: counts as the merchant's request


class Consent(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Admissibility(StrEnum):
    PENDING = "pending"
    ADMISSIBLE = "admissible"
    INADMISSIBLE = "inadmissible"


class MediationCase(Base):
    """One dispute in a mediation service's queue, with the dossier frozen when it was opened.

    `dossier` keeps the parties, order, first complaint, evidence and timeline
    as they stood at escalation: the mediator reads what the merchant sent,
    even if the ticket changes later. The party that asked has consented.
    """

    __tablename__ = "mediation_case"
    __table_args__ = (
        Index("ix_mediation_case_service_status", "mediation_service_id", "status", "id"),
        Index("ix_mediation_case_merchant", "merchant_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id"))
    mediation_service_id: Mapped[int] = mapped_column(ForeignKey("mediation_service.id"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    status: Mapped[CaseStatus] = mapped_column(enum_type(CaseStatus), default=CaseStatus.SUBMITTED)
    opened_by: Mapped[OpenedBy] = mapped_column(enum_type(OpenedBy))
    reason: Mapped[str] = mapped_column(Text, default="")
    claim: Mapped[str | None] = mapped_column(Text)
    amount_value: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    amount_currency: Mapped[str | None] = mapped_column(String(3))
    first_complaint_at: Mapped[datetime]
    dossier: Mapped[dict[str, Any]] = mapped_column(default=dict)
    dossier_complete_at: Mapped[datetime | None]
    admissibility_decision: Mapped[Admissibility] = mapped_column(enum_type(Admissibility),
                                                                  default=Admissibility.PENDING)
    admissibility_reason: Mapped[str | None] = mapped_column(Text)
    admissibility_due_at: Mapped[datetime | None] = mapped_column(index=True)
    admissibility_decided_at: Mapped[datetime | None]
    admissibility_checks: Mapped[list[Any]] = mapped_column(default=list)
    consent_merchant: Mapped[Consent] = mapped_column(enum_type(Consent), default=Consent.PENDING)
    consent_shopper: Mapped[Consent] = mapped_column(enum_type(Consent), default=Consent.PENDING)
    merchant_consent_due_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    outcome_kind: Mapped[str | None] = mapped_column(String(16))
    outcome_summary: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None]
    collective_id: Mapped[int | None]  # the collective case this one was joined into (a later table)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    merchant: Mapped[Merchant] = relationship()
    mediation_service: Mapped[MediationService] = relationship()
    ticket: Mapped[Ticket] = relationship()
    events: WriteOnlyMapped[MediationEvent] = relationship(order_by="MediationEvent.seq", passive_deletes=True)

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_CASE_STATUSES


class MediationEvent(Base):
    """One step in a case's history (the ticket's timeline records the same step for the merchant)."""

    __tablename__ = "mediation_event"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id", ondelete="CASCADE"))
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id"), index=True)
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(48))
    actor: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
