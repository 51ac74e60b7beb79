"""Lenient readers for platform payload values: a malformed optional field becomes None, never an error.

Platforms add, rename and leave out optional fields; an order update must not
fail (and retry for hours) because one date is in an odd shape.
"""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any


def when(value: Any, *, naive_is_utc: bool = True) -> datetime | None:
    """An ISO 8601 time (`Z` or an offset; WooCommerce's `_gmt` fields have none: UTC), or unix seconds."""
    if value in (None, ""):
        return None
    try:
        if isinstance(value, (int, float)) or (isinstance(value, str) and value.strip().isdigit()):
            return datetime.fromtimestamp(int(value), UTC)
        moment = datetime.fromisoformat(str(value).strip())
    except (ValueError, OverflowError, OSError):
        return None
    if moment.tzinfo is None:
        if not naive_is_utc:
            return None
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def money(value: Any) -> Decimal | None:
    """A decimal amount from a string or number (`"349.00"`, `349`), rounded to cents."""
    if value in (None, "") or isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return amount.quantize(Decimal("0.01")) if amount.is_finite() else None


def text(value: Any, limit: int) -> str | None:
    """A stripped string cut to the column's length, or None."""
    if value is None or isinstance(value, (dict, list)):
        return None
    out = str(value).strip()
    return out[:limit] or None


def currency(value: Any) -> str | None:
    code = text(value, 3)
    return code.upper() if code and len(code) == 3 and code.isalpha() else None


def ident(value: Any) -> str | None:
    """A platform id (number or string) as the string stored in `external_id`."""
    if isinstance(value, bool):
        return None
    return text(value, 64)
