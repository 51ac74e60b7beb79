"""How long the SLA sweep takes with 100,000 and then 1,000,000 open tickets, 1% of them due.

Usage: python bench/sla_sweep.py [--scale 1.0] [--admin-url postgresql://postgres@127.0.0.1:5432/postgres]
       [--due-percent 1] [--keep]

Creates its own throwaway PostgreSQL database (hd_bench_<random>), migrates
it, and for each size: empties the tickets, bulk-inserts the open tickets
with one INSERT … SELECT generate_series (indexes dropped during the load and
built after, as a restore would), then times

- the sweep with nothing due (what the scheduled job costs most minutes),
- one batch of the sweep's claiming statement (find, lock, claim and
  reschedule 1,000 due tickets; EXPLAIN ANALYZE, rolled back), with the scan
  it chose (at 1,000,000: ix_ticket_sla_next_check on the narrow `ticket_sla`),
- the sweep that records the due warnings and breaches (one event each).

Half the due tickets are past their warning time, half past their due time.
The sweep should cost what is due, not the number of tickets: the empty sweep
and the batch stay flat from 100,000 to 1,000,000. Drops the database
at the end unless --keep.
"""
from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
from sqlalchemy import func, select, text

SIZES = (100_000, 1_000_000)
OPEN_TICKET_COLUMNS = """
    merchant_id, ref, status, category, category_confidence, category_source, needs_review, priority, channel,
    subject, customer_id, first_response_due_at, resolution_due_at, first_response_warn_at, resolution_warn_at,
    first_response_breached, resolution_breached, created_at, updated_at"""


def load_sql(n: int, every: int) -> str:
    """n open tickets; one in `every` is due (half past the warning, half past the due time)."""
    return f"""
    INSERT INTO ticket ({OPEN_TICKET_COLUMNS})
    SELECT :merchant, 'B-' || i, 'open', 'late_delivery', 0.9, 'model', false, 'normal', 'api',
           'Commande ' || i, :customer,
           CASE WHEN i % {every} = 0 AND i % {2 * every} <> 0 THEN :now - interval '5 minutes'
                ELSE :now + (i % 43200) * interval '1 minute' + interval '1 day' END,
           :now + interval '9 days',
           CASE WHEN i % {every} = 0 THEN :now - interval '10 minutes'
                ELSE :now + (i % 43200) * interval '1 minute' + interval '12 hours' END,
           :now + interval '7 days',
           false, false, :now - interval '1 hour', :now - interval '1 hour'
    FROM generate_series(1, {n}) AS i"""


# Every ticket's sweep row: nothing recorded yet, so the next check is the first response warning (the soonest).
SLA_SQL = """
    INSERT INTO ticket_sla (ticket_id, merchant_id, next_check_at, first_response_warned, resolution_warned)
    SELECT id, merchant_id, first_response_warn_at, false, false FROM ticket"""


def timed(what: str, func):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    value = func()
    seconds = time.perf_counter() - started
    print(f"  {what}: {seconds:.3f} s", flush=True)
    return value, seconds


def fill(db, tables, merchant_id: int, customer_id: int, n: int, every: int, now: datetime) -> None:  # type: ignore[no-untyped-def]
    conn = db.session.connection()
    conn.execute(text("TRUNCATE ticket_event, escalation_timer, ticket_sla, ticket RESTART IDENTITY CASCADE"))
    conn.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
    indexes = [index for table in tables for index in table.indexes]
    for index in indexes:
        conn.execute(text(f"DROP INDEX IF EXISTS {index.name}"))
    conn.execute(text(load_sql(n, every)), {"merchant": merchant_id, "customer": customer_id, "now": now})
    conn.execute(text(SLA_SQL))
    for index in indexes:
        index.create(conn)
    db.session.commit()
    db.session.execute(text("ANALYZE ticket"))
    db.session.execute(text("ANALYZE ticket_sla"))
    db.session.commit()


def measure(app, n: int, due_percent: float, now: datetime) -> dict[str, float]:  # type: ignore[no-untyped-def]
    from helpdesk.extensions import db
    from helpdesk.models import Customer, Merchant, Ticket, TicketEvent, TicketSla
    from helpdesk.sla.sweep import claim_params, claim_statement, sweep

    every = max(1, round(100 / due_percent))
    with app.app_context():
        merchant = db.session.scalar(select(Merchant))
        customer = db.session.scalar(select(Customer))
        print(f"\n{n:,} open tickets, 1 in {every} due", flush=True)
        _, load_s = timed("load (INSERT … SELECT generate_series, then indexes)",
                          lambda: fill(db, (Ticket.__table__, TicketSla.__table__), merchant.id, customer.id, n, every, now))
        before = now - timedelta(hours=2)  # nothing is due yet at this instant
        empty, empty_s = timed("sweep with nothing due", lambda: sweep(now=before))
        assert not (empty.warnings or empty.breaches)
        def one_batch() -> list[str]:  # the sweep's claiming statement for one batch, run and rolled back
            return db.session.connection().exec_driver_sql(
                "EXPLAIN (ANALYZE) " + claim_statement(), claim_params(now, 1000)).scalars().all()

        plan, find_s = timed("claim one batch of 1,000 (EXPLAIN ANALYZE, rolled back)", one_batch)
        db.session.rollback()
        scan = next((line.strip() for line in plan if "Scan" in line and " ticket_sla " in line), "?")
        print(f"  plan: {scan}", flush=True)
        result, sweep_s = timed("sweep recording the due warnings and breaches", lambda: sweep(now=now))
        events = db.session.scalar(select(func.count()).select_from(TicketEvent))
        recorded = len(result.warnings) + len(result.breaches)
        print(f"  recorded {len(result.warnings):,} warnings and {len(result.breaches):,} breaches "
              f"({events:,} events, {1000 * sweep_s / max(recorded, 1):.3f} ms each)", flush=True)
        again, again_s = timed("the same sweep again (finds nothing new)", lambda: sweep(now=now))
        assert not (again.warnings or again.breaches)
    return {"n": n, "load": load_s, "empty": empty_s, "find": find_s, "sweep": sweep_s, "recorded": recorded,
            "again": again_s}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 100,000 and 1,000,000 (default 1)")
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--due-percent", type=float, default=1.0)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    name = f"hd_bench_{secrets.token_hex(4)}"
    with psycopg.connect(args.admin_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = args.admin_url.rsplit("/", 1)[0] + f"/{name}"
    print(f"database {name}", flush=True)
    try:
        rows = run(url.replace("postgresql://", "postgresql+psycopg://", 1), args)
    finally:
        if not args.keep:
            with psycopg.connect(args.admin_url, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    print("\n   tickets   due  empty sweep  one batch  sweep (s)  per due ticket")
    for r in rows:
        print(f"{r['n']:>10,} {r['recorded']:>5,}  {r['empty']:>9.3f}  {r['find']:>8.3f}  {r['sweep']:>9.3f}"
              f"  {1000 * r['sweep'] / max(r['recorded'], 1):>8.3f} ms")
    return 0


def run(url: str, args: argparse.Namespace) -> list[dict[str, float]]:
    from flask_migrate import upgrade

    from helpdesk import create_app
    from helpdesk.extensions import db
    from helpdesk.merchants import create_merchant
    from helpdesk.models import Customer

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(32), "REDIS_URL": None,
                      "HELPDESK_DATA_DIR": tempfile.mkdtemp(prefix="hd-bench-"),
                      "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        upgrade()
        merchant = create_merchant("bench-shop", "Bench Shop")
        db.session.add(Customer(merchant_id=merchant.id, email="shopper@example.com", name="Shopper"))
        db.session.commit()
    now = datetime.now(UTC).replace(microsecond=0)
    return [measure(app, max(100, round(size * args.scale)), args.due_percent, now) for size in SIZES]


if __name__ == "__main__":
    raise SystemExit(main())
