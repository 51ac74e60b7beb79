"""What staff read: the fixed values of the API (categories, statuses, …) by name, instants and days localised."""
from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Any

from flask import Flask
from flask_babel import format_date, format_datetime, get_timezone
from flask_babel import lazy_gettext as _l

LABELS: dict[str, Any] = {
    "late_delivery": _l("Late delivery"), "return": _l("Return"), "non_conformity": _l("Non-conformity"),
    "other": _l("Other"),
    "new": _l("New"), "open": _l("Open"), "waiting_customer": _l("Waiting on shopper"), "resolved": _l("Resolved"),
    "closed": _l("Closed"), "escalated": _l("Escalated"),
    "low": _l("Low"), "normal": _l("Normal"), "high": _l("High"), "urgent": _l("Urgent"),
    "email": _l("Email"), "widget": _l("Widget"), "shopify": "Shopify", "woocommerce": "WooCommerce",
    "webhook": _l("Webhook"), "api": "API",
    "model": _l("model"), "rule": _l("rule"), "agent": _l("agent"),
    "pending": _l("Pending"), "failed": _l("Failed"), "done": _l("Done"), "ignored": _l("Ignored"),
    "supervisor": _l("supervisor"), "mediator": _l("mediator"), "admin": _l("admin"),
    "refund": _l("Refund"), "partial_refund": _l("Partial refund"), "replacement": _l("Replacement"),
    "repair": _l("Repair"), "voucher": _l("Voucher"), "offered": _l("Offered"), "accepted": _l("Accepted"),
    "declined": _l("Declined"), "withdrawn": _l("Withdrawn"), "queued": _l("Queued"), "running": _l("Running"),
    "finished": _l("Finished"),
}


def label(value: Any) -> Any:
    """The translated name of an enum value (or of its `.value`); unknown values are shown as they are."""
    key = getattr(value, "value", value)
    return LABELS.get(key, key)


def as_read(value: datetime, zone: tzinfo) -> datetime:
    """Deadlines of whole days are kept as the instant their last day ends, the next local midnight (exact for
    `<=` comparisons); a reader is told that day's last minute, "by 10 Dec 23:59", never "by 11 Dec 00:00"."""
    local = value.astimezone(zone)
    if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        return value - timedelta(minutes=1)
    return value


def when(value: Any, fmt: str = "short") -> str:
    """An instant in the reader's language, in the merchant's time zone (Babel's selectors pick both)."""
    return format_datetime(as_read(value, get_timezone()), fmt) if value is not None else ""


def day(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "astimezone"):
        zone = get_timezone()
        value = as_read(value, zone).astimezone(zone)
    return format_date(value, "medium")


def init_app(app: Flask) -> None:
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["day"] = day
