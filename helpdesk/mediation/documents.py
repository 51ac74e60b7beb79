"""The mediation documents as PDF: the settlement after an agreement, the certificate when mediation
could not take place or did not succeed (SPEC 6.1, the documents row).

Both are rendered from the case as ONE viewer sees it (`present.case_view`), so a PDF goes through the
same confidentiality rules as the API; even so they print no message of the room at all: a settlement or
a certificate states parties, dossier, proposal, outcome and dates, never the exchanges. WeasyPrint (and
the Pango libraries under it) is imported only when a document is asked for, so the app starts on a
machine without it and the API answers 503 with the reason. The fonts ship with the package (OFL Noto
Sans and Noto Naskh Arabic) so Arabic renders the same on any machine.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal
from flask import render_template
from flask_babel import force_locale

from ..errors import DomainError, NotFound
from ..labels import label

FONTS_DIR = Path(__file__).resolve().parents[1] / "static" / "fonts"
LANGUAGES = ("fr", "en", "ar")
_AVAILABLE_AFTER = {
    "settlement": frozenset({"agreement"}),
    "certificate": frozenset({"inadmissible", "refused", "failure", "expired"}),
}
# Where the trader's identifiers say it is registered: SIREN is French, ICE and RC Moroccan (SPEC 6.1).
_COUNTRY_BY_IDENTIFIER = {"siren": "FR", "ice": "MA", "rc": "MA"}
_COUNTRY_BY_CURRENCY = {"EUR": "FR", "MAD": "MA"}


class RendererUnavailable(DomainError):
    """WeasyPrint or the system libraries it needs (Pango) cannot be loaded; the message says which."""

    status, code = 503, "renderer_unavailable"


def document_available(kind: str, status: str) -> bool:
    """The settlement exists after `agreement`; the certificate after `inadmissible`, `refused`, `failure`
    or `expired` (mediation could not take place or did not succeed); nothing after `withdrawn`."""
    return status in _AVAILABLE_AFTER.get(kind, frozenset())


def render_document(kind: str, case: Mapping[str, Any], *, language: str, service_name: str,
                    now: datetime | None = None, timezone: str | None = None) -> bytes:
    """The PDF of `kind` ("settlement" or "certificate") for `case`, in `language` (fr, en or ar).

    `case` is the dict of `present.case_view` for the viewer who downloads it. Dates are shown in
    `timezone` (the merchant's; else the case's `merchant.timezone`, else UTC). Raises NotFound
    (`document_not_available`) when the status has no such document, RendererUnavailable when WeasyPrint
    cannot load. Needs an app context (the templates and the translations); reads nothing from the database.
    """
    if not document_available(kind, str(case.get("status"))):
        raise NotFound(f"No {kind} exists for a case in status {case.get('status')!r}.",
                       code="document_not_available")
    html_class, font_config = _renderer()
    language = language if language in LANGUAGES else "fr"
    zone = ZoneInfo(timezone or (case.get("merchant") or {}).get("timezone") or "UTC")
    context = _context(kind, case, language=language, zone=zone, service_name=service_name,
                       now=now or datetime.now(UTC))
    with force_locale(language):
        html = render_template(f"documents/{kind}.html", **context)
    return html_class(string=html, base_url=FONTS_DIR.as_uri() + "/").write_pdf(font_config=font_config)


def _renderer() -> tuple[Any, Any]:
    """Import WeasyPrint now: an ImportError means the package is missing, an OSError that Pango is."""
    try:
        from weasyprint import HTML
        from weasyprint.text.fonts import FontConfiguration
    except (ImportError, OSError) as exc:
        raise RendererUnavailable(f"The PDF renderer (WeasyPrint) cannot be loaded: {exc}") from exc
    return HTML, FontConfiguration()


# --- what the templates read --------------------------------------------------------------------------

def _context(kind: str, case: Mapping[str, Any], *, language: str, zone: ZoneInfo, service_name: str,
             now: datetime) -> dict[str, Any]:
    def day(value: Any) -> str:
        when = _instant(value, zone)
        return format_date(when, "long", locale=language) if when is not None else ""

    def money(amount: Mapping[str, Any] | None) -> str:
        return _money(amount, language)

    country = _country(case)
    context: dict[str, Any] = {
        "case": case, "language": language, "rtl": language == "ar", "service_name": service_name,
        "issued_at": now, "country": country, "fonts_url": FONTS_DIR.as_uri() + "/",
        "day": day, "money": money, "label": label, "identifiers": _identifiers(case),
        "order_total": _order_total(case.get("order")),
    }
    if kind == "settlement":
        context.update(_settlement(case))
    else:
        context.update(_certificate(case, now))
    return context


def _settlement(case: Mapping[str, Any]) -> dict[str, Any]:
    proposal = accepted_proposal(case)
    if proposal is None:  # SPEC 6.1 forbids this state; refuse rather than print an agreement without terms
        raise NotFound("This case has no proposal both parties accepted.", code="document_not_available")
    closed_at = (case.get("outcome") or {}).get("closed_at")
    return {"proposal": proposal, "agreed_at": closed_at,
            "accepted_at": {party: acceptance_date(case, proposal, party) or closed_at
                            for party in ("merchant", "shopper")}}


def accepted_proposal(case: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The latest proposal whose responses are both `accepted` (the one the agreement rests on)."""
    for proposal in reversed(case.get("proposals") or []):
        responses = proposal.get("responses") or {}
        if responses.get("merchant") == "accepted" and responses.get("shopper") == "accepted":
            return proposal
    return None


def acceptance_date(case: Mapping[str, Any], proposal: Mapping[str, Any], party: str) -> Any:
    """When `party` accepted: its `proposal.responded` event, else the proposal's `responded_at`."""
    for event in reversed(case.get("events") or []):
        data = event.get("data") or {}
        if (event.get("kind") == "proposal.responded" and data.get("party") == party and data.get("accept")
                and str(data.get("proposal_id")) == str(proposal.get("id"))):
            return event.get("created_at")
    responded = proposal.get("responded_at")
    return responded.get(party) if isinstance(responded, Mapping) else responded


def _certificate(case: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    status = case["status"]
    consent = case.get("consent") or {}
    events = case.get("events") or []
    ended_at = ((case.get("admissibility") or {}).get("decided_at") if status == "inadmissible" else None) \
        or (case.get("outcome") or {}).get("closed_at") or (events[-1].get("created_at") if events else None) \
        or now
    return {"took_place": status in ("failure", "expired"), "ended_at": ended_at,
            "refusal": _refusal(consent) if status == "refused" else None}


def _refusal(consent: Mapping[str, Any]) -> str:
    """Who kept the mediation from taking place: a party that declined, or one that stayed silent."""
    if consent.get("merchant") == "declined":
        return "merchant_declined"
    if consent.get("shopper") == "declined":
        return "shopper_declined"
    return "shopper_silent" if consent.get("merchant") == "accepted" else "merchant_silent"


def _country(case: Mapping[str, Any]) -> str | None:
    """FR or MA, for the court and the legal references; None prints the options of both."""
    merchant = case.get("merchant") or {}
    if merchant.get("country") in ("FR", "MA"):
        return str(merchant["country"])
    for key, value in (merchant.get("identifiers") or {}).items():
        if value and key in _COUNTRY_BY_IDENTIFIER:
            return _COUNTRY_BY_IDENTIFIER[key]
    currency = (case.get("amount_in_dispute") or {}).get("currency") or (case.get("order") or {}).get("currency")
    return _COUNTRY_BY_CURRENCY.get(str(currency or "").upper())


def _identifiers(case: Mapping[str, Any]) -> list[tuple[str, str]]:
    identifiers = (case.get("merchant") or {}).get("identifiers") or {}
    return [(key.upper(), str(identifiers[key])) for key in ("ice", "rc", "siren") if identifiers.get(key)]


def _order_total(order: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not order or order.get("total") in (None, "") or not order.get("currency"):
        return None
    return {"value": order["total"], "currency": order["currency"]}


def _money(amount: Mapping[str, Any] | None, language: str) -> str:
    """`1 449,50 MAD`: grouped for the language, with the ISO code (unambiguous in all three)."""
    if not amount or amount.get("value") in (None, ""):
        return ""
    try:
        number = format_decimal(Decimal(str(amount["value"])), "#,##0.00", locale=language)
    except InvalidOperation:
        number = str(amount["value"])
    return f"{number} {amount.get('currency') or ''}".strip()


def _instant(value: Any, zone: ZoneInfo) -> date | None:
    """A datetime, a date or an ISO 8601 string (a case that went through JSON) as a day in `zone`."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value or " " in value \
            else date.fromisoformat(value)
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)  # stored instants are UTC
        return aware.astimezone(zone).date()
    return value if isinstance(value, date) else None
