"""The demo data set: what `make run` shows a first visitor (a Moroccan shop, French by default)."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from .auth.accounts import create_token, create_user, find_user
from .extensions import db
from .intake.complaint import Complaint
from .intake.integrations import save_integration
from .merchants import create_mediation_service, create_merchant
from .models import (
    Channel,
    Fulfilment,
    Macro,
    MediationCase,
    MediationService,
    Merchant,
    OpenedBy,
    Order,
    Party,
    Role,
    Status,
    Ticket,
    utcnow,
)
from .tickets.customers import find_or_create_customer, order_key
from .tickets.services import add_staff_message, assign, change_status, open_or_thread

SLUG = "souk-atlas"
PASSWORD = "demo-password-2026"
USERS = (("supervisor", "nadia@souk-atlas.example"), ("agent", "youssef@souk-atlas.example"),
         ("mediator", "mediateur@e-mediation.example"))

# (email, name, order, channel, subject, message)
COMPLAINTS: tuple[tuple[str, str, str | None, str, str, str], ...] = (
    ("salma.b@example.ma", "Salma Bennani", "#1043", "widget", "Commande pas arrivée",
     ("Bonjour, j'ai commandé un tapis berbère le 2 novembre, livraison promise sous 5 jours. Toujours rien, "
      "le suivi Amana est bloqué à Casablanca depuis une semaine. Merci de me dire où il est.")),
    ("karim.alaoui@example.ma", "Karim Alaoui", "#1051", "email", "Colis endommagé",
     ("Le colis est arrivé hier, la théière en argent est cabossée et le couvercle ne ferme plus. "
      "J'ai des photos. Je veux un remplacement.")),
    ("h.elidrissi@example.ma", "Hind El Idrissi", "#1060", "widget", "Retour",
     ("Bonjour, la veste en cuir est très belle mais trop grande pour moi. Je voudrais la retourner et être "
      "remboursée. Comment obtenir l'étiquette de retour ?")),
    ("omar.t@example.com", "Omar Tazi", "#1062", "email", "Wrong item",
     "Hi, I ordered the blue ceramic tagine (size L) and received a green one, size S. Please send the right one."),
    ("fatima.z@example.ma", "Fatima Zahra", "#1070", "widget", "طلبية متأخرة",
     "السلام عليكم، طلبت زربية منذ أسبوعين ولم تصلني بعد. رقم الطلب 1070. أرجو إفادتي بموعد التسليم."),
    ("youness.k@example.ma", "Youness K.", "#1074", "widget", "",
     "salam, commande dyali mazal ma wslatnich, galou liya 3 jours w daba semana. fin wslat?"),
    ("claire.m@example.fr", "Claire Martin", "#1081", "email", "Rétractation",
     ("Bonjour, j'exerce mon droit de rétractation pour la commande 1081 (lampe en laiton). "
      "Le produit est intact dans son emballage d'origine.")),
    ("james.w@example.co.uk", "James Walker", "#1085", "api", "Missing parts",
     "The wooden shelf arrived without the screws and one of the brackets. Can't assemble it."),
    ("amina.r@example.ma", "Amina Rachidi", "#1090", "widget", "منتج معيب",
     "وصلني الخلاط لكنه لا يعمل نهائيا عند تشغيله. أريد استبداله بمنتج سليم."),
    ("said.b@example.ma", "Said Berrada", "#1093", "email", "Facture",
     "Bonjour, pourriez-vous m'envoyer la facture de ma commande 1093 avec le numéro ICE de ma société ?"),
    ("leila.h@example.ma", "Leila H.", "#1097", "widget", "",
     "l7wayej jaw mbllin w wa7d l kass mhrros. bghit n3rf chno ndir."),
    ("paul.d@example.fr", "Paul Durand", "#1101", "email", "Remboursement retour",
     "J'ai renvoyé le pouf en cuir il y a dix jours (suivi CTM joint) et je n'ai toujours pas été remboursé."),
    ("sara.n@example.com", "Sara N.", "#1104", "widget", "Not delivered",
     "Tracking says delivered on Monday but I never got the parcel. Nobody left a note. Please check with the courier."),
    ("mehdi.o@example.ma", "Mehdi Ouazzani", "#1110", "widget", "Contrefaçon",
     "Le parfum reçu n'est pas l'original : flacon différent, odeur qui disparaît en une heure. C'est une copie."),
    ("nora.a@example.ma", "Nora A.", None, "email", "Question avant achat",
     "Bonjour, livrez-vous à Dakhla et est-ce que le paiement à la livraison est possible ?"),
    ("hassan.m@example.ma", "Hassan M.", "#1115", "widget", "استرجاع",
     "أريد إرجاع الحذاء لأن المقاس صغير علي، الحذاء جديد ولم أستعمله."),
    ("emily.s@example.com", "Emily Stone", "#1118", "api", "Expired product",
     "The argan oil I received expired last month according to the label. Not acceptable."),
    ("rachid.f@example.ma", "Rachid F.", "#1120", "widget", "",
     "bghit nrje3 sabbat, ma3jbnich l couleur, mazal jdid f la boite."),
    ("julie.b@example.fr", "Julie Bernard", "#1123", "email", "Retard de livraison",
     "Commande passée il y a 3 semaines, aucune nouvelle. Le site indiquait une livraison en 48h."),
    ("adil.s@example.ma", "Adil S.", "#1125", "widget", "Couleur différente",
     "Le coussin reçu est beige alors que la photo du site montre un rouge brique. Pas conforme à la description."),
    ("ines.c@example.fr", "Inès Chevalier", "#1128", "email", "Colis marqué livré",
     ("Bonjour, le suivi Chronopost indique « livré » hier à 14h mais je n'ai rien reçu, ni en boîte aux lettres "
      "ni chez le gardien. Pouvez-vous ouvrir une enquête auprès du transporteur ?")),
    ("brahim.e@example.ma", "Brahim Essaadi", "#1131", "widget", "",
     "slm, tlbt jellaba o jatni b9yass ghalat, tlbt L o jatni XXL. bghit tbdlouha liya."),
    ("olivia.p@example.com", "Olivia Price", "#1133", "api", "Change of mind",
     "Hello, I ordered two lanterns but I only need one now. The second one is unopened. How do I send it back?"),
    ("zineb.m@example.ma", "Zineb Mansouri", "#1135", "widget", "تأخر الشحن",
     "مرحبا، دفعت ثمن الطلبية مسبقا منذ عشرة أيام وما زالت حالتها « قيد التحضير ». متى سيتم الشحن؟"),
    ("thomas.l@example.fr", "Thomas Leroy", "#1138", "email", "Pièce manquante",
     ("Le meuble TV est arrivé mais il manque le sachet de visserie et une des deux portes. Merci de m'envoyer "
      "les pièces manquantes.")),
    ("khadija.b@example.ma", "Khadija B.", "#1140", "widget", "",
     "tlbt 3 dyal les bols w wslni ghir 2, o wa7d fihom mchgoug."),
    ("daniel.r@example.com", "Daniel Reyes", None, "email", "Invoice address",
     "Hi, could you change the billing address on my last invoice to my company address in Rabat? Thanks."),
    ("samira.t@example.ma", "Samira Tahiri", "#1144", "widget", "إرجاع المبلغ",
     "أرجعت المعطف عبر أمانة الأسبوع الماضي ووصلكم حسب التتبع، متى سيتم استرداد المبلغ؟"),
    ("lucas.g@example.fr", "Lucas Girard", "#1147", "email", "Lampe défectueuse",
     "La lampe s'allume puis s'éteint au bout de deux minutes. J'ai essayé une autre ampoule, même problème."),
    ("anas.h@example.ma", "Anas H.", "#1150", "widget", "",
     "fin wslat commande? tracking m7bouss f Tanger men nhar l jem3a."),
    ("grace.o@example.com", "Grace Okafor", "#1152", "api", "Damaged on arrival",
     "The rug arrived with a large oil stain and a torn corner. The box itself was intact. Photos attached."),
    ("mouna.k@example.ma", "Mouna K.", "#1155", "email", "Annulation",
     "Bonjour, je souhaite annuler ma commande 1155 passée ce matin, je me suis trompée de couleur."),
    ("yassine.a@example.ma", "Yassine Amrani", "#1158", "widget", "طلبية ناقصة",
     "وصلتني الطلبية لكن ينقصها غطاء الطاجين. أرجو إرسال الجزء الناقص."),
    ("chloe.v@example.fr", "Chloé Vincent", "#1160", "email", "Merci",
     "Bonjour, juste pour vous remercier : le remplacement est bien arrivé et il est parfait."),
    ("reda.z@example.ma", "Reda Zeroual", "#1162", "widget", "",
     "salam, sbat jani mzyan walakin ma 3jbnich lon dyalo. momkin nrj3o w trj3o liya flousi?"),
    ("hannah.b@example.co.uk", "Hannah Brooks", "#1165", "api", "Still waiting",
     "Ordered on the 3rd with express shipping, it's now the 19th. Tracking hasn't moved in 9 days."),
)


def seed_demo() -> dict[str, Any]:
    merchant = db.session.scalar(select(Merchant).where(Merchant.slug == SLUG))
    if merchant is None:
        service = db.session.scalar(select(MediationService).where(MediationService.slug == "e-mediation"))
        service = service or create_mediation_service("e-mediation", "Service de médiation e-commerce")
        merchant = create_merchant(SLUG, "Souk Atlas", country="MA", timezone="Africa/Casablanca", language="fr",
                                   mediation_service=service.slug, allowed_origins=["http://127.0.0.1:5000"],
                                   identifiers={"ice": "001525874000089", "rc": "Casablanca 412345"})
        _users(merchant, service)
        for kind in ("shopify", "woocommerce", "generic"):
            save_integration(merchant, kind, f"demo-{kind}-secret-0123456789")
        _orders(merchant)
        _macros(merchant)
        _mediation(_tickets(merchant))
    return {"merchant": SLUG, "widget_key": merchant.widget_key,
            "users": [{"role": role, "email": email, "password": PASSWORD} for role, email in USERS]}


def _users(merchant: Merchant, service: MediationService) -> None:
    for role, email in USERS:
        if find_user(email) is None:
            user = create_user(email, PASSWORD, Role(role), merchant=merchant, mediation_service=service)
            if role == "supervisor":
                create_token(user, "demo")


def _orders(merchant: Merchant) -> None:
    now = utcnow()
    for i, (email, name, number, *_rest) in enumerate(COMPLAINTS):
        if not number:
            continue
        customer = find_or_create_customer(merchant.id, email, name)
        placed = now - timedelta(days=20 - i % 10)
        order = Order(merchant_id=merchant.id, customer_id=customer.id, platform="shopify", external_id=str(5000 + i),
                      number=number, number_key=order_key(number), email=email, placed_at=placed,
                      promised_delivery_at=placed + timedelta(days=5), total=Decimal(199 + 50 * i),
                      currency="MAD", status="paid",
                      delivered_at=None if i % 3 == 0 else placed + timedelta(days=4))
        db.session.add(order)
        db.session.flush()
        db.session.add(Fulfilment(merchant_id=merchant.id, order_id=order.id, external_id=str(9000 + i),
                                  status="in_transit" if order.delivered_at is None else "delivered",
                                  tracking_company="Amana", tracking_number=f"AM{784512300 + i}MA",
                                  shipped_at=placed + timedelta(days=1), delivered_at=order.delivered_at))


# Staff answers on some tickets, so the demo shows conversations and every status: (index, reply, status).
REPLIES: tuple[tuple[int, str, str], ...] = (
    (1, "Bonjour Karim, nous sommes désolés. Un remplacement part aujourd'hui par Amana.", "resolved"),
    (2, "Bonjour Hind, voici votre étiquette de retour. Le remboursement suit la réception.", "waiting_customer"),
    (3, "Hello Omar, sorry for the mix-up: the right tagine ships tomorrow.", "open"),
    (9, "Bonjour, la facture avec votre ICE vous a été envoyée par e-mail.", "closed"),
    (14, "Bonjour Nora, oui : nous livrons à Dakhla, paiement à la livraison possible.", "resolved"),
)


# Tickets the agent already holds, so "mine" is a morning's work: none is escalated, so each can be closed.
ASSIGNED = (2, 3, 5, 8, 15, 16, 21, 23)

# Shared macros, one per language of the shop's shoppers; the placeholders are filled on the ticket page.
MACROS: tuple[tuple[str, str, str], ...] = (
    ("اعتذار عن منتج معيب", "ar",
     ("مرحبا {shopper_name}،\nنعتذر عن المشكل في طلبيتكم {order_number}. سنرسل لكم منتجا بديلا سليما خلال ثلاثة "
      "أيام، ويمكنكم متابعة طلبكم على الرابط: {portal_link}\n{shop_name}")),
)


def _macros(merchant: Merchant) -> None:
    for name, language, body in MACROS:
        db.session.add(Macro(merchant_id=merchant.id, owner_id=None, name=name, language=language, body=body))


def _tickets(merchant: Merchant) -> list[Ticket]:
    now = utcnow()
    agent = find_user(USERS[1][1])
    tickets = []
    for i, (email, name, number, channel, subject, message) in enumerate(COMPLAINTS):
        at = now - timedelta(hours=3 * (len(COMPLAINTS) - i))
        tickets.append(open_or_thread(merchant, Complaint(email=email, name=name, order_number=number,
                                                          subject=subject, message=message),
                                      Channel(channel), now=at).ticket)
    for index, reply, status in REPLIES:
        ticket = tickets[index]
        at = ticket.created_at + timedelta(hours=1)
        add_staff_message(ticket, agent, reply, internal=False, now=at)
        change_status(ticket, Status(status), f"agent:{agent.id}", now=at)
    supervisor = find_user(USERS[0][1])
    for index in ASSIGNED:
        at = tickets[index].created_at + timedelta(minutes=30)
        assign(tickets[index], agent, f"supervisor:{supervisor.id}", now=at)
    return tickets


def _mediation(tickets: list[Ticket]) -> None:
    """Cases in several statuses, so the mediator's queue shows a day's work: submitted, awaiting consent, an open
    room with a proposal, a collective case, an agreement and a refusal."""
    from .mediation import collective, proposals, room, transitions
    from .mediation.actors import SHOPPER, Actor
    from .mediation.dossier import Amount, open_dossier

    mediator = find_user(USERS[2][1])
    supervisor = find_user(USERS[0][1])
    med = Actor(Party.MEDIATOR, f"mediator:{mediator.id}")
    sup = Actor(Party.MERCHANT, f"supervisor:{supervisor.id}", supervisor=True)
    now = utcnow()

    def escalate(index: int, days_ago: int, claim: str, by: OpenedBy = OpenedBy.MERCHANT) -> MediationCase:
        ticket = tickets[index]
        case, _ = open_dossier(ticket, by=by, reason="Pas d'accord avec le client après plusieurs échanges.",
                               actor=sup.name if by is OpenedBy.MERCHANT else "shopper", claim=claim,
                               now=now - timedelta(days=days_ago))
        return case

    def open_room(case: MediationCase, days_ago: int) -> None:
        at = now - timedelta(days=days_ago)
        transitions.decide_admissibility(case, med, True, "Réclamation écrite préalable : le ticket.", now=at)
        transitions.answer_consent(case, SHOPPER if case.consent_shopper.value == "pending" else sup, True,
                                   now=at + timedelta(hours=5))

    escalate(12, 1, "Remboursement du colis jamais reçu")  # submitted
    waiting = escalate(0, 6, "Livraison du tapis ou remboursement")
    transitions.decide_admissibility(waiting, med, True, "Dossier complet.", now=now - timedelta(days=4))

    room_case = escalate(13, 12, "Remboursement intégral : parfum contrefait")
    open_room(room_case, 10)
    at = now - timedelta(days=8)
    room.post_message(room_case, med, "joint", "Bonjour à tous deux. Je vais entendre chaque partie séparément.",
                      now=at)
    room.post_message(room_case, SHOPPER, "caucus:shopper", "Le flacon n'a pas le code de lot habituel.",
                      now=at + timedelta(hours=2))
    room.post_message(room_case, sup, "caucus:merchant", "Notre fournisseur est agréé ; nous pouvons reprendre "
                      "le flacon.", now=at + timedelta(hours=3))
    proposals.make_proposal(room_case, med, "Reprise du flacon et remboursement intégral sous 10 jours.",
                            Amount(Decimal("450.00"), "MAD"), now + timedelta(days=5), now=at + timedelta(days=1))

    late = [escalate(i, 9, "Indemnisation du retard de livraison") for i in (4, 19)]
    for case in late:
        open_room(case, 8)
    joined = collective.create_collective(late[0].mediation_service_id, med, "Retards Amana – novembre",
                                          [c.id for c in late], now=now - timedelta(days=7))
    collective.propose_to_all(joined, sup, "Bon d'achat de 100 MAD pour chaque client livré en retard.",
                              Amount(Decimal("100.00"), "MAD"), now + timedelta(days=7), now=now - timedelta(days=6))

    agreed = escalate(11, 30, "Remboursement du pouf retourné")
    open_room(agreed, 28)
    offer = proposals.make_proposal(agreed, med, "Remboursement de 749 MAD sous 7 jours.",
                                    Amount(Decimal("749.00"), "MAD"), now - timedelta(days=15), now=now - timedelta(days=25))
    proposals.respond(agreed, offer.id, sup, True, now=now - timedelta(days=24))
    proposals.respond(agreed, offer.id, SHOPPER, True, now=now - timedelta(days=23))
    transitions.close(agreed, med, "agreement", "Le marchand rembourse 749 MAD ; le client est satisfait.",
                      now=now - timedelta(days=22))

    refused = escalate(7, 20, "Envoi des pièces manquantes")
    transitions.decide_admissibility(refused, med, True, None, now=now - timedelta(days=19))
    transitions.answer_consent(refused, SHOPPER, False, now=now - timedelta(days=18))
