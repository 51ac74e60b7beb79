"""In real headless Chromium: the workspace's keyboard shortcuts, under the staff pages' strict CSP."""
from __future__ import annotations

import re

import pytest

from helpdesk.extensions import db
from helpdesk.models import Status, Ticket
from tests.conftest import PASSWORD, make_merchant, make_ticket, make_user

pytestmark = [pytest.mark.browser, pytest.mark.pg_only, pytest.mark.slow]


@pytest.fixture
def desk(live):
    app, base = live
    with app.app_context():
        merchant = make_merchant("souk-atlas", name="Souk Atlas")
        agent = make_user(merchant, role="agent", email="amina@souk-atlas.example")
        agent.language = "en"
        db.session.commit()
        older = make_ticket(merchant, "Mon colis n'est jamais arrivé.", email="salma@example.ma")
        newer = make_ticket(merchant, "Le tapis est arrivé taché.", email="karim@example.ma")
        return {"app": app, "base": base, "agent": agent.email, "agent_id": agent.id, "refs": [newer.ref, older.ref]}


@pytest.fixture
def staff(chromium, desk):
    context = chromium.new_context(locale="en-GB", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.csp_errors = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.csp_errors.append(m.text))
    page.goto(f"{desk['base']}/login")
    page.locator("input[name=email]").fill(desk["agent"])
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/tickets.*|.*/$"))
    yield page
    context.close()


def test_question_mark_opens_the_help_and_escape_closes_it(staff, desk):
    staff.goto(f"{desk['base']}/tickets")
    help_dialog = staff.get_by_role("dialog", name="Keyboard shortcuts")
    assert help_dialog.is_hidden()
    staff.keyboard.press("?")
    help_dialog.wait_for(state="visible")
    assert "Assign to me" in help_dialog.inner_text() and "Close the ticket" in help_dialog.inner_text()
    staff.keyboard.press("Escape")
    help_dialog.wait_for(state="hidden")
    # Typed into the search box, the same keys are text, not shortcuts.
    staff.keyboard.press("/")
    search = staff.locator("#search-q")
    assert staff.evaluate("document.activeElement.id") == "search-q"
    staff.keyboard.type("?j")
    assert search.input_value() == "?j" and help_dialog.is_hidden()
    assert staff.csp_errors == []


def test_j_then_o_opens_a_ticket_and_a_assigns_it_to_me_then_c_closes_it(staff, desk):
    staff.goto(f"{desk['base']}/tickets")
    staff.keyboard.press("j")
    staff.keyboard.press("j")
    assert staff.locator("table.tickets tr.selected").get_attribute("data-ref") == desk["refs"][1]
    staff.keyboard.press("k")
    staff.keyboard.press("o")
    staff.wait_for_url(f"**/tickets/{desk['refs'][0]}")

    staff.keyboard.press("a")
    staff.get_by_role("status").filter(has_text="Assigned to you.").wait_for()
    # The status is parsed before the deferred workspace.js has bound its keys: a key pressed in between is lost.
    staff.wait_for_load_state("load")
    with desk["app"].app_context():
        assert db.session.scalar(db.select(Ticket.assignee_id).where(Ticket.ref == desk["refs"][0])) == desk["agent_id"]

    # n: an internal note; while typing, "c" is a letter and closes nothing.
    staff.keyboard.press("n")
    assert staff.evaluate("document.activeElement.name") == "body"
    assert staff.locator("input[name=internal]").is_checked()
    staff.keyboard.type("a c")
    staff.keyboard.press("Escape")
    assert staff.evaluate("document.activeElement.name") != "body"
    with desk["app"].app_context():
        assert db.session.scalar(db.select(Ticket.status).where(Ticket.ref == desk["refs"][0])) is not Status.CLOSED

    # j on the ticket page goes to the next ticket of the list it came from.
    staff.keyboard.press("j")
    staff.wait_for_url(f"**/tickets/{desk['refs'][1]}")
    staff.keyboard.press("c")
    staff.get_by_role("status").filter(has_text="Ticket closed.").wait_for()
    with desk["app"].app_context():
        assert db.session.scalar(db.select(Ticket.status).where(Ticket.ref == desk["refs"][1])) is Status.CLOSED
    assert staff.csp_errors == []
