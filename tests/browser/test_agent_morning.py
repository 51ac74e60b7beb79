"""In real headless Chromium, on the demo data: an agent's morning in Arabic, and a supervisor's report and CSV.

The demo (`helpdesk demo`) is seeded in the live app's database, and the
agent Youssef works as a Moroccan agent would: the staff UI in Arabic (right
to left), his queue, a search by order number and by an Arabic word, an
Arabic macro, an internal note that mentions his supervisor, a category
correction, an assignment and a bulk close that runs as a job (a thread of
this process in the test app) while the page shows its progress. The
assertions are on what the page shows, in Arabic where the UI speaks (the
catalogue's words, so a new translation changes nothing here); the database
is read only to name the demo's tickets and to check what the clicks recorded.
"""
from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _

from helpdesk.demo import PASSWORD, USERS, seed_demo
from helpdesk.extensions import db
from helpdesk.labels import LABELS
from helpdesk.models import Direction, Mention, Message, Status, Ticket, TriageCorrection, User

pytestmark = [pytest.mark.browser, pytest.mark.pg_only, pytest.mark.slow]

SUPERVISOR, AGENT = USERS[0][1], USERS[1][1]


@pytest.fixture
def demo(live: tuple[Any, str]) -> dict[str, Any]:
    app, base = live
    with app.app_context():
        seed_demo()
        db.session.commit()
        app.extensions["helpdesk_drain"]()  # the demo's own mails and jobs, before the morning starts
        refs = {t.order_number: t.ref for t in db.session.scalars(db.select(Ticket)) if t.order_number}
        agent_id = db.session.scalar(db.select(User.id).where(User.email == AGENT))
        mine = set(db.session.scalars(db.select(Ticket.ref).where(Ticket.assignee_id == agent_id)))
    return {"app": app, "base": base, "refs": refs, "mine": mine, "agent_id": agent_id}


def in_arabic(app: Any, text: str, **values: Any) -> str:
    """What the Arabic UI shows for a message of the code (the catalogue decides, not this test)."""
    with app.test_request_context(), force_locale("ar"):
        return _(text, **values)


def label_in_arabic(app: Any, value: str) -> str:
    with app.test_request_context(), force_locale("ar"):
        return str(LABELS[value])


def sign_in(chromium: Any, base: str, email: str, locale: str) -> tuple[Any, Any]:
    context = chromium.new_context(locale=locale, viewport={"width": 1280, "height": 900},
                                   accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.csp_errors = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.csp_errors.append(m.text))
    page.goto(f"{base}/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/tickets.*|.*/$"))
    return context, page


def listed_refs(page: Any) -> list[str]:
    return page.locator("table.tickets tbody tr[data-ref]").evaluate_all("rows => rows.map(r => r.dataset.ref)")


def search(page: Any, base: str, words: str) -> list[str]:
    """Type into the list's search box (from the whole list, not a queue) and press Enter."""
    page.goto(f"{base}/tickets")
    box = page.locator("#search-q")
    box.fill(words)
    with page.expect_navigation():
        box.press("Enter")
    return listed_refs(page)


def flash(page: Any, text: str) -> None:
    page.locator("p.flash[role=status]").filter(has_text=text).wait_for()


def test_an_agents_morning_in_arabic_on_the_demo(chromium: Any, demo: dict[str, Any]) -> None:
    app, base, refs = demo["app"], demo["base"], demo["refs"]
    context, page = sign_in(chromium, base, AGENT, "ar-MA")
    try:
        # The staff UI speaks Arabic, right to left.
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert page.locator("html").get_attribute("lang") == "ar"

        # "Mine": the tickets the supervisor gave him, with their count beside the queue.
        page.get_by_role("link", name=re.compile(re.escape(in_arabic(app, "Mine")))).click()
        page.wait_for_url("**queue=mine**")
        assert set(listed_refs(page)) == demo["mine"] and len(demo["mine"]) >= 5
        assert page.locator('.count[data-queue="mine"]').inner_text() == str(len(demo["mine"]))

        # An order number, typed as the shopper wrote it, finds her ticket.
        assert search(page, base, "#1090") == [refs["#1090"]]
        page.get_by_role("link", name=refs["#1090"]).click()
        page.wait_for_url(f"**/tickets/{refs['#1090']}")
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert page.title().startswith(refs["#1090"])  # the page's script is in the body, not in <title>
        page.keyboard.press("?")  # workspace.js is loaded: its help opens, in Arabic
        help_dialog = page.locator("dialog#shortcuts")
        help_dialog.wait_for(state="visible")
        assert in_arabic(app, "Keyboard shortcuts") in help_dialog.inner_text()
        page.keyboard.press("Escape")
        help_dialog.wait_for(state="hidden")

        # A shared Arabic macro, its placeholders filled for this shopper, sent as the reply.
        pick = page.locator("form.macro-pick select[name=macro]")
        pick.select_option(pick.locator("option", has_text="منتج معيب").get_attribute("value"))
        with page.expect_navigation():
            page.locator("form.macro-pick button[type=submit]").click()
        body = page.locator("#body")
        drafted = body.input_value()
        assert "Amina Rachidi" in drafted and "#1090" in drafted and "/portal/" in drafted and "{" not in drafted
        with page.expect_navigation():
            page.locator("#reply-form button[type=submit]").click()
        flash(page, in_arabic(app, "Reply sent."))
        sent = page.locator("article.message.outbound").last
        assert "مرحبا Amina Rachidi" in sent.inner_text()
        with app.app_context():
            reply = db.session.scalars(db.select(Message).join(Ticket).where(
                Ticket.ref == refs["#1090"], Message.direction == Direction.OUTBOUND).order_by(Message.id.desc())
            ).first()
            assert reply is not None and not reply.internal and reply.body.startswith("مرحبا Amina Rachidi")
            assert "{" not in reply.body and "Souk Atlas" in reply.body

        # An internal note that mentions the supervisor: set apart from the conversation, and recorded.
        body.fill("@nadia الزبونة تطلب استبدال الخلاط، هل نوافق على إرسال بديل قبل استرجاع المعيب؟")
        page.locator("input[name=internal]").check()
        with page.expect_navigation():
            page.locator("#reply-form button[type=submit]").click()
        flash(page, in_arabic(app, "Note added."))
        note = page.locator("article.message.internal").last
        assert "@nadia" in note.inner_text() and in_arabic(app, "internal note") in note.inner_text()
        page.locator("ol.timeline code", has_text="note.mentioned").wait_for()

        # An Arabic word finds the ticket that holds it; he takes it.
        assert search(page, base, "زربية") == [refs["#1070"]]
        page.get_by_role("link", name=refs["#1070"]).click()
        page.wait_for_url(f"**/tickets/{refs['#1070']}")
        with page.expect_navigation():
            page.locator('form[data-shortcut="assign"] button').click()
        flash(page, in_arabic(app, "Assigned to you."))
        assert AGENT in page.locator("aside.side dl").first.inner_text()

        # A thank-you note that triage filed under a category: one click corrects it (and teaches triage).
        assert search(page, base, "#1160") == [refs["#1160"]]
        page.get_by_role("link", name=refs["#1160"]).click()
        page.wait_for_url(f"**/tickets/{refs['#1160']}")
        before = page.locator("section.triage .badge").get_attribute("class") or ""
        target = "other" if "cat-other" not in before else "late_delivery"
        with page.expect_navigation():
            page.locator(f'form.recategorise button[value="{target}"]').click()
        flash(page, in_arabic(app, "Category corrected: %(category)s.", category=label_in_arabic(app, target)))
        badge = page.locator("section.triage .badge")
        assert f"cat-{target}" in (badge.get_attribute("class") or "")
        assert badge.inner_text() == label_in_arabic(app, target)
        assert page.locator("section.triage .confidence").inner_text() == "100%"

        # Back to "mine", now with the ticket he took; three of his tickets closed in one go, as a job.
        page.goto(f"{base}/tickets?queue=mine")
        now_mine = listed_refs(page)
        assert refs["#1070"] in now_mine and len(now_mine) == len(demo["mine"]) + 1
        chosen = [refs[n] for n in ("#1062", "#1074", "#1118")]
        assert set(chosen) <= set(now_mine)
        for ref in chosen:
            page.locator(f'tr[data-ref="{ref}"] input[type=checkbox]').check()
        page.locator("#bulk-form select[name=action]").select_option("close")
        with page.expect_navigation():
            page.locator("#bulk-form button[type=submit]").click()
        page.wait_for_url("**/tickets/bulk/**")
        # The job is usually still running when the page first shows: it refreshes itself (no script, CSP) until
        # the job is done, and the agent sees the bar full and the status change.
        page.locator('.bulk-status[data-status="finished"]').wait_for(timeout=20_000)
        assert page.locator(".bulk-status").inner_text() == label_in_arabic(app, "finished")
        assert page.locator('[data-count="total"]').inner_text() == "3"
        assert page.locator('[data-count="done"]').inner_text() == "3"
        assert page.locator('[data-count="failed"]').inner_text() == "0"
        progress = page.locator("progress")
        assert progress.get_attribute("value") == progress.get_attribute("max") == "3"

        page.goto(f"{base}/tickets?queue=mine")
        left = listed_refs(page)
        assert not set(chosen) & set(left) and len(left) == len(now_mine) - 3
        assert page.locator('.count[data-queue="mine"]').inner_text() == str(len(left))
        with app.app_context():
            closed = db.session.scalars(db.select(Ticket.status).where(Ticket.ref.in_(chosen))).all()
            assert closed == [Status.CLOSED] * 3
            learnt = db.session.scalar(db.select(TriageCorrection).join(Ticket).where(Ticket.ref == refs["#1160"]))
            assert learnt is not None and learnt.category == target
        assert page.csp_errors == []
    finally:
        context.close()

    # The supervisor sees the mention waiting for her (her UI in French, the shop's language).
    context, page = sign_in(chromium, base, SUPERVISOR, "fr-FR")
    try:
        assert page.locator("html").get_attribute("dir") == "ltr"
        assert page.locator('.count[data-queue="mentions"]').inner_text() == "1"
        page.goto(f"{base}/mentions")
        row = page.locator("table.mentions tbody tr.unread")
        assert row.count() == 1
        assert refs["#1090"] in row.inner_text() and "youssef" in row.inner_text()  # the author, by name
        with app.app_context():
            supervisor_id = db.session.scalar(db.select(User.id).where(User.email == SUPERVISOR))
            assert db.session.scalar(db.select(Mention.user_id).join(Ticket).where(
                Ticket.ref == refs["#1090"])) == supervisor_id
        assert page.csp_errors == []
    finally:
        context.close()


def test_the_supervisors_csv_has_the_numbers_of_the_chart(chromium: Any, demo: dict[str, Any]) -> None:
    context, page = sign_in(chromium, demo["base"], SUPERVISOR, "fr-FR")
    try:
        page.goto(f"{demo['base']}/reports")
        # The chart's numbers, read from the SVG bars the supervisor looks at (one bar per day and category).
        chart: dict[tuple[str, str], int] = {}
        days = page.locator("figure.chart svg g.day")
        opened: dict[str, int] = {}
        for day in days.all():
            when = day.get_attribute("data-day") or ""
            opened[when] = int(day.get_attribute("data-opened") or 0)
            for bar in day.locator("rect[data-category]").all():
                count = int(bar.get_attribute("data-count") or 0)
                chart[(when, bar.get_attribute("data-category") or "")] = count
                # What a hover shows says the same.
                assert (bar.locator("title").text_content() or "").endswith(f": {count}")
        assert sum(opened.values()) >= 36 and sum(chart.values()) == sum(opened.values())
        assert page.locator('[data-kpi="opened"]').inner_text() == str(sum(opened.values()))
        # The table under the chart: day, opened, one column per category, resolved, SLA breached.
        table = [[cell.strip() for cell in row.split("\t")]
                 for row in page.locator("table.list:has(thead) tbody tr").all_inner_texts()]

        with page.expect_download() as info:
            page.locator('a[href*="/reports.csv"]').click()
        download = info.value
        assert download.suggested_filename.endswith(".csv")
        rows = list(csv.DictReader(io.StringIO(download.path().read_text(encoding="utf-8"))))
    finally:
        context.close()

    per_day = [r for r in rows if r["day"] != "total"]
    categories = [c for c in rows[0] if c not in ("day", "opened", "resolved", "sla_breached", "ratings",
                                                  "satisfied")]
    assert {r["day"] for r in per_day} == set(opened)
    for r in per_day:
        assert int(r["opened"]) == opened[r["day"]]
        for c in categories:
            assert int(r[c]) == chart.get((r["day"], c), 0), (r["day"], c)
    shown = {r["day"]: [r["opened"], *(r[c] for c in categories), r["resolved"], r["sla_breached"]]
             for r in per_day if r["opened"] != "0" or r["resolved"] != "0"}
    assert {row[0]: row[1:] for row in table} == shown
    total = next(r for r in rows if r["day"] == "total")
    assert int(total["opened"]) == sum(opened.values())
