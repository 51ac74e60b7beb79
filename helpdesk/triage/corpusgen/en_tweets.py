"""English complaint tweets: @brand mentions, hashtags, abbreviations, links.

Public complaints are short and informal, and many are about services
(airlines, telecoms, banks, restaurants, apps) rather than shipped goods:
those are ``other``. Decorations (hashtags, emojis, links) are drawn from the
same pool for every category so they carry no label.
"""

from __future__ import annotations

import random

from helpdesk.triage.corpusgen.common import casual, pick
from helpdesk.triage.corpusgen.en_vocab import SMS_TABLE

SHOP_BRANDS = ["@AmazonHelp", "@Walmart", "@Target", "@BestBuy", "@Argos_Online", "@asos", "@Zara", "@HM",
               "@Nike", "@adidas", "@IKEA", "@Wayfair", "@eBay", "@Etsy", "@Currys", "@JohnLewis", "@Boots",
               "@Sephora", "@HomeDepot", "@Lowes", "@Kohls", "@Macys", "@Nordstrom", "@newegg", "@Dell",
               "@HP", "@Samsung", "@SamsungSupport", "@AppleSupport", "@Sony", "@Whirlpool", "@BlackandDecker"]
CARRIER_BRANDS = ["@UPSHelp", "@UPS", "@FedEx", "@USPS", "@RoyalMail", "@DHL", "@Evri", "@DPD_UK", "@AmazonHelp"]
SERVICE_BRANDS = ["@Comcast", "@XfinitySupport", "@Verizon", "@ATT", "@TMobile", "@Sprint", "@BT_UK", "@VirginMedia",
                  "@Delta", "@united", "@AmericanAir", "@SouthwestAir", "@British_Airways", "@Ryanair", "@easyJet",
                  "@Uber", "@lyft", "@Spotify", "@netflix", "@BankofAmerica", "@Chase", "@WellsFargo", "@Barclays",
                  "@Starbucks", "@McDonalds", "@Dominos", "@Wendys", "@chipotle", "@Hilton", "@Marriott",
                  "@Expedia", "@Airbnb", "@Ticketmaster", "@PayPal", "@Uber_Support", "@Hulu", "@DIRECTV"]
FOOD_BRANDS = ["@McDonalds", "@Dominos", "@UberEats", "@DoorDash", "@Deliveroo", "@JustEatUK", "@Wendys", "@tacobell"]

LATE = [
    "where is my package?? tracking hasn't moved in {n} days",
    "package says delivered. it was NOT delivered. where is it",
    "been \"out for delivery\" since {day}, what is going on",
    "ordered on {date}, still no sign of it and no response from anyone",
    "my parcel has been sitting at your depot for a week",
    "driver marked my package delivered and it's nowhere to be found",
    "3rd missed delivery this month, I was home the whole time and nobody knocked",
    "so my order was supposed to be here {day}, now it says delayed with no new date",
    "tracking number doesn't even work, did you actually ship it?",
    "you left my package on the porch and now it's gone, stolen",
    "still waiting on an order from 3 weeks ago, nobody can tell me where it is",
    "promised 2 day shipping, it's day {n}",
    "my christmas gifts still haven't arrived and it's the 23rd",
    "paper didn't come again this morning, third time this week",
    "package went to the wrong state apparently",
    "item says shipped but tracking says label created for {n} days",
    "you lost my package and now want me to wait another week",
    "when will my order actually ship? it's been in processing forever",
    "delivery guy just drove past my house and marked it as attempted",
    "can someone explain why my parcel is going back and forth between two hubs",
    "my order never showed up and I want my money back",
    "still no delivery, no update, no reply to my emails",
    "the delivery window came and went, nothing",
    "newspaper delivery missed again today",
]
RETURN = [
    "returned my order {n} weeks ago and still no refund",
    "you received my return on {date}, where's my money",
    "how hard is it to process a refund for a return??",
    "why won't you accept my return? it's within 30 days with the receipt",
    "the courier never came to collect my return, 2nd time",
    "trying to exchange a jacket for a bigger size and your site won't let me",
    "want to return a dress that doesn't fit and the return label link is broken",
    "store refused my return because I lost the receipt, seriously?",
    "still waiting on my refund for the shoes I sent back",
    "changed my mind on an order that hasn't even been opened and you want to charge me a restocking fee",
    "your return policy says free returns but you charged me for shipping it back",
    "sent the item back over a month ago, tracking shows you got it. refund please",
    "need to swap these for a size up, how do I do that",
    "why is a simple exchange this complicated",
    "bought the wrong model, returned it unopened, still no refund",
]
NONCONF = [
    "brand new {p} and it's already broken",
    "my {p} stopped working after {n} days, not impressed",
    "opened the box and the {p} screen was cracked",
    "ordered a blue one and got a pink one. great",
    "my order came with half the items missing",
    "the {p} you sent me is clearly used, there are scratches all over it",
    "{p} arrived smashed to pieces",
    "shoes fell apart after two weeks of wearing them",
    "bought a new fridge and it stopped cooling within a month",
    "your {p} died right after the warranty ended, now you won't fix it",
    "order arrived with the wrong item inside",
    "received an empty box from you today",
    "the milk I bought yesterday was already expired",
    "there was mould on the bread I bought this morning",
    "my burger order was missing the fries again",
    "got the wrong order at the drive thru and missing a drink",
    "the {p} I received is nothing like the picture",
    "this {p} is a knockoff, not the real thing",
    "charger stopped working after a week, 2nd replacement already",
    "washing machine making a horrible noise after 3 uses",
    "the zipper on my new bag broke the first day",
    "my laptop keeps overheating and shutting down, it's 2 weeks old",
    "the headphones only work on one side",
    "paint chipped off the {p} the first time I used it",
    "dishwasher leaking all over my kitchen floor, installed last week",
    "the vacuum lost suction after a month",
    "the tv has a line across the screen, it's 3 months old and they refuse to replace it",
    "the package was soaked and everything inside ruined",
]
OTHER = [
    "my internet has been down all day again",
    "been on hold for 2 hours to talk to someone",
    "flight delayed 4 hours and no explanation",
    "cancelled my flight and won't refund me, only a voucher",
    "lost my luggage and nobody at the desk cares",
    "your app keeps crashing every time I try to log in",
    "charged me twice for my subscription this month",
    "why did my bill go up $20 without any notice",
    "the barista was so rude to me this morning",
    "worst customer service I've ever experienced",
    "my card got declined for no reason and now my account is frozen",
    "your staff at the {city} store were incredibly rude",
    "prices went up again and the portions got smaller",
    "the wifi on this train has not worked once",
    "no signal at all in my area for 3 days now",
    "the website has been down all morning",
    "I've been trying to cancel my membership for months",
    "the hotel room was filthy and they wouldn't move us",
    "my driver cancelled 3 times in a row and I missed my appointment",
    "love the new store layout, great job",
    "thanks for the quick help today, really appreciated",
    "any chance you'll restock the {p} soon?",
    "do you ship to Canada?",
    "your ad is so annoying, stop showing it to me",
    "coupon wouldn't scan at checkout and the manager didn't care",
    "the line at the store was 45 minutes with only one register open",
    "why do you keep sending me spam emails after I unsubscribed",
    "you cancelled my order without telling me",
    "my cashback never showed up",
    "another outage?? this is the third this week",
    "waited 40 minutes for a table and then they forgot our order",
    "the food was cold and the waiter ignored us all night",
    "streaming keeps buffering even on the premium plan",
    "my points disappeared from my rewards account",
    "the password reset email never arrives",
    "paypal froze my account and won't say why",
    "can't believe you closed the only store in our town",
    "your phone support hangs up on me every time",
    "price matching policy is a joke",
    "hey is the sale on in store too or just online?",
    "shoutout to the team at the downtown branch, super helpful",
    "power out again in our neighbourhood",
    "roaming charges on my bill I never agreed to",
    "my bank charged an overdraft fee on a pending transaction",
    "mobile banking app logged me out mid transfer",
    "they overbooked the flight and bumped us",
    "the gym keeps charging me after I cancelled",
    "why does checkout require an account now",
    "the self checkout machines never work",
    "the installer never showed up for my cable appointment",
    "got a parking ticket in your own customer lot, ridiculous",
    "your chatbot is useless, I just want a human",
    "that new commercial is hilarious lol",
    "just finished my first week at the new job, loving it",
    "is anyone else's app not loading?",
]
DECOR_START = ["", "", "", "hey ", "yo ", ".", "Dear ", "wow ", "so ", "ok "]
DECOR_END = ["", "", "", " #fail", " #customerservice", " #disappointed", " 😡", " 🙄", " smh", " https://t.co/{link}",
             " #neveragain", " thanks for nothing", " !!!", " 😤😤", " #badservice", " pls help", " ...", " ugh",
             " @{other}", " #help", " 👎", " lol", " #annoyed"]


def tweet(rng: random.Random, label: str, slots: dict[str, str]) -> str:
    """A tweet: optional greeting, @brand, complaint, decoration."""
    if label == "late_delivery":
        brand, body = pick(rng, CARRIER_BRANDS + SHOP_BRANDS[:10]), pick(rng, LATE)
    elif label == "return":
        brand, body = pick(rng, SHOP_BRANDS), pick(rng, RETURN)
    elif label == "non_conformity":
        brand, body = pick(rng, SHOP_BRANDS + FOOD_BRANDS[:4]), pick(rng, NONCONF)
    else:
        brand, body = pick(rng, SERVICE_BRANDS + SHOP_BRANDS[:8]), pick(rng, OTHER)
    text = body.format(**slots)
    start = pick(rng, DECOR_START)
    position = rng.random()
    if position < 0.6:
        text = f"{start}{brand} {text}"
    elif position < 0.85:
        text = f"{start}{text} {brand}"
    else:
        text = f"{start}{text}"
    extra = {"link": "".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGH0123456789") for _ in range(10)),
             "other": pick(rng, ["AskAmex", "Support", "HelpDesk", "CustomerCare"])}
    text += pick(rng, DECOR_END).format(**extra)
    return casual(rng, text, SMS_TABLE) if rng.random() < 0.5 else text
