"""Everyday posts that are not complaints about an order (label ``other``).

A public feed mixes complaints with chatter: sports, news, jokes, replies,
thanks, giveaways, questions. Without them the model would force every
unfamiliar English text into a product category.
"""

from __future__ import annotations

import random

from helpdesk.triage.corpusgen.common import casual, pick
from helpdesk.triage.corpusgen.en_vocab import SMS_TABLE

PEOPLE = ["@jess_m", "@bigdave77", "@coach_k", "@mariah_b", "@tomwrites", "@the_real_sam", "@news_junkie", "@lilyrose",
          "@dannyboy", "@amyzing", "@katiecooks", "@mike_on_air"]
BRANDS = ["@Target", "@Starbucks", "@Nike", "@AmazonHelp", "@SamsungSupport", "@Walmart", "@Spotify", "@netflix",
          "@BestBuy", "@Sephora", "@McDonalds", "@UPS"]
LINES = [
    "that game last night was unreal, what a comeback", "refs blew that call and everyone saw it",
    "can't believe it's snowing again in april", "who's watching the finale tonight??", "new episode was so good omg",
    "this song has been stuck in my head all week", "so proud of my little sister graduating today",
    "monday again, need coffee", "anyone know a good mechanic downtown?", "happy birthday to my best friend",
    "voting today, go make your voice heard", "the senate bill is a joke, call your reps", "read this thread, wow",
    "giving away 3 signed copies, retweet to enter", "we're hiring! link in bio", "first day at the new job, wish me luck",
    "that's what she said", "don't make assumptions", "lol same", "this is the best thing I've seen all day",
    "traffic on the highway is insane right now", "finally finished my chemistry homework", "great podcast episode, give it a listen",
    "so tired of this weather", "who else is going to the concert saturday", "just ran my first 10k!",
    "the onion joke got me", "this meme is too accurate", "thank you all for 1000 followers", "can't sleep, anyone up?",
    "our team won the league!!", "when is the next season coming out", "cooking lasagna tonight, any tips",
    "unpopular opinion: pineapple on pizza is fine", "proud of this community today", "rain delay at the ballpark again",
    "the sunset tonight was beautiful", "my dog learned a new trick", "studying for finals all weekend",
    "welcome to the team, excited to work with you", "congrats on the new album!", "see you all at the meetup",
]
BRAND_LINES = [
    "thank you so much for sorting that out!!", "just sent you a DM", "DM'd you the details", "you guys are the best",
    "love the new holiday cups", "what time do you open on sunday?", "is the sale online only?",
    "shoutout to the staff at the mall store, so friendly", "any plans to bring back the old recipe?",
    "the new ad is hilarious", "can't wait for the new collection", "just followed you back", "best purchase of the year",
    "happy to help, thanks for reaching out", "will you be at the trade show?", "do you have a student discount?",
    "your new app design looks great", "congrats on the anniversary!", "ok thanks, will try that",
]


def chatter(rng: random.Random) -> str:
    """A non-complaint post, sometimes a reply or a note to a brand."""
    if rng.random() < 0.45:
        text = f"{pick(rng, BRANDS)} {pick(rng, BRAND_LINES)}"
    else:
        text = pick(rng, LINES)
        if rng.random() < 0.4:
            text = f"{pick(rng, PEOPLE)} {text}"
    if rng.random() < 0.35:
        link = "".join(rng.choice("abcdefghijkmnopqrstuvwxyz0123456789") for _ in range(10))
        text += pick(rng, [f" https://t.co/{link}", " #blessed", " #tbt", " 😂", " ❤️", " #gameday", " 🙌", " …"])
    return casual(rng, text, SMS_TABLE) if rng.random() < 0.4 else text
