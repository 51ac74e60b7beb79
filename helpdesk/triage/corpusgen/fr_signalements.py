"""Long French reports to a consumer authority, for all four categories.

Such reports tell a story over several sentences: what was bought or
booked, where, for how much, what went wrong, every attempt to reach the
professional, and what the writer now demands. Defect words ("ne fonctionne
pas", "malfaçons", "rembourser", "retard") appear in every category, so the
label must come from what was bought: goods that fail or fall short are
``non_conformity``, goods that never come are ``late_delivery``, goods the
shopper wants to give back are ``return``, and a service (repair, works,
restaurant meal, trip, insurance, bank) is ``other`` whatever went wrong.
"""

from __future__ import annotations

import random

from helpdesk.triage.corpusgen.common import capitalise, maybe, pick

PRO = ["XXX", "*****", "la société XXX", "l'enseigne *****", "ce vendeur", "le site XXX", "ce commerçant",
       "la boutique XXX", "le magasin *****"]
DATE = ["le 12 mars", "le 3 janvier", "en juin dernier", "le 28/09", "il y a deux mois", "début avril",
        "le 15 du mois dernier", "en fin d'année", "le 7 novembre", "au printemps"]
PRICE = ["", "", "pour 89 €", "pour 1 250 €", "au prix de 349 €", "pour un montant de 640 €", "pour 35 €",
         "pour près de 2 000 €", "pour 19,90 €"]
OPEN = ["", "", "Bonjour, ", "Madame, Monsieur, ", "Je souhaite signaler un litige. ", "Je vous écris car ",
        "Je suis excédé{e}. ", "Je tiens à dénoncer les pratiques de {pro}. ", "Voici ma mésaventure. "]
CHASE = ["", "J'ai relancé {n} fois par mail et par téléphone, sans réponse.",
         "Le service client ne répond ni aux appels ni aux courriers recommandés.",
         "On me renvoie d'un service à l'autre depuis des semaines.",
         "Le vendeur promet de me rappeler mais ne le fait jamais.",
         "J'ai envoyé une mise en demeure restée sans effet.",
         "Chaque conseiller me donne une version différente."]

# Goods that failed, fell short or were not what was sold.
NC_ITEMS = ["un réfrigérateur", "un lave-linge", "un téléviseur", "un smartphone", "un ordinateur portable",
            "un canapé d'angle", "une poussette", "un vélo électrique", "une trottinette", "un matelas",
            "une paire de bottes", "un manteau", "une cafetière", "un robot pâtissier", "une console de jeux",
            "un climatiseur", "un poêle à bois", "un chauffe-eau", "une cuisine équipée", "des lunettes"]
NC_PROBLEM = [
    "Au bout de trois semaines, l'appareil s'est arrêté net et ne redémarre plus.",
    "Dès le déballage, j'ai constaté une fissure sur le côté et une pièce manquante.",
    "Le produit reçu diffère totalement de la fiche : matière, couleur et dimensions.",
    "Il tombe en panne à répétition, toujours le même défaut, malgré deux passages au service après-vente.",
    "La couture a lâché au bout de quelques ports et la semelle se décolle.",
    "L'équipement installé par leurs soins n'a jamais fonctionné correctement depuis la mise en service.",
    "Il s'agit manifestement d'une contrefaçon : logo mal imprimé, aucune notice, finitions grossières.",
    "Le moteur fait un bruit anormal et une odeur de brûlé s'en dégage.",
    "L'écran présente des lignes verticales et des taches sombres.",
    "Le tissu s'est déchiré et la structure s'est affaissée en quelques semaines.",
    "La panne est survenue juste après la fin de la garantie commerciale, mais la garantie légale s'applique.",
    "Les verres livrés sont rayés et la correction ne correspond pas à l'ordonnance.",
    "La batterie ne tient plus qu'une heure alors que la fiche produit en annonce douze.",
    "Le bois du meuble est en aggloméré alors que le site annonçait du chêne massif.",
    "Le cuir du canapé pèle par plaques au bout de quatre mois.",
    "Le produit livré est d'occasion : traces d'usure, accessoires manquants, boîte déjà ouverte.",
    "Le vendeur m'a remis un modèle d'exposition rayé au prix du neuf sans me le dire.",
    "La machine affiche un code défaut dès le premier lavage et le technicien constate une pièce défectueuse.",
    "Les chaussures prennent l'eau dès la première pluie alors qu'elles sont vendues imperméables.",
    "La pièce détachée reçue n'est pas compatible avec la référence indiquée sur la facture.",
]
FOOD_ITEMS = ["un rôti chez le boucher", "des pâtisseries à la boulangerie", "un poulet rôti au supermarché",
              "une barquette de crevettes", "un paquet de jambon", "des yaourts en grande surface",
              "une boîte de thon", "un sachet de croquettes pour mon chat", "un gâteau d'anniversaire",
              "du fromage à la coupe", "un plat préparé sous vide"]
FOOD_PROBLEM = [
    "Toute la famille a été malade dans la nuit qui a suivi, avec fièvre et vomissements.",
    "En ouvrant l'emballage, l'odeur était insoutenable alors que la date n'était pas dépassée.",
    "La date limite était dépassée de dix jours au moment de l'achat.",
    "J'ai trouvé un morceau de métal dans le produit.",
    "Le produit était moisi sous l'étiquette.",
    "Mon animal a refusé de manger puis a été malade, et d'autres clients signalent la même chose.",
]
WEIGHT = [
    "J'ai pesé {x} chez moi : il manque près de {pct} du poids indiqué sur l'étiquette.",
    "Le poids affiché sur le ticket ne correspond pas : une fois pesé, {x} fait {pct} de moins.",
    "L'emballage annonce une quantité bien supérieure à ce qu'il contient réellement, il manque environ {pct}.",
]
WEIGHT_ITEMS = ["le pain", "le colis de viande", "la boîte de chocolats", "le sac de pommes de terre",
                "le paquet de café", "le pot de miel", "le filet de clémentines"]
NC_DEMAND = ["Le vendeur refuse la réparation comme le remplacement.", "On me propose seulement un avoir.",
             "Je demande l'application de la garantie légale de conformité.",
             "Je demande le remboursement intégral du produit.", "Le commerçant nie toute responsabilité.",
             "Le fabricant et le vendeur se renvoient la balle.", "Je souhaite un échange contre un produit qui fonctionne.",
             "J'aimerais qu'un contrôle soit fait dans ce magasin."]

# Goods paid for and never received.
LATE_STORY = [
    "J'ai commandé {item} {date} {price}. La livraison était prévue sous dix jours ; rien n'est arrivé depuis.",
    "J'ai payé {item} {date} {price} et la date de livraison est repoussée chaque semaine sans explication.",
    "Mon colis contenant {item} est indiqué comme livré alors que je ne l'ai jamais eu entre les mains.",
    "J'ai versé un acompte {date} pour {item}. Plusieurs mois plus tard, toujours pas de livraison.",
    "Commande de {item} passée {date} {price} : le suivi n'a plus bougé depuis le départ de l'entrepôt.",
    "Le transporteur affirme avoir déposé {item} en point relais, mais le point relais n'a jamais reçu le colis.",
    "J'attends {item} depuis {date}. Le site affiche « en préparation » depuis le premier jour.",
    "Le vendeur m'a annoncé un retard d'usine pour {item}, puis un second, puis plus aucune nouvelle.",
    "Ma commande de {item} a été payée {price} ; le magasin dit qu'elle est partie, le transporteur affirme ne jamais l'avoir prise en charge.",
    "Rendez-vous de livraison de {item} fixé trois fois, le livreur n'est jamais venu.",
    "Le colis avec {item} est bloqué en douane selon le suivi, mais le vendeur refuse de s'en occuper.",
    "{item_cap} commandé en ligne {date} : toujours pas expédié, et le site refuse l'annulation.",
]
LATE_ITEMS = ["un canapé", "une cuisine", "une voiture neuve", "un lave-vaisselle", "des meubles de jardin",
              "un vélo", "une armoire", "un téléphone", "des vêtements pour mes enfants", "un colis", "une table"]
LATE_DEMAND = ["Je demande la livraison sous huit jours ou le remboursement.", "Je souhaite annuler et être remboursé{e}.",
               "Le site ne répond plus et je crains une arnaque.", "Je n'ai ni le produit ni mon argent.",
               "Je demande le remboursement des sommes versées pour défaut de livraison."]

# Goods the shopper wants to give back, or has given back.
RETURN_STORY = [
    "J'ai exercé mon droit de rétractation {date}, dans le délai de quatorze jours, pour {item} acheté à distance. Le vendeur refuse de me rembourser.",
    "J'ai renvoyé {item} {date} avec le bordereau fourni ; le colis a été réceptionné mais le remboursement n'arrive pas.",
    "Je voulais échanger {item} contre une autre taille, le magasin a refusé alors que l'étiquette était encore attachée.",
    "Le site annonçait les retours gratuits, mais on m'a retenu des frais de retour sur le remboursement de {item}.",
    "Après le retour de {item}, on m'impose un bon d'achat au lieu du remboursement prévu par leurs conditions.",
    "{item_cap} ne me convient pas, je souhaite le retourner, mais le service client ne m'envoie jamais l'étiquette de retour.",
    "J'ai rapporté {item} non déballé au magasin le lendemain de l'achat ; on refuse la reprise sans explication.",
]
RETURN_ITEMS = ["une robe", "un manteau", "une paire de baskets", "un aspirateur", "un téléphone", "un jean",
                "un casque audio", "un meuble", "une montre", "un sac à main"]

# Services: the professional did the work, served the meal or held the money.
SERVICE_STORY = [
    "J'ai confié mon lave-linge à {pro} pour une réparation. Il m'a été rendu plus abîmé qu'au départ et on refuse de reprendre l'intervention.",
    "J'ai confié mon téléphone au réparateur {pro} pour changer l'écran. Trois semaines plus tard, il n'est toujours pas réparé et on ne me répond plus.",
    "L'artisan {pro} a réalisé la pose de ma salle de bains : fuites, carrelage de travers, joints non faits. Il refuse de revenir.",
    "L'entreprise {pro} devait refaire la toiture. Le chantier est abandonné depuis deux mois et l'acompte encaissé.",
    "La maison construite par {pro} présente des défauts par rapport aux plans signés et le constructeur fait la sourde oreille.",
    "Au restaurant {pro}, le plat servi était à peine tiède et le serveur a refusé de le changer.",
    "En dînant sur place chez {pro}, j'ai vu des insectes courir près des cuisines. L'hygiène est déplorable.",
    "Après un repas pris sur place chez {pro}, nous avons tous été malades. Le gérant ne veut rien entendre.",
    "Le traiteur {pro} servait les clients avec des couverts en plastique jetables alors que c'est interdit.",
    "Ma mutuelle refuse de me rembourser des soins dentaires malgré tous les justificatifs envoyés.",
    "La plateforme de placement {pro} garde mon argent et refuse de me rembourser mon investissement.",
    "Notre train a eu trois heures de retard et la compagnie ne verse toujours pas l'indemnisation promise.",
    "Le voyage organisé par {pro} a été annulé et l'agence refuse le remboursement, elle ne propose qu'un avoir.",
    "Sur le site de réservation {pro}, impossible de finaliser la réservation : page d'erreur à chaque essai, et mon compte a été débité.",
    "Des frais jamais annoncés sont apparus après la souscription d'un service chez {pro} : la note finale dépasse largement le devis.",
    "L'affiche en vitrine de {pro} annonce une remise qui n'est pas appliquée en caisse.",
    "Le prix affiché en rayon chez {pro} n'est pas celui facturé au passage en caisse.",
    "L'auto-école {pro} refuse de me rembourser les heures de conduite non effectuées.",
    "Le garage {pro} a facturé des pièces qu'il n'a jamais changées lors de la révision.",
    "L'opticien {pro} a envoyé à ma mutuelle un devis différent de celui que j'ai signé.",
    "Je reçois des appels commerciaux de {pro} plusieurs fois par jour, même le dimanche.",
    "La salle de sport {pro} continue de prélever mon abonnement malgré ma résiliation.",
    "Le produit de {pro} est vanté comme écologique, mais il est emballé dans une montagne de plastique.",
    "La marque {pro} promet de planter un arbre par achat, mais les conditions cachées rendent la promesse vide.",
    "En caisse chez {pro}, on m'a glissé des échantillons et une carte de fidélité que je n'avais pas demandés.",
    "Le loueur {pro} a retenu ma caution pour des rayures déjà présentes à la prise du véhicule.",
    "L'assureur {pro} refuse d'indemniser le dégât des eaux en invoquant une clause que je n'ai jamais vue.",
    "La banque {pro} a prélevé des frais de tenue de compte sans aucune information préalable.",
    "Le dépanneur {pro} a facturé une intervention de dix minutes plus de 400 € pour ouvrir ma porte.",
    "Le technicien de {pro} envoyé pour réparer ma chaudière a cassé une pièce et me facture son remplacement.",
    "Le SAV de {pro} a gardé ma tondeuse deux mois pour une réparation payante, elle revient avec la même panne.",
    "L'électricien de {pro} a laissé une installation non conforme aux normes, avec des fils apparents.",
    "Les fenêtres posées par {pro} laissent passer l'eau : malfaçons de pose, et l'entreprise ne revient jamais.",
    "Le cuisiniste {pro} a monté les meubles de travers et refuse de reprendre le chantier malgré les défauts constatés.",
    "Le pisciniste {pro} a encaissé 40 % d'acompte et les travaux n'ont jamais commencé.",
    "Le déménageur {pro} a abîmé plusieurs meubles pendant le transport et refuse toute indemnisation.",
    "Au restaurant {pro}, on nous a servi un poisson à l'odeur douteuse ; le responsable a refusé de l'enlever de l'addition.",
    "Chez {pro}, le menu affiché « fait maison » est en réalité composé de plats industriels réchauffés.",
    "Dans la boulangerie {pro}, aucun prix n'est affiché et le vendeur annonce un montant différent à chaque client.",
    "L'hôtel {pro} a facturé une nuit supplémentaire alors que nous étions partis le matin même.",
    "La location saisonnière réservée via {pro} ne ressemblait en rien aux photos : humidité, literie sale.",
    "Mon vol avec {pro} a été retardé de six heures, sans repas ni information, et la demande d'indemnisation reste sans réponse.",
    "Ma box internet {pro} est en panne depuis trois semaines et l'opérateur continue de facturer l'abonnement.",
    "L'opérateur {pro} me facture des appels surtaxés que je n'ai jamais passés.",
    "Le fournisseur d'énergie {pro} a mis en service un contrat à mon nom après un simple appel de démarchage.",
    "La banque {pro} a bloqué mon compte pendant dix jours sans explication, mes prélèvements ont été rejetés.",
    "Mon assurance habitation chez {pro} a augmenté de 30 % sans courrier d'information.",
    "L'abonnement de streaming {pro} a été renouvelé alors que j'avais résilié dans les délais.",
    "Le site {pro} affiche une promotion de 50 %, mais le prix barré n'a jamais été pratiqué.",
    "Le supermarché {pro} applique en caisse un prix supérieur à celui de l'étiquette en rayon, toutes les semaines.",
    "La publicité de {pro} vante un produit « neutre en carbone » sans aucune preuve.",
    "Le vendeur de {pro} m'a parlé de façon agressive devant les autres clients quand j'ai posé une question.",
    "Le conseiller de {pro} m'a fait signer un crédit renouvelable en me le présentant comme une simple carte de fidélité.",
    "Le compte client sur le site {pro} a été piraté et l'entreprise refuse de bloquer les commandes frauduleuses.",
    "Le paiement en plusieurs fois proposé par {pro} cache des frais de dossier jamais mentionnés.",
    "Le contrôle technique réalisé par {pro} a été bâclé : le garage suivant a trouvé des défauts graves non signalés.",
    "Le centre auto {pro} a monté des pneus d'une autre taille que ceux prévus sur le devis.",
    "La crèche privée {pro} garde l'acompte alors que la place n'a jamais été attribuée.",
    "Le club de vacances {pro} a fermé la piscine et le restaurant pendant tout notre séjour sans réduction.",
    "Le bonus de parrainage annoncé par {pro} n'a jamais été crédité sur mon compte, malgré leurs promesses répétées.",
    "Mon assureur {pro} m'assure depuis février que l'indemnité du sinistre va être versée. Je l'attends encore.",
    "Après leur erreur de facturation, {pro} s'est engagé à un geste commercial que je n'ai jamais vu arriver.",
    "La subvention pour l'isolation, que {pro} devait avancer, n'a jamais été versée et on me réclame la totalité.",
    "Le remboursement de mes billets de concert annulé par {pro} se fait attendre depuis quatre mois.",
    "La caution de mon ancien logement n'a jamais été restituée par l'agence {pro}.",
    "Le chauffagiste {pro} est venu trois fois pour l'entretien de la chaudière sans rien régler, et facture chaque passage.",
]
CLOSE = ["", "", "Je souhaite que ce professionnel soit contrôlé.", "Merci de faire le nécessaire.",
         "C'est inadmissible.", "Je me sens complètement abandonné{e}.", "Je demande réparation.",
         "D'autres clients se plaignent de la même chose.", "Cordialement."]


def _fill(rng: random.Random, text: str, **extra: str) -> str:
    slots = {"pro": pick(rng, PRO), "date": pick(rng, DATE), "price": pick(rng, PRICE), "n": str(rng.choice([3, 4, 5, 6])),
             "e": pick(rng, ["", "e"]), "pct": pick(rng, ["10 %", "15 %", "80 grammes", "un quart", "200 g"])}
    slots.update(extra)
    return " ".join(text.format(**slots).split())


def _report(rng: random.Random, middle: list[str], **extra: str) -> str:
    parts = [pick(rng, OPEN), *middle, maybe(rng, 0.6, pick(rng, CHASE)), maybe(rng, 0.7, pick(rng, CLOSE))]
    return capitalise(_fill(rng, " ".join(p for p in parts if p), **extra))


def non_conformity(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.55:
        item = pick(rng, NC_ITEMS)
        bought = pick(rng, ["J'ai acheté {item} {date} chez {pro} {price}.", "Nous avons acquis {item} {price} auprès de {pro}.",
                            "{item_cap} commandé sur le site {pro} {date}.", "Achat de {item} en magasin {date} {price}."])
        middle = [bought, pick(rng, NC_PROBLEM), pick(rng, NC_DEMAND)]
    elif kind < 0.8:
        item = pick(rng, FOOD_ITEMS)
        middle = [pick(rng, ["J'ai acheté {item} {date}.", "Achat de {item} ce week-end.", "{item_cap} acheté hier."]),
                  pick(rng, FOOD_PROBLEM), pick(rng, NC_DEMAND)]
    else:
        item = pick(rng, WEIGHT_ITEMS)
        middle = [pick(rng, WEIGHT).replace("{x}", item), pick(rng, ["Cela s'est déjà produit.", "Le commerçant hausse les épaules.",
                                                               "Je paie donc pour une marchandise que je ne reçois pas.", ""])]
    return _report(rng, middle, item=item, item_cap=capitalise(item))


def late_delivery(rng: random.Random) -> str:
    item = pick(rng, LATE_ITEMS)
    return _report(rng, [pick(rng, LATE_STORY), pick(rng, LATE_DEMAND)], item=item, item_cap=capitalise(item))


def return_request(rng: random.Random) -> str:
    item = pick(rng, RETURN_ITEMS)
    return _report(rng, [pick(rng, RETURN_STORY)], item=item, item_cap=capitalise(item))


def service(rng: random.Random) -> str:
    return _report(rng, [pick(rng, SERVICE_STORY)])
