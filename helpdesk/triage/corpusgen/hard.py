"""Hand-written hard cases: negations, mixed topics, very short messages.

Each entry is (label, text). The rule behind each group is in its comment;
see SPEC section 3 for the categories.
"""

from __future__ import annotations

# Negated defects: the product is fine, the shopper wants to send it back -> return.
NEGATION = [
    ("return", "Il n'est pas abîmé du tout, simplement il ne me plaît pas. Je peux le renvoyer ?"),
    ("return", "Rien de cassé, rien de défectueux, mais la couleur ne me va pas. Je voudrais le retourner."),
    ("return", "Le produit fonctionne parfaitement, je n'en ai simplement plus l'utilité. Remboursement possible ?"),
    ("return", "Aucun défaut, l'article est conforme, mais trop grand. Échange contre une taille en dessous svp."),
    ("return", "Pas de souci de qualité, je me suis juste trompé de modèle en commandant."),
    ("return", "Ce n'est pas un problème de livraison ni de casse : j'ai changé d'avis et je veux le renvoyer."),
    ("return", "La robe n'a aucun défaut, elle est simplement trop serrée à la taille. Je la renvoie."),
    ("return", "It's not damaged, I just don't like it. Can I send it back?"),
    ("return", "Nothing wrong with it, works fine, I just don't need it anymore. How do I return it?"),
    ("return", "Not broken, not faulty, just the wrong size for me. I'd like to swap for a medium."),
    ("return", "The item isn't defective. I simply changed my mind and want my money back."),
    ("return", "No issue with the quality at all, it just doesn't go with my living room. Return please."),
    ("return", "Perfect condition, never used, still sealed, but I don't want it anymore."),
    ("return", "Not a delivery problem, it came on time and in one piece. I'd just rather have the refund."),
    ("return", "Le canapé est arrivé en parfait état, mais il est trop imposant pour notre salon. Comment le reprendre ?"),
    ("return", "Ma3ndo hta mochkil, ghir ma 3jebnich. Bghit nrje3o."),
    ("return", "Je ne conteste pas la qualité. Je souhaite seulement exercer mon droit de rétractation."),
    ("return", "I'm not saying it's faulty! It's lovely. It's just too small and I need the next size."),
    ("return", "Pas cassé, pas rayé, juste pas à mon goût finalement."),
    ("return", "there's nothing wrong w/ the shoes, they just pinch a bit, want to exchange for a 9"),
    # A defect, even when the shopper says "return" or "not": non_conformity.
    ("non_conformity", "Je ne veux pas le renvoyer, je veux une pièce de rechange : le couvercle est fendu."),
    ("non_conformity", "I don't want to return it, just send me the missing screws please."),
    ("non_conformity", "It doesn't work. Not even once. Plugged it in and nothing."),
    ("non_conformity", "La bouilloire ne chauffe pas. Ce n'est pas une question de goût, elle est en panne."),
    ("non_conformity", "Not what I ordered: I asked for the 128 GB and the box says 64 GB."),
    ("non_conformity", "I'm not happy at all, the glass top was shattered when I unboxed it."),
    ("non_conformity", "Ce n'est pas la bonne couleur qui a été envoyée : commandé vert, reçu jaune."),
    ("non_conformity", "Je ne peux pas utiliser l'imprimante, elle affiche une erreur dès l'allumage."),
    ("non_conformity", "Doesn't charge, doesn't turn on, doesn't do anything."),
    ("non_conformity", "The headset isn't working on the left side and it's brand new."),
    # Delivery fine, but defect / late but damaged -> non_conformity.
    ("non_conformity", "Le colis est arrivé avec dix jours de retard, et en plus l'écran est fissuré."),
    ("non_conformity", "Livraison très en retard, passons. Mais la machine ne s'allume même pas."),
    ("non_conformity", "After two weeks of waiting it finally turned up... with a cracked screen."),
    ("non_conformity", "It arrived late, which I could live with, but half the parts are missing."),
    ("non_conformity", "Delivery took forever and then the vase was in pieces."),
    ("non_conformity", "Enfin reçu après trois semaines, mais c'est le mauvais modèle."),
    ("non_conformity", "Lcolis wsel m3ettel b semaine, w zid ljaket mqetta3a."),
    ("non_conformity", "Finally arrived, a week after the promised date, and it's the wrong colour."),
    ("non_conformity", "Le livreur est passé avec 4 jours de retard et le carton était défoncé, le plat est cassé."),
    # Wrong item sent by the shop -> non_conformity (not return), versus shopper's own mistake -> return.
    ("non_conformity", "Vous m'avez envoyé un M alors que j'avais commandé un S."),
    ("non_conformity", "J'ai commandé une coque pour iPhone 13 et j'ai reçu une coque pour Samsung."),
    ("non_conformity", "You sent me the wrong item. I ordered a blue kettle and got a toaster."),
    ("non_conformity", "I got someone else's order, the name on the packing slip isn't mine."),
    ("non_conformity", "Inside the box: size 7 shoes. The label on the box says 9 and I ordered 9."),
    ("non_conformity", "Erreur de préparation : deux chaussures gauches dans la boîte !"),
    ("non_conformity", "wrong item sent, need the right one asap"),
    ("non_conformity", "Article reçu différent de celui commandé. Je veux le bon."),
    ("return", "Je me suis trompée en commandant, j'ai pris un S au lieu d'un M. Je peux échanger ?"),
    ("return", "My mistake, I clicked the wrong colour when ordering. Can I exchange it?"),
    ("return", "J'ai commandé deux tailles pour essayer, je renvoie celle qui ne va pas."),
    ("return", "I ordered two sizes to try on, sending back the one that doesn't fit."),
    # Refunds: what it is a refund *of* decides.
    ("return", "Retour reçu par vos services le 3, j'attends le remboursement."),
    ("return", "You got the returned parcel a fortnight ago. Still no money back on my card."),
    ("return", "Remboursement de l'article retourné : toujours rien sur mon compte."),
    ("return", "Refund for my return please, it was delivered back to you last Monday."),
    ("return", "Où en est le remboursement de mon retour ?"),
    ("late_delivery", "Je veux être remboursé : le colis n'est jamais arrivé."),
    ("late_delivery", "Refund me, the package never showed up."),
    ("late_delivery", "Please refund the order, it has been lost by the courier."),
    ("non_conformity", "Remboursez-moi ce mixeur qui a grillé au premier usage."),
    ("non_conformity", "I want a refund, the jacket's zip is broken."),
    ("other", "J'ai annulé ma commande avant l'expédition, quand serai-je remboursé ?"),
    ("other", "You cancelled my order before it shipped and kept my money, where is the refund?"),
    ("other", "Remboursement reçu, merci beaucoup, vous pouvez clôturer."),
    ("other", "Got the refund, thanks a lot. You can close this."),
    # Very short messages.
    ("return", "refund?"), ("return", "remboursement ?"), ("return", "retour"), ("return", "Exchange?"),
    ("return", "return label pls"), ("return", "étiquette retour?"), ("return", "je veux rendre l'article"),
    ("return", "bghit nrje3"), ("return", "rétractation"), ("return", "send it back?"),
    ("late_delivery", "colis?"), ("late_delivery", "où est mon colis"), ("late_delivery", "pas reçu"),
    ("late_delivery", "not delivered"), ("late_delivery", "tracking?"), ("late_delivery", "still waiting"),
    ("late_delivery", "toujours rien reçu"), ("late_delivery", "where's my order"), ("late_delivery", "fin lcolis?"),
    ("late_delivery", "livraison ??"), ("late_delivery", "never arrived"), ("late_delivery", "mazal ma wsel"),
    ("non_conformity", "cassé"), ("non_conformity", "broken"), ("non_conformity", "damaged"),
    ("non_conformity", "wrong item"), ("non_conformity", "périmé"), ("non_conformity", "ne marche pas"),
    ("non_conformity", "doesn't work"), ("non_conformity", "mkhsser"), ("non_conformity", "manque une pièce"),
    ("non_conformity", "défectueux"), ("non_conformity", "faulty"), ("non_conformity", "pièce manquante"),
    ("other", "facture"), ("other", "invoice pls"), ("other", "merci !"), ("other", "thanks!"), ("other", "ok"),
    ("other", "annuler commande"), ("other", "cancel my order"), ("other", "hello?"), ("other", "test"),
    ("other", "mot de passe oublié"), ("other", "code promo?"), ("other", "chokran"), ("other", "bonjour"),
]

# Signatures and quoted history on another topic: the label follows the new text.
QUOTED = [
    ("other", "Merci, c'est bien reçu.\nBonne journée\nNadia\n\nLe 2 juin, Support a écrit :\n> Votre remboursement pour l'article retourné a été effectué."),
    ("other", "Thanks, all sorted!\n\nOn Tue, Support wrote:\n> We've shipped a replacement for the damaged lamp."),
    ("late_delivery", "Toujours rien dans ma boîte aux lettres.\n\nLe 12 mai, Service client a écrit :\n> Votre échange de taille a été accepté, le nouveau modèle part demain."),
    ("late_delivery", "It still hasn't arrived, 9 days now.\n\n-----Original Message-----\nFrom: Support\n> Your exchange has been approved and the new size is on its way."),
    ("non_conformity", "Le nouveau est arrivé mais il a exactement le même défaut, l'écran clignote.\n\n> Bonjour, nous vous envoyons un produit de remplacement."),
    ("return", "Ok pour le bon de retour, je dépose le colis demain.\n\n> Le produit est-il endommagé ?\n> Des photos nous aideraient."),
    ("non_conformity", "Photos jointes : le pied est tordu et le plateau rayé.\n\n> Bonjour, pouvez-vous nous envoyer des photos du problème ?"),
    ("return", "Je confirme, il n'est pas abîmé, je veux juste le rendre.\n\nLe 4 mars, SAV a écrit :\n> Pouvez-vous préciser si l'article est défectueux ?"),
    ("other", "Voici mon adresse de facturation correcte : 12 rue des Lilas.\n\nCordialement,\nP. Roux\nTél. 06 00 00 00 00\n\n> Votre colis est arrivé endommagé ? Dites-le nous."),
    ("late_delivery", "Still nothing.\n\nBest,\nKevin\nSent from my iPhone\n\n> Hi Kevin, we're sorry the item was faulty, a refund has been issued."),
]


# Return wording with a defect as the reason is a conformity claim; "not a return"
# followed by a missing parcel is a delivery claim. Built from the category sentences.
RETURN_INTENT = {
    "fr": ["Je souhaite renvoyer {p} car", "Je voudrais rendre {p} parce que", "Retour demandé :",
           "Je veux vous retourner {p},", "Pouvez-vous reprendre {p} ?", "Je dois vous renvoyer {p} :"],
    "en": ["I want to send the {p} back because", "Can I return the {p}?", "Return request:",
           "I need to send this back,", "I'd like to return it since", "Please take the {p} back,"],
}
NOT_RETURN = {
    "fr": ["Je ne veux rien retourner ni échanger.", "Ce n'est pas une demande de retour.",
           "Aucun souci de taille ou de qualité :", "Je ne demande pas d'échange,"],
    "en": ["I'm not asking for a return or exchange.", "This is not about returning anything.",
           "Nothing to do with size or quality:", "I don't want to swap anything,"],
}


def intent_vs_reason(rng, lang: str) -> tuple[str, str]:
    """A row where the stated intent and the real problem point to different words."""
    from helpdesk.triage.corpusgen import en_build, en_vocab, fr_build, fr_vocab

    build, vocab = (fr_build, fr_vocab) if lang == "fr" else (en_build, en_vocab)
    s = build.slots(rng)
    if rng.random() < 0.6:
        lead = rng.choice(RETURN_INTENT[lang]).format(**s)
        return "non_conformity", f"{lead} {rng.choice(vocab.NONCONF).format(**s)}."
    lead = rng.choice(NOT_RETURN[lang])
    return "late_delivery", f"{lead} {rng.choice(vocab.LATE).format(**s)}."
