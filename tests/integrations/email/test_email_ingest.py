"""IMAP ingestion on a real Dovecot: tickets appear, replies thread, nothing is read twice or lost."""
from __future__ import annotations

import socket
import threading
from typing import Any

from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.models import (
    Channel,
    DeliveryStatus,
    Direction,
    InboundDelivery,
    Mailbox,
    Message,
    OutboundMail,
    Ticket,
)
from integrations.email.message_ids import new_message_id, read_own
from integrations.email.poller import LEASE, poll_mailbox, take_lease

from .mails import raw_mail, unique_id


def poll(shop: Any, drain: Any, **kw: Any) -> Any:
    result = poll_mailbox(shop.mailbox.id, backoff=(0, 0, 0), **kw)
    drain()
    db.session.expire_all()
    return result


def count(model: type, *where: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_new_mail_becomes_tickets_and_a_second_poll_adds_nothing(shop, drain):
    shop.append(raw_mail(subject="Colis non reçu", body="Ma commande n° 1043 n'est jamais arrivée.\n\n"
                         "Envoyé de mon iPhone"),
                raw_mail(sender="omar@example.com", name="Omar", subject="Produit cassé",
                         body="Le vase est arrivé cassé.", attachment=("photo.jpg", b"\xff\xd8\xff\xe0" + b"0" * 50)),
                raw_mail(sender="lina@example.com", subject="Refund", body="I want to return the shoes."))
    first = poll(shop, drain)
    assert first.fetched == 3 and first.error is None
    tickets = db.session.scalars(select(Ticket).order_by(Ticket.id)).all()
    assert [t.channel for t in tickets] == [Channel.EMAIL] * 3
    assert [t.customer.email for t in tickets] == ["salma@example.com", "omar@example.com", "lina@example.com"]
    assert tickets[0].order_number == "1043"
    message = db.session.scalars(select(Message).where(Message.ticket_id == tickets[0].id)).one()
    assert "Envoyé de mon iPhone" in message.body and "iPhone" not in message.new_text
    photo = db.session.scalars(select(Message).where(Message.ticket_id == tickets[1].id)).one().attachments
    assert [(a.filename, a.content_type) for a in photo] == [("photo.jpg", "image/jpeg")]
    again = poll(shop, drain)
    assert again.fetched == 0
    assert count(Ticket) == 3 and count(Message) == 3 and count(InboundDelivery) == 3
    mailbox = db.session.get(Mailbox, shop.mailbox.id)
    assert mailbox.last_success_at is not None and mailbox.backlog == 0 and mailbox.consecutive_failures == 0


def test_a_reply_threads_into_its_ticket_by_in_reply_to(shop, drain):
    first_id = unique_id()
    shop.append(raw_mail(message_id=first_id))
    poll(shop, drain)
    ticket = db.session.scalars(select(Ticket)).one()
    shop.append(raw_mail(subject="Re: Colis non reçu", body="Toujours rien, merci de vérifier.",
                         in_reply_to=first_id, references=[first_id]))
    poll(shop, drain)
    assert count(Ticket) == 1
    bodies = db.session.scalars(select(Message.body).where(Message.ticket_id == ticket.id,
                                                           Message.direction == Direction.INBOUND)).all()
    assert len(bodies) == 2 and "Toujours rien" in bodies[1]


def test_a_reply_to_the_acknowledgement_threads_on_its_signed_message_id(shop, drain):
    shop.append(raw_mail())
    poll(shop, drain)
    ticket = db.session.scalars(select(Ticket)).one()
    ack = db.session.scalars(select(OutboundMail).where(OutboundMail.ticket_id == ticket.id)).one()
    shop.append(raw_mail(sender="salma@example.com", subject="Re: quelque chose", body="Voici la photo.",
                         in_reply_to=ack.message_id))
    poll(shop, drain)
    assert count(Ticket) == 1 and count(Message, Message.ticket_id == ticket.id) == 2


def test_a_reply_whose_client_dropped_the_headers_threads_by_reference_from_the_shopper(shop, drain):
    shop.append(raw_mail())
    poll(shop, drain)
    ticket = db.session.scalars(select(Ticket)).one()
    shop.append(raw_mail(sender="SALMA@example.com", subject=f"RE: [{ticket.ref}] Colis", body="Des nouvelles ?"))
    poll(shop, drain)
    assert count(Ticket) == 1 and count(Message, Message.ticket_id == ticket.id) == 2


def test_a_stranger_quoting_another_shoppers_reference_gets_a_ticket_of_their_own(shop, drain):
    shop.append(raw_mail())
    poll(shop, drain)
    ticket = db.session.scalars(select(Ticket)).one()
    forged = new_message_id(ticket.ref, "shop.test")[:-30] + "0" * 20 + "@shop.test"  # our shape, bad signature
    assert read_own(forged) is not None and not read_own(forged).valid
    shop.append(raw_mail(sender="mallory@evil.test", subject=f"Re: [{ticket.ref}] Colis",
                         body="Donnez-moi l'adresse de livraison.", in_reply_to=forged))
    poll(shop, drain)
    tickets = db.session.scalars(select(Ticket).order_by(Ticket.id)).all()
    assert len(tickets) == 2 and tickets[1].customer.email == "mallory@evil.test"
    assert count(Message, Message.ticket_id == ticket.id) == 1


class DroppingProxy:
    """A TCP proxy to Dovecot that cuts the first connection after ``cut_after`` bytes from the server."""

    def __init__(self, port: int, cut_after: int) -> None:
        self.target, self.cut_after, self.connections = port, cut_after, 0
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            upstream = socket.create_connection(("127.0.0.1", self.target))
            limit = self.cut_after if self.connections == 1 else None
            threading.Thread(target=self._pipe, args=(client, upstream, None), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, limit), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket, limit: int | None) -> None:
        sent = 0
        try:
            while data := src.recv(4096):
                if limit is not None and sent + len(data) > limit:
                    dst.sendall(data[:max(0, limit - sent)])
                    break
                dst.sendall(data)
                sent += len(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def close(self) -> None:
        self.server.close()


def test_a_connection_dropped_mid_batch_loses_and_duplicates_nothing(shop, drain):
    ids = [unique_id() for _ in range(12)]
    raws = [raw_mail(sender=f"s{i}@example.com", message_id=mid, body=f"Message {i}: " + "x" * 3000)
            for i, mid in enumerate(ids)]
    shop.append(*raws)
    # Past the first batch of five (and its protocol chatter), well before the end of the second.
    proxy = DroppingProxy(shop.mailbox.port, cut_after=sum(len(r) for r in raws[:7]))
    shop.mailbox.port = proxy.port
    db.session.commit()
    try:
        result = poll(shop, drain, batch=5)
    finally:
        proxy.close()
    assert proxy.connections >= 2 and result.error is None and result.fetched == 12 - 5
    assert count(Ticket) == 12 and count(InboundDelivery) == 12
    keys = db.session.scalars(select(InboundDelivery.key)).all()
    assert sorted(k.split(":id:")[1] for k in keys) == sorted(ids)


def test_a_changed_uidvalidity_reads_the_folder_again_without_duplicates(shop, drain):
    shop.append(raw_mail(), raw_mail(sender="x@example.com"))
    poll(shop, drain)
    mailbox = db.session.get(Mailbox, shop.mailbox.id)
    mailbox.uidvalidity, mailbox.last_uid = 1, 99
    db.session.commit()
    result = poll(shop, drain)
    assert result.fetched == 2 and count(Ticket) == 2 and count(InboundDelivery) == 2


def test_a_mailbox_polled_elsewhere_is_skipped(shop, drain):
    shop.append(raw_mail())
    assert take_lease(shop.mailbox.id, "another-process")
    result = poll(shop, drain)
    assert result.skipped and count(Ticket) == 0
    runner = shop_cli(shop)
    assert runner.exit_code == 0, runner.output
    assert count(Ticket) == 0
    assert LEASE.total_seconds() > 60


def shop_cli(shop: Any, *args: str) -> Any:
    from flask import current_app

    return current_app.test_cli_runner().invoke(args=["poll-mail", "--merchant",
                                                                     shop.merchant.slug, *args])


def test_poll_mail_command_reads_and_processes_before_returning(shop):
    shop.append(raw_mail())
    result = shop_cli(shop, "--json")
    assert result.exit_code == 0, result.stderr
    assert '"fetched": 1' in result.stdout
    db.session.expire_all()
    assert count(Ticket) == 1


def test_new_mail_during_idle_is_fetched_in_the_same_job(app, shop, drain):
    shop.append(raw_mail())
    done: dict[str, Any] = {}
    mailbox_id = shop.mailbox.id

    def run() -> None:
        with app.app_context():
            done["result"] = poll_mailbox(mailbox_id, backoff=(0,), idle_seconds=120, idle_rounds=1)

    worker = threading.Thread(target=run)
    worker.start()
    while True:  # wait for the first pass to be committed before the new mail arrives
        db.session.expire_all()
        if db.session.get(Mailbox, mailbox_id).last_success_at is not None:
            break
        worker.join(0.05)
    shop.append(raw_mail(sender="second@example.com"))
    worker.join(60)
    drain()
    assert done["result"].fetched == 2 and count(Ticket) == 2


def test_journal_rows_say_where_the_mail_came_from(shop, drain):
    shop.append(raw_mail())
    poll(shop, drain)
    delivery = db.session.scalars(select(InboundDelivery)).one()
    assert delivery.status is DeliveryStatus.DONE and delivery.channel == "email"
    assert delivery.meta["mailbox_id"] == shop.mailbox.id and delivery.meta["uid"] == 1


def test_the_worker_schedule_polls_every_mailbox(shop, drain):
    from helpdesk.jobs import REGISTRY
    from worker.schedules import SCHEDULES

    assert any(s.job == "poll_mail" for s in SCHEDULES)
    shop.append(raw_mail())
    assert REGISTRY["poll_mail"].func() == 1
    drain()
    db.session.expire_all()
    assert count(Ticket) == 1


def test_poll_mail_command_fails_with_one_readable_line_when_a_mailbox_cannot_be_read(app, shop):
    from .servers import free_port

    app.config["HELPDESK_MAIL_RECONNECT_BACKOFF"] = (0,)
    shop.mailbox.port = free_port()
    db.session.commit()
    result = shop_cli(shop)
    assert result.exit_code != 0 and "Traceback" not in result.stderr
    assert "could not be read" in result.stderr.strip().splitlines()[-1]
