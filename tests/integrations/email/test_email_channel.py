"""The email channel end to end on Dovecot and an SMTP sink: acknowledgements, robots, bounces, replies, health."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import (
    DeliveryStatus,
    InboundDelivery,
    Mailbox,
    OutboundMail,
    OutboundStatus,
    Ticket,
    TicketEvent,
)
from helpdesk.tickets.services import add_staff_message
from integrations.email.poller import poll_mailbox
from tests.conftest import make_user

from .mails import raw_mail, unique_id
from .servers import free_port
from .test_email_ingest import count, poll

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "email"


def acks(sink: Any) -> list[Any]:
    return [m for m in sink.messages if m["Auto-Submitted"] == "auto-replied"]


def test_a_new_ticket_is_acknowledged_in_the_shoppers_language_with_reference_and_portal_link(shop, drain):
    first_id = unique_id()
    shop.append(raw_mail(message_id=first_id),
                raw_mail(sender="john@example.com", name="John", subject="Parcel never arrived",
                         body="Hello, my parcel never arrived and the tracking is stuck. Please help."),
                raw_mail(sender="amal@example.com", name="", subject="الطلبية لم تصل",
                         body="السلام عليكم، لم تصلني الطلبية بعد أسبوعين من الانتظار، أرجو المساعدة."))
    poll(shop, drain)
    tickets = db.session.scalars(select(Ticket).order_by(Ticket.id)).all()
    sent = {m["To"]: m for m in acks(shop.sink)}
    assert set(sent) == {"salma@example.com", "john@example.com", "amal@example.com"}
    fr, en, ar = sent["salma@example.com"], sent["john@example.com"], sent["amal@example.com"]
    assert fr["Content-Language"] == "fr" and "Nous avons bien reçu" in fr["Subject"]
    assert en["Content-Language"] == "en" and "We have received" in en["Subject"]
    assert ar["Content-Language"] == "ar" and "توصلنا" in ar.get_content()
    for ticket, mail in zip(tickets, (fr, en, ar), strict=True):
        assert f"[{ticket.ref}]" in mail["Subject"] and "/portal/" in mail.get_content()
    assert fr["In-Reply-To"] == f"<{first_id}>"
    assert fr["From"].addresses[0].addr_spec == "support@shop.test"


def test_robots_and_lists_get_no_acknowledgement(shop, drain):
    shop.append((FIXTURES / "autoreply_fr.eml").read_bytes(), (FIXTURES / "mailing_list.eml").read_bytes(),
                raw_mail(sender="noreply@shop-notifications.test", subject="Your order", body="Order shipped."),
                raw_mail(sender="bot@example.com", headers={"Auto-Submitted": "auto-generated"}))
    poll(shop, drain)
    assert acks(shop.sink) == []
    statuses = db.session.scalars(select(InboundDelivery.status)).all()
    assert all(s in (DeliveryStatus.DONE, DeliveryStatus.IGNORED) for s in statuses)
    ignored = db.session.scalars(select(InboundDelivery.last_error).where(
        InboundDelivery.status == DeliveryStatus.IGNORED)).all()
    assert ignored and all("automatic reply" in reason for reason in ignored)


def test_acknowledgements_are_limited_per_sender_per_hour(shop, drain):
    shop.append(*(raw_mail(subject=f"Commande {n}", body=f"Problème avec la commande n° {1000 + n}")
                  for n in range(5)))
    poll(shop, drain)
    assert count(Ticket) == 5
    assert len(acks(shop.sink)) == 3


def test_mail_from_the_helpdesks_own_address_is_a_loop_and_ignored(shop, drain):
    shop.append(raw_mail(sender="support@shop.test", subject="Test"))
    poll(shop, drain)
    assert count(Ticket) == 0
    reason = db.session.scalars(select(InboundDelivery.last_error)).one()
    assert "own address" in reason


def test_a_bounce_of_our_acknowledgement_is_a_delivery_failure_on_its_ticket(shop, drain):
    shop.append(raw_mail(sender="typo@exmaple.com"))
    poll(shop, drain)
    ticket = db.session.scalars(select(Ticket)).one()
    ack = db.session.scalars(select(OutboundMail)).one()
    report = (FIXTURES / "bounce_dsn.eml").read_bytes().replace(
        b"<hd-1043-ack.4f2a@helpdesk.example>", f"<{ack.message_id}>".encode())
    shop.append(report)
    poll(shop, drain)
    assert count(Ticket) == 1 and len(acks(shop.sink)) == 1
    events = db.session.scalars(select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket.id)).all()
    assert "mail.delivery_failed" in events
    db.session.refresh(ack)
    assert ack.status is OutboundStatus.BOUNCED


def test_a_bounce_of_a_staff_notice_marks_the_notice_bounced(shop, drain):
    """Notices to staff (SLA, mentions, mailbox alerts) belong to no ticket: their bounce must still show, or an
    alert to a mistyped supervisor address looks delivered."""
    from integrations.email.outbound import queue_mail

    notice = queue_mail(db.session, merchant_id=shop.merchant.id, to="supervisr@shop.test",
                        subject="SLA: the resolution is overdue", text="Ticket HD-000001", kind="sla_notice")
    db.session.commit()
    drain()
    report = (FIXTURES / "bounce_dsn.eml").read_bytes().replace(
        b"<hd-1043-ack.4f2a@helpdesk.example>", f"<{notice.message_id}>".encode())
    shop.append(report)
    poll(shop, drain)
    db.session.refresh(notice)
    assert notice.status is OutboundStatus.BOUNCED and count(Ticket) == 0
    assert db.session.scalars(select(InboundDelivery.status)).one() is DeliveryStatus.DONE


def test_a_bounce_of_mail_we_never_sent_is_recorded_and_explained(shop, drain):
    shop.append((FIXTURES / "bounce_dsn.eml").read_bytes())
    poll(shop, drain)
    delivery = db.session.scalars(select(InboundDelivery)).one()
    assert count(Ticket) == 0 and delivery.status is DeliveryStatus.IGNORED
    assert "did not send" in delivery.last_error


def test_an_out_of_office_answer_to_our_mail_is_noted_on_the_ticket_not_answered(shop, drain):
    shop.append(raw_mail())
    poll(shop, drain)
    ack = db.session.scalars(select(OutboundMail)).one()
    shop.append(raw_mail(subject="Réponse automatique : absent", body="Je suis absente.",
                         in_reply_to=ack.message_id, headers={"Auto-Submitted": "auto-replied"}))
    poll(shop, drain)
    assert count(Ticket) == 1 and len(acks(shop.sink)) == 1
    assert "mail.auto_reply" in db.session.scalars(select(TicketEvent.kind)).all()


def test_a_staff_reply_goes_to_the_shopper_threaded_and_its_answer_comes_back(shop, drain):
    first_id = unique_id()
    shop.append(raw_mail(message_id=first_id))
    poll(shop, drain)
    ticket = db.session.scalars(select(Ticket)).one()
    agent = make_user(shop.merchant, role="agent")
    add_staff_message(ticket, agent, "Nous avons relancé le transporteur.", internal=False)
    db.session.commit()
    drain()
    reply = shop.sink.messages[-1]
    assert reply["Auto-Submitted"] is None and reply["In-Reply-To"] == f"<{first_id}>"
    assert reply["Subject"].startswith(f"[{ticket.ref}] Re:") and "relancé" in reply.get_content()
    shop.append(raw_mail(subject="Re: Colis", body="Merci !", in_reply_to=reply["Message-ID"].strip("<>")))
    poll(shop, drain)
    assert count(Ticket) == 1


def test_a_mailbox_that_keeps_failing_alerts_the_supervisors_once(shop, drain):
    boss = make_user(shop.merchant, role="supervisor")
    mailbox = db.session.get(Mailbox, shop.mailbox.id)
    mailbox.port = free_port()  # nothing listens there
    db.session.commit()
    for _ in range(4):
        result = poll_mailbox(mailbox.id, backoff=())
        assert result.error and "Connection" in result.error
    drain()
    db.session.expire_all()
    mailbox = db.session.get(Mailbox, shop.mailbox.id)
    assert mailbox.consecutive_failures == 4 and mailbox.alerted_at is not None and mailbox.last_error
    alerts = [m for m in shop.sink.messages if m["To"] == boss.email]
    assert len(alerts) == 1 and shop.mailbox.address in alerts[0].get_content()


def test_add_mailbox_command_stores_the_password_encrypted(app):
    from tests.conftest import make_merchant

    merchant = make_merchant()
    result = app.test_cli_runner().invoke(args=[
        "add-mailbox", merchant.slug, "--host", "imap.example.com", "--port", "993", "--user", "care@shop.test",
        "--password", "s3cret-pw", "--smtp-url", "smtps://care%40shop.test:s3cret-pw@smtp.example.com",
        "--json"])
    assert result.exit_code == 0, result.output
    assert '"tls": true' in result.stdout and "s3cret" not in result.stdout
    mailbox = db.session.scalars(select(Mailbox)).one()
    assert mailbox.folder == "INBOX" and mailbox.acknowledge and "s3cret" not in mailbox.password_encrypted
    assert "s3cret" not in (mailbox.smtp_url_encrypted or "")
    again = app.test_cli_runner().invoke(args=["add-mailbox", merchant.slug, "--host", "imap.example.com",
                                               "--port", "993", "--user", "care@shop.test", "--password", "x"])
    assert again.exit_code != 0 and "already connected" in again.stderr and "Traceback" not in again.output


def test_no_password_reaches_a_log_line_or_the_mailbox_health(shop, drain, caplog, dovecot, imap_user):
    import logging

    caplog.set_level(logging.DEBUG)
    _, good_password = imap_user
    shop.append(raw_mail())
    poll(shop, drain)
    mailbox = db.session.get(Mailbox, shop.mailbox.id)
    from helpdesk.crypto import encrypt

    mailbox.password_encrypted = encrypt("Wrong-Secret-Pw-123")
    db.session.commit()
    result = poll_mailbox(mailbox.id, backoff=())
    assert result.error
    db.session.expire_all()
    text = "\n".join(r.getMessage() for r in caplog.records) + str(db.session.get(Mailbox, mailbox.id).last_error)
    assert "Wrong-Secret-Pw-123" not in text
    from integrations.email.mailboxes import password_of

    assert password_of(db.session.get(Mailbox, mailbox.id)) == "Wrong-Secret-Pw-123"
    assert good_password not in text and count(Ticket) == 1
