"""`helpdesk demo`: a Moroccan demo merchant with staff, a mediation service and realistic tickets."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from .cli import emit, fails_cleanly, finish_jobs
from .extensions import db


@click.command("demo")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
@fails_cleanly
def demo(as_json: bool) -> None:
    """Seed a demo merchant, users, integrations and tickets, then print the logins (safe to run twice)."""
    from .demo import seed_demo

    logins = seed_demo()
    db.session.commit()
    finish_jobs()
    lines = ["Demo ready. Log in at /login with:"] + [
        f"  {row['role']:<10} {row['email']:<32} {row['password']}" for row in logins["users"]]
    lines.append(f"Demo shop widget key: {logins['widget_key']}")
    lines.append("Try the shopper's side: the demo shop page /demo/shop embeds the widget.")
    emit(logins, as_json, "\n".join(lines))
