"""Mailbox health: last successful poll, last error, messages waiting, and the alert when it keeps failing.

SPEC 4.2: fetching never stops silently. After ``ALERT_AFTER`` failed passes
in a row the merchant's supervisors get one mail (and the mailbox keeps
``alerted_at`` set, which the staff pages show) until a poll succeeds again.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import Mailbox, Merchant, Role, User, utcnow

log = logging.getLogger("helpdesk.mail")

ALERT_AFTER = 3


@dataclass(frozen=True)
class MailboxHealth:
    """What a supervisor sees about one mailbox."""

    id: int
    address: str
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int
    backlog: int
    alerting: bool

    @property
    def healthy(self) -> bool:
        return self.consecutive_failures == 0 and self.last_success_at is not None


def health_of(merchant_id: int) -> list[MailboxHealth]:
    """Every mailbox of the merchant with its health, for the staff pages and the API."""
    boxes = db.session.scalars(select(Mailbox).where(Mailbox.merchant_id == merchant_id).order_by(Mailbox.id))
    return [MailboxHealth(m.id, m.address or m.username, m.last_success_at, m.last_error, m.last_error_at,
                          m.consecutive_failures, m.backlog, m.alerted_at is not None) for m in boxes]


def record_success(mailbox_id: int, *, now: datetime | None = None) -> None:
    """A pass read the folder to the end: failures reset, the alert cleared. Commits."""
    mailbox = db.session.get(Mailbox, mailbox_id)
    if mailbox is None:
        return
    if mailbox.alerted_at is not None:
        log.info("mailbox %s (merchant %s) is polled successfully again", mailbox.id, mailbox.merchant_id)
    mailbox.last_success_at, mailbox.consecutive_failures, mailbox.alerted_at = now or utcnow(), 0, None
    db.session.commit()


def record_failure(mailbox_id: int, error: str, *, now: datetime | None = None) -> None:
    """A pass failed after its reconnects; alert the supervisors once it has failed ALERT_AFTER times. Commits."""
    now = now or utcnow()
    mailbox = db.session.get(Mailbox, mailbox_id)
    if mailbox is None:
        return
    mailbox.last_error, mailbox.last_error_at = error[:2000], now
    mailbox.consecutive_failures += 1
    log.warning("mailbox %s (merchant %s) failed %d time(s) in a row: %s", mailbox.id, mailbox.merchant_id,
                mailbox.consecutive_failures, error)
    if mailbox.consecutive_failures >= ALERT_AFTER and mailbox.alerted_at is None:
        _alert_supervisors(mailbox, now)
    db.session.commit()


def _alert_supervisors(mailbox: Mailbox, now: datetime) -> None:
    from .outbound import queue_mail

    mailbox.alerted_at = now
    merchant = db.session.get(Merchant, mailbox.merchant_id)
    supervisors = db.session.scalars(select(User).where(User.merchant_id == mailbox.merchant_id,
                                                        User.role == Role.SUPERVISOR, User.active.is_(True)))
    log.error("ALERT mailbox %s (merchant %s) keeps failing: %s", mailbox.id, mailbox.merchant_id,
              mailbox.last_error)
    for user in supervisors:
        language = user.language or (merchant.language if merchant else "fr")
        with force_locale(language):
            subject, text = _alert_text(mailbox)
        queue_mail(db.session, merchant_id=mailbox.merchant_id, to=user.email, subject=subject, text=text,
                   kind="alert", language=language)


def _alert_text(mailbox: Mailbox) -> tuple[str, str]:
    values: dict[str, Any] = {"mailbox": mailbox.address or mailbox.username, "count": mailbox.consecutive_failures,
                              "error": mailbox.last_error or ""}
    subject = _("Mailbox %(mailbox)s cannot be read", **values)
    text = _("The helpdesk failed to read the mailbox %(mailbox)s %(count)s times in a row. New complaints "
             "sent to it are not arriving. Last error: %(error)s", **values)
    return subject, text
