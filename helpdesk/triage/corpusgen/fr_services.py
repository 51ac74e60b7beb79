"""French consumer reports about services (label ``other``) and about bought products.

Reports to a consumer authority read differently from a message to a shop:
third-person companies, past tense, placeholders for anonymised names. Services
(telecom, bank, energy, travel, restaurants, building works...) are ``other``
even when the words sound like a product defect ("mal fait", "en retard").
"""

from __future__ import annotations

import random

from helpdesk.triage.corpusgen.common import capitalise, maybe, pick

COMPANY = ["XXX", "la société XXX", "l'entreprise", "cette société", "la société *****", "mon fournisseur",
           "ce professionnel", "l'enseigne XXX"]

SECTORS: dict[str, tuple[list[str], list[str]]] = {
    "telecom": (
        ["Mon opérateur XXX", "Mon fournisseur d'accès internet", "L'opérateur téléphonique", "Ma box internet XXX",
         "Mon forfait mobile chez XXX", "L'opérateur"],
        ["ma connexion internet est coupée depuis {n} jours et personne ne vient réparer",
         "on me facture des options que je n'ai jamais souscrites sur mon forfait",
         "ma résiliation n'a pas été prise en compte et je suis toujours prélevé{e1}",
         "on me réclame {amount} de frais de résiliation alors que j'étais hors engagement",
         "le technicien pour le raccordement à la fibre n'est jamais venu aux trois rendez-vous",
         "le débit est ridicule, très loin de celui annoncé dans l'offre",
         "ma ligne a été transférée chez un autre opérateur sans mon accord",
         "le prix de mon abonnement a augmenté sans que je sois prévenu{e1}",
         "le service client me raccroche au nez à chaque appel",
         "ma portabilité de numéro a échoué et j'ai perdu mon numéro",
         "je reçois des appels de démarchage plusieurs fois par jour malgré Bloctel",
         "la box ne capte plus le réseau et le service client ne trouve pas de solution"],
    ),
    "bank": (
        ["Ma banque", "La banque XXX", "Mon conseiller bancaire", "L'établissement de crédit", "Ma banque en ligne"],
        ["des frais bancaires de {amount} ont été prélevés sans explication",
         "ma carte a été bloquée sans motif pendant mon séjour à l'étranger",
         "un prélèvement frauduleux n'a jamais été remboursé malgré ma contestation",
         "le virement que j'ai effectué il y a {n} jours n'est jamais arrivé au destinataire",
         "la clôture de mon compte traîne depuis des mois et on continue à me facturer la tenue de compte",
         "l'application bancaire ne fonctionne plus depuis la mise à jour",
         "on m'a vendu une assurance emprunteur dont je n'avais pas besoin",
         "mon découvert autorisé a été supprimé sans préavis",
         "des agios m'ont été facturés alors que mon compte était créditeur",
         "on refuse de me rembourser une opération que je n'ai pas autorisée"],
    ),
    "energy": (
        ["Mon fournisseur d'électricité", "Le fournisseur de gaz XXX", "La société d'énergie", "Mon fournisseur d'énergie"],
        ["j'ai reçu une facture de régularisation de {amount} totalement incohérente avec ma consommation",
         "un contrat a été souscrit à mon nom par un démarcheur sans mon accord",
         "le compteur a été relevé n'importe comment et on me facture une estimation",
         "mes mensualités ont doublé sans explication",
         "l'électricité a été coupée alors que mes factures sont payées",
         "un commercial s'est présenté chez moi en se faisant passer pour le fournisseur historique",
         "on me facture encore un logement que j'ai quitté il y a {n} mois"],
    ),
    "travel": (
        ["La compagnie aérienne XXX", "L'agence de voyage", "L'hôtel XXX", "La compagnie ferroviaire", "Le loueur de voitures",
         "Le site de réservation XXX", "La compagnie de bus"],
        ["notre vol a été annulé la veille et on refuse de nous rembourser les billets",
         "le vol a eu {n} heures de retard et aucune indemnisation n'a été proposée",
         "ma valise a été perdue à l'arrivée et la compagnie ne répond plus",
         "la chambre d'hôtel était sale et très éloignée de ce qui était réservé",
         "le train a été supprimé et le remboursement du billet n'est jamais venu",
         "le loueur a encaissé la caution de {amount} pour une rayure qui existait déjà",
         "le séjour a été annulé par l'agence et on nous propose seulement un avoir",
         "on nous a facturé des frais de dossier cachés lors de la réservation",
         "l'hôtel a surbooké et nous a laissés sans chambre à minuit"],
    ),
    "restaurant": (
        ["Le restaurant XXX", "Dans ce restaurant", "La brasserie", "Le fast-food XXX", "Le snack", "La pizzeria"],
        ["nous avons trouvé un cheveu dans le plat et le serveur s'est moqué de nous",
         "l'addition comportait des plats que nous n'avions pas commandés",
         "la viande servie était crue et froide",
         "toute la famille a été malade après le repas, intoxication alimentaire",
         "l'hygiène de la salle et des toilettes était déplorable",
         "le prix du menu affiché à l'entrée n'était pas celui facturé",
         "le serveur a été très désagréable et nous a demandé de partir",
         "on a attendu plus d'une heure pour être servis, plats froids",
         "le pourboire était imposé sur la note sans nous prévenir"],
    ),
    "works": (
        ["L'artisan", "L'entreprise de rénovation", "Le plombier", "L'électricien", "Le cuisiniste XXX",
         "L'entreprise de travaux", "Le couvreur", "La société de menuiserie"],
        ["a encaissé un acompte de {amount} et n'est jamais revenu commencer le chantier",
         "a abandonné le chantier au bout de deux semaines en laissant tout en plan",
         "les travaux ont été mal réalisés, il y a des fuites partout dans la salle de bain",
         "la facture finale dépasse largement le devis signé",
         "la cuisine a été posée de travers et les meubles ne ferment pas",
         "les fenêtres posées laissent passer l'eau et l'entreprise refuse de revenir",
         "le chantier a pris {n} mois de retard sans aucune explication",
         "l'isolation à 1 euro s'est révélée être une arnaque avec des frais cachés",
         "les panneaux solaires installés ne produisent presque rien et la société ne répond plus",
         "le dépannage d'urgence m'a été facturé {amount} pour dix minutes de travail"],
    ),
    "garage": (
        ["Le garage XXX", "Le concessionnaire", "Le centre auto", "Le garagiste"],
        ["m'a facturé des réparations que je n'avais pas demandées",
         "ma voiture est immobilisée au garage depuis {n} semaines sans explication",
         "la réparation n'a rien réglé, la panne est revenue le lendemain",
         "le contrôle technique a été bâclé",
         "le devis de réparation a été multiplié par deux à la fin"],
    ),
    "subscription": (
        ["Ma salle de sport", "Le club de fitness XXX", "La plateforme de streaming", "Le site de rencontre",
         "L'abonnement au magazine", "L'application XXX", "L'auto-école", "L'organisme de formation"],
        ["refuse de résilier mon abonnement malgré ma lettre recommandée",
         "continue de prélever mon compte alors que j'ai résilié il y a {n} mois",
         "a renouvelé mon abonnement automatiquement sans me prévenir",
         "m'a facturé {amount} pour un essai gratuit",
         "a fermé sans prévenir et ne rembourse pas les mois payés d'avance",
         "m'a fait signer un contrat de formation avec mon CPF par téléphone"],
    ),
    "retail": (
        ["Le supermarché XXX", "En magasin", "L'hypermarché", "La grande surface XXX", "Le magasin de bricolage"],
        ["le prix affiché en rayon n'était pas celui passé en caisse",
         "la promotion annoncée dans le prospectus n'a pas été appliquée",
         "le vigile m'a fouillé{e1} de manière humiliante devant tout le monde",
         "la caissière a refusé mon paiement par chèque sans raison",
         "le paquet contient de moins en moins de produit pour le même prix",
         "les prix barrés sont faux, le produit n'a jamais été vendu à ce prix",
         "on m'a forcé{e1} à acheter une extension de garantie",
         "le parking du magasin est devenu payant sans aucun affichage",
         "la carte de fidélité n'a pas été prise en compte à la caisse"],
    ),
    "housing": (
        ["L'agence immobilière", "Mon propriétaire", "Le syndic", "Le bailleur", "La société de déménagement"],
        ["refuse de me rendre le dépôt de garantie depuis {n} mois",
         "me facture des frais d'agence interdits",
         "ne fait aucune réparation malgré l'humidité dans l'appartement",
         "a cassé plusieurs meubles pendant le déménagement et refuse d'indemniser",
         "augmente les charges sans justificatif"],
    ),
    "health": (
        ["Ma mutuelle", "L'assurance XXX", "L'opticien", "Le laboratoire", "Le centre dentaire", "Mon assureur"],
        ["refuse de rembourser les soins pourtant prévus au contrat",
         "ne répond pas à ma déclaration de sinistre depuis {n} semaines",
         "m'a fait payer un dépassement d'honoraires non annoncé",
         "a résilié mon contrat sans m'en informer",
         "m'a vendu des lunettes avec une ordonnance périmée et des verres facturés au prix fort"],
    ),
    "hygiene": (
        ["Au restaurant XXX", "Lors d'un dîner chez *****", "En déjeunant chez XXX", "Dans la brasserie *****",
         "Au snack du quartier", "Lors de notre passage au restaurant *****", "Pendant un repas au traiteur XXX"],
        ["nous avons vu des cafards courir près du comptoir", "la cuisine ouverte était d'une saleté repoussante",
         "le poisson servi sentait fort et n'était pas frais", "le plat est arrivé tiède, la chaîne du froid n'était pas respectée",
         "mon fils a été malade toute la nuit après le repas", "une souris est passée sous notre table",
         "les cuisiniers touchaient les aliments à mains nues", "les desserts étaient décongelés puis recongelés",
         "les toilettes n'avaient ni savon ni papier", "l'huile de friture était noire et la viande grisâtre",
         "des mouches tournaient autour du buffet", "on nous a servi des fruits de mer douteux et nous avons eu des vomissements"]),
    "repair": (
        ["Le réparateur XXX", "La société de dépannage *****", "Le service de réparation à domicile", "Le technicien de XXX",
         "Le réparateur de téléphones", "L'atelier de réparation"],
        ["a gardé mon lave-linge {n} semaines et me l'a rendu toujours en panne",
         "m'a facturé un déplacement et un diagnostic sans rien réparer",
         "a changé une pièce qui n'était pas en cause et la panne persiste",
         "a rendu mon téléphone avec l'écran rayé après la réparation",
         "ne répond plus depuis qu'il a encaissé le paiement de la réparation",
         "a mal réparé mon chauffe-eau qui fuit de nouveau"]),
    "labelling": (
        ["Dans le supermarché XXX", "Au rayon fruits et légumes", "Sur le site *****", "En magasin", "Sur l'étalage du marché"],
        ["des légumes non bio sont présentés sous une pancarte bio", "l'origine des produits n'est pas indiquée",
         "le prix au kilo n'est affiché nulle part", "les allergènes ne sont pas mentionnés sur l'étiquette",
         "les fruits sont suremballés dans du plastique inutile", "on m'impose un sac payant pour chaque légume",
         "la mention « fabriqué en France » est trompeuse", "les produits en promotion ont vu leur prix augmenter juste avant",
         "l'étiquetage énergétique des appareils est absent", "on m'a glissé des échantillons publicitaires dans mon sac"]),
}
REFUNDS_FR = [
    "La compagnie aérienne a annulé notre vol et ne nous a toujours pas remboursé les billets.",
    "Le remboursement promis par la compagnie ferroviaire après la grève n'est jamais arrivé.",
    "L'agence de voyage refuse de rembourser le séjour annulé par ses soins.",
    "Le spectacle a été reporté et la billetterie refuse tout remboursement.",
    "La salle de sport devait rembourser les mois de fermeture, rien n'a été versé.",
    "L'hôtel a encaissé l'acompte et refuse de le rendre malgré une annulation dans les délais.",
    "La plateforme d'investissement bloque mon retrait depuis des semaines.",
    "Mon assurance devait me rembourser la franchise, j'attends depuis quatre mois.",
    "L'organisme de formation refuse de me rendre les frais d'inscription après mon désistement.",
    "J'ai déposé mon ordinateur au SAV pour une réparation il y a deux mois et je ne peux toujours pas le récupérer.",
]
LATE_FR = [
    "Commande passée sur un site internet le {date}, payée {amount}, et depuis plus aucune nouvelle : le colis n'est jamais venu.",
    "Malgré mes relances, impossible d'obtenir le remboursement d'une commande qui ne m'a jamais été livrée.",
    "Le site encaisse l'argent mais ne livre pas : ma commande du {date}, je ne l'ai jamais vue.",
    "Des meubles commandés il y a trois mois, la livraison est sans cesse reportée, le vendeur ne répond plus.",
    "Mon journal n'est plus livré dans ma boîte aux lettres depuis deux semaines alors que l'abonnement est payé.",
    "Ma commande de repas a été livrée avec plus d'une heure de retard, froide.",
    "Le colis est indiqué « remis » sur le site du transporteur mais je ne l'ai jamais eu entre les mains.",
    "La livraison de la cuisine était prévue il y a un mois, toujours rien et aucune date.",
]


def refund_or_late(rng: random.Random, s: dict[str, str]) -> tuple[str, str]:
    """A refund about a service (other) or a parcel never delivered (late_delivery)."""
    if rng.random() < 0.5:
        return "other", pick(rng, REFUNDS_FR)
    return "late_delivery", pick(rng, LATE_FR).format(**s) + maybe(rng, 0.5, " " + pick(rng, ENDINGS).format(**s))


ENDINGS = ["Je demande le remboursement des sommes versées.", "Je souhaite que ce professionnel soit contrôlé.",
           "Aucune réponse à mes réclamations.", "Je me sens totalement arnaqué{e1}.",
           "J'ai envoyé un courrier recommandé, sans réponse.", "C'est inadmissible.",
           "Je voudrais savoir quels sont mes recours.", "Le service client est injoignable.",
           "Je souhaite être indemnisé{e1}.", "Merci de faire cesser ces pratiques."]
INTROS = ["", "", "Bonjour, ", "Je souhaite signaler que ", "Le {date}, ", "Depuis {n} semaines, ",
          "Je signale un problème : ", "Depuis le mois dernier, "]


def service_report(rng: random.Random, s: dict[str, str]) -> str:
    """A consumer report about a service, in the authority's plain style."""
    actors, problems = SECTORS[pick(rng, sorted(SECTORS))]
    actor = pick(rng, actors)
    problem = pick(rng, problems).format(**s)
    if problem.split()[0] in {"a", "refuse", "m'a", "ne", "continue", "me", "augmente", "les", "la", "le"}:
        first = f"{actor} {problem}"
    else:
        first = f"{actor} : {problem}"
    intro = pick(rng, INTROS).format(**s)
    text = intro + (first[0].lower() + first[1:] if intro else first)
    text = capitalise(text) + "."
    if rng.random() < 0.6:
        text += " " + pick(rng, ENDINGS).format(**s)
    return text


PRODUCT_REPORT = {
    "late_delivery": [
        "J'ai commandé sur le site {company} le {date} et la livraison n'a jamais eu lieu, le vendeur ne répond plus.",
        "Commande passée et payée sur internet, aucune livraison depuis {n} semaines et le site ne répond plus aux mails.",
        "Le site {company} indique que ma commande est livrée mais le colis ne m'est jamais parvenu.",
        "Le meuble commandé devait être livré il y a un mois, la date de livraison est repoussée sans cesse.",
        "Aucune nouvelle de ma commande alors que l'argent a été débité il y a {n} jours.",
        "Le vendeur en ligne m'annonce chaque semaine une nouvelle date de livraison pour mon canapé.",
    ],
    "return": [
        "J'ai renvoyé l'article dans le délai de rétractation et {company} ne veut pas me rembourser.",
        "Le site {company} refuse mon retour alors que j'étais dans les 14 jours.",
        "Retour effectué il y a {n} semaines, colis réceptionné par le vendeur, mais toujours aucun remboursement.",
        "Le vendeur m'impose un avoir au lieu du remboursement de l'article retourné.",
        "{company} me facture des frais de retour non prévus dans ses conditions.",
    ],
    "non_conformity": [
        "Je me suis procuré {pi} chez {company}, {il} est tombé{e} en panne après {n} semaines et la garantie est refusée.",
        "Le produit acheté en magasin était périmé, la date était dépassée de plusieurs jours.",
        "{company} refuse d'appliquer la garantie légale de conformité sur {p} défectueu{x}.",
        "Le produit reçu ne correspond pas à l'annonce : matière différente et finitions bâclées.",
        "Reçu {pi} commandé{e} en ligne : cassé{e} à l'ouverture, et le vendeur refuse l'échange.",
        "Le colis reçu ne contenait pas le bon produit et le vendeur ne répond pas.",
        "Il manquait la moitié des pièces dans le meuble livré par {company}.",
        "J'ai trouvé un corps étranger dans un produit alimentaire acheté au supermarché.",
        "Le téléviseur acheté chez {company} présente une ligne sur l'écran depuis le premier jour.",
        "L'appareil acheté il y a {n} mois ne fonctionne plus et le vendeur me renvoie vers le fabricant.",
    ],
}


def product_report(rng: random.Random, label: str, s: dict[str, str]) -> str:
    """A consumer-report style text about a product bought from a shop."""
    text = pick(rng, PRODUCT_REPORT[label]).format(company=pick(rng, COMPANY), **s)
    return text + maybe(rng, 0.4, " " + pick(rng, ENDINGS).format(**s))
