"""Commands that set the platform up: merchants, mediation services, users, tokens, integrations, serving."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from .auth import accounts
from .cli import emit, fails_cleanly
from .errors import ValidationFailed
from .extensions import db
from .models import Role


def _pairs(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ValidationFailed(f"--identifier takes KEY=VALUE, got {item!r}")
        out[key.strip().lower()] = value.strip()
    return out


@click.command("create-merchant")
@click.argument("slug")
@click.option("--name", required=True, help="The shop's name, as shoppers know it.")
@click.option("--country", default="MA", show_default=True)
@click.option("--timezone", default="Africa/Casablanca", show_default=True)
@click.option("--language", default="fr", show_default=True, type=click.Choice(["fr", "en", "ar"]))
@click.option("--mediation-service", default=None, help="Slug of the service its escalations go to.")
@click.option("--allowed-origin", "allowed_origins", multiple=True, help="A shop origin allowed to post the widget.")
@click.option("--identifier", "identifiers", multiple=True, help="ice=…, rc=… (Morocco) or siren=… (France).")
@click.option("--json", "as_json", is_flag=True, help="Print what was created as one JSON object.")
@with_appcontext
@fails_cleanly
def create_merchant(slug: str, name: str, country: str, timezone: str, language: str, mediation_service: str | None,
                    allowed_origins: tuple[str, ...], identifiers: tuple[str, ...], as_json: bool) -> None:
    """Create a merchant and print its widget key."""
    from .merchants import create_merchant as create

    merchant = create(slug, name, country=country, timezone=timezone, language=language,
                      mediation_service=mediation_service, allowed_origins=list(allowed_origins),
                      identifiers=_pairs(identifiers))
    db.session.commit()
    emit({"slug": merchant.slug, "name": merchant.name, "country": merchant.country, "timezone": merchant.timezone,
          "language": merchant.language, "widget_key": merchant.widget_key,
          "mediation_service": merchant.mediation_service.slug if merchant.mediation_service else None,
          "allowed_origins": merchant.allowed_origins, "identifiers": merchant.identifiers},
         as_json, f"merchant {merchant.slug} created; widget key: {merchant.widget_key}")


@click.command("create-mediation-service")
@click.argument("slug")
@click.option("--name", required=True)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
@fails_cleanly
def create_mediation_service(slug: str, name: str, as_json: bool) -> None:
    """Create a neutral mediation service."""
    from .merchants import create_mediation_service as create

    service = create(slug, name)
    db.session.commit()
    emit({"slug": service.slug, "name": service.name}, as_json, f"mediation service {service.slug} created")


@click.command("create-user")
@click.argument("email")
@click.option("--password", required=True)
@click.option("--merchant", "merchant_slug", default=None)
@click.option("--mediation-service", "service_slug", default=None)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--name", default="")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
@fails_cleanly
def create_user(email: str, password: str, merchant_slug: str | None, service_slug: str | None, role: str,
                name: str, as_json: bool) -> None:
    """Create a staff user, a mediator or a platform admin."""
    from .merchants import mediation_service_by_slug, merchant_by_slug

    merchant = merchant_by_slug(merchant_slug) if merchant_slug else None
    service = mediation_service_by_slug(service_slug) if service_slug else None
    user = accounts.create_user(email, password, Role(role), merchant=merchant, mediation_service=service, name=name)
    db.session.commit()
    emit({"email": user.email, "role": user.role.value, "merchant": merchant.slug if merchant else None,
          "mediation_service": service.slug if service else None}, as_json, f"user {user.email} ({role}) created")


@click.command("create-token")
@click.argument("email")
@click.option("--name", default="", help="What the token is for.")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
@fails_cleanly
def create_token(email: str, name: str, as_json: bool) -> None:
    """Create an API token for a user; it is printed once and stored only as a hash."""
    user = accounts.user_by_email(email)
    row, token = accounts.create_token(user, name)
    db.session.commit()
    emit({"token": token, "email": user.email, "prefix": row.prefix}, as_json, token)


@click.command("add-integration")
@click.argument("slug")
@click.argument("kind", type=click.Choice(["shopify", "woocommerce", "generic"]))
@click.option("--secret", required=True, help="The webhook signing secret (16 characters or more).")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
@fails_cleanly
def add_integration(slug: str, kind: str, secret: str, as_json: bool) -> None:
    """Connect a storefront; adding the same kind again rotates its secret (the old one stays valid)."""
    from .intake.integrations import save_integration
    from .merchants import merchant_by_slug

    merchant = merchant_by_slug(slug)
    integration, rotated = save_integration(merchant, kind, secret)
    db.session.commit()
    path = f"/hooks/{kind}/{merchant.slug}"
    emit({"merchant": merchant.slug, "kind": kind, "path": path, "rotated": rotated}, as_json,
         f"{kind} integration {'rotated' if rotated else 'added'} for {merchant.slug}: POST {path}")


@click.command("check-chain")
@click.argument("refs", nargs=-1)
@click.option("--merchant", "merchant_slug", default=None, help="Check every ticket of this merchant.")
@with_appcontext
@fails_cleanly
def check_chain(refs: tuple[str, ...], merchant_slug: str | None) -> None:
    """Verify the hash chain of tickets' timelines; exits 1 naming any ticket whose history was edited."""
    from sqlalchemy import select

    from .merchants import merchant_by_slug
    from .models import Ticket
    from .tickets.timeline import verify_chain

    stmt = select(Ticket).order_by(Ticket.id)
    if refs:
        stmt = stmt.where(Ticket.ref.in_([r.upper() for r in refs]))
    if merchant_slug:
        stmt = stmt.where(Ticket.merchant_id == merchant_by_slug(merchant_slug).id)
    broken = 0
    for ticket in db.session.scalars(stmt).yield_per(500):
        report = verify_chain(ticket)
        if not report.ok:
            broken += 1
            click.echo(f"{report.ticket_ref}: BROKEN at event {report.broken_at}: {report.reason}")
        else:
            click.echo(f"{report.ticket_ref}: ok ({report.events} events)")
    if broken:
        raise click.ClickException(f"{broken} ticket(s) with an edited history")


@click.command("replay-delivery")
@click.argument("delivery_ids", nargs=-1, type=int, required=True)
@with_appcontext
@fails_cleanly
def replay_delivery(delivery_ids: tuple[int, ...]) -> None:
    """Put failed inbound deliveries back in the queue."""
    from .cli import finish_jobs
    from .intake.journal import replay

    for delivery_id in delivery_ids:
        replay(delivery_id)
    db.session.commit()
    finish_jobs()
    click.echo(f"{len(delivery_ids)} deliveries queued again", err=True)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=None, type=int, help="Web processes (default 1 embedded, 2 with Redis).")
@with_appcontext
def serve(host: str, port: int, workers: int | None) -> None:
    """Serve the web app with gunicorn; with no REDIS_URL, jobs and schedules run in this process."""
    from .serving import run

    if not current_app.config.get("HELPDESK_BASE_URL") and host not in ("127.0.0.1", "localhost", "::1"):
        # Links in mail (portal links) would follow the Host header of whoever set them off.
        click.echo("warning: HELPDESK_BASE_URL is not set; set it to this site's public URL", err=True)
    run(current_app._get_current_object(), host, port, workers)  # type: ignore[attr-defined]


COMMANDS = (create_merchant, create_mediation_service, create_user, create_token, add_integration, check_chain,
            replay_delivery, serve)
