"""English posts to a brand's support account: hardware faults versus everything else.

Public complaints to ``@...Support`` handles mostly describe a symptom of the
thing bought ("won't power on", "battery dead by lunch") with a model name,
what was tried and a plea for a fix; they rarely say "defective". The same
handles also get account, app, billing and staff complaints, which are
``other``. Both sides are drawn from one pool of handles, models and
decorations so the label rides on what went wrong, not on who was tagged.
Also here: fast food and drinks that came short or spoiled, parcels that a
carrier delivered smashed (``non_conformity``), and deliveries that never
came, including food and newspapers (``late_delivery``).
"""

from __future__ import annotations

import random

from helpdesk.triage.corpusgen.common import capitalise, casual, maybe, pick
from helpdesk.triage.corpusgen.en_vocab import SMS_TABLE

HANDLES = ["@PixelSupport", "@SonySupport", "@HPSupport", "@DellCares", "@AsusUSA", "@AcerAmerica", "@LenovoSupport",
           "@SamsungSupport", "@AppleSupport", "@OnePlus_Support", "@Moto_Support", "@XiaomiIndia", "@FitbitSupport",
           "@GarminFitness", "@BoseService", "@JBLaudio", "@SkullcandyHelp", "@LGUSSupport", "@PhilipsCare",
           "@DysonHelp", "@SharkNinja", "@KitchenAidUSA", "@BoschHome", "@CanonUSA", "@EpsonAmerica", "@Logitech",
           "@Razer", "@NintendoAmerica", "@XboxSupport", "@AskPlayStation", "@TomTom", "@Kindle", "@RingHelp",
           "@NestSupport", "@WhirlpoolCare", "@HotpointUK", "@BlackandDecker", "@DeWALTtough", "@HuaweiMobile"]
MODELS = {
    "phone": ["phone", "X20", "Note 7 Pro", "G5 Plus", "Z3", "A52", "M31", "P30 lite", "new handset", "6T"],
    "laptop": ["laptop", "notebook", "Ideapad", "Inspiron", "Pavilion 15", "Zenbook", "Aspire 5", "Chromebook"],
    "audio": ["earbuds", "headphones", "wireless buds", "headset", "soundbar", "bluetooth speaker", "QC35s"],
    "wearable": ["watch", "fitness band", "tracker", "Charge 3", "Versa", "smartwatch"],
    "printer": ["printer", "OfficeJet", "all-in-one printer", "LaserJet", "photo printer", "scanner"],
    "appliance": ["washing machine", "dryer", "fridge freezer", "dishwasher", "oven", "cordless vacuum", "kettle",
                  "coffee machine", "hob", "microwave", "cooker hood"],
    "console": ["console", "controller", "gamepad", "VR headset", "handheld"],
    "tool": ["drill", "strimmer", "hedge trimmer", "sander", "battery pack", "jigsaw"],
}
SYMPTOMS = {
    "phone": ["won't power on at all", "battery goes from full to 20% in three hours", "gets hot just sitting there",
              "screen has a green line down the middle", "touch stops responding at random", "keeps rebooting itself",
              "won't charge unless the cable is held at an angle", "rear camera takes foggy pictures",
              "speaker crackles on every call", "is stuck on the boot logo", "fast charge doesn't work anymore",
              "mic cuts out so nobody can hear me", "display dims by itself", "vibrates for no reason",
              "lost signal since day one while my old one is fine"],
    "laptop": ["won't boot past the logo", "fan screams nonstop", "hinge cracked with normal use",
               "keyboard has three dead keys", "trackpad clicks on its own", "blue screens every hour",
               "battery won't charge past 60%", "screen flickers when I open the lid", "shuts off with no warning",
               "charging port is loose already", "has a dead pixel cluster in the centre"],
    "audio": ["only play out of the left side", "won't turn on even on the charger", "died after 2 weeks of use",
              "cut out every few minutes", "volume is barely audible at max", "won't pair with anything",
              "charging case won't charge the buds", "the band snapped at the hinge", "crackle at any volume",
              "keep powering off on their own", "foam is peeling off already", "light stays red and nothing happens"],
    "wearable": ["screen stays black when I tap it", "stopped counting steps", "won't sync no matter what I do",
                 "strap broke off the clip", "battery is dead by lunchtime", "heart rate reads 40 when I'm running",
                 "fogged up inside after one shower", "won't charge on the cradle", "never records a swim"],
    "printer": ["won't scan at all", "only prints in black and white", "jams on every other page",
                "prints streaks across every photo", "says no ink with brand new cartridges",
                "won't print double sided", "is stuck calibrating", "grinds and then shows an error"],
    "appliance": ["leaks every cycle", "stopped heating after a month", "won't drain", "trips the fuse",
                  "makes a banging noise on spin", "isn't cooling, food went off", "door seal split",
                  "display shows an error code and stops", "motor smells like burning", "lost suction already",
                  "exploded glass door in the middle of the night", "rusting inside after weeks"],
    "console": ["drifts to the left constantly", "turns off mid game", "won't read discs", "triggers stopped working",
                "overheats and shuts down", "HDMI port is loose out of the box"],
    "tool": ["battery won't take a charge", "motor cut out on the second use", "chuck wobbles badly",
             "casing cracked the first time", "stops under the lightest load"],
}
AGE = ["", "", "brand new ", "2 week old ", "new ", "3 month old ", "", "month old ", "6 week old ",
       "barely used ", "replacement ", "second ", "third "]
SINCE = ["", "", "", " after 10 days", " within 4 months", " out of the box", " since I unboxed it",
         " after a week", " just after the warranty ran out", " after the first use", " from day one"]
TRIED = ["", "", "", " Already did a factory reset.", " Tried another charger, same thing.",
         " Updated everything, still the same.", " Reset it 3 times, no change.",
         " Did all the troubleshooting steps on your site.", " It's had two repairs already.",
         " Your chat told me to restart it. Did that. Nothing.", " Cleaned the contacts, no luck."]
# What fault posts add about the aftercare: still a claim about the goods, not about the staff.
AFTERCARE = ["", "", "", " Your customer service is useless.", " Support keeps giving me the runaround.",
             " Third trip to the service centre.", " Warranty claim rejected for no reason.",
             " Booked yet another repair slot.", " Chat agent said to wait for an update. For a hardware fault?",
             " Service centre had it 3 weeks and sent it back the same.", " Horrible aftersales.",
             " Paid a lot of money for this.", " Build quality is a joke.", " Replacement has the same problem."]
INDIRECT = [
    "third {m} in a year, same fault every time.", "{m} is junk. {s}.", "what is happening to my {m}?? {s}",
    "is this normal for a new {m}? {s}", "{m} {s}. reset didn't do anything.", "{s}. {m} is 2 months old.",
    "money down the drain on this {m}, {s}.", "so the {m} {s} again.",
]
ASK = ["", " Any ideas?", " What could be wrong?", " Please help.", " Need a fix asap.", " How do I get it repaired?",
       " Can I get a replacement?", " Is there a service centre near me?", " Is this a known fault?", " #help",
       " Not happy.", " Total waste of money.", " What's the fix?", " Suggestions?", " Kindly give a solution.",
       " Never buying this brand again.", " Is this covered?", " Who do I talk to?", " smh"]

# The same handles, and the same models, in complaints that are not about the goods.
OTHER_SUPPORT = [
    "can't log into my account, the reset link never loads",
    "your app signs me out every time I open it",
    "how do I redeem the promo code that came with my {m}?",
    "the warranty registration page won't accept my purchase date",
    "been on hold 50 minutes to ask one question",
    "the agent in chat just closed the conversation on me",
    "when is the {m} coming back in stock?",
    "does the {m} work with a Mac?",
    "the price of the {m} dropped the day after I bought it, will you match it?",
    "the staff at your service centre were so rude today",
    "your website won't take my card at checkout",
    "why do I need to make an account just to download a manual",
    "love my new {m}, honestly the best thing I bought this year",
    "thanks for sorting my issue so quickly yesterday, great support",
    "stop emailing me offers, I unsubscribed twice",
    "your new update moved every setting, why",
    "is there a student discount on the {m}?",
    "where can I find the user guide for the {m}?",
    "your subscription renewed without asking me first",
    "the trade-in credit for my old {m} still hasn't shown on my account",
    "the extended protection plan salesman would not take no for an answer",
    "I got charged twice for the same {m} order, please refund one",
    "the companion app needs permissions to my contacts? why",
    "cancelled my order before it shipped and still waiting for the money back",
    "your survey emails are relentless",
    "what time does the store close on Sunday?",
]

FOOD_HANDLES = ["@McDonalds", "@BurgerKing", "@KFC", "@Wendys", "@tacobell", "@pizzahut", "@dominos", "@subway",
                "@Arbys", "@PapaJohns", "@chipotle", "@Starbucks", "@DunkinDonuts", "@Greggs", "@fiveguys"]
DRINK_HANDLES = ["@budlight", "@CocaCola", "@pepsi", "@drpepper", "@MillerLite", "@CoorsLight", "@heineken",
                 "@Stella_Artois", "@redbull", "@MonsterEnergy", "@Tesco", "@sainsburys", "@Walmart", "@Costco"]
FOOD_NC = [
    "burger came with no patty in it. just bun and sauce",
    "paid for a large fries and got half a carton",
    "3rd time this month the drink was left out of my order",
    "where are the nuggets in this meal box?",
    "no spoon, no napkins, no sauce, again",
    "my breakfast wrap had no egg in it",
    "ordered 2 meals, got 1 meal and someone else's dessert",
    "the pizza came with every topping slid to one side of the box",
    "does this look like a large shake to you?",
    "the sandwich looks nothing like the menu picture",
    "forgot the fries. in a burger meal. how",
    "the chicken was pink in the middle",
    "left out half the sides we paid for on the family bucket",
    "my coffee was just hot milk, no coffee at all",
]
DRINK_NC = [
    "just opened a can that was completely flat",
    "the 12 pack had 10 cans in it",
    "bought a case today and the date on it passed last month",
    "my can had no ring pull on it",
    "this bottle tastes like plain water",
    "half the cans in the box were dented and leaking",
    "cap was already broken on the bottle I bought",
    "the crate handle ripped the second I picked it up and bottles everywhere",
    "there's something floating in my bottle",
    "sold me a six pack that was three months out of date",
]
FOOD_OTHER = [
    "waited 25 minutes at the drive thru with 2 cars in front",
    "the staff at the counter were laughing at customers",
    "why did the price of a meal go up again",
    "your app took my money but the order never went through to the store",
    "the restaurant toilets were disgusting",
    "the ice cream machine is broken. again. every time",
    "bring back the old recipe please",
    "love the new menu item, more of this",
    "the dining room was closed at 8pm for no reason",
    "your new ad is everywhere and it's so annoying",
]
CARRIERS = ["@UPS", "@UPSHelp", "@FedEx", "@FedExHelp", "@USPS", "@RoyalMail", "@DHL_UK", "@Hermesparcels",
            "@DPD_UK", "@canadapost", "@AusPost"]
CARRIER_DAMAGE = [
    "this is how my parcel turns up? box crushed flat",
    "delivered today and the {m} inside is broken",
    "your driver threw my package over the fence, now the screen is cracked",
    "package arrived soaking wet and everything inside is ruined",
    "box was ripped open and half of what I ordered is gone",
    "days late and then it shows up smashed. great job",
    "the glass in my parcel was in pieces, box had a boot print on it",
    "express envelope arrived folded in half and torn",
    "my {m} arrived with a huge dent, the box looked like it was dropped off a roof",
]
LATE_MORE = [
    "ordered 4 pizzas for a work lunch 2 hours ago and nothing",
    "confirmation says the pizza left 40 minutes after it should have arrived",
    "pre-ordered and the stores get it before my delivery even ships",
    "was told it would be dispatched the same day, it's been a week and still not sent",
    "the free gift with my order never came with it",
    "paid for next day, it's day 4 and tracking hasn't changed",
    "third time my paper wasn't on the doorstep this week",
    "my paper ends up in the street instead of at my door, or not at all",
    "order says ready for collection but the store can't find it, been twice",
    "courier claims 'severe weather' but it's sunny everywhere along the route",
    "my parcel has been to three different depots and none of them is near me",
    "supposed to arrive before christmas, now it says january",
    "order still processing after 12 days, not shipped, no answer",
    "the seller vanished after I paid and nothing was ever sent",
]
LATE_OTHER = [
    "never got the email with my activation code",
    "the replacement bank card you promised still hasn't come",
    "still no sign of the $50 credit you promised me",
    "the verification text never arrives",
    "your driver app says my ride is 2 minutes away for 20 minutes",
    "the voucher I won never showed up in my account",
    "my rebate check still hasn't arrived after 10 weeks",
]
DECOR = ["", "", "", " #fail", " #help", " 😡", " 🙄", " smh", " https://t.co/{link}", " pic.twitter.com/{link}",
         " #disappointed", " !!", " ...", " ugh", " #notimpressed", " 👎", " #customerservice", " #ripoff"]


def _link(rng: random.Random) -> str:
    return "".join(rng.choice("abcdefghijkmnopqrstuvwxyzABCDEFGHJ0123456789") for _ in range(10))


def _post(rng: random.Random, handle: str, text: str) -> str:
    """Place the handle, add a decoration, maybe type it sloppily."""
    opener = pick(rng, ["", "", "", "Hey ", "Hi ", "Yo ", "Hello ", "So ", "Wow. ", "Really "])
    spot = rng.random()
    if spot < 0.6:
        text = f"{opener}{handle} {text}"
    elif spot < 0.9:
        text = f"{opener}{text} {handle}"
    else:
        text = f"{opener}{text} {handle} {pick(rng, HANDLES + CARRIERS)}"
    text += pick(rng, DECOR).format(link=_link(rng))
    return casual(rng, text, SMS_TABLE) if rng.random() < 0.35 else text


def _model(rng: random.Random) -> tuple[str, str]:
    kind = pick(rng, sorted(MODELS))
    return kind, pick(rng, MODELS[kind])


def device_fault(rng: random.Random) -> str:
    kind, model = _model(rng)
    if rng.random() < 0.3:
        text = capitalise(pick(rng, INDIRECT).format(m=model, s=pick(rng, SYMPTOMS[kind])))
    else:
        lead = pick(rng, ["my ", "my ", "our ", "the ", "this ", "so my ", "my son's ", "the ", "my "])
        text = f"{lead}{pick(rng, AGE)}{model} {pick(rng, SYMPTOMS[kind])}{pick(rng, SINCE)}."
    return _post(rng, pick(rng, HANDLES), text + pick(rng, TRIED) + pick(rng, AFTERCARE) + pick(rng, ASK))


def support_other(rng: random.Random) -> str:
    _, model = _model(rng)
    return _post(rng, pick(rng, HANDLES), pick(rng, OTHER_SUPPORT).format(m=model) + maybe(rng, 0.3, pick(rng, ASK)))


def food_or_drink(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return _post(rng, pick(rng, FOOD_HANDLES), pick(rng, FOOD_NC))
    return _post(rng, pick(rng, DRINK_HANDLES), pick(rng, DRINK_NC))


def food_other(rng: random.Random) -> str:
    return _post(rng, pick(rng, FOOD_HANDLES), pick(rng, FOOD_OTHER))


def carrier_damage(rng: random.Random) -> str:
    _, model = _model(rng)
    return _post(rng, pick(rng, CARRIERS), pick(rng, CARRIER_DAMAGE).format(m=model))


def late_more(rng: random.Random) -> str:
    return _post(rng, pick(rng, CARRIERS + FOOD_HANDLES[:6] + ["@NYTimes", "@washingtonpost", "@eBay", "@ASOS"]),
                 pick(rng, LATE_MORE))


def late_other(rng: random.Random) -> str:
    return _post(rng, pick(rng, HANDLES + ["@Chase", "@Uber", "@PayPal"]), pick(rng, LATE_OTHER))

