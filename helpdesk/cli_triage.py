"""`helpdesk classify` and `helpdesk train` (SPEC 8)."""
from __future__ import annotations

import json
import sys
from typing import IO

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from .cli import emit, fails_cleanly
from .extensions import db


def _model():  # type: ignore[no-untyped-def]
    """The newest shared model when the database has one, else the base model built from the package."""
    from .triage import registry
    from .triage.base import base_model

    try:
        return registry.model_for(None)
    except SQLAlchemyError:
        db.session.rollback()
        return base_model()  # a fresh install with no schema yet still classifies


@click.command("classify")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
@with_appcontext
@fails_cleanly
def classify(source: IO[str]) -> None:
    """Read JSON lines with `subject` and `body`; write JSON lines with `category` and `confidence`, in order."""
    from .intake.quoting import new_text

    model = _model()
    out = sys.stdout
    for number, line in enumerate(source, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            subject, body = str(row.get("subject") or ""), str(row.get("body") or "")
        except (ValueError, AttributeError) as exc:
            raise click.ClickException(f"line {number}: not a JSON object with subject and body ({exc})") from None
        prediction = model.predict(subject, new_text(body))
        out.write(json.dumps({"category": prediction.category, "confidence": round(prediction.confidence, 4)})
                  + "\n")
    out.flush()


@click.command("train")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
@fails_cleanly
def train(as_json: bool) -> None:
    """Retrain triage with the project's corpus and the agents' corrections."""
    from .triage.training import train_models

    results = train_models()
    db.session.commit()
    emit({"models": [r.__dict__ for r in results]}, as_json,
         "\n".join(f"{'merchant ' + str(r.merchant_id) if r.merchant_id else 'shared'}: version {r.version}, "
                   f"{r.examples} examples ({r.corrections} corrections)" for r in results))


COMMANDS = (classify, train)
