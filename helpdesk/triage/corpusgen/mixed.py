"""Code-switched messages: Darija (Latin letters) mixed with French or English.

Moroccan shoppers switch language mid-sentence ("lcommande dyali mazal ma
wslatch, le suivi est bloqué"). Rows are built from Darija and French/English
clauses of the same category so the model sees the switch itself.
"""

from __future__ import annotations

import random

from helpdesk.triage.corpusgen.common import casual, pick
from helpdesk.triage.corpusgen.fr_vocab import SMS_TABLE

DARIJA = {
    "late_delivery": [
        "lcommande dyali mazal ma wslatch", "3endi {n} iyam kantsenna lcolis", "le livreur ma jach lyoum",
        "fin wslat lcommande dyali?", "suivi kaygoul livré walakin ma wsel walo", "ch7al khassni ntsenna?",
        "commandit hadi {n} iyam w mazal ma jat", "lcolis t3ettel bzaf", "ma 3eytou lia 7ta wa7ed",
        "lcolis mab9itch kanchofo f suivi", "galou lia ghadi ywsel lbare7 w walo", "ma wsel lia 7ta SMS",
        "l'livreur galia rah f depot w ma jach", "ana khlst w ma wslni walo",
    ],
    "return": [
        "bghit nrje3 lproduit, ma 3jebnich", "la taille sghira 3liya, bghit nbdelha", "bghit nreje3 lflous dyali",
        "rj3t lcolis hadi {n} iyam w mazal ma rj3o lia lflous", "kifach ndir retour?", "bdelt ra2yi, bghit nrdo",
        "lproduit mzyan walakin machi dyali, bghit nrje3o", "wach momkin nbdel lcouleur?", "kbir 3liya bzaf, bghit M",
        "sifat lcolis f retour, fin lflous?", "bghit ghir nrje3o, ma fih 7ta mochkil",
        "chrit joj b lghalat, bghit nrje3 wa7ed",
    ],
    "non_conformity": [
        "ltelephone jani mkhsser", "lproduit jani m3ewej", "ma kaykhdemch", "siftou lia produit akhor machi li tlabt",
        "na9sa wa7ed l9et3a", "lboite kant m7loula w lproduit mhersa", "lcouleur machi hiya li tlabt",
        "ma kaycharjich", "tfa w ma bghach yche3el", "jat m9t3a mn ljnb", "lma kaykhroj mnha", "sifto lia taille khra",
        "jani fake, machi original", "date dyalo fayta", "l'ecran mkhsser", "khdem nhar w tfa",
    ],
    "other": [
        "bghit facture dyal lcommande", "wach kayn had lmodèle f taille M?", "ch7al livraison l {city}?",
        "bghit nbedel l'adresse", "chokran 3la service", "paiement ma douzch", "ma9dertch ndkhol l compte dyali",
        "bghit n annuler lcommande 9bel ma tsiftoha", "wach kayn paiement 3nd livraison?", "code promo ma khdamch",
        "lbank 9te3 lia jouj merrat", "wach 3ndkom magasin f {city}?", "merci bzaf, kolchi mzyan",
        "l'application ma kat7elch", "chhal taman dyal had lmodèle?",
    ],
}
OTHER_HALF = {
    "fr": {
        "late_delivery": ["le suivi est bloqué depuis {n} jours", "toujours pas livré", "colis introuvable",
                          "la date de livraison est dépassée", "où est mon colis svp", "aucune nouvelle du transporteur"],
        "return": ["je veux un remboursement", "je voudrais échanger la taille", "merci de m'envoyer le bon de retour",
                   "l'article est neuf, jamais porté", "je suis dans le délai de rétractation", "remboursement du retour svp"],
        "non_conformity": ["il est cassé", "ça ne fonctionne pas", "ce n'est pas le bon article", "il manque une pièce",
                           "le produit est défectueux", "je veux un échange, il est abîmé"],
        "other": ["merci de me répondre", "c'est urgent", "facture svp", "merci d'avance", "pour mon entreprise",
                  "je voudrais des infos"],
    },
    "en": {
        "late_delivery": ["tracking stuck for {n} days", "still not delivered", "parcel lost", "delivery date passed",
                          "where is my package pls", "no news from the courier"],
        "return": ["I want a refund", "need to exchange the size", "please send the return label",
                   "it's brand new, never worn", "still within the return window", "refund for my return pls"],
        "non_conformity": ["it's broken", "it doesn't work", "wrong item", "a piece is missing", "it's defective",
                           "I want a replacement, it's damaged"],
        "other": ["please reply", "it's urgent", "invoice pls", "thanks in advance", "for my business", "just asking"],
    },
}
OPENERS = ["salam", "slm", "salam 3alikom", "bonjour", "hi", "salam khouya", "salam alikoum", "", "", "allo"]
CLOSERS = ["", "", "chokran", "merci", "thx", "3afak", "lah ykhlik", "barak lah fik", "svp", "merci d'avance"]


def build(rng: random.Random, label: str, lang: str) -> str:
    """Darija and French/English clauses of one category, in random order."""
    slots = {"n": str(rng.choice([2, 3, 4, 5, 7, 10, 15])), "city": pick(rng, ["Agadir", "Tanger", "Oujda", "Fes", "Rabat"])}
    darija = pick(rng, DARIJA[label]).format(**slots)
    other = pick(rng, OTHER_HALF[lang][label]).format(**slots)
    clauses = [darija, other] if rng.random() < 0.6 else [other, darija]
    joiner = pick(rng, [", ", ". ", " w ", " - ", " / ", "... "])
    text = f"{pick(rng, OPENERS)} {joiner.join(clauses)} {pick(rng, CLOSERS)}".strip()
    if rng.random() < 0.3:
        text += ". " + pick(rng, DARIJA[label]).format(**slots)
    return casual(rng, text, SMS_TABLE) if rng.random() < 0.3 else text
