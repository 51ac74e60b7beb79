"""Genres seen in real complaints: posts to a brand's support account and long reports to a consumer authority.

The tagged account never decides the category; what went wrong with what was
bought does. Sentences here are written for the tests, not taken from any
evaluation set.
"""

from __future__ import annotations

import pytest

from helpdesk.triage import Model


def cat(model: Model, body: str) -> str:
    return model.predict("", body).category


@pytest.mark.parametrize(
    "body",
    [
        "@SomeBrandHelp my 5 week old earphones only work on the right side now. any fix?",
        "hey @GadgetCare the new tablet won't charge past 40% whatever cable I use #help",
        "@KitchenCo fridge I bought in May stopped cooling, all our food went off. Want a replacement",
    ],
)
def test_hardware_fault_posts_are_non_conformity(model: Model, body: str) -> None:
    assert cat(model, body) == "non_conformity"


@pytest.mark.parametrize(
    "body",
    [
        "@SomeBrandHelp your app logs me out every single time I open it",
        "@GadgetCare been waiting 45 mins on hold just to ask about my account",
    ],
)
def test_account_and_support_gripes_to_the_same_handles_are_other(model: Model, body: str) -> None:
    assert cat(model, body) == "other"


def test_the_tagged_handle_does_not_change_the_category(model: Model) -> None:
    text = "my parcel has been stuck at the depot for nine days, nobody can tell me anything"
    handles = ["@Delta", "@AmazonHelp", "@SomeShop", "@netflix"]
    assert {model.predict("", f"{h} {text}").category for h in handles} == {"late_delivery"}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (("Je signale l'entreprise XXX : j'ai acheté chez eux un aspirateur qui s'est arrêté au bout de dix jours. "
          "Le vendeur refuse l'échange et me renvoie vers le fabricant. Je demande l'application de la garantie."),
         "non_conformity"),
        (("J'ai fait appel à ***** pour repeindre ma cuisine. Le travail est bâclé, des coulures partout, et "
          "l'artisan ne répond plus à mes messages. Je souhaite que ce professionnel soit contrôlé."),
         "other"),
        (("Commande d'une commode sur le site XXX payée il y a six semaines. Elle devait arriver sous huit jours, "
          "le suivi n'a plus bougé et le service client ne répond pas. Je veux être livré ou remboursé."),
         "late_delivery"),
    ],
)
def test_long_consumer_reports(model: Model, body: str, expected: str) -> None:
    assert cat(model, body) == expected
