"""French message builders: one core complaint wrapped in a varied shape."""

from __future__ import annotations

import random

from helpdesk.triage.corpusgen import fr_vocab as v
from helpdesk.triage.corpusgen.common import Shapes, name, order_no, pick

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "septembre", "octobre", "novembre"]
GENERIC = [("article", "m"), ("produit", "m"), ("colis", "m"), ("commande", "f")]
CONTEXT = [
    "Commande effectuée le {date} sur votre site.", "Commande {order} du {date}.",
    "Je suis client{e1} chez vous depuis des années.", "Suite à mon achat de {pi} le {date},",
    "J'ai acheté {pi} sur {shop}.", "Je vous écris au sujet de la commande {order}.",
    "Ma commande : {order}.", "Référence de commande {order}.", "J'ai commandé {pi} il y a {n} jours.",
]


def _article(noun: str, gender: str) -> tuple[str, str]:
    definite = "l'" if noun[0] in "aeiouéèêhAEIOUÉ" else ("la " if gender == "f" else "le ")
    indefinite = "une " if gender == "f" else "un "
    return definite + noun, indefinite + noun


def slots(rng: random.Random) -> dict[str, str]:
    noun, gender, part = pick(rng, v.PRODUCTS)
    if rng.random() < 0.2:
        noun, gender = pick(rng, GENERIC)
    definite, indefinite = _article(noun, gender)
    if noun == "commande" and rng.random() < 0.5:
        definite = "ma commande"
    fem = gender == "f"
    return {
        "p": definite, "pi": indefinite, "e": "e" if fem else "", "e2": "e" if fem else "",
        "x": "se" if fem else "x", "il": "elle" if fem else "il", "part": part,
        "e1": pick(rng, ["", "e"]), "wrong": pick(rng, v.WRONG_ITEMS), "carrier": pick(rng, v.CARRIERS),
        "status": pick(rng, v.STATUSES), "n": str(rng.choice([3, 4, 5, 6, 8, 10, 12, 15, 20, 25])),
        "date": f"{rng.randrange(1, 29)} {pick(rng, MONTHS)}", "day": pick(rng, v.DAYS),
        "order": order_no(rng), "size": pick(rng, v.SIZES), "city": pick(rng, v.CITIES),
        "code": pick(rng, ["BIENVENUE10", "SOLDES20", "RAMADAN15", "NOEL", "PROMO5"]),
        "amount": f"{rng.randrange(5, 90)} {pick(rng, ['€', 'dirhams', 'DH', 'euros'])}",
        "shop": pick(rng, v.SHOPS), "name": name(rng),
    }


SHAPES = Shapes(v, CONTEXT, [". En plus, ", " et ", ". Par ailleurs "],
                "Nom : {name}\nN° de commande : {order}\nMotif : {reason}\nMessage : ",
                ["Autre", "Réclamation", "Ma commande", "SAV"], sms_greeting="bonjour ")


def build(rng: random.Random, label: str) -> tuple[str, str]:
    """One (subject, body) of the given category, in a randomly chosen shape."""
    return SHAPES.build(rng, label, slots(rng))
