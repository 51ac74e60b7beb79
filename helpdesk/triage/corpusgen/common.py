"""Shared helpers of the corpus generator: slots, noise, row construction."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

Row = dict[str, str]

FIRST_NAMES = [
    "Sophie", "Karim", "Julie", "Mehdi", "Claire", "Youssef", "Nadia", "Thomas", "Leila", "Pierre",
    "Fatima", "Hugo", "Samira", "Antoine", "Imane", "Lucas", "Zineb", "Camille", "Omar", "Manon",
    "Rachid", "Élodie", "Hamza", "Chloé", "Sarah", "David", "Amine", "Laura", "Nicolas", "Salma",
    "Emma", "John", "Mike", "Jessica", "Kevin", "Ashley", "Brian", "Megan", "Ryan", "Priya",
]
LAST_NAMES = [
    "Martin", "Benali", "Dubois", "El Idrissi", "Lefebvre", "Alaoui", "Moreau", "Bennani", "Garcia",
    "Roux", "Tazi", "Fournier", "Chraibi", "Girard", "Amrani", "Lambert", "Berrada", "Mercier",
    "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Nguyen", "Patel", "Walker", "Clarke",
]


def pick(rng: random.Random, items: Sequence[str]) -> str:
    return items[rng.randrange(len(items))]


def maybe(rng: random.Random, p: float, text: str, default: str = "") -> str:
    return text if rng.random() < p else default


def order_no(rng: random.Random) -> str:
    style = rng.randrange(6)
    n = rng.randrange(1000, 999999)
    return [f"#{n}", f"{n}", f"n° {n}", f"CMD-{n}", f"{rng.randrange(100, 999)}-{n}", f"#{n % 100000}"][style]


def name(rng: random.Random) -> str:
    return f"{pick(rng, FIRST_NAMES)} {pick(rng, LAST_NAMES)}"


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def typo(rng: random.Random, text: str, rate: float = 0.03) -> str:
    """Drop, double or swap a few letters, as a hurried phone keyboard does."""
    chars = list(text)
    i = 0
    out: list[str] = []
    while i < len(chars):
        c = chars[i]
        r = rng.random()
        if c.isalpha() and r < rate / 3:
            i += 1
            continue
        if c.isalpha() and r < 2 * rate / 3:
            out.append(c)
        if c.isalpha() and r < rate and i + 1 < len(chars) and chars[i + 1].isalpha():
            out.extend([chars[i + 1], c])
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def abbreviate(rng: random.Random, text: str, table: Sequence[tuple[str, str]], p: float = 0.6) -> str:
    """Apply SMS-style replacements (each with probability ``p``)."""
    for pattern, repl in table:
        if rng.random() < p:
            text = re.sub(pattern, repl, text, flags=re.IGNORECASE)
    return text


def casual(rng: random.Random, text: str, table: Sequence[tuple[str, str]]) -> str:
    """Lowercase, no accents, abbreviations and typos: the texting style."""
    text = abbreviate(rng, text, table)
    if rng.random() < 0.7:
        text = text.lower()
    if rng.random() < 0.5:
        text = strip_accents(text)
    if rng.random() < 0.4:
        text = text.replace(".", "").replace(",", "")
    return typo(rng, text, rate=rng.choice([0.0, 0.02, 0.04]))


def clean_spaces(text: str) -> str:
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" +([,.])", r"\1", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def dedupe(rows: list[Row]) -> list[Row]:
    seen: set[tuple[str, str]] = set()
    out = []
    for r in rows:
        key = (r["subject"].lower(), r["body"].lower())
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


@dataclass(frozen=True)
class Shapes:
    """What a language gives the shared message shapes: its vocabulary, openings and web-form labels."""

    vocab: Any  # the language's *_vocab module
    context: Sequence[str]
    joiners: Sequence[str]  # how a second complaint is tacked on
    form: str  # a contact form's fields, with {name}, {order} and {reason}
    reasons: Sequence[str]
    sms_greeting: str | None = None  # an optional word before SMS-style text

    def core(self, rng: random.Random, label: str, s: dict[str, str]) -> str:
        cores = {"late_delivery": self.vocab.LATE, "return": self.vocab.RETURN,
                 "non_conformity": self.vocab.NONCONF, "other": self.vocab.OTHER_SHOP}
        text = pick(rng, cores[label]).format(**s)
        if rng.random() < 0.15:
            text += pick(rng, self.joiners) + pick(rng, cores[label]).format(**s)
        return capitalise(text)

    def letter(self, rng: random.Random, label: str, s: dict[str, str]) -> str:
        """A polite message: greeting, context, complaint, details, request, closing, signature."""
        v = self.vocab
        parts = [maybe(rng, 0.8, pick(rng, v.GREETINGS))]
        parts.append(maybe(rng, 0.4, pick(rng, self.context).format(**s)))
        parts.append(punct(self.core(rng, label, s)))
        parts.append(maybe(rng, 0.4, pick(rng, v.DETAIL[label]).format(**s)))
        parts.append(maybe(rng, 0.5, pick(rng, v.REQUEST[label]).format(**s)))
        parts.append(maybe(rng, 0.6, pick(rng, v.CLOSINGS) + "\n" + s["name"]))
        parts.append(maybe(rng, 0.15, pick(rng, v.SIGN_EXTRA)))
        sep = pick(rng, ["\n", " ", "\n\n"])
        return sep.join(p for p in parts if p)

    def build(self, rng: random.Random, label: str, s: dict[str, str]) -> tuple[str, str]:
        """One (subject, body) of the given category, in a randomly chosen shape."""
        v = self.vocab
        shape = rng.random()
        subject = pick(rng, v.SUBJECTS[label]).format(**s) if rng.random() < 0.45 else ""
        if shape < 0.22:
            return subject, punct(self.core(rng, label, s)) if rng.random() < 0.6 else self.core(rng, label, s)
        if shape < 0.55:
            return subject, self.letter(rng, label, s)
        if shape < 0.65:
            fields = self.form.format(name=s["name"], order=s["order"], reason=pick(rng, self.reasons))
            text = fields + punct(self.core(rng, label, s))
            return "", text + maybe(rng, 0.5, " " + pick(rng, v.REQUEST[label]).format(**s))
        if shape < 0.75:
            return subject, pick(rng, v.FORWARD_HEADERS).format(**s) + self.letter(rng, label, s)
        if shape < 0.9:
            text = self.core(rng, label, s) + maybe(rng, 0.5, " " + pick(rng, v.REQUEST[label]).format(**s))
            if self.sms_greeting is not None:
                text = maybe(rng, 0.4, self.sms_greeting) + text
            return "", casual(rng, text, v.SMS_TABLE)
        subject = subject or f"Re: {pick(rng, v.SUBJECTS[label]).format(**s)}"
        return subject, self.letter(rng, label, s) + "\n\n" + pick(rng, v.QUOTES).format(**s)


def punct(text: str) -> str:
    return text if text.endswith(("?", "!", ".")) else text + "."
