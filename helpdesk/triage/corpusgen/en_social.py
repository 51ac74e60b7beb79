"""Compositional English social posts about products: what broke, how old, what now.

Real complaint tweets describe faults indirectly ("2 month old washer, 3rd
repair visit"), mention the brand anywhere, and rarely say "defective". The
parts below combine into thousands of distinct posts about faulty goods,
lost parcels and returns; services are covered in ``en_tweets``.
"""

from __future__ import annotations

import random

from helpdesk.triage.corpusgen.common import casual, maybe, pick
from helpdesk.triage.corpusgen.en_tweets import DECOR_END, SHOP_BRANDS
from helpdesk.triage.corpusgen.en_vocab import SMS_TABLE

GOODS = {
    "appliance": (["washer", "dryer", "fridge", "dishwasher", "oven", "microwave", "freezer", "range hood", "stand mixer",
                   "toaster", "kettle", "vacuum", "coffee maker", "air fryer", "ice maker", "water heater"],
                  ["won't turn on", "stopped working", "is leaking water everywhere", "isn't cooling anymore",
                   "won't heat up", "won't spin", "keeps flashing an error code", "makes a grinding noise",
                   "smells like burning plastic", "tripped the breaker and died", "door won't close properly",
                   "is rusting inside", "blew a fuse the first time I used it", "lost suction after a month",
                   "has a cracked glass door", "leaves everything soaking wet"]),
    "device": (["laptop", "phone", "tablet", "tv", "smart tv", "headphones", "earbuds", "kindle", "game controller",
                "console", "printer", "smartwatch", "camera", "speaker", "charger", "monitor", "keyboard", "mouse"],
               ["won't charge", "keeps freezing", "won't boot", "died out of nowhere", "has dead pixels",
                "has no sound on one side", "overheats and shuts down", "battery is swelling", "keeps restarting",
                "screen cracked on its own", "buttons stopped responding", "won't connect to anything",
                "has a flickering screen", "cuts out every few minutes", "won't hold a charge past noon",
                "arrived with a scratched screen"]),
    "clothes": (["shoes", "boots", "sneakers", "jeans", "jacket", "hoodie", "leggings", "dress", "coat", "bag",
                 "backpack", "sweater", "shirt", "sandals", "watch strap", "wallet"],
                ["fell apart", "ripped at the seam", "shrank two sizes after one wash", "sole came off",
                 "zipper broke", "colour ran all over my other clothes", "are already pilling", "heel snapped",
                 "strap snapped", "button fell off the first day", "is see-through", "faded after one wash",
                 "started peeling", "has a hole in it", "stitching came undone", "stained my skin blue"]),
    "beauty": (["foundation", "lipstick", "mascara", "palette", "perfume", "moisturiser", "shampoo", "face cream",
                "nail polish", "hair dryer", "straightener"],
               ["gave me a rash", "arrived smashed", "smells off", "is separated and clumpy",
                "leaked all over the box", "is half empty", "is clearly a fake", "stopped heating after a week",
                "is a completely different shade than shown", "was already opened", "broke in my bag"]),
    "tools": (["drill", "saw", "lawn mower", "leaf blower", "sander", "strimmer", "pressure washer", "battery pack"],
              ["won't start", "died after two uses", "battery won't charge", "motor burned out", "chuck is wobbly",
               "cracked housing right out of the box", "cuts out under any load"]),
    "vehicle": (["car", "truck", "SUV", "motorbike", "e-bike"],
                ["has had a check engine light since week one", "leaks oil on my driveway", "has mould in the vents",
                 "stalls at every junction", "transmission slips constantly"]),
    "drink": (["beer", "soda", "energy drink", "sparkling water"],
              ["was completely flat", "was past its date on the shelf", "tasted like plain water", "can had no tab"]),
}
AGES = ["brand new", "2 week old", "3 month old", "less than a year old", "new", "just bought a", "6 week old",
        "one month old", "barely used", "my new", "this new", "the", "my", "our new"]
AFTER = ["", "", "", " and you won't replace it", " and the warranty ran out last week apparently",
         " - 3rd one this year", " and support says it's my fault", " what a waste of money", " never buying again",
         " and it's been repaired twice already", " tech came out twice, still broken", " i want a replacement",
         " and the store won't take it back", " and customer care keeps bouncing me around",
         " paid good money for this", " can someone help", " is this normal??", " how is this acceptable"]
FOOD_NC = [
    "ordered a large and got a small", "my order was missing the fries again", "half my order wasn't in the bag",
    "got someone else's order in my delivery", "the milk i bought today expired last week",
    "mouldy bread straight off your shelf", "bag of chips was more air than chips, half empty",
    "found a piece of plastic in my cereal", "the strawberries were rotten under the top layer",
    "the meat I bought smelled off the day I bought it", "delivery came with the drinks spilled all over",
    "my pizza arrived with the wrong toppings", "no sauce, no cutlery, and a cold burger",
    "bucket meal was missing the popcorn chicken", "they forgot my chips twice in a row at the drive thru",
    "ordered the tower burger and got a plain one", "no spoon with my meal box again, how do i eat this",
    "the eggs were all cracked in the carton", "the yogurt was swollen and past date",
]
LATE_PARTS = (
    ["my package", "my parcel", "my order", "my delivery", "the box", "my shipment", "the gift i ordered",
     "my replacement", "my phone", "the furniture"],
    ["has been stuck in transit for a week", "was marked delivered but isn't here", "is 5 days late",
     "still says label created", "went to the wrong city", "has been out for delivery since tuesday",
     "hasn't moved in 9 days", "was left at the wrong house", "got lost in your warehouse",
     "keeps getting rescheduled", "is sitting at the depot and nobody will deliver it",
     "was supposed to come yesterday", "disappeared from tracking", "got returned to sender for no reason",
     "is still not here after 3 weeks", "has been delayed again"],
)
LATE_EXTRA = [
    "ordered pizza for the office 2 hours ago and it's still not here",
    "takeaway said 30 min, it's been 90 and the driver is going the other way on the map",
    "the morning paper hasn't been delivered all week, I pay for home delivery",
    "my newspaper keeps getting thrown in the bushes or not delivered at all",
    "paying for a print subscription and the paper never shows up",
    "pre-ordered a month ago and it still hasn't shipped while stores already have it",
    "promised for arrival today, it only just got dispatched",
    "your shipping promises mean nothing, 'next day' turned into a week",
    "can anyone tell me where my order from the 27th is?",
    "why does my parcel travel 300 miles in the wrong direction before coming back",
    "the courier keeps blaming the weather, it's sunny here",
    "my online order still isn't ready for pickup a week later",
    "grocery delivery slot came and went, no driver, no call",
    "flowers for my mum's birthday never turned up",
    "my package has been 'delayed due to weather' for 6 days",
    "ordered on black friday, still nothing, no updates",
    "the carrier you use is hopeless, third parcel that never arrived",
    "meal kit box didn't come this week and the food will be spoiled",
]
RETURN_PARTS = [
    "returned {x} {n} weeks ago and still no refund", "how long does a refund take after you get the return?",
    "your store won't take back {x} i bought 3 days ago, receipt and all", "trying to exchange {x} for a bigger size",
    "sent {x} back, tracking says you got it, where's my money", "the return label for {x} won't print",
    "need a return pickup for {x}, courier never came", "refund for {x} still pending after a month",
    "want to swap {x} for another colour, how", "changed my mind on {x}, still sealed, need to return it",
]


def _brand(rng: random.Random, text: str) -> str:
    brand = pick(rng, SHOP_BRANDS + ["@Whirlpool", "@LGUS", "@MicrosoftHelps", "@Xbox", "@PlayStation",
                                     "@BoseService", "@canonusa", "@Fitbit", "@MACcosmetics", "@Maybelline"])
    spot = rng.random()
    if spot < 0.5:
        return f"{brand} {text}"
    if spot < 0.85:
        return f"{text} {brand}"
    return text


def _decorate(rng: random.Random, text: str) -> str:
    link = "".join(rng.choice("abcdefghijkmnopqrstuvwxyzABCDEFG0123456789") for _ in range(10))
    text += pick(rng, DECOR_END).format(link=link, other="Support")
    return casual(rng, text, SMS_TABLE) if rng.random() < 0.5 else text


def faulty_post(rng: random.Random) -> str:
    if rng.random() < 0.18:
        return _decorate(rng, _brand(rng, pick(rng, FOOD_NC)))
    items, faults = GOODS[pick(rng, sorted(GOODS))]
    age = pick(rng, AGES)
    lead = pick(rng, ["my ", "our ", "", "so my ", "the "]) if age not in {"my", "the", "my new", "this new", "our new", "just bought a"} else ""
    text = f"{lead}{age} {pick(rng, items)} {pick(rng, faults)}{pick(rng, AFTER)}"
    return _decorate(rng, _brand(rng, text.strip()))


def late_post(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return _decorate(rng, _brand(rng, pick(rng, LATE_EXTRA)))
    subject, status = LATE_PARTS
    text = f"{pick(rng, subject)} {pick(rng, status)}" + maybe(rng, 0.4, pick(rng, [
        ", no one can tell me where it is", " and your chat is useless", ". where is it??", ", tracking is a joke",
        " and i needed it for a birthday", ". 3rd time this month", " - any update?"]))
    return _decorate(rng, _brand(rng, text))


def return_post(rng: random.Random) -> str:
    x = pick(rng, ["the shoes", "a jacket", "my order", "the dress", "a blender", "the headphones", "these jeans"])
    text = pick(rng, RETURN_PARTS).format(x=x, n=rng.choice([2, 3, 4, 5, 6]))
    return _decorate(rng, _brand(rng, text))
