"""classify_noise: no acknowledgement for robots, and none withheld from shoppers."""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import default
from pathlib import Path

import pytest

from integrations.email import Noise, classify_noise, parse_message

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "email"


def noise_of(name: str) -> Noise:
    """Classify one fixture after parsing it."""
    return classify_noise(parse_message((FIXTURES / name).read_bytes()))


def test_french_out_of_office() -> None:
    noise = noise_of("autoreply_fr.eml")
    assert noise.kind == "auto_reply" and noise.is_noise and not noise.bounce
    assert "Auto-Submitted: auto-replied" in noise.reasons
    assert "X-Auto-Response-Suppress: All" in noise.reasons
    assert "Precedence: auto_reply" in noise.reason


def test_arabic_auto_reply() -> None:
    noise = noise_of("autoreply_ar.eml")
    assert noise.auto_reply and any("رد تلقائي" in r for r in noise.reasons)


def test_delivery_status_notification() -> None:
    noise = noise_of("bounce_dsn.eml")
    assert noise.kind == "bounce" and noise.bounce
    assert noise.original_message_id == "hd-1043-ack.4f2a@helpdesk.example"
    assert noise.failed_recipients == ("nobody@client.example",)
    assert noise.reasons[0] == "multipart/report; report-type=delivery-status"


def test_mailing_list() -> None:
    noise = noise_of("mailing_list.eml")
    assert noise.kind == "list" and noise.mailing_list and not noise.auto_reply
    assert "List-Id header present" in noise.reasons and "Precedence: list" in noise.reasons


@pytest.mark.parametrize(
    "name",
    ["fr_qp_latin1_reply.eml", "ar_utf8_base64.eml", "ar_windows1256_outlook.eml", "html_only_fr.eml",
     "forwarded_inline_fr.eml", "outlook_reply_fr_cp1252.eml", "en_reply_iphone_flowed.eml", "inline_image.eml"],
)
def test_shoppers_are_not_noise(name: str) -> None:
    noise = noise_of(name)
    assert noise == Noise() and noise.kind == "none" and not noise.is_noise and noise.reason == ""


@pytest.mark.parametrize(
    "subject",
    ["Colis non remis", "Non remis : commande 1043", "Delivery failure of my order", "Undelivered parcel 1043",
     "Absence de remboursement", "Absence de réponse depuis 10 jours", "Automatic washing machine broken",
     "Returned mail order - refund?"],
)
def test_complaint_subjects_are_not_mistaken_for_robots(subject: str) -> None:
    assert not classify_noise({"From": "salma@example.ma", "Subject": subject}).is_noise


@pytest.mark.parametrize(
    ("headers", "kind"),
    [
        ({"Auto-Submitted": "auto-generated"}, "auto_reply"),
        ({"Auto-Submitted": "no"}, "none"),
        ({"X-Autoreply": "yes"}, "auto_reply"),
        ({"X-Autorespond": "Vacation"}, "auto_reply"),
        ({"Precedence": "bulk"}, "auto_reply"),
        ({"Precedence": "junk"}, "auto_reply"),
        ({"Precedence": "list"}, "list"),
        ({"X-Auto-Response-Suppress": "OOF, AutoReply"}, "auto_reply"),
        ({"List-Unsubscribe": "<mailto:u@l.example>"}, "list"),
        ({"Subject": "Out of Office: Re: order"}, "auto_reply"),
        ({"Subject": "Automatic reply: order 1043"}, "auto_reply"),
        ({"Subject": "Réponse automatique : commande"}, "auto_reply"),
        ({"Subject": "Absence du bureau"}, "auto_reply"),
        ({"Subject": "Absence"}, "auto_reply"),
        ({"Subject": "Abwesenheitsnotiz: Bestellung"}, "auto_reply"),
        ({"Subject": "Respuesta automática: pedido"}, "auto_reply"),
        ({"Content-Type": "multipart/report; report-type=disposition-notification; boundary=x"}, "auto_reply"),
        ({"From": "noreply@carrier.example"}, "auto_reply"),
        ({"From": "MAILER-DAEMON@mx.example"}, "bounce"),
        ({"From": "Mail Delivery Subsystem <mailer-daemon@googlemail.com>"}, "bounce"),
        ({"From": "postmaster@shop.example", "Subject": "Question about my order"}, "none"),
        ({"From": "postmaster@mx.example", "Subject": "Undeliverable: order"}, "bounce"),
        ({"X-Failed-Recipients": "a@b.example"}, "bounce"),
        ({"Content-Type": 'multipart/report; report-type="delivery-status"; boundary=x'}, "bounce"),
        ({"Content-Type": "multipart/report; report-type=feedback-report; boundary=x"}, "bounce"),
        ({"Return-Path": "<>", "Subject": "Non remis : commande 1043"}, "bounce"),
        ({"Return-Path": "<>"}, "auto_reply"),
        ({"Auto-Submitted": "auto-replied", "Subject": "Échec de la remise du message"}, "bounce"),
    ],
)
def test_header_signals(headers: dict[str, str], kind: str) -> None:
    assert classify_noise(headers).kind == kind


def test_header_names_are_case_insensitive_and_reasons_name_them() -> None:
    noise = classify_noise({"auto-submitted": "auto-replied", "LIST-ID": "<x.example>"})
    assert noise.auto_reply and noise.mailing_list and noise.kind == "auto_reply"
    assert noise.reasons == ("Auto-Submitted: auto-replied", "List-Id header present")


def test_raw_header_bytes_and_stdlib_messages_are_accepted() -> None:
    raw = (FIXTURES / "autoreply_fr.eml").read_bytes()
    head = raw.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"
    assert classify_noise(head).kind == "auto_reply"
    assert classify_noise(BytesParser(policy=default).parsebytes(raw)).kind == "auto_reply"
    assert classify_noise(b"\xff\xfe garbage").kind == "none"


def test_qmail_style_bounce_finds_the_recipient_and_original_id() -> None:
    raw = (b"From: MAILER-DAEMON@mx.example\r\nSubject: failure notice\r\nReturn-Path: <>\r\n\r\n"
           b"Hi. This is the qmail-send program.\r\n\r\n<gone@client.example>:\r\nSorry, no mailbox here.\r\n\r\n"
           b"--- Below this line is a copy of the message.\r\n\r\nMessage-ID: <ack-77@helpdesk.example>\r\n"
           b"Subject: [HD-ABC123] recu\r\n\r\nBonjour\r\n")
    noise = classify_noise(parse_message(raw))
    assert noise.kind == "bounce"
    assert noise.failed_recipients == ("gone@client.example",)
    assert noise.original_message_id == "ack-77@helpdesk.example"
