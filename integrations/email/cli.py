"""`helpdesk add-mailbox` and `helpdesk poll-mail` (SPEC 8). They call services and hold no logic."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from helpdesk.cli import emit, fails_cleanly, finish_jobs
from helpdesk.extensions import db
from helpdesk.merchants import merchant_by_slug

from .mailboxes import add_mailbox
from .poller import active_mailboxes, poll_mailbox


@click.command("add-mailbox")
@click.argument("slug")
@click.option("--host", required=True, help="IMAP server host name.")
@click.option("--port", required=True, type=int, help="IMAP port (993 with TLS, 143 without).")
@click.option("--user", required=True, help="IMAP login.")
@click.option("--password", required=True, help="IMAP password (stored encrypted).")
@click.option("--folder", default="INBOX", show_default=True, help="Folder read for complaints.")
@click.option("--tls/--no-tls", default=True, show_default=True, help="IMAP over TLS (imaps).")
@click.option("--smtp-url", default=None, help="smtp://[user:pass@]host[:port] or smtps://… to answer from.")
@click.option("--address", default=None, help="Address mail goes From (else the IMAP user if it is one).")
@click.option("--json", "as_json", is_flag=True, help="Print what was created as one JSON object.")
@with_appcontext
@fails_cleanly
def add_mailbox_command(slug: str, host: str, port: int, user: str, password: str, folder: str, tls: bool,
                        smtp_url: str | None, address: str | None, as_json: bool) -> None:
    """Connect an IMAP mailbox to a merchant (and how to send from it)."""
    mailbox = add_mailbox(merchant_by_slug(slug), host=host, port=port, user=user, password=password,
                          folder=folder, tls=tls, smtp_url=smtp_url, address=address)
    db.session.commit()
    emit({"id": mailbox.id, "merchant": slug, "host": mailbox.host, "port": mailbox.port, "tls": mailbox.tls,
          "user": mailbox.username, "folder": mailbox.folder, "address": mailbox.address,
          "smtp": mailbox.smtp_url_encrypted is not None, "acknowledge": mailbox.acknowledge},
         as_json, f"mailbox {mailbox.id} ({user} on {host}, {folder}) connected to {slug}")


@click.command("poll-mail")
@click.argument("slug", required=False)
@click.option("--merchant", "merchant_slug", default=None, help="Only this merchant's mailboxes.")
@click.option("--json", "as_json", is_flag=True, help="Print what each mailbox did as one JSON object.")
@with_appcontext
@fails_cleanly
def poll_mail_command(slug: str | None, merchant_slug: str | None, as_json: bool) -> None:
    """Fetch new mail once, process it, and return when done (a mailbox polled elsewhere is skipped)."""
    wanted = merchant_slug or slug
    if wanted:
        merchant_by_slug(wanted)  # an unknown merchant is a readable error, not "nothing to do"
    ids = [m.id for m in active_mailboxes(wanted)]
    db.session.rollback()
    results = [poll_mailbox(mailbox_id) for mailbox_id in ids]
    finish_jobs()
    for r in results:
        state = "skipped (polled elsewhere)" if r.skipped else (f"failed: {r.error}" if r.error else "ok")
        click.echo(f"mailbox {r.mailbox_id}: {r.fetched} message(s) read, {state}", err=True)
    if as_json:
        emit({"mailboxes": [{"id": r.mailbox_id, "fetched": r.fetched, "skipped": r.skipped, "error": r.error}
                            for r in results]}, True, "")
    failed = [r for r in results if r.error]
    if failed:
        raise click.ClickException(f"{len(failed)} mailbox(es) could not be read; last error: {failed[-1].error}")


COMMANDS = (add_mailbox_command, poll_mail_command)
