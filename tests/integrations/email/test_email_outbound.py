"""Outbound mail on a real SMTP server (aiosmtpd): headers, threading, language, retries, no route."""
from __future__ import annotations

from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.models import OutboundMail, OutboundStatus
from integrations.email.mailboxes import add_mailbox
from integrations.email.message_ids import read_own
from integrations.email.outbound import queue_mail
from tests.conftest import make_merchant, make_ticket


def _merchant_with_mailbox(smtp_url: str | None, address: str | None = "support@shop.test"):
    merchant = make_merchant(name="Boutique Atlas")
    add_mailbox(merchant, host="127.0.0.1", port=1, user="imap-user", password="pw", smtp_url=smtp_url,
                address=address)
    db.session.commit()
    return merchant


def test_a_notice_goes_from_the_mailbox_address_with_a_signed_message_id(app, drain, smtp_sink):
    merchant = _merchant_with_mailbox(smtp_sink.url)
    mail = queue_mail(db.session, merchant_id=merchant.id, to="Salma@Example.com", subject="Votre retour",
                      text="Bonjour", html="<p>Bonjour</p>", language="fr")
    db.session.commit()
    drain()
    [sent] = smtp_sink.messages
    assert sent["From"].addresses[0].addr_spec == "support@shop.test"
    assert sent["From"].addresses[0].display_name == "Boutique Atlas"
    assert sent["To"] == "salma@example.com" and sent["Subject"] == "Votre retour"
    assert sent["Content-Language"] == "fr" and sent["Auto-Submitted"] == "auto-generated"
    own = read_own(sent["Message-ID"].strip("<>"))
    assert own is not None and own.valid
    assert sent.get_body(("plain",)).get_content().strip() == "Bonjour"
    assert "<p>Bonjour</p>" in sent.get_body(("html",)).get_content()
    db.session.refresh(mail)
    assert mail.status is OutboundStatus.SENT and mail.attempts == 1 and mail.sent_at is not None


def test_mail_about_a_ticket_carries_its_reference_and_threads_on_its_messages(app, drain, smtp_sink):
    merchant = _merchant_with_mailbox(smtp_sink.url)
    ticket = make_ticket(merchant, "Mon colis n'est pas arrivé", channel="email", message_id="first@shopper.test")
    mail = queue_mail(db.session, merchant_id=merchant.id, to=ticket.customer.email, subject="Re: mon colis",
                      text="Nous regardons.", ticket_id=ticket.id, kind="reply", language="fr")
    db.session.commit()
    drain()
    [sent] = [m for m in smtp_sink.messages if "mon colis" in m["Subject"]]  # the ticket's acknowledgement aside
    assert sent["Subject"] == f"[{ticket.ref}] Re: mon colis"
    assert sent["In-Reply-To"] == "<first@shopper.test>"
    assert "<first@shopper.test>" in sent["References"]
    assert "Auto-Submitted" not in sent
    assert read_own(mail.message_id).ref == ticket.ref


def test_acknowledgements_say_they_are_automatic(app, drain, smtp_sink):
    merchant = _merchant_with_mailbox(smtp_sink.url)
    queue_mail(db.session, merchant_id=merchant.id, to="a@example.com", subject="Reçu", text="Reçu",
               kind="acknowledgement")
    db.session.commit()
    drain()
    assert smtp_sink.messages[-1]["Auto-Submitted"] == "auto-replied"


def test_a_refused_send_is_retried_until_it_goes(app, drain, smtp_sink):
    merchant = _merchant_with_mailbox(smtp_sink.url)
    smtp_sink.fail_next = 2
    mail = queue_mail(db.session, merchant_id=merchant.id, to="a@example.com", subject="s", text="t")
    db.session.commit()
    drain()
    db.session.refresh(mail)
    assert mail.status is OutboundStatus.SENT and mail.attempts == 3
    assert len(smtp_sink.messages) == 1


def test_a_server_that_never_answers_ends_failed_with_the_reason(app, drain):
    from tests.integrations.email.servers import free_port

    merchant = _merchant_with_mailbox(f"smtp://127.0.0.1:{free_port()}")
    mail = queue_mail(db.session, merchant_id=merchant.id, to="a@example.com", subject="s", text="t")
    db.session.commit()
    drain()
    db.session.refresh(mail)
    assert mail.status is OutboundStatus.FAILED and mail.attempts == 5
    assert "ConnectionRefused" in (mail.error or "")


def test_a_merchant_without_a_route_records_no_route(app, drain):
    merchant = make_merchant()
    mail = queue_mail(db.session, merchant_id=merchant.id, to="a@example.com", subject="s", text="t")
    db.session.commit()
    drain()
    rows = db.session.scalars(select(OutboundMail)).all()
    assert rows == [mail] and mail.status is OutboundStatus.NO_ROUTE and "route" in mail.error


def test_from_falls_back_to_the_imap_user_when_it_is_an_address(app, drain, smtp_sink):
    merchant = make_merchant()
    add_mailbox(merchant, host="127.0.0.1", port=1, user="Care@Shop.test", password="pw", smtp_url=smtp_sink.url)
    db.session.commit()
    queue_mail(db.session, merchant_id=merchant.id, to="a@example.com", subject="s", text="t")
    db.session.commit()
    drain()
    assert smtp_sink.messages[-1]["From"].addresses[0].addr_spec == "care@shop.test"


def test_own_message_ids_are_signed_and_a_forged_one_is_recognised(app, make_app):
    from integrations.email.message_ids import new_message_id

    mid = new_message_id("HD-ACD345", "shop.test")
    assert read_own(mid).valid and read_own(mid).ref == "HD-ACD345"
    stem, _ = mid.split("@")[0].rsplit(".", 1)
    assert not read_own(f"{stem}.{'0' * 20}@shop.test").valid
    assert not read_own(mid.replace("HD-ACD345", "HD-ACD346")).valid  # someone else's ticket in a copied id
    assert read_own("CAF=abc123@mail.gmail.com") is None
    other = make_app(SECRET_KEY="another-deployment-secret-" + "y" * 20)
    with other.app_context():
        assert not read_own(mid).valid


def test_a_reply_job_run_twice_mails_the_reply_once(app, drain, smtp_sink):
    """RQ runs a job again when its worker died before marking it done: the shopper must not get the reply twice."""
    from helpdesk.jobs import REGISTRY
    from helpdesk.tickets.services import add_staff_message
    from tests.conftest import make_user

    merchant = _merchant_with_mailbox(smtp_sink.url)
    ticket = make_ticket(merchant, channel="email", email="salma@example.com")
    drain()  # the acknowledgement of the new ticket
    message = add_staff_message(ticket, make_user(merchant, role="agent"), "Un remplacement part demain.",
                                internal=False)
    db.session.commit()
    drain()
    REGISTRY["deliver_reply"].func(message.id)  # the same job again
    drain()
    replies = [m for m in smtp_sink.messages if "Un remplacement part demain." in m.get_body(("plain",)).get_content()]
    assert len(replies) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboundMail).where(OutboundMail.kind == "reply")) == 1
