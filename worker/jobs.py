"""The jobs: thin wrappers that take ids, call one service and commit (the service flushes only)."""
from __future__ import annotations

import logging

from helpdesk import jobs
from helpdesk.extensions import db
from helpdesk.intake.journal import DRAIN, drain_pending, requeue_pending
from helpdesk.intake.journal import process_delivery as process
from helpdesk.jobs import job

log = logging.getLogger("helpdesk.jobs")


@job("process_delivery", queue="high", retries=0)
def process_delivery(delivery_id: int) -> None:
    """Turn one journaled delivery into tickets or order updates; the journal row records failures."""
    process(delivery_id)


@job(DRAIN, queue="high", retries=0, wakeable=True)
def process_pending_deliveries() -> int:
    """Work through the journal's pending deliveries (woken by the webhooks, sent by `requeue_pending`).

    Runs for at most ~30 s, then wakes another run, so a backlog never holds a
    worker past its timeout. A run that finds work wakes a companion first:
    with a backlog and no new requests (a restart, an outage) every worker drains,
    not only the one that took the single queued run.
    """
    done = drain_pending(seconds=30, on_first=lambda: jobs.wake(DRAIN))
    if not done.finished:
        jobs.wake(DRAIN)
    return done.processed


@job("process_deliveries", queue="high", retries=0)
def process_deliveries(delivery_ids: list[int]) -> None:
    """A batch journaled together (an email poll); each delivery in its own transaction, one failure stops none."""
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
    """Schedule: record SLA warnings and breaches once each, fire due escalation steps (commits per batch)."""
    from helpdesk.sla.sweep import sweep

    result = sweep()
    return len(result.warnings) + len(result.breaches) + len(result.escalations)


@job("mediation_deadlines", queue="low", retries=0)
def mediation_deadlines() -> int:
    """Schedule: the mediation clocks (admissibility warning, consent silence, lapses, 90 days), each acting once."""
    from helpdesk.mediation.deadlines import sweep_deadlines

    result = sweep_deadlines()
    if result.counts:
        log.info("mediation deadlines: %s", result.counts)
    return sum(result.counts.values())


@job("send_mail", queue="mail", retries=4, backoff=(30, 120, 600, 1800))
def send_mail(mail_id: int) -> None:
    """Send one recorded outbound mail by SMTP; the row records attempts, and failure after the last."""
    from integrations.email.outbound import send_outbound

    send_outbound(mail_id)


@job("poll_mailbox", queue="low", retries=0, timeout=900)
def poll_mailbox(mailbox_id: int) -> None:
    """Fetch new mail of one mailbox (and wait on IDLE a while where supported); the lease skips a second poller."""
    from integrations.email.poller import poll_and_watch

    poll_and_watch(mailbox_id)


@job("poll_mail", queue="low", retries=0)
def poll_mail() -> int:
    """Schedule: one `poll_mailbox` job per active mailbox (deterministic job ids, so no pile-up)."""
    from integrations.email.poller import enqueue_polls

    return enqueue_polls()


@job("bulk_action", queue="default", retries=2, timeout=1800)
def bulk_action(bulk_id: int) -> None:
    """Apply a bulk action ticket by ticket (each ticket commits with its progress; a retry resumes)."""
    from helpdesk.tickets.bulk import run_bulk

    run_bulk(bulk_id)
