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


class RoomChannel(StrEnum):
    """Where a message of the room is posted: the joint channel, or one party's private caucus with the mediator."""

    JOINT = "joint"
    CAUCUS_MERCHANT = "caucus:merchant"
    CAUCUS_SHOPPER = "caucus:shopper"


class Party(StrEnum):
    """Who speaks in a case: the two parties and the neutral mediator."""

    MEDIATOR = "mediator"
    MERCHANT = "merchant"
    SHOPPER = "shopper"


class Answer(StrEnum):
    """A party's answer to a proposal."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    LAPSED = "lapsed"


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
        Index("ix_mediation_case_status_ends", "status", "ends_at"),
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
    collective_id: Mapped[int | None] = mapped_column(ForeignKey("collective_case.id"), index=True)
    shopper_consent_due_at: Mapped[datetime | None]
    extended_reason: Mapped[str | None] = mapped_column(Text)
    # Deadline warnings already sent (each once): "admissibility", "ends"
    warned: Mapped[list[str]] = mapped_column(default=list, server_default="[]")
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


class CollectiveCase(Base):
    """Similar disputes against one merchant joined so that one offer goes to every shopper (SPEC 6, last bullet)."""

    __tablename__ = "collective_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    mediation_service_id: Mapped[int] = mapped_column(ForeignKey("mediation_service.id"), index=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    merchant: Mapped[Merchant] = relationship()


class MediationMessage(Base):
    """A message in a case's room; who may read it follows from its channel alone."""

    __tablename__ = "mediation_message"
    __table_args__ = (Index("ix_mediation_message_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id", ondelete="CASCADE"))
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id"), index=True)
    channel: Mapped[RoomChannel] = mapped_column(enum_type(RoomChannel))
    author_role: Mapped[Party] = mapped_column(enum_type(Party))
    author: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MediationAttachment(Base):
    """Evidence on a room message; the bytes live with the other attachments, named by their SHA-256."""

    __tablename__ = "mediation_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("mediation_message.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MediationProposal(Base):
    """Terms put to the parties with a date to answer by; a collective one is put to every member case."""

    __tablename__ = "mediation_proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("mediation_case.id", ondelete="CASCADE"), index=True)
    collective_id: Mapped[int | None] = mapped_column(ForeignKey("collective_case.id"), index=True)
    made_by: Mapped[Party] = mapped_column(enum_type(Party))
    author: Mapped[str] = mapped_column(String(64))
    terms: Mapped[str] = mapped_column(Text)
    amount_value: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    amount_currency: Mapped[str | None] = mapped_column(String(3))
    respond_by: Mapped[datetime] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProposalResponse(Base):
    """One party's answer to a proposal in one case (a collective proposal has one pair per member case)."""

    __tablename__ = "proposal_response"
    __table_args__ = (UniqueConstraint("proposal_id", "case_id", "party"),
                      Index("ix_proposal_response_pending", "answer", "proposal_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("mediation_proposal.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id", ondelete="CASCADE"), index=True)
    party: Mapped[Party] = mapped_column(enum_type(Party))
    answer: Mapped[Answer] = mapped_column(enum_type(Answer), default=Answer.PENDING)
    answered_at: Mapped[datetime | None]
