"""The breakdowns that reach past the ticket: by carrier and product (its order) and mediation cases.

Each is one grouped query restricted to the period's tickets (merchant, created_at),
the same statement on both databases except for the JSON function that opens an
order's items. A ticket counts once per carrier of its order's shipments and once
per product title of its order, so these columns may add up to more than the
tickets opened (an order shipped in two parcels by two carriers counts for both).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, literal, select, true

from ..extensions import db
from ..models import CaseStatus, Category, Fulfilment, MediationCase, Merchant, Order, Ticket
from ..models.mediation import ACTIVE_CASE_STATUSES

TOP_PRODUCTS = 25  # a catalogue has thousands of titles: the page shows the ones that bring tickets
ACTIVE = "active"
# The outcomes a supervisor reads, in this order; the three statuses of a running case read as one.
OUTCOMES = [CaseStatus.AGREEMENT.value, CaseStatus.FAILURE.value, CaseStatus.WITHDRAWN.value,
            CaseStatus.EXPIRED.value, CaseStatus.REFUSED.value, CaseStatus.INADMISSIBLE.value, ACTIVE]


def period_tickets(merchant: Merchant, since: datetime, until: datetime) -> tuple[ColumnElement[bool], ...]:
    return (Ticket.merchant_id == merchant.id, Ticket.created_at >= since, Ticket.created_at < until)


def count_by_carrier(merchant: Merchant, since: datetime, until: datetime) -> list[tuple[str | None, int]]:
    """Tickets per tracking company of their order's shipments; None: no order, or no tracked shipment."""
    carrier = Fulfilment.tracking_company
    rows = db.session.execute(
        select(carrier, func.count(func.distinct(Ticket.id)))
        .select_from(Ticket)
        .outerjoin(Fulfilment, and_(Fulfilment.order_id == Ticket.order_id, carrier.is_not(None), carrier != ""))
        .where(*period_tickets(merchant, since, until))
        .group_by(carrier)).all()
    return sorted(((c, n) for c, n in rows), key=lambda r: (r[0] is None, -r[1], r[0] or ""))


def count_by_product(merchant: Merchant, since: datetime, until: datetime) -> list[tuple[str, int]]:
    """Tickets per product title among their order's items, the most frequent first."""
    if db.session.get_bind().dialect.name == "postgresql":
        # `items` is json: a stray non-array must not abort the report.
        items = case((func.json_typeof(Order.items) == "array", Order.items),
                     else_=literal("[]").cast(Order.items.type))
        item = func.json_array_elements(items).table_valued("value").render_derived()
        title = item.c.value.op("->>")("title")
    else:
        item = func.json_each(Order.items).table_valued("value")
        title = func.json_extract(item.c.value, "$.title")
    count = func.count(func.distinct(Ticket.id))
    rows = db.session.execute(
        select(title, count)
        .select_from(Ticket)
        .join(Order, Order.id == Ticket.order_id)
        .join(item, true())
        .where(*period_tickets(merchant, since, until), title.is_not(None), title != "")
        .group_by(title).order_by(count.desc(), title).limit(TOP_PRODUCTS)).all()
    return [(str(t), n) for t, n in rows]


def count_escalations(merchant: Merchant, since: datetime,
                      until: datetime) -> tuple[dict[str, int], dict[str, int]]:
    """Tickets of the period that went to mediation (per category), and their cases by outcome.

    Cases are few next to tickets, so their (ticket, status) rows come back and
    are counted here: a ticket escalated twice (a withdrawn case, then a new
    one) is one escalated ticket with two cases.
    """
    rows = db.session.execute(
        select(MediationCase.ticket_id, Ticket.category, MediationCase.status)
        .join(Ticket, Ticket.id == MediationCase.ticket_id)
        .where(MediationCase.merchant_id == merchant.id, *period_tickets(merchant, since, until))).all()
    outcomes = dict.fromkeys(OUTCOMES, 0)
    escalated = {c.value: 0 for c in Category}
    for ticket_id, category, status in rows:
        outcomes[ACTIVE if status in ACTIVE_CASE_STATUSES else status.value] += 1
    for category in {ticket_id: category for ticket_id, category, _ in rows}.values():
        escalated[category.value] += 1
    return escalated, outcomes
