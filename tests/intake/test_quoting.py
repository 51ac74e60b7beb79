"""new_text / split_quoted: what triage reads of an email, in French, English and Arabic."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpdesk.intake.quoting import new_text, split_quoted

COMPLAINT_FR = "Bonjour,\nJe n'ai toujours pas reçu ma commande 1043."
COMPLAINT_EN = "Hello,\nMy order 1043 never arrived."
COMPLAINT_AR = "السلام عليكم،\nلم أستلم طلبي رقم 1043 حتى الآن."

REPLIES = {
    "fr_gmail": f"{COMPLAINT_FR}\n\nLe lun. 3 nov. 2026 à 10:02, Boutique <sc@shop.ma> a écrit :\n> Votre colis est parti.",
    "fr_gmail_wrapped": f"{COMPLAINT_FR}\n\nLe lun. 3 nov. 2026 à 10:02, Service Client Boutique <\nsc@shop.ma> a\nécrit :\n\n> Votre colis est parti.",
    "fr_apple_nbsp": f"{COMPLAINT_FR}\n\nLe 3 nov. 2026 à 10:02, Boutique <sc@shop.ma> a écrit\u00a0:\n\n> Votre colis",
    "fr_thunderbird": f"{COMPLAINT_FR}\n\nLe 03/11/2026 à 10:02, Boutique a écrit :\n> Votre colis",
    "fr_outlook": (f"{COMPLAINT_FR}\n\n________________________________\nDe : Boutique <sc@shop.ma>\n"
                   "Envoyé : lundi 3 novembre 2026 10:02\nÀ : Salma\nObjet : RE: Commande 1043\n\nBonjour Madame,"),
    "fr_outlook_original": (f"{COMPLAINT_FR}\n\n-----Message d'origine-----\nDe : Boutique [mailto:sc@shop.ma]\n"
                            "Envoyé : lundi 3 novembre 2026 10:02\nÀ : Salma\nObjet : Commande\n\nTexte"),
    "fr_zimbra": f"{COMPLAINT_FR}\n\n----- Mail original -----\nDe: Boutique\nÀ: Salma\nEnvoyé: lundi\nObjet: x\n\nTexte",
    "en_gmail": f"{COMPLAINT_EN}\n\nOn Mon, Nov 3, 2026 at 10:02 AM Shop <s@shop.ma> wrote:\n> It shipped.",
    "en_gmail_wrapped": f"{COMPLAINT_EN}\n\nOn Mon, Nov 3, 2026 at 10:02 AM Shop Support <\ns@shop.ma> wrote:\n\n> It shipped.",
    "en_outlook": (f"{COMPLAINT_EN}\n\n-----Original Message-----\nFrom: Shop <s@shop.ma>\nSent: Monday, November 3,"
                   " 2026 10:02 AM\nTo: Tom\nSubject: RE: order\n\nIt shipped."),
    "en_outlook_bold": (f"{COMPLAINT_EN}\n\n*From:* Shop <s@shop.ma>\n*Sent:* Monday, November 3, 2026\n"
                        "*To:* Tom\n*Subject:* RE: order\n\nIt shipped."),
    "en_yahoo": f"{COMPLAINT_EN}\n\n--- On Mon, 11/3/26, Shop <s@shop.ma> wrote:\n\nFrom: Shop\nSubject: x\nTo: Tom\n\nIt",
    "en_loose_no_date": f"{COMPLAINT_EN}\n\nOn Monday, Shop Support wrote:\n> It shipped.",
    "ar_gmail": (f"{COMPLAINT_AR}\n\n\u200fفي الاثنين، 3 نوفمبر 2026 في 10:02 ص، \u202aمتجر\u202c <s@shop.ma> كتب:\n"
                 "> طلبك في الطريق."),
    "ar_gmail_bywho": f"{COMPLAINT_AR}\n\nفي الخميس، 14 مارس 2024 في 10:15 ص تمت كتابة ما يلي بواسطة متجر <s@shop.ma>:\n> نص",
    "ar_apple": f"{COMPLAINT_AR}\n\nفي \u200f03\u200f/11\u200f/2026، الساعة \u200f10:02 ص، كتب متجر <s@shop.ma>:\n\n> نص",
    "ar_outlook": (f"{COMPLAINT_AR}\n\nمن: متجر <s@shop.ma>\nتم الإرسال: الاثنين، 3 نوفمبر 2026 10:02 ص\nإلى: سلمى\n"
                   "الموضوع: طلب\n\nنص قديم"),
    "de_gmail": f"{COMPLAINT_FR}\n\nAm Mo., 3. Nov. 2026 um 10:02 Uhr schrieb Shop <s@shop.ma>:\n> Text",
    "es_gmail": f"{COMPLAINT_FR}\n\nEl lun, 3 nov 2026 a las 10:02, Shop (<s@shop.ma>) escribió:\n> Texto",
    "ru_android": f"{COMPLAINT_EN}\n02.04.2012 14:20 пользователь \"bob@shop.ma\" <\nbob@shop.ma> написал:\n> Hi",
}


@pytest.mark.parametrize("name", sorted(REPLIES))
def test_reply_history_is_removed(name: str) -> None:
    body = REPLIES[name]
    expected = next(c for c in (COMPLAINT_FR, COMPLAINT_EN, COMPLAINT_AR) if body.startswith(c))
    new, rest = split_quoted(body)
    assert new == expected
    assert rest
    assert all(line in body for line in rest.splitlines())


SIGNATURES = {
    "fr_cordialement": "Cordialement,\nSalma Bennani",
    "fr_bien_cordialement_phone": "Bien cordialement,\nSalma Bennani\nTél : 06 12 34 56 78",
    "fr_same_line": "Cordialement, Salma",
    "fr_iphone": "Envoyé de mon iPhone",
    "fr_outlook_android": "Obtenir Outlook pour Android",
    "fr_merci_name": "Merci d'avance\nSalma",
    "en_dashdash": "-- \nTom Baker\nBaker & Sons Ltd\n+44 20 7946 0000",
    "en_best_regards": "Best regards,\nTom",
    "en_iphone": "Sent from my iPhone",
    "en_galaxy": "Sent from my Galaxy",
    "en_outlook": "Sent from Outlook for Android",
    "en_thanks_name": "Thanks,\nTom",
    "ar_tahiyati": "مع تحياتي\nسلمى",
    "ar_shukran_name": "شكرا\nكريم",
    "ar_iphone": "أُرسلت من الـ iPhone",
}


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_signature_is_removed(name: str) -> None:
    complaint = COMPLAINT_AR if name.startswith("ar") else COMPLAINT_FR
    new, rest = split_quoted(f"{complaint}\n\n{SIGNATURES[name]}\n")
    assert new == complaint
    assert rest == SIGNATURES[name].replace("-- \n", "--\n")


@pytest.mark.parametrize(
    "body",
    [
        "Bonjour,\nMerci de me rembourser la commande 1043 au plus vite.",  # "Merci" opening a sentence
        "Le colis est arrivé cassé.\nMerci",  # a bare thanks with no name after it stays
        "السلام عليكم\nلم يصل الطلب.\nشكرا",  # likewise in Arabic: not followed by a short name
        "Le livreur a écrit :\nColis refusé\nC'est faux, j'étais chez moi.",  # no date: not a reply header
        "Cordialement,\nSalma\nPS : le carton était ouvert, le chargeur manque, et la facture aussi. Pouvez-vous ?",
        "Bonjour,\nMa commande 1043.\nEnvoyé depuis le 3 novembre, jamais reçu.",  # not a phone signature
        "Hello,\nOrder 1043.\nSent via DHL, never arrived",
        "Thank you\nPlease refund me",  # a sentence, not a name, after the thanks
        "مرحبا\nشكرا\nأرجو استرجاع المبلغ كاملا اليوم",
        "لم يصل الطلب رقم 1043.\nمع تحياتي",  # an Arabic closing with no name after it
    ],
)
def test_ordinary_text_is_kept(body: str) -> None:
    assert new_text(body) == body


def test_inline_answers_between_quotes_are_kept() -> None:
    body = "> Avez-vous reçu le colis ?\nNon, rien.\n> Le numéro de suivi ?\nLP123456789FR"
    assert split_quoted(body) == ("Non, rien.\nLP123456789FR", "> Avez-vous reçu le colis ?\n> Le numéro de suivi ?")


def test_bottom_posting_keeps_the_answer_below_the_quote() -> None:
    body = "Le lun. 3 nov. 2026 à 10:02, Boutique <sc@shop.ma> a écrit :\n> Avez-vous reçu le colis ?\n\nNon, rien."
    assert new_text(body) == "Non, rien."


@pytest.mark.parametrize(
    "marker",
    [
        "---------- Forwarded message ---------",
        "---------- Message transféré ---------",
        "-------- Message transféré --------",
        "-------- Forwarded Message --------",
        "Begin forwarded message:",
        "Début du message réexpédié :",
        "---------- الرسالة المعاد توجيهها ---------",
    ],
)
def test_forward_without_new_text_keeps_the_forwarded_complaint(marker: str) -> None:
    body = (f"{marker}\nFrom: Salma <s@x.ma>\nDate: Sat, Nov 8, 2026 at 6:30 PM\nSubject: Colis\nTo: <shop@x.ma>\n\n"
            f"{COMPLAINT_FR}\n\nCordialement,\nSalma")
    assert new_text(body) == COMPLAINT_FR
    assert new_text("Envoyé de mon iPhone\n\n" + body) == COMPLAINT_FR


def test_forward_with_a_note_keeps_the_note() -> None:
    body = "Relance : toujours rien !\n\n---------- Forwarded message ---------\nFrom: a@b.c\nDate: x\nSubject: y\n\nOld"
    assert split_quoted(body)[0] == "Relance : toujours rien !"


def test_outlook_forward_block_at_the_top_keeps_its_body() -> None:
    body = ("________________________________\nDe : Salma <s@x.ma>\nEnvoyé : samedi 8 novembre 2026 18:30\n"
            "À : support@shop.ma\nObjet : Colis abîmé\n\nLe vase est arrivé cassé.")
    assert new_text(body) == "Le vase est arrivé cassé."


@pytest.mark.parametrize(
    "body",
    [
        "> only a quote\n> nothing new",
        "Cordialement,\nSalma",
        "Le lun. 3 nov. 2026 à 10:02, X a écrit :\n> tout est cité",
        "-- \nsignature seule",
    ],
)
def test_never_empty_falls_back_to_the_original(body: str) -> None:
    assert new_text(body) == "\n".join(line.rstrip() for line in body.strip().splitlines())


@pytest.mark.parametrize("body", ["", "   ", "\n\r\n\t"])
def test_blank_input_gives_blank_output(body: str) -> None:
    assert split_quoted(body) == ("", "")


def test_line_endings_and_bidi_marks_are_handled() -> None:
    body = "Colis perdu.\r\n\r\n\u200fLe 3 nov. 2026 à 10:02, X a écrit :\r\n> old\r\n"
    assert new_text(body) == "Colis perdu."


def test_long_bodies_stay_fast() -> None:
    body = "\n".join(f"Ligne {i} de la réclamation, avec 12:30 et a@b.c :" for i in range(20_000))
    started = time.perf_counter()
    assert new_text(body + "\n> quoted")
    assert time.perf_counter() - started < 5


_LINE = st.one_of(
    st.text(max_size=60),
    st.sampled_from([">", "> cité", "-- ", "--", "Cordialement,", "Salma", "مع تحياتي", "شكرا", "Envoyé de mon iPhone",
                     "Le 3 nov. 2026 à 10:02, X a écrit :", "On Mon, Nov 3, 2026, X wrote:", "De : X", "Envoyé : lundi",
                     "À : Y", "Objet : Z", "---------- Forwarded message ---------", "_" * 32, "", "\u200f"]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINE, max_size=25).map("\n".join))
def test_properties_on_any_text(body: str) -> None:
    new, rest = split_quoted(body)
    assert isinstance(new, str) and isinstance(rest, str)
    if body.strip():
        assert new.strip()
    source = {line.rstrip() for line in re.split(r"\r\n|\r|\n", body)} | {body.strip()}
    for line in new.split("\n") + rest.split("\n"):
        assert line == "" or line in source or line in body
