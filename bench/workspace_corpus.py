"""The words of the workspace bench: what shoppers, agents and notes say, in French, English and Arabic.

Every (language, category, kind) has exactly VARIANTS texts, so the loader
picks one with `floor(random() * VARIANTS)` in SQL. `{n}` is the order number,
`{p}` a product of the shopper's language.
"""
from __future__ import annotations

from itertools import cycle, islice

VARIANTS = 3
LANGS = ("fr", "en", "ar")
CATEGORIES = ("late_delivery", "return", "non_conformity", "other")

PRODUCTS = {
    "fr": ["le mixeur", "la robe en lin", "les chaussures de course", "le téléphone", "la machine à café",
           "le casque audio", "le sac à dos", "la montre connectée"],
    "en": ["the blender", "the linen dress", "the running shoes", "the phone", "the coffee machine",
           "the headphones", "the backpack", "the smart watch"],
    "ar": ["الخلاط", "الفستان", "الحذاء الرياضي", "الهاتف", "آلة القهوة", "السماعات", "حقيبة الظهر", "الساعة الذكية"],
}

NAMES = {
    "fr": ["Camille", "Julien", "Sophie", "Nicolas", "Manon", "Thomas", "Léa", "Hugo"],
    "en": ["Emma", "James", "Olivia", "Liam", "Ava", "Noah", "Mia", "Lucas"],
    "ar": ["سلمى", "يوسف", "فاطمة", "محمد", "خديجة", "عمر", "مريم", "أمين"],
}

SUBJECTS = {
    ("fr", "late_delivery"): ["Commande {n} toujours pas livrée", "Retard de livraison {n}", "Colis bloqué au dépôt"],
    ("fr", "return"): ["Retour de la commande {n}", "Demande de remboursement {n}", "Échange de taille"],
    ("fr", "non_conformity"): ["Produit cassé, commande {n}", "Article non conforme", "Pièces manquantes {n}"],
    ("fr", "other"): ["Facture de la commande {n}", "Changement d'adresse", "Question sur le paiement"],
    ("en", "late_delivery"): ["Order {n} has not arrived", "Late delivery {n}", "Parcel stuck in transit"],
    ("en", "return"): ["Return for order {n}", "Refund request {n}", "Exchange for another size"],
    ("en", "non_conformity"): ["Damaged item, order {n}", "Wrong item received", "Missing parts {n}"],
    ("en", "other"): ["Invoice for order {n}", "Change of address", "Payment question"],
    ("ar", "late_delivery"): ["لم تصل الطلبية {n}", "تأخر التوصيل {n}", "الطرد متوقف"],
    ("ar", "return"): ["إرجاع الطلبية {n}", "طلب استرجاع المبلغ {n}", "تبديل المقاس"],
    ("ar", "non_conformity"): ["منتج مكسور في الطلبية {n}", "منتج غير مطابق", "قطع ناقصة {n}"],
    ("ar", "other"): ["فاتورة الطلبية {n}", "تغيير العنوان", "سؤال عن الدفع"],
}

BODIES = {
    ("fr", "late_delivery"): [
        ("Bonjour, ma commande {n} ({p}) n'est toujours pas arrivée. Le suivi est bloqué au centre de tri depuis "
        "une semaine. Pouvez-vous relancer le transporteur ?"),
        ("Bonjour, le transporteur indique que le colis {n} est livré mais je n'ai rien reçu, ni dans ma boîte aux "
        "lettres ni chez les voisins."),
        ("La date de livraison promise pour {p} est dépassée de dix jours. Sans nouvelles, je demanderai "
        "l'annulation et le remboursement.")],
    ("fr", "return"): [
        ("Je souhaite retourner {p} de la commande {n}, la taille ne convient pas. Pouvez-vous m'envoyer une "
        "étiquette de retour ?"),
        "J'ai renvoyé le colis {n} il y a deux semaines et je n'ai toujours pas reçu mon remboursement.",
        "J'exerce mon droit de rétractation pour la commande {n} : {p} ne me convient pas."],
    ("fr", "non_conformity"): [
        "Le produit reçu ({p}, commande {n}) est cassé, l'écran est fissuré. Je veux un remplacement.",
        "L'article reçu ne correspond pas à la description : mauvaise couleur et pièces manquantes. Commande {n}.",
        "{p} ne s'allume plus après deux jours d'utilisation. Il est sous garantie, que dois-je faire ?"],
    ("fr", "other"): [
        "Bonjour, pouvez-vous m'envoyer la facture de la commande {n} ? Merci d'avance.",
        "Est-il possible de modifier l'adresse de livraison de ma commande {n} ? Je déménage la semaine prochaine.",
        "J'ai été débité deux fois pour la commande {n}, merci de vérifier le paiement."],
    ("en", "late_delivery"): [
        "Hi, my order {n} ({p}) has not arrived yet and the tracking has not moved for a week.",
        "The carrier says parcel {n} was delivered but I never received it. Nothing at the neighbours either.",
        "The promised delivery date for {p} passed ten days ago. Please cancel and refund if it cannot ship."],
    ("en", "return"): [
        "I would like to return {p} from order {n}, it does not fit. Please send me a return label.",
        "I sent parcel {n} back two weeks ago and I am still waiting for my refund.",
        "I am withdrawing from the purchase of order {n}: {p} is not what I need."],
    ("en", "non_conformity"): [
        "{p} from order {n} arrived damaged and does not turn on. I want a replacement.",
        "The item I received does not match the description: wrong colour and missing parts. Order {n}.",
        "{p} stopped working after two days. It is under warranty, what should I do?"],
    ("en", "other"): [
        "Hello, could you send me the invoice for order {n}? Thanks.",
        "Can I change the delivery address of order {n}? I am moving next week.",
        "I was charged twice for order {n}, please check the payment."],
    ("ar", "late_delivery"): [
        "السلام عليكم، لم تصلني الطلبية رقم {n} بعد، والتتبع متوقف منذ أسبوع.",
        "شركة الشحن تقول إن الطرد {n} تم تسليمه لكنني لم أستلم أي شيء.",
        "تجاوز موعد التوصيل الموعود لـ{p} عشرة أيام. أرجو الإلغاء واسترجاع المبلغ."],
    ("ar", "return"): [
        "أريد إرجاع {p} من الطلبية {n} لأن المقاس غير مناسب. أرسلوا لي ملصق الإرجاع من فضلكم.",
        "أرسلت الطرد {n} منذ أسبوعين ولم أسترجع المبلغ حتى الآن.",
        "أمارس حقي في التراجع عن الطلبية {n}، {p} لا يناسبني."],
    ("ar", "non_conformity"): [
        "وصلني {p} من الطلبية {n} مكسورا، أريد استبداله.",
        "المنتج الذي وصلني غير مطابق للوصف: لون مختلف وقطع ناقصة. الطلبية {n}.",
        "توقف {p} عن العمل بعد يومين. هل يشمله الضمان؟"],
    ("ar", "other"): [
        "مرحبا، هل يمكنكم إرسال فاتورة الطلبية {n}؟ شكرا.",
        "هل يمكن تغيير عنوان التوصيل للطلبية {n}؟ سأنتقل الأسبوع القادم.",
        "تم خصم المبلغ مرتين للطلبية {n}، أرجو التحقق من الدفع."],
}

# Replies, follow-ups and notes do not depend on the category: the same three per language serve them all.
REPLIES = {
    "fr": [("Bonjour, merci pour votre message. Nous avons contacté le transporteur au sujet de la commande {n} et "
           "revenons vers vous sous 48 heures."),
           "Bonjour, nous sommes désolés pour ce désagrément. Un remplacement de {p} part aujourd'hui.",
           "Bonjour, votre remboursement pour la commande {n} a été validé, il apparaîtra sous 5 jours ouvrés."],
    "en": [("Hello, thank you for your message. We have contacted the carrier about order {n} and will get back "
           "to you within 48 hours."),
           "Hello, we are sorry about this. A replacement for {p} ships today.",
           "Hello, your refund for order {n} has been approved and will show within 5 business days."],
    "ar": ["مرحبا، شكرا على رسالتكم. تواصلنا مع شركة الشحن بخصوص الطلبية {n} وسنرد عليكم خلال 48 ساعة.",
           "نعتذر عن هذا الإزعاج. سيتم إرسال بديل لـ{p} اليوم.",
           "تمت الموافقة على استرجاع مبلغ الطلبية {n} وسيظهر خلال 5 أيام عمل."],
}
FOLLOWUPS = {
    "fr": ["Toujours rien reçu, c'est inadmissible. Je demande le remboursement intégral.",
           "Merci pour votre réponse rapide, j'attends donc le nouveau colis.",
           "Votre réponse ne règle rien : je vais saisir le médiateur si rien ne bouge."],
    "en": ["Still nothing received, this is unacceptable. I want a full refund.",
           "Thanks for the quick answer, I will wait for the new parcel.",
           "Your answer solves nothing: I will go to the mediator if nothing changes."],
    "ar": ["لم يصلني شيء حتى الآن، هذا غير مقبول. أطلب استرجاع المبلغ كاملا.",
           "شكرا على الرد السريع، سأنتظر الطرد الجديد.",
           "ردكم لا يحل المشكلة، سألجأ إلى الوساطة إذا لم يتغير شيء."],
}
NOTES = {
    "fr": ["Transporteur relancé, enquête ouverte.", "Client fidèle : geste commercial possible.",
           "Photo du colis abîmé reçue, voir avec l'entrepôt."],
    "en": ["Carrier chased, investigation opened.", "Loyal customer: a goodwill gesture is fine.",
           "Photo of the damaged parcel received, check with the warehouse."],
    "ar": ["تمت مراسلة شركة الشحن وفتح تحقيق.", "زبون وفي: يمكن تقديم تعويض.", "وصلت صورة الطرد التالف، راجعوا المستودع."],
}


def _three(texts: list[str]) -> list[str]:
    return list(islice(cycle(texts), VARIANTS))


def text_rows() -> list[tuple[str, str, str, int, str]]:
    """(lang, category, kind, variant, text) for the loader's lookup table; category '*' for any category."""
    rows = []
    for (lang, category), texts in SUBJECTS.items():
        rows += [(lang, category, "subject", k, t) for k, t in enumerate(_three(texts))]
    for (lang, category), texts in BODIES.items():
        rows += [(lang, category, "body", k, t) for k, t in enumerate(_three(texts))]
    for kind, table in (("reply", REPLIES), ("followup", FOLLOWUPS), ("note", NOTES)):
        for lang, texts in table.items():
            rows += [(lang, "*", kind, k, t) for k, t in enumerate(_three(texts))]
    return rows


def word_rows() -> list[tuple[str, str, int, str]]:
    """(lang, kind, index, word) for products and first names; eight of each per language."""
    rows = [(lang, "product", k, p) for lang, ps in PRODUCTS.items() for k, p in enumerate(ps)]
    return rows + [(lang, "name", k, n) for lang, ns in NAMES.items() for k, n in enumerate(ns)]
