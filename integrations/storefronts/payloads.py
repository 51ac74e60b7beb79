"""What a webhook body must be before it is journaled (SPEC 4.1: otherwise `400`, never `422`).

The view checks only what the worker cannot do without (a JSON object, the ids
it keys on); everything else is read leniently by the handlers, since
platforms add fields and leave optional ones out.
"""
from __future__ import annotations

import json
from typing import Any

from marshmallow import ValidationError

from helpdesk.api.schemas import ComplaintIn
from helpdesk.errors import ValidationFailed
from helpdesk.intake.api_channel import complaint_from

# (platform, topic) -> fields that must be present and not null. Unknown topics need only an object.
REQUIRED: dict[tuple[str, str], tuple[str, ...]] = {
    ("shopify", "orders/create"): ("id", "name"),
    ("shopify", "orders/updated"): ("id", "name"),
    ("shopify", "fulfillments/create"): ("id", "order_id"),
    ("shopify", "fulfillments/update"): ("id", "order_id"),
    ("shopify", "refunds/create"): ("id", "order_id"),
    ("shopify", "returns/request"): ("id", "order"),
    ("woocommerce", "order.created"): ("id",),
    ("woocommerce", "order.updated"): ("id",),
}
_COMPLAINT = ComplaintIn()


class BadBody(Exception):
    """The body is not the JSON the endpoint expects; the message is shown to the sender."""


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def json_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object (strict: UTF-8, no NaN or Infinity)."""
    try:
        data = json.loads(body.decode("utf-8"), parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BadBody("The body is not valid JSON (send the payload as UTF-8 JSON).") from exc
    if not isinstance(data, dict):
        raise BadBody("The body must be a JSON object.")
    return data


def _is_id(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return isinstance(value, int) and not isinstance(value, bool)


def check_storefront(platform: str, topic: str, body: bytes) -> None:
    """Shopify and WooCommerce: a JSON object carrying the ids the handler for `topic` keys on."""
    data = json_object(body)
    missing = [name for name in REQUIRED.get((platform, topic), ()) if data.get(name) is None]
    if missing:
        raise BadBody(f"The {topic} payload lacks {', '.join(missing)}.")
    for name in ("id", "order_id"):
        if name in REQUIRED.get((platform, topic), ()) and not _is_id(data[name]):
            raise BadBody(f"`{name}` must be a number or a non-empty string.")
    order = data.get("order")
    if topic == "returns/request" and not (isinstance(order, dict) and _is_id(order.get("id"))):
        raise BadBody("The returns/request payload lacks order.id.")


def check_complaint(body: bytes) -> None:
    """The generic webhook: a complaint with the fields of `ComplaintIn` (SPEC 4.1), readable attachments."""
    data = json_object(body)
    try:
        complaint_from(_COMPLAINT.load(data))
    except ValidationError as exc:
        raise BadBody(_describe(exc.messages)) from exc
    except ValidationFailed as exc:
        raise BadBody(f"{exc.message}: {_describe(exc.fields or {})}") from exc


def _describe(messages: Any, path: tuple[str, ...] = ()) -> str:
    """Marshmallow's nested messages as one line: `email: Not a valid email address.; message: …`."""
    if isinstance(messages, dict):
        return "; ".join(_describe(value, (*path, str(key))) for key, value in messages.items())
    text = " ".join(str(m) for m in messages) if isinstance(messages, list) else str(messages)
    return f"{'.'.join(path)}: {text}" if path else text
