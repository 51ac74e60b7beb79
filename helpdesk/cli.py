"""The `helpdesk` command (SPEC 8): the Flask CLI of the app. Commands call services and hold no logic."""
from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from .config import ConfigError, masked
from .errors import DomainError
from .extensions import db


def fails_cleanly(func: Callable[..., Any]) -> Callable[..., Any]:
    """A refused or failed command prints one readable line on stderr and exits non-zero, no traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DomainError as exc:
            db.session.rollback()
            raise click.ClickException(exc.message) from None
        except (SQLAlchemyError, OSError) as exc:
            db.session.rollback()
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise click.ClickException(f"{type(exc).__name__}: {first}") from None

    return wrapper


def emit(data: dict[str, Any], as_json: bool, human: str) -> None:
    """Machine-read output alone on stdout; `--json` prints exactly one object."""
    click.echo(json.dumps(data, ensure_ascii=False, default=str) if as_json else human)


def finish_jobs() -> None:
    """In the embedded mode a command finishes its processing before it returns (SPEC 8)."""
    drain = current_app.extensions.get("helpdesk_drain")
    if drain:
        drain()


def register(app: Flask) -> None:
    from . import cli_admin, cli_demo, cli_sla, cli_triage

    for command in (*cli_admin.COMMANDS, *cli_triage.COMMANDS, *cli_sla.COMMANDS, cli_demo.demo, init_db,
                    show_config):
        app.cli.add_command(command)


@click.command("init-db")
@with_appcontext
@fails_cleanly
def init_db() -> None:
    """Create or upgrade the database schema (Alembic)."""
    from flask_migrate import upgrade

    upgrade()
    click.echo("database schema is up to date", err=True)


@click.command("config")
@with_appcontext
def show_config() -> None:
    """Print the effective settings, secrets masked."""
    click.echo(json.dumps(masked(dict(current_app.config)), indent=2, default=str))


def main() -> None:
    from . import create_app

    group = FlaskGroup(create_app=lambda: create_app(), add_default_commands=True, add_version_option=False,
                       load_dotenv=False, set_debug_flag=False,
                       help="After-sales dispute helpdesk: the commands of SPEC 8.")
    try:
        group.main(prog_name="helpdesk")
    except ConfigError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
