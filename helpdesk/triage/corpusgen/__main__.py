"""Write the generated corpus files: ``python -m helpdesk.triage.corpusgen``."""

from __future__ import annotations

import json
import random
from pathlib import Path

from helpdesk.triage.corpusgen import (
    en_build,
    en_chatter,
    en_services,
    en_social,
    en_support,
    en_tweets,
    fr_build,
    fr_reports,
    fr_services,
    fr_signalements,
    hard,
    mixed,
)
from helpdesk.triage.corpusgen.common import Row, clean_spaces, dedupe
from helpdesk.triage.corpusgen.free_en import FREE_EN
from helpdesk.triage.corpusgen.free_fr import FREE_FR

LABELS = ("late_delivery", "return", "non_conformity", "other")
OUT = Path(__file__).resolve().parent.parent / "corpus"


def _row(lang: str, label: str, body: str, subject: str = "") -> Row:
    return {"lang": lang, "subject": clean_spaces(subject), "body": clean_spaces(body), "label": label}


def french(rng: random.Random) -> list[Row]:
    rows = [_row("fr", lab, b, s) for lab in LABELS for s, b in (fr_build.build(rng, lab) for _ in range(260))]
    rows += [_row("fr", "other", fr_services.service_report(rng, fr_build.slots(rng))) for _ in range(650)]
    for label in ("late_delivery", "return", "non_conformity"):
        rows += [_row("fr", label, fr_services.product_report(rng, label, fr_build.slots(rng))) for _ in range(45)]
    rows += [_row("fr", "non_conformity", fr_reports.faulty_report(rng)) for _ in range(260)]
    rows += [_row("fr", "non_conformity", fr_reports.meal_order(rng)) for _ in range(25)]
    rows += [_row("fr", *fr_services.refund_or_late(rng, fr_build.slots(rng))) for _ in range(120)]
    rows += signalements(random.Random(11))
    more = random.Random(23)
    rows += [_row("fr", lab, b, s) for lab in LABELS for s, b in (fr_build.build(more, lab) for _ in range(150))]
    return rows + [_row("fr", label, text) for label, text in FREE_FR]


def english(rng: random.Random) -> list[Row]:
    rows = [_row("en", lab, b, s) for lab in LABELS for s, b in (en_build.build(rng, lab) for _ in range(250))]
    counts = {"late_delivery": 140, "return": 80, "non_conformity": 170, "other": 320}
    for label, n in counts.items():
        rows += [_row("en", label, en_tweets.tweet(rng, label, en_build.slots(rng))) for _ in range(n)]
    rows += [_row("en", "other", en_services.service_complaint(rng, en_build.slots(rng))) for _ in range(200)]
    rows += [_row("en", "non_conformity", en_social.faulty_post(rng)) for _ in range(330)]
    rows += [_row("en", "other", en_chatter.chatter(rng)) for _ in range(260)]
    rows += [_row("en", "late_delivery", en_social.late_post(rng)) for _ in range(220)]
    rows += [_row("en", "return", en_social.return_post(rng)) for _ in range(90)]
    rows += support_posts(random.Random(12))
    more = random.Random(24)
    rows += [_row("en", lab, b, s) for lab in LABELS for s, b in (en_build.build(more, lab) for _ in range(150))]
    return rows + [_row("en", label, text) for label, text in FREE_EN]


def signalements(rng: random.Random) -> list[Row]:
    """Long consumer-authority reports, where defect words appear in every category."""
    makers = {"non_conformity": (fr_signalements.non_conformity, 260), "late_delivery": (fr_signalements.late_delivery, 120),
              "return": (fr_signalements.return_request, 120), "other": (fr_signalements.service, 320)}
    return [_row("fr", label, make(rng)) for label, (make, n) in makers.items() for _ in range(n)]


def support_posts(rng: random.Random) -> list[Row]:
    """Posts to brands' support handles: hardware faults, food and drink, carriers, and their look-alikes."""
    makers = [("non_conformity", en_support.device_fault, 380), ("other", en_support.support_other, 220),
              ("non_conformity", en_support.food_or_drink, 160), ("other", en_support.food_other, 60),
              ("non_conformity", en_support.carrier_damage, 90), ("late_delivery", en_support.late_more, 130),
              ("other", en_support.late_other, 60)]
    return [_row("en", label, make(rng)) for label, make, n in makers for _ in range(n)]


def code_switched(rng: random.Random) -> list[Row]:
    return [_row("mixed", lab, mixed.build(rng, lab, lang)) for lab in LABELS for lang in ("fr", "en") for _ in range(40)]


def hard_cases(rng: random.Random) -> list[Row]:
    rows = [_row(_lang(text), label, text) for label, text in hard.NEGATION + hard.QUOTED]
    for lang in ("fr", "en"):
        rows += [_row(lang, *hard.intent_vs_reason(rng, lang)) for _ in range(90)]
    return rows


def _lang(text: str) -> str:
    from helpdesk.triage.language import detect_language

    return detect_language(text)


def write(name: str, rows: list[Row]) -> None:
    rows = dedupe(rows)
    with open(OUT / name, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)
    print(f"{name}: {len(rows)} rows")


def main() -> None:
    write("fr.jsonl", french(random.Random(1)))
    write("en.jsonl", english(random.Random(2)))
    write("mixed.jsonl", code_switched(random.Random(3)))
    write("hard.jsonl", hard_cases(random.Random(4)))


if __name__ == "__main__":
    main()
