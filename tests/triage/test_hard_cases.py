"""The classifier on the cases SPEC section 3 makes tricky, in every language we serve."""

from __future__ import annotations

import pytest

from helpdesk.triage import Model


def cat(model: Model, body: str, subject: str = "") -> str:
    return model.predict(subject, body).category


@pytest.mark.parametrize(
    "body",
    [
        "Rien n'est abîmé, le pull ne me plaît juste pas. Je souhaite le renvoyer.",
        "It isn't damaged at all, I just don't like the colour. I'd like to send it back.",
        "Il marche très bien mais je n'en veux plus, comment le rendre ?",
    ],
)
def test_negated_defect_is_a_return(model: Model, body: str) -> None:
    assert cat(model, body) == "return"


@pytest.mark.parametrize(
    "body",
    [
        "J'ai commandé des bottes noires et j'ai reçu des sandales marron.",
        "You sent the wrong item: I ordered a grey hoodie and got a red t-shirt.",
        "Le colis contenait une autre référence que celle que j'ai commandée.",
    ],
)
def test_wrong_item_sent_is_non_conformity(model: Model, body: str) -> None:
    assert cat(model, body) == "non_conformity"


@pytest.mark.parametrize(
    "body",
    [
        "Livré avec deux semaines de retard, et en plus la lampe est cassée.",
        "It came ten days late and the screen is cracked.",
    ],
)
def test_late_then_damaged_is_non_conformity(model: Model, body: str) -> None:
    assert cat(model, body) == "non_conformity"


@pytest.mark.parametrize(
    "body",
    [
        "J'ai renvoyé la veste il y a trois semaines, vous l'avez reçue, où est mon remboursement ?",
        "I posted the shoes back to you a month ago and the refund still hasn't come through.",
    ],
)
def test_refund_of_returned_item_is_return(model: Model, body: str) -> None:
    assert cat(model, body) == "return"


def test_quoted_history_on_another_topic_is_ignored_once_stripped(model: Model) -> None:
    new_text = "Toujours rien reçu, le suivi n'a pas bougé depuis une semaine."
    quoted = new_text + "\n\nLe 3 mai, Support a écrit :\n> Votre article défectueux sera remplacé.\n> Le produit cassé"
    assert cat(model, new_text) == "late_delivery"
    assert cat(model, quoted) == "late_delivery"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("colis?", "late_delivery"),
        ("refund?", "return"),
        ("cassé", "non_conformity"),
        ("broken", "non_conformity"),
        ("facture", "other"),
        ("merci", "other"),
    ],
)
def test_very_short_messages(model: Model, body: str, expected: str) -> None:
    assert cat(model, body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("لم يصلني الطرد بعد مرور أسبوعين على الطلب", "late_delivery"),
        ("وصلني الهاتف مكسور الشاشة", "non_conformity"),
        ("أريد إرجاع الحذاء لأن المقاس لا يناسبني", "return"),
        ("أحتاج فاتورة الطلب من فضلكم", "other"),
    ],
)
def test_arabic_script(model: Model, body: str, expected: str) -> None:
    assert cat(model, body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("salam, lcommande dyali mazal ma wslatnich, daz 10 iyam", "late_delivery"),
        ("tlabt sabbat k7el w jani sabbat byed", "non_conformity"),
        ("bghit nrj3 lkebbot, ma 3jbnich lloun, w bghit flousi", "return"),
        ("3afak bghit facture dyal lcommande", "other"),
    ],
)
def test_darija_in_latin_letters(model: Model, body: str, expected: str) -> None:
    assert cat(model, body) == expected


@pytest.mark.parametrize(
    "body",
    [
        "Mon opérateur me facture une box que j'ai rendue il y a deux mois.",
        "L'artisan a bâclé la pose du carrelage et refuse de revenir.",
        "@Delta flight delayed 5 hours and nobody at the gate can tell us anything",
        "Le restaurant nous a servi un plat froid et le serveur était désagréable.",
    ],
)
def test_complaints_about_services_are_other(model: Model, body: str) -> None:
    assert cat(model, body) == "other"


def test_prediction_shape(model: Model) -> None:
    p = model.predict("Commande 1043", "Mon colis n'est jamais arrivé")
    assert set(p.scores) == {"late_delivery", "return", "non_conformity", "other"}
    assert abs(sum(p.scores.values()) - 1) < 1e-3
    assert p.confidence == max(p.scores.values()) and p.scores[p.category] == p.confidence


def test_predict_many_matches_predict_in_any_order(model: Model) -> None:
    pairs = [("", "cassé"), ("Retour", "je veux renvoyer la robe"), ("", "where is my parcel")]
    single = [model.predict(s, b) for s, b in pairs]
    assert model.predict_many(pairs) == single
    assert model.predict_many(pairs[::-1]) == single[::-1]
    assert model.predict_many([]) == []
