"""SPEC 4.2: every message of the real-world corpus goes through the email channel without an exception.

Each raw file is journaled as the IMAP reader journals it and processed by
the channel handler; it must end as a ticket, a message threaded into one,
or an ignored delivery whose reason says why (a bounce of unknown mail, an
auto-reply, no usable sender). The corpus is read in place, never copied.
"""
from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.intake.journal import accept_delivery, process_delivery
from helpdesk.models import DeliveryStatus, InboundDelivery, JobFailure, Message, Ticket
from integrations.email.poller import delivery_key
from tests.conftest import make_merchant

from .test_mailcorpus import CORPUS, FILES, _require_corpus


def test_every_corpus_message_ends_as_a_ticket_a_threaded_message_or_an_explained_rejection(app, drain):
    _require_corpus()
    merchant = make_merchant()
    outcomes: Counter[str] = Counter()
    for rel in FILES:
        raw = (CORPUS / rel).read_bytes()
        accepted = accept_delivery(merchant.id, "email", delivery_key(merchant.id, raw), raw, meta={"file": rel},
                                   enqueue=False)
        db.session.commit()
        if accepted.duplicate:
            outcomes["same Message-ID as an earlier file"] += 1
            continue
        delivery = process_delivery(accepted.delivery_id)
        assert delivery is not None
        assert delivery.status in (DeliveryStatus.DONE, DeliveryStatus.IGNORED), (rel, delivery.last_error)
        if delivery.status is DeliveryStatus.IGNORED:
            assert delivery.last_error and len(delivery.last_error) > 10, rel
            outcomes["ignored: " + delivery.last_error.split("(")[0].strip()] += 1
        else:
            outcomes["ticket or message"] += 1
    drain()
    assert db.session.scalar(select(func.count()).select_from(JobFailure)) == 0
    done = db.session.scalars(select(InboundDelivery).where(InboundDelivery.status == DeliveryStatus.DONE)).all()
    assert all(d.ticket_id is not None for d in done)
    tickets = db.session.scalar(select(func.count()).select_from(Ticket))
    messages = db.session.scalar(select(func.count()).select_from(Message))
    assert tickets and messages >= tickets
    assert outcomes["ticket or message"] > len(FILES) // 2, outcomes
