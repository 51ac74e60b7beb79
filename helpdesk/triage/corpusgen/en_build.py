"""English message builders: one core complaint wrapped in a varied shape."""

from __future__ import annotations

import random

from helpdesk.triage.corpusgen import en_vocab as v
from helpdesk.triage.corpusgen.common import capitalise, casual, maybe, name, order_no, pick

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "September", "October", "November"]
GENERIC = [("item", "the part", False), ("product", "the manual", False), ("order", "one item", False),
           ("parcel", "the packing slip", False)]
CONTEXT = [
    "I placed an order on {date} on your website.", "Order {order} from {date}.", "I've been a customer for years.",
    "Following my purchase of the {p} on {date},", "I bought a {p} on {shop}.", "I'm writing about order {order}.",
    "My order: {order}.", "Order ref {order}.", "I ordered a {p} {n} days ago.",
]


def slots(rng: random.Random) -> dict[str, str]:
    noun, part, _plural = pick(rng, v.PRODUCTS)
    if rng.random() < 0.2:
        noun, part, _plural = pick(rng, GENERIC)
    return {
        "p": noun, "part": part, "wrong": pick(rng, v.WRONG_ITEMS),
        "carrier": pick(rng, v.CARRIERS), "status": pick(rng, v.STATUSES),
        "n": str(rng.choice([3, 4, 5, 6, 8, 10, 12, 15, 20, 25])),
        "date": pick(rng, [f"{rng.randrange(1, 29)} {pick(rng, MONTHS)}", f"{pick(rng, MONTHS)} {rng.randrange(1, 29)}"]),
        "day": pick(rng, v.DAYS), "order": order_no(rng), "size": pick(rng, v.SIZES), "city": pick(rng, v.CITIES),
        "code": pick(rng, ["WELCOME10", "SALE20", "SPRING15", "XMAS", "FREESHIP"]),
        "amount": pick(rng, [f"${rng.randrange(5, 90)}", f"£{rng.randrange(5, 90)}", f"{rng.randrange(5, 90)} euros"]),
        "shop": pick(rng, v.SHOPS), "name": name(rng),
    }


CORES = {"late_delivery": v.LATE, "return": v.RETURN, "non_conformity": v.NONCONF, "other": v.OTHER_SHOP}


def core(rng: random.Random, label: str, s: dict[str, str]) -> str:
    text = pick(rng, CORES[label]).format(**s)
    if rng.random() < 0.15:
        text += pick(rng, [". Also, ", " and ", ". On top of that "]) + pick(rng, CORES[label]).format(**s)
    return capitalise(text)


def _punct(text: str) -> str:
    return text if text.endswith(("?", "!", ".")) else text + "."


def letter(rng: random.Random, label: str, s: dict[str, str]) -> str:
    """A polite message: greeting, context, complaint, details, request, closing, signature."""
    parts = [maybe(rng, 0.8, pick(rng, v.GREETINGS))]
    parts.append(maybe(rng, 0.4, pick(rng, CONTEXT).format(**s)))
    parts.append(_punct(core(rng, label, s)))
    parts.append(maybe(rng, 0.4, pick(rng, v.DETAIL[label])))
    parts.append(maybe(rng, 0.5, pick(rng, v.REQUEST[label])))
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
        fields = f"Name: {s['name']}\nOrder number: {s['order']}\nReason: {pick(rng, ['Other', 'Complaint', 'My order', 'Support'])}\nMessage: "
        return "", fields + _punct(core(rng, label, s)) + maybe(rng, 0.5, " " + pick(rng, v.REQUEST[label]))
    if shape < 0.75:
        return subject, pick(rng, v.FORWARD_HEADERS).format(**s) + letter(rng, label, s)
    if shape < 0.9:
        text = core(rng, label, s) + maybe(rng, 0.5, " " + pick(rng, v.REQUEST[label]))
        return "", casual(rng, text, v.SMS_TABLE)
    return subject or f"Re: {pick(rng, v.SUBJECTS[label]).format(**s)}", letter(rng, label, s) + "\n\n" + pick(rng, v.QUOTES).format(**s)
