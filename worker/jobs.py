"""The jobs: thin wrappers that take ids, call one service and commit (the service flushes only)."""
from __future__ import annotations

import logging

from helpdesk.extensions import db
from helpdesk.intake.journal import process_delivery as process
from helpdesk.intake.journal import requeue_pending
from helpdesk.jobs import job

log = logging.getLogger("helpdesk.jobs")


@job("process_delivery", queue="high", retries=0)
def process_delivery(delivery_id: int) -> None:
    """Turn one journaled delivery into tickets or order updates; the journal row records failures."""
    process(delivery_id)


@job("process_deliveries", queue="high", retries=0)
def process_deliveries(delivery_ids: list[int]) -> None:
    """A batch journaled by one group commit; each delivery in its own transaction, one failure stops none."""
    for delivery_id in delivery_ids:
        try:
            process(delivery_id)
        except Exception:
            log.exception("delivery %s could not be processed now", delivery_id)
            db.session.rollback()


@job("requeue_pending", queue="low", retries=0)
def requeue_pending_deliveries() -> int:
    """Schedule: pending deliveries older than 60 s get a job again (SPEC 2)."""
    return requeue_pending()


@job("ticket_opened", queue="default")
def ticket_opened(ticket_id: int) -> None:
    """After a ticket is created: acknowledgement and notifications (the mail channel plugs in here)."""
    from helpdesk.notifications import ticket_opened as notify

    notify(ticket_id)
    db.session.commit()


@job("deliver_reply", queue="mail")
def deliver_reply(message_id: int) -> None:
    """Send a staff reply to the shopper by the channel the ticket came from."""
    from helpdesk.notifications import deliver_reply as deliver

    deliver(message_id)
    db.session.commit()


@job("sla_sweep", queue="low", retries=0)
def sla_sweep() -> int:
    """Schedule: record SLA breaches once each (the sweep commits per batch)."""
    from helpdesk.sla.sweep import sweep

    return len(sweep().breaches)
