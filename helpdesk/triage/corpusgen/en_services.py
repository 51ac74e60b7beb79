"""English complaints about services (label ``other``): telecom, bank, travel, food, trades."""

from __future__ import annotations

import random

from helpdesk.triage.corpusgen.common import capitalise, maybe, pick

SECTORS: dict[str, tuple[list[str], list[str]]] = {
    "telecom": (["My broadband provider", "My mobile network", "The cable company", "My phone carrier"],
                ["has left me without internet for {n} days", "keeps billing me for add-ons I never signed up for",
                 "ignored my cancellation and is still taking payments", "charged an early termination fee though my contract had ended",
                 "sent an engineer who never turned up, three times", "delivers a fraction of the advertised speed",
                 "put my bill up with no warning", "has had no signal in my area for a week"]),
    "bank": (["My bank", "The credit card company", "My online bank", "The payment app"],
             ["took {amount} in fees with no explanation", "blocked my card while I was abroad",
              "refuses to refund a fraudulent transaction", "lost a transfer I made {n} days ago",
              "charged overdraft interest on an account in credit", "closed my account without notice"]),
    "travel": (["The airline", "The travel agent", "The hotel", "The rail company", "The car rental firm", "The booking site"],
               ["cancelled our flight the night before and only offers a voucher", "delayed the flight {n} hours with no compensation",
                "lost my suitcase and stopped answering", "gave us a dirty room that looked nothing like the listing",
                "kept my {amount} deposit for a scratch that was already there", "overbooked and left us with no room at midnight",
                "added hidden booking fees at the last step"]),
    "food": (["The restaurant", "The cafe", "The pizzeria", "The bistro"],
             ["served undercooked chicken and we were ill the next day", "added dishes we never ordered to the bill",
              "made us wait over an hour and the food came cold", "had a filthy dining room and toilets",
              "added a service charge without telling us", "staff were rude and asked us to leave"]),
    "trades": (["The builder", "The plumber", "The kitchen fitter", "The roofer", "The electrician", "The window company"],
               ["took a {amount} deposit and never came back", "walked off the job halfway through",
                "did such poor work that the bathroom now leaks", "charged double the written quote",
                "fitted the cabinets crooked and won't return", "is {n} weeks behind with no explanation"]),
    "subscription": (["The gym", "The streaming service", "The dating app", "The magazine", "The meal-kit subscription"],
                     ["won't let me cancel", "kept charging me after I cancelled {n} months ago",
                      "auto-renewed without any reminder", "charged {amount} for a free trial"]),
    "retail_staff": (["The store manager", "The security guard", "The cashier", "Your call centre"],
                     ["treated me like a thief in front of everyone", "refused to honour the advertised price",
                      "was rude and dismissive", "kept me on hold for an hour then cut me off"]),
}
REFUNDS = [
    "the airline cancelled our flight and still hasn't refunded the tickets after two months",
    "the hotel took my deposit and won't give it back even though I cancelled in time",
    "the concert was postponed and the ticket site refuses a refund",
    "my train was cancelled and the refund form keeps crashing",
    "the gym promised to refund the months it was closed and never did",
    "the tour operator cancelled the trip and is sitting on our money",
    "the insurer promised a refund of my premium months ago",
    "the event was cancelled and they only offer credit, not cash",
    "my bank reversed the refund the merchant sent me",
    "the investment app froze my withdrawal for weeks",
]
ENDINGS = ["I want my money back.", "Nobody answers my emails.", "This is unacceptable.", "What are my options?",
           "I've complained twice already.", "I'd like compensation.", "Absolutely appalling service."]


def service_complaint(rng: random.Random, s: dict[str, str]) -> str:
    """A short English complaint about a service provider."""
    if rng.random() < 0.15:
        return capitalise(pick(rng, REFUNDS)) + maybe(rng, 0.5, " " + pick(rng, ENDINGS))
    actors, problems = SECTORS[pick(rng, sorted(SECTORS))]
    text = f"{pick(rng, actors)} {pick(rng, problems).format(**s)}."
    text = maybe(rng, 0.3, pick(rng, ["Hi, ", "Hello, ", "Complaint: ", "So, "])) + text
    return capitalise(text) + maybe(rng, 0.6, " " + pick(rng, ENDINGS))
