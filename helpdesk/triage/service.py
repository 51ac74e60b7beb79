"""Triage as the rest of the app sees it: a category with its confidence and source, and corrections.

The model reads the shopper's new text and subject only. Order facts may
overrule it (a rule): a promised delivery date passed without delivery
points to `late_delivery`; a storefront return request is a `return`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import (Category, CategorySource, Direction, Merchant, Message, Order, Ticket, TriageCorrection, User,
                      utcnow)
from ..tickets.timeline import record_event
from . import registry
from .language import detect_language as _detect

REVIEW_BELOW = 0.55


@dataclass(frozen=True)
class Verdict:
    category: Category
    confidence: float
    source: CategorySource
    needs_review: bool
    language: str


def detect_language(text: str) -> str:
    return _detect(text or "")


def categorise(merchant: Merchant, subject: str, text: str, *, order: Order | None = None,
               hint: str | None = None, forced: str | None = None, now: datetime | None = None) -> Verdict:
    now = now or utcnow()
    language = detect_language(f"{subject}\n{text}")
    if forced:
        return Verdict(Category(forced), 1.0, CategorySource.RULE, False, language)
    prediction = registry.model_for(merchant.id).predict(subject or "", text or "")
    category, confidence = Category(prediction.category), float(prediction.confidence)
    if _promised_date_passed(order, now) and category in (Category.OTHER, Category.LATE_DELIVERY):
        late = float(prediction.scores.get("late_delivery", 0.0))
        return Verdict(Category.LATE_DELIVERY, max(0.9, late), CategorySource.RULE, False, language)
    if hint in Category._value2member_map_ and hint != category.value:
        hinted = float(prediction.scores.get(hint, 0.0))
        # The shopper's own choice wins unless the text clearly says otherwise.
        if confidence < 0.8:
            return Verdict(Category(hint), max(0.5, hinted), CategorySource.RULE, hinted < 0.2, language)
    return Verdict(category, confidence, CategorySource.MODEL, confidence < REVIEW_BELOW, language)


def _promised_date_passed(order: Order | None, now: datetime) -> bool:
    return bool(order and order.promised_delivery_at and order.promised_delivery_at < now
                and order.delivered_at is None)


def correct(ticket: Ticket, category: Category, user: User, *, now: datetime | None = None) -> None:
    """An agent's correction: applied to the ticket and kept as a training example."""
    now = now or utcnow()
    first = db.session.scalars(select(Message).where(Message.ticket_id == ticket.id,
                                                     Message.direction == Direction.INBOUND)
                               .order_by(Message.id).limit(1)).first()
    db.session.add(TriageCorrection(merchant_id=ticket.merchant_id, ticket_id=ticket.id, subject=ticket.subject,
                                    text=(first.new_text or first.body) if first else "",
                                    language=ticket.language, predicted=ticket.category.value,
                                    category=category.value, user_id=user.id, created_at=now))
    before = ticket.category
    ticket.category, ticket.category_source = category, CategorySource.AGENT
    ticket.category_confidence, ticket.needs_review = 1.0, False
    record_event(ticket, "ticket.recategorised", f"{user.role.value}:{user.id}",
                 {"from": before.value, "to": category.value}, at=now)
