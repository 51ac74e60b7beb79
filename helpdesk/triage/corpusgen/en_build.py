"""English message builders: one core complaint wrapped in a varied shape."""

from __future__ import annotations

import random

from helpdesk.triage.corpusgen import en_vocab as v
from helpdesk.triage.corpusgen.common import Shapes, name, order_no, pick

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "September", "October", "November"]
GENERIC = [("item", "the part", False), ("product", "the manual", False), ("order", "one item", False),
           ("parcel", "the packing slip", False)]
CONTEXT = [
    "I ordered from your website on {date}.", "Order {order} from {date}.", "I've been a customer for years.",
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


SHAPES = Shapes(v, CONTEXT, [". Also, ", " and ", ". On top of that "],
                "Name: {name}\nOrder number: {order}\nReason: {reason}\nMessage: ",
                ["Other", "Complaint", "My order", "Support"])


def build(rng: random.Random, label: str) -> tuple[str, str]:
    """One (subject, body) of the given category, in a randomly chosen shape."""
    return SHAPES.build(rng, label, slots(rng))
