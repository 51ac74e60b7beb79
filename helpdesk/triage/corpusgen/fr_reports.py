"""Compositional French reports about faulty goods (``non_conformity``) and parcels.

Consumer reports about goods tell a small story: where it was bought, how
long it lasted, what failed, what the seller answered. Combining those parts
gives many distinct texts, so the model learns the fault, not one phrasing.
"""

from __future__ import annotations

import random

from helpdesk.triage.corpusgen.common import maybe, pick

GOODS = {
    "électroménager": (["un lave-linge", "un réfrigérateur", "un lave-vaisselle", "un four", "un micro-ondes",
                        "une plaque de cuisson", "un sèche-linge", "un congélateur", "un aspirateur robot",
                        "une machine à café", "un robot cuiseur", "une hotte"],
                       ["ne s'allume plus", "fuit par le dessous", "ne refroidit plus", "ne chauffe plus",
                        "affiche un code erreur en permanence", "fait un bruit de ferraille", "dégage une odeur de brûlé",
                        "a fait sauter le disjoncteur", "a la porte qui ne ferme plus", "rouille déjà à l'intérieur",
                        "tombe en panne tous les deux mois"]),
    "high-tech": (["un téléphone", "un ordinateur portable", "une télévision", "une tablette", "un casque sans fil",
                   "une console", "une imprimante", "une montre connectée", "une enceinte", "un appareil photo"],
                  ["ne se charge plus", "redémarre sans arrêt", "a l'écran qui clignote", "a des pixels morts",
                   "chauffe anormalement", "a une batterie qui a gonflé", "n'a plus de son",
                   "ne s'allume plus du tout", "se déconnecte toutes les cinq minutes", "a l'écran fissuré sans choc"]),
    "textile": (["une paire de chaussures", "un jean", "une veste", "un manteau", "un sac", "une robe",
                 "un pull", "des baskets", "une valise", "une montre"],
                ["s'est décousu{e} au premier lavage", "a perdu sa semelle", "a déteint sur tout le linge",
                 "a rétréci de deux tailles", "bouloche déjà", "a la fermeture éclair cassée", "a une roue arrachée",
                 "se déchire au niveau des coutures", "a le talon qui s'est décollé"]),
    "alimentaire": (["un paquet de biscuits", "une barquette de viande", "un pot de yaourts", "une boîte de conserve",
                     "un sachet de salade", "une bouteille de jus", "un paquet de céréales", "du fromage"],
                    ["était périmé{e} depuis une semaine", "contenait un morceau de plastique", "était moisi{e} à l'ouverture",
                     "sentait mauvais dès l'achat", "était gonflé{e}", "avait un emballage percé"]),
    "maison": (["un canapé", "une armoire", "un matelas", "une table", "des chaises", "un lit", "un store",
                "une cuisine en kit", "une porte d'entrée", "un barbecue"],
               ["s'est affaissé{e} en quelques semaines", "est arrivé{e} avec des pièces manquantes",
                "présente des fissures", "est arrivé{e} rayé{e} et cabossé{e}", "a un pied cassé",
                "ne correspond pas aux dimensions annoncées", "est d'une autre couleur que celle commandée"]),
    "auto": (["une voiture neuve", "un véhicule récent", "un scooter neuf", "une moto neuve", "un vélo électrique"],
             ["présente des à-coups moteur depuis la livraison", "affiche un voyant moteur toutes les semaines",
              "a une fuite d'huile", "a la batterie qui lâche sans cesse", "cale aux ralentis"]),
    "optique": (["des lunettes de vue", "des verres progressifs", "des lentilles", "des lunettes de soleil"],
                ["ont des verres ébréchés", "ont un centrage faux qui me donne mal à la tête", "se sont dessoudées",
                 "ne correspondent pas à l'ordonnance"]),
    "animaux": (["des croquettes", "un collier pour chien", "une litière", "une niche"],
                ["ont rendu mon chien malade", "a rouillé en quelques jours", "contenait des insectes",
                 "est arrivée fendue"]),
    "équipement": (["une climatisation", "une pompe à chaleur", "un chauffe-eau", "un poêle à granulés"],
                   ["vendue et posée par le magasin ne fonctionne pas depuis le premier jour",
                    "tombe en panne chaque semaine depuis la livraison", "ne chauffe pas alors qu'elle est neuve",
                    "fuit depuis sa mise en service"]),
}
WHERE = ["en magasin", "sur internet", "sur le site XXX", "chez XXX", "dans une grande surface", "sur une marketplace",
         "chez un revendeur", "sur le site du fabricant", "en ligne"]
DELAY = ["Au bout de {n} jours,", "Après {n} semaines d'utilisation,", "Dès la première utilisation,",
         "À peine déballé, l'appareil", "Après {n} mois,", "Le lendemain,", "Moins d'un an après,", "À l'ouverture,"]
AFTER = ["Le vendeur refuse de le reprendre.", "Le magasin me renvoie vers le fabricant.",
         "La garantie m'est refusée sous prétexte d'une mauvaise utilisation.", "Le SAV ne répond plus.",
         "On me propose une réparation payante alors qu'il est sous garantie.", "Je demande un remplacement.",
         "Je demande le remboursement ou l'échange.", "C'est la deuxième fois que cela arrive.",
         "Le service après-vente garde l'appareil depuis {n} semaines.", ""]


MEAL_ORDER = [
    "Commande de repas livrée ce soir : il manquait la moitié des plats.",
    "Menu commandé en livraison, les boissons n'étaient pas dans le sac et le burger n'était pas celui choisi.",
    "Ma commande de sushis est arrivée incomplète, deux plateaux manquaient.",
    "Le livreur m'a apporté une pizza qui n'était pas la mienne, mauvaises garnitures.",
    "Dans mon menu livré, pas de frites, pas de sauce, alors que tout était payé.",
    "La commande au drive était incomplète : il manquait un menu enfant entier.",
]


def meal_order(rng: random.Random) -> str:
    """A delivered meal that came incomplete or wrong: the goods, not the restaurant service."""
    return pick(rng, MEAL_ORDER) + pick(rng, ["", " Je demande un remboursement des articles manquants.",
                                              " Le restaurant ne répond pas.", " Ça arrive souvent."])


def faulty_report(rng: random.Random) -> str:
    """A French report about a product that failed or arrived not as described."""
    items, faults = GOODS[pick(rng, sorted(GOODS))]
    item = pick(rng, items)
    fem = item.startswith("une ") or item.startswith("des ")
    e = "e" if item.startswith("une ") else ("s" if item.startswith("des ") else "")
    n = str(rng.choice([2, 3, 4, 6, 8, 10]))
    fault = pick(rng, faults).replace("{e}", e)
    opening = pick(rng, [f"Je me suis procuré {item} {pick(rng, WHERE)}.", f"Commande passée pour {item} {pick(rng, WHERE)} le mois dernier.",
                         f"J'ai commandé {item} {pick(rng, WHERE)}.", f"On s'est offert {item} {pick(rng, WHERE)}."])
    delay = pick(rng, DELAY).format(n=n)
    subject = "il" if not fem else ("elle" if item.startswith("une ") else "ils")
    if delay.endswith("l'appareil"):
        body = f"{delay} {fault}."
    else:
        body = f"{delay} {subject} {fault}."
    if rng.random() < 0.25:
        return f"{item[0].upper()}{item[1:]} {fault}. " + pick(rng, AFTER).format(n=n)
    return f"{opening} {body} {pick(rng, AFTER).format(n=n)}".strip() + maybe(rng, 0.2, " Merci de votre aide.")
