"""Email ingestion throughput on a real Dovecot: messages/s from the first FETCH to the last ticket committed.

Usage: python bench/email_ingest.py [--count 2000] [--mode embedded|rq|both] [--workers 2]

Starts a private Dovecot (as the tests do; needs root and dovecot-imapd),
APPENDs ``--count`` varied messages (French, English, Arabic, Darija; replies
threading on earlier ones; HTML-only; attachments; auto-replies; repeated
senders), then polls the mailbox once and waits until every journaled message
is processed. Modes:

* ``embedded``: SQLite file, jobs in this process (no Redis), as `helpdesk serve`;
* ``rq``: a throwaway PostgreSQL database, Redis, and ``--workers`` RQ workers
  (`helpdesk worker`) processing while this process polls.

Each mode prints messages/s, peak memory (this process, and each worker), the
ticket count, and the ticket count after a second run that re-reads the whole
folder from UID 1 (it must not change).
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, update

PG_ADMIN = os.environ.get("HD_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_BASE = os.environ.get("HD_TEST_REDIS_BASE", "redis://127.0.0.1:6379")

TEXTS = {
    "fr": ["Bonjour, ma commande n° {n} n'est toujours pas arrivée, le suivi est bloqué depuis une semaine.",
           "Le produit reçu (commande {n}) est cassé, l'écran est fissuré. Je veux un remplacement.",
           "Je souhaite retourner les chaussures de la commande {n}, la taille ne convient pas. Comment faire ?",
           "Bonjour, pouvez-vous m'envoyer la facture de la commande {n} ? Merci."],
    "en": ["Hi, my order #{n} has not arrived yet and the tracking has not moved for days.",
           "The blender from order {n} arrived damaged and does not turn on.",
           "I would like to return order {n}, I changed my mind. Please send a return label.",
           "Can I change the delivery address of order {n}?"],
    "ar": ["السلام عليكم، لم تصلني الطلبية رقم {n} بعد، والتتبع متوقف منذ أسبوع.",
           "وصلني المنتج من الطلبية {n} مكسورا، أريد استبداله.",
           "أريد إرجاع الطلبية {n} واسترجاع المبلغ من فضلكم."],
    "darija": ["Salam, commande {n} mazal ma wslatnich, chno kayn?",
               "Slm, lproduit dial commande {n} ja mhers, bghit nbedlo."],
}
SIGNATURES = ["\n\nCordialement,\nSalma", "\n\nEnvoyé de mon iPhone", "\n\n-- \nJohn Smith\n+44 20 7946 0000",
              "\n\nمع تحياتي", ""]


def make_messages(count: int, seed: int = 7) -> list[bytes]:
    """Varied, deterministic mail: new complaints, replies threading on earlier ones, robots, attachments."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    sent: list[tuple[str, str, str]] = []  # (message-id, sender, subject) of earlier complaints
    out = []
    for i in range(count):
        lang = rng.choice(["fr", "fr", "en", "ar", "darija"])
        sender = f"shopper{rng.randrange(count // 2)}@example.{rng.choice(['com', 'fr', 'ma'])}"
        msg = EmailMessage()
        mid = f"bench.{seed}.{i}.{secrets.token_hex(4)}@mail.example.com"
        kind = rng.random()
        subject = f"Commande {1000 + i}"
        text = rng.choice(TEXTS[lang]).format(n=1000 + i) + rng.choice(SIGNATURES)
        if kind < 0.2 and sent:  # a reply threading on an earlier mail
            parent, sender, subject = rng.choice(sent)
            msg["In-Reply-To"], msg["References"] = f"<{parent}>", f"<{parent}>"
            subject = "Re: " + subject
            text = "Toujours rien de nouveau ?\n\nLe 3 nov. 2026 à 10:02, Boutique a écrit :\n> Nous regardons."
        elif kind < 0.25:  # an out-of-office robot
            msg["Auto-Submitted"] = "auto-replied"
            subject, text = "Réponse automatique : absent", "Je suis absent jusqu'au 12."
        msg["From"] = f"Shopper {i} <{sender}>"
        msg["To"] = "support@shop.test"
        msg["Subject"] = subject
        msg["Date"] = format_datetime(now - timedelta(minutes=count - i))
        msg["Message-ID"] = f"<{mid}>"
        if kind > 0.9:
            msg.set_content(f"<html><body><p>{text}</p><p><b>Merci</b></p></body></html>", subtype="html")
        else:
            msg.set_content(text)
        if 0.8 < kind <= 0.9:
            msg.add_attachment(rng.randbytes(2048), maintype="image", subtype="jpeg", filename=f"photo-{i}.jpg")
        if kind >= 0.25:
            sent.append((mid, sender, subject))
        out.append(bytes(msg))
    return out


def setup_app(database_url: str, data_dir: str, redis_url: str | None):  # type: ignore[no-untyped-def]
    from helpdesk import create_app

    return create_app({"SECRET_KEY": "bench-secret-" + "x" * 30, "SQLALCHEMY_DATABASE_URI": database_url,
                       "HELPDESK_DATA_DIR": data_dir, "REDIS_URL": redis_url, "HELPDESK_MAIL_IDLE_SECONDS": 0})


def prepare(app, dovecot, user: str, password: str) -> int:  # type: ignore[no-untyped-def]
    from flask_migrate import upgrade

    from helpdesk.extensions import db
    from helpdesk.merchants import create_merchant
    from integrations.email.mailboxes import add_mailbox

    with app.app_context():
        upgrade()
        merchant = create_merchant(f"bench-{secrets.token_hex(3)}", "Bench Shop")
        mailbox = add_mailbox(merchant, host="127.0.0.1", port=dovecot.port, user=user, password=password,
                              tls=False, address="support@shop.test")
        db.session.commit()
        return mailbox.id


def run_pass(app, mailbox_id: int, wait_for_workers: bool) -> tuple[float, int, int]:  # type: ignore[no-untyped-def]
    """Poll once and wait until every journaled mail is processed; returns (seconds, deliveries, tickets)."""
    from helpdesk.extensions import db
    from helpdesk.models import DeliveryStatus, InboundDelivery, Ticket
    from integrations.email.poller import poll_mailbox

    with app.app_context():
        started = datetime.now(UTC)
        result = poll_mailbox(mailbox_id)
        if result.error:
            raise SystemExit(f"poll failed: {result.error}")
        if not wait_for_workers:
            app.extensions["helpdesk_drain"]()
        while db.session.scalar(select(func.count()).select_from(InboundDelivery).where(
                InboundDelivery.status == DeliveryStatus.PENDING)):
            db.session.rollback()
            time.sleep(0.2)
        last = db.session.scalar(select(func.max(InboundDelivery.processed_at)))
        deliveries = db.session.scalar(select(func.count()).select_from(InboundDelivery)) or 0
        tickets = db.session.scalar(select(func.count()).select_from(Ticket)) or 0
        db.session.rollback()
        return ((last or datetime.now(UTC)) - started).total_seconds(), deliveries, tickets


def reset_checkpoint(app, mailbox_id: int) -> None:  # type: ignore[no-untyped-def]
    from helpdesk.extensions import db
    from helpdesk.models import Mailbox

    with app.app_context():
        db.session.execute(update(Mailbox).where(Mailbox.id == mailbox_id).values(uidvalidity=None, last_uid=0))
        db.session.commit()


def report(mode: str, count: int, seconds: float, deliveries: int, tickets: int, tickets_after: int,
           extra: str = "") -> None:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"[{mode}] {count} messages appended, {deliveries} journaled, {tickets} tickets")
    print(f"[{mode}] {count / seconds:.0f} messages/s from first FETCH to last ticket committed ({seconds:.1f} s)")
    print(f"[{mode}] peak memory: poller process {peak:.0f} MB{extra}")
    print(f"[{mode}] second run (whole folder read again): {tickets_after} tickets "
          f"({'unchanged' if tickets_after == tickets else 'CHANGED'})")


def embedded(dovecot, count: int) -> None:  # type: ignore[no-untyped-def]
    user, password = dovecot.add_user()
    dovecot.append(user, password, make_messages(count))
    data = tempfile.mkdtemp(prefix="hd-bench-")
    try:
        app = setup_app(f"sqlite:///{data}/bench.sqlite3", data, None)
        mailbox_id = prepare(app, dovecot, user, password)
        seconds, deliveries, tickets = run_pass(app, mailbox_id, wait_for_workers=False)
        reset_checkpoint(app, mailbox_id)
        _, _, tickets_after = run_pass(app, mailbox_id, wait_for_workers=False)
        report("embedded SQLite", count, seconds, deliveries, tickets, tickets_after)
    finally:
        shutil.rmtree(data, ignore_errors=True)


def with_rq(dovecot, count: int, workers: int) -> None:  # type: ignore[no-untyped-def]
    import psycopg

    name = f"hd_bench_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    database_url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    redis_url = f"{REDIS_BASE}/{2 + secrets.randbelow(13)}"
    data = tempfile.mkdtemp(prefix="hd-bench-")
    procs: list[subprocess.Popen[bytes]] = []
    try:
        user, password = dovecot.add_user()
        dovecot.append(user, password, make_messages(count, seed=11))
        app = setup_app(database_url.replace("postgresql://", "postgresql+psycopg://", 1), data, redis_url)
        mailbox_id = prepare(app, dovecot, user, password)
        env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "HELPDESK_DATA_DIR": data,
               "SECRET_KEY": app.config["SECRET_KEY"], "HELPDESK_LOG_LEVEL": "WARNING"}
        helpdesk = str(Path(sys.executable).parent / "helpdesk")
        procs = [subprocess.Popen([helpdesk, "worker", "--no-schedules"], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL) for _ in range(workers)]
        time.sleep(3)  # let the workers import the app before the clock starts
        seconds, deliveries, tickets = run_pass(app, mailbox_id, wait_for_workers=True)
        reset_checkpoint(app, mailbox_id)
        _, _, tickets_after = run_pass(app, mailbox_id, wait_for_workers=True)
        peaks = [_peak_mb(p.pid) for p in procs]
        report(f"PostgreSQL + {workers} RQ workers", count, seconds, deliveries, tickets, tickets_after,
               ", workers " + ", ".join(f"{p:.0f} MB" for p in peaks))
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(30)
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        shutil.rmtree(data, ignore_errors=True)


def _peak_mb(pid: int) -> float:
    """Peak resident memory of a running process (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    from tests.integrations.email.servers import dovecot_available, start_dovecot

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--mode", choices=["embedded", "rq", "both"], default="both")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not dovecot_available():
        raise SystemExit("Dovecot is needed (apt-get install -y dovecot-imapd; run as root)")
    dovecot = start_dovecot()
    try:
        if args.mode in ("embedded", "both"):
            embedded(dovecot, args.count)
        if args.mode in ("rq", "both"):
            with_rq(dovecot, args.count, args.workers)
    finally:
        dovecot.stop()


if __name__ == "__main__":
    main()
