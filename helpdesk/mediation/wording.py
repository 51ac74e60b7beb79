"""The names people read for a case's fixed values (statuses, channels, checks, deadlines), in their language.

The API keeps the SPEC's codes; the pages show these words, and anything
not named here is shown through the staff labels (or as it is).
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from ..labels import label

WORDS: dict[str, Any] = {
    # statuses (SPEC 6.1) and decisions
    "submitted": _l("Submitted"), "inadmissible": _l("Inadmissible"), "awaiting_consent": _l("Awaiting consent"),
    "refused": _l("Refused"), "open": _l("Open"), "agreement": _l("Agreement"), "failure": _l("Failure"),
    "withdrawn": _l("Withdrawn"), "expired": _l("Expired"), "active": _l("Active"), "admissible": _l("Admissible"),
    "pending": _l("Pending"), "accepted": _l("Accepted"), "declined": _l("Declined"), "lapsed": _l("Lapsed"),
    # who
    "mediator": _l("Mediator"), "merchant": _l("Merchant"), "shopper": _l("Shopper"), "rule": _l("Escalation rule"),
    # admissibility checks and missing items
    "prior_written_complaint": _l("A prior written complaint exists"),
    "within_one_year": _l("Requested within one year of the complaint"),
    "merchant_belongs_to_service": _l("The merchant belongs to this service"),
    "claim": _l("What the shopper asks for"), "amount_in_dispute": _l("Amount in dispute"),
    "identifiers": _l("The merchant's company identifiers (ICE/RC or SIREN)"),
    # deadlines
    "admissibility": _l("Admissibility decision"), "consent_merchant": _l("Merchant's consent"),
    "consent_shopper": _l("Shopper's consent"), "proposal": _l("Answer to a proposal"),
    "ends": _l("End of the mediation"),
    # documents
    "settlement": _l("Settlement"), "certificate": _l("Certificate"),
}

# A channel is named from where the reader sits: a party's caucus is "with the mediator" for that party.
CHANNELS: dict[str, Any] = {
    "joint": _l("Joint channel"),
    "caucus:merchant": _l("Caucus with the merchant"),
    "caucus:shopper": _l("Caucus with the shopper"),
}
OWN_CAUCUS = _l("Private with the mediator")


def case_word(value: Any) -> Any:
    key = getattr(value, "value", value)
    return WORDS[key] if key in WORDS else label(key)


def channel_name(channel: str, viewer: str) -> Any:
    """`caucus:merchant` reads "Private with the mediator" for the merchant, "Caucus with the merchant" for the
    mediator."""
    return OWN_CAUCUS if channel == f"caucus:{viewer}" else CHANNELS.get(channel, channel)
