"""In real headless Chromium, three people in three browsers run one whole mediation through the pages.

The merchant's supervisor escalates a ticket from the staff ticket page, the mediator admits it from the
queue, the shopper consents in the portal, a caucus message goes each way (and neither party ever sees
the other's), the mediator proposes, both parties accept, the mediator closes as an agreement, and each
of the three downloads the settlement. Only the pages' forms are used; the database is read only to find
the case's id after the escalation and to name the portal link the shopper got by mail.
"""
from __future__ import annotations

import io
import os
import unicodedata
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.mediation.dossier import Amount, open_dossier
from helpdesk.models import MediationCase, OpenedBy, Ticket, utcnow
from helpdesk.portal import links
from tests.conftest import PASSWORD, make_merchant, make_service, make_ticket, make_user

pytestmark = [pytest.mark.browser, pytest.mark.pg_only, pytest.mark.slow,
              pytest.mark.filterwarnings("ignore:Passing SelectField choices as tuples:DeprecationWarning")]

REASON = "La boutique et la cliente ne s'accordent pas sur le remboursement du tapis."
MERCHANT_CAUCUS = "Entre nous : le transporteur a reconnu la perte, nous pouvons aller jusqu'à 400 MAD."
SHOPPER_CAUCUS = "Confidentiel : un avoir de 350 MAD me suffirait."
TERMS = "Souk Atlas rembourse 420,00 MAD à Salma Bennani sous 8 jours ; la cliente garde le tapis."


@pytest.fixture
def scene(live):
    app, base = live
    with app.app_context():
        service = make_service("mediation-maroc")
        merchant = make_merchant("souk-atlas", name="Souk Atlas", mediation_service=service.slug,
                                 identifiers={"ice": "001525874000088"})
        supervisor = make_user(merchant, role="supervisor", email="nadia@souk-atlas.example")
        mediator = make_user(role="mediator", service=service, email="omar@mediation.example")
        ticket = make_ticket(merchant, "Le tapis commandé est arrivé déchiré.", email="salma.b@example.ma",
                             name="Salma Bennani", order_number="#1043")
        ticket.created_at = utcnow() - timedelta(days=10)
        token = links.issue_link(ticket)
        db.session.commit()
        return {"app": app, "base": base, "ref": ticket.ref, "supervisor": supervisor.email,
                "mediator": mediator.email, "portal": f"{base}/portal/{token}"}


@pytest.fixture
def browse(chromium):
    """A fresh browser context per person (own cookies, own language), closed after the test."""
    contexts = []

    def open_(locale: str = "en-GB"):
        context = chromium.new_context(locale=locale, viewport={"width": 1280, "height": 1000}, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.csp_errors = []
        page.on("console", lambda m: "Content Security Policy" in m.text and page.csp_errors.append(m.text))
        return page

    yield open_
    for context in contexts:
        context.close()


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()
    assert "/login" not in page.url


def submit(page, button) -> None:
    """Click a form's button and wait for the page it leads to (every form here answers with a redirect)."""
    with page.expect_navigation():
        button.click()


def notice(page) -> str:
    return page.locator("p.flash.success, p.flash.error").first.inner_text()


def status_of(page) -> str:
    return page.locator("h1 [data-status]").get_attribute("data-status")


def pdf_text(download) -> tuple[bytes, str]:
    data = Path(download.path()).read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    return data, " ".join(unicodedata.normalize("NFKC", text).split())


def test_a_whole_mediation_in_three_browsers(browse, scene):
    base = scene["base"]

    # The merchant's supervisor escalates the ticket from the staff ticket page.
    merchant = browse()
    sign_in(merchant, base, scene["supervisor"])
    merchant.goto(f"{base}/tickets/{scene['ref']}")
    escalate = merchant.locator(f"form[action$='/tickets/{scene['ref']}/escalate']")
    escalate.locator("textarea[name=reason]").fill(REASON)
    escalate.locator("textarea[name=claim]").fill("Remboursement intégral du tapis")
    escalate.locator("input[name=amount]").fill("449.00")
    escalate.locator("input[name=currency]").fill("MAD")
    submit(merchant, escalate.get_by_role("button", name="Escalate"))
    assert notice(merchant) == "The dossier is in the mediation service's queue."
    with scene["app"].app_context():
        case_id = db.session.scalar(select(MediationCase.id))
    case_url = f"{base}/mediation/cases/{case_id}"
    submit(merchant, merchant.locator(f"a[data-mediation-case='{case_id}']"))
    assert merchant.url.startswith(case_url) and status_of(merchant) == "submitted"
    assert merchant.locator("[data-consent=merchant]").inner_text() == "Accepted", "asking is consenting"

    # The mediator finds it in the queue and admits it.
    mediator = browse()
    sign_in(mediator, base, scene["mediator"])
    assert mediator.url.endswith("/mediation/cases")
    row = mediator.locator(f"tr[data-case='{case_id}']")
    assert scene["ref"] in row.inner_text() and "Souk Atlas" in row.inner_text() and "449.00 MAD" in row.inner_text()
    submit(mediator, row.get_by_role("link", name=f"#{case_id}"))
    assert status_of(mediator) == "submitted"
    checks = mediator.locator("#admissibility [data-check]")
    assert checks.count() == 3 and mediator.locator("#admissibility [data-passed=no]").count() == 0
    decide = mediator.locator("#admissibility form")
    decide.get_by_label("Admissible", exact=True).check()
    submit(mediator, decide.get_by_role("button", name="Record the decision"))
    assert notice(mediator) == "Decision recorded; both parties are told."
    assert status_of(mediator) == "awaiting_consent"
    assert mediator.locator("#admissibility [data-decision]").get_attribute("data-decision") == "admissible"
    assert mediator.locator("[data-consent=shopper]").inner_text().startswith("Pending")

    # The shopper follows the link of the mail and agrees to mediation.
    shopper = browse()
    shopper.goto(scene["portal"])
    assert shopper.locator("#mediation .badge").inner_text() == "Waiting for the parties' agreement"
    submit(shopper, shopper.get_by_role("link", name="Follow the mediation"))
    consent = shopper.locator("#consent")
    submit(shopper, consent.get_by_role("button", name="Yes, I agree to mediation"))
    assert notice(shopper) == "You agreed to mediation."
    assert shopper.locator("strong.badge").inner_text() == "Mediation under way"
    assert shopper.locator("#consent").count() == 0

    # A caucus message each way: the merchant to the mediator in private, the shopper to the mediator in private.
    merchant.reload()
    assert status_of(merchant) == "open"
    private = merchant.locator("section[data-channel='caucus:merchant']")
    private.locator("textarea[name=body]").fill(MERCHANT_CAUCUS)
    submit(merchant, private.get_by_role("button", name="Send"))
    assert notice(merchant) == "Message posted."
    assert MERCHANT_CAUCUS in merchant.locator("section[data-channel='caucus:merchant']").inner_text()

    submit(shopper, shopper.locator("#room").get_by_role("link", name="Private with the mediator"))
    shopper.locator("#room-body").fill(SHOPPER_CAUCUS)
    submit(shopper, shopper.get_by_role("button", name="Send to the mediator only"))
    assert notice(shopper) == "Your message was sent."
    assert SHOPPER_CAUCUS in shopper.locator("#room").inner_text()

    # The mediator reads both caucuses, each in its own tab, and answers the merchant's.
    mediator.reload()
    assert status_of(mediator) == "open"
    assert MERCHANT_CAUCUS in mediator.locator("section[data-channel='caucus:merchant']").inner_text()
    assert SHOPPER_CAUCUS in mediator.locator("section[data-channel='caucus:shopper']").inner_text()
    assert mediator.locator("a[data-tab='caucus:shopper'] .count").inner_text() == "1"
    to_merchant = mediator.locator("section[data-channel='caucus:merchant']")
    reply = "Merci. Je propose 420 MAD aux deux parties, sans mentionner votre plafond."
    to_merchant.locator("textarea[name=body]").fill(reply)
    submit(mediator, to_merchant.get_by_role("button", name="Send"))
    assert reply in mediator.locator("section[data-channel='caucus:merchant']").inner_text()

    # Neither party sees the other's caucus, in any tab of its page.
    merchant.reload()
    assert reply in merchant.locator("section[data-channel='caucus:merchant']").inner_text()
    assert merchant.locator("section[data-channel='caucus:shopper']").count() == 0
    shoot(merchant, "merchant-open")
    assert SHOPPER_CAUCUS not in merchant.content()
    for tab in ("With the shop and the mediator", "Private with the mediator"):
        submit(shopper, shopper.locator("#room").get_by_role("link", name=tab))
        page = shopper.content()
        assert MERCHANT_CAUCUS not in page and reply not in page

    # The mediator puts a proposal to the parties.
    mediator.locator("#proposals summary").click()
    propose = mediator.locator("#proposals form")
    propose.locator("textarea[name=terms]").fill(TERMS)
    propose.locator("input[name=amount]").fill("420.00")
    assert propose.locator("input[name=currency]").input_value() == "MAD"
    propose.locator("input[name=respond_by]").fill((utcnow() + timedelta(days=10)).date().isoformat())
    submit(mediator, propose.get_by_role("button", name="Put to the parties"))
    assert notice(mediator) == "Proposal put to the parties."
    proposal = mediator.locator("article.proposal")
    assert TERMS in proposal.inner_text() and "420.00 MAD" in proposal.inner_text()

    # The merchant accepts on the staff page, the shopper in the portal.
    merchant.reload()
    offer = merchant.locator("article.proposal")
    assert TERMS in offer.inner_text()
    submit(merchant, offer.get_by_role("button", name="Accept for the merchant"))
    assert notice(merchant) == "Your answer is recorded."
    assert merchant.locator("article.proposal [data-answer=merchant]").inner_text() == "Accepted"
    assert merchant.locator("article.proposal [data-answer=shopper]").inner_text() == "Pending"

    shopper.reload()
    offer = shopper.locator("#proposals article.proposal")
    assert TERMS in offer.inner_text() and "The shop: accepted" in offer.inner_text()
    submit(shopper, offer.get_by_role("button", name="I accept"))
    assert notice(shopper) == "You accepted the proposal."
    assert "Your answer: accepted" in shopper.locator("#proposals article.proposal").inner_text()
    shoot(shopper, "shopper-accepted")

    # The mediator closes the case as an agreement.
    mediator.reload()
    assert mediator.locator("article.proposal [data-answer=shopper]").inner_text() == "Accepted"
    mediator.locator("#outcome summary", has_text="Close the case").click()
    close = mediator.locator(f"#outcome form[action$='/cases/{case_id}/close']")
    close.get_by_label("Agreement (a proposal both parties accepted)").check()
    close.locator("textarea[name=summary]").fill("Accord sur un remboursement de 420 MAD.")
    submit(mediator, close.get_by_role("button", name="Close"))
    assert notice(mediator) == "Case closed; both parties are told."
    assert status_of(mediator) == "agreement"
    assert mediator.locator("#outcome strong").inner_text() == "Agreement"
    shoot(mediator, "mediator-agreement")

    # Each of the three downloads the settlement, and it holds the terms and both parties.
    merchant.reload()
    assert status_of(merchant) == "agreement"
    shopper.goto(f"{scene['portal']}/mediation")
    assert shopper.locator("strong.badge").inner_text() == "Ended with an agreement"
    links_to_click = [(mediator, mediator.locator("a[data-document=settlement]")),
                      (merchant, merchant.locator("a[data-document=settlement]")),
                      (shopper, shopper.get_by_role("link", name="Download the settlement (PDF)"))]
    for page, link in links_to_click:
        with page.expect_download() as download:
            link.click()
        data, text = pdf_text(download.value)
        assert data.startswith(b"%PDF")
        assert download.value.suggested_filename.endswith(".pdf")
        assert TERMS in text and "420.00 MAD" in text, "the terms and the amount agreed"
        assert "Souk Atlas" in text and "001525874000088" in text and "Salma Bennani" in text and "#1043" in text
        assert SHOPPER_CAUCUS not in text and MERCHANT_CAUCUS not in text

    assert merchant.csp_errors == [] and mediator.csp_errors == [] and shopper.csp_errors == []


def test_the_mediators_queue_and_case_read_right_to_left_in_arabic(browse, scene):
    """How the pages read in Arabic, not the flow: the case is opened through the service directly."""
    with scene["app"].app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.ref == scene["ref"]))
        case, _ = open_dossier(ticket, by=OpenedBy.MERCHANT, reason="خلاف حول استرجاع المبلغ", actor="supervisor",
                               claim="استرجاع المبلغ كاملا", amount=Amount(Decimal("449.00"), "MAD"))
        db.session.commit()
        case_id = case.id
    mediator = browse("ar-MA")
    sign_in(mediator, scene["base"], scene["mediator"])
    assert mediator.locator("html").get_attribute("dir") == "rtl"
    assert mediator.evaluate("getComputedStyle(document.body).direction") == "rtl"
    row = mediator.locator(f"tr[data-case='{case_id}']")
    assert scene["ref"] in row.inner_text() and "449.00 MAD" in row.inner_text()
    first, last = (row.locator("td").nth(i).bounding_box() for i in (0, -1))
    assert first["x"] > last["x"], "the first column sits on the right"
    shoot(mediator, "queue-ar")
    submit(mediator, row.locator(f"a[href$='/mediation/cases/{case_id}']"))
    assert mediator.locator("html").get_attribute("dir") == "rtl"
    assert status_of(mediator) == "submitted"
    assert "استرجاع المبلغ كاملا" in mediator.locator("#dossier").inner_text()
    shoot(mediator, "case-ar")
    assert mediator.csp_errors == []


def shoot(page, name: str) -> None:
    """A full-page screenshot to look at, only when HD_TEST_SCREENSHOTS names a folder (never kept in the repo)."""
    folder = os.environ.get("HD_TEST_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
