"""The mediation PDFs: the right parties, order, terms and next steps in French, English and Arabic, read back
from the PDF itself; never the closed EU ODR platform; a clear 503 reason when the renderer cannot load.

The case dicts are built here as `present.case_view` shapes them (SPEC 6.1), so these tests need no database.
"""
from __future__ import annotations

import builtins
import io
import re
import subprocess
import sys
import unicodedata
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from helpdesk import create_app
from helpdesk.errors import NotFound
from helpdesk.mediation.documents import (
    FONTS_DIR,
    RendererUnavailable,
    accepted_proposal,
    document_available,
    render_document,
)
from tests.conftest import test_config as app_config

ROOT = Path(__file__).resolve().parents[2]
SERVICE = "Médiation Atlas"
SHOPPER_NAME = "فاطمة الزهراء بنعلي"
TERMS = "استرجاع المبلغ كاملا"
CAUCUS_TEXT = "Offre plancher confidentielle 300 MAD"
ODR = "ec.europa.eu/consumers/odr"
STATUSES = ["submitted", "inadmissible", "awaiting_consent", "refused", "open", "agreement", "failure",
            "withdrawn", "expired"]


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def make_case(status: str = "agreement", *, country: str = "MA", **fields: Any) -> dict[str, Any]:
    """A case as one party sees it, with a caucus message that no document may print."""
    identifiers = {"ice": "001525874000088", "rc": "RC 123456"} if country == "MA" else {"siren": "552100554"}
    currency = "MAD" if country == "MA" else "EUR"
    case = {
        "id": 42, "ticket_ref": "HD-7F3K2Q", "status": status, "opened_by": "shopper",
        "merchant": {"slug": "souk-atlas", "name": "Souk Atlas SARL", "identifiers": identifiers},
        "shopper": {"email": "fatima@example.ma", "name": SHOPPER_NAME},
        "order": {"number": "SA-10045", "total": "1449.50", "currency": currency, "placed_at": at(2025, 1, 10, 9)},
        "category": "non_conformity", "amount_in_dispute": {"value": "1449.50", "currency": currency},
        "claim": TERMS, "first_complaint_at": at(2025, 1, 20, 8), "dossier_complete_at": at(2025, 2, 3, 8),
        "admissibility": {"decision": "admissible", "reason": None, "due_at": at(2025, 2, 24),
                          "decided_at": at(2025, 2, 5, 8), "checks": {}},
        "consent": {"merchant": "accepted", "shopper": "accepted", "merchant_due_at": at(2025, 3, 4, 23)},
        "ends_at": at(2025, 5, 4, 8),
        "messages": [{"id": 1, "channel": "caucus:merchant", "author_role": "merchant", "body": CAUCUS_TEXT,
                      "created_at": at(2025, 2, 7)}],
        "proposals": [
            {"id": 6, "made_by": "merchant", "terms": "Bon d'achat de 200 MAD", "amount": None,
             "respond_by": at(2025, 2, 20), "responses": {"merchant": "accepted", "shopper": "refused"}},
            {"id": 7, "made_by": "mediator", "terms": TERMS, "amount": {"value": "1449.50", "currency": currency},
             "respond_by": at(2025, 3, 1), "responses": {"merchant": "accepted", "shopper": "accepted"}},
        ],
        "outcome": {"kind": "agreement", "summary": "Le commerçant rembourse la commande.",
                    "closed_at": at(2025, 3, 5, 10)},
        "collective": None,
        "events": [
            {"seq": 8, "kind": "proposal.responded", "actor": "shopper", "created_at": at(2025, 2, 27, 10),
             "data": {"proposal_id": 7, "party": "shopper", "accept": True}},
            {"seq": 9, "kind": "proposal.responded", "actor": "supervisor@souk", "created_at": at(2025, 2, 28, 16),
             "data": {"proposal_id": 7, "party": "merchant", "accept": True}},
        ],
    }
    case.update(fields)
    return case


@pytest.fixture(scope="module")
def doc_app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """An app for the templates and translations; documents never touch the database."""
    app = create_app(app_config("sqlite://", tmp_path_factory.mktemp("data")))
    with app.app_context():
        yield app


@pytest.fixture(scope="module")
def render(doc_app: Any) -> Any:
    @cache
    def pdf(kind: str, language: str, status: str = "", country: str = "MA") -> bytes:
        case = make_case(status or ("agreement" if kind == "settlement" else "failure"), country=country)
        return render_document(kind, case, language=language, service_name=SERVICE, now=at(2025, 3, 6, 9))

    return pdf


def text_of(pdf: bytes) -> str:
    """The text in reading order (pypdf puts right-to-left runs back in logical order), NFKC-normalised
    (Arabic may come back as presentation forms, French spaces as narrow no-break ones), lines joined."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(unicodedata.normalize("NFKC", "\n".join(page.extract_text() for page in pages)).split())


def has_arabic(text: str, phrase: str) -> bool:
    """`phrase` in `text`, leaving out the lam-alef ligatures ("لا", one glyph for two letters).

    pypdf reads a glyph that stands for several characters as neutral, so when the ligature is the first
    glyph drawn of a right-to-left run (the last letter read) it joins the run before it. Every other
    letter comes back in reading order, so the rest of the phrase must be there, contiguous.
    """
    return phrase.replace("لا", "") in text.replace("لا", "")


def embedded_fonts(pdf: bytes) -> set[str]:
    fonts = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return fonts


# --- which document exists when -------------------------------------------------------------------

@pytest.mark.parametrize("status", STATUSES)
def test_documents_exist_only_after_their_outcomes(status):
    assert document_available("settlement", status) is (status == "agreement")
    assert document_available("certificate", status) is (status in {"inadmissible", "refused", "failure", "expired"})
    assert document_available("minutes", status) is False


def test_a_document_the_status_does_not_allow_is_not_available(doc_app):
    for kind, status in [("settlement", "failure"), ("certificate", "agreement"), ("certificate", "withdrawn")]:
        with pytest.raises(NotFound) as caught:
            render_document(kind, make_case(status), language="fr", service_name=SERVICE)
        assert caught.value.code == "document_not_available"


def test_an_agreement_without_a_proposal_both_accepted_has_no_settlement(doc_app):
    case = make_case(proposals=make_case()["proposals"][:1])
    assert accepted_proposal(case) is None
    with pytest.raises(NotFound):
        render_document("settlement", case, language="fr", service_name=SERVICE)


# --- the settlement --------------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_settlement_names_parties_order_terms_and_dates(render, language):
    pdf = render("settlement", language)
    assert pdf.startswith(b"%PDF-")
    text = text_of(pdf)
    for expected in [SERVICE, "42", "HD-7F3K2Q", "Souk Atlas SARL", "001525874000088", "RC 123456",
                     "fatima@example.ma", SHOPPER_NAME, "SA-10045", "Le commerçant rembourse la commande"]:
        assert expected in text, expected
    assert has_arabic(text, TERMS)
    assert "Bon d'achat" not in text  # only the proposal both parties accepted
    assert CAUCUS_TEXT not in text


@pytest.mark.parametrize(("language", "amount", "dates"), [
    ("fr", "1 449,50 MAD", ["27 février 2025", "28 février 2025", "5 mars 2025", "3 février 2025"]),
    ("en", "1,449.50 MAD", ["February 27, 2025", "February 28, 2025", "March 5, 2025", "February 3, 2025"]),
])
def test_settlement_amounts_and_dates_follow_the_language(render, language, amount, dates):
    text = text_of(render("settlement", language))
    assert amount in text
    for day in dates:  # each acceptance (from its event), the agreement, the complete dossier
        assert day in text, day


def test_arabic_settlement_is_right_to_left_in_arabic_fonts(render):
    pdf = render("settlement", "ar")
    # The amount is a left-to-right run inside right-to-left text: extracted, its parts may come either way round.
    assert re.search(r"1,449\.50 MAD|MAD 1,449\.50", text_of(pdf)), text_of(pdf)
    assert "مارس" in text_of(pdf)  # dates in Arabic month names
    # Every font drawn is one shipped in the package: no system fallback that another machine may lack.
    assert embedded_fonts(pdf) == {"Helpdesk-Noto-Sans", "Helpdesk-Noto-Sans-Bold", "Helpdesk-Noto-Naskh-Arabic",
                                   "Helpdesk-Noto-Naskh-Arabic-Bold"}


def test_acceptance_dates_fall_back_to_the_agreement_date(doc_app):
    pdf = render_document("settlement", make_case(events=[]), language="en", service_name=SERVICE)
    text = text_of(pdf)
    assert "March 5, 2025" in text and "February 27, 2025" not in text


# --- the certificate -------------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_certificate_gives_the_next_steps_in_every_language(render, language):
    pdf = render("certificate", language, "failure", "FR")
    text = text_of(pdf)
    for expected in ["mise en demeure", "إنذار", "tribunal judiciaire", "juge des contentieux de la protection",
                     "R631-3", "750-1", "2238", "552100554", SHOPPER_NAME, "SA-10045"]:
        assert expected in text, expected
    assert "tribunal de première instance" not in text
    assert CAUCUS_TEXT not in text


def test_certificate_for_morocco_names_its_court(render):
    text = text_of(render("certificate", "fr", "failure", "MA"))
    assert "tribunal de première instance" in text and "المحكمة الابتدائية" in text
    assert "tribunal judiciaire" not in text


@pytest.mark.parametrize(("changes", "expected"), [
    ({"status": "inadmissible", "admissibility": {"decision": "inadmissible", "decided_at": at(2025, 2, 12),
                                                  "reason": "No prior written complaint to the trader"}},
     ["could not take place", "inadmissible", "No prior written complaint to the trader", "February 12, 2025"]),
    ({"status": "refused", "consent": {"merchant": "declined", "shopper": "accepted", "merchant_due_at": None}},
     ["could not take place", "the trader declined"]),
    ({"status": "refused", "consent": {"merchant": "pending", "shopper": "accepted",
                                       "merchant_due_at": at(2025, 3, 4, 23)}},
     ["could not take place", "20 working days", "silence counts as a refusal", "March 4, 2025"]),
    ({"status": "refused", "opened_by": "merchant",
      "consent": {"merchant": "accepted", "shopper": "declined", "merchant_due_at": None}},
     ["could not take place", "the consumer declined"]),
    ({"status": "failure", "outcome": {"kind": "failure", "summary": "No common ground on the refund.",
                                       "closed_at": at(2025, 4, 1, 12)}},
     ["without an agreement", "April 1, 2025", "No common ground on the refund.", "formal notice"]),
    ({"status": "expired", "ends_at": at(2025, 5, 4, 8), "outcome": None},
     ["without an agreement", "time limit", "May 4, 2025", "Consumer associations"]),
], ids=["inadmissible", "merchant-declined", "merchant-silent", "shopper-declined", "failure", "expired"])
def test_certificate_says_why_mediation_did_not_take_place_or_failed(doc_app, changes, expected):
    case = make_case(**{"outcome": None, **changes})
    text = text_of(render_document("certificate", case, language="en", service_name=SERVICE))
    for phrase in expected:
        assert phrase in text, phrase


def test_no_document_points_to_the_closed_odr_platform(render):
    pdfs = [render("settlement", lang, "agreement", "FR") for lang in ("fr", "en", "ar")]
    pdfs += [render("certificate", lang, "failure", "FR") for lang in ("fr", "en", "ar")]
    pdfs += [render("certificate", "fr", "failure", "MA")]
    for pdf in pdfs:
        assert ODR not in text_of(pdf) and "europa.eu" not in text_of(pdf)
        assert all("/Annots" not in page for page in PdfReader(io.BytesIO(pdf)).pages)  # no links at all
    for template in (ROOT / "templates" / "documents").glob("*.html"):
        assert "europa.eu" not in template.read_text(encoding="utf-8")


# --- the renderer ---------------------------------------------------------------------------------

@pytest.mark.parametrize("failure", [ImportError("No module named 'weasyprint'"),
                                     OSError("cannot load library 'libpango-1.0-0'")])
def test_a_missing_renderer_is_a_503_with_its_reason(doc_app, monkeypatch, failure):
    real_import = builtins.__import__

    def without_weasyprint(name, *args, **kwargs):
        if name.split(".")[0] == "weasyprint":
            raise failure
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_weasyprint)
    with pytest.raises(RendererUnavailable) as caught:
        render_document("settlement", make_case(), language="fr", service_name=SERVICE)
    assert caught.value.status == 503 and caught.value.code == "renderer_unavailable"
    assert str(failure) in caught.value.message


def test_the_app_starts_without_importing_the_renderer():
    code = ("import sys; import helpdesk.mediation.documents; "
            "assert 'weasyprint' not in sys.modules, 'imported at start-up'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=120)


def test_the_fonts_ship_with_their_licence():
    names = {p.name for p in FONTS_DIR.iterdir()}
    assert {"NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoNaskhArabic-Regular.ttf",
            "NotoNaskhArabic-Bold.ttf", "OFL.txt"} <= names
    assert "SIL OPEN FONT LICENSE" in (FONTS_DIR / "OFL.txt").read_text(encoding="utf-8")
    assert sum(p.stat().st_size for p in FONTS_DIR.iterdir()) < 2_000_000
