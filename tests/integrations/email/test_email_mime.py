"""parse_message on the project's own fixtures: every field the ingestion relies on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpdesk.intake.quoting import new_text
from integrations.email import Mailbox, ParsedMail, parse_message

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "email"


def load(name: str) -> bytes:
    """Raw bytes of one fixture."""
    return (FIXTURES / name).read_bytes()


def parse(name: str, **kwargs: int) -> ParsedMail:
    """Parse one fixture."""
    return parse_message(load(name), **kwargs)


def test_french_quoted_printable_latin1_reply() -> None:
    mail = parse("fr_qp_latin1_reply.eml")
    assert mail.subject == "Re : Réclamation commande n°1043"
    assert (mail.from_addr, mail.from_name) == ("valerie.dupre@example.fr", "Valérie Dupré")
    assert mail.to == [Mailbox("contact@boutique.example", "Service Client Boutique")]
    assert mail.message_id == "CAF=fr1043.reply@mail.example.fr"
    assert mail.in_reply_to == "hd-1043-ack.4f2a@helpdesk.example"
    assert mail.references == ["first-1043@mail.example.fr", "hd-1043-ack.4f2a@helpdesk.example"]
    assert mail.thread_ids == ["hd-1043-ack.4f2a@helpdesk.example", "first-1043@mail.example.fr"]
    assert mail.date == datetime(2026, 11, 4, 9, 15, 42, tzinfo=timezone(timedelta(hours=1)))
    assert "« livré »" in mail.text and "> Votre colis a été remis" in mail.text
    assert new_text(mail.text).endswith("Je veux être remboursée.")
    assert mail.html is None and mail.attachments == [] and mail.defects == []


def test_arabic_utf8_base64_alternative() -> None:
    mail = parse("ar_utf8_base64.eml")
    assert mail.subject == "رد: طلب رقم 1043 لم يصل"
    assert mail.from_name == "سلمى بنعلي"
    assert new_text(mail.text) == "السلام عليكم،\n\nلم أستلم طلبي رقم 1043 حتى الآن، وقد مر أسبوعان. أريد استرجاع المبلغ."
    assert mail.html is not None and 'dir="rtl"' in mail.html


def test_arabic_windows_1256_outlook_reply() -> None:
    mail = parse("ar_windows1256_outlook.eml")
    assert mail.subject == "رد: طلب رقم 2207"
    assert mail.from_name == "كريم العلوي"
    assert new_text(mail.text) == "مرحبا،\nوصلني الهاتف مكسورا. أطلب استبداله في أقرب وقت."
    assert mail.headers["x-mailer"] == "Microsoft Outlook 16.0"


def test_html_only_is_sanitised_and_converted() -> None:
    mail = parse("html_only_fr.eml")
    assert mail.html is not None
    for banned in ("<script", "alert(", "onload", "onclick", "javascript:", "<style", "color:red", "Titre caché"):
        assert banned not in mail.html
    assert 'href="https://suivi.example/1043"' in mail.html
    assert "Titre caché" not in mail.text and "alert" not in mail.text
    assert "l'écran est fissuré" in mail.text
    assert new_text(mail.text) == ("Bonjour,\n\nLe colis est arrivé abîmé : l'écran est fissuré. voir suivi\n\n"
                                   "Merci de me proposer un échange.")


def test_rfc2231_and_encoded_word_file_names() -> None:
    names = [a.filename for a in parse("rfc2231_filenames.eml").attachments]
    assert names == ["facture n°1043 été.pdf", "photo colis abîmé.jpg", "صورة.png", "passwd"]


def test_attachment_bytes_types_and_sizes() -> None:
    pdf = parse("rfc2231_filenames.eml").attachments[0]
    assert pdf.content_type == "application/pdf" and pdf.data.startswith(b"%PDF-1.4")
    assert pdf.size == len(pdf.data) and not pdf.inline and not pdf.skipped


def test_inline_images_keep_their_content_id() -> None:
    mail = parse("inline_image.eml")
    assert [(a.filename, a.inline, a.content_id) for a in mail.attachments] == [
        ("photo.png", True, "photo1@example.ma"), ("attachment-2.jpg", True, "logo@example.ma")]
    assert mail.html is not None and 'src="cid:photo1@example.ma"' in mail.html
    assert mail.text == "Voici le produit reçu : [image: photo.png]\nCe n'est pas la couleur commandée."


def test_oversize_attachments_are_recorded_not_loaded() -> None:
    mail = parse("rfc2231_filenames.eml", max_attachment_bytes=30)
    by_name = {a.filename: a for a in mail.attachments}
    assert by_name["facture n°1043 été.pdf"].skipped and by_name["facture n°1043 été.pdf"].data == b""
    assert by_name["facture n°1043 été.pdf"].size >= 40
    assert not by_name["photo colis abîmé.jpg"].skipped
    assert any("skipped" in d and "facture" in d for d in mail.defects)


def test_forward_inline_keeps_forwarded_complaint() -> None:
    mail = parse("forwarded_inline_fr.eml")
    assert mail.subject == "Fwd: Colis endommagé"
    assert new_text(mail.text) == ("Bonjour,\nMon colis (commande 5521) est arrivé avec le carton écrasé et le vase "
                                   "cassé.\nJe demande un remboursement.")


def test_forward_as_attachment_shows_the_inner_message() -> None:
    mail = parse("forward_as_attachment.eml")
    [eml] = mail.attachments
    assert eml.content_type == "message/rfc822" and eml.filename.endswith(".eml")
    inner = parse_message(eml.data)
    assert inner.message_id == "inner-original@example.ma" and inner.subject == "Colis endommagé"
    assert "Subject: Colis endommagé" in mail.text
    assert new_text(mail.text) == "Le vase est arrivé cassé. Commande 5521."


def test_smime_signature_and_tnef_are_kept_as_attachments() -> None:
    smime = parse("smime_signed.eml")
    assert smime.text == "La facture 2026-118 compte deux fois les frais de port."
    assert [(a.filename, a.content_type) for a in smime.attachments] == [("smime.p7s", "application/pkcs7-signature")]
    tnef = parse("tnef_winmail.eml")
    assert [(a.filename, a.content_type) for a in tnef.attachments] == [("winmail.dat", "application/ms-tnef")]
    assert tnef.attachments[0].data.startswith(b"\x78\x9f\x3e\x22")


def test_bounce_report_parts_are_attachments() -> None:
    mail = parse("bounce_dsn.eml")
    assert mail.content_type == "multipart/report"
    kinds = [a.content_type for a in mail.attachments]
    assert kinds == ["message/delivery-status", "text/rfc822-headers"]
    assert b"Final-Recipient: rfc822; nobody@client.example" in mail.attachments[0].data
    assert "User unknown" in mail.text


def test_lying_and_unknown_charsets_and_broken_encodings() -> None:
    mail = parse("broken_charset.eml")
    assert mail.subject == "Commande incomplète café"
    assert mail.from_name == "André"
    assert "arrivée incomplète" in mail.text
    assert "pièce essentielle ; déjà signalé € deux reprises" in mail.text
    assert "Déclaré windows-1252, écrit en UTF-8." in mail.text
    assert mail.date is None and mail.message_id is None
    assert [a.filename for a in mail.attachments] == ["bon.pdf"]
    for expected in ("declared 'us-ascii' but the bytes are UTF-8", "x-unknown", "InvalidBase64CharactersDefect",
                     "CloseBoundaryNotFoundDefect", "header Date: InvalidDateDefect"):
        assert any(expected in d for d in mail.defects), expected


def test_missing_boundary_is_guessed() -> None:
    mail = parse("no_boundary.eml")
    assert mail.text == "Le colis 6620 n'est jamais arrivé."
    assert [a.filename for a in mail.attachments] == ["preuve.png"]
    assert any("guessed 'XyZ123'" in d for d in mail.defects)


def test_malformed_headers() -> None:
    mail = parse("malformed_headers.eml")
    assert (mail.from_addr, mail.from_name) == ("andre.lefevre@example.fr", "André Lefèvre")
    assert mail.to == [] and mail.cc == [Mailbox("ok@example.fr")]
    assert mail.subject == "Problème de livraison été"
    assert mail.message_id is None and mail.date is None
    assert mail.references == ["a@b", "c@d"]
    assert mail.text == "Le livreur n'est jamais passé."


def test_outlook_windows_1252_and_address_lists() -> None:
    mail = parse("outlook_reply_fr_cp1252.eml")
    assert "C’est la troisième relance" in mail.text and "49,90 €" in mail.text
    assert mail.cc == [Mailbox("qualite@boutique.example", "Service Qualité"), Mailbox("nadia.fassi@example.fr")]
    assert mail.reply_to == [Mailbox("nadia.perso@example.fr", "Nadia")]
    assert new_text(mail.text) == "Bonjour,\n\nC’est la troisième relance : j’attends toujours le remboursement de 49,90 €."


def test_format_flowed_is_joined() -> None:
    mail = parse("en_reply_iphone_flowed.eml")
    assert "It stops charging after ten minutes." in mail.text
    assert "> We have shipped a replacement charger." in mail.text
    assert new_text(mail.text) == ("The replacement charger you sent is also faulty. It stops charging after ten "
                                   "minutes. I would like a refund please.")


def test_stored_headers_are_decoded_and_lower_cased() -> None:
    headers = parse("autoreply_fr.eml").headers
    assert headers["subject"] == "Réponse automatique : Commande 1043"
    assert headers["auto-submitted"] == "auto-replied" and headers["return-path"] == "<>"
    assert "received" not in headers


def test_dates_are_aware() -> None:
    naive = parse_message(b"From: a@b.c\r\nDate: Mon, 3 Nov 2026 10:02:00 -0000\r\n\r\nx")
    assert naive.date == datetime(2026, 11, 3, 10, 2, tzinfo=UTC)


@pytest.mark.parametrize(
    "raw",
    [b"", b"\x00\xff\xfe", b"garbage without headers", b"\r\n\r\n", b"Subject: only headers",
     b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n--x--", b"From: " + b"a" * 100_000,
     b"Content-Type: message/rfc822\r\n\r\nnot a message", b"Content-Type: text/plain; charset=rot13\r\n\r\nx"],
)
def test_odd_inputs_never_raise(raw: bytes) -> None:
    mail = parse_message(raw)
    assert isinstance(mail.text, str) and isinstance(mail.defects, list)


def test_leading_blank_lines_do_not_hide_the_headers() -> None:
    mail = parse_message(b"\r\n\r\nFrom: a@b.c\r\nSubject: hi\r\n\r\nbody")
    assert (mail.from_addr, mail.subject, mail.text) == ("a@b.c", "hi", "body")


def test_deep_nesting_is_bounded() -> None:
    raw = b"Content-Type: text/plain\r\n\r\ninner"
    for level in range(60):
        raw = (f"Content-Type: multipart/mixed; boundary=b{level}\r\n\r\n--b{level}\r\n").encode() + raw + (
            f"\r\n--b{level}--\r\n").encode()
    mail = parse_message(raw)
    assert any("too deep" in d for d in mail.defects)


_FIXTURE_BYTES = [load(p.name) for p in sorted(FIXTURES.glob("*.eml"))]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_FIXTURE_BYTES), st.data())
def test_mutated_fixtures_never_raise(raw: bytes, data: st.DataObject) -> None:
    cut = data.draw(st.integers(0, len(raw)))
    noise = data.draw(st.binary(max_size=40))
    where = data.draw(st.integers(0, len(raw)))
    mutated = raw[:cut] if data.draw(st.booleans()) else raw[:where] + noise + raw[where:]
    mail = parse_message(mutated)
    for text in (mail.text, mail.subject, mail.from_name, *(mail.headers.values())):
        assert "\x00" not in text
        text.encode("utf-8")
    new_text(mail.text)
