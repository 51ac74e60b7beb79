"""Every model, importable from one place (Alembic and the services read them here)."""
from .base import Base, utcnow
from .commerce import Customer, Fulfilment, Order, Refund
from .intake import DeliveryStatus, InboundDelivery, Integration, IntegrationKind
from .job import JobFailure
from .macro import Macro
from .portal import PortalLink
from .search import SearchEntry
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

__all__ = [
    "ApiToken", "Attachment", "Base", "Category", "CategorySource", "Channel", "Customer", "DeliveryStatus",
    "Direction", "Fulfilment", "InboundDelivery", "Integration", "IntegrationKind", "JobFailure", "Macro",
    "MediationService", "Merchant", "Message", "Order", "PortalLink", "Priority", "Refund", "Role", "SavedView", "SearchEntry",
    "Status", "Ticket",
    "TicketEvent", "TicketTag", "TriageCorrection", "TriageModel", "User", "utcnow",
]
