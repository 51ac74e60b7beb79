"""In real headless Chromium: the demo shop's widget, the portal, the staff view; French, and Arabic (RTL)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import Message, Ticket
from tests.conftest import PASSWORD, make_merchant, make_user
from tests.widget.files import EXE, png

pytestmark = [pytest.mark.browser, pytest.mark.pg_only, pytest.mark.slow,
              # The staff ticket page still builds WTForms choices as tuples (deprecated); not this test's concern.
              pytest.mark.filterwarnings("ignore:Passing SelectField choices as tuples:DeprecationWarning")]


@pytest.fixture
def shop(live):
    app, base = live
    with app.app_context():
        merchant = make_merchant("souk-atlas", name="Souk Atlas", allowed_origins=[base])
        staff = make_user(merchant, role="agent", email="youssef@souk-atlas.example")
        return {"app": app, "base": base, "key": merchant.widget_key, "staff": staff.email}


@pytest.fixture
def open_page(chromium):
    """Open a URL in a fresh browser context (own cookies, own language); contexts close after the test."""
    contexts = []

    def open_(url, locale="fr-FR"):
        context = chromium.new_context(locale=locale, viewport={"width": 1200, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.csp_errors = []
        page.on("console", lambda m: "Content Security Policy" in m.text and page.csp_errors.append(m.text))
        page.goto(url)
        return page

    yield open_
    for context in contexts:
        context.close()


def test_complaint_with_a_photo_then_a_reply_in_the_portal_both_in_the_staff_view(open_page, shop):
    page = open_page(f"{shop['base']}/demo/shop")
    page.get_by_role("button", name="Signaler un problème").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("E-mail").fill("salma.b@example.ma")
    dialog.get_by_label("Nom").fill("Salma Bennani")
    dialog.get_by_label("Numéro de commande").fill("#1043")
    dialog.get_by_label("Que s'est-il passé ?").fill("Le tapis est arrivé avec une grosse tache.")
    dialog.get_by_label("Photos ou PDF (facultatif)").set_input_files(
        [{"name": "tapis.png", "mimeType": "image/png", "buffer": png(32, 32)}])
    dialog.get_by_role("button", name="Envoyer").click()
    ref = dialog.locator(".ref").inner_text()
    assert re.fullmatch(r"HD-[A-Z0-9]{6}", ref)
    portal_url = dialog.get_by_role("link", name="Suivre ma demande").get_attribute("href")
    assert page.csp_errors == []

    page.goto(portal_url)
    assert ref in page.locator("h1").inner_text()
    page.get_by_label("Votre message").fill("Voici aussi le bon de livraison signé.")
    page.locator("form[action$='/messages'] button[type=submit]").click()
    page.get_by_role("status").wait_for()
    assert "Voici aussi le bon de livraison signé." in page.locator("#conversation").inner_text()

    staff = open_page(f"{shop['base']}/login")
    staff.locator("input[name=email]").fill(shop["staff"])
    staff.locator("input[name=password]").fill(PASSWORD)
    staff.locator("form button[type=submit]").click()
    staff.wait_for_url(re.compile(r".*/tickets.*|.*/$"))
    staff.goto(f"{shop['base']}/tickets/{ref}")
    conversation = staff.locator(".conversation").inner_text()
    assert "Le tapis est arrivé avec une grosse tache." in conversation
    assert "Voici aussi le bon de livraison signé." in conversation and "tapis.png" in conversation
    with shop["app"].app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.ref == ref))
        assert ticket.channel.value == "widget" and ticket.order_number == "#1043"
        assert len(db.session.scalars(select(Message).where(Message.ticket_id == ticket.id)).all()) == 2


def test_field_errors_show_next_to_their_fields(open_page, shop):
    page = open_page(f"{shop['base']}/demo/shop", locale="en-GB")
    page.get_by_role("button", name="Report a problem").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Send").click()
    email, message = dialog.get_by_label("Email"), dialog.get_by_label("What happened?")
    assert email.get_attribute("aria-invalid") == "true" and message.get_attribute("aria-invalid") == "true"
    assert dialog.locator("#hd-email-err").inner_text() == "This field is required."
    assert dialog.locator("#hd-message-err").inner_text() == "This field is required."
    assert dialog.locator("#hd-name-err").inner_text() == ""
    assert page.evaluate("document.querySelector('[data-helpdesk-widget]').shadowRoot.activeElement.id") == "hd-email"

    dialog.get_by_label("Photos or PDF (optional)").set_input_files(
        [{"name": "setup.exe", "mimeType": "application/x-msdownload", "buffer": EXE}])
    dialog.get_by_role("button", name="Send").click()
    assert "setup.exe" in dialog.locator("#hd-files-err").inner_text()

    # Passes the browser's check, not the server's: the server's 422 lands next to the same field.
    dialog.get_by_label("Photos or PDF (optional)").set_input_files([])
    email.fill("shopper@example.c")
    message.fill("Where is my parcel?")
    dialog.get_by_role("button", name="Send").click()
    dialog.locator("#hd-email-err").filter(has_text="email address").wait_for()
    assert dialog.locator("#hd-message-err").inner_text() == ""
    assert message.get_attribute("aria-invalid") is None
    with shop["app"].app_context():
        assert db.session.scalar(select(Ticket)) is None


def test_arabic_is_right_to_left_in_the_widget_and_the_portal(open_page, shop):
    page = open_page(f"{shop['base']}/demo/shop", locale="ar-MA")
    launcher = page.get_by_role("button", name="الإبلاغ عن مشكلة")
    box = launcher.bounding_box()
    assert box["x"] + box["width"] / 2 < 600, "in Arabic the launcher sits at the inline end: the left"
    launcher.click()
    dialog = page.get_by_role("dialog")
    assert dialog.evaluate("e => getComputedStyle(e).direction") == "rtl"
    email = dialog.get_by_label("البريد الإلكتروني")
    label_box = dialog.locator("label[for=hd-email]").bounding_box()
    email_box = email.bounding_box()
    assert label_box["x"] + label_box["width"] > email_box["x"] + email_box["width"] - 20, "labels start on the right"
    email.fill("fatima.z@example.ma")
    dialog.get_by_label("ماذا حدث؟").fill("طلبت زربية منذ أسبوعين ولم تصلني بعد.")
    dialog.get_by_role("button", name="إرسال").click()
    assert re.fullmatch(r"HD-[A-Z0-9]{6}", dialog.locator(".ref").inner_text())
    page.goto(dialog.get_by_role("link", name="تابع طلبك").get_attribute("href"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"


def test_withdrawal_in_two_steps_with_the_date_and_time_shown(open_page, shop):
    page = open_page(f"{shop['base']}/demo/shop", locale="fr-FR")
    page.get_by_role("button", name="Signaler un problème").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Se rétracter du contrat ici").click()
    dialog.get_by_label("Nom").fill("Claire Martin")
    dialog.get_by_label("E-mail").fill("claire@example.fr")
    dialog.get_by_label("Numéro de commande").fill("#1081")
    dialog.get_by_role("button", name="Continuer").click()
    assert "commande #1081" in dialog.locator("#hd-stmt").inner_text()
    dialog.get_by_role("button", name="Confirmer la rétractation").click()
    done = dialog.get_by_role("status")
    assert "Votre rétractation a été reçue le" in done.inner_text()
    assert re.search(r"\d{1,2}:\d{2}:\d{2}", done.inner_text()), "the time of receipt, to the second"
    with shop["app"].app_context():
        ticket = db.session.scalar(select(Ticket))
        assert ticket.category.value == "return"


def test_keyboard_only_and_on_a_phone(chromium, shop):
    context = chromium.new_context(locale="en-US", viewport={"width": 375, "height": 700}, is_mobile=True,
                                   has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{shop['base']}/demo/shop")
    launcher = page.get_by_role("button", name="Report a problem")
    launcher.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    box = dialog.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375, "the form fits a phone's width"
    for _ in range(30):  # focus stays inside the dialog however far one tabs
        page.keyboard.press("Tab")
        inside = page.evaluate("document.querySelector('[data-helpdesk-widget]').shadowRoot.activeElement !== null")
        assert inside
    page.keyboard.press("Escape")
    assert dialog.is_hidden()
    assert page.evaluate("document.querySelector('[data-helpdesk-widget]').shadowRoot.activeElement.textContent") \
        == "Report a problem"
    context.close()
