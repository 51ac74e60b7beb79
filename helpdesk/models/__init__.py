"""Every model, importable from one place (Alembic and the services read them here)."""
from .base import Base, utcnow
from .commerce import Customer, Fulfilment, Order, Refund
from .intake import DeliveryStatus, InboundDelivery, Integration, IntegrationKind
from .job import JobFailure
from .macro import Macro
from .mail import Mailbox, OutboundMail, OutboundStatus
from .mediation import (
    Admissibility,
    Answer,
    CaseStatus,
    CollectiveCase,
    Consent,
    MediationAttachment,
    MediationCase,
    MediationEvent,
    MediationMessage,
    MediationProposal,
    OpenedBy,
    Party,
    ProposalResponse,
    RoomChannel,
)
from .portal import PortalLink
from .resolution import BulkAction, BulkStatus, OfferKind, OfferStatus, ResolutionOffer, TicketPresence
from .search import SearchEntry
from .shopper import Rating, Withdrawal
from .sla import EscalationAction, EscalationRule, EscalationTimer, SlaPolicy, TicketSla
from .tenancy import MediationService, Merchant
from .ticket import (
    Attachment,
    Category,
    CategorySource,
    Channel,
    Direction,
    Message,
    Priority,
    Status,
    Ticket,
    TicketEvent,
    TicketTag,
)
from .triage import TriageCorrection, TriageModel
from .user import ApiToken, Role, User
from .views import SavedView
from .workspace import Mention, RoutingCursor, RoutingMember  # noqa: F401 - issue 10: mentions, round-robin

__all__ = [
    "Admissibility",
    "Answer",
    "ApiToken",
    "Attachment",
    "Base",
    "BulkAction",
    "BulkStatus",
    "CaseStatus",
    "Category",
    "CategorySource",
    "Channel",
    "CollectiveCase",
    "Consent",
    "Customer",
    "DeliveryStatus",
    "Direction",
    "EscalationAction",
    "EscalationRule",
    "EscalationTimer",
    "Fulfilment",
    "InboundDelivery",
    "Integration",
    "IntegrationKind",
    "JobFailure",
    "Macro",
    "Mailbox",
    "MediationAttachment",
    "MediationCase",
    "MediationEvent",
    "MediationMessage",
    "MediationProposal",
    "MediationService",
    "Merchant",
    "Message",
    "OfferKind",
    "OfferStatus",
    "OpenedBy",
    "Order",
    "OutboundMail",
    "OutboundStatus",
    "Party",
    "PortalLink",
    "Priority",
    "ProposalResponse",
    "Rating",
    "Refund",
    "ResolutionOffer",
    "Role",
    "RoomChannel",
    "SavedView",
    "SearchEntry",
    "SlaPolicy",
    "Status",
    "Ticket",
    "TicketEvent",
    "TicketPresence",
    "TicketSla",
    "TicketTag",
    "TriageCorrection",
    "TriageModel",
    "User",
    "Withdrawal",
    "utcnow",
]
