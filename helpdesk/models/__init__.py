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
from .workspace import Mention, RoutingCursor, RoutingMember

__all__ = [
    "Admissibility", "CaseStatus", "Consent", "EscalationAction", "EscalationRule", "EscalationTimer",
    "MediationCase", "MediationEvent", "OpenedBy", "SlaPolicy", "Answer", "RoomChannel", "CollectiveCase",
    "MediationAttachment", "MediationMessage", "MediationProposal", "Party", "ProposalResponse",
    "Mention", "RoutingCursor", "RoutingMember", "TicketSla",
    "BulkAction", "BulkStatus", "OfferKind", "OfferStatus", "ResolutionOffer", "TicketPresence",
    "ApiToken", "Attachment", "Base", "Category", "CategorySource", "Channel", "Customer", "DeliveryStatus",
    "Direction", "Fulfilment", "InboundDelivery", "Integration", "IntegrationKind", "JobFailure", "Macro",
    "Mailbox", "OutboundMail", "OutboundStatus",
    "MediationService", "Merchant", "Message", "Order", "PortalLink", "Rating", "Priority", "Refund", "Role",
    "SavedView", "SearchEntry", "Status", "Ticket",
    "TicketEvent", "TicketTag", "TriageCorrection", "TriageModel", "User", "Withdrawal", "utcnow",
]
