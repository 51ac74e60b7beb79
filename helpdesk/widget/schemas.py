"""What the widget may post (SPEC 4.3), with messages a shopper reads next to the field, in their language."""
from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate

from ..models import Category

CATEGORIES = [c.value for c in Category]


def N_(message: str) -> str:
    """Marks a message for translation (Babel extracts N_); it is translated when the 422 is answered."""
    return message

# A client key makes a double click (or a retry after a lost answer) one complaint.
KEY = validate.Regexp(r"^[A-Za-z0-9._:-]{8,100}$", error=N_("Not a valid key."))


def _required() -> dict[str, Any]:
    return {"required": N_("This field is required."), "null": N_("This field is required.")}


class _Strip(Schema):
    class Meta:
        unknown = EXCLUDE

    @pre_load
    def strip(self, data: Any, **_: Any) -> Any:
        """Form posts send every field as text: trim it, and treat an empty optional field as absent."""
        if not isinstance(data, dict):
            raise ValidationError(N_("Send the form fields as JSON or as a form."), "_schema")
        out = {}
        for key, value in data.items():
            value = value.strip() if isinstance(value, str) else value
            if value == "":
                continue  # an empty required field then says "required", not "invalid"
            out[key] = value
        return out


class WidgetComplaintIn(_Strip):
    """A complaint from the widget: `email` and `message` are the only required fields."""

    email = fields.Email(required=True, validate=validate.Length(max=254, error=N_("This is too long.")),
                         error_messages={**_required(), "invalid": N_("Enter an email address like name@example.com.")})
    name = fields.Str(load_default="", validate=validate.Length(max=200, error=N_("This is too long.")))
    order_number = fields.Str(load_default=None, allow_none=True,
                              validate=validate.Length(max=64, error=N_("This is too long.")))
    message = fields.Str(required=True, error_messages=_required(), validate=validate.Length(
        min=1, max=20_000, error=N_("Tell us what happened, in at most 20,000 characters.")))
    category_hint = fields.Str(load_default=None, allow_none=True, validate=validate.OneOf(
        CATEGORIES, error=N_("Choose one of the categories offered.")))
    idempotency_key = fields.Str(load_default=None, validate=KEY)
    # The honeypot: a field people never see; a robot that fills it gets a polite answer and nothing is stored.
    website = fields.Str(load_default="")


class WithdrawalIn(_Strip):
    """A withdrawal from a contract: who, which order, and the explicit confirmation (Directive 2023/2673)."""

    email = fields.Email(required=True, validate=validate.Length(max=254, error=N_("This is too long.")),
                         error_messages={**_required(), "invalid": N_("Enter an email address like name@example.com.")})
    name = fields.Str(required=True, error_messages=_required(), validate=validate.Length(
        min=1, max=200, error=N_("Give your name.")))
    order_number = fields.Str(required=True, error_messages=_required(), validate=validate.Length(
        min=1, max=64, error=N_("Give the order number.")))
    message = fields.Str(load_default="", validate=validate.Length(max=5_000, error=N_("This is too long.")))
    confirm = fields.Bool(required=True, truthy={True, "true", "1", "on", "yes"}, falsy={False, "false", "0", "off", "no"},
                          validate=validate.Equal(True, error=N_("Confirm the withdrawal.")),
                          error_messages={**_required(), "invalid": N_("Confirm the withdrawal.")})
    idempotency_key = fields.Str(load_default=None, validate=KEY)
    website = fields.Str(load_default="")
