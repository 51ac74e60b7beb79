"""Cheap language guess for a shopper message: ``fr``, ``en``, ``ar`` or ``darija``.

Used to label tickets and to report accuracy per language; the classifier
itself is language-agnostic (character n-grams), so a wrong guess here never
changes a category. A heuristic is enough and costs microseconds.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")
_LETTER = re.compile(r"[^\W\d_]")
# Latin-script Darija writes some Arabic letters as digits: m3a, 7ta, 9bel.
_ARABIZI = re.compile(r"\b[a-z]*[a-z][2379][a-z]+\b|\b[2379][a-z]{2,}\b")

_DARIJA = frozenset(
    """wach wech dyal dial dyali dyalek diali 3la 3lach bghit bghina kanbghi l9it lqit machi mashi
    walo daba mazal mazel ghir chi hadi hada hadak hadchi 3afak afak m3a bzaf bezaf kayn kayen
    makaynch kan kant lih liha fin 3ndi 3andi ana nta nti ntoma tsift wsel wslni wselni khassni
    khasni rah raha hna iyam flous sift jani jatni ma3ndich ma3endich b7al 7ta 7it ila ghadi ghad
    wlla wla mchit mchat drari sa7bi khouya khti lah llah salam slm 3tini 3tiwni rje3 rjje3
    nrje3 nreje3 tbdel nbdel bdel mkhsser mhersa m3ewej kaytkhdem kaykhdem makhdamch ma5damch
    mzyan mezyan zwin chno chnou achno ach wakha safi baqi ba9i lyoum lbare7 gheda s7i7 bla
    lcommande lcolis lmochkil lflous ltelephone""".split()
)
_FRENCH = frozenset(
    """le la les un une des du de et est je j ai mon ma mes pas ne que qui pour avec sur dans
    vous nous votre vos ce cette il elle au aux bonjour merci colis commande toujours reçu recu
    depuis mais ou donc car svp cordialement été très tres n c qu d l m s remboursement retour
    livraison cassé casse abîmé produit article rembourser livré arrivé taille""".split()
)
_ENGLISH = frozenset(
    """the a an and is are was i my me you your it this that to of for with on in not have has
    had be been do did does no yes hi hello thanks please order package still never got at
    from but just can can't cant don't dont i'm im it's its what when why how u ur refund
    return delivery parcel item broken damaged wrong missing late where shipping arrived""".split()
)


def _arabic_share(text: str) -> float:
    """Share of letters that are Arabic script."""
    letters = len(_LETTER.findall(text))
    return len(_ARABIC.findall(text)) / letters if letters else 0.0


def detect_language(text: str) -> str:
    """Guess ``fr``, ``en``, ``ar`` or ``darija`` from script and marker words."""
    if _arabic_share(text) >= 0.3:
        return "ar"
    lowered = text.lower().replace("’", "'")
    words = _WORD.findall(lowered.replace("'", " "))
    darija = sum(w in _DARIJA for w in words) + len(_ARABIZI.findall(lowered))
    french = sum(w in _FRENCH for w in words)
    english = sum(w in _ENGLISH for w in words)
    if darija >= 2 and darija * 2 >= max(french, english) or (darija >= 1 and not french and not english):
        return "darija"
    return "en" if english > french else "fr"
