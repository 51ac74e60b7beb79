"""The resolution ledger: typed offers on the ticket page, their answers on the timeline, totals per currency."""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from helpdesk.extensions import db
from helpdesk.models import OfferStatus, ResolutionOffer
from helpdesk.tickets.present import events_of
from helpdesk.tickets.resolutions import ledger_totals
from helpdesk.tickets.timeline import verify_chain
from tests.conftest import login, make_merchant, make_ticket, make_user


def _offer(client: Any, ref: str, **data: str) -> str:
    r = client.post(f"/tickets/{ref}/resolutions", data=data, follow_redirects=True)
    assert r.status_code == 200
    return r.get_data(as_text=True)


def _totals_on_page(page: str) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for what, body in re.findall(r'data-total="(\w+)">(.*?)</dd>', page, re.DOTALL):
        found[what] = dict(re.findall(r'data-currency="([A-Z]{3})">([^<]*)<', body))
    return found


def test_offers_and_answers_are_recorded_and_the_totals_match(app, client):
    merchant = make_merchant()
    agent = make_user(merchant, "agent")
    ticket = make_ticket(merchant, "Le colis est arrivé cassé, je veux être remboursée.")
    login(client, agent)
    _offer(client, ticket.ref, kind="partial_refund", amount="15.50", currency="eur", note="geste commercial")
    _offer(client, ticket.ref, kind="voucher", amount="20", currency="EUR")
    _offer(client, ticket.ref, kind="refund", amount="3.250", currency="KWD")
    _offer(client, ticket.ref, kind="replacement")
    _offer(client, ticket.ref, kind="refund", amount="99", currency="EUR")
    offers = db.session.query(ResolutionOffer).order_by(ResolutionOffer.id).all()
    assert [o.kind.value for o in offers] == ["partial_refund", "voucher", "refund", "replacement", "refund"]
    assert offers[0].currency == "EUR" and offers[0].offered_by_id == agent.id and offers[3].amount is None

    partial, voucher, _kwd, replacement, big = (o.id for o in offers)
    for offer_id, status in ((partial, "accepted"), (voucher, "declined"), (big, "withdrawn"),
                             (replacement, "accepted")):
        assert client.post(f"/tickets/{ticket.ref}/resolutions/{offer_id}", data={"status": status}).status_code == 302
    db.session.expire_all()

    totals = ledger_totals(ticket)
    assert totals.offered == {"EUR": Decimal("35.50"), "KWD": Decimal("3.250")}  # the withdrawn 99 is not offered
    assert totals.accepted == {"EUR": Decimal("15.50")}
    assert totals.pending == {"KWD": Decimal("3.250")}
    expected = {"offered": {"EUR": Decimal(0), "KWD": Decimal(0)}, "accepted": {"EUR": Decimal(0)}}
    for o in db.session.query(ResolutionOffer).filter(ResolutionOffer.amount.is_not(None)):
        if o.status is not OfferStatus.WITHDRAWN:
            expected["offered"][o.currency] += o.amount
        if o.status is OfferStatus.ACCEPTED:
            expected["accepted"][o.currency] += o.amount
    assert {"offered": totals.offered, "accepted": totals.accepted} == expected

    page = client.get(f"/tickets/{ticket.ref}").get_data(as_text=True)
    shown = _totals_on_page(page)
    assert set(shown) == {"offered", "accepted", "pending"}
    assert set(shown["offered"]) == {"EUR", "KWD"} and "35" in shown["offered"]["EUR"]
    assert "15" in shown["accepted"]["EUR"] and "3" in shown["offered"]["KWD"]

    kinds = [e.kind for e in events_of(ticket) if e.kind.startswith("resolution.")]
    assert kinds.count("resolution.offered") == 5
    assert {"resolution.accepted", "resolution.declined", "resolution.withdrawn"} <= set(kinds)
    assert verify_chain(ticket).ok


def test_an_answered_offer_cannot_be_answered_again(app, client):
    merchant = make_merchant()
    ticket = make_ticket(merchant)
    login(client, make_user(merchant, "agent"))
    _offer(client, ticket.ref, kind="voucher", amount="10", currency="EUR")
    offer = db.session.query(ResolutionOffer).one()
    client.post(f"/tickets/{ticket.ref}/resolutions/{offer.id}", data={"status": "declined"})
    page = client.post(f"/tickets/{ticket.ref}/resolutions/{offer.id}", data={"status": "accepted"},
                       follow_redirects=True).get_data(as_text=True)
    assert "already answered" in page
    db.session.expire_all()
    assert db.session.get(ResolutionOffer, offer.id).status is OfferStatus.DECLINED
    assert ledger_totals(ticket).accepted == {}


def test_bad_offers_are_refused_with_a_message(app, client):
    merchant = make_merchant()
    ticket = make_ticket(merchant)
    login(client, make_user(merchant, "agent"))
    assert "needs an amount" in _offer(client, ticket.ref, kind="refund", currency="EUR")
    assert "ISO 4217" in _offer(client, ticket.ref, kind="refund", amount="10", currency="EURO")
    assert "ISO 4217" in _offer(client, ticket.ref, kind="refund", amount="10", currency="XYZ")
    assert "more than zero" in _offer(client, ticket.ref, kind="voucher", amount="-5", currency="EUR")
    assert "Too many decimals" in _offer(client, ticket.ref, kind="voucher", amount="5.123", currency="EUR")
    assert "Not an amount" in _offer(client, ticket.ref, kind="voucher", amount="abc", currency="EUR")
    assert db.session.query(ResolutionOffer).count() == 0


def test_another_merchants_offer_cannot_be_answered(app, client):
    mine, theirs = make_merchant(), make_merchant()
    their_ticket, my_ticket = make_ticket(theirs), make_ticket(mine)
    login(client, make_user(theirs, "agent"))
    _offer(client, their_ticket.ref, kind="voucher", amount="10", currency="EUR")
    client.post("/logout")
    offer = db.session.query(ResolutionOffer).one()
    login(client, make_user(mine, "agent"))
    # Through my own ticket, their offer's id names nothing.
    r = client.post(f"/tickets/{my_ticket.ref}/resolutions/{offer.id}", data={"status": "accepted"})
    assert r.status_code == 404
    db.session.expire_all()
    assert db.session.get(ResolutionOffer, offer.id).status is OfferStatus.OFFERED
