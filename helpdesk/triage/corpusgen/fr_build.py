"""French message builders: one core complaint wrapped in a varied shape."""

from __future__ import annotations

import random

from helpdesk.triage.corpusgen import fr_vocab as v
from helpdesk.triage.corpusgen.common import capitalise, casual, maybe, name, order_no, pick

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


CORES = {"late_delivery": v.LATE, "return": v.RETURN, "non_conformity": v.NONCONF, "other": v.OTHER_SHOP}


def core(rng: random.Random, label: str, s: dict[str, str]) -> str:
    text = pick(rng, CORES[label]).format(**s)
    if rng.random() < 0.15:
        text += pick(rng, [". En plus, ", " et ", ". Par ailleurs "]) + pick(rng, CORES[label]).format(**s)
    return capitalise(text)


def _punct(text: str) -> str:
    return text if text.endswith(("?", "!", ".")) else text + "."


def letter(rng: random.Random, label: str, s: dict[str, str]) -> str:
    """A polite message: greeting, context, complaint, details, request, closing, signature."""
    parts = [maybe(rng, 0.8, pick(rng, v.GREETINGS))]
    parts.append(maybe(rng, 0.4, pick(rng, CONTEXT).format(**s)))
    parts.append(_punct(core(rng, label, s)))
    parts.append(maybe(rng, 0.4, pick(rng, v.DETAIL[label]).format(**s)))
    parts.append(maybe(rng, 0.5, pick(rng, v.REQUEST[label]).format(**s)))
    parts.append(maybe(rng, 0.6, pick(rng, v.CLOSINGS) + "\n" + s["name"]))
    parts.append(maybe(rng, 0.15, pick(rng, v.SIGN_EXTRA)))
    sep = pick(rng, ["\n", " ", "\n\n"])
    return sep.join(p for p in parts if p)


def build(rng: random.Random, label: str) -> tuple[str, str]:
    """One (subject, body) of the given category, in a randomly chosen shape."""
    s = slots(rng)
    shape = rng.random()
    subject = pick(rng, v.SUBJECTS[label]).format(**s) if rng.random() < 0.45 else ""
    if shape < 0.22:
        return subject, _punct(core(rng, label, s)) if rng.random() < 0.6 else core(rng, label, s)
    if shape < 0.55:
        return subject, letter(rng, label, s)
    if shape < 0.65:
        fields = f"Nom : {s['name']}\nN° de commande : {s['order']}\nMotif : {pick(rng, ['Autre', 'Réclamation', 'Ma commande', 'SAV'])}\nMessage : "
        return "", fields + _punct(core(rng, label, s)) + maybe(rng, 0.5, " " + pick(rng, v.REQUEST[label]).format(**s))
    if shape < 0.75:
        return subject, pick(rng, v.FORWARD_HEADERS).format(**s) + letter(rng, label, s)
    if shape < 0.9:
        text = core(rng, label, s) + maybe(rng, 0.5, " " + pick(rng, v.REQUEST[label]).format(**s))
        return "", casual(rng, maybe(rng, 0.4, "bonjour ") + text, v.SMS_TABLE)
    return subject or f"Re: {pick(rng, v.SUBJECTS[label]).format(**s)}", letter(rng, label, s) + "\n\n" + pick(rng, v.QUOTES).format(**s)
