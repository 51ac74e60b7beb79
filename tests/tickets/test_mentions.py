"""@mentions in internal notes: a Mention row and a mail for a colleague of the same merchant, nobody else."""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import Mention, OutboundMail, TicketEvent
from helpdesk.tickets.mentions import mentioned_handles
from helpdesk.tickets.services import add_staff_message
from tests.conftest import login, make_merchant, make_ticket, make_user


def _as(client: Any) -> Any:
    """The test's app context outlives each request, and `g` with it: forget who asked last."""
    from flask import g

    for name in list(g):
        g.pop(name)
    return client


def _team() -> tuple[Any, Any, Any, Any]:
    merchant = make_merchant()
    amina = make_user(merchant, "agent", "amina.alaoui@souk.example")
    bruno = make_user(merchant, "supervisor", "bruno@souk.example")
    amina.name, bruno.name, amina.language = "Amina Alaoui", "Bruno", "en"
    db.session.commit()
    return merchant, amina, bruno, make_ticket(merchant)


def test_handles_are_read_from_the_note_but_not_from_addresses():
    assert mentioned_handles("@amina can you check? cc @Bruno.") == {"amina", "bruno"}
    assert mentioned_handles("write to bob@example.com, not @") == set()
    assert mentioned_handles("@أمينة تحققي") == {"أمينة"}


def test_a_mention_in_a_note_records_a_row_an_event_and_a_mail(app):
    _merchant, amina, bruno, ticket = _team()
    note = add_staff_message(ticket, bruno, "@amina.alaoui peux-tu appeler le transporteur ? (bob@example.com)",
                             internal=True)
    db.session.commit()
    mention = db.session.scalars(select(Mention)).one()
    assert (mention.user_id, mention.ticket_id, mention.message_id, mention.read_at) == (amina.id, ticket.id,
                                                                                         note.id, None)
    mail = db.session.scalars(select(OutboundMail).where(OutboundMail.kind == "mention")).one()
    assert mail.to_addr == amina.email and ticket.ref in mail.subject and "Bruno" in mail.subject
    assert "appeler" not in mail.text and f"/tickets/{ticket.ref}" in mail.text  # a link, never the note itself
    kinds = db.session.scalars(select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket.id)).all()
    assert "note.mentioned" in kinds


def test_name_without_spaces_and_email_local_part_both_work_and_nobody_is_told_twice(app):
    _merchant, _amina, bruno, ticket = _team()
    add_staff_message(ticket, bruno, "@AminaAlaoui et @amina.alaoui : voir ci-dessous", internal=True)
    db.session.commit()
    assert len(db.session.scalars(select(Mention)).all()) == 1


def test_public_replies_and_self_mentions_notify_nobody(app):
    _merchant, _amina, bruno, ticket = _team()
    add_staff_message(ticket, bruno, "Bonjour, @amina regarde votre dossier.", internal=False)
    add_staff_message(ticket, bruno, "Note pour moi-même @bruno", internal=True)
    db.session.commit()
    assert db.session.scalars(select(Mention)).all() == []
    assert db.session.scalars(select(OutboundMail).where(OutboundMail.kind == "mention")).all() == []


def test_staff_of_another_merchant_are_ignored(app):
    _merchant, _amina, bruno, ticket = _team()
    outsider = make_user(make_merchant(), "agent", "carla@other.example")
    outsider.name = "Carla Dupont"
    db.session.commit()
    add_staff_message(ticket, bruno, "@carla, @CarlaDupont, @carla.dupont, vous voyez ?", internal=True)
    db.session.commit()
    assert db.session.scalars(select(Mention.user_id)).all() == []
    assert db.session.scalars(select(OutboundMail.to_addr).where(OutboundMail.kind == "mention")).all() == []


def test_without_an_email_channel_the_mention_is_still_recorded(app):
    _merchant, amina, bruno, ticket = _team()
    channel = app.extensions.pop("helpdesk_queue_mail")
    try:
        add_staff_message(ticket, bruno, "@amina.alaoui", internal=True)
        db.session.commit()
    finally:
        app.extensions["helpdesk_queue_mail"] = channel
    assert db.session.scalars(select(Mention.user_id)).all() == [amina.id]
    assert db.session.scalars(select(OutboundMail)).all() == []


def test_the_mentions_page_counts_unread_and_opening_the_ticket_reads_them(app):
    merchant, amina, bruno, ticket = _team()
    other = make_ticket(merchant, "Le colis est arrivé abîmé")
    client = app.test_client()
    login(_as(client), bruno)
    _as(client).post(f"/tickets/{ticket.ref}/messages", data={"body": "@amina.alaoui tu peux voir ?", "internal": "y"})
    _as(client).post(f"/tickets/{other.ref}/messages", data={"body": "@Amina aussi celui-ci", "internal": "y"})
    login(_as(client), amina)
    listing = _as(client).get("/tickets").get_data(as_text=True)
    assert re.search(r'data-queue="mentions"[^>]*>2<', listing)
    page = _as(client).get("/mentions").get_data(as_text=True)
    assert ticket.ref in page and other.ref in page and "Bruno" in page
    assert _as(client).get(f"/tickets/{ticket.ref}").status_code == 200
    assert re.search(r'data-queue="mentions"[^>]*>1<', _as(client).get("/tickets").get_data(as_text=True))
    mention = db.session.scalar(select(Mention).where(Mention.ticket_id == other.id))
    assert _as(client).post(f"/mentions/{mention.id}/read").status_code == 302
    assert re.search(r'data-queue="mentions"[^>]*>0<', _as(client).get("/tickets").get_data(as_text=True))


def test_mark_all_read_touches_only_ones_own_mentions(app):
    _merchant, amina, bruno, ticket = _team()
    add_staff_message(ticket, bruno, "@amina.alaoui", internal=True)
    add_staff_message(ticket, amina, "@bruno", internal=True)
    db.session.commit()
    client = app.test_client()
    login(_as(client), amina)
    assert _as(client).post("/mentions/read").status_code == 302
    db.session.expire_all()
    unread = {m.user_id: m.read_at for m in db.session.scalars(select(Mention))}
    assert unread[amina.id] is not None and unread[bruno.id] is None


def test_a_first_name_names_a_colleague_only_when_it_is_unambiguous(app):
    merchant, amina, bruno, ticket = _team()
    for email, name in (("sara.b@souk.example", "Sara Bennani"), ("sara.t@souk.example", "Sara Tazi")):
        make_user(merchant, "agent", email).name = name
    db.session.commit()
    add_staff_message(ticket, bruno, "@Amina et @sara, qui s'en occupe ?", internal=True)
    db.session.commit()
    assert db.session.scalars(select(Mention.user_id)).all() == [amina.id]
